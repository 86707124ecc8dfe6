"""tf.summary: TensorBoard summaries written to event files (``event_file.py``).

Eagerly, a summary op turns its values into a ``Summary`` proto on the host and queues it on the default
writer. Inside ``tf.function`` (and Keras' compiled steps) the values are traced and handed to the host, which
writes them each time the compiled program runs: directly in a tf.function they are extra outputs of the call,
written right after it (``core/dispatch.host_call``, which keeps JAX's fast dispatch); inside control-flow
bodies and Keras' step a ``jax.debug.callback`` writes them. The writer and tag are fixed at trace time, as
TF's graph captures its writer resource. A replay of recorded computation (a ``GradientTape``
differentiating a ``tf.function`` call, a ``custom_gradient``'s backward pass) traces with
``state.replaying`` set, and the op then emits nothing, so one call writes one summary.

Differences from TF: string data (``text``) must be Python/NumPy strings (tfshim has no string tensors);
``trace_export`` writes the jaxprs of the tf.functions called while tracing was on as a text summary (no
GraphDef, no profiler data); summary ops do not go through the op table (they are host I/O, not tensor ops).
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import wave
from typing import Any, Callable, Iterator

import jax
import numpy as np

from ..core import state
from ..core.convert import constant
from ..core.dispatch import host_call
from ..core.record import is_variable
from ..core.tensor import Tensor, wrap
from ..core.variable import current_scope, name_scope
from ..staging.control_flow import _CaptureTape
from .event_file import EventFile


class _Context(threading.local):
    def __init__(self) -> None:
        self.writer: SummaryWriter | None = None
        self.step: Any = None
        self.record_if: list = []
        self.trace: dict | None = None
        self.suppressed = 0  # > 0: traced summary ops emit nothing (tf.saved_model exporting a function)


_ctx = _Context()
_BOOLS: dict = {}  # the True/False results, made once (Tensors are immutable)


def _bool(b: bool) -> Tensor:
    t = _BOOLS.get(b)
    if t is None:
        t = _BOOLS[b] = constant(b)
    return t


# --- writers --------------------------------------------------------------------------------------------------
class SummaryWriter:
    """tf.summary.SummaryWriter: the interface of ``create_file_writer``'s and ``create_noop_writer``'s result."""

    def as_default(self, step: Any = None) -> contextlib.AbstractContextManager:
        """SummaryWriter.as_default(step=None): make this the default writer (and ``step`` the default step)."""
        return _as_default(self, step)

    def set_as_default(self, step: Any = None) -> None:
        """SummaryWriter.set_as_default(step=None): make this the default writer of this thread until changed."""
        _ctx.writer = self
        if step is not None:
            _ctx.step = step

    def init(self) -> None:
        """SummaryWriter.init(): nothing to do (the file is opened on creation)."""

    def flush(self) -> None:
        """SummaryWriter.flush(): write queued events to disk."""

    def close(self) -> None:
        """SummaryWriter.close(): flush and close; later summaries to this writer are dropped."""

    def _write(self, summary: Any, step: int) -> None:
        pass


@contextlib.contextmanager
def _as_default(writer: SummaryWriter, step: Any) -> Iterator[SummaryWriter]:
    old_writer, old_step = _ctx.writer, _ctx.step
    _ctx.writer = writer
    if step is not None:
        _ctx.step = step
    try:
        yield writer
    finally:
        writer.flush()  # TF flushes when leaving as_default
        _ctx.writer = old_writer
        if step is not None:
            _ctx.step = old_step


class _FileWriter(SummaryWriter):
    def __init__(self, logdir: str, max_queue: int, flush_millis: int, filename_suffix: str):
        self._logdir = logdir
        self._file = EventFile(logdir, max_queue, flush_millis, filename_suffix)

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def _write(self, summary: Any, step: int) -> None:
        self._file.add_summary(summary, step)

    def __repr__(self) -> str:
        return f"<tfshim.summary.SummaryWriter logdir={self._logdir!r}>"


class _NoopWriter(SummaryWriter):
    # As TF's: entirely inert; as_default/set_as_default leave the default writer and step unchanged.
    @contextlib.contextmanager
    def as_default(self, step: Any = None) -> Iterator[SummaryWriter]:
        yield self

    def set_as_default(self, step: Any = None) -> None:
        pass

    def __repr__(self) -> str:
        return "<tfshim.summary.NoopSummaryWriter>"


def create_file_writer(
    logdir: Any,
    max_queue: int | None = None,
    flush_millis: int | None = None,
    filename_suffix: str | None = None,
    name: str | None = None,
    experimental_trackable: bool = False,
    experimental_mesh: Any = None,
) -> SummaryWriter:
    """tf.summary.create_file_writer: a writer of one new event file in ``logdir`` (created if missing).

    ``max_queue`` (default 10) events are kept before a write to disk, or ``flush_millis`` (default 120000)
    milliseconds; the file name ends in ``filename_suffix`` (default ``.v2``), as TF's."""
    import os

    if logdir is None:
        raise ValueError("tf.summary.create_file_writer: logdir cannot be None; pass a directory path.")
    try:
        logdir = os.fspath(logdir.numpy() if isinstance(logdir, Tensor) else logdir)
    except TypeError:
        raise TypeError(
            f"tf.summary.create_file_writer: logdir must be a path string, received {logdir!r}."
        ) from None
    if isinstance(logdir, bytes):
        logdir = logdir.decode()
    return _FileWriter(
        logdir,
        10 if max_queue is None else int(max_queue),
        120_000 if flush_millis is None else int(flush_millis),
        ".v2" if filename_suffix is None else str(filename_suffix),
    )


def create_noop_writer() -> SummaryWriter:
    """tf.summary.create_noop_writer: a writer that does nothing; as in TF, making it the default changes nothing."""
    return _NoopWriter()


def flush(writer: SummaryWriter | None = None, name: str | None = None) -> None:
    """tf.summary.flush(writer=None): flush ``writer``, or the default writer."""
    w = writer if writer is not None else _ctx.writer
    if w is not None:
        w.flush()


# --- the default step and recording condition -------------------------------------------------------------------
def set_step(step: Any) -> None:
    """tf.summary.experimental.set_step: the default step of this thread (an int, Tensor or Variable; None unsets)."""
    _ctx.step = step


def get_step() -> Any:
    """tf.summary.experimental.get_step: the default step of this thread, or None."""
    return _ctx.step


@contextlib.contextmanager
def record_if(condition: Any) -> Iterator[None]:
    """tf.summary.record_if(condition): record summaries only when ``condition`` (a bool, a boolean Tensor or
    a callable returning one) is true; nested conditions all apply."""
    _ctx.record_if.append(condition)
    try:
        yield
    finally:
        _ctx.record_if.pop()


def _condition() -> Any:
    """The recording condition: True, False, or an array (concrete or traced) of the conditions' conjunction."""
    result: Any = True
    for c in _ctx.record_if:
        if callable(c) and not isinstance(c, Tensor):
            c = c()
        a = _array(c)
        if not isinstance(a, jax.core.Tracer):
            if not bool(np.asarray(a)):
                return False
            continue
        result = a if result is True else jax.numpy.logical_and(result, a)
    return result


def should_record_summaries() -> Tensor:
    """tf.summary.should_record_summaries(): whether summaries would be recorded here (a bool Tensor)."""
    w = _ctx.writer
    if w is None or isinstance(w, _NoopWriter):
        return _bool(False)
    c = _condition()
    if c is True or c is False:
        return _bool(c)
    return wrap(jax.numpy.asarray(c, bool))


@contextlib.contextmanager
def summary_scope(name: str, default_name: str | None = None, values: Any = None) -> Iterator[tuple]:
    """tf.summary.experimental.summary_scope: yields ``(tag, scope)`` for a summary named ``name``; as TF, the
    body runs inside name scope ``name`` (characters a scope cannot hold removed)."""
    name = name or default_name or "summary"
    scope = current_scope()
    tag = f"{scope}/{name}" if scope else name
    with name_scope(re.sub(r"[^-_/.A-Za-z0-9]", "", name) or "summary") as inner:
        yield tag, inner


@contextlib.contextmanager
def suppressed() -> Iterator[None]:
    """Within: summary ops being traced emit nothing (used while tf.saved_model exports a function)."""
    _ctx.suppressed += 1
    try:
        yield
    finally:
        _ctx.suppressed -= 1


# --- values ---------------------------------------------------------------------------------------------------
def _array(x: Any) -> Any:
    if is_variable(x):
        x = x.read_value()
    if isinstance(x, Tensor):
        return x.array
    if isinstance(x, (jax.Array, jax.core.Tracer)):
        return x
    return np.asarray(x)


def _traced(*arrays: Any) -> bool:
    return bool(state.tracing) or any(isinstance(a, jax.core.Tracer) for a in arrays)


def _tag(name: Any, fn: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"{fn}: name must be a non-empty string, received {name!r}.")
    scope = current_scope()
    return f"{scope}/{name}" if scope else name


def _step_value(step: Any, fn: str) -> Any:
    if step is None:
        step = _ctx.step
    if step is None:
        raise ValueError(
            f"{fn}: No step set. Please specify one either through the `step` argument or through "
            "tf.summary.experimental.set_step()"
        )
    return _array(step)


def _probing() -> bool:
    """Whether control flow is running the user's branch/body functions once only to find what they capture
    (tf.cond, tf.while_loop, ...): a summary there is not part of the program."""
    return any(type(t) is _CaptureTape for t in state.recording_tapes)


def _emit(fn: str, data: Any, step: Any, make: Callable[[Any], Any], static: bool = False) -> Tensor:
    """Write ``make(host data)`` (a Summary proto) at ``step`` on the default writer, now or, when traced, each
    time the compiled program runs. ``static``: ``data`` is host-only (strings), never traced."""
    writer = _ctx.writer
    if writer is None or isinstance(writer, _NoopWriter) or _probing():
        return _bool(False)
    cond = _condition()
    if cond is False:
        return _bool(False)
    if callable(data) and not isinstance(data, Tensor):
        data = data()  # TF's lazy data: evaluated only when recording
    step_a = _step_value(step, fn)
    data_a = data if static else _array(data)
    if not _traced(step_a, cond, *(() if static else (data_a,))):
        writer._write(make(np.asarray(data_a) if not static else data_a), int(np.asarray(step_a)))
        return _bool(True)
    if state.replaying or _ctx.suppressed:  # a replay of computation that already wrote it, or an export
        return wrap(jax.numpy.asarray(cond, bool))

    def host(step_v: Any, cond_v: Any, *vals: Any) -> None:
        if bool(np.asarray(cond_v)):
            writer._write(make(data_a if static else np.asarray(vals[0])), int(np.asarray(step_v)))

    cond_a = jax.numpy.asarray(cond, bool)
    host_call(host, [step_a, cond_a, *(() if static else (data_a,))])
    return wrap(cond_a)


def _summary(tag: str, tensor_proto: Any, metadata: Any) -> Any:
    from tensorboard.compat.proto import summary_pb2

    s = summary_pb2.Summary()
    v = s.value.add(tag=tag, tensor=tensor_proto)
    if metadata is not None:
        v.metadata.CopyFrom(metadata)
    return s


def _proto(a: Any) -> Any:
    from tensorboard.util import tensor_util

    return tensor_util.make_tensor_proto(a)


# --- the summary ops ------------------------------------------------------------------------------------------
def scalar(name: str, data: Any, step: Any = None, description: str | None = None) -> Tensor:
    """tf.summary.scalar: write a scalar (as float32) for the Scalars dashboard; returns whether it was written."""
    from tensorboard.plugins.scalar import metadata as md

    tag = _tag(name, "tf.summary.scalar")
    meta = md.create_summary_metadata(display_name=None, description=description)

    def make(a: np.ndarray) -> Any:
        if a.size != 1 or a.ndim != 0:
            raise ValueError(f"tf.summary.scalar: data must be a scalar, received shape {a.shape} for {tag!r}.")
        from tensorboard.compat.proto import tensor_pb2, types_pb2

        return _summary(tag, tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[float(np.float32(a))]),
                        meta)

    _check_scalar(data, "tf.summary.scalar")
    return _emit("tf.summary.scalar", data, step, make)


def _check_scalar(data: Any, fn: str) -> None:
    shape = getattr(data, "shape", None)
    if shape is not None and not callable(data) and len(tuple(shape)) != 0:
        raise ValueError(f"{fn}: data must be a scalar, received a value of shape {tuple(shape)}; pass one number.")


def histogram_buckets(data: np.ndarray, bucket_count: int | None = None) -> np.ndarray:
    """TF's histogram buckets (``tf.summary.histogram``): a float64 array [k, 3] of (left, right, count) over
    ``k = bucket_count`` (default 30) equal-width buckets from min to max; all zeros for empty data; one
    degenerate bucket set (left = right = the value, count in the last) when all values are equal."""
    k = 30 if bucket_count is None else max(0, int(bucket_count))
    x = np.asarray(data, np.float64).reshape(-1)
    if k == 0 or x.size == 0:
        return np.zeros((k, 3), np.float64)
    lo, hi = x.min(), x.max()
    if hi == lo:
        counts = np.zeros(k)
        counts[-1] = x.size
        return np.stack([np.full(k, lo), np.full(k, lo), counts], axis=1)
    width = (hi - lo) / k
    idx = np.minimum(np.floor((x - lo) / width).astype(np.int64), k - 1)
    counts = np.bincount(idx, minlength=k).astype(np.float64)
    edges = np.linspace(lo, hi, k + 1)
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def histogram(name: str, data: Any, step: Any = None, buckets: int | None = None,
              description: str | None = None) -> Tensor:
    """tf.summary.histogram: write TF's bucketing of ``data`` (``buckets``, default 30) for the Histograms and
    Distributions dashboards; returns whether it was written."""
    from tensorboard.plugins.histogram import metadata as md

    tag = _tag(name, "tf.summary.histogram")
    meta = md.create_summary_metadata(display_name=None, description=description)
    return _emit(
        "tf.summary.histogram", data, step, lambda a: _summary(tag, _proto(histogram_buckets(a, buckets)), meta)
    )


def _to_uint8(a: np.ndarray) -> np.ndarray:
    # tf.image.convert_image_dtype(..., tf.uint8, saturate=True): floats scale by 255.5 and truncate; wider
    # integers shift right; bool is 0/255.
    if a.dtype == np.uint8:
        return a
    if a.dtype.kind == "f" or a.dtype.name == "bfloat16":
        return np.clip(a.astype(np.float32) * np.float32(255.5), 0, 255).astype(np.uint8)
    if a.dtype == np.bool_:
        return a.astype(np.uint8) * 255
    if a.dtype.kind in "iu":
        bits = a.dtype.itemsize * 8 - (1 if a.dtype.kind == "i" else 0)
        return np.clip(a.astype(np.int64) >> max(0, bits - 8), 0, 255).astype(np.uint8)
    raise TypeError(f"tf.summary.image: unsupported dtype {a.dtype}; pass float images in [0, 1] or uint8.")


def encode_png(img: np.ndarray) -> bytes:
    """PNG bytes of one [h, w, c] uint8 image (c = 1, 2, 3 or 4), via pillow."""
    from PIL import Image

    pic = Image.fromarray(np.ascontiguousarray(img[..., 0] if img.shape[-1] == 1 else img))
    buf = io.BytesIO()
    pic.save(buf, format="PNG")
    return buf.getvalue()


def image(name: str, data: Any, step: Any = None, max_outputs: int = 3, description: str | None = None) -> Tensor:
    """tf.summary.image: write up to ``max_outputs`` images of ``data`` [k, h, w, c] (c = 1, 3 or 4; floats in
    [0, 1] or uint8) as PNG for the Images dashboard; returns whether it was written."""
    from tensorboard.plugins.image import metadata as md

    fn = "tf.summary.image"
    tag = _tag(name, fn)
    meta = md.create_summary_metadata(display_name=None, description=description)
    shape = getattr(data, "shape", None)
    if shape is not None and not callable(data) and len(tuple(shape)) != 4:
        raise ValueError(f"{fn}: data must have rank 4 [k, h, w, c], received shape {tuple(shape)}.")

    def make(a: np.ndarray) -> Any:
        if a.ndim != 4 or a.shape[-1] not in (1, 3, 4):
            raise ValueError(f"{fn}: data must be [k, h, w, c] with c in (1, 3, 4), received shape {a.shape}.")
        imgs = _to_uint8(a[: max(0, int(max_outputs))])
        h, w = a.shape[1], a.shape[2]
        vals = [str(w).encode(), str(h).encode()] + [encode_png(i) for i in imgs]
        return _summary(tag, _proto(np.array(vals, dtype=object)), meta)

    return _emit(fn, data, step, make)


def encode_wav(audio: np.ndarray, sample_rate: int) -> bytes:
    """16-bit PCM WAV bytes of [t, c] float samples in [-1, 1] (as TF's ``tf.audio.encode_wav``)."""
    # TF scales by 2**15, rounds half away from zero and saturates to the int16 range.
    v = audio.astype(np.float32) * np.float32(32768.0)
    v = np.sign(v) * np.floor(np.abs(v) + np.float32(0.5))
    pcm = np.clip(v, -32768, 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(audio.shape[1])
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def audio(name: str, data: Any, sample_rate: Any, step: Any = None, max_outputs: int = 3, encoding: str | None = None,
          description: str | None = None) -> Tensor:
    """tf.summary.audio: write up to ``max_outputs`` clips of ``data`` [k, t, c] (floats in [-1, 1]) at
    ``sample_rate`` Hz as WAV for the Audio dashboard; returns whether it was written."""
    from tensorboard.plugins.audio import metadata as md

    fn = "tf.summary.audio"
    if encoding not in (None, "wav"):
        raise ValueError(f"{fn}: unknown encoding {encoding!r}; only 'wav' is supported (as TF).")
    tag = _tag(name, fn)
    meta = md.create_summary_metadata(display_name=None, description=description, encoding=md.Encoding.Value("WAV"))
    rate = int(np.asarray(_array(sample_rate)))

    def make(a: np.ndarray) -> Any:
        if a.ndim != 3:
            raise ValueError(f"{fn}: data must be [k, t, c], received shape {a.shape}.")
        clips = a[: max(0, int(max_outputs))]
        vals = np.array([[encode_wav(c, rate), b""] for c in clips], dtype=object).reshape(len(clips), 2)
        return _summary(tag, _proto(vals), meta)

    return _emit(fn, data, step, make)


def _strings(data: Any) -> np.ndarray:
    if isinstance(data, Tensor):
        data = data.numpy()
    a = np.asarray(data, dtype=object)
    return np.vectorize(lambda s: s if isinstance(s, bytes) else str(s).encode(), otypes=[object])(a) if a.size else a


def text(name: str, data: Any, step: Any = None, description: str | None = None) -> Tensor:
    """tf.summary.text: write string(s) for the Text dashboard (Markdown); ``data`` is a Python/NumPy string or
    array of strings (tfshim has no string tensors); returns whether it was written."""
    from tensorboard.plugins.text import metadata as md

    tag = _tag(name, "tf.summary.text")
    meta = md.create_summary_metadata(display_name=None, description=description)
    if callable(data):
        data = data()
    strings = _strings(data)
    return _emit("tf.summary.text", strings, step, lambda a: _summary(tag, _proto(a), meta), static=True)


def write(tag: str, tensor: Any, step: Any = None, metadata: Any = None, name: str | None = None) -> Tensor:
    """tf.summary.write: write ``tensor`` under ``tag`` with optional ``SummaryMetadata`` (a proto or its
    serialised bytes); the generic op under the others. Returns whether it was written."""
    from tensorboard.compat.proto import summary_pb2

    if isinstance(metadata, (bytes, bytearray)):
        metadata = summary_pb2.SummaryMetadata.FromString(bytes(metadata))
    elif metadata is not None and not isinstance(metadata, summary_pb2.SummaryMetadata):
        raise TypeError(f"tf.summary.write: metadata must be a SummaryMetadata proto or bytes, received {metadata!r}.")
    if isinstance(tensor, (str, bytes)) or (isinstance(tensor, np.ndarray) and tensor.dtype.kind in "OSU"):
        return _emit("tf.summary.write", _strings(tensor), step, lambda a: _summary(tag, _proto(a), metadata),
                     static=True)
    return _emit("tf.summary.write", tensor, step, lambda a: _summary(tag, _proto(a), metadata))


def write_raw_pb(tensor: Any, step: Any = None, name: str | None = None) -> Tensor:
    """tf.summary.experimental.write_raw_pb: write serialised ``Summary`` protos (bytes) as they are."""
    from tensorboard.compat.proto import summary_pb2

    blobs = np.asarray(tensor, dtype=object).reshape(-1)

    def make(a: np.ndarray) -> Any:
        s = summary_pb2.Summary()
        for b in a:
            s.MergeFromString(bytes(b))
        return s

    return _emit("tf.summary.experimental.write_raw_pb", blobs, step, make, static=True)


# --- tracing ----------------------------------------------------------------------------------------------------
def trace_on(graph: bool = True, profiler: bool = False, profiler_outdir: str | None = None) -> None:
    """tf.summary.trace_on: start recording the tf.functions called from now on (their jaxprs). ``profiler``
    is accepted and records nothing (use ``jax.profiler`` for a trace)."""
    _ctx.trace = {"graph": bool(graph), "functions": {}}
    from ..staging import function as _function

    _function.call_observers[:] = [o for o in _function.call_observers if getattr(o, "_summary", False) is False]
    obs = _observe
    obs._summary = True  # type: ignore[attr-defined]
    _function.call_observers.append(obs)


def _observe(conc: Any) -> None:
    tr = _ctx.trace
    if tr is not None and tr["graph"]:
        tr["functions"].setdefault(id(conc), conc)


def trace_off() -> None:
    """tf.summary.trace_off: stop recording and discard what was recorded."""
    _ctx.trace = None
    from ..staging import function as _function

    _function.call_observers[:] = [o for o in _function.call_observers if o is not _observe]


def trace_export(name: str, step: Any = None, profiler_outdir: str | None = None) -> None:
    """tf.summary.trace_export: write what trace_on recorded and stop. tfshim writes the jaxpr of each
    tf.function called as one text summary ``name`` (TF writes a GraphDef for the Graphs dashboard)."""
    tr = _ctx.trace
    trace_off()
    if tr is None:
        return
    texts = []
    for conc in tr["functions"].values():
        try:
            texts.append(f"```\n{conc.graph.jaxpr}\n```")
        except Exception as e:  # noqa: BLE001 - a trace that cannot be shown is reported, not fatal
            texts.append(f"(jaxpr unavailable: {e})")
    if texts:
        text(name, "\n\n".join(texts), step=step)
