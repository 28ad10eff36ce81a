"""The C layer: ctypes declarations of include/zstdpool.h, loading the shared library, and
the few functions that read tables from the library (the option table, the statistics
snapshot). Nothing else in the package calls the library by a name that is not here.

The library is looked up in this order: the ``ZSTDPOOL_LIB`` environment variable (a path;
no fallback then), the library built into the package (``_libzstdpool*.so`` or
``libzstdpool*.so*`` next to this file, put there by ``pip install ./python``), the
repository's ``target/release`` then ``target/debug`` when running from a source checkout,
then the system loader (``libzstdpool.so.0.1``).
"""

from __future__ import annotations

import ctypes
import enum
import os
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
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

#: The header version this module was written against (MAJOR, MINOR): while MAJOR is 0, a
#: library of another MINOR may have another ABI, so it is refused.
ABI_VERSION = (0, 1)

SIZE_UNKNOWN = (1 << 64) - 1


# --- Constants (checked against include/zstdpool.h by python/tests) ----------------------


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
    SYSTEM = 20
    CANCELLED = 21
    # The archive's codes (zstdpool's archive tool; not returned by pools)
    DATABASE = 22
    NOT_OUR_DATABASE = 23
    NOT_ZIP = 24
    CORRUPT_ZIP = 25
    CRC_MISMATCH = 26
    ENCRYPTED = 27
    UNSUPPORTED_ENTRY = 28
    DUPLICATE_NAME = 29
    UNSAFE_NAME = 30
    EMPTY_JOB = 31
    NO_JOB_NUMBER = 32
    DUPLICATE_JOB = 33
    DICT_ID_CONFLICT = 34
    NOT_FOUND = 35


class Option(enum.IntEnum):
    """The configuration options (ZSTDPOOL_OPT_*)."""

    LEVEL = 1
    CHECKSUM = 2
    WORKERS = 3
    PROCESSORS = 4
    QUEUE_CAPACITY = 5
    MAX_DECOMPRESSED_SIZE = 6
    MAX_REJECTIONS = 7
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


# --- C types ------------------------------------------------------------------------------
# Named as in the header, so that python/tests can compare them with it.


class zstdpool_config(Structure):
    """Opaque."""


class zstdpool_provider(Structure):
    """Opaque."""


class zstdpool_pool(Structure):
    """Opaque."""


class zstdpool_dict_buffer(Structure):
    """Opaque."""


class zstdpool_stats(Structure):
    """Opaque."""


class zstdpool_batch(Structure):
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


class zstdpool_archive(Structure):
    """Opaque."""


class zstdpool_archive_report(Structure):
    """Opaque."""


class zstdpool_convert_summary(Structure):
    """Opaque."""


class zstdpool_convert_progress(Structure):
    _fields_ = [
        ("jobs_total", c_uint64),
        ("jobs_converted", c_uint64),
        ("jobs_skipped", c_uint64),
        ("jobs_failed", c_uint64),
        ("files", c_uint64),
        ("raw_bytes", c_uint64),
        ("frame_bytes", c_uint64),
    ]


class zstdpool_convert_totals(Structure):
    _fields_ = [
        ("progress", zstdpool_convert_progress),
        ("dict_bytes", c_uint64),
        ("frames_ratio", c_double),
        ("archive_ratio", c_double),
    ]


class zstdpool_archive_category(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("files", c_uint64),
        ("raw_bytes", c_uint64),
        ("frame_bytes", c_uint64),
        ("status", c_int32),
        ("status_message", c_char_p),
        ("dict_id", c_uint32),
        ("dict_size", c_uint64),
    ]


class zstdpool_archive_rejection(Structure):
    _fields_ = [
        ("input", c_char_p),
        ("job", c_int64),
        ("name", c_char_p),
        ("status", c_int32),
        ("message", c_char_p),
    ]


class zstdpool_archive_job(Structure):
    _fields_ = [("id", c_int64), ("dirac_id", c_int64), ("success", c_int32)]


class zstdpool_archive_counts(Structure):
    _fields_ = [
        ("jobs", c_uint64),
        ("files", c_uint64),
        ("bytes", c_uint64),
        ("without_checksum", c_uint64),
        ("without_content_size", c_uint64),
        ("problems", c_uint64),
    ]


class zstdpool_archive_problem(Structure):
    _fields_ = [
        ("job", c_int64),
        ("name", c_char_p),
        ("status", c_int32),
        ("message", c_char_p),
    ]


zstdpool_status = c_int32
zstdpool_option = c_int32

zstdpool_name_fn = CFUNCTYPE(c_int32, c_void_p, c_char_p)
zstdpool_read_fn = CFUNCTYPE(c_int32, c_void_p, POINTER(c_uint8), c_size_t, POINTER(c_size_t))
zstdpool_write_fn = CFUNCTYPE(c_int32, c_void_p, POINTER(c_uint8), c_size_t)
zstdpool_done_fn = CFUNCTYPE(None, c_void_p, c_char_p, c_int32, c_char_p, c_uint64, c_uint64)
zstdpool_batch_done_fn = CFUNCTYPE(None, c_void_p, POINTER(zstdpool_batch))
zstdpool_dict_get_fn = CFUNCTYPE(c_int32, c_void_p, c_char_p, POINTER(zstdpool_dict_buffer))
zstdpool_dict_put_fn = CFUNCTYPE(c_int32, c_void_p, c_char_p, POINTER(c_uint8), c_size_t)
zstdpool_convert_progress_fn = CFUNCTYPE(None, c_void_p, POINTER(zstdpool_convert_progress))
zstdpool_archive_job_fn = CFUNCTYPE(c_int32, c_void_p, POINTER(zstdpool_archive_job))
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
    "zstdpool_provider_get": (
        zstdpool_status, [_P(zstdpool_provider), c_char_p, _P(c_uint8), c_size_t, _P(c_size_t)]),
    "zstdpool_provider_put": (
        zstdpool_status, [_P(zstdpool_provider), c_char_p, _P(c_uint8), c_size_t]),
    "zstdpool_provider_list": (zstdpool_status, [_P(zstdpool_provider), zstdpool_name_fn, c_void_p]),
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
    "zstdpool_pool_collecting": (zstdpool_status, [_P(zstdpool_pool), _P(c_size_t)]),
    "zstdpool_pool_cancel": (zstdpool_status, [_P(zstdpool_pool)]),
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
    "zstdpool_option_count": (c_size_t, []),
    "zstdpool_option_at": (zstdpool_option, [c_size_t]),
    "zstdpool_option_name": (c_char_p, [zstdpool_option]),
    "zstdpool_pool_set_category_volume": (
        zstdpool_status, [_P(zstdpool_pool), c_char_p, c_uint64, c_uint64]),
    "zstdpool_pool_add_batch": (
        zstdpool_status,
        [_P(zstdpool_pool), c_size_t, _P(c_char_p), _P(c_char_p), _P(_P(c_uint8)), _P(c_size_t),
         zstdpool_batch_done_fn, c_void_p],
    ),
    "zstdpool_pool_run_batch": (
        zstdpool_status,
        [_P(zstdpool_pool), c_size_t, _P(c_char_p), _P(c_char_p), _P(_P(c_uint8)), _P(c_size_t),
         _P(_P(zstdpool_batch))],
    ),
    "zstdpool_pool_run_batch_into": (
        zstdpool_status,
        [_P(zstdpool_pool), c_size_t, _P(c_char_p), _P(c_char_p), _P(_P(c_uint8)), _P(c_size_t),
         _P(_P(c_uint8)), _P(c_size_t), _P(_P(zstdpool_batch))],
    ),
    "zstdpool_pool_process_one": (
        zstdpool_status,
        [_P(zstdpool_pool), c_char_p, c_char_p, _P(c_uint8), c_size_t, _P(_P(zstdpool_batch))],
    ),
    "zstdpool_batch_count": (c_size_t, [_P(zstdpool_batch)]),
    "zstdpool_batch_entry": (
        zstdpool_status, [_P(zstdpool_batch), c_size_t, _P(_P(c_uint8)), _P(c_size_t)]),
    "zstdpool_batch_entries": (
        zstdpool_status,
        [_P(zstdpool_batch), c_size_t, c_size_t, _P(_P(c_uint8)), _P(c_size_t),
         _P(zstdpool_status)],
    ),
    "zstdpool_batch_message": (c_char_p, [_P(zstdpool_batch), c_size_t]),
    "zstdpool_batch_free": (None, [_P(zstdpool_batch)]),
    "zstdpool_stats_new": (zstdpool_status, [_P(zstdpool_pool), _P(_P(zstdpool_stats))]),
    "zstdpool_stats_totals": (zstdpool_status, [_P(zstdpool_stats), _P(zstdpool_counts)]),
    "zstdpool_stats_archive_ratio": (c_double, [_P(zstdpool_stats)]),
    "zstdpool_stats_category_count": (c_size_t, [_P(zstdpool_stats)]),
    "zstdpool_stats_category": (
        zstdpool_status, [_P(zstdpool_stats), c_size_t, _P(zstdpool_category)]),
    "zstdpool_stats_free": (None, [_P(zstdpool_stats)]),
    "zstdpool_archive_open": (zstdpool_status, [c_char_p, _P(_P(zstdpool_archive))]),
    "zstdpool_archive_open_read_only": (zstdpool_status, [c_char_p, _P(_P(zstdpool_archive))]),
    "zstdpool_archive_close": (zstdpool_status, [_P(zstdpool_archive)]),
    "zstdpool_archive_free": (None, [_P(zstdpool_archive)]),
    "zstdpool_convert_config_new": (zstdpool_status, [_P(_P(zstdpool_config))]),
    "zstdpool_archive_convert": (
        zstdpool_status,
        [_P(zstdpool_archive), c_char_p, _P(zstdpool_config), zstdpool_convert_progress_fn,
         c_void_p, _P(_P(zstdpool_convert_summary))]),
    "zstdpool_convert_summary_totals": (
        zstdpool_status, [_P(zstdpool_convert_summary), _P(zstdpool_convert_totals)]),
    "zstdpool_convert_summary_category_count": (c_size_t, [_P(zstdpool_convert_summary)]),
    "zstdpool_convert_summary_category": (
        zstdpool_status,
        [_P(zstdpool_convert_summary), c_size_t, _P(zstdpool_archive_category)]),
    "zstdpool_convert_summary_rejection_count": (c_size_t, [_P(zstdpool_convert_summary)]),
    "zstdpool_convert_summary_rejection": (
        zstdpool_status,
        [_P(zstdpool_convert_summary), c_size_t, _P(zstdpool_archive_rejection)]),
    "zstdpool_convert_summary_free": (None, [_P(zstdpool_convert_summary)]),
    "zstdpool_archive_jobs": (
        zstdpool_status, [_P(zstdpool_archive), zstdpool_archive_job_fn, c_void_p]),
    "zstdpool_archive_names": (
        zstdpool_status, [_P(zstdpool_archive), c_int64, zstdpool_name_fn, c_void_p]),
    "zstdpool_archive_read": (
        zstdpool_status,
        [_P(zstdpool_archive), c_int64, c_char_p, _P(c_uint8), c_size_t, _P(c_size_t)]),
    "zstdpool_archive_read_to": (
        zstdpool_status,
        [_P(zstdpool_archive), c_int64, c_char_p, zstdpool_write_fn, c_void_p, _P(c_uint64)]),
    "zstdpool_archive_verify": (
        zstdpool_status, [_P(zstdpool_archive), _P(_P(zstdpool_archive_report))]),
    "zstdpool_archive_extract": (
        zstdpool_status, [_P(zstdpool_archive), c_char_p, _P(_P(zstdpool_archive_report))]),
    "zstdpool_archive_report_counts": (
        zstdpool_status, [_P(zstdpool_archive_report), _P(zstdpool_archive_counts)]),
    "zstdpool_archive_report_problem": (
        zstdpool_status,
        [_P(zstdpool_archive_report), c_size_t, _P(zstdpool_archive_problem)]),
    "zstdpool_archive_report_free": (None, [_P(zstdpool_archive_report)]),
}


# --- Loading the library -------------------------------------------------------------------


def _candidates() -> List[str]:
    env = os.environ.get("ZSTDPOOL_LIB")
    if env:
        return [env]  # explicit: no fallback that could hide a wrong path
    here = Path(__file__).resolve().parent
    found = [str(p) for pattern in ("_libzstdpool*.so", "libzstdpool*.so*")
             for p in sorted(here.glob(pattern))]
    repo = here.parents[2]  # python/src/zstdpool -> the repository, in a source checkout
    if (repo / "Cargo.toml").is_file() and (repo / "include" / "zstdpool.h").is_file():
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
        try:
            for name, (restype, argtypes) in PROTOTYPES.items():
                function = getattr(lib, name)
                function.restype = restype
                function.argtypes = argtypes
        except AttributeError as error:
            errors.append(f"{candidate}: {error}")
            continue
        number = lib.zstdpool_version_number()
        if (number // 10000, number // 100 % 100) != ABI_VERSION:
            errors.append(f"{candidate}: version {lib.zstdpool_version().decode()}, "
                          f"this module needs {ABI_VERSION[0]}.{ABI_VERSION[1]}.x")
            continue
        return lib, candidate
    raise ImportError("cannot load libzstdpool (reinstall the package, or set ZSTDPOOL_LIB "
                      "to the library's path): " + "; ".join(errors))


lib, library_path = _load()

#: zstdpool_batch_entries with void* parameters (no ctypes type checks; the arrays are
#: plain c_void_p / c_size_t / c_int32 arrays whose slices are lists of ints): one call
#: reads every entry of a batch, instead of one zstdpool_batch_entry call per entry.
batch_entries_fast = ctypes.CDLL(library_path).zstdpool_batch_entries
batch_entries_fast.restype = zstdpool_status
batch_entries_fast.argtypes = [c_void_p, c_size_t, c_size_t, c_void_p, c_void_p, c_void_p]


def batch_entries(batch: Any, count: int) -> Tuple[List[Optional[int]], List[int], List[int]]:
    """Every entry of a batch in one zstdpool_batch_entries call: (addresses, lengths,
    statuses), lists of ``count`` ints (an address None for an empty or rejected output).
    Raises CError if the call fails."""
    if count == 0:
        return [], [], []
    data, lens, statuses = (c_void_p * count)(), (c_size_t * count)(), (c_int32 * count)()
    status = batch_entries_fast(ctypes.cast(batch, c_void_p), 0, count, data, lens, statuses)
    if status != 0:
        raise CError(status)
    return data[:], lens[:], statuses[:]


def last_error() -> str:
    """The calling thread's last error message (zstdpool_last_error())."""
    message: bytes = lib.zstdpool_last_error()
    return message.decode("utf-8", "replace")


def pool_last_error(pool: Any) -> str:
    """The pool's last error message (zstdpool_pool_last_error())."""
    buf = ctypes.create_string_buffer(512)
    n = lib.zstdpool_pool_last_error(pool, buf, len(buf))
    if n >= len(buf):
        buf = ctypes.create_string_buffer(n + 1)
        lib.zstdpool_pool_last_error(pool, buf, len(buf))
    return buf.value.decode("utf-8", "replace")


# --- The option table -------------------------------------------------------------------------


def option_table() -> Dict[str, int]:
    """Every configuration option: its Python keyword (``level``, ``training_min_samples``,
    ``training_trainer_k``...) -> its ZSTDPOOL_OPT_* value, read from the library's own list
    (zstdpool_option_count/at/name, names like "training.min_samples" with dots as
    underscores). The one place the package lists options; the Option enum stays as named
    constants checked against the header. The enum's own names (``trainer_k``) are accepted
    too where the library's name differs."""
    table: Dict[str, int] = {}
    for i in range(lib.zstdpool_option_count()):
        option = lib.zstdpool_option_at(i)
        name = lib.zstdpool_option_name(option)
        if name:
            table[name.decode().replace(".", "_")] = int(option)
    for option in Option:
        if int(option) in table.values():
            table.setdefault(option.name.lower(), int(option))
    return table


# --- Category statistics -----------------------------------------------------------------------


class CategoryRecord(NamedTuple):
    """One category as the C API reports it (strings decoded)."""

    name: str
    counts: zstdpool_counts
    status: int
    status_message: str
    dict_id: int
    dict_size: int
    train_seconds: float
    samples: int
    sample_bytes: int


def read_stats(pool: Any) -> Tuple[zstdpool_counts, List[CategoryRecord], float]:
    """The pool's totals, every category and the archive ratio
    (zstdpool_stats_archive_ratio), from one zstdpool_stats snapshot (so they agree). The
    one place that reads categories. Raises CError with a failed call's status."""
    snapshot = POINTER(zstdpool_stats)()
    status = lib.zstdpool_stats_new(pool, ctypes.byref(snapshot))
    if status != 0:
        raise CError(status)
    try:
        totals = zstdpool_counts()
        status = lib.zstdpool_stats_totals(snapshot, ctypes.byref(totals))
        if status != 0:
            raise CError(status)
        records = []
        for index in range(lib.zstdpool_stats_category_count(snapshot)):
            c = zstdpool_category()
            status = lib.zstdpool_stats_category(snapshot, index, ctypes.byref(c))
            if status != 0:
                raise CError(status)
            records.append(CategoryRecord(
                c.name.decode("utf-8", "replace"), zstdpool_counts.from_buffer_copy(c.counts),
                c.status, c.status_message.decode("utf-8", "replace"), c.dict_id, c.dict_size,
                c.train_seconds, c.samples, c.sample_bytes))
        return totals, records, float(lib.zstdpool_stats_archive_ratio(snapshot))
    finally:
        lib.zstdpool_stats_free(snapshot)


def read_categories(pool: Any) -> List[CategoryRecord]:
    """Every category of the pool (see read_stats)."""
    return read_stats(pool)[1]


class CError(Exception):
    """A C call's nonzero status, raised inside this module for the caller to turn into a
    ZstdpoolError with the right message."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status
