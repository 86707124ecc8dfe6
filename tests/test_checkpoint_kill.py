"""Nothing lost: processes killed (SIGKILL) at random moments while saving always leave the latest
checkpoint complete and restorable, and the state file naming only complete checkpoints."""

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
N = 300_000  # floats per variable: saves take long enough for kills to land inside them

CHILD = f"""
import sys
sys.path.insert(0, {REPO!r})
import numpy as np
import tfshim as tf
d = sys.argv[1]
vs = [tf.Variable(np.zeros({N}, np.float32)) for _ in range(3)]
step = tf.Variable(np.int64(0))
ck = tf.train.Checkpoint(vs=vs, step=step)
mgr = tf.train.CheckpointManager(ck, d, max_to_keep=2)
mgr.restore_or_initialize()
first = True
while True:
    k = int(step.numpy()) + 1
    step.assign(k)
    for i, v in enumerate(vs):
        v.assign(np.full({N}, k * 10 + i, np.float32))
    mgr.save()
    if first:
        print("ready", flush=True)
        first = False
"""


def _check(d: str) -> int:
    tf = tfshim
    latest = tf.train.latest_checkpoint(d)
    assert latest is not None, f"no restorable checkpoint in {d}: {os.listdir(d)}"
    st = tf.train.get_checkpoint_state(d)
    for p in st.all_model_checkpoint_paths:
        assert os.path.isdir(p), f"state file names a missing checkpoint {p}"
    vs = [tf.Variable(np.zeros(N, np.float32)) for _ in range(3)]
    step = tf.Variable(np.int64(0))
    tf.train.Checkpoint(vs=vs, step=step).restore(latest).assert_consumed()
    k = int(step.numpy())
    assert k >= 1 and latest.endswith(f"-{k}")
    for i, v in enumerate(vs):
        assert np.all(v.numpy() == k * 10 + i), "a restored checkpoint mixes values of different saves"
    return k


def test_kill_during_save_leaves_latest_checkpoint_restorable(tmp_path):
    rng = random.Random(1234)
    procs_per_round, rounds = 7, 3
    dirs = [str(tmp_path / f"run{i}") for i in range(procs_per_round)]
    kills, mid_save, last_step = 0, 0, {}
    env = dict(os.environ, JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    for _ in range(rounds):
        procs = [subprocess.Popen([sys.executable, "-c", CHILD, d], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env) for d in dirs]

        def kill_later(p: subprocess.Popen, delay: float) -> None:
            line = p.stdout.readline()  # the first save of this process is complete
            assert line.strip() == b"ready", "the saving process died"
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()

        threads = [threading.Thread(target=kill_later, args=(p, rng.uniform(0.0, 0.6))) for p in procs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            assert p.returncode == -signal.SIGKILL
            kills += 1
        for d in dirs:
            if any(".orbax-checkpoint-tmp" in n or ".tmp-" in n for n in os.listdir(d)):
                mid_save += 1
            k = _check(d)
            assert k > last_step.get(d, 0), "a restart lost progress"
            last_step[d] = k
    assert kills >= 20
    assert mid_save >= 1, "no kill landed inside a save; the test would not show anything"
