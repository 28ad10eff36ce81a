"""compress_many / decompress_many as module functions: a pool for one batch.

Each call creates a pool, runs the items through it in one library call
(zstdpool_pool_run_batch: no Python code per entry, the GIL released) and frees it. To run
many batches, keep a pool and call its ``compress_many`` / ``decompress_many`` methods: the
workers and prepared dictionaries then stay.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence, Type, Union

from ._config import Config
from ._errors import BatchError
from ._pool import BatchItem, CompressorPool, DecompressorPool, _Pool

#: The items' type (see :meth:`CompressorPool.compress_many`).
Item = BatchItem


def _run(pool_class: Type[_Pool], items: Iterable[BatchItem], dict_provider: Any,
         config: Union[Config, Dict[str, int], None], workers: Optional[int],
         dict_name: Optional[str], options: Dict[str, int], what: str, copy: bool) -> List[Any]:
    pool = pool_class(dict_provider, config, workers=workers, **options)
    try:
        results = pool._run_many(items, dict_name, what, copy)
    except (KeyboardInterrupt, SystemExit):
        # The library call may still run on its helper thread: stop taking entries and
        # leave the pool to its finalizer, which frees it once the call has returned.
        pool.cancel()
        raise
    except BaseException:
        pool.close()
        raise
    pool.close()
    return results


def compress_many(items: Iterable[BatchItem], dict_provider: Any,
                  config: Union[Config, Dict[str, int], None] = None,
                  workers: Optional[int] = None, *, dict_name: Optional[str] = None,
                  copy: bool = True, **options: int) -> List[Any]:
    """Compresses items and returns their zstd frames (bytes) in the same order, training a
    dictionary per category through ``dict_provider`` (a provider, a directory path or a
    store object) as a CompressorPool does, in one library call.

    ``items``: ``(name, dict_name, data)`` tuples, :class:`Entry` objects with bytes-like
    data, or bare bytes-like objects (in category ``dict_name``). ``config``, ``workers``
    and ``options`` as for :class:`CompressorPool`. Raises :class:`BatchError` if any entry
    is rejected (``results`` and ``rejections`` say which), TypeError/ValueError for a bad
    item or argument. ``copy=False``: read-only memoryviews instead of bytes. See
    :meth:`CompressorPool.compress_many`."""
    return _run(CompressorPool, items, dict_provider, config, workers, dict_name, options,
                "compress_many", copy)


def decompress_many(items: Iterable[BatchItem], dict_provider: Any,
                    config: Union[Config, Dict[str, int], None] = None,
                    workers: Optional[int] = None, *, dict_name: Optional[str] = None,
                    copy: bool = True, **options: int) -> List[Any]:
    """Decompresses ``(name, dict_name, frame)`` items (each with its category's dictionary
    from ``dict_provider``; with no category, the dictionary the frame names by its id) and
    returns the contents in the same order, in one library call. Raises
    :class:`BatchError` if any entry is rejected. See
    :meth:`DecompressorPool.decompress_many`."""
    return _run(DecompressorPool, items, dict_provider, config, workers, dict_name, options,
                "decompress_many", copy)


__all__: Sequence[str] = ["BatchError", "Item", "compress_many", "decompress_many"]
