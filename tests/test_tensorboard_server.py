"""A real TensorBoard server on a loopback port, reading a logdir that tfshim wrote: its HTTP data API must
return tfshim's scalar and histogram series (steps and values)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import numpy as np
import pytest

import tfshim as tf


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, **query) -> object:
    url = f"http://127.0.0.1:{port}{path}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


@pytest.mark.slow
def test_tensorboard_server_serves_tfshim_series(tmp_path):
    logdir = tmp_path / "logs"
    w = tf.summary.create_file_writer(str(logdir / "run1"))
    rng = np.random.RandomState(0)
    samples = [rng.randn(200) * (i + 1) for i in range(4)]
    with w.as_default():
        for step in range(4):
            tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
            tf.summary.histogram("weights", samples[step], step=step)
    w.close()

    port = _free_port()
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host", "127.0.0.1", "--port",
         str(port), "--load_fast", "false", "--reload_interval", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
    )
    try:
        deadline = time.time() + 150
        runs = None
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"tensorboard exited with {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
            try:
                runs = _get(port, "/data/runs")
                if runs:
                    break
            except OSError:
                pass
            time.sleep(1)
        assert runs == ["run1"], runs
        tags = _get(port, "/data/plugin/scalars/tags")
        assert list(tags["run1"]) == ["loss"]
        scalars = _get(port, "/data/plugin/scalars/scalars", run="run1", tag="loss")
        assert [s[1] for s in scalars] == [0, 1, 2, 3]
        np.testing.assert_allclose([s[2] for s in scalars], [1.0, 0.5, 1 / 3, 0.25], rtol=1e-6)
        hist = _get(port, "/data/plugin/histograms/histograms", run="run1", tag="weights")
        assert [h[1] for h in hist] == [0, 1, 2, 3]
        for (_, _, buckets), data in zip(hist, samples):
            buckets = np.asarray(buckets)  # [left, right, count] rows
            assert buckets.shape == (30, 3)
            assert buckets[:, 2].sum() == 200
            np.testing.assert_allclose([buckets[0, 0], buckets[-1, 1]], [data.min(), data.max()], rtol=1e-12)
            counts, _ = np.histogram(data, bins=np.linspace(data.min(), data.max(), 31))
            np.testing.assert_array_equal(buckets[:, 2], counts)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
