"""TF's conversion of NumPy values (issue 17 §3): ``tf.convert_to_tensor(array, dtype=...)`` casts with
NumPy's rules, and an operator or op mixing a tensor with a NumPy array converts the array to the
tensor's dtype (float64 arrays beside float32 tensors give float32), while ``tf.add(np_array, tensor)``
keeps the array's dtype and fails as TF does. Every case runs in real TensorFlow and in tfshim."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tfshim
from oracle import assert_same

F64 = np.array([1.5, 2.0])
I64 = np.array([1, 2])

CASES = {
    "convert f64->f32": lambda t: t.convert_to_tensor(F64, dtype=t.float32),
    "convert f64->f16": lambda t: t.convert_to_tensor(F64, dtype=t.float16),
    "convert f64->bf16": lambda t: t.convert_to_tensor(F64, dtype=t.bfloat16),
    "convert f64->int32 truncates": lambda t: t.convert_to_tensor(F64, dtype=t.int32),
    "convert f32->f64": lambda t: t.convert_to_tensor(F64.astype(np.float32), dtype=t.float64),
    "convert i64->i32": lambda t: t.convert_to_tensor(I64, dtype=t.int32),
    "convert i64 big->i32 wraps": lambda t: t.convert_to_tensor(np.array([1, 2**40 + 3]), dtype=t.int32),
    "convert i64->f32": lambda t: t.convert_to_tensor(I64, dtype=t.float32),
    "convert i64->uint8": lambda t: t.convert_to_tensor(I64, dtype=t.uint8),
    "convert bool->int32": lambda t: t.convert_to_tensor(np.array([True, False]), dtype=t.int32),
    "convert int->bool": lambda t: t.convert_to_tensor(np.array([0, 3]), dtype=t.bool),
    "convert np.float64 scalar->f32": lambda t: t.convert_to_tensor(np.float64(1.5), dtype=t.float32),
    "convert f32->complex64": lambda t: t.convert_to_tensor(F64.astype(np.float32), dtype=t.complex64),
    "convert no dtype keeps f64": lambda t: t.convert_to_tensor(F64),
    "convert hint keeps f64": lambda t: t.convert_to_tensor(F64, dtype_hint=t.float32),
    "convert tensor f64->f32 refused": lambda t: t.convert_to_tensor(t.constant(F64), dtype=t.float32),
    "convert python float->int32 refused": lambda t: t.convert_to_tensor([1.5], dtype=t.int32),
    "tensor f32 + np f64": lambda t: t.constant([1.0, 2.0]) + F64,
    "np f64 + tensor f32": lambda t: F64 + t.constant([1.0, 2.0]),
    "np f64 - tensor f32": lambda t: F64 - t.constant([1.0, 2.0]),
    "tensor i32 + np i64": lambda t: t.constant([1, 2]) + I64,
    "tensor i32 + np i64 big": lambda t: t.constant([1, 2]) + np.array([1, 2**40]),
    "tensor i32 + np f64": lambda t: t.constant([1, 2]) + F64,
    "tensor u8 + np i64 negative": lambda t: t.constant([1, 2], t.uint8) + np.array([1, -2]),
    "tensor f16 * np.float64": lambda t: t.constant([1.0, 2.0], t.float16) * np.float64(2.5),
    "tensor f32 @ np f64": lambda t: t.constant([[1.0, 2.0]]) @ np.ones((2, 1)),
    "np f64 @ tensor f32": lambda t: np.ones((1, 2)) @ t.constant([[1.0], [2.0]]),
    "tensor f32 == np f64": lambda t: t.constant([1.0, 2.0]) == F64,
    "tensor f32 != np f64": lambda t: t.constant([1.0, 2.0]) != F64,
    "np f64 < tensor f32": lambda t: F64 < t.constant([1.0, 2.0]),
    "tensor i32 / np i64": lambda t: t.constant([1, 2]) / np.array([2, 4]),
    "tensor i32 // np i64": lambda t: t.constant([1, 2]) // np.array([2, 4]),
    "tensor bool & np int": lambda t: t.constant([True, False]) & np.array([1, 1]),
    "Variable f32 * np f64": lambda t: t.Variable([1.0, 2.0]) * F64,
    "np f64 * Variable f32": lambda t: F64 * t.Variable([1.0, 2.0]),
    "tf.add tensor f32, np f64": lambda t: t.add(t.constant([1.0, 2.0]), F64),
    "tf.add np f64, tensor f32 refused": lambda t: t.add(F64, t.constant([1.0, 2.0])),
    "tf.matmul np f64, tensor f32 refused": lambda t: t.matmul(np.ones((1, 2)), t.constant([[1.0], [2.0]])),
    "tf.maximum tensor f32, np f64": lambda t: t.maximum(t.constant([1.0, 2.0]), F64),
    "tf.divide tensor f32, np f64": lambda t: t.divide(t.constant([1.0, 2.0]), F64),
    "tf.concat tensor f32, np f64": lambda t: t.concat([t.constant([1.0]), np.array([2.0])], 0),
    "tf.concat np f64, tensor f32": lambda t: t.concat([np.array([2.0]), t.constant([1.0])], 0),
    "tf.stack tensor f32, np f64": lambda t: t.stack([t.constant([1.0]), np.array([2.0])]),
    "tf.where tensor f32, np f64": lambda t: t.where([True, False], t.constant([1.0, 2.0]), F64),
    "tf.reduce_sum np f64": lambda t: t.reduce_sum(F64),
    "Variable.assign np f64": lambda t: t.Variable([1.0, 2.0]).assign(F64),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_numpy_conversion_as_tf(name, tf_ref):
    out = []
    for lib in (tf_ref, tfshim):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(CASES[name](lib))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append(e)
    ref, got = out
    if hasattr(ref, "read_value"):
        ref, got = ref.read_value(), got.read_value()
    assert_same(ref, got, name)


def test_nan_to_int_is_numpy_cast(tf_ref):
    """TF's conversion of a float array to an integer dtype is NumPy's cast (NaN -> INT_MIN on x86)."""
    arr = np.array([np.nan, 1e300, -2.7])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = tf_ref.convert_to_tensor(arr, dtype=tf_ref.int32)
        got = tfshim.convert_to_tensor(arr, dtype=tfshim.int32)
    assert_same(ref, got)
