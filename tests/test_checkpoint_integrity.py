"""Integrity of checkpoints and weights files: damage anywhere is tf.errors.DataLossError and restores nothing.

Corruption sweeps flip bits of every byte of a small tfshim checkpoint, of a small checkpoint written by
real TF (its ``.index`` table and ``.data`` shard, whose CRC-32Cs tfshim verifies) and of a ``.npz`` weights
file, and require every flip to be detected before any variable changes. By default each byte gets one
flipped bit (the bit varies from byte to byte); ``TFSHIM_CORRUPTION_SWEEP=full`` flips all 8 bits of every
byte. Also here: TF's keys for attribute names with special characters, the ``checkpoint`` state file as TF
reads it, numbered saves that never replace an earlier run's checkpoint, file system errors as TF's
classes, and all-or-nothing loads (``.npz`` weights, deferred restores).
"""

from __future__ import annotations

import errno
import os

import ml_dtypes
import numpy as np
import pytest

import tfshim
from tfshim._src.train import crc32c, storage, tf_bundle

tf = tfshim
FULL = os.environ.get("TFSHIM_CORRUPTION_SWEEP", "").lower() == "full"
SENTINEL = -7


def _bits(i: int) -> list:
    """The bits flipped in byte ``i``: all of them in the full sweep, else one (varying with ``i``)."""
    return list(range(8)) if FULL else [(i * 5 + 3) % 8]


def _files(root: str) -> list:
    out = []
    for dp, _, fs in os.walk(root):
        out += [os.path.join(dp, f) for f in fs]
    return sorted(out)


def _sweep(files: list, attempt) -> int:
    """Flip bits of every byte of ``files`` in turn; ``attempt(path, byte, bit)`` must detect each flip."""
    n = 0
    for path in files:
        fd = os.open(path, os.O_RDWR)
        try:
            orig = os.pread(fd, os.fstat(fd).st_size, 0)
            for i in range(len(orig)):
                for bit in _bits(i):
                    os.pwrite(fd, bytes([orig[i] ^ (1 << bit)]), i)
                    try:
                        attempt(path, i, bit)
                    finally:
                        os.pwrite(fd, orig[i:i + 1], i)
                    n += 1
        finally:
            os.close(fd)
    return n


# -- a small checkpoint of each kind --------------------------------------------------------------------------
_SMALL = {
    "vec": np.linspace(-1, 1, 5, dtype=np.float32),
    "step": np.int64(42),
    "mat": np.arange(6, dtype=np.float64).reshape(2, 3),
    "flags": np.array([True, False, True]),
    "half": np.array([1.5, -2.0], ml_dtypes.bfloat16),
}


def _small_module(lib, sentinel: bool = False):
    m = lib.Module()
    for k, v in _SMALL.items():
        a = np.asarray(v)
        setattr(m, k, lib.Variable(np.full(a.shape, SENTINEL if a.dtype != bool else True, a.dtype) if sentinel
                                   else a))
    return m


def _untouched(m) -> bool:
    for k, v in _SMALL.items():
        a = np.asarray(v)
        want = np.full(a.shape, SENTINEL if a.dtype != bool else True, a.dtype)
        if not np.array_equal(getattr(m, k).numpy(), want):
            return False
    return True


def _restored(m) -> None:
    for k, v in _SMALL.items():
        np.testing.assert_array_equal(getattr(m, k).numpy(), v, err_msg=k)


def _expect_detected(prefix: str):
    m = _small_module(tf, sentinel=True)  # one target for every attempt: a detected flip leaves it untouched
    ck = tf.train.Checkpoint(m=m)

    def attempt(path: str, i: int, bit: int) -> None:
        try:
            ck.read(prefix)
        except tf.errors.DataLossError as e:
            assert os.path.basename(path) in str(e) or os.path.basename(prefix) in str(e), str(e)
        else:
            raise AssertionError(f"flipping bit {bit} of byte {i} of {path} went unnoticed")
        assert _untouched(m), f"flipping bit {bit} of byte {i} of {path} changed a variable before the error"

    return attempt


def test_tfshim_checkpoint_every_byte_flipped_is_data_loss(tmp_path):
    prefix = tf.train.Checkpoint(m=_small_module(tf)).write(str(tmp_path / "ck"))
    files = _files(prefix)
    assert [os.path.relpath(f, prefix) for f in files] == ["data", os.path.join("graph", "metadata")]
    n = _sweep(files, _expect_detected(prefix))
    assert n == sum(os.path.getsize(f) for f in files) * (8 if FULL else 1)
    m = _small_module(tf, sentinel=True)  # the undamaged checkpoint still restores
    tf.train.Checkpoint(m=m).read(prefix).assert_consumed()
    _restored(m)


def test_tf_written_checkpoint_every_byte_flipped_is_data_loss(tf_ref, tmp_path):
    prefix = tf_ref.train.Checkpoint(m=_small_module(tf_ref)).write(str(tmp_path / "ck"))
    m = _small_module(tf, sentinel=True)
    tf.train.Checkpoint(m=m).read(prefix).assert_consumed()
    _restored(m)
    files = [prefix + ".index", prefix + ".data-00000-of-00001"]
    assert sorted(files) == _files(str(tmp_path))
    _sweep(files, _expect_detected(prefix))


def _tree(lib, fill=None):
    """A tf.Module tree of a few KB: nested modules, lists, dicts, several dtypes."""
    rng = np.random.default_rng(5)

    def var(a):
        a = np.asarray(a)
        return lib.Variable(a if fill is None else np.full(a.shape, fill, a.dtype))

    root = lib.Module()
    root.encoder = lib.Module()
    root.encoder.layers = [{"w": var(rng.standard_normal((8, 6)).astype(np.float32)), "b": var(np.zeros(6, np.float32))}
                           for _ in range(3)]
    root.head = {"logits": var(rng.standard_normal((6, 4))), "counts": var(np.arange(5, dtype=np.int32))}
    root.step = var(np.int64(1234))
    root.mask = var(np.array([True, False, False, True]))
    root.half = var(rng.standard_normal(7).astype(np.float16))
    return root


def test_tf_written_module_tree_restores_and_damage_is_detected(tf_ref, tmp_path):
    """A TF-written checkpoint of a module tree restores into tfshim exactly; flipped bytes anywhere (every 5th
    byte here, every byte with ``TFSHIM_CORRUPTION_SWEEP=full``) restore nothing."""
    prefix = tf_ref.train.Checkpoint(root=_tree(tf_ref)).write(str(tmp_path / "ck"))
    want = [v.numpy() for v in _tree(tf).variables]
    dst = _tree(tf, fill=3)
    ck = tf.train.Checkpoint(root=dst)
    ck.read(prefix).assert_consumed()
    for v, w in zip(dst.variables, want):
        np.testing.assert_array_equal(v.numpy(), w)
    for v in dst.variables:
        v.assign(np.full(v.shape, 3, v.dtype.as_numpy_dtype))
    sentinel = [v.numpy() for v in dst.variables]
    every = 1 if FULL else 5
    for path in (prefix + ".index", prefix + ".data-00000-of-00001"):
        fd = os.open(path, os.O_RDWR)
        try:
            orig = os.pread(fd, os.fstat(fd).st_size, 0)
            for i in range(0, len(orig), every):
                os.pwrite(fd, bytes([orig[i] ^ (1 << (i % 8))]), i)
                try:
                    with pytest.raises(tf.errors.DataLossError):
                        ck.read(prefix)
                finally:
                    os.pwrite(fd, orig[i:i + 1], i)
                for v, w in zip(dst.variables, sentinel):
                    np.testing.assert_array_equal(v.numpy(), w, err_msg=f"{path} byte {i}")
        finally:
            os.close(fd)


def test_tf_written_checkpoint_damage_matches_tf_class(tf_ref, tmp_path):
    """TF notices damage of its files too: a value's CRC (DataLossError) or a block's CRC (a plain OpError, its
    reader's class for an index it cannot read); tfshim raises DataLossError (an OpError) for both."""
    prefix = tf_ref.train.Checkpoint(v=tf_ref.Variable(np.arange(300, dtype=np.float32))).write(str(tmp_path / "ck"))
    for suffix, at, tf_class in ((".data-00000-of-00001", 400, "DataLossError"), (".index", 10, "OpError")):
        path = prefix + suffix
        orig = open(path, "rb").read()
        damaged = bytearray(orig)
        damaged[at] ^= 0x10
        open(path, "wb").write(damaged)
        with pytest.raises(getattr(tf_ref.errors, tf_class)):
            tf_ref.train.Checkpoint(v=tf_ref.Variable(np.zeros(300, np.float32))).read(prefix)
        v = tf.Variable(np.zeros(300, np.float32))
        with pytest.raises(tf.errors.DataLossError, match=os.path.basename(path)):
            tf.train.Checkpoint(v=v).read(prefix)
        assert not v.numpy().any()
        open(path, "wb").write(orig)


def test_tf_written_index_of_several_blocks_verified(tf_ref, tmp_path):
    """A table of several data blocks (TF starts a new one every 256 KiB): every block's CRC is checked and the
    blocks must tile the file."""
    from tensorflow.core.protobuf import trackable_object_graph_pb2 as pb

    n = 6000
    names = [f"a_rather_long_and_descriptive_layer_name_{i:05d}" for i in range(n)]
    keys = [f"{name}/.ATTRIBUTES/VARIABLE_VALUE" for name in names]
    graph = pb.TrackableObjectGraph()
    root = graph.nodes.add()
    for i, (name, key) in enumerate(zip(names, keys)):
        root.children.add(node_id=i + 1, local_name=name)
        graph.nodes.add().attributes.add(name="VARIABLE_VALUE", full_name=name, checkpoint_key=key)
    prefix = str(tmp_path / "many")
    tf_ref.raw_ops.SaveV2(
        prefix=prefix, tensor_names=keys + ["_CHECKPOINTABLE_OBJECT_GRAPH"], shape_and_slices=[""] * (n + 1),
        tensors=[tf_ref.constant(np.float32(i)) for i in range(n)] + [tf_ref.constant(graph.SerializeToString())])
    data = open(prefix + ".index", "rb").read()
    spans: list = []  # (offset, size) of each data block
    real_block = tf_bundle._block

    def block(d, off, size, what, sp):
        if what == "data":
            spans.append((off, size))
        return real_block(d, off, size, what, sp)

    tf_bundle._block = block
    try:
        tf_bundle._read_index(memoryview(data))
    finally:
        tf_bundle._block = real_block
    assert len(spans) >= 2, "the test needs an index of several data blocks"
    manifest, values = tf_bundle.read(prefix, "test")
    assert len(values) == n and float(values[keys[4321]]) == 4321.0
    # flips in the second data block, its trailer, the index block and the footer
    second = sorted(spans)[1]
    positions = [second[0], second[0] + second[1] // 2, second[0] + second[1] - 3, len(data) - 60, len(data) - 30,
                 len(data) - 1]
    for at in positions:
        damaged = bytearray(data)
        damaged[at] ^= 0x04
        open(prefix + ".index", "wb").write(damaged)
        with pytest.raises(tf.errors.DataLossError, match="many.index"):
            tf_bundle.read(prefix, "test")
    open(prefix + ".index", "wb").write(data)


def test_npz_weights_every_byte_flipped_is_data_loss(tmp_path):
    K = tf.keras

    def model():
        return K.Sequential([K.Input((3,)), K.layers.Dense(2), K.layers.Dense(1)])

    src = model()
    path = str(tmp_path / "w.npz")
    src.save_weights(path)
    want = [w.numpy() for w in src.weights]

    m = model()  # one target for every attempt: a detected flip leaves it untouched
    before = [w.numpy().copy() for w in m.weights]

    def attempt(p: str, i: int, bit: int) -> None:
        with pytest.raises(tf.errors.DataLossError, match="w.npz"):
            m.load_weights(path)
        for w, b in zip(m.weights, before):
            np.testing.assert_array_equal(w.numpy(), b, err_msg=f"bit {bit} of byte {i}")

    _sweep([path], attempt)
    m = model()
    m.load_weights(path)
    for w, a in zip(m.weights, want):
        np.testing.assert_array_equal(w.numpy(), a)


def test_npz_of_plain_numpy_still_loads(tmp_path):
    """An archive without tfshim's checksum (``np.savez``, earlier tfshim versions) loads on the zip's CRCs."""
    K = tf.keras
    m = K.Sequential([K.Input((3,)), K.layers.Dense(2)])
    path = str(tmp_path / "plain.npz")
    values = [np.full(w.shape, i + 1.0, np.float32) for i, w in enumerate(m.weights)]
    np.savez(path, **{f"w{i:05d}": v for i, v in enumerate(values)})
    m.load_weights(path)
    for w, v in zip(m.weights, values):
        np.testing.assert_array_equal(w.numpy(), v)


def test_crc32c_matches_the_standard_and_tf(tf_ref):
    assert crc32c.value(b"123456789") == 0xE3069283  # the CRC-32C check value
    assert crc32c._py_extend(0, b"123456789") == 0xE3069283  # the fallback without google-crc32c
    data = np.random.default_rng(0).integers(0, 256, 5000).astype(np.uint8)
    assert crc32c._py_extend(0, data.tobytes()) == crc32c.value(data)
    assert crc32c.extend(crc32c.value(data[:1234]), data[1234:]) == crc32c.value(data)
    for c in (0, 1, 0xFFFFFFFF, crc32c.value(data)):
        assert crc32c.unmask(crc32c.mask(c)) == c
    # TF stores masked CRC-32Cs: the one of a float32 value in a TF-written index is the mask of the value's CRC
    v = np.arange(7, dtype=np.float32)
    assert crc32c.unmask(_tf_entry_crc(tf_ref, v)) == crc32c.value(v)


def _tf_entry_crc(tf_ref, v: np.ndarray) -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        prefix = os.path.join(d, "c")
        tf_ref.raw_ops.SaveV2(prefix=prefix, tensor_names=["x"], shape_and_slices=[""], tensors=[tf_ref.constant(v)])
        entries = dict(tf_bundle._read_index(memoryview(open(prefix + ".index", "rb").read())))
        return tf_bundle._entry("x", entries[b"x"])["crc32c"]


# -- checkpoint keys ------------------------------------------------------------------------------------------
_ODD_NAMES = ["a.b", "a/b", "x..y", ".S", "a.Sb", "c.", "/", "sp ace", "ü", "d.ATTRIBUTES"]


def _odd_graph(lib, zero: bool = False):
    m = lib.Module()
    for i, n in enumerate(_ODD_NAMES):
        setattr(m, n, lib.Variable(0.0 if zero else float(i)))
    m.d = {"k.1": lib.Variable(0.0 if zero else 10.0), "k/2": lib.Variable(0.0 if zero else 11.0)}
    m.l = [lib.Variable(0.0 if zero else 12.0)]
    return m


def test_keys_escape_special_characters_as_tf(tf_ref, tmp_path):
    """TF escapes '.' as '..' and '/' as '.S' in each name of a key's path; tfshim's keys are the same, and a TF
    checkpoint of such names restores into tfshim's objects (and tfshim's reader lists the same keys for both)."""
    tp = tf_ref.train.Checkpoint(**{"r.oot": _odd_graph(tf_ref)}).write(str(tmp_path / "tf"))
    sp = tf.train.Checkpoint(**{"r.oot": _odd_graph(tf)}).write(str(tmp_path / "shim"))
    tf_keys = [k for k, _ in tf_ref.train.list_variables(tp)]
    assert "r..oot/a..b/.ATTRIBUTES/VARIABLE_VALUE" in tf_keys and "r..oot/a.Sb/.ATTRIBUTES/VARIABLE_VALUE" in tf_keys
    assert [k for k, _ in tf.train.list_variables(sp)] == tf_keys
    assert [k for k, _ in tf.train.list_variables(tp)] == tf_keys
    m = _odd_graph(tf, zero=True)
    tf.train.Checkpoint(**{"r.oot": m}).read(tp).assert_consumed()
    for i, n in enumerate(_ODD_NAMES):
        assert getattr(m, n).numpy() == float(i), n
    assert m.d["k.1"].numpy() == 10.0 and m.d["k/2"].numpy() == 11.0 and m.l[0].numpy() == 12.0
    m2 = _odd_graph(tf, zero=True)
    tf.train.Checkpoint(**{"r.oot": m2}).read(sp).assert_consumed()
    assert [getattr(m2, n).numpy() for n in _ODD_NAMES] == [float(i) for i in range(len(_ODD_NAMES))]
    reader = tf.train.load_checkpoint(sp)
    for k in tf_keys[1:]:
        np.testing.assert_array_equal(reader.get_tensor(k), tf_ref.train.load_checkpoint(tp).get_tensor(k))


# -- the state file -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"", b"all_model_checkpoint_paths: \"ckpt-1\"\n", b"garbage!!\n",
                                     b"model_checkpoint_path: \"ckpt-1\"\n junk", b"\x00\xff\xfe garbage",
                                     b"model_checkpoint_path: 'ckpt-1' all_model_checkpoint_paths: [\"ckpt-1\"]\n"])
def test_state_file_read_as_tf(tf_ref, tmp_path, content):
    results = []
    for name, lib in (("tf", tf_ref), ("shim", tf)):
        d = tmp_path / name
        mgr = lib.train.CheckpointManager(lib.train.Checkpoint(v=lib.Variable(1.0)), str(d), max_to_keep=3)
        mgr.save()
        (d / "checkpoint").write_bytes(content)
        got = []
        for fn in (lambda: lib.train.get_checkpoint_state(str(d)), lambda: lib.train.latest_checkpoint(str(d)),
                   lambda: lib.train.CheckpointManager(lib.train.Checkpoint(v=lib.Variable(2.0)), str(d), 3).checkpoints):
            try:
                r = fn()
                got.append(("ok", None if r is None else os.path.basename(str(getattr(r, "model_checkpoint_path", r)))
                            if not isinstance(r, list) else len(r)))
            except Exception as e:  # noqa: BLE001 - the classes are compared
                got.append(("raise", type(e)))
        results.append(got)
    for (kt, vt), (ks, vs) in zip(*results):
        assert kt == ks, results
        if kt == "raise":
            assert issubclass(vs, vt), results
        else:
            assert vs == vt, results


def test_state_file_every_byte_flipped_is_data_loss(tf_ref, tmp_path):
    """The state file tfshim writes ends with a comment holding its CRC-32C (TF's parser skips it; TF reads the
    file); any flipped bit is DataLossError rather than a pointer at another checkpoint (or at none)."""
    d = str(tmp_path)
    mgr = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), d, max_to_keep=3)
    for _ in range(3):
        mgr.save()
    want = tf.train.get_checkpoint_state(d)
    st = tf_ref.train.get_checkpoint_state(d)
    assert st.model_checkpoint_path == want.model_checkpoint_path
    assert list(st.all_model_checkpoint_paths) == want.all_model_checkpoint_paths

    def attempt(path: str, i: int, bit: int) -> None:
        with pytest.raises(tf.errors.DataLossError, match="checkpoint state file"):
            tf.train.get_checkpoint_state(d)
        with pytest.raises(tf.errors.DataLossError):
            tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), d, max_to_keep=3)

    _sweep([os.path.join(d, "checkpoint")], attempt)
    assert tf.train.latest_checkpoint(d) == want.model_checkpoint_path


@pytest.mark.parametrize("content", [b"", b"garbage!!\n", b"model_checkpoint_path: \"ckpt-1\"\n junk"])
def test_manager_never_overwrites_checkpoint_of_earlier_run(tmp_path, monkeypatch, content):
    d = str(tmp_path)
    v = tf.Variable(1.0)
    mgr = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), d, max_to_keep=3)
    first = mgr.save()
    (tmp_path / "checkpoint").write_bytes(content)
    monkeypatch.setattr(storage, "_own", set())  # a new run: this process has written nothing
    v2 = tf.Variable(5.0)
    try:
        mgr2 = tf.train.CheckpointManager(tf.train.Checkpoint(v=v2), d, max_to_keep=3)
    except ValueError:  # an empty state file: TF's ValueError, before any save
        assert content == b""
        return
    with pytest.raises(tf.errors.AlreadyExistsError, match="ckpt-1"):
        mgr2.save()
    v3 = tf.Variable(0.0)
    tf.train.Checkpoint(v=v3).read(first)
    assert v3.numpy() == 1.0, "the earlier run's checkpoint was replaced"
    assert int(mgr2.checkpoint.save_counter.numpy()) == 0  # a refused save does not count


def test_numbered_saves_continue_after_restore_and_replace_only_orphans(tmp_path, monkeypatch):
    d = str(tmp_path)
    v = tf.Variable(1.0)
    ck = tf.train.Checkpoint(v=v)
    mgr = tf.train.CheckpointManager(ck, d, max_to_keep=None)
    for i in range(3):
        v.assign(float(i + 1))
        mgr.save()
    # a checkpoint a killed save wrote after the recorded latest (ckpt-3), never named by the state file
    orphan = ck.write(os.path.join(d, "ckpt-4"))
    monkeypatch.setattr(storage, "_own", set())  # a new run: this process has written nothing
    v2 = tf.Variable(0.0)
    mgr2 = tf.train.CheckpointManager(tf.train.Checkpoint(v=v2), d, max_to_keep=None)
    with pytest.raises(tf.errors.AlreadyExistsError):  # not restored: ckpt-1 belongs to the earlier run
        mgr2.save()
    with pytest.raises(tf.errors.AlreadyExistsError):  # Checkpoint.save alike
        tf.train.Checkpoint(v=tf.Variable(0.0)).save(os.path.join(d, "ckpt"))
    assert mgr2.restore_or_initialize().endswith("ckpt-3") and v2.numpy() == 3.0
    v2.assign(9.0)
    assert mgr2.save() == orphan  # newer than the recorded latest: the restarted run writes it again
    assert tf.train.latest_checkpoint(d) == orphan
    with pytest.raises(tf.errors.AlreadyExistsError):  # a number the earlier run recorded
        mgr2.save(checkpoint_number=2)
    v2.assign(10.0)
    assert mgr2.save(checkpoint_number=4) == orphan  # this process wrote it: replaced, as TF does
    v3 = tf.Variable(0.0)
    tf.train.Checkpoint(v=v3).read(orphan)
    assert v3.numpy() == 10.0
    for i, want in ((1, 1.0), (2, 2.0), (3, 3.0)):  # the earlier run's checkpoints are intact
        tf.train.Checkpoint(v=v3).read(os.path.join(d, f"ckpt-{i}"))
        assert v3.numpy() == want


# -- file system errors -----------------------------------------------------------------------------------------
def _classes(fn) -> type | None:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the classes are compared
        return type(e)
    return None


def test_file_system_errors_are_tf_classes(tf_ref, tmp_path):
    (tmp_path / "afile").write_text("x")
    cases = {
        "write under a file": lambda lib: lib.train.Checkpoint(v=lib.Variable(1.0)).write(str(tmp_path / "afile" / "c")),
        "save under a file": lambda lib: lib.train.Checkpoint(v=lib.Variable(1.0)).save(str(tmp_path / "afile" / "c")),
        "manager under a file": lambda lib: lib.train.CheckpointManager(
            lib.train.Checkpoint(v=lib.Variable(1.0)), str(tmp_path / "afile" / "m"), 2).save(),
        "read a missing checkpoint": lambda lib: lib.train.Checkpoint(v=lib.Variable(1.0)).read(str(tmp_path / "no")),
        "load_checkpoint of a missing one": lambda lib: lib.train.load_checkpoint(str(tmp_path / "no")),
    }
    if os.path.isdir("/sys/kernel"):  # Linux refuses new files there to everyone, root included (EPERM/EACCES)
        cases["write where it is not permitted"] = lambda lib: lib.train.Checkpoint(v=lib.Variable(1.0)).write(
            "/sys/kernel/tfshim_test_ckpt")
    for what, fn in cases.items():
        want, got = _classes(lambda: fn(tf_ref)), _classes(lambda: fn(tf))
        assert want is not None and got is not None, what
        assert want.__name__ != "OpError" or issubclass(got, tf.errors.OpError), what
        if want.__name__ != "OpError":
            assert got.__name__ == want.__name__ and issubclass(got, getattr(tf.errors, want.__name__)), (what, got)


def test_keras_weights_file_errors_are_python_oserrors_as_keras(tf_ref, tmp_path):
    """Keras 3 raises Python's OSErrors for ``.weights.h5`` files; tfshim's errors are those and TF's classes."""
    (tmp_path / "afile").write_text("x")
    for path in (str(tmp_path / "afile" / "x.weights.h5"), str(tmp_path / "no.weights.h5")):
        km = tf_ref.keras.Sequential([tf_ref.keras.Input((3,)), tf_ref.keras.layers.Dense(2)])
        sm = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
        op = "save_weights" if "afile" in path else "load_weights"
        want, got = _classes(lambda: getattr(km, op)(path)), _classes(lambda: getattr(sm, op)(path))
        assert want is not None and issubclass(got, want), (op, want, got)
        assert issubclass(got, tf.errors.OpError)


def test_disk_full_is_resource_exhausted_and_leaves_previous_files(tmp_path, monkeypatch):
    v = tf.Variable(np.ones(100, np.float32))
    ck = tf.train.Checkpoint(v=v)
    p = ck.write(str(tmp_path / "w"))
    K = tf.keras
    m = K.Sequential([K.Input((3,)), K.layers.Dense(2)])
    wp = str(tmp_path / "m.npz")
    m.save_weights(wp)
    before = open(wp, "rb").read()

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage, "_write_all", full)
    with pytest.raises(tf.errors.ResourceExhaustedError, match="No space left"):
        ck.write(p)
    monkeypatch.setattr(np.lib.format, "write_array", full)
    with pytest.raises(tf.errors.ResourceExhaustedError):
        m.save_weights(wp)
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["m.npz", "w"]
    assert open(wp, "rb").read() == before
    v.assign(np.zeros(100, np.float32))
    ck.read(p).assert_consumed()
    assert np.all(v.numpy() == 1.0)


def test_os_error_classes_keep_errno_and_pickle():
    import pickle

    from tfshim._src.core import errors as core_errors

    err = core_errors.from_os_error(PermissionError(errno.EACCES, "Permission denied", "/x"), "f: cannot write /x")
    assert isinstance(err, tf.errors.PermissionDeniedError) and isinstance(err, PermissionError)
    assert err.errno == errno.EACCES and err.filename == "/x" and "cannot write /x" in str(err)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err) and str(back) == str(err) and back.errno == errno.EACCES
    for code, cls in ((errno.ENOENT, tf.errors.NotFoundError), (errno.ENOTDIR, tf.errors.FailedPreconditionError),
                      (errno.EEXIST, tf.errors.AlreadyExistsError), (errno.EIO, tf.errors.UnknownError),
                      (errno.ENOSPC, tf.errors.ResourceExhaustedError), (errno.EROFS, tf.errors.PermissionDeniedError)):
        got = core_errors.from_os_error(OSError(code, os.strerror(code)), "f")
        assert isinstance(got, cls) and isinstance(got, OSError) and got.errno == code, code


# -- all-or-nothing loads ---------------------------------------------------------------------------------------
def test_mismatched_npz_changes_no_weight(tmp_path):
    K = tf.keras
    src = K.Sequential([K.Input((3,)), K.layers.Dense(4), K.layers.Dense(2)])
    path = str(tmp_path / "w.npz")
    src.save_weights(path)
    dst = K.Sequential([K.Input((3,)), K.layers.Dense(4), K.layers.Dense(5)])  # the last layer differs
    before = [w.numpy().copy() for w in dst.weights]
    with pytest.raises(ValueError, match="nothing was loaded"):
        dst.load_weights(path)
    for w, b in zip(dst.weights, before):
        np.testing.assert_array_equal(w.numpy(), b)
    dst.load_weights(path, skip_mismatch=True)  # as Keras: the fitting weights load, the others are skipped
    np.testing.assert_array_equal(dst.weights[0].numpy(), src.weights[0].numpy())
    np.testing.assert_array_equal(dst.weights[2].numpy(), before[2])


def test_damaged_checkpoint_restores_nothing_on_creation_either(tmp_path):
    K = tf.keras

    def model():
        return K.Sequential([K.layers.Dense(3), K.layers.Dense(2)])

    src = model()
    src(np.ones((1, 4), np.float32))
    path = str(tmp_path / "m.weights.h5")
    src.save_weights(path)
    with open(os.path.join(path, "data"), "r+b") as f:
        f.seek(8)
        b = f.read(1)
        f.seek(8)
        f.write(bytes([b[0] ^ 1]))
    fresh = model()
    with pytest.raises(tf.errors.DataLossError):
        fresh.load_weights(path)
    fresh(np.ones((1, 4), np.float32))  # built afterwards: its own initial values, nothing from the file
    for a, b in zip(fresh.weights, src.weights):
        assert not np.array_equal(a.numpy(), b.numpy()) or not b.numpy().any()


def test_deferred_restore_is_all_or_nothing(tmp_path):
    """Variables created after ``restore`` take their values together: one that does not fit (shape) stops all."""
    src = tf.Module()
    src.kernel_holder = tf.Module()
    src.kernel_holder.k = tf.Variable(np.full((3, 2), 5.0, np.float32))
    src.kernel_holder.b = tf.Variable(np.full((2,), 6.0, np.float32))
    path = tf.train.Checkpoint(m=src).write(str(tmp_path / "c"))
    dst = tf.Module()
    ck = tf.train.Checkpoint(m=dst)
    ck.read(path)
    holder = tf.Module()
    holder.b = tf.Variable(np.zeros((2,), np.float32))
    holder.k = tf.Variable(np.zeros((4, 2), np.float32))  # does not fit the saved (3, 2)
    dst.kernel_holder = holder
    with pytest.raises(ValueError, match="incompatible"):
        holder.b.numpy()
    np.testing.assert_array_equal(holder.b.numpy(), np.zeros(2, np.float32))  # b was not restored alone
    np.testing.assert_array_equal(holder.k.numpy(), np.zeros((4, 2), np.float32))
