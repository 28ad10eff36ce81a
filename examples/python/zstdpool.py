"""zstdpool from Python, through ctypes: parallel zstd compression of many small entries
with one dictionary per category, trained on the fly.

The API follows the original pure-Python ``lhcbdirac_log`` pool:

    import io, zstdpool

    with zstdpool.CompressorPool(zstdpool.DirectoryProvider("dicts"),
                                 zstdpool.Config(level=19), workers=4) as pool:
        for path in paths:
            out = io.BytesIO()
            pool.add(zstdpool.Entry(path, category_of(path), open(path, "rb")), out)
            ...
    # leaving the block stops the pool and waits for every entry
    print(pool.stats.totals.ratio, pool.rejected)

- Pools: ``CompressorPool(dict_provider, config=None, workers=None, processors=None)`` and
  ``DecompressorPool(...)``; ``add(data_in, data_out, done=None)``; ``start``, ``flush``,
  ``wait``, ``stop``, ``join(timeout=None)`` (True once finished); properties ``state``,
  ``running``, ``stopping``, ``stopped``, ``rejected`` (list of (name, Status, message)),
  ``stats`` (totals and per category) and ``callback_errors`` (the exceptions that Python
  callbacks raised); context manager (stop + join on exit); ``close()`` frees the pool.
- Entries: ``data_in`` is any object with ``name``, ``dict_name`` (the category, None for
  no dictionary) and ``data``: bytes-like, or a readable binary file-like object (``readinto``
  or ``read``); an optional ``size`` declares the input size (else it is taken from bytes,
  from a real file, or from a seekable stream). ``data_out`` is a writable binary file-like
  object (e.g. ``io.BytesIO``), a ``bytearray``, or an object whose ``data`` is one of those.
  ``Entry(name, dict_name, data, size=None)`` is a ready-made entry class.
- Dictionary providers: ``DirectoryProvider(path)``, ``MemoryProvider()``, and
  ``CallbackProvider(obj)`` for any object with ``get(name) -> bytes | None`` and
  ``put(name, data)`` (pass such an object directly as ``dict_provider`` too).
- ``Config(**options)``: one keyword per ZSTDPOOL_OPT_* option, lower case without the
  prefix (``level``, ``checksum``, ``workers``, ``training_min_samples``, ``trainer_k``...).
- Errors: ``ZstdpoolError(status, message)``, ``status`` being a ``Status`` (an IntEnum of
  the ZSTDPOOL_OK / ZSTDPOOL_ERR_* codes).

Threads: the pool's worker threads call the Python callbacks (reading ``data_in``, writing
``data_out``, ``done``, provider ``get``/``put``); ctypes takes the GIL for them, and every
blocking C call (add when the queue is full, wait, join, close) releases it. A callback's
exception never crosses the C library: it becomes the entry's rejection (READ for a reader,
WRITE for a writer, PROVIDER for a provider) and is kept in ``callback_errors``. The objects
of an entry are referenced until its done callback has run; the ctypes callback objects are
module-level and live as long as the module.

The shared library is looked up in this order: the ``ZSTDPOOL_LIB`` environment variable
(a path), ``libzstdpool.so*`` next to this file, the repository's ``target/release`` then
``target/debug``, then the system loader (``libzstdpool.so.0.1``).
"""

from __future__ import annotations

import ctypes
import enum
import io
import itertools
import os
import weakref
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint32,
    c_uint64,
    c_void_p,
)
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

__all__ = [
    "CallbackProvider",
    "CategoryStats",
    "CompressorPool",
    "Config",
    "Counts",
    "DecompressorPool",
    "DictProvider",
    "DictStatus",
    "DirectoryProvider",
    "Entry",
    "MemoryProvider",
    "Option",
    "State",
    "Stats",
    "Status",
    "ZstdpoolError",
    "SIZE_UNKNOWN",
    "library_path",
    "version",
    "zstd_version",
]

#: The header version this module was written against (MAJOR, MINOR): while MAJOR is 0, a
#: library of another MINOR may have another ABI, so it is refused.
ABI_VERSION = (0, 1)

SIZE_UNKNOWN = (1 << 64) - 1


# --- Constants (checked against include/zstdpool.h by tests/python) ----------------------


class Status(enum.IntEnum):
    """The zstdpool_status codes (ZSTDPOOL_OK, ZSTDPOOL_ERR_*)."""

    OK = 0
    INVALID_ARGUMENT = 1
    INVALID_CONFIG = 2
    STOPPED = 3
    WOULD_DEADLOCK = 4
    TIMEOUT = 5
    READ = 6
    WRITE = 7
    SIZE_MISMATCH = 8
    PROVIDER = 9
    BAD_DICTIONARY = 10
    DICT_MISSING = 11
    DICT_MISMATCH = 12
    EMPTY_INPUT = 13
    NOT_ZSTD = 14
    TRUNCATED = 15
    CORRUPT = 16
    TOO_LARGE = 17
    ZSTD = 18
    PANIC = 19


class Option(enum.IntEnum):
    """The configuration options (ZSTDPOOL_OPT_*)."""

    LEVEL = 1
    CHECKSUM = 2
    WORKERS = 3
    PROCESSORS = 4
    QUEUE_CAPACITY = 5
    MAX_DECOMPRESSED_SIZE = 6
    TRAINING_ENABLED = 100
    TRAINING_DICT_SIZE = 101
    TRAINING_MIN_SAMPLES = 102
    TRAINING_MIN_BYTES = 103
    TRAINING_MAX_SAMPLES = 104
    TRAINING_MAX_SAMPLE_SIZE = 105
    TRAINING_EFFORT = 106
    TRAINING_MAX_DICT_SIZE = 107
    TRAINING_MAX_BYTES = 108
    TRAINING_CATEGORY_VOLUME = 109
    TRAINING_CATEGORY_ENTRIES = 110
    TRAINER_K = 200
    TRAINER_D = 201
    TRAINER_F = 202
    TRAINER_ACCEL = 203
    TRAINER_STEPS = 204
    TRAINER_THREADS = 205
    TRAINER_SPLIT_POINT = 206
    TRAINER_LEVEL = 207
    TRAINER_EXACT_COVER = 208
    TRAINER_OPTIMIZE = 209


class State(enum.IntEnum):
    """A pool's lifecycle state (ZSTDPOOL_STATE_*)."""

    IDLE = 0
    RUNNING = 1
    STOPPING = 2
    STOPPED = 3


class DictStatus(enum.IntEnum):
    """Where a category's dictionary stands (ZSTDPOOL_DICT_*)."""

    NO_CATEGORY = 0
    LOADING = 1
    COLLECTING = 2
    TRAINING = 3
    LOADED = 4
    ABSENT = 5
    TRAINED = 6
    TOO_FEW_SAMPLES = 7
    DID_NOT_HELP = 8
    TRAIN_FAILED = 9
    FAILED = 10


def _status(code: int):
    """A Status, or the plain int for a code this module does not know yet."""
    try:
        return Status(code)
    except ValueError:
        return code


class ZstdpoolError(Exception):
    """A failed zstdpool call: ``status`` (a Status) and the library's ``message``."""

    def __init__(self, status, message: str):
        super().__init__(status, message)
        self.status = _status(int(status))
        self.message = message

    def __str__(self) -> str:
        name = self.status.name if isinstance(self.status, Status) else str(self.status)
        return f"{self.message} [{name}]"


# --- C types ------------------------------------------------------------------------------
# Named as in the header, so that tests/python can compare them with it.


class zstdpool_config(Structure):
    """Opaque."""


class zstdpool_provider(Structure):
    """Opaque."""


class zstdpool_pool(Structure):
    """Opaque."""


class zstdpool_dict_buffer(Structure):
    """Opaque."""


class zstdpool_counts(Structure):
    _fields_ = [
        ("added", c_uint64),
        ("done", c_uint64),
        ("rejected", c_uint64),
        ("raw_bytes", c_uint64),
        ("compressed_bytes", c_uint64),
        ("ratio", c_double),
    ]


class zstdpool_category(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("counts", zstdpool_counts),
        ("status", c_int32),
        ("status_message", c_char_p),
        ("dict_id", c_uint32),
        ("dict_size", c_uint64),
        ("train_seconds", c_double),
        ("samples", c_uint64),
        ("sample_bytes", c_uint64),
    ]


zstdpool_status = c_int32
zstdpool_option = c_int32

zstdpool_read_fn = CFUNCTYPE(c_int32, c_void_p, POINTER(c_uint8), c_size_t, POINTER(c_size_t))
zstdpool_write_fn = CFUNCTYPE(c_int32, c_void_p, POINTER(c_uint8), c_size_t)
zstdpool_done_fn = CFUNCTYPE(None, c_void_p, c_char_p, c_int32, c_char_p, c_uint64, c_uint64)
zstdpool_dict_get_fn = CFUNCTYPE(c_int32, c_void_p, c_char_p, POINTER(zstdpool_dict_buffer))
zstdpool_dict_put_fn = CFUNCTYPE(c_int32, c_void_p, c_char_p, POINTER(c_uint8), c_size_t)
#: zstdpool_provider_callbacks_new's `void (*free_user_data)(void *user_data)`.
free_user_data_fn = CFUNCTYPE(None, c_void_p)

_P = POINTER

#: Every function of the C API: name -> (restype, argtypes).
PROTOTYPES: Dict[str, Tuple[Any, List[Any]]] = {
    "zstdpool_version": (c_char_p, []),
    "zstdpool_version_number": (c_uint32, []),
    "zstdpool_zstd_version": (c_char_p, []),
    "zstdpool_status_str": (c_char_p, [zstdpool_status]),
    "zstdpool_dict_status_str": (c_char_p, [c_int32]),
    "zstdpool_last_error": (c_char_p, []),
    "zstdpool_config_new": (zstdpool_status, [_P(_P(zstdpool_config))]),
    "zstdpool_config_free": (None, [_P(zstdpool_config)]),
    "zstdpool_config_set": (zstdpool_status, [_P(zstdpool_config), zstdpool_option, c_int64]),
    "zstdpool_config_get": (zstdpool_status, [_P(zstdpool_config), zstdpool_option, _P(c_int64)]),
    "zstdpool_dict_buffer_set": (zstdpool_status, [_P(zstdpool_dict_buffer), _P(c_uint8), c_size_t]),
    "zstdpool_provider_dir_new": (zstdpool_status, [c_char_p, _P(_P(zstdpool_provider))]),
    "zstdpool_provider_memory_new": (zstdpool_status, [_P(_P(zstdpool_provider))]),
    "zstdpool_provider_callbacks_new": (
        zstdpool_status,
        [zstdpool_dict_get_fn, zstdpool_dict_put_fn, free_user_data_fn, c_void_p,
         _P(_P(zstdpool_provider))],
    ),
    "zstdpool_provider_free": (None, [_P(zstdpool_provider)]),
    "zstdpool_compressor_new": (
        zstdpool_status, [_P(zstdpool_config), _P(zstdpool_provider), _P(_P(zstdpool_pool))]),
    "zstdpool_decompressor_new": (
        zstdpool_status, [_P(zstdpool_config), _P(zstdpool_provider), _P(_P(zstdpool_pool))]),
    "zstdpool_pool_free": (zstdpool_status, [_P(zstdpool_pool)]),
    "zstdpool_pool_add": (
        zstdpool_status,
        [_P(zstdpool_pool), c_char_p, c_char_p, c_uint64, zstdpool_read_fn, zstdpool_write_fn,
         zstdpool_done_fn, c_void_p],
    ),
    "zstdpool_pool_start": (zstdpool_status, [_P(zstdpool_pool)]),
    "zstdpool_pool_flush": (zstdpool_status, [_P(zstdpool_pool)]),
    "zstdpool_pool_wait": (zstdpool_status, [_P(zstdpool_pool)]),
    "zstdpool_pool_stop": (zstdpool_status, [_P(zstdpool_pool)]),
    "zstdpool_pool_join": (zstdpool_status, [_P(zstdpool_pool), c_int64]),
    "zstdpool_pool_state": (zstdpool_status, [_P(zstdpool_pool), _P(c_int32)]),
    "zstdpool_pool_last_error": (c_size_t, [_P(zstdpool_pool), c_char_p, c_size_t]),
    "zstdpool_pool_rejected_count": (zstdpool_status, [_P(zstdpool_pool), _P(c_size_t)]),
    "zstdpool_pool_rejected": (
        zstdpool_status,
        [_P(zstdpool_pool), c_size_t, _P(c_char_p), _P(zstdpool_status), _P(c_char_p)],
    ),
    "zstdpool_pool_totals": (zstdpool_status, [_P(zstdpool_pool), _P(zstdpool_counts)]),
    "zstdpool_pool_category_count": (zstdpool_status, [_P(zstdpool_pool), _P(c_size_t)]),
    "zstdpool_pool_category": (
        zstdpool_status, [_P(zstdpool_pool), c_size_t, _P(zstdpool_category)]),
}


# --- Loading the library -------------------------------------------------------------------


def _candidates() -> List[str]:
    found = []
    env = os.environ.get("ZSTDPOOL_LIB")
    if env:
        return [env]  # explicit: no fallback that could hide a wrong path
    here = Path(__file__).resolve().parent
    found += [str(p) for p in sorted(here.glob("libzstdpool.so*"))]
    repo = here.parent.parent
    for profile in ("release", "debug"):
        lib = repo / "target" / profile / "libzstdpool.so"
        if lib.exists():
            found.append(str(lib))
    major, minor = ABI_VERSION
    found.append(f"libzstdpool.so.{major}.{minor}" if major == 0 else f"libzstdpool.so.{major}")
    return found


def _load() -> Tuple[ctypes.CDLL, str]:
    errors = []
    for candidate in _candidates():
        try:
            lib = ctypes.CDLL(candidate)
        except OSError as error:
            errors.append(f"{candidate}: {error}")
            continue
        for name, (restype, argtypes) in PROTOTYPES.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
        number = lib.zstdpool_version_number()
        if (number // 10000, number // 100 % 100) != ABI_VERSION:
            errors.append(f"{candidate}: version {lib.zstdpool_version().decode()}, "
                          f"this module needs {ABI_VERSION[0]}.{ABI_VERSION[1]}.x")
            continue
        return lib, candidate
    raise ImportError("cannot load libzstdpool (set ZSTDPOOL_LIB to its path): "
                      + "; ".join(errors))


_lib, library_path = _load()


def version() -> str:
    """The loaded library's version, e.g. "0.1.0"."""
    return _lib.zstdpool_version().decode()


def zstd_version() -> str:
    """The version of the libzstd inside the library."""
    return _lib.zstdpool_zstd_version().decode()


def _check(status: int) -> None:
    if status != Status.OK:
        raise ZstdpoolError(status, _lib.zstdpool_last_error().decode("utf-8", "replace"))


def _encode(text, what: str) -> bytes:
    if isinstance(text, bytes):
        return text
    if isinstance(text, (str, os.PathLike)):
        return os.fsencode(text) if isinstance(text, os.PathLike) else text.encode("utf-8")
    raise TypeError(f"{what} must be str or bytes, not {type(text).__name__}")


# --- Configuration --------------------------------------------------------------------------


class Config:
    """A pool configuration: ``Config(level=19, workers=4, training_min_samples=32)``.

    Keywords are the ZSTDPOOL_OPT_* names in lower case without the prefix (see Option);
    booleans count as 0/1. Values are checked at once (ZstdpoolError INVALID_CONFIG); rules
    relating two options are checked when a pool is created. ``config.level`` reads one.
    """

    def __init__(self, **options):
        handle = _P(zstdpool_config)()
        _check(_lib.zstdpool_config_new(ctypes.byref(handle)))
        self._handle = handle
        self._finalizer = weakref.finalize(self, _lib.zstdpool_config_free, handle)
        self._values: Dict[Option, int] = {}
        for name, value in options.items():
            self.set(name, value)

    @staticmethod
    def option(name) -> Option:
        """The Option for a keyword name (or an Option / its value)."""
        if isinstance(name, Option):
            return name
        if isinstance(name, int):
            return Option(name)
        try:
            return Option[name.upper()]
        except KeyError:
            raise ValueError(f"unknown zstdpool option {name!r}") from None

    def set(self, name, value) -> "Config":
        option = self.option(name)
        value = int(value)
        _check(_lib.zstdpool_config_set(self._handle, option, value))
        self._values[option] = value
        return self

    def get(self, name) -> int:
        out = c_int64()
        _check(_lib.zstdpool_config_get(self._handle, self.option(name), ctypes.byref(out)))
        return out.value

    def __getattr__(self, name: str) -> int:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            option = Option[name.upper()]
        except KeyError:
            raise AttributeError(name) from None
        return self.get(option)

    def as_dict(self) -> Dict[str, int]:
        """Every option's current value."""
        return {option.name.lower(): self.get(option) for option in Option}

    def copy(self, **overrides) -> "Config":
        """A new configuration with the options set on this one, then the overrides."""
        values = {option.name.lower(): value for option, value in self._values.items()}
        values.update(overrides)
        return Config(**values)

    def __repr__(self) -> str:
        set_ = ", ".join(f"{o.name.lower()}={v}" for o, v in self._values.items())
        return f"Config({set_})"


# --- Dictionary providers -------------------------------------------------------------------


class DictProvider:
    """A dictionary store handle (base class). Pools keep their own reference to the store,
    so a provider may be dropped while pools use it."""

    _handle = None

    def _init(self, handle) -> None:
        self._handle = handle
        self._finalizer = weakref.finalize(self, _lib.zstdpool_provider_free, handle)

    def close(self) -> None:
        """Releases this handle (the store lives on while pools use it)."""
        self._finalizer()


class DirectoryProvider(DictProvider):
    """Dictionaries as files ``path/<name>.zdict`` (created if missing), usable with
    ``zstd -D``."""

    def __init__(self, path):
        handle = _P(zstdpool_provider)()
        _check(_lib.zstdpool_provider_dir_new(_encode(os.fspath(path), "path"),
                                              ctypes.byref(handle)))
        self.path = path
        self._init(handle)


class MemoryProvider(DictProvider):
    """Dictionaries in memory, as long as this provider or a pool using it lives."""

    def __init__(self):
        handle = _P(zstdpool_provider)()
        _check(_lib.zstdpool_provider_memory_new(ctypes.byref(handle)))
        self._init(handle)


# Python objects behind callback providers, by key, until the library frees them.
_providers: Dict[int, "CallbackProvider"] = {}
_provider_keys = itertools.count(1)


class CallbackProvider(DictProvider):
    """Wraps any object with ``get(name) -> bytes | None`` and ``put(name, data)``.

    Both are called from worker threads, concurrently for different names. An exception
    they raise makes the category's entries rejected (Status.PROVIDER); it is kept in
    ``errors``.
    """

    def __init__(self, store):
        if not (callable(getattr(store, "get", None)) and callable(getattr(store, "put", None))):
            raise TypeError("a dictionary store needs get(name) and put(name, data) methods")
        self.store = store
        self.errors: List[Tuple[str, BaseException]] = []
        key = next(_provider_keys)
        _providers[key] = self
        handle = _P(zstdpool_provider)()
        status = _lib.zstdpool_provider_callbacks_new(
            _dict_get_trampoline, _dict_put_trampoline, _free_provider_trampoline, key,
            ctypes.byref(handle))
        if status != Status.OK:
            del _providers[key]  # free_user_data is not called on failure
            _check(status)
        self._init(handle)


@zstdpool_dict_get_fn
def _dict_get_trampoline(key, name, out):
    provider = _providers.get(key)
    if provider is None:
        return 1
    try:
        data = provider.store.get(name.decode("utf-8"))
        if data is None:
            return 0
        data = bytes(data)
        buffer = (c_uint8 * len(data)).from_buffer_copy(data)
        return _lib.zstdpool_dict_buffer_set(out, buffer, len(data))
    except BaseException as error:  # noqa: BLE001 -- nothing may cross the C library
        provider.errors.append((name.decode("utf-8", "replace"), error))
        return 1


@zstdpool_dict_put_fn
def _dict_put_trampoline(key, name, data, length):
    provider = _providers.get(key)
    if provider is None:
        return 1
    try:
        provider.store.put(name.decode("utf-8"), ctypes.string_at(data, length))
        return 0
    except BaseException as error:  # noqa: BLE001
        provider.errors.append((name.decode("utf-8", "replace"), error))
        return 1


@free_user_data_fn
def _free_provider_trampoline(key):
    _providers.pop(key, None)


def _as_provider(dict_provider) -> DictProvider:
    if isinstance(dict_provider, DictProvider):
        return dict_provider
    if isinstance(dict_provider, (str, os.PathLike)):
        return DirectoryProvider(dict_provider)
    return CallbackProvider(dict_provider)


# --- Entries ----------------------------------------------------------------------------------


@dataclass
class Entry:
    """A named piece of data in a category (``dict_name``; None: no dictionary). ``data``:
    bytes-like, or a binary file-like object (readable for input, writable for output).
    ``size``: the input's size if known (else derived from ``data`` when possible)."""

    name: str
    dict_name: Optional[str] = None
    data: Any = None
    size: Optional[int] = None


def _input_size(data) -> int:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return memoryview(data).nbytes
    try:
        if isinstance(data, io.BytesIO):
            return data.getbuffer().nbytes - data.tell()
        fileno = data.fileno()
        st = os.fstat(fileno)
        if st.st_mode & 0o170000 == 0o100000:  # a regular file
            return max(st.st_size - data.tell(), 0)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass
    try:
        if data.seekable():
            here = data.tell()
            end = data.seek(0, io.SEEK_END)
            data.seek(here)
            return end - here
    except (AttributeError, OSError, ValueError):
        pass
    return SIZE_UNKNOWN


class _Job:
    """One added entry: what its callbacks use, until its done callback."""

    __slots__ = ("pool", "name", "source", "position", "sink", "done", "error")

    def __init__(self, pool, name, source, sink, done):
        self.pool = pool
        self.name = name
        self.source = source
        self.position = 0
        self.sink = sink
        self.done = done
        self.error = None

    def read(self, buf, capacity) -> int:
        target = memoryview((c_uint8 * capacity).from_address(ctypes.addressof(buf.contents))).cast("B")
        source = self.source
        if isinstance(source, memoryview):
            n = min(capacity, source.nbytes - self.position)
            target[:n] = source[self.position:self.position + n]
            self.position += n
            return n
        readinto = getattr(source, "readinto", None)
        if readinto is not None:
            n = readinto(target)
            if n is None:
                raise BlockingIOError("the input stream is non-blocking and has no data")
            return n
        chunk = source.read(capacity)
        if chunk is None:
            raise BlockingIOError("the input stream is non-blocking and has no data")
        chunk = memoryview(chunk).cast("B")
        if chunk.nbytes > capacity:
            raise ValueError(f"read({capacity}) returned {chunk.nbytes} bytes")
        target[:chunk.nbytes] = chunk
        return chunk.nbytes

    def write(self, data, length) -> None:
        chunk = ctypes.string_at(data, length)
        sink = self.sink
        if isinstance(sink, bytearray):
            sink += chunk
            return
        view = memoryview(chunk)
        while view.nbytes:
            written = sink.write(view)
            if written is None:
                raise BlockingIOError("the output stream is non-blocking and full")
            if written <= 0:
                raise OSError("the output stream accepted no bytes")
            view = view[written:]


# Entries being processed, by key (the user_data given to the library).
_jobs: Dict[int, _Job] = {}
_job_keys = itertools.count(1)


@zstdpool_read_fn
def _read_trampoline(key, buf, capacity, out_len):
    job = _jobs.get(key)
    if job is None:
        return 1
    try:
        out_len[0] = job.read(buf, capacity)
        return 0
    except BaseException as error:  # noqa: BLE001 -- nothing may cross the C library
        job.error = error
        return 1


@zstdpool_write_fn
def _write_trampoline(key, data, length):
    job = _jobs.get(key)
    if job is None:
        return 1
    try:
        job.write(data, length)
        return 0
    except BaseException as error:  # noqa: BLE001
        job.error = error
        return 1


@zstdpool_done_fn
def _done_trampoline(key, name, status, message, bytes_in, bytes_out):
    job = _jobs.pop(key, None)
    if job is None:
        return
    pool = job.pool
    if job.error is not None:
        pool._callback_errors.append((job.name, job.error))
    if job.done is not None:
        try:
            job.done(job.name, _status(status),
                     message.decode("utf-8", "replace") if message else None, bytes_in, bytes_out)
        except BaseException as error:  # noqa: BLE001
            pool._callback_errors.append((job.name, error))


# --- Statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Entry and byte counts (``raw_bytes`` uncompressed, ``compressed_bytes`` compressed)."""

    added: int
    done: int
    rejected: int
    raw_bytes: int
    compressed_bytes: int
    ratio: float

    @classmethod
    def _from(cls, c: zstdpool_counts) -> "Counts":
        return cls(c.added, c.done, c.rejected, c.raw_bytes, c.compressed_bytes, c.ratio)


@dataclass(frozen=True)
class CategoryStats:
    """One category: its counts and where its dictionary stands."""

    name: str
    counts: Counts
    status: DictStatus
    status_message: str
    dict_id: int
    dict_size: int
    train_seconds: float
    samples: int
    sample_bytes: int


@dataclass(frozen=True)
class Stats:
    """A pool's totals and its categories by name ("" for entries without one)."""

    totals: Counts
    categories: Dict[str, CategoryStats]


# --- Pools ------------------------------------------------------------------------------------------


def _free_pool(handle) -> None:
    _lib.zstdpool_pool_free(handle)


class _Pool:
    _compress = True

    def __init__(self, dict_provider, config: Optional[Config] = None, workers: Optional[int] = None,
                 processors: Optional[int] = None, **options):
        self.dict_provider = _as_provider(dict_provider)
        overrides = dict(options)
        if workers is not None:
            overrides["workers"] = workers
        if processors is not None:
            overrides["processors"] = processors
        if config is None:
            config = Config(**overrides)
        elif isinstance(config, dict):
            config = Config(**{**config, **overrides})
        elif overrides:
            config = config.copy(**overrides)
        self.config = config
        handle = _P(zstdpool_pool)()
        new = _lib.zstdpool_compressor_new if self._compress else _lib.zstdpool_decompressor_new
        _check(new(config._handle, self.dict_provider._handle, ctypes.byref(handle)))
        self._handle = handle
        self._callback_errors: List[Tuple[str, BaseException]] = []
        self._closed = False
        self._finalizer = weakref.finalize(self, _free_pool, handle)

    # -- errors
    def _pool_check(self, status: int) -> None:
        if status != Status.OK:
            buf = ctypes.create_string_buffer(512)
            n = _lib.zstdpool_pool_last_error(self._handle, buf, len(buf))
            if n >= len(buf):
                buf = ctypes.create_string_buffer(n + 1)
                _lib.zstdpool_pool_last_error(self._handle, buf, len(buf))
            raise ZstdpoolError(status, buf.value.decode("utf-8", "replace"))

    def _live(self):
        if self._closed:
            raise ValueError("the pool is closed")
        return self._handle

    # -- entries
    def add(self, data_in, data_out, done: Optional[Callable] = None) -> None:
        """Adds an entry: reads ``data_in`` (an object with ``name``, ``dict_name`` and
        ``data``), writes the result to ``data_out`` (a writable file-like object or
        bytearray, or an object whose ``data`` is one). ``done(name, status, message,
        bytes_in, bytes_out)``, if given, is called from a worker thread when it is finished.
        Blocks while the pool is full. Raises ZstdpoolError (e.g. Status.STOPPED)."""
        handle = self._live()
        name = getattr(data_in, "name")
        dict_name = getattr(data_in, "dict_name", None)
        source = getattr(data_in, "data", None)
        if source is None:
            raise TypeError("data_in.data must be bytes-like or a readable file-like object")
        size = getattr(data_in, "size", None)
        if size is None:
            size = _input_size(source)
        if isinstance(source, (bytes, bytearray, memoryview)):
            source = memoryview(source).cast("B")
        elif not (callable(getattr(source, "readinto", None)) or callable(getattr(source, "read", None))):
            raise TypeError("data_in.data must be bytes-like or a readable file-like object")
        sink = data_out
        if not isinstance(sink, bytearray) and not callable(getattr(sink, "write", None)):
            sink = getattr(data_out, "data", None)
            if not isinstance(sink, bytearray) and not callable(getattr(sink, "write", None)):
                raise TypeError("data_out must be a writable file-like object or a bytearray "
                                "(or have one as .data)")
        display = name if isinstance(name, str) else os.fsdecode(name)
        job = _Job(self, display, source, sink, done)
        key = next(_job_keys)
        _jobs[key] = job
        status = _lib.zstdpool_pool_add(
            handle, _encode(name, "name"),
            None if dict_name is None else _encode(dict_name, "dict_name"), size,
            _read_trampoline, _write_trampoline, _done_trampoline, key)
        if status != Status.OK:
            _jobs.pop(key, None)  # refused: no callback will ever come for it
            self._pool_check(status)

    # -- lifecycle
    def start(self) -> None:
        self._pool_check(_lib.zstdpool_pool_start(self._live()))

    def flush(self) -> None:
        """Trains every category still waiting for samples with what it has."""
        self._pool_check(_lib.zstdpool_pool_flush(self._live()))

    def wait(self) -> None:
        """Blocks until every entry added so far is finished (flush first to include those
        waiting for training samples)."""
        self._pool_check(_lib.zstdpool_pool_wait(self._live()))

    def stop(self) -> None:
        """Takes no more entries; finishes the ones added, then the workers exit."""
        self._pool_check(_lib.zstdpool_pool_stop(self._live()))

    def join(self, timeout: Optional[float] = None) -> bool:
        """Waits (at most ``timeout`` seconds; None: no limit) until the stopped pool's
        workers have exited. Returns whether they have."""
        ms = -1 if timeout is None else max(0, int(timeout * 1000))
        status = _lib.zstdpool_pool_join(self._live(), ms)
        if status == Status.TIMEOUT:
            return False
        self._pool_check(status)
        return True

    def close(self) -> None:
        """Stops the pool, waits for its workers, and frees it (idempotent)."""
        if not self._closed:
            self._closed = True
            self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._closed:
            self.stop()
            self.join()

    # -- state
    @property
    def state(self) -> State:
        out = c_int32()
        self._pool_check(_lib.zstdpool_pool_state(self._live(), ctypes.byref(out)))
        return State(out.value)

    @property
    def running(self) -> bool:
        return self.state == State.RUNNING

    @property
    def stopping(self) -> bool:
        return self.state == State.STOPPING

    @property
    def stopped(self) -> bool:
        return self.state == State.STOPPED

    @property
    def rejected(self) -> List[Tuple[str, Any, str]]:
        """The rejected entries so far: (name, Status, message), in the order they ended."""
        handle = self._live()
        count = c_size_t()
        self._pool_check(_lib.zstdpool_pool_rejected_count(handle, ctypes.byref(count)))
        result = []
        for index in range(count.value):
            name, message, status = c_char_p(), c_char_p(), c_int32()
            self._pool_check(_lib.zstdpool_pool_rejected(
                handle, index, ctypes.byref(name), ctypes.byref(status), ctypes.byref(message)))
            result.append((name.value.decode("utf-8", "replace"), _status(status.value),
                           message.value.decode("utf-8", "replace")))
        return result

    @property
    def callback_errors(self) -> List[Tuple[str, BaseException]]:
        """(entry name, exception) for every exception a reader, writer or done callback
        raised (the entry was then rejected, READ or WRITE, unless done raised)."""
        return list(self._callback_errors)

    @property
    def stats(self) -> Stats:
        handle = self._live()
        totals = zstdpool_counts()
        self._pool_check(_lib.zstdpool_pool_totals(handle, ctypes.byref(totals)))
        count = c_size_t()
        self._pool_check(_lib.zstdpool_pool_category_count(handle, ctypes.byref(count)))
        categories = {}
        for index in range(count.value):
            c = zstdpool_category()
            self._pool_check(_lib.zstdpool_pool_category(handle, index, ctypes.byref(c)))
            name = c.name.decode("utf-8")
            try:
                status = DictStatus(c.status)
            except ValueError:
                status = c.status
            categories[name] = CategoryStats(
                name, Counts._from(c.counts), status, c.status_message.decode("utf-8", "replace"),
                c.dict_id, c.dict_size, c.train_seconds, c.samples, c.sample_bytes)
        return Stats(Counts._from(totals), categories)


class CompressorPool(_Pool):
    """Compresses entries into zstd frames, training one dictionary per category (stored
    through ``dict_provider``). ``config``: a Config or a dict of options; ``workers``,
    ``processors`` and other keywords override it."""

    _compress = True


class DecompressorPool(_Pool):
    """Decompresses zstd frames, each entry with its category's dictionary from
    ``dict_provider``."""

    _compress = False

