"""The basics of TensorFlow's eager-execution and tensor guides, run unchanged with real TF and with
tfshim: each section is a function of the library; what it prints (captured) must be identical."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim


def section_eager_basics(tf):
    print(tf.executing_eagerly())
    x = [[2.0]]
    m = tf.matmul(x, x)
    print("hello, {}".format(m))  # noqa: UP032 - the guide formats this way
    print(f"hello, {m}")
    a = tf.constant([[1, 2], [3, 4]])
    print(a)
    print(repr(a))


def section_broadcasting_and_operators(tf):
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.add(a, 1)
    print(b)
    print(a * b)
    print(a + b, a - b, a // b, a % b, -a, abs(-a), a ** 2, sep="\n")
    print(a / b)
    print(a @ b)
    print(a < b, a >= 2, sep="\n")
    x = tf.constant([1, 2, 3])
    y = tf.constant(2)
    z = tf.constant([2, 2, 2])
    print(tf.multiply(x, 2))
    print(x * y)
    print(x * z)
    col = tf.reshape(x, [3, 1])
    row = tf.range(1, 5)
    print(col, "\n")
    print(row, "\n")
    print(tf.multiply(col, row))
    print(tf.broadcast_to(tf.constant([1, 2, 3]), [3, 3]))


def section_numpy_interop(tf):
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.add(a, 1)
    c = np.multiply(a, b)
    print(type(c).__name__)
    print(c)
    print(a.numpy())
    ndarray = np.ones([3, 3])
    tensor = tf.multiply(ndarray, 42)
    print(tensor)
    print(np.add(tensor, 1))
    print(tensor.numpy())
    print(np.array(tf.constant([1.5, 2.5])), np.asarray(tf.constant(3)))


def section_tensors(tf):
    rank_0 = tf.constant(4)
    rank_1 = tf.constant([2.0, 3.0, 4.0])
    rank_2 = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    for t in (rank_0, rank_1, rank_2):
        print(t)
        print(t.dtype, t.shape, t.ndim, tf.size(t).numpy() if hasattr(tf, "size") else t.shape.num_elements())
    rank_3 = tf.constant([[[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]], [[10, 11, 12, 13, 14], [15, 16, 17, 18, 19]],
                          [[20, 21, 22, 23, 24], [25, 26, 27, 28, 29]]])
    print(rank_3)
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.ones([2, 2], dtype=tf.int32)
    print(tf.add(a, b), "\n")
    print(tf.multiply(a, b), "\n")
    print(tf.matmul(a, b), "\n")
    c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
    print(tf.reduce_max(c))
    print(tf.math.argmax(c))
    print(tf.nn.softmax(c))
    print(tf.convert_to_tensor([1, 2, 3]))
    print(tf.reduce_max([1, 2, 3]))
    print(tf.cast(rank_1, dtype=tf.int32), tf.cast(tf.cast(rank_1, tf.float16), tf.uint8))
    print(rank_1[0], rank_1[-1], rank_1[1:], rank_1[::-1], sep="\n")
    print(rank_2[1, 1].numpy(), rank_2[:, 1], rank_2[1:, :], sep="\n")


def fizzbuzz(tf, max_num):
    counter = tf.constant(0)
    max_num = tf.convert_to_tensor(max_num)
    for num in range(1, max_num.numpy() + 1):
        num = tf.constant(num)
        if int(num % 3) == 0 and int(num % 5) == 0:
            print("FizzBuzz")
        elif int(num % 3) == 0:
            print("Fizz")
        elif int(num % 5) == 0:
            print("Buzz")
        else:
            print(num.numpy())
        counter += 1
    print(counter)


def section_control_flow(tf):
    fizzbuzz(tf, 15)


def section_variables(tf):
    v = tf.Variable(1.0)
    print(v)
    v.assign(3.0)
    print(v.numpy())
    v.assign(tf.square(v))
    print(v.numpy())
    print(v + 1.0, v * 2, sep="\n")


SECTIONS = [section_eager_basics, section_broadcasting_and_operators, section_numpy_interop, section_tensors,
            section_control_flow, section_variables]


@pytest.mark.parametrize("section", SECTIONS, ids=lambda f: f.__name__)
def test_guide_section_prints_the_same(section, tf_ref, capsys):
    section(tf_ref)
    ref = capsys.readouterr().out
    section(tfshim)
    got = capsys.readouterr().out
    assert ref.strip(), "the section printed nothing"
    assert got == ref


def test_fizzbuzz_exact_output(capsys):
    fizzbuzz(tfshim, 15)
    out = capsys.readouterr().out.split("\n")
    assert out[:15] == ["1", "2", "Fizz", "4", "Buzz", "Fizz", "7", "8", "Fizz", "Buzz", "11", "Fizz", "13", "14",
                        "FizzBuzz"]
