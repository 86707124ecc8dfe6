"""Variable updates as TF (issue 17 §2): sliced assignment ``v[1:3].assign(...)``, the scatter methods
(``scatter_nd_*`` and ``scatter_*`` with ``tf.IndexedSlices``), ``batch_scatter_update``, and
``tf.IndexedSlices`` conversion; values, dtypes and error classes against real TensorFlow."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tfshim
from oracle import assert_same


def V(t):  # noqa: N802
    return t.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


CASES = {
 "row assign": lambda t: (lambda v: (v[0].assign([9.,9.,9.]), v)[1])(V(t)),
 "col assign": lambda t: (lambda v: (v[:, 1].assign([7.,8.]), v)[1])(V(t)),
 "slice assign scalar": lambda t: (lambda v: (v[0, 1:].assign(7.), v)[1])(V(t)),
 "slice bad broadcast": lambda t: (lambda v: (v[0, 1:].assign([1.,2.,3.]), v)[1])(V(t)),
 "slice assign ret": lambda t: V(t)[1:2].assign([[0.,0.,0.]]),
 "neg step": lambda t: (lambda v: (v[:, ::-1].assign([[1.,2.,3.],[4.,5.,6.]]), v)[1])(V(t)),
 "int var": lambda t: (lambda v: (v[1:3].assign([7, 8]), v)[1])(t.Variable([1,2,3,4])),
 "np f64 value": lambda t: (lambda v: (v[1:3].assign(np.array([7., 8.])), v)[1])(t.Variable([1.,2.,3.,4.])),
 "tensor wrong dtype": lambda t: (lambda v: (v[1:3].assign(t.constant([7., 8.], t.float64)), v)[1])(t.Variable([1.,2.,3.,4.])),
 "getitem value": lambda t: V(t)[1, ::2] * 2,
 "scatter_nd_update": lambda t: V(t).scatter_nd_update([[0,0],[1,2]], [10.,20.]),
 "scatter_nd_add": lambda t: V(t).scatter_nd_add([[0],[0]], [[1.,1.,1.],[1.,1.,1.]]),
 "scatter_nd_sub": lambda t: V(t).scatter_nd_sub([[1]], [[1.,1.,1.]]),
 "scatter_nd_max": lambda t: V(t).scatter_nd_max([[1,1]], [100.]),
 "scatter_nd_min": lambda t: V(t).scatter_nd_min([[1,1]], [-100.]),
 "scatter_nd oob": lambda t: V(t).scatter_nd_update([[5,0]], [10.]),
 "scatter_nd bad shape": lambda t: V(t).scatter_nd_update([[0,0]], [10., 2.]),
 "scatter_update": lambda t: V(t).scatter_update(t.IndexedSlices(t.constant([[1.,1.,1.]]), t.constant([1]))),
 "scatter_add": lambda t: V(t).scatter_add(t.IndexedSlices(t.constant([[1.,1.,1.],[2.,2.,2.]]), t.constant([1,1]))),
 "scatter_sub": lambda t: V(t).scatter_sub(t.IndexedSlices(t.constant([[1.,1.,1.]]), t.constant([0]))),
 "scatter_mul": lambda t: V(t).scatter_mul(t.IndexedSlices(t.constant([[2.,2.,2.]]), t.constant([0]))),
 "scatter_div": lambda t: V(t).scatter_div(t.IndexedSlices(t.constant([[2.,2.,2.]]), t.constant([0]))),
 "scatter_max": lambda t: V(t).scatter_max(t.IndexedSlices(t.constant([[2.,2.,7.]]), t.constant([0]))),
 "scatter_min": lambda t: V(t).scatter_min(t.IndexedSlices(t.constant([[2.,2.,7.]]), t.constant([1]))),
 "scatter_update not slices": lambda t: V(t).scatter_update(t.constant([1.])),
 "scatter_update oob": lambda t: V(t).scatter_update(t.IndexedSlices(t.constant([[1.,1.,1.]]), t.constant([2]))),
 "batch_scatter_update": lambda t: V(t).batch_scatter_update(t.IndexedSlices(t.constant([[9.],[8.]]), t.constant([[2],[0]]))),
 "IndexedSlices dense": lambda t: t.convert_to_tensor(t.IndexedSlices(t.constant([[1.,2.],[3.,4.]]), t.constant([2,2]), t.constant([3,2]))),
 "IndexedSlices attrs": lambda t: t.IndexedSlices(t.constant([[1.,2.]]), t.constant([0]), t.constant([3,2])).values,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_variable_update_as_tf(name, tf_ref):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = CASES[name](lib)
            out.append(r.read_value() if hasattr(r, "read_value") else r)
        except Exception as e:  # noqa: BLE001
            out.append(e)
    assert_same(*out, what=name)


def test_sliced_assign_inside_tf_function_and_tape(tf_ref):
    res = []
    for lib in (tf_ref, tfshim):
        v = lib.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))

        @lib.function
        def step(x, v=v):
            v[0, 1:].assign(x)
            v.scatter_nd_add([[1, 0]], [10.0])
            return v[1] * 2

        out = step(lib.constant([7.0, 8.0]))
        with lib.GradientTape() as tape:
            y = lib.reduce_sum(v[:, 1] * v[:, 1])
        res.append((out, v.read_value(), tape.gradient(y, v)))
    assert_same(*res)


def test_slice_of_variable_behaves_as_tensor():
    v = tfshim.Variable([[1.0, 2.0], [3.0, 4.0]])
    row = v[0]
    assert isinstance(row, tfshim.Tensor)
    np.testing.assert_array_equal((row + 1).numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(tfshim.function(lambda: v[1])().numpy(), [3.0, 4.0])
    assert v[0].assign([0.0, 0.0]) is not None and v.numpy()[0].tolist() == [0.0, 0.0]
