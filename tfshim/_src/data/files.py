"""File datasets: TextLineDataset, TFRecordDataset, Dataset.list_files, experimental.CsvDataset and
make_csv_dataset.

Records and lines are host ``bytes`` (tf.string elements); batching them gives object arrays without a
per-element conversion. ``num_parallel_reads`` interleaves files round-robin, one record from each file in
turn, as TF's deterministic parallel interleave does (reads are not threaded: the files are read whole).
"""

from __future__ import annotations

import itertools
from typing import Any, Iterator

import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.tensor import Tensor
from ..core.tensor_shape import TensorShape
from ..core.tensor_spec import TensorSpec
from ..io import files as _files
from ..io import tfrecord as _tfr
from ..io.tensor_io import _default_of, decode_csv
from .dataset import FILE_SOURCES, DatasetV2, as_int
from .options import UNKNOWN_CARDINALITY

_OBJ = np.dtype(object)
_STRING_SPEC = TensorSpec(TensorShape([]), _dt.string)


def _filenames(filenames: Any, fn: str) -> list:
    if isinstance(filenames, DatasetV2):
        return [x if isinstance(x, str) else bytes(np.asarray(x)[()] if not isinstance(x, bytes) else x).decode()
                for (x,) in filenames._iter()]
    if isinstance(filenames, Tensor):
        vals = np.asarray(filenames.array).reshape(-1).tolist()
    elif isinstance(filenames, (list, tuple)):
        vals = list(filenames)
    else:
        vals = [filenames]
    out = []
    for v in vals:
        if isinstance(v, Tensor):
            v = np.asarray(v.array)[()]
        out.append(_files.path_str(v, fn))
    if not out:
        raise errors.InvalidArgumentError(None, None, f"{fn}: `filenames` must not be empty")
    return out


def _interleave(iters: list, width: int) -> Iterator:
    """Round-robin over ``width`` open iterators at a time (TF's deterministic interleave, block length 1)."""
    pending = list(iters)
    active = [pending.pop(0) for _ in range(min(width, len(pending)))]
    while active:
        nxt = []
        for it in active:
            v = next(it, _END)
            if v is _END:
                if pending:
                    nxt.append(pending.pop(0))
                continue
            yield v
            nxt.append(it)
        active = nxt


_END = object()


def _batch_bytes(items: list) -> np.ndarray:
    a = np.empty(len(items), _OBJ)
    a[:] = items
    return a


class _StringSource(DatasetV2):
    """A dataset of bytes scalars read from files (subclasses give ``_file_items``)."""

    def __init__(self, filenames: list, width: int):
        self._files, self._width = filenames, width
        super().__init__(_STRING_SPEC)

    def _file_items(self, path: str) -> Iterator:
        raise NotImplementedError

    def _items(self) -> Iterator:
        if self._width > 1 and len(self._files) > 1:
            return _interleave([self._file_items(p) for p in self._files], self._width)
        return itertools.chain.from_iterable(self._file_items(p) for p in self._files)

    def _iter(self) -> Iterator[tuple]:
        for v in self._items():
            a = np.empty((), _OBJ)
            a[()] = v
            yield (a,)

    def _batches(self, n: int, drop_remainder: bool) -> Iterator[tuple]:
        it = self._items()
        while True:
            items = list(itertools.islice(it, n))
            if not items or (drop_remainder and len(items) < n):
                return
            yield (_batch_bytes(items),)

    def _card(self) -> int:
        return UNKNOWN_CARDINALITY


class TFRecordDataset(_StringSource):
    """tf.data.TFRecordDataset(filenames, compression_type=None, buffer_size=None, num_parallel_reads=None):
    the records of TFRecord files (CRCs checked: damage is DataLossError)."""

    _repr_name = "_TFRecordDataset"

    def __init__(self, filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                 num_parallel_reads: Any = None, name: Any = None):
        files = _filenames(filenames, "tf.data.TFRecordDataset")
        self._comp = _tfr.compression_name(compression_type if compression_type is not None else "",
                                           "tf.data.TFRecordDataset")
        width = 1 if num_parallel_reads is None else as_int(num_parallel_reads, "tf.data.TFRecordDataset")
        if width == -1:  # AUTOTUNE
            width = len(files)
        super().__init__(files, max(1, width))

    def _file_items(self, path: str) -> Iterator:
        return _tfr.iter_records(path, self._comp)


class TextLineDataset(_StringSource):
    """tf.data.TextLineDataset(filenames, compression_type=None, buffer_size=None, num_parallel_reads=None):
    the lines of text files, without their line endings (``\\n`` or ``\\r\\n``)."""

    _repr_name = "_TextLineDataset"

    def __init__(self, filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                 num_parallel_reads: Any = None, name: Any = None):
        files = _filenames(filenames, "tf.data.TextLineDataset")
        self._comp = _tfr.compression_name(compression_type if compression_type is not None else "",
                                           "tf.data.TextLineDataset")
        width = 1 if num_parallel_reads is None else as_int(num_parallel_reads, "tf.data.TextLineDataset")
        super().__init__(files, max(1, width if width != -1 else len(files)))

    def _file_items(self, path: str) -> Iterator:
        data = _tfr.read_bytes(path, self._comp)
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        return (ln[:-1] if ln.endswith(b"\r") else ln for ln in lines)


def list_files(file_pattern: Any, shuffle: Any = None, seed: Any = None, name: Any = None) -> DatasetV2:
    """Dataset.list_files(file_pattern, shuffle=None, seed=None): the matching file names, shuffled each
    epoch by default (``shuffle=None`` means True, as TF); InvalidArgumentError when nothing matches."""
    from .sources import TensorSliceDataset

    pats = _filenames(file_pattern, "tf.data.Dataset.list_files")
    names = sorted({p for pat in pats for p in _files._glob_one(pat)})
    if not names:
        raise errors.InvalidArgumentError(None, None, f"Expected 'tf.Tensor({pats!r}, shape=(), dtype=string)' to "
                                                      "match at least one file, but it did not match any file.")
    ds = TensorSliceDataset(np.asarray([n.encode("utf-8") for n in names], dtype=object))
    if shuffle is None or shuffle:
        ds = ds.shuffle(len(names), seed=seed, reshuffle_each_iteration=True)
    return ds


class CsvDataset(DatasetV2):
    """tf.data.experimental.CsvDataset(filenames, record_defaults, compression_type=None, buffer_size=None,
    header=False, field_delim=',', use_quote_delim=True, na_value='', select_cols=None, exclude_cols=None):
    one tuple of scalar tensors per CSV line."""

    _repr_name = "_CsvDataset"

    def __init__(self, filenames: Any, record_defaults: Any, compression_type: Any = None, buffer_size: Any = None,
                 header: bool = False, field_delim: str = ",", use_quote_delim: bool = True, na_value: str = "",
                 select_cols: Any = None, exclude_cols: Any = None, name: Any = None):
        self._lines = TextLineDataset(filenames, compression_type)
        self._defaults = list(record_defaults)
        self._header, self._delim, self._quote, self._na = bool(header), field_delim, use_quote_delim, na_value
        self._select = None if select_cols is None else [int(c) for c in select_cols]
        self._exclude = None if exclude_cols is None else {int(c) for c in exclude_cols}
        specs = tuple(TensorSpec(TensorShape([]), _default_of(d)[0]) for d in self._defaults)
        super().__init__(specs)

    def _decode(self, lines: list) -> list:
        sel = self._select
        if self._exclude is not None:
            first = lines[0].decode("utf-8").split(self._delim)
            sel = [i for i in range(len(first)) if i not in self._exclude]
        a = np.empty(len(lines), _OBJ)
        a[:] = lines
        from ..core.tensor import wrap

        return decode_csv(wrap(a), self._defaults, self._delim, self._quote, na_value=self._na, select_cols=sel)

    def _line_items(self) -> Iterator:
        for p in self._lines._files:
            it = self._lines._file_items(p)
            if self._header:
                next(it, None)
            yield from it

    def _iter(self) -> Iterator[tuple]:
        for batch in self._batches(256, False):
            for i in range(len(batch[0])):
                yield tuple(np.asarray(c[i]) if c.dtype != _OBJ else _scalar(c[i]) for c in batch)

    def _batches(self, n: int, drop_remainder: bool) -> Iterator[tuple]:
        it = self._line_items()
        while True:
            lines = [ln for ln in itertools.islice(it, n)]
            if not lines or (drop_remainder and len(lines) < n):
                return
            cols = self._decode(lines)
            yield tuple(np.asarray(c.array) for c in cols)

    def _card(self) -> int:
        return UNKNOWN_CARDINALITY


def _scalar(v: Any) -> np.ndarray:
    a = np.empty((), _OBJ)
    a[()] = v
    return a


def make_csv_dataset(file_pattern: Any, batch_size: int, column_names: Any = None, column_defaults: Any = None,
                     label_name: Any = None, select_columns: Any = None, field_delim: str = ",",
                     use_quote_delim: bool = True, na_value: str = "", header: bool = True, num_epochs: Any = None,
                     shuffle: bool = True, shuffle_buffer_size: int = 10000, shuffle_seed: Any = None,
                     prefetch_buffer_size: Any = None, num_parallel_reads: Any = None, sloppy: bool = False,
                     num_rows_for_inference: int = 100, compression_type: Any = None,
                     ignore_errors: bool = False, encoding: str = "utf-8") -> DatasetV2:
    """tf.data.experimental.make_csv_dataset: batches of ``{column: tensor}`` dicts (and labels).

    Column types are inferred from the first ``num_rows_for_inference`` rows (int32, float32, else string)
    when ``column_defaults`` is not given, as TF."""
    files = sorted({p for pat in _filenames(file_pattern, "make_csv_dataset") for p in _files._glob_one(pat)})
    if not files:
        raise ValueError(f"make_csv_dataset: no files match {file_pattern!r}")
    with open(files[0], "rb") as f:
        head = [f.readline().decode(encoding).rstrip("\r\n") for _ in range(num_rows_for_inference + 1)]
    import csv as _csv

    rows = list(_csv.reader([h for h in head if h], delimiter=field_delim))
    names = list(column_names) if column_names is not None else rows[0]
    data_rows = rows[1:] if header else rows
    if select_columns is not None:
        idx = [names.index(c) if isinstance(c, str) else int(c) for c in select_columns]
    else:
        idx = list(range(len(names)))
    if column_defaults is None:
        defaults: list = []
        for i in idx:
            vals = [r[i] for r in data_rows if i < len(r) and r[i] != ""]
            defaults.append([_infer(vals)])
    else:
        defaults = list(column_defaults)
    sel_names = [names[i] for i in idx]
    ds: DatasetV2 = CsvDataset(files, defaults, compression_type, header=header, field_delim=field_delim,
                               use_quote_delim=use_quote_delim, na_value=na_value,
                               select_cols=idx if select_columns is not None else None)
    if num_epochs != 1:
        ds = ds.repeat(num_epochs)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)

    def to_dict(*cols: Any) -> Any:
        d = dict(zip(sel_names, cols))
        if label_name is not None:
            if label_name not in d:
                raise ValueError(f"make_csv_dataset: label_name {label_name!r} is not a column of {sel_names}")
            return d, d.pop(label_name)
        return d

    return ds.batch(batch_size).map(to_dict)


def _infer(vals: list) -> Any:
    try:
        ints = [int(v) for v in vals]
        if all(-(2 ** 31) <= v < 2 ** 31 for v in ints):
            return np.int32(0)
        return np.int64(0)
    except ValueError:
        pass
    try:
        [float(v) for v in vals]
        return np.float32(0.0)
    except ValueError:
        return ""


FILE_SOURCES["list_files"] = list_files
