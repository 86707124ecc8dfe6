"""tf.train.Checkpoint of a tf.data iterator (TF's checkpoint guide: ``iterator=iter(dataset)``): restoring resumes
where the iterator stopped, for the common pipelines, compared with real TF's resume behaviour and values."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim

ROWS = np.arange(80, dtype="f").reshape(40, 2)

# name -> (pipeline builder, whether its element order is TF's: shuffles use another generator)
PIPELINES = {
    "range": (lambda tf: tf.data.Dataset.range(20), True),
    "from_tensor_slices": (lambda tf: tf.data.Dataset.from_tensor_slices((ROWS, np.arange(40))), True),
    "map_batch": (lambda tf: tf.data.Dataset.from_tensor_slices(ROWS).map(lambda x: x * 2 + 1).batch(4), True),
    "batch_drop_remainder": (lambda tf: tf.data.Dataset.range(23).batch(5, drop_remainder=True).repeat(2), True),
    "skip_take_prefetch": (lambda tf: tf.data.Dataset.range(50).skip(3).take(30).batch(3).prefetch(2), True),
    "repeat_map_dict": (lambda tf: tf.data.Dataset.range(6).map(lambda x: {"x": x, "sq": x * x}).repeat(), True),
    "shuffle_seed_repeat": (lambda tf: tf.data.Dataset.range(10).shuffle(5, seed=3).repeat(3), False),
    "shuffle_seed_batch_prefetch": (
        lambda tf: tf.data.Dataset.from_tensor_slices(ROWS).shuffle(40, seed=7).batch(8).repeat(2).prefetch(1),
        False),
    "shuffle_no_seed": (lambda tf: tf.data.Dataset.range(6).shuffle(6).repeat(3), False),
}


def _val(x):
    if isinstance(x, dict):
        return {k: _val(v) for k, v in sorted(x.items())}
    if isinstance(x, tuple):
        return tuple(_val(v) for v in x)
    return np.asarray(x).tolist()


def _take(it, n):
    return [_val(next(it)) for _ in range(n)]


def _resume(lib, make, tmp_path, skip=3, n=5):
    """Read ``skip`` elements, save, read ``n`` more; restore into the same iterator and into a fresh iterator of a
    fresh pipeline; both must give the same ``n`` elements."""
    it = iter(make(lib))
    before = _take(it, skip)
    step = lib.Variable(1)
    ckpt = lib.train.Checkpoint(step=step, iterator=it)
    path = ckpt.write(str(tmp_path / f"{lib.__name__}_ckpt"))
    after = _take(it, n)
    ckpt.read(path)
    same_iterator = _take(it, n)
    it2 = iter(make(lib))
    lib.train.Checkpoint(step=lib.Variable(0), iterator=it2).read(path)
    fresh = _take(it2, n)
    return before, after, same_iterator, fresh


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_iterator_resumes_where_it_stopped(tf_ref, tmp_path, name):
    make, tf_order = PIPELINES[name]
    ref = _resume(tf_ref, make, tmp_path / "tf")
    got = _resume(tfshim, make, tmp_path / "shim")
    # TF's behaviour: restoring (into the same or a new iterator) replays exactly what followed the save. (An
    # unseeded shuffle restored into a NEW pipeline reshuffles later passes with the new pipeline's seeds in TF;
    # tfshim saves the seeds too, so it replays those passes as well.)
    assert ref[2] == ref[1]
    if name != "shuffle_no_seed":
        assert ref[3] == ref[1]
    assert got[2] == got[1], name
    assert got[3] == got[1], name
    if tf_order:
        assert got[0] == ref[0] and got[1] == ref[1]


def test_checkpoint_guide_loop_with_manager(tmp_path, tf_ref):
    """The checkpoint guide's pattern: step, optimizer, net and iterator in one Checkpoint with a manager; after a
    restore the training continues on the batches that followed the save."""
    runs = {}
    for lib in (tf_ref, tfshim):
        def make_all(lib=lib):
            ds = lib.data.Dataset.from_tensor_slices(
                (np.arange(40, dtype="f").reshape(20, 2), np.arange(20, dtype="f")[:, None])).repeat().batch(4)
            net = lib.keras.layers.Dense(1, kernel_initializer="ones")
            opt = lib.keras.optimizers.Adam(0.1)
            it = iter(ds)
            ckpt = lib.train.Checkpoint(step=lib.Variable(1), optimizer=opt, net=net, iterator=it)
            return net, opt, it, ckpt

        def train(net, opt, it, ckpt, steps, lib=lib):
            seen = []
            for _ in range(steps):
                x, y = next(it)
                seen.append(np.asarray(x)[:, 0].tolist())
                with lib.GradientTape() as tape:
                    loss = lib.reduce_mean(lib.abs(net(x) - y))
                grads = tape.gradient(loss, net.trainable_variables)
                opt.apply_gradients(zip(grads, net.trainable_variables))
                ckpt.step.assign_add(1)
            return seen

        d = tmp_path / lib.__name__
        net, opt, it, ckpt = make_all()
        manager = lib.train.CheckpointManager(ckpt, str(d), max_to_keep=3)
        train(net, opt, it, ckpt, 3)
        manager.save()
        cont = train(net, opt, it, ckpt, 4)
        w_cont = [np.asarray(w) for w in net.get_weights()]
        net2, opt2, it2, ckpt2 = make_all()
        net2(np.zeros((1, 2), "f"))
        ckpt2.restore(manager.latest_checkpoint)
        assert int(ckpt2.step) == 4
        resumed = train(net2, opt2, it2, ckpt2, 4)
        assert resumed == cont
        for a, b in zip(net2.get_weights(), w_cont):
            np.testing.assert_allclose(np.asarray(a), b, rtol=1e-6)
        runs[lib.__name__] = (cont, w_cont)
    assert runs["tfshim"][0] == runs["tensorflow"][0]
    for a, b in zip(runs["tfshim"][1], runs["tensorflow"][1]):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_restore_into_a_different_pipeline_is_an_error(tmp_path):
    it = iter(tfshim.data.Dataset.range(10).shuffle(4, seed=1))
    next(it)
    path = tfshim.train.Checkpoint(iterator=it).write(str(tmp_path / "c"))
    other = iter(tfshim.data.Dataset.range(10))
    with pytest.raises((ValueError, tfshim.errors.InvalidArgumentError), match="iterator"):
        tfshim.train.Checkpoint(iterator=other).read(path)
    same_length = iter(tfshim.data.Dataset.range(10).shuffle(4, seed=2))
    tfshim.train.Checkpoint(iterator=same_length).read(path)  # a shuffle with another seed: the saved one wins
    it.__init__(it._ds)
    tfshim.train.Checkpoint(iterator=it).read(path)
    assert [int(next(it)) for _ in range(9)] == [int(next(same_length)) for _ in range(9)]


def test_restore_past_the_end_leaves_an_exhausted_iterator(tmp_path):
    it = iter(tfshim.data.Dataset.range(3))
    _take(it, 3)
    path = tfshim.train.Checkpoint(iterator=it).write(str(tmp_path / "c"))
    it2 = iter(tfshim.data.Dataset.range(2))
    tfshim.train.Checkpoint(iterator=it2).read(path)
    with pytest.raises(StopIteration):
        next(it2)
