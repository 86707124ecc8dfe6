"""The persistent compilation cache (a tfshim extension; TensorFlow has none): README "Compilation cache".

Every test uses its own temporary directory and fresh subprocesses (``TFSHIM_CACHE_DIR`` set for them), so
nothing here depends on a warm cache, and nothing here touches the cache of the process running pytest,
except the in-process tests at the end, which put it back (fixture ``keep_cache``).

The suite itself runs with the cache on, as users get it: in ``$TFSHIM_CACHE_DIR`` (or ``~/.cache/tfshim``),
shared by every test process and run. No test depends on it being cold or warm (a warm one only saves
compile time), and running the suite with it is the widest check that cached programs give the same
results. ``TFSHIM_CACHE_DIR=off pytest`` runs it without.

A process is seen to compile less through JAX's monitoring events: ``cache_hits`` (a program loaded from
the cache) and ``cache_misses`` (compiled and written), out of ``compile_requests_use_cache``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tfshim._src import config as cfg

ROOT = Path(__file__).resolve().parent.parent

# A short eager program: a GradientTape regression (many small eager kernels) and a tf.function.
PROGRAM = r"""
import json, sys
from jax._src import monitoring
counts = {"hits": 0, "writes": 0, "requests": 0}
names = {"/jax/compilation_cache/cache_hits": "hits", "/jax/compilation_cache/cache_misses": "writes",
         "/jax/compilation_cache/compile_requests_use_cache": "requests"}
monitoring.register_event_listener(lambda name, **kw: names.get(name) and counts.__setitem__(names[name], counts[names[name]] + 1))
import numpy as np
import tfshim as tf
rng = np.random.default_rng(0)
x = tf.constant(rng.standard_normal((200, 1)).astype(np.float32))
y = x * 3.0 + 2.0 + tf.constant(rng.standard_normal((200, 1)).astype(np.float32)) * 0.1
w, b = tf.Variable(5.0), tf.Variable(0.0)
for _ in range(30):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(x * w + b - y))
    gw, gb = tape.gradient(loss, [w, b])
    w.assign_sub(0.1 * gw)
    b.assign_sub(0.1 * gb)
z = tf.function(lambda t: tf.reduce_sum(tf.sin(t) * w))(x)
values = [repr(float(v)) for v in (loss, w.numpy(), b.numpy(), z)]
print(json.dumps({"values": values, "dir": tf.config.experimental.get_compilation_cache_dir(), **counts}))
"""


def _env(cache_dir: object, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TFSHIM_CACHE", "JAX_COMPILATION_CACHE",
                                                                     "JAX_PERSISTENT_CACHE"))}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu", TFSHIM_CACHE_DIR=str(cache_dir), **extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _start(cache_dir: object, code: str = PROGRAM, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=_env(cache_dir, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> tuple[dict, str]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, out[-3000:] + err[-3000:]
    return json.loads(out.strip().splitlines()[-1]), err


def _run(cache_dir: object, code: str = PROGRAM, **extra: str) -> tuple[dict, str]:
    return _finish(_start(cache_dir, code, **extra))


def _entries(root: Path) -> dict:
    """{path: bytes} of every cache entry under ``root``."""
    return {p: p.read_bytes() for p in sorted(root.glob(f"*/*{cfg._CACHE_SUFFIX}"))}


def _cache_lines(err: str) -> list:
    return [line for line in err.splitlines() if "cache" in line.lower() or "Traceback" in line]


@pytest.fixture(scope="module")
def reference() -> list:
    """The program's numbers without a cache."""
    result, err = _run("off")
    assert result["dir"] is None and result["hits"] == result["writes"] == 0
    return result["values"]


def test_second_process_loads_what_the_first_compiled(tmp_path, reference):
    root = tmp_path / "cache"
    first, err = _run(root)
    assert first["values"] == reference  # identical numbers with and without the cache
    assert first["dir"] is not None and Path(first["dir"]).parent == root
    entries = _entries(root)
    # Every program is written, the smallest eager kernel included (thresholds 0), and only once.
    assert first["hits"] == 0 and first["writes"] == first["requests"] == len(entries) >= 3
    assert not _cache_lines(err)

    second, err = _run(root)
    assert second["values"] == reference
    assert second["hits"] == second["requests"] == len(entries) and second["writes"] == 0  # compiled nothing
    assert _entries(root).keys() == entries.keys()
    assert not _cache_lines(err)


def test_two_processes_fill_one_empty_directory_at_once(tmp_path, reference):
    root = tmp_path / "shared"
    procs = [_start(root) for _ in range(2)]
    results = [_finish(p)[0] for p in procs]
    assert [r["values"] for r in results] == [reference, reference]
    entries = _entries(root)
    assert len(entries) == results[0]["requests"]
    for path, data in entries.items():  # every entry is whole, whichever process wrote it last
        assert cfg._DiskCache._check(path.name[: -len(cfg._CACHE_SUFFIX)], data) is not None, path
    third, _ = _run(root)
    assert third["values"] == reference and third["writes"] == 0 and third["hits"] == third["requests"]


def _refused(path: Path) -> bytes:
    """An intact entry (right checksum) of bytes XLA cannot load, as a bug elsewhere, or XLA refusing what
    it compiled on another CPU, would leave."""
    import zlib

    junk = zlib.compress(b"\0\0\0\1" + b"not an executable" * 10)
    return cfg._CACHE_MAGIC + cfg._DiskCache._digest(path.name[: -len(cfg._CACHE_SUFFIX)], junk) + junk


def _damage(entries: dict) -> None:
    """Damage every entry: truncated, emptied or bytes flipped, and the last one intact but unloadable."""
    for i, (path, data) in enumerate(entries.items()):
        kind = 3 if i == len(entries) - 1 else i % 3
        if kind == 0:
            path.write_bytes(data[: len(data) // 2])
        elif kind == 1:
            path.write_bytes(b"")
        elif kind == 2:
            flipped = bytearray(data)
            for j in range(len(cfg._CACHE_MAGIC) + cfg._CACHE_DIGEST, len(flipped), 97):
                flipped[j] ^= 0xFF
            path.write_bytes(bytes(flipped))
        else:
            path.write_bytes(_refused(path))


def test_damaged_entries_are_ignored_and_rewritten(tmp_path, reference):
    root = tmp_path / "cache"
    first, _ = _run(root)
    good = _entries(root)
    _damage(good)
    damaged = _entries(root)
    assert all(damaged[p] != good[p] for p in good)

    second, err = _run(root)
    assert second["values"] == reference
    assert second["writes"] == len(good)  # all compiled again (each damage is a miss) and written back
    lines = _cache_lines(err)
    assert len(lines) <= 1 and "Traceback" not in err and "Warning" not in err, err  # one log line at most
    rewritten = _entries(root)
    assert rewritten.keys() == good.keys()
    for path, data in rewritten.items():
        assert data != damaged[path] and cfg._DiskCache._check(path.name[: -len(cfg._CACHE_SUFFIX)], data) is not None

    third, err = _run(root)
    assert third["values"] == reference and third["hits"] == len(good) and third["writes"] == 0
    assert not _cache_lines(err)


def test_a_host_where_xla_refuses_cached_programs_stops_using_the_cache(tmp_path, reference):
    """XLA:CPU refuses every entry on some CPUs (jax-ml/jax#38445): after a few, the store stops for a week."""
    root = tmp_path / "cache"
    _run(root)
    entries = _entries(root)
    for path in entries:
        path.write_bytes(_refused(path))
    second, err = _run(root)
    assert second["values"] == reference and len(_cache_lines(err)) <= 1, err
    marker = Path(second["dir"]) / cfg._CACHE_REFUSED_MARKER
    assert marker.exists()
    assert sum(_entries(root)[p] == _refused(p) for p in entries) >= len(entries) - cfg._CACHE_REJECTS_TO_STOP
    third, err = _run(root)
    assert third["values"] == reference and third["dir"] is None and not _cache_lines(err)
    os.utime(marker, (time.time() - 8 * 86400,) * 2)  # a week later it is tried again
    fourth, _ = _run(root)
    assert fourth["dir"] == second["dir"]


def test_unusable_directory_means_no_cache(tmp_path, reference):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result, err = _run(blocker)
    assert result["values"] == reference and result["dir"] is None and result["writes"] == 0
    assert not err.strip(), err
    assert blocker.read_text() == "not a directory"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return  # root writes into read-only directories; test_unwritable_directory_in_process covers it
    ro = tmp_path / "read-only"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        result, err = _run(ro)
    finally:
        ro.chmod(0o700)
    assert result["values"] == reference and result["dir"] is None and not err.strip(), err


def test_default_location_and_env_switch(tmp_path, monkeypatch):
    code = "import tfshim as tf; print(repr(tf.config.experimental.get_compilation_cache_dir()))"
    env = _env("x", XDG_CACHE_HOME=str(tmp_path / "xdg"))
    del env["TFSHIM_CACHE_DIR"]

    def where(env: dict) -> object:
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=120, check=True).stdout
        return eval(out.strip().splitlines()[-1])

    assert Path(where(env)).parent == tmp_path / "xdg" / "tfshim"  # set up at import
    assert where(dict(env, JAX_COMPILATION_CACHE_DIR=str(tmp_path / "jax"))) is None  # JAX's own cache rules
    # The rest of the choice, in this process.
    for k in ("TFSHIM_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cfg._default_cache_root() == tmp_path / "home" / ".cache" / "tfshim"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec ignores relative paths
    assert cfg._default_cache_root() == tmp_path / "home" / ".cache" / "tfshim"
    monkeypatch.setenv("TFSHIM_CACHE_DIR", "~/mine")
    assert cfg._default_cache_root() == tmp_path / "home" / "mine"
    for off in ("off", "", "0", "OFF", "none"):
        monkeypatch.setenv("TFSHIM_CACHE_DIR", off)
        assert cfg._default_cache_root() is None


SWITCH = r"""
import json, sys
import numpy as np
import tfshim as tf
from tfshim._src import config as cfg
out = {"start": tf.config.experimental.get_compilation_cache_dir()}
x = tf.constant(np.arange(6.0, dtype=np.float32))
out["a"] = repr(float(tf.reduce_sum(tf.exp(x))))   # compiled with no cache
out["dir"] = tf.config.experimental.set_compilation_cache_dir(sys.argv[1])
out["b"] = repr(float(tf.reduce_sum(tf.tanh(x))))  # after the first compile: cached
out["n1"] = len(list(cfg.pathlib.Path(out["dir"]).glob("*.xla")))
out["none"] = tf.config.experimental.set_compilation_cache_dir(None)
out["c"] = repr(float(tf.reduce_max(tf.cos(x))))   # off again: not cached
out["n2"] = len(list(cfg.pathlib.Path(out["dir"]).glob("*.xla")))
print(json.dumps(out))
"""


def test_set_at_run_time_after_the_first_compile(tmp_path):
    root = tmp_path / "later"
    proc = subprocess.run([sys.executable, "-c", SWITCH, str(root)], cwd=ROOT, env=_env("off"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["start"] is None and out["none"] is None and Path(out["dir"]).parent == root
    assert out["n1"] >= 1 and out["n2"] == out["n1"]


def test_bounded_size_evicts_old_versions_and_least_recent_first(tmp_path, reference):
    root = tmp_path / "small"
    old = root / f"{cfg._CACHE_SUBDIR_PREFIX}v0-old-jax"
    old.mkdir(parents=True)
    stale = old / f"jit_old-0{cfg._CACHE_SUFFIX}"
    stale.write_bytes(b"x" * 5_000)
    os.utime(stale, (time.time() - 86400, time.time() - 86400))
    bound = 12_000
    result, err = _run(root, TFSHIM_CACHE_MAX_BYTES=str(bound))
    assert result["values"] == reference and not _cache_lines(err)
    sizes = [p.stat().st_size for p in root.glob(f"*/*{cfg._CACHE_SUFFIX}")]
    assert not stale.exists() and 0 < sum(sizes) <= bound
    assert len(sizes) < result["writes"]  # some were evicted


# -- in-process: the store itself, and the API in this process (put back afterwards) ---------------------
@pytest.fixture
def keep_cache():
    saved = cfg._CACHE.cache
    yield
    cfg._install(saved)


def test_store_checks_evicts_and_rewrites(tmp_path):
    sub = tmp_path / f"{cfg._CACHE_SUBDIR_PREFIX}test"
    sub.mkdir()
    store = cfg._DiskCache(sub, tmp_path, max_bytes=3000)
    for i in range(3):
        store.put(f"k{i}", bytes([i]) * 800)
        os.utime(sub / f"k{i}{cfg._CACHE_SUFFIX}", (1000 + i, 1000 + i))
    assert store.get("k0") == b"\0" * 800  # k0 is now the most recently used
    store.put("k3", b"\3" * 800)  # over 3000 bytes: evict down to 90%, least recently used first (k1)
    assert store.get("k1") is None and store.get("k0") is not None and store.get("k3") is not None
    (sub / f"k3{cfg._CACHE_SUFFIX}").write_bytes(b"TFSHIM")  # damaged: a miss, and deleted
    assert store.get("k3") is None and not (sub / f"k3{cfg._CACHE_SUFFIX}").exists()
    store.put("k3", b"\3" * 800)
    assert store.get("k3") == b"\3" * 800
    (sub / "k0.xla").rename(sub / "k9.xla")  # an entry is bound to its key
    assert store.get("k9") is None
    leftover = sub / ".tmp-dead.part"  # a write a killed process left: removed by the next scan once stale
    leftover.write_bytes(b"partial")
    os.utime(leftover, (1000, 1000))
    store._evict()
    assert not leftover.exists()
    assert store.get("x" * 300) is None  # long keys map to a hashed file name
    store.put("x" * 300, b"long")
    assert store.get("x" * 300) == b"long"


def test_unwritable_directory_in_process(tmp_path, monkeypatch, keep_cache):
    assert cfg.set_compilation_cache_dir(tmp_path / "ok") is not None
    assert cfg.get_compilation_cache_dir().startswith(str(tmp_path / "ok"))
    (tmp_path / "file").write_text("")
    assert cfg.set_compilation_cache_dir(tmp_path / "file") is None
    assert cfg.set_compilation_cache_dir(tmp_path / "file" / "below") is None

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cfg.tempfile, "mkstemp", refuse)  # as a read-only directory answers
    assert cfg.set_compilation_cache_dir(tmp_path / "ro") is None
    assert cfg.get_compilation_cache_dir() is None
    monkeypatch.undo()
    store = cfg._open_cache(tmp_path / "gone", 1 << 20)
    import shutil

    shutil.rmtree(tmp_path / "gone")  # removed under a running program: writes are skipped silently
    store.put("k", b"v")
    assert store.get("k") is None


def test_api_checks_arguments(keep_cache):
    with pytest.raises(TypeError):
        cfg.set_compilation_cache_dir(3)
    with pytest.raises(ValueError):
        cfg.set_compilation_cache_dir(None, max_size_bytes=0)
    import tfshim as tf

    assert tf.config.experimental.set_compilation_cache_dir is cfg.set_compilation_cache_dir
    assert "TensorFlow has no" in tf.config.experimental.get_compilation_cache_dir.__doc__
