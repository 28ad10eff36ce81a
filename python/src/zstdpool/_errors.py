"""The package's exceptions.

Every failed library call raises a :class:`ZstdpoolError` carrying the library's status and
message. Its subclasses also derive from the built-in exception a Python user expects
(as the original ``lhcbdirac_log`` pool raised them): bad arguments and configurations are
``ValueError`` s, a stopped pool or a call that would deadlock a ``RuntimeError``, a timeout a
``TimeoutError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Type, Union

from ._capi import Status

if TYPE_CHECKING:
    from ._pool import Rejection


def status_of(code: int) -> Union[Status, int]:
    """A Status, or the plain int for a code this package does not know yet."""
    try:
        return Status(code)
    except ValueError:
        return code


class ZstdpoolError(Exception):
    """A failed zstdpool call: ``status`` (a :class:`Status`) and the library's ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(status, message)
        self.status = status_of(int(status))
        self.message = message

    def __str__(self) -> str:
        name = self.status.name if isinstance(self.status, Status) else str(self.status)
        return f"{self.message} [{name}]"


class InvalidArgumentError(ZstdpoolError, ValueError):
    """An argument the library refused (Status.INVALID_ARGUMENT)."""


class ConfigError(ZstdpoolError, ValueError):
    """An option out of range, or two options that do not fit (Status.INVALID_CONFIG), e.g.
    ``processors`` out of range."""


class StoppedError(ZstdpoolError, RuntimeError):
    """The pool is stopping or stopped (Status.STOPPED): ``add`` after ``stop``."""


class DeadlockError(ZstdpoolError, RuntimeError):
    """A call that would wait for the calling callback itself (Status.WOULD_DEADLOCK):
    ``wait``, ``join`` or ``close`` from inside one of the pool's callbacks."""


class ZstdpoolTimeoutError(ZstdpoolError, TimeoutError):
    """The time was up (Status.TIMEOUT)."""


class RejectedError(ZstdpoolError):
    """Why the library rejected an entry (when no Python callback raised): its ``name``,
    ``status`` and ``message`` ("NAME: what went wrong")."""

    def __init__(self, status: int, message: str, name: Optional[str] = None):
        super().__init__(status, message)
        self.name = name


class BatchError(ZstdpoolError):
    """Some entries of a ``compress_many`` / ``decompress_many`` call were rejected (the
    others succeeded). ``results``: every output in the items' order, ``None`` for a
    rejected entry; ``rejections``: a :class:`Rejection` per rejected entry (its name, the
    item as given, the library's status and message "NAME: what went wrong", and a
    :class:`RejectedError`). ``status`` and ``message`` are the first rejection's."""

    def __init__(self, results: List[Optional[bytes]], rejections: List["Rejection"]):
        first = rejections[0]
        super().__init__(first.status, f"{len(rejections)} of {len(results)} entries rejected; "
                                        f"first: {first.message}")
        self.results = results
        self.rejections = rejections

    def __reduce__(self) -> Any:
        return (type(self), (self.results, self.rejections))


class Cancelled(RejectedError):
    """The entry was cancelled before it ran: by ``cancel()`` (the library's
    zstdpool_pool_cancel, or the package for entries it still held), or by an interrupt in a
    callback. ``status`` is Status.CANCELLED; ``message`` "NAME: ..."; ``name`` the entry's."""

    def __init__(self, message: str, name: Optional[str] = None):
        super().__init__(Status.CANCELLED, message, name)

    def __reduce__(self) -> Any:
        return (type(self), (self.message, self.name))


def rejection_error(status: int, message: str, name: Optional[str]) -> RejectedError:
    """The exception of an entry the library rejected: :class:`Cancelled` for
    Status.CANCELLED, else a :class:`RejectedError`."""
    if int(status) == Status.CANCELLED:
        return Cancelled(message, name)
    return RejectedError(status, message, name)


class UsedAfterForkError(RuntimeError):
    """A pool used in a process forked from the one that created it: its worker threads
    exist only in the parent."""


_BY_STATUS: Dict[int, Type[ZstdpoolError]] = {
    Status.INVALID_ARGUMENT: InvalidArgumentError,
    Status.INVALID_CONFIG: ConfigError,
    Status.STOPPED: StoppedError,
    Status.WOULD_DEADLOCK: DeadlockError,
    Status.TIMEOUT: ZstdpoolTimeoutError,
}


def error_for(status: int, message: str) -> ZstdpoolError:
    """The exception for a failed call's status and message."""
    return _BY_STATUS.get(int(status), ZstdpoolError)(status, message)
