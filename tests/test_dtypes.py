"""tf.DType objects and TF's Python → tensor conversion rules, against real TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim
from oracle import assert_same

NAMES = ["float16", "bfloat16", "float32", "float64", "half", "double", "int8", "int16", "int32", "int64", "uint8",
         "uint16", "uint32", "uint64", "bool", "complex64", "complex128", "string"]


def both(tf_ref, program):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            out.append(program(lib))
        except Exception as e:  # noqa: BLE001 - compared
            out.append(e)
    return out


def _same_outcome(ref, got, what):
    if isinstance(ref, Exception) or isinstance(got, Exception):
        assert type(got).__name__ == type(ref).__name__, f"{what}: TF {ref!r} vs tfshim {got!r}"
    else:
        assert got == ref, f"{what}: TF {ref!r} vs tfshim {got!r}"


@pytest.mark.parametrize("name", NAMES)
def test_dtype_properties_match_tf(name, tf_ref):
    r, g = getattr(tf_ref, name), getattr(tfshim, name)
    for attr in ("name", "is_floating", "is_integer", "is_bool", "is_complex", "is_unsigned", "is_numeric",
                 "is_quantized", "as_datatype_enum", "size"):
        _same_outcome(getattr(r, attr), getattr(g, attr), f"{name}.{attr}")
    assert repr(g) == repr(r) and str(g) == str(r)
    assert g.real_dtype.name == r.real_dtype.name and g.base_dtype.name == r.base_dtype.name
    if name != "string":
        assert np.dtype(g.as_numpy_dtype) == np.dtype(r.as_numpy_dtype)
    for attr in ("min", "max", "limits"):
        ref, got = both(tf_ref, lambda lib, a=attr: getattr(getattr(lib, name), a))
        _same_outcome(ref, got, f"{name}.{attr}")


@pytest.mark.parametrize("value", ["float32", "int64", "bool", "double", "half", "float", "int", np.float32, np.int16,
                                   np.dtype("uint8"), np.bool_, np.complex64, 1, 9, float, int, bool, complex,
                                   "floaty", "string", 1000, None, object, [1]])
def test_as_dtype_matches_tf(value, tf_ref):
    ref, got = both(tf_ref, lambda lib: lib.as_dtype(value).name)
    _same_outcome(ref, got, f"as_dtype({value!r})")


def test_dtypes_module_and_equality(tf_ref):
    assert tfshim.dtypes.float32 is tfshim.float32
    assert tfshim.dtypes.as_dtype("int32") is tfshim.int32
    for a, b in [(tfshim.float32, np.float32), (tfshim.float32, "float32"), (tfshim.int32, np.dtype("int32")),
                 (tfshim.float64, tfshim.double)]:
        assert a == b
    assert tfshim.float32 != tfshim.float64 and tfshim.float32 != "float64" and tfshim.float32 != None  # noqa: E711
    ref = [tf_ref.float32 == np.float32, tf_ref.float32 == "float32", tf_ref.int32 == np.int64, tf_ref.bool == bool]  # noqa: E721
    got = [tfshim.float32 == np.float32, tfshim.float32 == "float32", tfshim.int32 == np.int64, tfshim.bool == bool]  # noqa: E721
    assert got == ref
    assert {tfshim.float32: 1}[tfshim.as_dtype("float32")] == 1
    assert tfshim.float32.is_compatible_with(tfshim.float32) and not tfshim.float32.is_compatible_with(tfshim.int32)


# -- conversion rules ---------------------------------------------------------------------------
CONVERSIONS = {
    "py_float": lambda tf: tf.constant(1.5),
    "py_int": lambda tf: tf.constant(3),
    "py_big_int": lambda tf: tf.constant(2**31),
    "py_neg_big_int": lambda tf: tf.constant(-(2**31) - 1),
    "py_too_big": lambda tf: tf.constant(2**63),
    "py_bool": lambda tf: tf.constant(True),
    "py_complex": lambda tf: tf.constant(1 + 2j),
    "nested": lambda tf: tf.constant([[1, 2], [3, 4]]),
    "nested_float": lambda tf: tf.constant([[1, 2.5], [3, 4]]),
    "nested_tuple": lambda tf: tf.constant(((1.0,), (2.0,))),
    "ragged": lambda tf: tf.constant([[1, 2], [3]]),
    "mixed_bool_int": lambda tf: tf.constant([True, 1]),
    "empty_list": lambda tf: tf.constant([]),
    "empty_nested": lambda tf: tf.constant([[], []]),
    "numpy_float64": lambda tf: tf.constant(np.array([1.5, 2.5])),
    "numpy_int64": lambda tf: tf.constant(np.arange(3)),
    "numpy_scalar": lambda tf: tf.constant(np.float64(1.5)),
    "numpy_float16": lambda tf: tf.constant(np.ones(2, np.float16)),
    "numpy_uint16": lambda tf: tf.constant(np.ones(2, np.uint16)),
    "float_to_int_dtype": lambda tf: tf.constant(1.5, dtype=tf.int32),
    "integral_float_to_int_dtype": lambda tf: tf.constant(1.0, dtype=tf.int32),
    "float_list_to_int": lambda tf: tf.convert_to_tensor([1.0, 2.0], dtype=tf.int32),
    "int_to_float_dtype": lambda tf: tf.constant(1, dtype=tf.float32),
    "int_to_float64": lambda tf: tf.constant([1, 2], dtype=tf.float64),
    "int_to_bool": lambda tf: tf.constant(1, dtype=tf.bool),
    "bool_to_int": lambda tf: tf.constant(True, dtype=tf.int32),
    "float_to_bool": lambda tf: tf.constant(1.0, dtype=tf.bool),
    "complex_to_float": lambda tf: tf.constant(1j, dtype=tf.float32),
    "uint8_max": lambda tf: tf.constant(255, tf.uint8),
    "numpy_cast_by_constant": lambda tf: tf.constant(np.array([1.7, -1.2]), dtype=tf.int32),
    "convert_tensor_dtype_mismatch": lambda tf: tf.convert_to_tensor(tf.constant(1.5), dtype=tf.float64),
    "convert_tensor_same_dtype": lambda tf: tf.convert_to_tensor(tf.constant(1.5), dtype=tf.float32),
    "convert_py_with_dtype": lambda tf: tf.convert_to_tensor(2, dtype=tf.float64),
    "convert_dtype_hint": lambda tf: tf.convert_to_tensor(2, dtype_hint=tf.float32),
    "convert_dtype_hint_ignored": lambda tf: tf.convert_to_tensor(2.5, dtype_hint=tf.int32),
    "convert_none": lambda tf: tf.convert_to_tensor(None),
    "convert_object": lambda tf: tf.convert_to_tensor(object()),
    "constant_shape": lambda tf: tf.constant(7, shape=[2, 3]),
    "constant_reshape": lambda tf: tf.constant([1, 2, 3, 4], shape=[2, 2]),
    "constant_bad_shape": lambda tf: tf.constant([1, 2, 3], shape=[2, 2]),
    "constant_of_tensor_cast": lambda tf: tf.constant(tf.constant([1, 2]), dtype=tf.float32),
    "convert_list_of_tensors": lambda tf: tf.convert_to_tensor([tf.constant(1), 2]),
}


@pytest.mark.parametrize("name", sorted(CONVERSIONS))
def test_conversion_matches_tf(name, tf_ref):
    ref, got = both(tf_ref, CONVERSIONS[name])
    assert_same(ref, got, name)


@pytest.mark.parametrize("value", ["abc", b"abc", ["a", "b"], np.array(["x"])])
def test_strings_convert_to_string_tensors(tf_ref, value):
    for fn in ("constant", "convert_to_tensor"):
        got, ref = getattr(tfshim, fn)(value), getattr(tf_ref, fn)(value)
        assert got.dtype == tfshim.string and ref.dtype == tf_ref.string
        assert repr(got) == repr(ref)


def test_no_float64_sneaks_in():
    assert tfshim.constant(0.1).dtype == tfshim.float32
    assert (tfshim.constant([1.0, 2.0]) * 3.0).dtype == tfshim.float32
    assert tfshim.constant([[1.0], [2]]).dtype == tfshim.float32
    assert tfshim.Variable(1.0).dtype == tfshim.float32


def test_as_dtype_of_numpy_dtypes_that_equal_python_types(tf_ref):
    """np.dtype('int64') == int in NumPy: as_dtype must still map the NumPy dtype (TF does), while the
    Python types int and complex stay ambiguous (TypeError in both)."""
    import numpy as np

    import tfshim

    for d in (np.dtype("int64"), np.dtype("complex128"), np.dtype("float64"), np.dtype("int32"), np.dtype("bool")):
        assert tfshim.as_dtype(d).name == tf_ref.as_dtype(d).name
    for t in (int, complex):
        for lib in (tfshim, tf_ref):
            try:
                lib.as_dtype(t)
            except TypeError:
                continue
            raise AssertionError(f"{lib.__name__}.as_dtype({t}) did not raise TypeError")
