"""The checkpoint files themselves (tfshim/_src/train/storage.py): exact round trips of every dtype,
damage of any part detected as tf.errors.DataLossError before anything is restored, saves killed at
chosen moments leaving the previous checkpoint restorable, overwrites, the opt-in fsync, and
checkpoints of the earlier orbax-based format still read."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import ml_dtypes
import numpy as np
import pytest

import tfshim
from tfshim._src.train import storage

tf = tfshim
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIG = 600_000  # float32s per large value: above the sizes where reading/checksumming overlap and restore avoids a copy

_VALUES = {
    "f32": np.linspace(-3, 3, 24, dtype=np.float32).reshape(2, 3, 4),
    "f64": np.array([np.pi, -0.0, np.inf, 1e-300]),
    "f16": np.array([1.5, -2.25, 65504], np.float16),
    "bf16": np.array([[1.5, -2.0], [3.0, 0.0078125]], ml_dtypes.bfloat16),
    "i8": np.array([-128, 127, 0], np.int8),
    "i16": np.array([-32768, 5], np.int16),
    "i32": np.array([[1, -2], [2**31 - 1, -(2**31)]], np.int32),
    "i64": np.array([2**62, -(2**63), 7], np.int64),
    "u8": np.array([0, 255], np.uint8),
    "u32": np.array([2**32 - 1], np.uint32),
    "b": np.array([True, False, True]),
    "c64": np.array([1 + 2j, -3.5j], np.complex64),
    "scalar": np.float32(2.5),
    "iscalar": np.int64(-9),
    "empty": np.zeros((0, 3), np.float32),
    "big": np.random.default_rng(0).standard_normal(BIG).astype(np.float32),
    "bigbf16": np.random.default_rng(1).standard_normal(BIG).astype(ml_dtypes.bfloat16),
    "bigi64": np.arange(BIG // 2, dtype=np.int64) * 3 - 5,
}


def _vars(zero: bool = False) -> dict:
    return {k: tf.Variable(np.zeros_like(v) if zero else v) for k, v in _VALUES.items()}


def _bytes(a) -> np.ndarray:
    return np.ascontiguousarray(a).reshape(-1).view(np.uint8)


def _check_all(vs: dict) -> None:
    for k, want in _VALUES.items():
        got = vs[k].numpy()
        assert np.asarray(got).dtype == np.asarray(want).dtype, k
        assert np.asarray(got).shape == np.asarray(want).shape, k
        np.testing.assert_array_equal(_bytes(got), _bytes(want), err_msg=k)


@pytest.mark.parametrize("how", ["save", "write"])
def test_every_dtype_round_trips_bit_exact(tmp_path, how):
    ck = tf.train.Checkpoint(**_vars())
    p = ck.save(str(tmp_path / "ck")) if how == "save" else ck.write(str(tmp_path / "w"))
    assert sorted(os.listdir(p)) == ["data", "graph"]
    vs = _vars(zero=True)
    ck2 = tf.train.Checkpoint(**vs)
    (ck2.restore(p) if how == "save" else ck2.read(p)).assert_consumed()
    _check_all(vs)
    reader = tf.train.load_checkpoint(p)  # the reader gives the same values and dtypes
    for k, want in _VALUES.items():
        got = reader.get_tensor(f"{k}/.ATTRIBUTES/VARIABLE_VALUE")
        np.testing.assert_array_equal(_bytes(got), _bytes(want), err_msg=k)
        assert reader.get_variable_to_dtype_map()[f"{k}/.ATTRIBUTES/VARIABLE_VALUE"].name == tf.as_dtype(
            np.asarray(want).dtype.name).name


def test_restored_values_are_independent_of_the_file_and_each_other(tmp_path):
    v = tf.Variable(_VALUES["big"])
    w = tf.Variable(_VALUES["big"] * 2)
    ck = tf.train.Checkpoint(v=v, w=w)
    p = ck.write(str(tmp_path / "w"))
    v.assign(np.zeros(BIG, np.float32))
    ck.read(p).assert_consumed()
    v.assign_add(np.ones(BIG, np.float32))  # updating one restored value changes nothing else
    np.testing.assert_array_equal(w.numpy(), _VALUES["big"] * 2)
    np.testing.assert_array_equal(v.numpy(), _VALUES["big"] + 1)
    ck.read(p).assert_consumed()  # a second restore gives the saved values again
    np.testing.assert_array_equal(v.numpy(), _VALUES["big"])
    opt = tf.keras.optimizers.SGD(0.5)  # a compiled update of a restored variable (its buffer may be donated)
    opt.apply_gradients([(tf.ones_like(v), v)])
    np.testing.assert_array_equal(v.numpy(), _VALUES["big"] - np.float32(0.5))
    ck.read(p).assert_consumed()
    np.testing.assert_array_equal(v.numpy(), _VALUES["big"])


def _damage(p: str, how: str) -> None:
    data = os.path.join(p, "data")
    graph = os.path.join(p, "graph", "metadata")
    with open(graph) as f:
        manifest = json.load(f)
    big = manifest["values"]["big/.ATTRIBUTES/VARIABLE_VALUE"]
    small = manifest["values"]["i32/.ATTRIBUTES/VARIABLE_VALUE"]
    if how == "truncate":
        with open(data, "r+b") as f:
            f.truncate(os.path.getsize(data) // 2)
    elif how == "truncate_tail":
        with open(data, "r+b") as f:
            f.truncate(os.path.getsize(data) - 1)
    elif how == "extend":
        with open(data, "ab") as f:
            f.write(b"\0")
    elif how in ("flip_big", "flip_small"):
        rec = big if how == "flip_big" else small
        with open(data, "r+b") as f:
            f.seek(rec["offset"] + rec["nbytes"] // 2)
            b = f.read(1)
            f.seek(-1, 1)
            f.write(bytes([b[0] ^ 0x01]))
    elif how == "zero_pages":  # what a power cut can leave: the right size, the bytes never written
        with open(data, "r+b") as f:
            f.seek(big["offset"])
            f.write(bytes(1 << 16))
    elif how == "delete_data":
        os.remove(data)
    elif how == "delete_graph":
        os.remove(graph)
    elif how == "graph_value_edited":  # still valid JSON: the graph's own checksum catches it
        small["shape"] = [4, 1]
        with open(graph, "w") as f:
            json.dump(manifest, f)
    elif how == "graph_name_edited":
        text = open(graph).read().replace('["i32",', '["i33",')
        with open(graph, "w") as f:
            f.write(text)
    elif how == "graph_truncated":
        text = open(graph).read()
        with open(graph, "w") as f:
            f.write(text[: len(text) // 2])
    elif how == "graph_offset_out_of_file":  # a valid checksum of a record pointing past the data
        big["offset"] = os.path.getsize(data)
        manifest.pop("manifest_crc32")
        manifest["manifest_crc32"] = storage._manifest_crc(manifest)
        with open(graph, "w") as f:
            json.dump(manifest, f)
    else:
        raise AssertionError(how)


@pytest.mark.parametrize("how", [
    "truncate", "truncate_tail", "extend", "flip_big", "flip_small", "zero_pages", "delete_data", "delete_graph",
    "graph_value_edited", "graph_name_edited", "graph_truncated", "graph_offset_out_of_file",
])
def test_damaged_checkpoint_is_data_loss_and_restores_nothing(tmp_path, how):
    p = tf.train.Checkpoint(**_vars()).save(str(tmp_path / "ck"))
    _damage(p, how)
    vs = _vars(zero=True)
    with pytest.raises(tf.errors.DataLossError, match=str(p)):
        tf.train.Checkpoint(**vs).restore(p)
    for k, v in vs.items():  # nothing half-restored
        assert not _bytes(v.numpy()).any(), k
    if how != "delete_graph":
        with pytest.raises(tf.errors.DataLossError):
            tf.train.load_checkpoint(p).get_tensor("big/.ATTRIBUTES/VARIABLE_VALUE")


def test_data_loss_error_class_matches_tf(tf_ref, tmp_path):
    """TF raises DataLossError for a damaged data file of its own format; so does tfshim for its format."""
    vals = np.arange(50_000, dtype=np.float32)
    tp = tf_ref.train.Checkpoint(v=tf_ref.Variable(vals)).write(str(tmp_path / "tf" / "w"))
    with open(tp + ".data-00000-of-00001", "r+b") as f:
        f.seek(1000)
        f.write(b"\xff\xff\xff\xff")
    with pytest.raises(tf_ref.errors.DataLossError):
        tf_ref.train.Checkpoint(v=tf_ref.Variable(np.zeros_like(vals))).read(tp)
    sp = tf.train.Checkpoint(v=tf.Variable(vals)).write(str(tmp_path / "shim" / "w"))
    with open(os.path.join(sp, "data"), "r+b") as f:
        f.seek(1000)
        f.write(b"\xff\xff\xff\xff")
    with pytest.raises(tf.errors.DataLossError):
        tf.train.Checkpoint(v=tf.Variable(np.zeros_like(vals))).read(sp)


# -- atomicity: saves killed at chosen moments ----------------------------------------------------------------
_KILL_CHILD = """
import os, signal, sys
sys.path.insert(0, {repo!r})
import numpy as np
import tfshim as tf
from tfshim._src.train import storage
path, where, n = sys.argv[1], sys.argv[2], {n}
v = tf.Variable(np.full(n, 1.0, np.float32))
ck = tf.train.Checkpoint(v=v)
ck.write(path)  # the complete previous checkpoint
print("written", flush=True)
v.assign(np.full(n, 2.0, np.float32))

def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)

if where == "mid_data":
    real = storage._write_all
    def half(fd, mv):
        real(fd, mv[: len(mv) // 2])
        die()
    storage._write_all = half
elif where == "before_graph":
    storage._manifest_crc = die
elif where == "before_rename":
    storage._exchange = die
    storage.os.rename = die
elif where == "between_renames":  # the fallback without an atomic exchange
    storage._exchange = lambda a, b: False
    real_rename = os.rename
    calls = []
    def rename(a, b):
        calls.append(a)
        real_rename(a, b)
        if len(calls) == 1:
            die()
    storage.os.rename = rename
ck.write(path)
print("not killed", flush=True)
"""


@pytest.mark.parametrize("where", ["mid_data", "before_graph", "before_rename", "between_renames"])
def test_save_killed_leaves_previous_checkpoint(tmp_path, where):
    n = 300_000
    path = str(tmp_path / "w")
    code = _KILL_CHILD.format(repo=REPO, n=n)
    env = dict(os.environ, JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    r = subprocess.run([sys.executable, "-c", code, path, where], capture_output=True, env=env, timeout=300)
    assert r.returncode == -signal.SIGKILL, r.stderr.decode()[-2000:]
    assert r.stdout.decode().split() == ["written"]
    leftovers = [x for x in os.listdir(tmp_path) if x != "w"]
    assert leftovers and all(".tmp-" in x or ".old-" in x for x in leftovers), leftovers
    v = tf.Variable(np.zeros(n, np.float32))
    if where == "between_renames":
        # Without an atomic exchange there is a moment with no directory under the path: the previous version
        # waits complete under ``w.old-*``, and readers find it there (as does latest_checkpoint).
        assert not os.path.exists(path) and len(leftovers) == 2
        assert tf.train.Checkpoint(v=v).read(path).assert_consumed()
        assert tf.train.load_checkpoint(path).get_tensor("v/.ATTRIBUTES/VARIABLE_VALUE")[0] == 1.0
    else:
        tf.train.Checkpoint(v=v).read(path).assert_consumed()
    assert np.all(v.numpy() == 1.0), "the previous checkpoint was damaged"
    v.assign(np.full(n, 3.0, np.float32))
    tf.train.Checkpoint(v=v).write(path)  # the next save removes what the killed one left
    assert os.listdir(tmp_path) == ["w"]
    v2 = tf.Variable(np.zeros(n, np.float32))
    tf.train.Checkpoint(v=v2).read(path).assert_consumed()
    assert np.all(v2.numpy() == 3.0)


_KILL_OTHER_CHILD = """
import os, shutil, signal, sys
sys.path.insert(0, {repo!r})
import numpy as np
import tfshim as tf
from tfshim._src.train import storage
d, where = sys.argv[1], sys.argv[2]

def die(*a, **k):
    os.kill(os.getpid(), signal.SIGKILL)

if where.startswith("npz"):
    m = tf.keras.Sequential([tf.keras.Input((300,)), tf.keras.layers.Dense(1000)])
    for w in m.weights:
        w.assign(np.full(w.shape, 1.0, np.float32))
    path = os.path.join(d, "w.npz")
    m.save_weights(path)  # the complete previous file
    print("written", flush=True)
    for w in m.weights:
        w.assign(np.full(w.shape, 2.0, np.float32))
    if where == "npz_mid_write":
        real = np.lib.format.write_array
        def second_dies(fp, a, **k):
            if a.size > 1000:
                fp.write(b"x" * 1000)
                die()
            return real(fp, a, **k)
        np.lib.format.write_array = second_dies
    else:
        os.replace = die
    m.save_weights(path)
else:  # the rotation of CheckpointManager killed while it deletes the oldest checkpoint
    v = tf.Variable(np.zeros(100_000, np.float32))
    mgr = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), d, max_to_keep=1)
    mgr.save()
    print("written", flush=True)
    v.assign(np.ones(100_000, np.float32))
    def half_deleted(p, *a, **k):
        os.remove(os.path.join(p, "data"))
        die()
    shutil.rmtree = half_deleted
    mgr.save()
print("not killed", flush=True)
"""


@pytest.mark.parametrize("where", ["npz_mid_write", "npz_before_rename", "manager_mid_delete"])
def test_weights_save_and_rotation_killed_leave_complete_files(tmp_path, where):
    code = _KILL_OTHER_CHILD.format(repo=REPO)
    env = dict(os.environ, JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path), where], capture_output=True, env=env, timeout=300)
    assert r.returncode == -signal.SIGKILL, r.stderr.decode()[-2000:]
    assert r.stdout.decode().split() == ["written"]
    names = sorted(os.listdir(tmp_path))
    if where.startswith("npz"):
        assert names[0] == "w.npz" and len(names) == 2 and ".tmp-" in names[1], names
        m = tf.keras.Sequential([tf.keras.Input((300,)), tf.keras.layers.Dense(1000)])
        m.load_weights(str(tmp_path / "w.npz"))  # the previous file, whole
        assert all(np.all(w.numpy() == 1.0) for w in m.weights)
        m.save_weights(str(tmp_path / "w.npz"))  # the next save removes what the killed one left
        assert os.listdir(tmp_path) == ["w.npz"]
        return
    # the new checkpoint is complete and recorded; the old one is gone from its name, never half-deleted there
    assert "ckpt-1" not in names and "ckpt-2" in names and any(n.startswith("ckpt-1.tmp-") for n in names), names
    latest = tf.train.latest_checkpoint(str(tmp_path))
    assert latest.endswith("ckpt-2")
    v = tf.Variable(np.zeros(100_000, np.float32))
    ck = tf.train.Checkpoint(v=v)
    mgr = tf.train.CheckpointManager(ck, str(tmp_path), max_to_keep=1)  # removes the half-deleted leftover
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-2"]
    assert mgr.restore_or_initialize() == latest and np.all(v.numpy() == 1.0)


def test_save_failing_midway_leaves_nothing_behind(tmp_path, monkeypatch):
    v = tf.Variable(np.ones(1000, np.float32))
    ck = tf.train.Checkpoint(v=v)
    p = ck.write(str(tmp_path / "w"))

    def fail(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "_write_all", fail)
    v.assign(np.zeros(1000, np.float32))
    with pytest.raises(OSError, match="No space"):
        ck.write(p)
    with pytest.raises(OSError, match="No space"):
        ck.save(str(tmp_path / "s"))
    assert int(ck.save_counter.numpy()) == 0  # a failed save does not count
    assert sorted(os.listdir(tmp_path)) == ["w"]
    monkeypatch.undo()
    tf.train.Checkpoint(v=v).read(p).assert_consumed()
    assert np.all(v.numpy() == 1.0)


@pytest.mark.parametrize("exchange", [True, False])
def test_overwrite_replaces_the_checkpoint(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(storage, "_exchange", lambda a, b: False)
    v = tf.Variable(np.arange(10.0))
    ck = tf.train.Checkpoint(v=v)
    p = str(tmp_path / "w")
    for i in range(3):
        v.assign(np.arange(10.0) + i)
        assert ck.write(p) == p
    assert os.listdir(tmp_path) == ["w"]
    v.assign(np.zeros(10))
    ck.read(p).assert_consumed()
    np.testing.assert_array_equal(v.numpy(), np.arange(10.0) + 2)


def test_fsync_when_asked(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    ck = tf.train.Checkpoint(v=tf.Variable(np.ones(5000, np.float32)))
    ck.save(str(tmp_path / "a"))
    assert synced == []  # as TF: no fsync by default
    monkeypatch.setenv("TFSHIM_CHECKPOINT_FSYNC", "1")
    p = ck.save(str(tmp_path / "a"))
    assert len(synced) >= 5  # data, graph, their directories, the parent, the state file
    v = tf.Variable(np.zeros(5000, np.float32))
    tf.train.Checkpoint(v=v).restore(p).expect_partial()
    assert np.all(v.numpy() == 1.0)


# -- the orbax-based format of earlier tfshim versions ---------------------------------------------------------
def _write_orbax_format(path: str, arrays: dict) -> None:
    """A checkpoint as tfshim wrote it before (graph JSON + orbax PyTree under state/), for one level of Variables."""
    ocp = pytest.importorskip("orbax.checkpoint")
    keys = list(arrays) + ["save_counter"]
    arrays = dict(arrays, save_counter=np.int64(1))
    nodes = [{"children": [[k, i + 1] for i, k in enumerate(keys)]}]
    values, items = {}, {}
    for i, k in enumerate(keys):
        a = np.asarray(arrays[k])
        key = f"{k}/.ATTRIBUTES/VARIABLE_VALUE"
        nodes.append({"children": [], "key": key})
        items[f"t{i}"] = a
        values[key] = {"item": f"t{i}", "shape": list(a.shape), "dtype": a.dtype.name,
                       "crc32": storage.crc32(a)}
    manifest = {"format": "tfshim-checkpoint-1", "nodes": nodes, "values": values}
    ckptr = ocp.Checkpointer(ocp.CompositeCheckpointHandler(
        state=ocp.PyTreeCheckpointHandler(use_compression=False), graph=ocp.JsonCheckpointHandler()))
    ckptr.save(os.path.abspath(path), args=ocp.args.Composite(
        graph=ocp.args.JsonSave(manifest), state=ocp.args.PyTreeSave(items)))


def test_orbax_format_checkpoints_still_restore(tmp_path):
    arrays = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([1, -2], np.int64),
              "c": np.array([True, False]), "d": np.array([1.5, -2.5], ml_dtypes.bfloat16)}
    p = str(tmp_path / "ckpt-1")
    _write_orbax_format(p, arrays)
    with open(tmp_path / "checkpoint", "w") as f:
        f.write('model_checkpoint_path: "ckpt-1"\nall_model_checkpoint_paths: "ckpt-1"\n')
    assert tf.train.latest_checkpoint(str(tmp_path)) == p
    vs = {k: tf.Variable(np.zeros_like(a)) for k, a in arrays.items()}
    ck = tf.train.Checkpoint(**vs)
    ck.restore(p).assert_consumed()
    for k, a in arrays.items():
        assert vs[k].numpy().dtype == a.dtype
        np.testing.assert_array_equal(vs[k].numpy(), a)
    assert int(ck.save_counter.numpy()) == 1
    assert tf.train.load_checkpoint(p).get_tensor("b/.ATTRIBUTES/VARIABLE_VALUE").tolist() == [1, -2]
    p2 = ck.save(str(tmp_path / "ckpt"))  # saving again writes the current format
    assert p2.endswith("ckpt-2") and os.path.isfile(os.path.join(p2, "data"))


def test_manager_removes_what_killed_saves_left(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = tmp_path / f"ckpt-7.tmp-{pid}-1"
    (stale / "graph").mkdir(parents=True)
    live = tmp_path / f"ckpt-8.tmp-{os.getpid()}-999"  # a save in progress (this process): kept
    live.mkdir()
    other = tmp_path / "notes.tmp-x"  # not a checkpoint of this manager: kept
    other.mkdir()
    mgr = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), str(tmp_path), max_to_keep=2)
    assert not stale.exists() and live.exists() and other.exists()
    assert mgr.save().endswith("ckpt-1")
