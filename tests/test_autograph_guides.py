"""The AutoGraph sections of TF's `function` and `intro_to_graphs` guides (tensorflow/docs, site/en/guide), run
under tfshim and real TF in the same process with the same inputs; results compared."""

from __future__ import annotations

import numpy as np

import tfshim
from tests.oracle import assert_same


def _both(tf_ref, program):
    return program(tf_ref), program(tfshim)


def test_function_guide_simple_loop(tf_ref):
    x0 = np.array([0.9, 0.8, 0.7, 0.95, 0.5], np.float32)

    def program(tf):
        @tf.function
        def f(x):
            while tf.reduce_sum(x) > 1:
                tf.print(x)
                x = tf.tanh(x)
            return x

        code = tf.autograph.to_code(f.python_function)
        assert "while" in code or "while_stmt" in code
        return f(tf.constant(x0))

    ref, got = _both(tf_ref, program)
    assert_same(ref, got, rtol=1e-6)


def test_function_guide_fizzbuzz(tf_ref):
    def program(tf):
        @tf.function
        def fizzbuzz(n):
            out = tf.constant(0)
            for i in tf.range(1, n + 1):
                print("Tracing for loop")
                if i % 15 == 0:
                    print("Tracing fizzbuzz branch")
                    tf.print("fizzbuzz")
                    out += 1000
                elif i % 3 == 0:
                    print("Tracing fizz branch")
                    tf.print("fizz")
                    out += 100
                elif i % 5 == 0:
                    print("Tracing buzz branch")
                    tf.print("buzz")
                    out += 10
                else:
                    print("Tracing default branch")
                    tf.print(i)
                    out += 1
            return out

        return fizzbuzz(tf.constant(5)), fizzbuzz(tf.constant(20)), fizzbuzz.experimental_get_tracing_count()

    ref, got = _both(tf_ref, program)
    assert_same(ref[:2], got[:2])
    assert ref[2] == got[2] == 1


def test_function_guide_loops_over_python_data_and_datasets(tf_ref):
    def program(tf):
        @tf.function
        def train(dataset):
            loss = tf.constant(0)
            for x, y in dataset:
                loss += tf.abs(y - x)  # Some dummy computation.
            return loss

        small_data = [(1, 1)] * 3
        big_data = [(1, 2)] * 10
        return (train(small_data), train(big_data),
                train(tf.data.Dataset.from_generator(lambda: small_data, (tf.int32, tf.int32))),
                train(tf.data.Dataset.from_generator(lambda: big_data, (tf.int32, tf.int32))))

    ref, got = _both(tf_ref, program)
    assert_same(ref, got)


def test_function_guide_dynamic_rnn_tensor_array(tf_ref):
    data = np.random.default_rng(0).uniform(size=(2, 3, 4)).astype(np.float32)

    def program(tf):
        def rnn_step(inp, state):
            return inp + state

        @tf.function
        def dynamic_rnn(rnn_step, input_data, initial_state):
            # [batch, time, features] -> [time, batch, features]
            input_data = tf.transpose(input_data, [1, 0, 2])
            max_seq_len = input_data.shape[0]

            states = tf.TensorArray(tf.float32, size=max_seq_len)
            state = initial_state
            for i in tf.range(max_seq_len):
                state = rnn_step(input_data[i], state)
                states = states.write(i, state)
            return tf.transpose(states.stack(), [1, 0, 2])

        return dynamic_rnn(rnn_step, tf.constant(data), tf.zeros([2, 4]))

    ref, got = _both(tf_ref, program)
    assert_same(ref, got, rtol=1e-6)


def test_function_guide_python_side_effects_in_module(tf_ref):
    def program(tf):
        class Model(tf.Module):
            def __init__(self):
                self.v = tf.Variable(0)
                self.counter = 0

            @tf.function
            def __call__(self):
                if self.counter == 0:
                    # A python side-effect
                    self.counter += 1
                    self.v.assign_add(1)

                return self.v

        m = Model()
        return [int(m().numpy()) for _ in range(3)]

    ref, got = _both(tf_ref, program)
    assert ref == got == [1, 2, 3]


def test_intro_to_graphs_simple_relu_and_power(tf_ref):
    x = np.random.default_rng(1).integers(-1, 2, (10, 10)).astype(np.int32)

    def program(tf):
        def simple_relu(x):
            if tf.greater(x, 0):
                return x
            else:
                return 0

        tf_simple_relu = tf.function(simple_relu)
        code = tf.autograph.to_code(simple_relu)
        assert "def " in code

        def power(x, y):
            result = tf.eye(10, dtype=tf.dtypes.int32)
            for _ in range(y):
                result = tf.matmul(x, result)
            return result

        return (tf_simple_relu(tf.constant(1)), tf_simple_relu(tf.constant(-1)),
                tf.function(power)(tf.constant(x), 5), power(tf.constant(x), 5))

    ref, got = _both(tf_ref, program)
    assert_same(ref, got)
