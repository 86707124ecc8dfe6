"""tf.test.TestCase and tf.test.main: unittest with TF's array assertions (a small subset)."""

from __future__ import annotations

import contextlib
import re
import unittest
from typing import Any, Iterator

import numpy as np

from .core import errors


def _np(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _np(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and any(hasattr(type(v), "numpy") for v in x):
        return type(x)(_np(v) for v in x)
    if hasattr(x, "numpy") and callable(x.numpy):
        return x.numpy()
    return x


class TestCase(unittest.TestCase):
    """tf.test.TestCase: ``evaluate``, ``assertAllClose``, ``assertAllEqual``, ``assertRaisesOpError``, ...

    Difference from TF: no graph/session helpers (tfshim is eager only).
    """

    def evaluate(self, tensors: Any) -> Any:
        """The NumPy value(s) of tensors (nested structures allowed)."""
        return _np(tensors)

    def assertAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6, msg: Any = None) -> None:  # noqa: N802
        a, b = _np(a), _np(b)
        if isinstance(a, dict):
            self.assertEqual(set(a), set(b), msg)
            for k in a:
                self.assertAllClose(a[k], b[k], rtol, atol, msg)
            return
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol, err_msg=msg or "")

    def assertAllEqual(self, a: Any, b: Any, msg: Any = None) -> None:  # noqa: N802
        a, b = np.asarray(_np(a)), np.asarray(_np(b))
        self.assertEqual(a.shape, b.shape, msg or f"shape mismatch: {a.shape} vs {b.shape}")
        np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllClose(self, a: Any, b: Any, **kwargs: Any) -> None:  # noqa: N802
        try:
            self.assertAllClose(a, b, **kwargs)
        except AssertionError:
            return
        raise AssertionError("The two values are close at all elements.")

    def assertNear(self, f1: float, f2: float, err: float, msg: Any = None) -> None:  # noqa: N802
        self.assertTrue(abs(float(f1) - float(f2)) <= err, msg or f"{f1} != {f2} +/- {err}")

    def assertAllGreater(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        self.assertTrue(np.all(np.asarray(_np(a)) > comparison_target))

    def assertAllLess(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        self.assertTrue(np.all(np.asarray(_np(a)) < comparison_target))

    def assertAllInRange(self, target: Any, lower_bound: Any, upper_bound: Any) -> None:  # noqa: N802
        t = np.asarray(_np(target))
        self.assertTrue(np.all((t >= lower_bound) & (t <= upper_bound)))

    def assertShapeEqual(self, input_a: Any, input_b: Any, msg: Any = None) -> None:  # noqa: N802
        self.assertEqual(tuple(np.shape(_np(input_a))), tuple(np.shape(_np(input_b))), msg)

    def assertDTypeEqual(self, target: Any, expected_dtype: Any) -> None:  # noqa: N802
        self.assertEqual(np.asarray(_np(target)).dtype, np.dtype(expected_dtype))

    @contextlib.contextmanager
    def assertRaisesOpError(self, expected_err_re_or_predicate: Any) -> Iterator[None]:  # noqa: N802
        with self.assertRaises(errors.OpError) as cm:
            yield
        pat = expected_err_re_or_predicate
        if callable(pat):
            self.assertTrue(pat(cm.exception))
        elif not re.search(pat, str(cm.exception)):
            raise AssertionError(f"{pat!r} not found in {cm.exception}")

    def assertRaisesWithPredicateMatch(self, exception_type: Any, expected_err_re_or_predicate: Any):  # noqa: N802
        return self.assertRaisesRegex(exception_type, expected_err_re_or_predicate)


def main(argv: Any = None) -> None:
    """tf.test.main: run the tests of ``__main__`` (unittest.main)."""
    unittest.main(argv=argv)
