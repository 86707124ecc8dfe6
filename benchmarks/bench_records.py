"""Records and text benchmarks (issue 19): tfshim vs real TensorFlow in one process, same files.

1. ``TFRecordDataset(file).batch(B).map(parse_example)`` over N ``tf.train.Example`` records (an int64 label,
   10 floats, a bytes id and a variable-length int64 list per record), written once by TF.
2. A text pipeline: ``TextLineDataset(file).batch(B).map(lower → split → to_hash_bucket_fast)`` over N lines.

Prints records (lines) per second for each library and the ratio tfshim/TF (higher is better for tfshim).
Run: ``python benchmarks/bench_records.py [--n 100000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tensorflow as tf  # noqa: E402

import tfshim as shim  # noqa: E402

WORDS = ("The Quick brown FOX jumps over the lazy dog while TensorFlow and JAX compile kernels for "
         "accelerators in Parallel on many Cores").split()


def write_examples(path: str, n: int) -> None:
    rng = random.Random(0)
    with tf.io.TFRecordWriter(path) as w:
        for i in range(n):
            ex = tf.train.Example(features=tf.train.Features(feature={
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 10])),
                "x": tf.train.Feature(float_list=tf.train.FloatList(value=[rng.random() for _ in range(10)])),
                "id": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"id%07d" % i])),
                "tokens": tf.train.Feature(int64_list=tf.train.Int64List(
                    value=[rng.randrange(1000) for _ in range(rng.randrange(1, 9))])),
            }))
            w.write(ex.SerializeToString())


def write_text(path: str, n: int) -> None:
    rng = random.Random(1)
    with open(path, "w") as f:
        for _ in range(n):
            f.write(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 15))) + "\n")


def spec(lib):
    return {"label": lib.io.FixedLenFeature([], lib.int64), "x": lib.io.FixedLenFeature([10], lib.float32),
            "id": lib.io.FixedLenFeature([], lib.string), "tokens": lib.io.VarLenFeature(lib.int64)}


def parse_pipeline(lib, path: str, batch: int):
    s = spec(lib)
    return lib.data.TFRecordDataset(path).batch(batch).map(lambda r: lib.io.parse_example(r, s))


def text_pipeline(lib, path: str, batch: int):
    def f(lines):
        return lib.strings.to_hash_bucket_fast(lib.strings.split(lib.strings.lower(lines)), 1000)

    return lib.data.TextLineDataset(path).batch(batch).map(f)


def run(ds) -> int:
    n = 0
    for el in ds:
        v = el["label"] if isinstance(el, dict) else el
        n += int(v.shape[0]) if hasattr(v, "shape") and v.shape.rank else len(v)
    return n


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="tfshim_bench_records_")
    rec, txt = os.path.join(d, "ex.tfrecord"), os.path.join(d, "lines.txt")
    write_examples(rec, a.n)
    write_text(txt, a.n)
    rows = []
    for name, make, path in (("TFRecordDataset → parse_example", parse_pipeline, rec),
                             ("TextLineDataset → lower → split → hash", text_pipeline, txt)):
        counts = {}
        secs = {}
        for lib_name, lib in (("tfshim", shim), ("tensorflow", tf)):
            counts[lib_name] = run(make(lib, path, a.batch))  # warm-up, and the element count
            secs[lib_name] = best(lambda lib=lib, make=make, path=path: run(make(lib, path, a.batch)), a.repeat)
        assert counts["tfshim"] == counts["tensorflow"] == a.n, counts
        rate = {k: a.n / v for k, v in secs.items()}
        rows.append((name, rate["tfshim"], rate["tensorflow"], rate["tfshim"] / rate["tensorflow"]))
    print(f"{a.n} records, batch {a.batch}, best of {a.repeat}")
    print("| workload | tfshim rec/s | TF rec/s | tfshim/TF throughput |")
    print("|---|---:|---:|---:|")
    for name, r_s, r_t, ratio in rows:
        print(f"| {name} | {r_s:,.0f} | {r_t:,.0f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
