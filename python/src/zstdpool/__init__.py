"""zstdpool from Python: parallel zstd compression of very many small entries, with one
dictionary per category trained on the fly, through the library's C API (ctypes; the
shared library is built into the package by ``pip install ./python``).

The API keeps the names and semantics of the original pure-Python ``lhcbdirac_log`` pool::

    from pathlib import Path
    import zstdpool

    with zstdpool.CompressorPool(zstdpool.DirectoryProvider("dicts"),
                                 zstdpool.Config(level=19)) as pool:
        for path, category in files:
            # paths are opened when a worker reads or writes them and closed when done, so
            # millions of entries hold no more files open than there are workers
            pool.add(zstdpool.Entry(str(path), category, Path(path)), Path(f"{path}.zst"))
    # leaving the block waits for every entry, stops the pool and joins its workers
    print(pool.stats.totals.ratio)
    for entry, error in pool.rejected:
        print(entry.name, error)

- Pools: ``CompressorPool(dict_provider, config=None, workers=None, processors=None)`` and
  ``DecompressorPool(...)``; ``add(data_in, data_out, done=None)``; ``start``, ``flush``,
  ``wait``, ``stop`` (waits first, as the original), ``join(timeout=None)`` (True once
  finished), ``cancel`` (queued entries end as CANCELLED, their exception
  :class:`Cancelled`), ``set_category_volume(dict_name, bytes, entries=0)``,
  ``process_one(name, dict_name, data) -> bytes`` (one entry now, on the calling thread);
  properties ``state``, ``running``, ``stopping``, ``stopped``, ``collecting`` (entries
  waiting for training samples, which ``wait`` does not wait for), ``rejected`` ((entry,
  exception) pairs), ``rejections`` (with status and message), ``stats`` (with
  ``archive_ratio``: raw / (frames + dictionaries)) and ``callback_errors``; a context
  manager; ``close()`` frees the pool.
  ``workers`` defaults to ``os.cpu_count() or 2``; ``processors=None`` is the library's
  default (one zstd context per worker, since switching prepared dictionaries is free).
- Data in memory: ``pool.compress_many(items)`` / ``pool.decompress_many(items)`` (and the
  module functions ``compress_many(items, dict_provider, ...)``, which make a pool for the
  call) take ``(name, dict_name, bytes)`` tuples, Entry objects or bare bytes and return
  the outputs as bytes, in order (``copy=False``: read-only memoryviews): one library call
  (zstdpool_pool_run_batch), no Python code per entry, the GIL released. A rejected entry
  raises :class:`BatchError` with every other output and the rejections.
- Bytes entries given to ``add`` travel in batches of 256 entries (or 1 MiB), handed to the
  library when full and by ``flush``, ``wait``, ``stop``, ``join``, ``close`` and ``stats``.
- Entries: ``Entry(name, dict_name, data, size=None)``; ``data`` is bytes-like, a readable
  binary file, a ``pathlib.Path`` or an opener (a callable returning a file).
- Dictionary providers: ``DirectoryProvider(path)``, ``MemoryProvider()``,
  ``CallbackProvider(obj)`` for any object with ``get(name)`` and ``put(name, data)``; each
  has ``get(name) -> bytes | None``, ``put(name, data)`` and (directory, memory)
  ``names() -> list[str]``, to copy dictionaries between stores.
- ``Config(**options)``: one keyword per option, named as the library names it with dots
  as underscores (``level``, ``checksum``, ``workers``, ``training_min_samples``,
  ``training_category_volume``, ``training_trainer_k``...).
- Errors: :class:`ZstdpoolError` (``status``, ``message``), whose subclasses are also
  ValueError (bad arguments, configurations), RuntimeError (stopped pool, deadlock) or
  TimeoutError; a pool used in a forked child raises :class:`UsedAfterForkError`.

Threads: the pool's worker threads call the Python callbacks (reading ``data_in``, writing
``data_out``, ``done``, provider ``get``/``put``); ctypes takes the GIL for them, and blocking
calls release it. ``wait`` and ``join`` wait in short slices, so Ctrl-C interrupts them; a
KeyboardInterrupt or SystemExit raised in a callback cancels what is queued and is re-raised
by the next ``add``, ``wait``, ``stop`` or ``join``. Any other exception in a callback
becomes the entry's rejection (READ for a reader, WRITE for a writer, PROVIDER for a
provider). The handle is guarded: ``close()`` waits for calls in flight on other threads,
and a pool dropped on one of its own worker threads is freed by another thread.

The shared library: ``ZSTDPOOL_LIB`` (a path) overrides the one inside the package.
"""

from ._archive import (
    Archive,
    ArchiveCategory,
    ArchiveJob,
    ArchiveProblem,
    ArchiveRejection,
    ArchiveReport,
    ConvertProgress,
    ConvertSummary,
)
from ._batch import compress_many, decompress_many
from ._capi import (
    ABI_VERSION,
    PROTOTYPES,
    SIZE_UNKNOWN,
    DictStatus,
    Option,
    State,
    Status,
    free_user_data_fn,
    lib as _lib,
    library_path,
    zstdpool_archive,
    zstdpool_archive_category,
    zstdpool_archive_counts,
    zstdpool_archive_job,
    zstdpool_archive_job_fn,
    zstdpool_archive_problem,
    zstdpool_archive_rejection,
    zstdpool_archive_report,
    zstdpool_batch,
    zstdpool_batch_done_fn,
    zstdpool_category,
    zstdpool_config,
    zstdpool_convert_progress,
    zstdpool_convert_progress_fn,
    zstdpool_convert_summary,
    zstdpool_convert_totals,
    zstdpool_counts,
    zstdpool_dict_buffer,
    zstdpool_dict_get_fn,
    zstdpool_dict_put_fn,
    zstdpool_done_fn,
    zstdpool_name_fn,
    zstdpool_pool,
    zstdpool_provider,
    zstdpool_read_fn,
    zstdpool_stats,
    zstdpool_write_fn,
)
from ._config import (
    CallbackProvider,
    Config,
    DictProvider,
    DictStore,
    DirectoryProvider,
    MemoryProvider,
)
from ._errors import (
    BatchError,
    Cancelled,
    ConfigError,
    DeadlockError,
    InvalidArgumentError,
    RejectedError,
    StoppedError,
    UsedAfterForkError,
    ZstdpoolError,
    ZstdpoolTimeoutError,
)
from ._pool import (
    BatchItem,
    CategoryStats,
    CompressorPool,
    Counts,
    DecompressorPool,
    Entry,
    Rejection,
    Stats,
)

__all__ = [
    "ABI_VERSION",
    "Archive",
    "ArchiveCategory",
    "ArchiveJob",
    "ArchiveProblem",
    "ArchiveRejection",
    "ArchiveReport",
    "ConvertProgress",
    "ConvertSummary",
    "SIZE_UNKNOWN",
    "BatchError",
    "BatchItem",
    "CallbackProvider",
    "Cancelled",
    "CategoryStats",
    "CompressorPool",
    "Config",
    "ConfigError",
    "Counts",
    "DeadlockError",
    "DecompressorPool",
    "DictProvider",
    "DictStatus",
    "DictStore",
    "DirectoryProvider",
    "Entry",
    "InvalidArgumentError",
    "MemoryProvider",
    "Option",
    "Rejection",
    "RejectedError",
    "State",
    "Stats",
    "Status",
    "StoppedError",
    "UsedAfterForkError",
    "ZstdpoolError",
    "ZstdpoolTimeoutError",
    "compress_many",
    "decompress_many",
    "library_path",
    "version",
    "zstd_version",
]

__version__ = "0.1.0"


def version() -> str:
    """The loaded library's version, e.g. "0.1.0"."""
    text: bytes = _lib.zstdpool_version()
    return text.decode()


def zstd_version() -> str:
    """The version of the libzstd inside the library."""
    text: bytes = _lib.zstdpool_zstd_version()
    return text.decode()
