"""``for element in dataset:`` inside tf.function, as one staged loop (AutoGraph's dataset loop).

Design: the pipeline stays on the host and the loop is compiled. At trace time the dataset is iterated
once on the host to learn its elements' shape signatures (run-length encoded: typically N full batches and
one smaller last batch); each run of equal signatures becomes one ``lax.scan`` whose body fetches the next
element from a host iterator through ``jax.experimental.io_callback`` (ordered) and runs the loop body on
it. Every call of the compiled function starts a fresh host iterator, so each epoch sees the pipeline's
new shuffle order, as TF's dataset loop does. A dataset whose element signatures change from one call to
the next (a different number of elements, for example) raises InvalidArgumentError at the fetch; such a
function must be traced again (a new Dataset object traces again, as in TF).
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import io_callback

from ..autograph import operators
from ..core import errors
from ..core.tensor import wrap
from . import structure as st

_MAX_CENSUS = 10_000_000  # elements; a longer (or infinite) dataset is not staged


def _sig(leaves: tuple) -> tuple:
    return tuple((np.shape(x), np.asarray(x).dtype) for x in leaves)


def for_dataset(ds: Any, extra_test: Callable | None, body: Callable, vals: tuple, names: tuple, opts: dict,
                live: tuple, tensor_loop: Callable, transform: Callable | None = None) -> Any:
    """The staged loop over ``ds`` (a tf.data Dataset); NotImplemented when it cannot be staged.
    ``transform`` maps each traced element (tf.distribute lays a global batch out over the replicas)."""
    segments: list = []
    n = 0
    for leaves in ds._iter_final():
        s = _sig(leaves)
        if any(d.kind in "OSU" for _, d in s):
            return NotImplemented  # strings and objects stay in Python
        if segments and segments[-1][0] == s:
            segments[-1][1] += 1
        else:
            segments.append([s, 1])
        n += 1
        if n > _MAX_CENSUS:
            return NotImplemented
    spec = ds.element_spec
    flat_spec = not isinstance(spec, (tuple, dict))
    holder: dict = {}

    def start() -> Any:
        holder["it"] = ds._iter_final()
        return np.int32(0)

    def fetcher(k: int, sig: tuple) -> Callable:
        def fetch(token: Any) -> tuple:
            try:
                leaves = next(holder["it"])
            except StopIteration:
                raise errors.OutOfRangeError(None, None, "End of sequence: the dataset has fewer elements than "
                                             "when the tf.function was traced; trace it again.") from None
            if _sig(leaves) != sig:
                raise errors.InvalidArgumentError(
                    None, None, f"the dataset's element {k} has the signature {_sig(leaves)}, but the traced loop "
                    f"expects {sig}: its elements changed since the tf.function was traced; pass a new Dataset.")
            return tuple(np.asarray(x, d) for x, (_, d) in zip(leaves, sig))

        return fetch

    token = io_callback(start, jax.ShapeDtypeStruct((), jnp.int32), ordered=True)
    del token
    pos = 0
    for sig, count in segments:
        shapes = tuple(jax.ShapeDtypeStruct(s, d) for s, d in sig)
        fetch = fetcher(pos, sig)

        def element(shapes: tuple = shapes, fetch: Callable = fetch) -> Any:
            if operators.probing():
                arrays = [jnp.zeros(s.shape, s.dtype) for s in shapes]
            else:
                arrays = io_callback(fetch, shapes, 0, ordered=True)
            tensors = [wrap(a) for a in arrays]
            out = tensors[0] if flat_spec else st.pack(spec, tensors)
            return out if transform is None else transform(out)

        def test(i: Any, *v: Any, count: int = count) -> Any:
            return wrap(i.array < count)

        def step(i: Any, *v: Any, element: Callable = element) -> tuple:
            return body(element(), *v)

        vals = tensor_loop("for", test, step, tuple(vals), names, opts, live, extra_test=extra_test, trip=count)
        pos += count
    return vals
