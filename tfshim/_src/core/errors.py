"""TensorFlow's exception classes (``tf.errors``).

The class hierarchy and error codes follow TensorFlow: every class derives from
``OpError`` whose constructor takes ``(node_def, op, message)``.
"""

from __future__ import annotations

OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """tf.errors.OpError: the base class of errors raised by TensorFlow ops."""

    error_code = UNKNOWN

    def __init__(self, node_def=None, op=None, message: str = "", *args):
        super().__init__(message)
        self._node_def = node_def
        self._op = op
        self._message = message

    @property
    def message(self) -> str:
        return self._message

    @property
    def op(self):
        return self._op

    @property
    def node_def(self):
        return self._node_def

    def __str__(self) -> str:
        return self._message

    def __reduce__(self):
        return (type(self), (self._node_def, self._op, self._message))


def _make(name: str, code: int, doc: str) -> type:
    cls = type(name, (OpError,), {"error_code": code, "__doc__": f"tf.errors.{name}: {doc}"})
    cls.__module__ = "tfshim.errors"
    return cls


CancelledError = _make("CancelledError", CANCELLED, "an operation was cancelled.")
UnknownError = _make("UnknownError", UNKNOWN, "an unknown error.")
InvalidArgumentError = _make("InvalidArgumentError", INVALID_ARGUMENT, "an op received an invalid argument.")
DeadlineExceededError = _make("DeadlineExceededError", DEADLINE_EXCEEDED, "a deadline expired.")
NotFoundError = _make("NotFoundError", NOT_FOUND, "a requested entity was not found.")
AlreadyExistsError = _make("AlreadyExistsError", ALREADY_EXISTS, "an entity already exists.")
PermissionDeniedError = _make("PermissionDeniedError", PERMISSION_DENIED, "permission denied.")
ResourceExhaustedError = _make("ResourceExhaustedError", RESOURCE_EXHAUSTED, "a resource is exhausted.")
FailedPreconditionError = _make(
    "FailedPreconditionError", FAILED_PRECONDITION, "the system is not in a state to run the op."
)
AbortedError = _make("AbortedError", ABORTED, "an operation was aborted.")
OutOfRangeError = _make("OutOfRangeError", OUT_OF_RANGE, "an operation iterated past the valid range.")
UnimplementedError = _make("UnimplementedError", UNIMPLEMENTED, "an operation is not implemented.")
InternalError = _make("InternalError", INTERNAL, "an internal invariant was broken.")
UnavailableError = _make("UnavailableError", UNAVAILABLE, "the runtime is unavailable.")
DataLossError = _make("DataLossError", DATA_LOSS, "unrecoverable data loss.")
UnauthenticatedError = _make("UnauthenticatedError", UNAUTHENTICATED, "the request is unauthenticated.")

__all__ = [n for n in dir() if n.endswith("Error") or n.isupper()]
