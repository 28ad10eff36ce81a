"""decompress_many's outputs decoded straight into the bytes objects it returns.

Each frame's content size is read from its header; a bytes object of that size is made
with its bytes uninitialised (``PyBytes_FromStringAndSize(NULL, n)``, the C API's way of
filling a new bytes object), and zstdpool_pool_run_batch_into() has the library's workers
decode into it, with the GIL released: no copy, and the new memory is first touched by
the two workers instead of by this thread. CPython only (elsewhere, and for frames
without a recorded content size, the outputs are copied out of the batch).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any, List, Optional, Sequence, Tuple

_MAGIC = b"\x28\xb5\x2f\xfd"
#: The bytes a frame header takes at most (magic, descriptor, window, dictionary id, size).
_MAX_HEADER = 18
_DICT_ID_BYTES = (0, 1, 2, 4)
_SIZE_BYTES = (0, 2, 4, 8)

# In CPython a bytes object's bytes follow its header: at its id() plus this offset
# (checked once below against PyBytes_AsString).
_DATA_OFFSET = bytes.__basicsize__ - 1

available = sys.implementation.name == "cpython"
if available:
    _new_bytes = ctypes.pythonapi.PyBytes_FromStringAndSize
    _new_bytes.restype = ctypes.py_object
    _new_bytes.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t]
    _as_string = ctypes.pythonapi.PyBytes_AsString
    _as_string.restype = ctypes.c_void_p
    _as_string.argtypes = [ctypes.py_object]
    _probe = _new_bytes(None, 16)
    available = _as_string(_probe) == id(_probe) + _DATA_OFFSET
    del _probe


def address(made: bytes) -> int:
    """Where a bytes object's bytes are."""
    return id(made) + _DATA_OFFSET


def content_size(head: bytes) -> Optional[int]:
    """The content size a zstd frame header records, None when it records none (or
    ``head`` is not the start of a zstd frame)."""
    if len(head) < 6 or head[:4] != _MAGIC:
        return None
    descriptor = head[4]
    size_flag = descriptor >> 6
    single_segment = (descriptor >> 5) & 1
    if size_flag == 0 and not single_segment:
        return None
    at = 5 + (0 if single_segment else 1) + _DICT_ID_BYTES[descriptor & 3]
    width = _SIZE_BYTES[size_flag] or 1
    field = head[at:at + width]
    if len(field) != width:
        return None
    size = int.from_bytes(field, "little")
    return size + 256 if width == 2 else size


def targets(data: Sequence[Any], sizes: Sequence[int], limit: int
            ) -> Tuple[List[Optional[bytes]], Any, Any]:
    """For each frame (bytes, or an address of ``sizes[i]`` bytes), a new bytes object of
    its content size (None when unknown, above ``limit``, under 2 bytes, whose objects
    CPython shares, or not to be had), with the arrays of their addresses and capacities
    for zstdpool_pool_run_batch_into()."""
    objects: List[Optional[bytes]] = []
    addresses: List[Optional[int]] = []
    capacities: List[int] = []
    add_object, add_address, add_capacity = objects.append, addresses.append, capacities.append
    string_at, new_bytes, offset = ctypes.string_at, _new_bytes, _DATA_OFFSET
    for frame, frame_size in zip(data, sizes):
        if frame is None:
            size = None
        elif type(frame) is bytes:
            size = content_size(frame[:_MAX_HEADER])
        else:
            size = content_size(string_at(frame, min(frame_size, _MAX_HEADER)))
        made = None
        if size is not None and 2 <= size <= limit:
            try:
                made = new_bytes(None, size)
            except (MemoryError, OverflowError):  # a size no bytes object can have
                pass
        if made is None:
            add_object(None)
            add_address(None)
            add_capacity(0)
        else:
            add_object(made)
            add_address(id(made) + offset)
            add_capacity(size)
    count = len(objects)
    return (objects, (ctypes.c_void_p * count)(*addresses),
            (ctypes.c_size_t * count)(*capacities))
