"""tf.io, TFRecord, tf.train.Example and parsing against real TensorFlow: files written by TF read by tfshim
and the reverse, byte-identical encodings, corruption → DataLossError, parse results and errors."""

from __future__ import annotations

import os

import numpy as np
import pytest

import tfshim as tf


def norm(x):
    if isinstance(x, dict):
        return {k: norm(v) for k, v in sorted(x.items())}
    if isinstance(x, (tuple, list)):
        return [norm(v) for v in x]
    n = type(x).__name__
    if n == "RaggedTensor":
        return ("ragged", x.dtype.name, x.to_list(), x.row_splits.dtype.name)
    if n == "SparseTensor":
        return ("sparse", x.dtype.name, x.indices.numpy().tolist(), x.values.numpy().tolist(),
                x.dense_shape.numpy().tolist())
    a = x.numpy()
    return ("dense", x.dtype.name, tuple(x.shape), a.tolist() if isinstance(a, np.ndarray) else a)


def same_error(ref_e, fn):
    with pytest.raises(Exception) as got:
        fn()
    names = {c.__name__ for c in type(got.value).__mro__}
    assert type(ref_e).__name__ in names, (type(ref_e), type(got.value), got.value)


def check(tf_ref, expr):
    try:
        ref = expr(tf_ref)
    except Exception as e:  # noqa: BLE001
        same_error(e, lambda: expr(tf))
        return
    assert norm(expr(tf)) == norm(ref)


# -- files ----------------------------------------------------------------------------------------------
def test_read_write_file_and_gfile(tf_ref, tmp_path):
    p = str(tmp_path / "sub" / "f.bin")
    tf.io.write_file(p, b"hello\x00world")
    assert tf_ref.io.read_file(p).numpy() == b"hello\x00world"
    tf_ref.io.write_file(p, "é")
    assert tf.io.read_file(p).numpy() == tf_ref.io.read_file(p).numpy()
    for lib in (tf_ref, tf):
        with pytest.raises(Exception) as e:
            lib.io.read_file(str(tmp_path / "missing"))
        assert type(e.value).__name__ == "NotFoundError"
    g = tf.io.gfile
    d = str(tmp_path / "a" / "b")
    g.makedirs(d)
    assert g.isdir(d) and g.exists(d)
    with g.GFile(os.path.join(d, "x.txt"), "w") as f:
        f.write("line1\nline2\n")
    with tf_ref.io.gfile.GFile(os.path.join(d, "x.txt")) as f:
        ref_lines = f.readlines()
    with g.GFile(os.path.join(d, "x.txt")) as f:
        assert f.readlines() == ref_lines
    with g.GFile(os.path.join(d, "x.txt"), "rb") as f:
        assert f.read() == b"line1\nline2\n"
    assert g.listdir(str(tmp_path / "a")) == tf_ref.io.gfile.listdir(str(tmp_path / "a"))
    g.copy(os.path.join(d, "x.txt"), os.path.join(d, "y.txt"))
    with pytest.raises(tf.errors.AlreadyExistsError):
        g.copy(os.path.join(d, "x.txt"), os.path.join(d, "y.txt"))
    g.rename(os.path.join(d, "y.txt"), os.path.join(d, "z.txt"))
    assert sorted(g.glob(os.path.join(d, "*.txt"))) == sorted(tf_ref.io.gfile.glob(os.path.join(d, "*.txt")))
    assert g.stat(os.path.join(d, "z.txt")).length == tf_ref.io.gfile.stat(os.path.join(d, "z.txt")).length
    assert [w[0] for w in g.walk(str(tmp_path / "a"))] == [w[0] for w in tf_ref.io.gfile.walk(str(tmp_path / "a"))]
    g.remove(os.path.join(d, "z.txt"))
    with pytest.raises(tf.errors.NotFoundError):
        g.remove(os.path.join(d, "z.txt"))
    m = tf.io.matching_files(os.path.join(d, "*.txt")).numpy().tolist()
    assert m == tf_ref.io.matching_files(os.path.join(d, "*.txt")).numpy().tolist()
    g.rmtree(str(tmp_path / "a"))
    assert not g.exists(str(tmp_path / "a"))


# -- TFRecord ------------------------------------------------------------------------------------------
RECORDS = [b"", b"a", b"\x00\xff" * 70, b"x" * 300, "é".encode()]


@pytest.mark.parametrize("comp", ["", "GZIP", "ZLIB"])
def test_tfrecord_both_directions(tf_ref, tmp_path, comp):
    mine, theirs = str(tmp_path / "mine.tfr"), str(tmp_path / "theirs.tfr")
    with tf.io.TFRecordWriter(mine, options=tf.io.TFRecordOptions(compression_type=comp)) as w:
        for r in RECORDS:
            w.write(r)
    with tf_ref.io.TFRecordWriter(theirs, options=tf_ref.io.TFRecordOptions(compression_type=comp)) as w:
        for r in RECORDS:
            w.write(r)
    for path in (mine, theirs):
        ref = [x.numpy() for x in tf_ref.data.TFRecordDataset(path, compression_type=comp)]
        got = [x.numpy() for x in tf.data.TFRecordDataset(path, compression_type=comp)]
        assert got == ref == RECORDS
    if comp != "GZIP":  # GZIP headers differ (file name/OS fields); the records are the same
        assert open(mine, "rb").read() == open(theirs, "rb").read() or comp == "ZLIB"
    if comp == "":
        assert open(mine, "rb").read() == open(theirs, "rb").read()


def test_tfrecord_several_files_and_parallel_reads(tf_ref, tmp_path):
    paths = []
    for k in range(3):
        p = str(tmp_path / f"f{k}.tfr")
        with tf_ref.io.TFRecordWriter(p) as w:
            for i in range(k + 2):
                w.write(b"f%d-%d" % (k, i))
        paths.append(p)
    for kw in ({}, {"num_parallel_reads": 2}, {"num_parallel_reads": 3}):
        ref = [x.numpy() for x in tf_ref.data.TFRecordDataset(paths, **kw)]
        got = [x.numpy() for x in tf.data.TFRecordDataset(paths, **kw)]
        assert got == ref, kw
    assert [x.numpy() for x in tf.data.TFRecordDataset(paths).batch(4)][0].tolist() == \
        [x.numpy() for x in tf_ref.data.TFRecordDataset(paths).batch(4)][0].tolist()


@pytest.mark.parametrize("comp", ["", "GZIP", "ZLIB"])
def test_tfrecord_corruption_is_data_loss(tf_ref, tmp_path, comp):
    p = str(tmp_path / "c.tfr")
    with tf_ref.io.TFRecordWriter(p, options=comp) as w:
        for i in range(20):
            w.write(b"record number %d" % i)
    raw = open(p, "rb").read()
    rng = np.random.default_rng(0)
    positions = rng.choice(len(raw), size=min(25, len(raw)), replace=False).tolist() + [0, 8, 12, len(raw) - 1]
    for pos in positions:
        bad = bytearray(raw)
        bad[pos] ^= 0x41
        open(p, "wb").write(bytes(bad))
        try:
            got = [x.numpy() for x in tf.data.TFRecordDataset(p, compression_type=comp)]
        except tf.errors.DataLossError:
            continue
        # never garbage: either an error, or (compressed streams only) the exact original records
        assert got == [b"record number %d" % i for i in range(20)], pos
    for cut in (3, 10, 13, len(raw) - 2):
        open(p, "wb").write(raw[:cut])
        with pytest.raises(tf.errors.DataLossError):
            list(tf.data.TFRecordDataset(p, compression_type=comp))


def test_tfrecord_missing_file_and_iterator(tmp_path):
    with pytest.raises(tf.errors.NotFoundError):
        list(tf.data.TFRecordDataset(str(tmp_path / "none.tfr")))


# -- Example messages ------------------------------------------------------------------------------------
def _example(lib, i=0):
    return lib.train.Example(features=lib.train.Features(feature={
        "label": lib.train.Feature(int64_list=lib.train.Int64List(value=[i, -i - 2 ** 40])),
        "x": lib.train.Feature(float_list=lib.train.FloatList(value=[1.5, -2.25, i / 3])),
        "name": lib.train.Feature(bytes_list=lib.train.BytesList(value=[b"n%d" % i, "é".encode()])),
    }))


def test_example_wire_and_text_format(tf_ref):
    from google.protobuf import text_format

    for i in range(3):
        mine, ref = _example(tf, i), _example(tf_ref, i)
        assert tf_ref.train.Example.FromString(mine.SerializeToString()) == ref
        assert tf.train.Example.FromString(ref.SerializeToString()) == mine
        assert text_format.Parse(text_format.MessageToString(ref), tf.train.Example()) == mine
        assert text_format.Parse(text_format.MessageToString(mine), tf_ref.train.Example()) == ref
    seq = tf.train.SequenceExample(
        context=tf.train.Features(feature={"c": tf.train.Feature(int64_list=tf.train.Int64List(value=[7]))}),
        feature_lists=tf.train.FeatureLists(feature_list={"s": tf.train.FeatureList(feature=[
            tf.train.Feature(float_list=tf.train.FloatList(value=[1.0, 2.0])),
            tf.train.Feature(float_list=tf.train.FloatList(value=[3.0]))])}))
    back = tf_ref.train.SequenceExample.FromString(seq.SerializeToString())
    assert back.feature_lists.feature_list["s"].feature[1].float_list.value[0] == 3.0
    assert tf.train.SequenceExample.FromString(back.SerializeToString()) == seq


def _ser(lib, n=4):
    return [_example(lib, i).SerializeToString() for i in range(n)]


SPECS = {
    "fixed": lambda t: {"label": t.io.FixedLenFeature([2], t.int64), "x": t.io.FixedLenFeature([3], t.float32),
                        "name": t.io.FixedLenFeature([2], t.string)},
    "fixed_shape": lambda t: {"x": t.io.FixedLenFeature([3, 1], t.float32)},
    "default": lambda t: {"missing": t.io.FixedLenFeature([2], t.float32, default_value=[0.5, 1.5]),
                          "label": t.io.FixedLenFeature([2], t.int64)},
    "required_missing": lambda t: {"missing": t.io.FixedLenFeature([], t.int64)},
    "wrong_size": lambda t: {"x": t.io.FixedLenFeature([2], t.float32)},
    "wrong_type": lambda t: {"x": t.io.FixedLenFeature([3], t.int64)},
    "varlen": lambda t: {"x": t.io.VarLenFeature(t.float32), "name": t.io.VarLenFeature(t.string),
                         "missing": t.io.VarLenFeature(t.int64)},
    "ragged": lambda t: {"x": t.io.RaggedFeature(t.float32), "name": t.io.RaggedFeature(t.string),
                         "r": t.io.RaggedFeature(t.int64, value_key="label", row_splits_dtype=t.int64)},
    "seq": lambda t: {"x": t.io.FixedLenSequenceFeature([], t.float32, allow_missing=True),
                      "missing": t.io.FixedLenSequenceFeature([2], t.int64, allow_missing=True)},
    "sparse_feature": lambda t: {"sp": t.io.SparseFeature("label", "x", t.float32, 10)},
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_parse_example_matches_tf(tf_ref, name):
    data = _ser(tf_ref)
    if name == "sparse_feature":
        ex = [tf_ref.train.Example(features=tf_ref.train.Features(feature={
            "label": tf_ref.train.Feature(int64_list=tf_ref.train.Int64List(value=[3, 1])),
            "x": tf_ref.train.Feature(float_list=tf_ref.train.FloatList(value=[0.5, 2.5]))})).SerializeToString()]
        data = ex * 2
    check(tf_ref, lambda t: t.io.parse_example(data, SPECS[name](t)))
    check(tf_ref, lambda t: t.io.parse_single_example(data[1], SPECS[name](t)))


def test_parse_example_mixed_batch(tf_ref):
    """Examples that differ (a key present in some only): the checked path, same results as TF."""
    def build(t):
        a = _example(t, 1)
        b = t.train.Example(features=t.train.Features(feature={
            "x": t.train.Feature(float_list=t.train.FloatList(value=[9.0, 8.0, 7.0]))}))
        return [a.SerializeToString(), b.SerializeToString()]

    check(tf_ref, lambda t: t.io.parse_example(build(tf_ref), {
        "x": t.io.FixedLenFeature([3], t.float32), "label": t.io.VarLenFeature(t.int64),
        "name": t.io.FixedLenFeature([2], t.string, default_value=["d", "e"])}))
    check(tf_ref, lambda t: t.io.parse_example(build(tf_ref), {"label": t.io.FixedLenFeature([2], t.int64)}))
    check(tf_ref, lambda t: t.io.parse_example([b"\x07garbage"], {"x": t.io.VarLenFeature(t.float32)}))


def test_parse_sequence_example(tf_ref):
    def build(t):
        out = []
        for i in range(3):
            out.append(t.train.SequenceExample(
                context=t.train.Features(feature={"c": t.train.Feature(int64_list=t.train.Int64List(value=[i]))}),
                feature_lists=t.train.FeatureLists(feature_list={
                    "s": t.train.FeatureList(feature=[t.train.Feature(float_list=t.train.FloatList(value=[j, j + 1]))
                                                      for j in range(i + 1)]),
                    "w": t.train.FeatureList(feature=[t.train.Feature(bytes_list=t.train.BytesList(
                        value=[b"w" * (j + 1)] * (j + 1))) for j in range(i)]),
                })).SerializeToString())
        return out

    data = build(tf_ref)

    def run(t):
        return t.io.parse_sequence_example(
            data, context_features={"c": t.io.FixedLenFeature([], t.int64)},
            sequence_features={"s": t.io.FixedLenSequenceFeature([2], t.float32),
                               "w": t.io.VarLenFeature(t.string)})

    ref, got = run(tf_ref), run(tf)
    for k in range(3):
        assert norm(got[k]) == norm(ref[k]), k

    def single(t):
        return t.io.parse_single_sequence_example(
            data[2], context_features={"c": t.io.FixedLenFeature([], t.int64)},
            sequence_features={"s": t.io.FixedLenSequenceFeature([2], t.float32), "w": t.io.VarLenFeature(t.string)})

    assert norm(single(tf)) == norm(single(tf_ref))


def test_tfrecord_example_pipeline(tf_ref, tmp_path):
    p = str(tmp_path / "ex.tfr")
    with tf.io.TFRecordWriter(p) as w:
        for s in _ser(tf, 10):
            w.write(s)

    def run(t):
        spec = {"label": t.io.FixedLenFeature([2], t.int64), "name": t.io.VarLenFeature(t.string)}
        ds = t.data.TFRecordDataset(p).batch(4).map(lambda r: t.io.parse_example(r, spec))
        return [(b["label"].numpy().tolist(), b["name"].values.numpy().tolist()) for b in ds]

    assert run(tf) == run(tf_ref)


# -- serialize_tensor and decoders ---------------------------------------------------------------------
TENSORS = [lambda t: t.constant(1.5), lambda t: t.constant([[1, 2], [3, 4]]), lambda t: t.constant(["a", "bc"]),
           lambda t: t.constant("x"), lambda t: t.constant([True, False]), lambda t: t.zeros([0, 3]),
           lambda t: t.constant([1.5], t.float16), lambda t: t.constant([1 + 2j]),
           lambda t: t.constant([2 ** 40, -1], t.int64), lambda t: t.constant([3], t.uint8),
           lambda t: t.constant([0.1], t.float64), lambda t: t.constant([[]], t.string)]


@pytest.mark.parametrize("k", range(len(TENSORS)))
def test_serialize_tensor_bytes_identical(tf_ref, k):
    ref = tf_ref.io.serialize_tensor(TENSORS[k](tf_ref)).numpy()
    got = tf.io.serialize_tensor(TENSORS[k](tf)).numpy()
    assert got == ref
    dt = TENSORS[k](tf).dtype
    back = tf.io.parse_tensor(ref, dt)
    assert norm(back) == norm(tf_ref.io.parse_tensor(ref, TENSORS[k](tf_ref).dtype))


def test_parse_tensor_errors_and_typed_fields(tf_ref):
    s = tf_ref.io.serialize_tensor(tf_ref.constant([1.0])).numpy()
    check(tf_ref, lambda t: t.io.parse_tensor(s, t.int32))
    check(tf_ref, lambda t: t.io.parse_tensor(b"\xff\xff", t.float32))
    # TF's typed-value layout (float_val / int_val / int64_val), as written by make_tensor_proto
    for v, dt in (([1.5, 2.5], "float32"), ([3, -4], "int32"), ([2 ** 40], "int64"), ([True], "bool")):
        proto = tf_ref.make_tensor_proto(np.asarray(v, dtype=dt)).SerializeToString()
        assert norm(tf.io.parse_tensor(proto, dt)) == norm(tf_ref.io.parse_tensor(proto, dt))


DECODERS = {
    "raw_int16": lambda t: t.io.decode_raw(t.constant(["\x01\x00\x02\x00"]), t.int16),
    "raw_big": lambda t: t.io.decode_raw(t.constant(["\x01\x00\x02\x00"]), t.int16, little_endian=False),
    "raw_float": lambda t: t.io.decode_raw(t.constant([b"\x00\x00\xc0?"]), t.float32),
    "raw_fixed": lambda t: t.io.decode_raw(t.constant([b"\x01", b"\x01\x02\x03"]), t.uint8, fixed_length=2),
    "raw_bad": lambda t: t.io.decode_raw(t.constant([b"\x01", b"\x01\x02"]), t.int16),
    "b64": lambda t: t.io.encode_base64(["hello?>", "", "ab"]),
    "b64_pad": lambda t: t.io.encode_base64(["hello?>"], pad=True),
    "b64_dec": lambda t: t.io.decode_base64(["aGVsbG8_Pg", "aGVsbG8_Pg=="]),
    "b64_bad": lambda t: t.io.decode_base64(["a$b"]),
    "zlib": lambda t: t.io.decode_compressed([__import__("zlib").compress(b"abc" * 5)], "ZLIB"),
    "gzip": lambda t: t.io.decode_compressed([__import__("gzip").compress(b"xyz")], "GZIP"),
    "csv": lambda t: t.io.decode_csv(["1,2.5,a", "3,,b"], [[0], [1.0], [""]]),
    "csv_quote": lambda t: t.io.decode_csv(['"x,y",2'], [[""], [0]]),
    "csv_required": lambda t: t.io.decode_csv(["1,"], [[0], t.constant([], t.int32)]),
    "csv_bad_int": lambda t: t.io.decode_csv(["a,1"], [[0], [0]]),
    "csv_count": lambda t: t.io.decode_csv(["1,2,3"], [[0], [0]]),
    "csv_delim": lambda t: t.io.decode_csv(["1|x"], [[0], ["d"]], field_delim="|"),
    "csv_select": lambda t: t.io.decode_csv(["1,x,2.5"], [[0], [0.0]], select_cols=[0, 2]),
    "csv_na": lambda t: t.io.decode_csv(["NA,1"], [[7], [0]], na_value="NA"),
}


@pytest.mark.parametrize("name", sorted(DECODERS))
def test_decoders_match_tf(tf_ref, name):
    check(tf_ref, DECODERS[name])


# -- text and CSV datasets -----------------------------------------------------------------------------------
def test_text_line_dataset_and_list_files(tf_ref, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(b"first line\nsecond\r\n\nlast without newline")
    b.write_bytes(b"b1\nb2\n")
    for kw in ({}, {"num_parallel_reads": 2}):
        ref = [x.numpy() for x in tf_ref.data.TextLineDataset([str(a), str(b)], **kw)]
        got = [x.numpy() for x in tf.data.TextLineDataset([str(a), str(b)], **kw)]
        assert got == ref
    gz = tmp_path / "c.txt.gz"
    import gzip

    gz.write_bytes(gzip.compress(b"z1\nz2\n"))
    assert [x.numpy() for x in tf.data.TextLineDataset(str(gz), compression_type="GZIP")] == \
        [x.numpy() for x in tf_ref.data.TextLineDataset(str(gz), compression_type="GZIP")]
    pat = str(tmp_path / "*.txt")
    assert sorted(x.numpy() for x in tf.data.Dataset.list_files(pat)) == \
        sorted(x.numpy() for x in tf_ref.data.Dataset.list_files(pat))
    assert [x.numpy() for x in tf.data.Dataset.list_files(pat, shuffle=False)] == \
        [x.numpy() for x in tf_ref.data.Dataset.list_files(pat, shuffle=False)]
    for lib in (tf_ref, tf):
        with pytest.raises(Exception) as e:
            lib.data.Dataset.list_files(str(tmp_path / "*.none"))
        assert type(e.value).__name__ == "InvalidArgumentError"
    words = tf.data.TextLineDataset(str(a)).map(lambda s: tf.strings.split(s))
    assert [w.numpy().tolist() for w in words] == [w.numpy().tolist() for w in tf_ref.data.TextLineDataset(
        str(a)).map(lambda s: tf_ref.strings.split(s))]


def test_csv_datasets(tf_ref, tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("a,b,name\n1,2.5,x\n3,,y\n5,6.5,\"z,w\"\n")

    def csv_ds(t):
        return [tuple(v.numpy() for v in row) for row in t.data.experimental.CsvDataset(
            str(p), [[0], [0.0], [""]], header=True)]

    assert csv_ds(tf) == csv_ds(tf_ref)

    def made(t):
        ds = t.data.experimental.make_csv_dataset(str(p), batch_size=3, label_name="a", shuffle=False, num_epochs=1)
        return [({k: v.numpy().tolist() for k, v in f.items()}, lab.numpy().tolist()) for f, lab in ds]

    assert made(tf) == made(tf_ref)
