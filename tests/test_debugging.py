"""tf.debugging assertions and tf.print against real TensorFlow (same error classes, same printed text)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import tfshim
from oracle import assert_same

nan, inf = float("nan"), float("inf")


def both(tf_ref, program):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(program(lib))
        except Exception as e:  # noqa: BLE001 - compared
            out.append(e)
    return out


# Each program returns None, a tensor, or raises; TF and tfshim must agree (error class, or value).
PROGRAMS = {
    "equal_ok": lambda tf: tf.debugging.assert_equal([1, 2], [1, 2]),
    "equal_bad": lambda tf: tf.debugging.assert_equal([1, 2], [1, 3], message="hi"),
    "equal_top_level": lambda tf: tf.assert_equal(1, 2),
    "equal_broadcast": lambda tf: tf.debugging.assert_equal([[1, 1]], 1),
    "equal_shapes": lambda tf: tf.debugging.assert_equal([1, 2], [1, 2, 3]),
    "equal_dtypes": lambda tf: tf.debugging.assert_equal(tf.constant([1]), tf.constant([1.0])),
    "equal_py_int_float": lambda tf: tf.debugging.assert_equal(1, 1.0),
    "equal_empty": lambda tf: tf.debugging.assert_equal(tf.zeros([0]), tf.zeros([0])),
    "equal_none": lambda tf: tf.debugging.assert_equal(None, 1),
    "none_equal": lambda tf: tf.debugging.assert_none_equal(1, 1),
    "near_ok": lambda tf: tf.debugging.assert_near(1.0, 1.0 + 1e-7),
    "near_bad": lambda tf: tf.debugging.assert_near([1.0, 2.0], [1.0, 2.5], message="m"),
    "near_atol": lambda tf: tf.debugging.assert_near(1.0, 1.05, atol=0.1),
    "near_rtol": lambda tf: tf.debugging.assert_near(1.0, 1.05, rtol=0.1),
    "near_int": lambda tf: tf.debugging.assert_near(1, 1),
    "near_nan": lambda tf: tf.debugging.assert_near(nan, nan),
    "near_dtype": lambda tf: tf.debugging.assert_near(tf.constant(1.0), tf.constant(1.0, tf.float64)),
    "less_ok": lambda tf: tf.assert_less(1, 2),
    "less_bad": lambda tf: tf.debugging.assert_less([1, 3], 2),
    "less_empty": lambda tf: tf.debugging.assert_less(tf.zeros([0]), 2.0),
    "less_equal": lambda tf: tf.debugging.assert_less_equal(3, 2),
    "greater": lambda tf: tf.assert_greater(1, 2),
    "greater_equal": lambda tf: tf.debugging.assert_greater_equal(1, 2),
    "rank_ok": lambda tf: tf.debugging.assert_rank([1, 2], 1),
    "rank_bad": lambda tf: tf.assert_rank([1, 2], 2),
    "rank_tensor": lambda tf: tf.debugging.assert_rank([1, 2], tf.constant(2)),
    "rank_float": lambda tf: tf.debugging.assert_rank([1], 1.5),
    "rank_at_least": lambda tf: tf.debugging.assert_rank_at_least(tf.constant(1.0), 1),
    "rank_in": lambda tf: tf.debugging.assert_rank_in(tf.constant([1]), [0, 2]),
    "scalar": lambda tf: tf.debugging.assert_scalar(tf.constant([1.0])),
    "non_negative": lambda tf: tf.debugging.assert_non_negative([-1, 2]),
    "non_negative_ok": lambda tf: tf.debugging.assert_non_negative([0.0, 2.0]),
    "positive": lambda tf: tf.debugging.assert_positive([0, 2]),
    "positive_ok": lambda tf: tf.debugging.assert_positive([1, 2]),
    "negative": lambda tf: tf.debugging.assert_negative([1]),
    "non_positive": lambda tf: tf.debugging.assert_non_positive([1]),
    "type_ok": lambda tf: tf.debugging.assert_type(tf.constant(1), tf.int32),
    "type_bad": lambda tf: tf.debugging.assert_type(tf.constant(1), tf.float32, message="m"),
    "type_numpy": lambda tf: tf.debugging.assert_type(tf.constant(1.0), np.float32),
    "integer": lambda tf: tf.debugging.assert_integer(tf.constant(1.0)),
    "numerics_ok": lambda tf: tf.debugging.check_numerics(tf.constant([1.0, 2.0]), "msg"),
    "numerics_nan": lambda tf: tf.debugging.check_numerics(tf.constant([1.0, nan]), "msg"),
    "numerics_inf": lambda tf: tf.debugging.check_numerics(tf.constant([inf], tf.float64), "msg"),
    "numerics_int": lambda tf: tf.debugging.check_numerics(tf.constant([1, 2]), "msg"),
    "all_finite": lambda tf: tf.debugging.assert_all_finite(tf.constant([-inf]), "msg"),
    "all_finite_ok": lambda tf: tf.debugging.assert_all_finite(tf.constant([1.0]), "msg"),
    "Assert": lambda tf: tf.Assert(False, ["x is", tf.constant([1, 2])]),
    "Assert_ok": lambda tf: tf.debugging.Assert(tf.constant(True), ["x"]),
    "proper_iterable": lambda tf: tf.debugging.assert_proper_iterable(tf.constant([1])),
    "is_numeric": lambda tf: tf.debugging.is_numeric_tensor(tf.constant(1.0)),
    "shapes_ok": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", 3)), (tf.zeros([2]), ("N",))]),
    "shapes_symbol": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", 3)), (tf.zeros([4]), ("N",))]),
    "shapes_explicit": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", 4))], message="hello"),
    "shapes_rank": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N",))]),
    "shapes_same_symbol": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N", "N"))]),
    "shapes_scalar_vs_1d": lambda tf: tf.debugging.assert_shapes([(tf.zeros([]), ("N",))]),
    "shapes_scalar_vs_3": lambda tf: tf.debugging.assert_shapes([(tf.zeros([]), (3,))]),
    "shapes_prefix": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3, 4]), ("*", "N", 4)),
                                                             (tf.zeros([3]), ("N",))]),
    "shapes_ellipsis": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3, 4]), (Ellipsis, 4))]),
    "shapes_prefix_too_long": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("*", 5, 2, 3))]),
    "shapes_dots_is_a_symbol": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3, 4]), ("...", 4))]),
    "shapes_string_spec": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), "NM")]),
    "shapes_tensorshape": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), tf.TensorShape([2, 3]))]),
    "shapes_none_dim": lambda tf: tf.debugging.assert_shapes([(tf.zeros([2, 3]), (None, 3))]),
    "shapes_list_input": lambda tf: tf.debugging.assert_shapes([([1, 2], ("N",))]),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_matches_tf(name, tf_ref):
    ref, got = both(tf_ref, PROGRAMS[name])
    assert_same(ref, got, name)


def test_messages_carry_the_important_parts():
    with pytest.raises(tfshim.errors.InvalidArgumentError, match="(?s)hi.*Condition x == y did not hold"):
        tfshim.debugging.assert_equal([1, 2], [1, 3], message="hi")
    with pytest.raises(tfshim.errors.InvalidArgumentError, match="msg : Tensor had NaN values"):
        tfshim.debugging.check_numerics(tfshim.constant([nan]), "msg")
    with pytest.raises(tfshim.errors.InvalidArgumentError, match="Tensor had Inf and NaN values"):
        tfshim.debugging.check_numerics(tfshim.constant([inf, nan]), "m")
    with pytest.raises(ValueError, match="must have rank 2.  Received rank 1"):
        tfshim.debugging.assert_rank([1, 2], 2)
    with pytest.raises(ValueError, match="dimension 0 must have size 2.  Received size 4"):
        tfshim.debugging.assert_shapes([(tfshim.zeros([2, 3]), ("N", 3)), (tfshim.zeros([4]), ("N",))])


def test_check_numerics_passes_gradients(tf_ref):
    out = []
    for lib in (tf_ref, tfshim):
        x = lib.constant([1.0, 2.0])
        with lib.GradientTape() as tape:
            tape.watch(x)
            y = lib.debugging.check_numerics(x * x, "m")
        out.append(tape.gradient(y, x))
    assert_same(out[0], out[1], "check_numerics gradient")


# -- tf.print ---------------------------------------------------------------------------------
def _print_program(tf):
    P = tf.print  # noqa: N806
    out = sys.stdout
    P(tf.constant([1, 2, 3]), output_stream=out)
    P(tf.range(10), output_stream=out)
    P(tf.range(10), summarize=2, output_stream=out)
    P(tf.range(10), summarize=-1, output_stream=out)
    P(tf.range(10), summarize=None, output_stream=out)
    P(tf.range(3), summarize=0, output_stream=out)
    P(tf.range(7), output_stream=out)
    P(tf.range(6), output_stream=out)
    P(tf.constant([1.0, 2.5, 1 / 3, 1e10, 1e-7, nan, inf, -inf, -0.0, 100.0, 123456789.0]), summarize=-1,
      output_stream=out)
    P(tf.constant([1.0, 2.5, 1 / 3, 1e10, 1e-7, 0.1, 1e100, 1e16], tf.float64), summarize=-1, output_stream=out)
    P(tf.constant([123456.789, 1234567.0, 0.000123456, 1e-5, 2.0**70]), summarize=-1, output_stream=out)
    P(tf.constant([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]), output_stream=out)
    P(tf.reshape(tf.range(24), [2, 3, 4]), output_stream=out)
    P(tf.reshape(tf.range(80), [2, 5, 8]), output_stream=out)
    P(tf.reshape(tf.range(100), [10, 10]), output_stream=out)
    P(tf.reshape(tf.range(100), [10, 10]), summarize=1, output_stream=out)
    P(tf.reshape(tf.range(60), [10, 2, 3]), output_stream=out)
    P(tf.constant(3.0), tf.constant(True), tf.constant([True, False]), tf.constant(-7), output_stream=out)
    P("hello", 1, 2.5, [1, 2], {"a": tf.constant(1)}, (tf.constant(1.5), "x"), None, output_stream=out)
    P("a", "b", sep=",", end="!\n", output_stream=out)
    P(tf.constant(1.5, tf.float16), tf.constant(2, tf.int64), tf.constant(2, tf.uint8), output_stream=out)
    P(tf.constant([0.1, 0.2], tf.bfloat16), output_stream=out)
    P(tf.zeros([0]), tf.zeros([2, 0]), tf.zeros([0, 2]), tf.zeros([2, 0, 3]), output_stream=out)
    P([tf.constant([1, 2]), tf.constant(3)], [[tf.constant(1.0)]], {"x": [tf.constant([1, 2])]}, ("a",),
      output_stream=out)
    P(tf.constant([1 + 2j]), output_stream=out)
    P(tf.Variable([1.0, 2.0]), output_stream=out)
    P(np.array([1, 2]), np.float32(1.5), {"b": 1, "a": 2}, output_stream=out)
    P(tf.constant([[1.5]]), tf.zeros([1, 3]), output_stream=out)
    P(output_stream=out)
    P(tf.constant(1), end="", output_stream=out)
    P("|", output_stream=out)


def test_print_matches_tf_stdout(tf_ref, capfd):
    _print_program(tf_ref)
    sys.stdout.flush()
    ref = capfd.readouterr().out
    _print_program(tfshim)
    got = capfd.readouterr().out
    assert ref.count("\n") > 40
    assert got == ref


def test_print_default_stream_is_stderr(tf_ref, capfd):
    tf_ref.print("to stderr", tf_ref.constant([1, 2]))
    ref = capfd.readouterr()
    tfshim.print("to stderr", tfshim.constant([1, 2]))
    got = capfd.readouterr()
    assert (got.out, got.err) == (ref.out, ref.err) == ("", "to stderr [1 2]\n")


def test_print_to_file(tf_ref, tmp_path):
    for lib, name in ((tf_ref, "tf.txt"), (tfshim, "shim.txt")):
        lib.print("x", lib.constant([1.5]), output_stream=f"file://{tmp_path / name}")
    assert (tmp_path / "shim.txt").read_text() == (tmp_path / "tf.txt").read_text() == "x [1.5]\n"


@pytest.mark.parametrize("stream", ["stdout", "stderr", 5, print])
def test_print_bad_streams_raise_like_tf(stream, tf_ref):
    ref, got = both(tf_ref, lambda tf: tf.print("x", output_stream=stream))
    assert_same(ref, got, f"tf.print(output_stream={stream!r})")


def test_print_unknown_kwarg(tf_ref):
    ref, got = both(tf_ref, lambda tf: tf.print("x", foo=1))
    assert_same(ref, got, "tf.print(foo=1)")


def test_print_returns_none(capfd):
    assert tfshim.print("x") is None
