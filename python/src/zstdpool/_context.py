"""Which of the package's callbacks the current thread is running (thread-local): a pool
must refuse to block on itself from inside them."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator, List

_tls = threading.local()


def _stack() -> List[Any]:
    stack = getattr(_tls, "stack", None)
    if stack is None:
        stack = _tls.stack = []
    return stack


@contextmanager
def running_callback(owner: Any) -> Iterator[None]:
    """Marks the current thread as running a callback of ``owner`` (a pool's handle guard,
    or PROVIDER for a dictionary provider's callback, whose pool is not known)."""
    stack = _stack()
    stack.append(owner)
    try:
        yield
    finally:
        stack.pop()


#: The owner recorded for a provider callback.
PROVIDER = object()


def in_callback_of(owner: Any) -> bool:
    """Whether the current thread runs a callback of ``owner``, or a provider callback (which
    may belong to any pool)."""
    stack: List[Any] = getattr(_tls, "stack", None) or []
    return owner in stack or PROVIDER in stack
