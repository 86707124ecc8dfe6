"""tf.config and tf.test: device listing, process-wide flags, and build queries.

Flags TF keeps in its runtime live here: ``run_functions_eagerly`` (read by ``tf.function``
through ``functions_run_eagerly()``), soft device placement, per-device memory growth, visible
devices. JAX fixes its devices when it starts, so ``set_visible_devices`` and memory settings are
recorded (and validated as TF does) but do not change where JAX allocates.

Also here, as a tfshim extension TF does not have: the persistent compilation cache (the XLA
programs of a run are kept on disk, so the next process loads them instead of compiling again; see
``set_compilation_cache_dir`` and the end of this file). It is on by default, and set up when this
module is imported, before tfshim compiles anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import pathlib
import platform
import re
import stat
import tempfile
import threading
import time
import warnings
from typing import Any

from .core.device import LogicalDevice, PhysicalDevice, _devices, list_logical_devices, list_physical_devices  # noqa: F401


class _Flags:
    """The mutable tf.config settings, in one object."""

    __slots__ = ("run_eagerly", "soft_placement", "memory_growth", "visible", "determinism", "threads")

    def __init__(self) -> None:
        self.run_eagerly = False
        self.soft_placement = True
        self.memory_growth: dict = {}
        self.visible: dict | None = None  # device_type → list of PhysicalDevice, None = all
        self.determinism = False
        self.threads = {"inter": 0, "intra": 0}  # 0 = let the runtime choose, as TF


FLAGS = _Flags()


def run_functions_eagerly(run_eagerly: bool) -> None:
    """tf.config.run_functions_eagerly: make ``tf.function`` run its Python function eagerly (a debugging aid)."""
    FLAGS.run_eagerly = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """tf.config.functions_run_eagerly: the flag set by ``run_functions_eagerly``."""
    return FLAGS.run_eagerly


def set_soft_device_placement(enabled: bool) -> None:
    """tf.config.set_soft_device_placement (recorded; tfshim always places softly in ``tf.device``)."""
    FLAGS.soft_placement = bool(enabled)


def get_soft_device_placement() -> bool:
    """tf.config.get_soft_device_placement."""
    return FLAGS.soft_placement


def _check_physical(device: Any, fn: str) -> PhysicalDevice:
    if not isinstance(device, PhysicalDevice) or device not in list_physical_devices():
        raise ValueError(f"{fn}: Unrecognized device: {device!r}; pass one of tf.config.list_physical_devices().")
    return device


def set_memory_growth(device: Any, enable: bool) -> None:
    """tf.config.experimental.set_memory_growth: accepted for GPUs (JAX preallocation is set by its own env vars);
    ValueError for other devices, as TF."""
    _check_physical(device, "tf.config.experimental.set_memory_growth")
    if device.device_type != "GPU":
        raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")
    FLAGS.memory_growth[device] = bool(enable)


def get_memory_growth(device: Any) -> bool:
    """tf.config.experimental.get_memory_growth: KeyError for devices that were never configured, as TF."""
    _check_physical(device, "tf.config.experimental.get_memory_growth")
    if device.device_type != "GPU":
        raise KeyError(device)
    return FLAGS.memory_growth.get(device, False)


def set_visible_devices(devices: Any, device_type: Any = None) -> None:
    """tf.config.set_visible_devices: recorded (JAX keeps using every device it started with)."""
    if isinstance(devices, PhysicalDevice):
        devices = [devices]
    devices = [_check_physical(d, "tf.config.set_visible_devices") for d in devices]
    visible = dict(FLAGS.visible) if FLAGS.visible is not None else {}
    kinds = {device_type} if device_type is not None else {d.device_type for d in list_physical_devices()}
    for k in kinds:
        visible[k] = [d for d in devices if d.device_type == k]
    if not visible.get("CPU", True):
        raise ValueError("tf.config.set_visible_devices: the CPU must stay visible.")
    FLAGS.visible = visible


def get_visible_devices(device_type: Any = None) -> list:
    """tf.config.get_visible_devices: every physical device unless ``set_visible_devices`` hid some."""
    out = []
    for d in list_physical_devices(device_type):
        if FLAGS.visible is None or d.device_type not in FLAGS.visible or d in FLAGS.visible[d.device_type]:
            out.append(d)
    return out


def get_logical_device_configuration(device: Any) -> Any:
    """tf.config.get_logical_device_configuration: None (tfshim does not split devices)."""
    _check_physical(device, "tf.config.get_logical_device_configuration")
    return None


def get_device_details(device: Any) -> dict:
    """tf.config.experimental.get_device_details: {} for CPUs, {'device_name': ...} for GPUs."""
    _check_physical(device, "tf.config.experimental.get_device_details")
    if device.device_type != "GPU":
        return {}
    d = _devices("gpu")[int(device.name.rsplit(":", 1)[1])]
    return {"device_name": getattr(d, "device_kind", str(d))}


def enable_op_determinism() -> None:
    """tf.config.experimental.enable_op_determinism (XLA ops are deterministic on CPU; recorded)."""
    FLAGS.determinism = True


def get_inter_op_parallelism_threads() -> int:
    """tf.config.threading.get_inter_op_parallelism_threads (recorded only; XLA picks its own threads)."""
    return FLAGS.threads["inter"]


def set_inter_op_parallelism_threads(num_threads: int) -> None:
    """tf.config.threading.set_inter_op_parallelism_threads (recorded only)."""
    FLAGS.threads["inter"] = int(num_threads)


def get_intra_op_parallelism_threads() -> int:
    """tf.config.threading.get_intra_op_parallelism_threads (recorded only)."""
    return FLAGS.threads["intra"]


def set_intra_op_parallelism_threads(num_threads: int) -> None:
    """tf.config.threading.set_intra_op_parallelism_threads (recorded only)."""
    FLAGS.threads["intra"] = int(num_threads)


# -- tf.test ---------------------------------------------------------------------------------------
def is_built_with_cuda() -> bool:
    """tf.test.is_built_with_cuda: True when JAX has a CUDA backend installed."""
    if any(importlib.util.find_spec(m) is not None for m in ("jax_cuda12_plugin", "jax_cuda13_plugin")):
        return True
    return any(d.platform in ("gpu", "cuda") for d in _devices("gpu"))


def is_built_with_rocm() -> bool:
    """tf.test.is_built_with_rocm: True when JAX has a ROCm backend installed."""
    return importlib.util.find_spec("jax_rocm60_plugin") is not None or any(
        d.platform == "rocm" for d in _devices("gpu"))


def is_built_with_gpu_support() -> bool:
    """tf.test.is_built_with_gpu_support: CUDA or ROCm."""
    return is_built_with_cuda() or is_built_with_rocm()


def is_built_with_xla() -> bool:
    """tf.test.is_built_with_xla: always True (JAX is XLA)."""
    return True


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """tf.test.is_gpu_available (deprecated in TF): whether a GPU (optionally of a minimum capability) exists."""
    gpus = _devices("gpu")
    if cuda_only:
        gpus = [d for d in gpus if d.platform in ("gpu", "cuda")]
    if min_cuda_compute_capability is not None:
        want = tuple(min_cuda_compute_capability)
        gpus = [d for d in gpus if _capability(d) >= want]
    return bool(gpus)


def _capability(d: Any) -> tuple:
    cc = getattr(d, "compute_capability", None)
    if cc is None:
        return (0, 0)
    try:
        return tuple(int(x) for x in str(cc).split("."))
    except ValueError:
        return (0, 0)


def gpu_device_name() -> str:
    """tf.test.gpu_device_name: '/device:GPU:0' when a GPU exists, else ''."""
    return "/device:GPU:0" if _devices("gpu") else ""



# -- the persistent compilation cache (a tfshim extension: TensorFlow has no such cache) -------------
#
# JAX can keep compiled XLA executables on disk; tfshim turns that on by default, with its own store in
# place of JAX's file cache (JAX still computes the keys, serialises and compresses). The store adds what
# tfshim needs from a cache that is on for every user program:
# - every entry carries a checksum of its key and bytes: a damaged or truncated file is a miss (one log
#   line per process), deleted, and rewritten after the recompile; XLA never sees bytes we did not write;
# - writes go to a temporary file that is renamed into place, so processes sharing the directory never
#   read half an entry, and need no lock (JAX's LRU cache needs the ``filelock`` package and a lock file);
# - entries live in a subdirectory named after what JAX's key leaves out (the jax version beside jaxlib's,
#   the host CPU's instruction-set flags, this entry format);
# - the whole directory is bounded (least recently used entries go first, across version subdirectories);
# - any OSError (read-only, full, a file where the directory should be) means "no cache", silently.

_log = logging.getLogger("tfshim")

_CACHE_ENV = "TFSHIM_CACHE_DIR"
_CACHE_MAX_ENV = "TFSHIM_CACHE_MAX_BYTES"
_CACHE_OFF = ("", "0", "off", "none", "no", "false", "disable", "disabled")
_CACHE_DEFAULT_MAX = 1 << 30  # 1 GiB for the whole cache directory (all version subdirectories)
_CACHE_FORMAT = "v1"  # bump when the entry layout below changes
_CACHE_MAGIC = b"TFSHIM-XLA-" + _CACHE_FORMAT.encode() + b"\n"
_CACHE_DIGEST = 16  # bytes of blake2b over key and payload
_CACHE_SUFFIX = ".xla"
_CACHE_SUBDIR_PREFIX = "xla-"
_CACHE_LOW_WATER = 0.9  # evict down to this fraction of the bound
_CACHE_RESCAN_EVERY = 256  # writes between two full scans of the directory's size
_CACHE_REJECTS_TO_STOP = 3  # intact entries XLA refuses (more than it loads) before the store stops
_CACHE_REFUSED_MARKER = "XLA-REFUSES-CACHED-PROGRAMS"
_CACHE_REFUSED_DAYS = 7
# Every compiled program is cached, however small or quick to compile (JAX's defaults keep only programs
# that took >= 1 s): a tfshim eager program compiles one small XLA program per op, shape and dtype, and
# loading one back is several times quicker than compiling it (numbers in README "Compilation cache").
_CACHE_THRESHOLDS = {"jax_persistent_cache_min_compile_time_secs": 0.0,
                     "jax_persistent_cache_min_entry_size_bytes": -1}  # -1: no minimum and no JAX override


def _base_cache_interface() -> type:
    try:
        from jax._src.compilation_cache_interface import CacheInterface
    except ImportError:  # pragma: no cover - a JAX without the interface: the cache stays off
        return object
    return CacheInterface


class _DiskCache(_base_cache_interface()):  # type: ignore[misc]
    """The store behind the persistent compilation cache: one checksummed file per JAX cache key."""

    def __init__(self, path: pathlib.Path, root: pathlib.Path, max_bytes: int) -> None:
        self._path = path  # JAX's CacheInterface names its directory _path
        self._root = root
        self._max = max_bytes
        self._lock = threading.Lock()
        # The key get() last returned in this thread: JAX then loads it, and if XLA refuses it, compiles and
        # put()s that same key next; any other call from the thread means it loaded.
        self._pending = threading.local()
        self._loaded = 0  # entries XLA loaded
        self._rejected = 0  # intact entries XLA refused to load
        self._off = False  # XLA refuses what it wrote on this host: the store stops (see _rejection)
        self._size: int | None = None  # bytes under root: the last scan plus this process's writes
        self._writes = 0
        self._reported = False

    def _file(self, key: str) -> pathlib.Path:
        if len(key) > 200 or not re.fullmatch(r"[A-Za-z0-9_.\-]+", key):
            key = "h-" + hashlib.sha256(key.encode()).hexdigest()
        return self._path / (key + _CACHE_SUFFIX)

    @staticmethod
    def _digest(key: str, value: bytes) -> bytes:
        h = hashlib.blake2b(digest_size=_CACHE_DIGEST)
        h.update(key.encode())
        h.update(b"\0")
        h.update(value)
        return h.digest()

    @classmethod
    def _check(cls, key: str, data: bytes) -> bytes | None:
        """The payload of the file contents ``data`` if they are an intact entry for ``key``, else None."""
        head = len(_CACHE_MAGIC) + _CACHE_DIGEST
        value = data[head:]
        if data[: len(_CACHE_MAGIC)] != _CACHE_MAGIC or data[len(_CACHE_MAGIC) : head] != cls._digest(key, value):
            return None
        return value

    def _damaged(self, what: str) -> None:
        with self._lock:
            first, self._reported = not self._reported, True
        if first:
            _log.warning("tfshim: ignored %s in the compilation cache %s; it is compiled again and rewritten "
                         "(further ones are not reported).", what, self._path)

    def _settle(self, put_key: str | None = None) -> bool:
        """Account for this thread's last served entry; True if ``put_key`` is it (XLA refused it)."""
        last, self._pending.key = getattr(self._pending, "key", None), None
        if last is None:
            return False
        if last == put_key:
            return True
        with self._lock:
            self._loaded += 1
        return False

    def _rejection(self) -> None:
        """XLA refused an intact entry (put() follows): rewritten. If it refuses most of them, as XLA:CPU does on
        some CPUs (jax-ml/jax#38445: features like +prefer-no-gather fail its host check), stop for a week."""
        self._damaged("an entry XLA could not load")
        with self._lock:
            self._rejected += 1
            give_up = not self._off and self._rejected >= _CACHE_REJECTS_TO_STOP and self._rejected > self._loaded
            self._off = self._off or give_up
        if give_up:
            _log.debug("tfshim: XLA refuses cached programs on this host; compilation cache %s off", self._path)
            with contextlib.suppress(OSError):
                (self._path / _CACHE_REFUSED_MARKER).write_text(
                    "XLA refused the programs it cached on this host (e.g. jax-ml/jax#38445); tfshim does not use "
                    "this directory until a week after this file's modification time. Delete it to retry.\n")

    def get(self, key: str) -> bytes | None:
        """The payload stored for ``key``; None when absent, unreadable or damaged (then deleted)."""
        self._settle()
        if self._off:
            return None
        f = self._file(key)
        try:
            data = f.read_bytes()
        except OSError:
            return None
        value = self._check(key, data)
        if value is None:
            self._damaged("a damaged entry")
            with contextlib.suppress(OSError):
                f.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(f)  # the modification time is the recency eviction goes by
        self._pending.key = key
        return value

    def put(self, key: str, value: bytes) -> None:
        """Store ``value`` under ``key`` (atomically: a temporary file renamed into place)."""
        if self._settle(key):  # JAX stores what we just gave it: XLA could not load it
            self._rejection()
        if self._off:
            return
        data = _CACHE_MAGIC + self._digest(key, value) + value
        if len(data) > self._max * _CACHE_LOW_WATER:
            return
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self._path, prefix=".tmp-", suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self._file(key))
            tmp = None
        except OSError as e:
            _log.debug("tfshim: not writing compilation cache entry %s: %s", key, e)
            return
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        with self._lock:
            self._writes += 1
            rescan = self._size is None or self._writes % _CACHE_RESCAN_EVERY == 0
            if not rescan:
                self._size += len(data)
            over = rescan or self._size > self._max
        if over:
            self._evict()

    def clear(self) -> None:
        """Delete this version's entries (JAX's CacheInterface)."""
        for f in self._path.glob("*" + _CACHE_SUFFIX):
            with contextlib.suppress(OSError):
                f.unlink()
        with self._lock:
            self._size = None

    def _entries(self) -> list:
        """(mtime, size, path) of every entry of every version subdirectory; stale temporary files go."""
        out = []
        now = time.time()
        with os.scandir(self._root) as subs:
            dirs = [d.path for d in subs if d.name.startswith(_CACHE_SUBDIR_PREFIX) and d.is_dir()]
        for sub in dirs:
            with contextlib.suppress(OSError), os.scandir(sub) as files:
                for f in files:
                    try:
                        st = f.stat()
                    except OSError:
                        continue
                    if f.name.endswith(_CACHE_SUFFIX):
                        out.append((st.st_mtime, st.st_size, f.path))
                    elif f.name.startswith(".tmp-") and now - st.st_mtime > 3600:  # left by a killed process
                        with contextlib.suppress(OSError):
                            os.unlink(f.path)
        return out

    def _evict(self) -> None:
        """Scan the directory; if it is over the bound, delete the least recently used entries."""
        try:
            entries = self._entries()
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        if total > self._max:
            entries.sort(key=lambda e: e[0])
            target = self._max * _CACHE_LOW_WATER
            for _, size, f in entries:
                if total <= target:
                    break
                with contextlib.suppress(OSError):
                    os.unlink(f)
                total -= size
        with self._lock:
            self._size = total


_CPUINFO_FIELDS = frozenset({"vendor_id", "cpu family", "model", "model name", "flags", "CPU implementer",
                             "CPU architecture", "CPU variant", "CPU part", "Features", "isa", "uarch"})


def _version_subdir() -> str:
    """The subdirectory for this JAX/jaxlib/CPU: what JAX's own cache key does not cover.

    JAX's key (jax/_src/cache_key.py) hashes the program, jaxlib's version, the backend platform and its
    version, XLA_FLAGS/LIBTPU_INIT_ARGS and ``--xla`` arguments, the compile options, the devices'
    topology and the compression. It leaves out jax's own version (it lays out the entries) and the host
    CPU's model and instruction-set features (an executable compiled for AVX-512 must not be offered to a
    machine without it, e.g. with a home directory shared over NFS: XLA:CPU refuses it, with an error log).
    """
    import jax
    from jax._src.lib import version_str as jaxlib_version

    fields = []
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
        for line in f:  # the first processor's model and instruction-set fields (x86, ARM, RISC-V)
            if not line.strip():
                break
            name = line.split(":", 1)[0].strip()
            if name in _CPUINFO_FIELDS:
                fields.append(line.strip())
    cpu = "\n".join(fields) or platform.processor()  # not Linux (platform.processor may run `uname -p`)
    cpu_hash = hashlib.sha256(f"{platform.machine()} {cpu}".encode()).hexdigest()[:12]
    name = (f"{_CACHE_SUBDIR_PREFIX}{_CACHE_FORMAT}-jax{jax.__version__}-jaxlib{jaxlib_version}-"
            f"{platform.machine()}-{cpu_hash}")
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", name)


_JAX_CACHE_SLOTS = ("_cache", "_cache_initialized_mutex", "_cache_initialized", "_cache_checked", "_cache_used")


def _jax_cache_module() -> Any:
    """jax._src.compilation_cache if it has the slots tfshim's store goes into, else None (no cache)."""
    try:
        from jax._src import compilation_cache as cc
    except ImportError:  # pragma: no cover
        return None
    ok = _base_cache_interface() is not object and all(hasattr(cc, a) for a in _JAX_CACHE_SLOTS)
    return cc if ok else None


def _open_cache(root: pathlib.Path, max_bytes: int) -> _DiskCache | None:
    """A store in ``root``'s version subdirectory, or None when it cannot be used (silently)."""
    if _jax_cache_module() is None:  # pragma: no cover - a JAX whose cache internals moved: no cache
        return None
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = root / _version_subdir()
        path.mkdir(mode=0o700, exist_ok=True)
        st = path.stat()
        if not stat.S_ISDIR(st.st_mode):
            return None
        # Cached executables are code: only use a directory that no other user can write to.
        if hasattr(os, "geteuid") and (st.st_uid != os.geteuid() or st.st_mode & 0o022):
            _log.debug("tfshim: not using compilation cache %s: writable by other users", path)
            return None
        with contextlib.suppress(FileNotFoundError):
            if time.time() - (path / _CACHE_REFUSED_MARKER).stat().st_mtime < _CACHE_REFUSED_DAYS * 86400:
                _log.debug("tfshim: not using compilation cache %s: XLA refused its programs here", path)
                return None
        fd, probe = tempfile.mkstemp(dir=path, prefix=".tmp-probe-", suffix=".part")
        os.close(fd)
        os.unlink(probe)
    except (OSError, RuntimeError, ValueError) as e:
        _log.debug("tfshim: no compilation cache in %s: %s", root, e)
        return None
    return _DiskCache(path, root, max_bytes)


class _CacheState:
    __slots__ = ("cache", "saved")

    def __init__(self) -> None:
        self.cache: _DiskCache | None = None
        self.saved: dict | None = None  # JAX's thresholds before tfshim set its own


_CACHE = _CacheState()


def _install(cache: _DiskCache | None) -> None:
    """Make ``cache`` JAX's persistent compilation cache (None: none); effective from the next compile."""
    import jax

    cc = _jax_cache_module()
    if cc is None:  # pragma: no cover - nothing was installed either
        return
    if cache is not None and _CACHE.saved is None:
        _CACHE.saved = {k: getattr(jax.config, k) for k in _CACHE_THRESHOLDS}
        for k, v in _CACHE_THRESHOLDS.items():
            if k.upper() not in os.environ:  # a threshold the user set for JAX stays
                jax.config.update(k, v)
    elif cache is None and _CACHE.saved is not None:
        for k, v in _CACHE.saved.items():
            jax.config.update(k, v)
        _CACHE.saved = None
    with cc._cache_initialized_mutex:
        # JAX builds its cache lazily, once, from jax_compilation_cache_dir. Ours takes that slot (and then
        # JAX must not build its own); None gives the slot back. is_cache_used is asked again next compile.
        cc._cache = cache
        cc._cache_initialized = cache is not None
        cc._cache_checked = False
        cc._cache_used = False
    _CACHE.cache = cache
    if cache is not None:
        # A damaged entry that passed the checksum but XLA cannot load is reported once by us (put), not
        # once per program by JAX's warning.
        warnings.filterwarnings("ignore", message="Error reading persistent compilation cache entry",
                                module=r"jax\._src\.compiler")


def _max_bytes(max_size_bytes: int | None) -> int:
    """The bound: the argument, else ``$TFSHIM_CACHE_MAX_BYTES`` if it is a positive number, else 1 GiB."""
    if max_size_bytes is None:
        env = os.environ.get(_CACHE_MAX_ENV, "").strip()
        return int(env) if env.isdigit() and int(env) > 0 else _CACHE_DEFAULT_MAX
    if isinstance(max_size_bytes, bool) or not isinstance(max_size_bytes, int) or max_size_bytes <= 0:
        raise ValueError(f"max_size_bytes must be a positive int, got {max_size_bytes!r}")
    return max_size_bytes


def set_compilation_cache_dir(path: str | os.PathLike | None, max_size_bytes: int | None = None) -> str | None:
    """tfshim extension (TensorFlow has no persistent compilation cache): where compiled XLA programs are kept.

    tfshim keeps every program it compiles on disk, so the next process that runs the same code loads it
    instead of compiling again. By default the directory is ``$TFSHIM_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/tfshim`` or ``~/.cache/tfshim``; ``TFSHIM_CACHE_DIR=off`` (or empty) turns it off.
    This function changes it at run time, before or after the first compilation (programs compiled
    earlier stay compiled in memory, they are not written): ``None`` turns the cache off.

    Entries go into a subdirectory per jax/jaxlib version and host CPU; the whole directory is kept under
    ``max_size_bytes`` (default ``$TFSHIM_CACHE_MAX_BYTES`` or 1 GiB) by deleting the least recently used
    entries. A damaged entry is ignored and rewritten; a directory that cannot be written (or that other
    users can write to) means no cache, silently. Returns the directory entries are written to, as
    ``get_compilation_cache_dir()``: None when the cache is off or the directory cannot be used.
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"set_compilation_cache_dir: expected a path or None, got {type(path).__name__}")
    limit = _max_bytes(max_size_bytes)
    cache = None
    if path is not None:
        root = pathlib.Path(os.path.abspath(os.path.expanduser(os.fspath(path))))
        cache = _open_cache(root, limit)
    _install(cache)
    return get_compilation_cache_dir()


def get_compilation_cache_dir() -> str | None:
    """tfshim extension (TensorFlow has no persistent compilation cache): the directory compiled programs
    are written to (a version subdirectory of the one configured), or None when the cache is off."""
    return str(_CACHE.cache._path) if _CACHE.cache is not None else None


def _default_cache_root() -> pathlib.Path | None:
    """``$TFSHIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/tfshim`` or ``~/.cache/tfshim``; None when off."""
    env = os.environ.get(_CACHE_ENV)
    if env is not None:
        if env.strip().lower() in _CACHE_OFF:
            return None
        return pathlib.Path(os.path.abspath(os.path.expanduser(env)))
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    try:
        base = pathlib.Path(xdg) if os.path.isabs(xdg) else pathlib.Path.home() / ".cache"
    except (RuntimeError, KeyError):  # no home directory
        return None
    return base / "tfshim"


def _init_compilation_cache() -> None:
    """At import: the default cache, unless the user configured JAX's own cache (then JAX keeps it)."""
    try:
        import jax

        if os.environ.get("JAX_COMPILATION_CACHE_DIR") or jax.config.jax_compilation_cache_dir:
            return
        root = _default_cache_root()
        if root is not None:
            _install(_open_cache(root, _max_bytes(None)))
    except Exception as e:  # pragma: no cover - the cache is an optimisation: never fail the import
        _log.debug("tfshim: compilation cache not set up: %s", e)


_init_compilation_cache()


__all__ = sorted(
    n for n, v in list(globals().items())
    if not n.startswith("_") and n not in ("annotations", "Any") and not isinstance(v, type(os))
)
