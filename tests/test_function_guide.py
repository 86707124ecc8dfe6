"""tf.function details from TF's "Better performance with tf.function" guide, against real TF in this process:
tracing counts, pretty_printed_concrete_signatures, python_function / function_spec, Python side effects versus
tf.print, and the guide's variable-creation rules (ValueError as TF)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import tfshim


def _both(tf_ref):
    return (("tf", tf_ref), ("shim", tfshim))


def test_tracing_counts_and_signatures_match_tf(tf_ref, capsys):
    out = {}
    for key, lib in _both(tf_ref):
        @lib.function
        def double(a):
            print("Tracing")
            return a + a

        vals = [double(lib.constant(1)), double(lib.constant(1.1)), double(lib.constant([1.0, 2.0])),
                double(lib.constant(3)), double(lib.constant([5.0, 6.0]))]
        out[key] = (double.experimental_get_tracing_count(), double.pretty_printed_concrete_signatures(),
                    [np.asarray(v).tolist() for v in vals], capsys.readouterr().out.count("Tracing"))
        assert double.python_function.__name__ == "double"
    assert out["shim"][0] == out["tf"][0] == 3
    assert out["shim"][1] == out["tf"][1]
    for got, ref in zip(out["shim"][2], out["tf"][2]):
        np.testing.assert_allclose(got, ref, rtol=1e-6)
    assert out["shim"][3] == out["tf"][3] == 3


def test_python_values_retrace_and_signature_literals(tf_ref):
    texts, counts = {}, {}
    for key, lib in _both(tf_ref):
        @lib.function
        def f(x, y=2, *, z=lib.constant(1.0)):
            return x * 2

        f(lib.constant([1.0]), 3)
        f(lib.constant([[1.0]]))
        f(lib.constant([[2.0]]))  # same signature: no retrace
        f(lib.constant([1.0]), 4)  # a new Python value: retrace
        texts[key], counts[key] = f.pretty_printed_concrete_signatures(), f.experimental_get_tracing_count()
        assert f.python_function.__code__.co_varnames[:3] == ("x", "y", "z")
        if key == "shim":
            assert list(f.function_spec.parameters) == ["x", "y", "z"]
    assert counts["shim"] == counts["tf"] == 3
    assert texts["shim"] == texts["tf"]


def test_captured_variables_listed(tf_ref):
    texts = {}
    for key, lib in _both(tf_ref):
        v = lib.Variable(2.0)

        @lib.function
        def scale(x):
            return (x * v, lib.shape(x))

        scale(lib.constant([1.0, 2.0]))
        texts[key] = re.sub(r"\d{6,}", "ID", scale.pretty_printed_concrete_signatures())
    assert texts["shim"] == texts["tf"]
    assert "ID: TensorSpec(shape=(), dtype=tf.resource, name=None)" in texts["shim"]


def test_print_traces_once_tf_print_runs_every_call(tf_ref, capfd):
    seen = {}
    for key, lib in _both(tf_ref):
        @lib.function
        def f(x):
            print("Traced with", x)
            lib.print("Executed with", x)

        f(1)
        f(1)
        f(2)
        io = capfd.readouterr()
        seen[key] = (io.out.splitlines(), io.err.splitlines(), f.experimental_get_tracing_count())
    assert seen["shim"][0] == seen["tf"][0] == ["Traced with 1", "Traced with 2"]
    assert [ln for ln in seen["shim"][1] if ln.startswith("Executed")] == \
        [ln for ln in seen["tf"][1] if ln.startswith("Executed")] == ["Executed with 1", "Executed with 1",
                                                                       "Executed with 2"]
    assert seen["shim"][2] == seen["tf"][2] == 2


def test_python_side_effects_happen_at_trace_time(tf_ref, capsys):
    lengths = {}
    for key, lib in _both(tf_ref):
        external_list = []

        @lib.function
        def side_effect(x):
            print("Python side effect")
            external_list.append(x)

        side_effect(1)
        side_effect(1)
        side_effect(1)
        lengths[key] = (len(external_list), capsys.readouterr().out.count("Python side effect"))
    assert lengths["shim"] == lengths["tf"] == (1, 1)


def test_variable_created_on_every_call_is_value_error(tf_ref):
    for key, lib in _both(tf_ref):
        @lib.function
        def f(x):
            v = lib.Variable(1.0)
            return v + x

        with pytest.raises(ValueError, match="singleton tf.Variables created on the first call"):
            f(1.0)
        assert f.experimental_get_tracing_count() == 1, key


def test_variable_created_only_on_first_call_works(tf_ref):
    results = {}
    for key, lib in _both(tf_ref):
        class Count(lib.Module):
            def __init__(self):
                self.count = None

            @lib.function
            def __call__(self):
                if self.count is None:
                    self.count = lib.Variable(0)
                return self.count.assign_add(1)

        c = Count()
        results[key] = ([int(c()), int(c()), int(c())], c.__call__.experimental_get_tracing_count())
    assert results["shim"] == results["tf"]
    assert results["shim"][0] == [1, 2, 3]


def test_variable_created_on_a_later_call_is_value_error(tf_ref):
    for key, lib in _both(tf_ref):
        state = {"make": False}
        holder = {}

        @lib.function
        def f(x):
            if state["make"] and "v" not in holder:
                holder["v"] = lib.Variable(1.0)
            return x + 1

        f(lib.constant(1.0))
        state["make"] = True
        with pytest.raises(ValueError):
            f(lib.constant([1.0, 2.0]))  # a new trace that creates a variable
