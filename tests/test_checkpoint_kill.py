"""Nothing lost: processes killed (SIGKILL) at random moments while saving always leave the previous (or the
new) version of every checkpoint and weights file complete and loadable.

Every save path runs at once in each child process, one thread per path, each saving over and over into its
own directory (values ``k * 10 + i`` for save ``k``, so a file mixing two saves shows): CheckpointManager.save
(max_to_keep=2, so its rotation deletes checkpoints too), Checkpoint.save, Checkpoint.write over the same
path (with and without the atomic directory exchange, i.e. through the two-rename window), and
Model.save_weights to ``.npz``, ``.weights.h5`` and a checkpoint prefix, overwriting each time. One SIGKILL
at a random moment then interrupts all of them wherever they are; after each kill every path must load
completely, with the values of one save, no older than what the previous round left, and the state files
must name only complete checkpoints. A restarted process continues from what it finds (restoring the latest
checkpoint where the path has one).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time

import numpy as np

import tfshim

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = 200_000  # floats per variable: saves take long enough for kills to land inside them
LONG = os.environ.get("TFSHIM_CORRUPTION_SWEEP", "").lower() == "full"  # more rounds in the long mode
MODES = ("manager", "ckpt_save", "write", "write_no_exchange", "npz", "weights_h5", "weights_prefix")

CHILD = f"""
import os, sys, threading
sys.path.insert(0, {REPO!r})
import numpy as np
import tfshim as tf
from tfshim._src.train import storage

root, N = sys.argv[1], {N}
real_exchange = storage._exchange
# the "write_no_exchange" thread overwrites through two renames, as on file systems without RENAME_EXCHANGE
storage._exchange = lambda a, b: threading.current_thread().name != "write_no_exchange" and real_exchange(a, b)


def variables():
    return [tf.Variable(np.zeros(N, np.float32)) for _ in range(3)], tf.Variable(np.int64(0))


def fill(vs, step, k):
    step.assign(k)
    for i, v in enumerate(vs):
        v.assign(np.full(N, k * 10 + i, np.float32))


def model():
    m = tf.keras.Sequential([tf.keras.Input((N // 1000,)), tf.keras.layers.Dense(1000)])
    return m


def fill_model(m, k):
    m.weights[0].assign(np.full(m.weights[0].shape, k * 10, np.float32))
    m.weights[1].assign(np.full(m.weights[1].shape, k * 10 + 1, np.float32))


def run(mode, ready):
    d = os.path.join(root, mode)
    if mode in ("manager", "ckpt_save", "write", "write_no_exchange"):
        vs, step = variables()
        ck = tf.train.Checkpoint(vs=vs, step=step)
        if mode == "manager":
            mgr = tf.train.CheckpointManager(ck, d, max_to_keep=2)
            mgr.restore_or_initialize()
            save = mgr.save
        elif mode == "ckpt_save":
            latest = tf.train.latest_checkpoint(d)
            if latest:
                ck.restore(latest)
            save = lambda: ck.save(os.path.join(d, "ckpt"))
        else:
            path = os.path.join(d, "w")
            try:
                ck.read(path)
            except tf.errors.NotFoundError:
                pass
            save = lambda: ck.write(path)
        while True:
            fill(vs, step, int(step.numpy()) + 1)
            save()
            ready.set()
    m = model()
    path = os.path.join(d, {{"npz": "w.npz", "weights_h5": "w.weights.h5", "weights_prefix": "ckpt"}}[mode])
    try:
        m.load_weights(path)
        k = int(m.weights[0].numpy().flat[0]) // 10
    except FileNotFoundError:
        k = 0
    while True:
        k += 1
        fill_model(m, k)
        m.save_weights(path)
        ready.set()


events = []
for mode in {MODES!r}:
    ev = threading.Event()
    events.append(ev)
    threading.Thread(target=run, args=(mode, ev), name=mode, daemon=True).start()
for ev in events:
    ev.wait()
print("ready", flush=True)
threading.Event().wait()
"""


def _check_vars(tf, path: str, numbered: bool) -> int:
    vs = [tf.Variable(np.zeros(N, np.float32)) for _ in range(3)]
    step = tf.Variable(np.int64(0))
    ck = tf.train.Checkpoint(vs=vs, step=step)
    (ck.restore(path) if numbered else ck.read(path)).assert_consumed()
    k = int(step.numpy())
    assert k >= 1, path
    for i, v in enumerate(vs):
        assert np.all(v.numpy() == k * 10 + i), f"{path}: a restored checkpoint mixes values of different saves"
    return k


def _check_model(tf, path: str) -> int:
    m = tf.keras.Sequential([tf.keras.Input((N // 1000,)), tf.keras.layers.Dense(1000)])
    m.load_weights(path)
    k = int(m.weights[0].numpy().flat[0]) // 10
    assert k >= 1, path
    assert np.all(m.weights[0].numpy() == k * 10) and np.all(m.weights[1].numpy() == k * 10 + 1), (
        f"{path}: loaded weights mix values of different saves")
    return k


def _check(d: str) -> dict:
    """The save number each path holds after a kill (every path loads completely, from one save)."""
    tf = tfshim
    out = {}
    for mode in ("manager", "ckpt_save"):
        sub = os.path.join(d, mode)
        latest = tf.train.latest_checkpoint(sub)
        assert latest is not None, f"no restorable checkpoint in {sub}: {os.listdir(sub)}"
        for p in tf.train.get_checkpoint_state(sub).all_model_checkpoint_paths:
            assert tf.train.load_checkpoint(p), f"the state file names a missing checkpoint {p}"
        k = _check_vars(tf, latest, True)
        assert latest.endswith(f"-{k}")
        out[mode] = k
    for mode in ("write", "write_no_exchange"):
        out[mode] = _check_vars(tf, os.path.join(d, mode, "w"), False)
    for mode, name in (("npz", "w.npz"), ("weights_h5", "w.weights.h5"), ("weights_prefix", "ckpt")):
        out[mode] = _check_model(tf, os.path.join(d, mode, name))
    return out


def test_kill_during_every_kind_of_save_leaves_a_complete_version(tmp_path):
    rng = random.Random(1234)
    procs_per_round, rounds = (4, 6) if LONG else (3, 3)
    dirs = [str(tmp_path / f"run{i}") for i in range(procs_per_round)]
    kills, mid_save, last = 0, 0, {}
    env = dict(os.environ, JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=REPO)
    for _ in range(rounds):
        procs = [subprocess.Popen([sys.executable, "-c", CHILD, d], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=env) for d in dirs]

        def kill_later(p: subprocess.Popen, delay: float) -> None:
            line = p.stdout.readline()  # every path has one complete save from this process
            if line.strip() == b"ready":
                time.sleep(delay)
                p.send_signal(signal.SIGKILL)
            p.wait()

        threads = [threading.Thread(target=kill_later, args=(p, rng.uniform(0.0, 1.0))) for p in procs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            assert p.returncode == -signal.SIGKILL, p.stderr.read().decode()[-3000:]
            kills += 1
        for d in dirs:
            for mode in MODES:
                left = [n for n in os.listdir(os.path.join(d, mode)) if ".tmp-" in n or ".old-" in n]
                if left:
                    mid_save += 1
                    print("killed inside a save:", mode, left)
            got = _check(d)
            for mode, k in got.items():
                assert k > last.get((d, mode), 0), f"{mode}: a restart lost progress ({k} after {last.get((d, mode))})"
                last[(d, mode)] = k
    assert kills == procs_per_round * rounds
    assert mid_save >= 1, "no kill landed inside a save; the test would not show anything"
