"""compress_many / decompress_many: many in-memory entries in, their outputs out.

Today they run a pool over bytes entries (the callbacks run under the GIL). When the library
has its memory/batch entry point (one C call for a whole batch, outputs in one buffer), it
replaces the body of ``_run`` and nothing else changes for callers.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Type, Union

from ._config import Config
from ._errors import ZstdpoolError
from ._pool import CompressorPool, DecompressorPool, Entry, Rejection, _Pool

#: (name, dict_name, data): dict_name None for no dictionary; data bytes-like.
Item = Tuple[str, Optional[str], Union[bytes, bytearray, memoryview]]


class BatchError(ZstdpoolError):
    """Some entries of a batch were rejected: ``results`` has the outputs in the items' order
    (None for a rejected entry), ``rejections`` says why for each rejected one."""

    def __init__(self, results: List[Optional[bytes]], rejections: List[Rejection]):
        first = rejections[0]
        super().__init__(first.status, f"{len(rejections)} of {len(results)} entries rejected; "
                                        f"first: {first.message}")
        self.results = results
        self.rejections = rejections


def _run(pool_class: Type[_Pool], items: Iterable[Item], dict_provider: Any,
         config: Union[Config, Dict[str, int], None], workers: Optional[int]) -> List[bytes]:
    entries: List[Tuple[Entry, bytearray]] = []
    with pool_class(dict_provider, config, workers=workers) as pool:
        for index, item in enumerate(items):
            try:
                name, dict_name, data = item
            except (TypeError, ValueError):
                raise TypeError(f"item {index} is not a (name, dict_name, data) tuple") from None
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError(f"item {index} ({name!r}): data must be bytes-like, "
                                f"not {type(data).__name__}")
            entry, out = Entry(name, dict_name, data), bytearray()
            pool.add(entry, out)
            entries.append((entry, out))
    rejections = pool.rejections
    if rejections:
        rejected = {id(r.entry) for r in rejections}
        results: List[Optional[bytes]] = [None if id(e) in rejected else bytes(o) for e, o in entries]
        raise BatchError(results, rejections)
    return [bytes(out) for _, out in entries]


def compress_many(items: Iterable[Item], dict_provider: Any,
                  config: Union[Config, Dict[str, int], None] = None,
                  workers: Optional[int] = None) -> List[bytes]:
    """Compresses ``(name, dict_name, data)`` items and returns their zstd frames in the same
    order, training a dictionary per ``dict_name`` through ``dict_provider`` as a
    CompressorPool does. Raises BatchError if any entry is rejected."""
    return _run(CompressorPool, items, dict_provider, config, workers)


def decompress_many(items: Iterable[Item], dict_provider: Any,
                    config: Union[Config, Dict[str, int], None] = None,
                    workers: Optional[int] = None) -> List[bytes]:
    """Decompresses ``(name, dict_name, frame)`` items (each with its category's dictionary
    from ``dict_provider``) and returns the contents in the same order. Raises BatchError if
    any entry is rejected."""
    return _run(DecompressorPool, items, dict_provider, config, workers)


__all__: Sequence[str] = ["BatchError", "compress_many", "decompress_many"]
