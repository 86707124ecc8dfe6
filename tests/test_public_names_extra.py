"""Small tests against real TF for public names that no other test exercises (tests/test_public_names.py)."""

from __future__ import annotations

import numpy as np
from tensorboard.compat.proto import summary_pb2
from tensorboard.util import tensor_util

import tfshim
from tests.test_summary import _both, _same_events


def test_autograph_set_verbosity_returns_none(tf_ref):
    for tf in (tfshim, tf_ref):
        assert tf.autograph.set_verbosity(0) is None


def test_image_resize_method_constants_match_tf(tf_ref):
    for name in ("BILINEAR", "NEAREST_NEIGHBOR", "BICUBIC", "AREA", "LANCZOS3", "LANCZOS5", "GAUSSIAN",
                 "MITCHELLCUBIC"):
        assert getattr(tfshim.image.ResizeMethod, name) == getattr(tf_ref.image.ResizeMethod, name), name
    x = np.arange(16.0, dtype=np.float32).reshape(1, 4, 4, 1)
    got = tfshim.image.resize(x, [2, 2], method=tfshim.image.ResizeMethod.NEAREST_NEIGHBOR)
    want = tf_ref.image.resize(x, [2, 2], method=tf_ref.image.ResizeMethod.NEAREST_NEIGHBOR)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_gfile_get_registered_schemes_has_local_files(tf_ref):
    got, want = tfshim.io.gfile.get_registered_schemes(), tf_ref.io.gfile.get_registered_schemes()
    assert isinstance(got, list) and isinstance(want, list)
    assert {"file", ""} <= set(got) <= set(want)


def test_keras_constraint_base_class(tf_ref):
    for tf in (tfshim, tf_ref):
        class NonNeg(tf.keras.constraints.Constraint):
            def __call__(self, w):
                return tf.maximum(w, 0.0)

        c = NonNeg()
        assert isinstance(c, tf.keras.constraints.Constraint)
        assert isinstance(tf.keras.constraints.NonNeg(), tf.keras.constraints.Constraint)
        np.testing.assert_array_equal(np.asarray(c(tf.constant([-1.0, 2.0]))), [0.0, 2.0])
        assert c.get_config() == {}
        base = tf.keras.constraints.Constraint()
        np.testing.assert_array_equal(np.asarray(base(tf.constant([-1.0, 2.0]))), [-1.0, 2.0])


def test_mixed_precision_set_dtype_policy_matches_tf(tf_ref):
    for tf in (tfshim, tf_ref):
        mp = tf.keras.mixed_precision
        try:
            mp.set_dtype_policy("mixed_float16")
            p = mp.global_policy()
            assert (p.name, p.compute_dtype, p.variable_dtype) == ("mixed_float16", "float16", "float32")
            assert tf.keras.layers.Dense(2).compute_dtype == "float16"
            mp.set_dtype_policy("float32")
            tf.keras.backend.set_floatx("float64")  # a set policy wins over floatx ...
            assert tf.keras.layers.Dense(2)(np.ones((1, 3))).dtype == tf.float32
            tf.keras.backend.clear_session()  # ... until clear_session unsets it
            assert mp.global_policy().name == "float64"
            assert tf.keras.layers.Dense(2)(np.ones((1, 3))).dtype == tf.float64
        finally:
            tf.keras.backend.set_floatx("float32")
            tf.keras.backend.clear_session()
        assert mp.global_policy().name == "float32"


def test_saved_model_options_accepted(tf_ref, tmp_path):
    for tf in (tfshim, tf_ref):
        m = tf.Module()
        m.v = tf.Variable(3.0)
        d = str(tmp_path / tf.__name__)
        so = tf.saved_model.SaveOptions(experimental_custom_gradients=False)
        assert so.experimental_custom_gradients is False
        tf.saved_model.save(m, d, options=so)
        lo = tf.saved_model.LoadOptions(experimental_skip_checkpoint=False)
        assert lo.experimental_skip_checkpoint is False
        assert float(tf.saved_model.load(d, options=lo).v.numpy()) == 3.0


def test_summary_writer_type_scope_trace_off_and_raw_pb(tf_ref, tmp_path):
    value = summary_pb2.Summary.Value(tag="raw_tag", tensor=tensor_util.make_tensor_proto(np.float32([1.5, 2.5])))
    value.metadata.plugin_data.plugin_name = "custom"
    blob = summary_pb2.Summary(value=[value]).SerializeToString()
    tags = {}

    def body(tf, d):
        w = tf.summary.create_file_writer(d)
        assert isinstance(w, tf.summary.SummaryWriter)
        with w.as_default(step=2):
            assert tf.summary.experimental.write_raw_pb(tf.constant(blob), step=4)
            with tf.name_scope("outer"):
                with tf.summary.experimental.summary_scope("lo ss") as (tag, scope):
                    tags[tf.__name__] = (tag, scope)
                    tf.summary.scalar("loss", 0.5)
        tf.summary.trace_on()
        assert tf.summary.trace_off() is None
        w.close()

    got, want = _both(tf_ref, tmp_path, body)
    _same_events(got, want)
    assert tags["tfshim"] == tags[tf_ref.__name__] == ("outer/lo ss", "outer/loss/")


def test_function_types_match_tf(tf_ref):
    for tf in (tfshim, tf_ref):
        f = tf.function(lambda x: x * 2.0)
        assert isinstance(f, tf.types.experimental.PolymorphicFunction)
        cf = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
        assert isinstance(cf, tf.types.experimental.ConcreteFunction)
        assert not isinstance(cf, tf.types.experimental.PolymorphicFunction)
        np.testing.assert_array_equal(cf(tf.constant([1.0, 2.0])).numpy(), [2.0, 4.0])


def test_version_graph_def_constants_match_tf(tf_ref):
    v, w = tfshim.version, tf_ref.version
    assert v.GRAPH_DEF_VERSION_MIN_CONSUMER == w.GRAPH_DEF_VERSION_MIN_CONSUMER
    assert v.GRAPH_DEF_VERSION_MIN_PRODUCER == w.GRAPH_DEF_VERSION_MIN_PRODUCER
    assert isinstance(v.COMPILER_VERSION, str) and isinstance(w.COMPILER_VERSION, str)
    assert "JAX" in v.COMPILER_VERSION  # tfshim names its compiler (JAX), not a C++ compiler
