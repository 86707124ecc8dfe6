"""TensorFlow's exception classes (``tf.errors``).

The class hierarchy and error codes follow TensorFlow: every class derives from
``OpError`` whose constructor takes ``(node_def, op, message)``.
"""

from __future__ import annotations

import errno as _errno
from typing import Any

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


# -- OSError -> TF's class (file system errors of checkpoints, weights and other files) -------------------------
# TF's mapping of errno values to error codes (as its file systems report them); any other errno is UNKNOWN.
_ERRNO_CODES = {
    NOT_FOUND: ("ENOENT", "ENODEV", "ENXIO", "ESRCH"),
    ALREADY_EXISTS: ("EEXIST", "EADDRNOTAVAIL", "EALREADY"),
    PERMISSION_DENIED: ("EPERM", "EACCES", "EROFS"),
    FAILED_PRECONDITION: ("ENOTEMPTY", "EISDIR", "ENOTDIR", "EADDRINUSE", "EBADF", "EBUSY", "ECHILD", "EISCONN",
                          "ENOTBLK", "ENOTCONN", "EPIPE", "ESHUTDOWN", "ETXTBSY"),
    RESOURCE_EXHAUSTED: ("ENOSPC", "EDQUOT", "EMFILE", "EMLINK", "ENFILE", "ENOBUFS", "ENODATA", "ENOMEM", "ENOSR",
                         "EUSERS"),
    INVALID_ARGUMENT: ("EINVAL", "ENAMETOOLONG", "E2BIG", "EDESTADDRREQ", "EDOM", "EFAULT", "EILSEQ", "ENOPROTOOPT",
                       "ENOSTR", "ENOTSOCK", "ENOTTY", "EPROTOTYPE", "ESPIPE"),
    OUT_OF_RANGE: ("EFBIG", "EOVERFLOW", "ERANGE"),
    UNIMPLEMENTED: ("ENOSYS", "ENOTSUP", "EOPNOTSUPP", "EAFNOSUPPORT", "EPFNOSUPPORT", "EPROTONOSUPPORT",
                    "ESOCKTNOSUPPORT", "EXDEV"),
    UNAVAILABLE: ("EAGAIN", "ECONNREFUSED", "ECONNABORTED", "ECONNRESET", "EINTR", "EHOSTDOWN", "EHOSTUNREACH",
                  "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENOLCK", "ENOLINK", "ENONET"),
    DEADLINE_EXCEEDED: ("ETIMEDOUT", "ETIME"),
    ABORTED: ("EDEADLK", "ESTALE"),
    CANCELLED: ("ECANCELED",),
}
_CODE_OF_ERRNO = {getattr(_errno, n): code for code, names in _ERRNO_CODES.items() for n in names if hasattr(_errno, n)}
_CLASS_OF_CODE = {
    cls.error_code: cls
    for cls in (CancelledError, UnknownError, InvalidArgumentError, DeadlineExceededError, NotFoundError,
                AlreadyExistsError, PermissionDeniedError, ResourceExhaustedError, FailedPreconditionError,
                AbortedError, OutOfRangeError, UnimplementedError, UnavailableError)
}
_os_classes: dict = {}  # (TF class, OSError subclass) -> their joint subclass


def _rebuild_os_error(err: Any, message: str, filename: Any) -> OpError:
    return _os_error(err, message, filename)


def _os_error(err: Any, message: str, filename: Any = None) -> OpError:
    tf_cls = _CLASS_OF_CODE.get(_CODE_OF_ERRNO.get(err, UNKNOWN), UnknownError)
    py_cls = type(OSError(err, "")) if isinstance(err, int) else OSError  # FileNotFoundError for ENOENT, ...
    cls = _os_classes.get((tf_cls, py_cls))
    if cls is None:

        def __init__(self: Any, err: Any, message: str, filename: Any = None) -> None:
            OpError.__init__(self, None, None, message)
            OSError.__init__(self, err, message, *(() if filename is None else (filename,)))

        def __reduce__(self: Any) -> tuple:
            return (_rebuild_os_error, (self.errno, self._message, self.filename))

        cls = type(f"{tf_cls.__name__}", (tf_cls, py_cls), {
            "__init__": __init__, "__reduce__": __reduce__, "__module__": "tfshim.errors",
            "__doc__": f"{tf_cls.__doc__} Raised for an operating system error: also a Python {py_cls.__name__}.",
        })
        _os_classes[(tf_cls, py_cls)] = cls
    return cls(err, message, filename)


def from_os_error(e: OSError, message: str) -> OpError:
    """TF's error class for the operating-system error ``e`` (errno mapped as TF's file systems map it).

    The result is an instance of both TF's class (``tf.errors.PermissionDeniedError`` for EACCES,
    ``NotFoundError`` for ENOENT, ``FailedPreconditionError`` for ENOTDIR, ``ResourceExhaustedError``
    for ENOSPC, ...) and the Python class of ``e`` (PermissionError, FileNotFoundError, ...), with
    ``errno`` and ``filename``; its message is ``message`` followed by the system's reason."""
    reason = e.strerror or str(e)
    where = f" ({e.filename})" if getattr(e, "filename", None) is not None else ""
    return _os_error(e.errno, f"{message}: {reason}{where}", getattr(e, "filename", None))


def static(e: OpError, graph_class: type) -> OpError:
    """Mark ``e``, an eager error about static shapes or dtypes, with the class TF raises instead while
    building a graph (``ValueError`` from shape inference, ``TypeError`` from op dtype checks): the owners of
    traced code (tf.function, Dataset.map/filter/reduce) re-raise it as that class via :func:`in_graph`."""
    e._graph_class = graph_class
    return e


def in_graph(e: BaseException) -> BaseException:
    """The exception TF raises for ``e`` inside a traced function: ``e`` itself unless :func:`static` marked it."""
    cls = getattr(e, "_graph_class", None)
    if cls is None:
        return e
    out = cls(str(e))
    out.__cause__ = None
    return out
