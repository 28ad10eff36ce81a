"""Compressor and decompressor pools, their entries and statistics."""

from __future__ import annotations

import ctypes
import io
import itertools
import math
import numbers
import os
import threading
import time
import weakref
from ctypes import POINTER, c_char, c_char_p, c_int32, c_size_t, c_uint8, c_void_p
from dataclasses import dataclass
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Literal,
    Optional,
    Set,
    Tuple,
    TypeVar,
    Union,
    overload,
)

from . import _capi, _into
from ._capi import (
    SIZE_UNKNOWN,
    DictStatus,
    State,
    Status,
    lib,
    zstdpool_batch,
    zstdpool_counts,
    zstdpool_pool,
)
from ._config import Config, DictProvider, as_provider, check, encode, integer
from ._context import in_callback_of, running_callback
from ._errors import (
    BatchError,
    Cancelled,
    DeadlockError,
    RejectedError,
    UsedAfterForkError,
    error_for,
    rejection_error,
    status_of,
)

#: How long one slice of a blocking wait lasts: signals (Ctrl-C) are handled between slices.
SLICE_SECONDS = 0.1
#: Path inputs open at once per pool beyond which an input not read to its end is closed
#: between reads (and reopened where it was): entries waiting for training samples then hold
#: no file descriptor.
MAX_OPEN_INPUTS = 64

#: Inputs of compress_many / decompress_many of at least this many bytes, given on the main
#: thread, are run by a helper thread while the main thread waits in slices, so that Ctrl-C
#: interrupts the wait (smaller ones run on the calling thread: no thread start).
INTERRUPTIBLE_BYTES = 1 << 20

#: bytes entries given to ``add`` are handed to the library in batches of this many entries
#: or bytes, whichever comes first (the rest by flush, wait, stop, join, close or stats).
BATCH_ENTRIES = 256
BATCH_BYTES = 1 << 20

DoneFn = Callable[[str, Union[Status, int], Optional[str], int, int], Any]

BytesLike = Union[bytes, bytearray, memoryview]
#: An item of compress_many / decompress_many: a ``(name, dict_name, data)`` tuple, an
#: :class:`Entry` whose data is bytes-like, or bare bytes-like data (named ``#<index>``, in
#: the call's ``dict_name``).
BatchItem = Union[Tuple[Union[str, bytes], Optional[str], BytesLike], "Entry", BytesLike]


# --- Entries ----------------------------------------------------------------------------------


@dataclass
class Entry:
    """A named piece of data in a category (``dict_name``; None: no dictionary).

    ``data``: bytes-like; a readable binary file-like object; a path (``pathlib.Path`` or any
    ``os.PathLike``: opened when a worker reads it, closed at its end); or an opener (a
    callable returning a readable binary file, called when a worker first reads, closed at
    the end). A ``str`` is refused: give ``Path(text)`` for a file or bytes for contents.
    ``size``: the input's size if known (else taken from bytes, a path, a real file or a
    seekable stream).
    """

    name: str
    dict_name: Optional[str] = None
    data: Any = None
    size: Optional[int] = None


def _input_size(data: Any) -> int:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return memoryview(data).nbytes
    if isinstance(data, os.PathLike):
        try:
            return os.stat(data).st_size
        except OSError:
            return SIZE_UNKNOWN  # the read will say what is wrong
    try:
        if isinstance(data, io.BytesIO):
            return int(data.getbuffer().nbytes - data.tell())
        fileno = data.fileno()
        st = os.fstat(fileno)
        if st.st_mode & 0o170000 == 0o100000:  # a regular file
            return max(st.st_size - int(data.tell()), 0)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass
    try:
        if data.seekable():
            here = data.tell()
            end = data.seek(0, io.SEEK_END)
            data.seek(here)
            return int(end - here)
    except (AttributeError, OSError, ValueError):
        pass
    return SIZE_UNKNOWN


def _is_reader(obj: Any) -> bool:
    return callable(getattr(obj, "readinto", None)) or callable(getattr(obj, "read", None))


def _is_writer(obj: Any) -> bool:
    return isinstance(obj, bytearray) or callable(getattr(obj, "write", None))


class _Job:
    """One added entry: what its callbacks use, until its done callback."""

    __slots__ = ("pool", "guard", "entry", "name", "source", "opener", "path", "position",
                 "opened", "sink", "sink_path", "sink_opener", "done", "error", "started")

    def __init__(self, pool: Optional["_Pool"], entry: Any, name: str, source: Any, sink: Any,
                 done: Optional[DoneFn], guard: Optional["_Guard"] = None):
        # A bytes entry waiting in a pool's pending batch has no pool yet (pool None, its
        # guard given): then a pool dropped with pending entries is collected at once, and
        # its finalizer hands them over.
        self.pool: Any = pool
        self.guard = pool._guard if pool is not None else guard
        self.entry = entry
        self.name = name
        self.source = source  # memoryview, file-like; None until opened for paths/openers
        self.opener: Optional[Callable[[], Any]] = None
        self.path: Any = None
        self.position = 0
        self.opened = False  # whether the source is a file this job opened
        self.sink = sink
        self.sink_path: Any = None
        self.sink_opener: Optional[Callable[[], Any]] = None
        self.done = done
        self.error: Optional[BaseException] = None
        self.started = False

    # -- input
    def _open_source(self) -> Any:
        if self.path is not None:
            source = open(self.path, "rb")
            if self.position:
                source.seek(self.position)
        else:
            source = self.opener()  # type: ignore[misc]
            if not _is_reader(source):
                raise TypeError(f"the opener returned {type(source).__name__}, not a readable file")
        self.opened = True
        self.pool._count_open(1)
        return source

    def close_source(self) -> None:
        if self.opened:
            self.opened = False
            self.pool._count_open(-1)
            source, self.source = self.source, None
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def read(self, buf: Any, capacity: int) -> int:
        target = memoryview((c_uint8 * capacity).from_address(ctypes.addressof(buf.contents))).cast("B")
        source = self.source
        if isinstance(source, memoryview):
            n = min(capacity, source.nbytes - self.position)
            target[:n] = source[self.position:self.position + n]
            self.position += n
            return n
        if source is None:
            if self.path is None and self.opener is None:
                return 0  # read to its end and closed already
            source = self.source = self._open_source()
        n = self._read_from(source, target, capacity)
        self.position += n
        if n == 0:
            self.close_source()
            self.path = self.opener = None
        elif self.path is not None and self.pool._open_inputs > MAX_OPEN_INPUTS:
            self.close_source()  # reopened at self.position by the next read
        return n

    @staticmethod
    def _read_from(source: Any, target: memoryview, capacity: int) -> int:
        readinto = getattr(source, "readinto", None)
        if readinto is not None:
            n = readinto(target)
            if n is None:
                raise BlockingIOError("the input stream is non-blocking and has no data")
            return int(n)
        chunk = source.read(capacity)
        if chunk is None:
            raise BlockingIOError("the input stream is non-blocking and has no data")
        chunk = memoryview(chunk).cast("B")
        if chunk.nbytes > capacity:
            raise ValueError(f"read({capacity}) returned {chunk.nbytes} bytes")
        target[:chunk.nbytes] = chunk
        return chunk.nbytes

    # -- output
    def _open_sink(self) -> Any:
        if self.sink_path is not None:
            return open(self.sink_path, "wb")
        sink = self.sink_opener()  # type: ignore[misc]
        if not _is_writer(sink):
            raise TypeError(f"the opener returned {type(sink).__name__}, not a writable file")
        return sink

    def write(self, data: Any, length: int) -> None:
        self.write_buffer(ctypes.string_at(data, length))

    def write_buffer(self, chunk: Any) -> None:
        """Writes a bytes-like object (all of it) to the output."""
        sink = self.sink
        if sink is None:
            sink = self.sink = self._open_sink()
        if isinstance(sink, bytearray):
            sink += chunk
            return
        view = memoryview(chunk).cast("B")
        while view.nbytes:
            written = sink.write(view)
            if written is None:
                raise BlockingIOError("the output stream is non-blocking and full")
            if written <= 0:
                raise OSError("the output stream accepted no bytes")
            view = view[written:]

    def finish(self, ok: bool) -> None:
        """Closes what this job opened; an output file of a rejected entry is removed (its
        content is partial), that of an empty output created."""
        self.close_source()
        if self.sink_path is None and self.sink_opener is None:
            return
        if ok and self.sink is None:
            self.sink = self._open_sink()
        if self.sink is not None:
            close = getattr(self.sink, "close", None)
            if close is not None:
                close()
            self.sink = None
        if not ok and self.sink_path is not None:
            try:
                os.remove(self.sink_path)
            except FileNotFoundError:
                pass


# Entries being processed, by key (the user_data given to the library).
_jobs: Dict[int, _Job] = {}
_job_keys = itertools.count(1)


def _callback_failed(job: _Job, error: BaseException) -> int:
    if isinstance(error, (KeyboardInterrupt, SystemExit)):
        # Not the entry's fault: re-raised in the thread that waits on the pool, and what is
        # queued is cancelled.
        job.pool._interrupted(error)
    job.error = error
    return 1


@_capi.zstdpool_read_fn
def _read_trampoline(key, buf, capacity, out_len):  # type: ignore[no-untyped-def]
    job = _jobs.get(key)
    if job is None:
        return 1
    try:
        with running_callback(job.guard):
            if not job.started:
                job.started = True
                if job.pool is not None and job.pool._cancelled:
                    raise Cancelled(f"{job.name}: cancelled before it ran", job.name)
            out_len[0] = job.read(buf, capacity)
        return 0
    except BaseException as error:  # noqa: BLE001 -- nothing may cross the C library
        return _callback_failed(job, error)


@_capi.zstdpool_write_fn
def _write_trampoline(key, data, length):  # type: ignore[no-untyped-def]
    job = _jobs.get(key)
    if job is None:
        return 1
    try:
        with running_callback(job.guard):
            job.write(data, length)
        return 0
    except BaseException as error:  # noqa: BLE001
        return _callback_failed(job, error)


@_capi.zstdpool_done_fn
def _done_trampoline(key, name, status, message, bytes_in, bytes_out):  # type: ignore[no-untyped-def]
    job = _jobs.pop(key, None)
    if job is None:
        return
    pool = job.pool
    text = message.decode("utf-8", "replace") if message else None
    with running_callback(job.guard):
        if job.error is not None:
            pool._callback_errors.append((job.name, job.error))
        try:
            job.finish(status == Status.OK)
        except BaseException as exc:  # noqa: BLE001
            pool._callback_errors.append((job.name, exc))
            if status == Status.OK:
                # The output file could not be completed (it is removed): the entry is listed
                # as rejected here, though the library's statistics count it as done.
                status, text = Status.WRITE, f"{job.name}: closing the output failed: {exc}"
                job.error = exc
        if status != Status.OK:
            failure = job.error if job.error is not None else rejection_error(status, text or "", job.name)
            pool._rejections.append(Rejection(job.name, job.entry, status_of(status), text or "", failure))
        if job.done is not None:
            try:
                job.done(job.name, status_of(status), text, bytes_in, bytes_out)
            except BaseException as error:  # noqa: BLE001
                pool._callback_errors.append((job.name, error))
    # The job's reference to the pool goes here, on a worker thread: if it was the last
    # one, the pool's finalizer defers the free (see _release).
    del job, pool


# --- Batches (compress_many / decompress_many) ---------------------------------------------


class _BatchInput:
    """The C arrays of one zstdpool_pool_run_batch call, and the Python objects they point
    into (kept alive, unchanged, until the call returns: bytes are borrowed, not copied)."""

    __slots__ = ("count", "items", "names", "dicts", "data", "sizes", "pins", "total", "volumes",
                 "inputs")

    def __init__(self, items: Iterable[BatchItem], dict_name: Optional[str], volumes: bool):
        if isinstance(items, (bytes, bytearray, memoryview, str)):
            raise TypeError("items must be an iterable of items (e.g. a list of (name, "
                            "dict_name, data) tuples), not a single bytes or str object")
        try:
            iterator = iter(items)
        except TypeError:
            raise TypeError(f"items must be iterable, not {type(items).__name__}") from None
        default_dict = _category(dict_name, "dict_name")
        self.items: List[Any] = []
        names: List[bytes] = []
        dicts: List[Optional[bytes]] = []
        data: List[Union[bytes, int, None]] = []
        sizes: List[int] = []
        self.pins: List[Any] = []  # ctypes views pinning bytearrays and writable buffers
        self.volumes: Dict[bytes, List[int]] = {}  # category -> [bytes, entries]
        # Encoded categories by the object given (most items share a few categories).
        categories: Dict[Any, Optional[bytes]] = {None: None}
        append_item, append_name, append_dict = self.items.append, names.append, dicts.append
        append_data, append_size = data.append, sizes.append
        for index, item in enumerate(iterator):
            try:
                if (type(item) is tuple and len(item) == 3 and type(item[0]) is str
                        and type(item[2]) is bytes):
                    # The common case, fast: (str name, category, bytes).
                    name: Any = item[0].encode("utf-8")
                    if b"\0" in name:
                        raise ValueError(f"name contains a NUL character: {item[0]!r}")
                    dict_value = item[1]
                    try:
                        category = categories[dict_value]
                    except (KeyError, TypeError):  # TypeError: not hashable
                        category = _category(dict_value, "dict_name")
                        if isinstance(dict_value, (str, bytes)):
                            categories[dict_value] = category
                    payload: Any = item[2]
                    pointer: Union[bytes, int, None] = payload
                    size = len(payload)
                else:
                    if isinstance(item, (bytes, bytearray, memoryview)):
                        name = b"#%d" % index
                        category = default_dict
                        payload = item
                    elif isinstance(item, tuple):
                        if len(item) != 3:
                            raise TypeError(f"a tuple item must be (name, dict_name, data), "
                                            f"not {len(item)} values")
                        name, dict_value, payload = item
                        name = encode(name, "name", path=True)
                        category = _category(dict_value, "dict_name")
                    elif isinstance(item, Entry):
                        name = encode(item.name, "name", path=True)
                        category = _category(item.dict_name, "dict_name")
                        payload = item.data
                    else:
                        raise TypeError(f"an item must be a (name, dict_name, data) tuple, an "
                                        f"Entry or bytes-like data, not {type(item).__name__}")
                    pointer, size = self._pointer(payload)
                    if isinstance(item, Entry) and item.size is not None and item.size != size:
                        raise ValueError(f"its size is {item.size} but its data has {size} bytes")
            except (TypeError, ValueError) as error:
                kind = TypeError if isinstance(error, TypeError) else ValueError
                raise kind(f"item {index}: {error}") from error
            append_item(item)
            append_name(name)
            append_dict(category)
            append_data(pointer)
            append_size(size)
            if volumes and category is not None:
                volume = self.volumes.get(category)
                if volume is None:
                    self.volumes[category] = [size, 1]
                else:
                    volume[0] += size
                    volume[1] += 1
        self.count = count = len(names)
        self.total = sum(sizes)
        self.inputs = (data, sizes)  # bytes or addresses, and sizes (see _into.targets)
        self.names = (c_char_p * count)(*names)
        self.dicts = None if all(d is None for d in dicts) else (c_char_p * count)(*dicts)
        self.data = ctypes.cast((c_char_p * count)(*data),  # type: ignore[misc]
                                POINTER(POINTER(c_uint8)))
        self.sizes = (c_size_t * count)(*sizes)

    def _pointer(self, payload: Any) -> Tuple[Union[bytes, int, None], int]:
        """What the data array holds for one input (bytes themselves, or an address) and its
        size. bytes are borrowed; a bytearray or writable buffer is pinned (it cannot be
        resized during the call) and borrowed; other buffers are copied once."""
        if type(payload) is bytes:
            return payload, len(payload)
        if isinstance(payload, bytes):
            return bytes(payload), len(payload)
        if isinstance(payload, bytearray):
            if not payload:
                return None, 0
            view = (c_char * len(payload)).from_buffer(payload)
            self.pins.append(view)
            return ctypes.addressof(view), len(payload)
        if isinstance(payload, memoryview):
            if payload.nbytes == 0:
                return None, 0
            if not payload.readonly and payload.c_contiguous:
                view = (c_char * payload.nbytes).from_buffer(payload.cast("B"))
                self.pins.append(view)
                return ctypes.addressof(view), payload.nbytes
            return payload.tobytes(), payload.nbytes
        if isinstance(payload, str):
            raise TypeError("its data is a str: give bytes (e.g. text.encode())")
        raise TypeError(f"its data must be bytes-like, not {type(payload).__name__}")


def _category(dict_name: Any, what: str) -> Optional[bytes]:
    if dict_name is None:
        return None
    data = encode(dict_name, what)
    if not data:
        raise ValueError(f"{what} must not be empty: give None for no category")
    return data


class _BatchMemory:
    """Owns a finished batch whose outputs are handed out as memoryviews (copy=False): the
    batch is freed when the last view (each holds this object) goes away."""

    __slots__ = ("batch", "__weakref__")

    def __init__(self, batch: Any):
        self.batch = batch

    def view(self, address: int, length: int) -> memoryview:
        array = (c_char * length).from_address(address)
        array._owner = self  # type: ignore[attr-defined]  # keeps the batch alive
        return memoryview(array).cast("B").toreadonly()

    def __del__(self) -> None:
        batch, self.batch = self.batch, None
        if batch is not None and lib is not None:
            lib.zstdpool_batch_free(batch)


def _read_batch(batch: Any, inputs: _BatchInput, memory: Optional[_BatchMemory] = None,
                placed: Optional[List[Optional[bytes]]] = None
                ) -> Tuple[List[Any], List["Rejection"]]:
    """Every output of a finished batch (None for a rejected entry) and its rejections: bytes
    copied out of the batch, or read-only memoryviews into it when ``memory`` owns it; an
    output the library wrote into its ``placed`` bytes object (same address) is that
    object."""
    results: List[Any] = []
    rejections: List[Rejection] = []
    count = lib.zstdpool_batch_count(batch)
    try:
        addresses, lengths, statuses = _capi.batch_entries(batch, count)
    except _capi.CError as error:
        raise error_for(error.status, _capi.last_error()) from None
    string_at = ctypes.string_at
    address_of = _into.address
    empty = memoryview(b"")
    append = results.append
    for index, status in enumerate(statuses):
        if status == 0:
            n = lengths[index]
            target = placed[index] if placed is not None else None
            if not n:
                append(b"" if memory is None else empty)
            elif (target is not None and n == len(target)
                  and addresses[index] == address_of(target)):
                append(target)  # the library decoded into it: len(target) == n
            elif memory is None:
                append(string_at(addresses[index], n))  # type: ignore[arg-type]
            else:
                append(memory.view(addresses[index], n))  # type: ignore[arg-type]
            continue
        append(None)
        message = (lib.zstdpool_batch_message(batch, index) or b"").decode("utf-8", "replace")
        name = os.fsdecode(inputs.names[index] or b"")
        code = status_of(status)
        rejections.append(Rejection(name, inputs.items[index], code, message,
                                    rejection_error(code, message, name)))
    return results, rejections


def _run_interruptibly(function: Callable[[], Any]) -> Any:
    """function() on a helper thread while this (main) thread waits in slices, so that
    Ctrl-C interrupts the wait; the helper finishes its call on its own then."""
    outcome: List[Tuple[bool, Any]] = []
    finished = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as error:  # noqa: BLE001 -- handed to the waiting thread
            outcome.append((False, error))
        finally:
            finished.set()

    threading.Thread(target=run, name="zstdpool-batch", daemon=True).start()
    while not finished.wait(SLICE_SECONDS):
        pass
    ok, value = outcome[0]
    if ok:
        return value
    raise value


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
    status: Union[DictStatus, int]
    status_message: str
    dict_id: int
    dict_size: int
    train_seconds: float
    samples: int
    sample_bytes: int


@dataclass(frozen=True)
class Stats:
    """A pool's totals, its categories by name ("" for entries without one) and its
    ``archive_ratio``: raw bytes / (frame bytes + the bytes of each dictionary in use,
    counted once), what storing the frames costs when the dictionaries travel with them
    (``totals.ratio`` leaves the dictionaries out); 0 when nothing was compressed."""

    totals: Counts
    categories: Dict[str, CategoryStats]
    archive_ratio: float = 0.0


@dataclass(frozen=True)
class Rejection:
    """A rejected entry: its name, the entry object given to ``add``, the library's status
    and message, and the exception: the one a Python callback raised, else a
    :class:`RejectedError` with the status and message."""

    name: str
    entry: Any
    status: Union[Status, int]
    message: str
    error: BaseException


# --- bytes entries in batches -------------------------------------------------------------


class _Pending:
    """A bytes entry given to ``add``, waiting to be handed to the library in a batch."""

    __slots__ = ("job", "name", "dict_name", "data")

    def __init__(self, job: _Job, name: bytes, dict_name: Optional[bytes], data: bytes):
        self.job = job
        self.name = name
        self.dict_name = dict_name
        self.data = data


class _BatchRecord:
    """A batch handed to zstdpool_pool_add_batch: its entries and the C arrays, which must
    stay alive and unchanged until its done callback."""

    __slots__ = ("pool", "entries", "arrays")

    def __init__(self, pool: Optional["_Pool"], entries: List[_Pending], arrays: Tuple[Any, ...]):
        self.pool = pool
        self.entries = entries
        self.arrays = arrays


# Batches being processed, by key (the user_data given to the library).
_batches: Dict[int, _BatchRecord] = {}
_batch_keys = itertools.count(1)


def _submit_pending(guard: "_Guard", pool: Optional["_Pool"]) -> None:
    """Hands the guard's pending bytes entries to the library in one batch
    (zstdpool_pool_add_batch; one Python callback for the whole batch). ``pool`` None: the
    pool object is gone (its finalizer): outputs and done callbacks still happen."""
    with guard.pending_lock:
        entries, guard.pending, guard.pending_bytes = guard.pending, [], 0
    if not entries:
        return
    count = len(entries)
    names = (c_char_p * count)(*[e.name for e in entries])
    dicts = (c_char_p * count)(*[e.dict_name for e in entries])
    data = ctypes.cast((c_char_p * count)(*[e.data for e in entries]),
                       POINTER(POINTER(c_uint8)))
    sizes = (c_size_t * count)(*[len(e.data) for e in entries])
    for entry in entries:
        entry.job.pool = pool
    record = _BatchRecord(pool, entries, (names, dicts, data, sizes))
    key = next(_batch_keys)
    _batches[key] = record
    try:
        status = lib.zstdpool_pool_add_batch(guard.handle, count, names, dicts, data, sizes,
                                             _batch_done_trampoline, key)
    except BaseException:
        _batches.pop(key, None)
        raise
    if status not in (Status.OK, Status.STOPPED):  # STOPPED: done still reports each entry
        # Refused as a whole (nothing taken, done never called): each entry is rejected here.
        _batches.pop(key, None)
        message = _capi.pool_last_error(guard.handle)
        for entry in entries:
            _end_batch_entry(record, entry, status, f"{entry.job.name}: {message}", 0, 0, None)


def _end_batch_entry(record: _BatchRecord, entry: _Pending, status: int, text: Optional[str],
                     bytes_in: int, bytes_out: int, output: Any) -> None:
    """One entry of a batch ended: its output written, rejection listed, done called."""
    job, pool = entry.job, record.pool
    errors: List[Tuple[str, BaseException]] = pool._callback_errors if pool is not None else []
    if status == Status.OK:
        try:
            if output is not None:
                # ``output`` points into the batch, freed once the batch's callback returns:
                # only a bytearray copies it at once; a writer gets bytes of its own (it may
                # keep what it is given).
                job.write_buffer(output if isinstance(job.sink, bytearray) else bytes(output))
            job.finish(True)
        except BaseException as exc:  # noqa: BLE001 -- nothing may cross the C library
            errors.append((job.name, exc))
            status, text = Status.WRITE, f"{job.name}: writing the output failed: {exc}"
            job.error = exc
            bytes_in = bytes_out = 0
            try:
                job.finish(False)
            except BaseException as exc2:  # noqa: BLE001
                errors.append((job.name, exc2))
    else:
        try:
            job.finish(False)
        except BaseException as exc:  # noqa: BLE001
            errors.append((job.name, exc))
    if status != Status.OK and pool is not None:
        failure = job.error if job.error is not None else rejection_error(status, text or "", job.name)
        pool._rejections.append(Rejection(job.name, job.entry, status_of(status), text or "", failure))
    if job.done is not None:
        try:
            job.done(job.name, status_of(status), text, bytes_in, bytes_out)
        except BaseException as error:  # noqa: BLE001
            errors.append((job.name, error))


@_capi.zstdpool_batch_done_fn
def _batch_done_trampoline(key, batch):  # type: ignore[no-untyped-def]
    record = _batches.pop(key, None)
    if record is None:
        lib.zstdpool_batch_free(batch)
        return
    try:
        guard = record.entries[0].job.guard
        try:
            addresses, lengths, statuses = _capi.batch_entries(batch, len(record.entries))
        except _capi.CError as error:  # not expected: the batch has these entries
            addresses, lengths = [None] * len(record.entries), [0] * len(record.entries)
            statuses = [error.status] * len(record.entries)
        with running_callback(guard):
            for index, entry in enumerate(record.entries):
                status = statuses[index]
                if status == Status.OK:
                    n = lengths[index]
                    output = (c_uint8 * n).from_address(addresses[index]) if n else None  # type: ignore[arg-type]
                    _end_batch_entry(record, entry, status, None, len(entry.data), n, output)
                else:
                    message = (lib.zstdpool_batch_message(batch, index) or b"").decode("utf-8", "replace")
                    _end_batch_entry(record, entry, status, message, 0, 0, None)
    finally:
        lib.zstdpool_batch_free(batch)
        # The entries' references to the pool go here, on a worker thread: if one was the
        # last, the pool's finalizer defers the free (see _release).
        del record


def _cancel_pending(guard: "_Guard", pool: "_Pool") -> None:
    """cancel(): the pending bytes entries, never handed to the library, are rejected as
    the library rejects its queued ones (Status.CANCELLED, a Cancelled exception)."""
    with guard.pending_lock:
        entries, guard.pending, guard.pending_bytes = guard.pending, [], 0
    if not entries:
        return
    record = _BatchRecord(pool, entries, ())
    for entry in entries:
        entry.job.pool = pool
        message = f"{entry.job.name}: cancelled before it ran"
        entry.job.error = Cancelled(message, entry.job.name)
        _end_batch_entry(record, entry, Status.CANCELLED, message, 0, 0, None)


# --- The handle ---------------------------------------------------------------------------------


class _Guard:
    """A pool's C handle and who is using it: close() and the finalizer free it only once no
    call is in flight, so no sequence of calls from any threads can use a freed pool."""

    def __init__(self, handle: Any):
        self.handle = handle
        self.pid = os.getpid()
        self.cond = threading.Condition(threading.Lock())
        self.users = 0
        self.closing = False
        # bytes entries added but not yet handed to the library (see _submit_pending)
        self.pending: List[_Pending] = []
        self.pending_bytes = 0
        self.pending_lock = threading.Lock()

    def check_process(self) -> None:
        if os.getpid() != self.pid:
            raise UsedAfterForkError(
                f"this pool was created in process {self.pid}; its worker threads do not "
                f"exist in this forked process ({os.getpid()}): create a new pool here")

    def acquire(self) -> Any:
        """The handle, counted as in use until release(); ValueError once closed."""
        self.check_process()
        with self.cond:
            if self.handle is None or self.closing:
                raise ValueError("the pool is closed")
            self.users += 1
            return self.handle

    def release(self) -> None:
        with self.cond:
            self.users -= 1
            if self.users == 0:
                self.cond.notify_all()

    def use(self) -> "_Use":
        return _Use(self)


class _Use:
    __slots__ = ("guard", "handle")

    def __init__(self, guard: _Guard):
        self.guard = guard

    def __enter__(self) -> Any:
        self.handle = self.guard.acquire()
        return self.handle

    def __exit__(self, *exc: Any) -> None:
        self.guard.release()


def _free_when_unused(guard: _Guard) -> None:
    """Stops the pool, waits until no call uses it, frees it (from a thread that is none of
    its workers). A second caller waits for the first one's free."""
    with guard.cond:
        if guard.handle is None:
            return
        if guard.closing:
            while guard.handle is not None:
                guard.cond.wait()
            return
        guard.closing = True
        handle = guard.handle
    _submit_pending(guard, None)
    lib.zstdpool_pool_stop(handle)
    with guard.cond:
        while guard.users:
            guard.cond.wait()
    status = lib.zstdpool_pool_free(handle)
    with guard.cond:
        if status == Status.OK:
            guard.handle = None
        else:  # WOULD_DEADLOCK: a provider callback of this pool; the pool is untouched
            guard.closing = False
        guard.cond.notify_all()
    if status != Status.OK:
        raise error_for(status, _capi.last_error())


def _release(guard: _Guard) -> None:
    """The pool object is gone (its finalizer): frees the C pool, on another thread when
    this one is the pool's own worker (the last reference dropped in a callback) or a call
    is still in flight."""
    if os.getpid() != guard.pid or guard.handle is None:
        return  # a forked child: the pool's threads are the parent's, leave it alone
    try:
        _submit_pending(guard, None)  # bytes entries still waiting for their batch
    except BaseException:  # noqa: BLE001 -- a finalizer must not raise
        pass
    with guard.cond:
        busy = guard.users > 0
    if not busy and not in_callback_of(guard):
        status = lib.zstdpool_pool_free(guard.handle)
        if status != Status.WOULD_DEADLOCK:
            guard.handle = None
            return
    threading.Thread(target=_free_when_unused, args=(guard,), name="zstdpool-free",
                     daemon=True).start()


def _timeout_ms(timeout: Optional[float]) -> Optional[float]:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real):
        raise TypeError(f"timeout must be a number of seconds or None, not {type(timeout).__name__}")
    if math.isnan(timeout) or timeout < 0:
        raise ValueError(f"timeout must be >= 0 seconds, not {timeout!r}")
    return float(timeout)


# --- Pools ------------------------------------------------------------------------------------------


_PoolT = TypeVar("_PoolT", bound="_Pool")


class _Pool:
    _compress = True

    def __init__(self, dict_provider: Any, config: Union[Config, Dict[str, int], None] = None,
                 workers: Optional[int] = None, processors: Optional[int] = None,
                 **options: int):
        self.dict_provider: DictProvider = as_provider(dict_provider)
        overrides: Dict[str, int] = dict(options)
        if workers is not None:
            overrides["workers"] = integer(workers, "workers", 1, 1 << 31)
        if processors is not None:
            overrides["processors"] = integer(processors, "processors", -(1 << 31), 1 << 31)
        if config is None:
            config = Config(**overrides)
        elif isinstance(config, dict):
            config = Config(**{**config, **overrides})
        elif isinstance(config, Config):
            if overrides:
                config = config.copy(**overrides)
        else:
            raise TypeError(f"config must be a Config, a dict or None, not {type(config).__name__}")
        if not config.is_set("workers"):
            # The original pool's default: one worker per CPU.
            config = config.copy(workers=os.cpu_count() or 2)
        self.config = config
        handle = POINTER(zstdpool_pool)()
        new = lib.zstdpool_compressor_new if self._compress else lib.zstdpool_decompressor_new
        check(new(config._handle, self.dict_provider._handle, ctypes.byref(handle)))
        self._guard = _Guard(handle)
        self._callback_errors: List[Tuple[str, BaseException]] = []
        self._rejections: List[Rejection] = []
        self._cancelled = False
        self._interrupt: Optional[BaseException] = None
        self._open_inputs = 0
        self._open_lock = threading.Lock()
        self._volume_hints: Set[bytes] = set()  # categories given a volume by the user
        self._stop_requested = False
        self._categories: Dict[str, bytes] = {}  # categories add() has checked, encoded
        #: Whether add() hands bytes entries to the library in batches (else one by one,
        #: through the read/write callbacks).
        self._batch_bytes_entries = True
        self._finalizer = weakref.finalize(self, _release, self._guard)

    def _count_open(self, delta: int) -> None:
        with self._open_lock:
            self._open_inputs += delta

    # -- errors
    def _check(self, handle: Any, status: int) -> None:
        if status != Status.OK:
            raise error_for(status, _capi.pool_last_error(handle))

    def _interrupted(self, error: BaseException) -> None:
        """A KeyboardInterrupt or SystemExit in a callback: cancel, re-raise when waiting."""
        if self._interrupt is None:
            self._interrupt = error
        self._cancelled = True

    def _raise_interrupt(self) -> None:
        error, self._interrupt = self._interrupt, None
        if error is not None:
            raise error

    def _refuse_in_callback(self, what: str) -> None:
        if in_callback_of(self._guard):
            raise DeadlockError(Status.WOULD_DEADLOCK,
                                f"{what} from inside one of the pool's own callbacks would "
                                f"wait for that callback itself")

    # -- entries
    def add(self, data_in: Any, data_out: Any, done: Optional[DoneFn] = None) -> None:
        """Adds an entry: reads ``data_in`` (an object with ``name``, ``dict_name`` and
        ``data``, e.g. an :class:`Entry`), writes the result to ``data_out``: a writable binary
        file-like object, a bytearray, a path (opened when the first bytes are written,
        closed when done, removed if the entry is rejected), an opener (a callable returning
        a writable binary file), or an object whose ``data`` is one of those.

        ``done(name, status, message, bytes_in, bytes_out)``, if given, is called from a
        worker thread when the entry is finished. Starts the pool; blocks while it is full.

        Raises TypeError/ValueError for a bad argument (nothing is added then),
        :class:`StoppedError` (a RuntimeError) when the pool is stopping or stopped.
        """
        if (type(data_in) is Entry and type(data_in.data) is bytes and data_in.size is None
                and type(data_in.name) is str and type(data_out) is bytearray
                and (done is None or callable(done)) and self._interrupt is None
                and self._batch_bytes_entries and not (self._stop_requested or self._cancelled)):
            # The common case of a bytes entry into a bytearray, with a category met before:
            # the checks below, done once per category.
            fast_dict = data_in.dict_name
            fast_c_dict = None if fast_dict is None else self._categories.get(fast_dict)
            if fast_dict is None or fast_c_dict is not None:
                fast_name = data_in.name
                fast_c_name = fast_name.encode("utf-8")  # a lone surrogate raises ValueError
                if b"\0" not in fast_c_name:
                    self._add_to_batch(data_in, fast_name, fast_c_name, fast_c_dict, None,
                                       data_out, None, None, done, fast_name)
                    return
        self._raise_interrupt()
        name = getattr(data_in, "name")
        dict_name = getattr(data_in, "dict_name", None)
        source = getattr(data_in, "data", None)
        size = getattr(data_in, "size", None)
        c_name = encode(name, "name", path=True)
        c_dict = None if dict_name is None else encode(dict_name, "dict_name")
        if c_dict and type(dict_name) is str and len(self._categories) < 4096:
            self._categories[dict_name] = c_dict  # a valid category, for the fast path
        if done is not None and not callable(done):
            raise TypeError(f"done must be callable, not {type(done).__name__}")
        if size is not None:
            if isinstance(size, bool):
                raise TypeError("size must be an int, not bool")
            size = integer(size, "size", 0, SIZE_UNKNOWN)
        display = name if isinstance(name, str) else os.fsdecode(name)

        opener = path = None
        if isinstance(source, (bytes, bytearray, memoryview)):
            source = memoryview(source).cast("B")
        elif isinstance(source, os.PathLike):
            path, source = source, None
        elif isinstance(source, str):
            raise TypeError("data_in.data is a str: give pathlib.Path(...) for a file, or bytes")
        elif _is_reader(source):
            pass
        elif callable(source):
            opener, source = source, None
        else:
            raise TypeError("data_in.data must be bytes-like, a readable binary file, a path "
                            "or an opener")
        if size is None:
            size = _input_size(path if path is not None else data_in.data) if opener is None else SIZE_UNKNOWN

        sink_path = sink_opener = None
        sink = data_out
        if not _is_writer(sink) and not isinstance(sink, os.PathLike):
            inner = getattr(data_out, "data", None)
            if _is_writer(inner) or isinstance(inner, os.PathLike):
                sink = inner
            elif callable(data_out) and not isinstance(data_out, type):
                sink_opener, sink = data_out, None
            else:
                raise TypeError("data_out must be a writable binary file, a bytearray, a path "
                                "or an opener (or have one as .data)")
        if isinstance(sink, os.PathLike):
            sink_path, sink = sink, None
        elif isinstance(sink, str):
            raise TypeError("data_out is a str: give pathlib.Path(...) for a file")

        if (isinstance(source, memoryview) and size == source.nbytes
                and not (self._stop_requested or self._cancelled) and self._batch_bytes_entries):
            # (a cancelled pool's entries go through the callbacks, which reject them)
            self._add_to_batch(data_in, display, c_name, c_dict, source, sink, sink_path,
                               sink_opener, done, name)
            return

        job = _Job(self, data_in, display, source, sink, done)
        job.path, job.opener = path, opener
        job.sink_path, job.sink_opener = sink_path, sink_opener
        key = next(_job_keys)
        with self._guard.use() as handle:
            _jobs[key] = job
            try:
                status = lib.zstdpool_pool_add(handle, c_name, c_dict, size, _read_trampoline,
                                               _write_trampoline, _done_trampoline, key)
            except BaseException:
                _jobs.pop(key, None)
                raise
            if status != Status.OK:
                _jobs.pop(key, None)  # refused: no callback will ever come for it
                self._check(handle, status)

    def set_category_volume(self, dict_name: str, volume: int, entries: int = 0) -> None:
        """Tells the trainer that category ``dict_name`` will hold about ``volume`` raw bytes
        in ``entries`` entries in all (``entries`` 0: unknown; ``volume`` 0 removes the hint,
        and the ``training_category_volume`` and ``training_category_entries`` options
        apply). A dictionary is stored once per category, so the trainer keeps one only when
        it pays for itself over that volume: without a hint, a category of a few small
        entries gets none; with the number of entries, the savings measured on samples (the
        entries' first bytes) count once per entry. Give it before adding the category's
        entries (it counts until the category trains)."""
        c_dict = encode(dict_name, "dict_name")
        if not c_dict:
            raise ValueError("dict_name must not be empty (entries refuse \"\" as a category)")
        volume = integer(volume, "volume", 0, SIZE_UNKNOWN - 1)
        entries = integer(entries, "entries", 0, SIZE_UNKNOWN - 1)
        with self._guard.use() as handle:
            self._check(handle, lib.zstdpool_pool_set_category_volume(handle, c_dict, volume,
                                                                      entries))
        self._volume_hints.add(c_dict)

    def _run_many(self, items: Iterable[BatchItem], dict_name: Optional[str],
                  what: str, copy: bool = True) -> List[Any]:
        """compress_many / decompress_many: one zstdpool_pool_run_batch call (decompressing
        into bytes: zstdpool_pool_run_batch_into, decoding into the bytes returned)."""
        self._raise_interrupt()
        self._refuse_in_callback(f"{what}()")
        hint = self._compress and not self.config.is_set("training_category_volume")
        inputs = _BatchInput(items, dict_name, hint)
        guard = self._guard

        if not isinstance(copy, bool):
            raise TypeError(f"copy must be True or False, not {type(copy).__name__}")
        # Decompressed outputs go straight into the bytes objects returned (see _into).
        decode_into = copy and not self._compress and _into.available
        limit = self.config.max_decompressed_size if decode_into else 0

        def run() -> Tuple[List[Any], List[Rejection]]:
            with guard.use() as handle:
                for category, (volume, entries) in inputs.volumes.items():
                    if category not in self._volume_hints:
                        lib.zstdpool_pool_set_category_volume(handle, category, volume, entries)
                if inputs.count == 0:
                    return [], []
                batch = POINTER(zstdpool_batch)()
                if decode_into:
                    placed, addresses, capacities = _into.targets(*inputs.inputs, limit)
                    status = lib.zstdpool_pool_run_batch_into(
                        handle, inputs.count, inputs.names, inputs.dicts, inputs.data,
                        inputs.sizes, ctypes.cast(addresses, POINTER(POINTER(c_uint8))),
                        capacities, ctypes.byref(batch))
                else:
                    status = lib.zstdpool_pool_run_batch(
                        handle, inputs.count, inputs.names, inputs.dicts, inputs.data,
                        inputs.sizes, ctypes.byref(batch))
                if status != Status.OK:
                    self._check(handle, status)
                if not copy:
                    return _read_batch(batch, inputs, _BatchMemory(batch))
                try:
                    return _read_batch(batch, inputs, placed=placed if decode_into else None)
                finally:
                    lib.zstdpool_batch_free(batch)

        outcome: Tuple[List[Any], List[Rejection]]
        if (inputs.total >= INTERRUPTIBLE_BYTES
                and threading.current_thread() is threading.main_thread()):
            outcome = _run_interruptibly(run)
        else:
            outcome = run()
        results, rejections = outcome
        if rejections:
            self._rejections.extend(rejections)
            raise BatchError(results, rejections)
        return results  # no None without a rejection

    def _add_to_batch(self, data_in: Any, display: str, c_name: bytes, c_dict: Optional[bytes],
                      source: Optional[memoryview], sink: Any, sink_path: Any, sink_opener: Any,
                      done: Optional[DoneFn], name: Any) -> None:
        """add() of a bytes entry: kept for the pool's next batch (see BATCH_ENTRIES)."""
        if not isinstance(name, str):
            try:
                c_name.decode("utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"name is not UTF-8: {name!r}") from None
        if c_dict is not None and not c_dict:
            raise ValueError("dict_name must not be empty: give None for no category")
        raw = data_in.data
        # bytes are borrowed, other bytes-like inputs copied
        data = raw if type(raw) is bytes else source.tobytes()  # type: ignore[union-attr]
        guard = self._guard
        job = _Job(None, data_in, display, None, sink, done, guard)
        job.sink_path, job.sink_opener = sink_path, sink_opener
        with guard.use():
            with guard.pending_lock:
                guard.pending.append(_Pending(job, c_name, c_dict, data))
                guard.pending_bytes += len(data)
                full = len(guard.pending) >= BATCH_ENTRIES or guard.pending_bytes >= BATCH_BYTES
            # From one of the pool's callbacks, at once: a wait() in progress then includes it.
            if full or in_callback_of(guard):
                _submit_pending(guard, self)

    def _hand_over(self) -> None:
        """Hands the pending bytes entries to the library."""
        guard = self._guard
        if guard.pending:
            with guard.use():
                _submit_pending(guard, self)

    # -- lifecycle
    def start(self) -> None:
        """Starts the workers (``add`` does it too); nothing if they run."""
        with self._guard.use() as handle:
            self._check(handle, lib.zstdpool_pool_start(handle))

    def flush(self) -> None:
        """Trains every category still waiting for samples with what it has. Call it after
        the last ``add`` of a batch. Hands pending bytes entries to the library first."""
        self._hand_over()
        with self._guard.use() as handle:
            self._check(handle, lib.zstdpool_pool_flush(handle))

    def wait(self) -> None:
        """Blocks until every entry added so far is finished, except entries waiting for
        training samples (``collecting`` says how many; call ``flush`` first to include
        them). Interruptible (Ctrl-C); re-raises a KeyboardInterrupt or SystemExit raised in
        a callback. Raises DeadlockError from inside one of the pool's callbacks."""
        self._refuse_in_callback("wait()")
        self._hand_over()
        handle = self._guard.acquire()
        finished = threading.Event()
        outcome: List[Tuple[int, str]] = []

        def run() -> None:
            try:
                status = lib.zstdpool_pool_wait(handle)
                outcome.append((status, _capi.pool_last_error(handle) if status else ""))
            finally:
                self._guard.release()
                finished.set()

        try:
            threading.Thread(target=run, name="zstdpool-wait", daemon=True).start()
        except BaseException:
            self._guard.release()
            raise
        while not finished.wait(SLICE_SECONDS):
            self._raise_interrupt()
        self._raise_interrupt()
        if outcome and outcome[0][0] != Status.OK:
            raise error_for(*outcome[0])

    def stop(self) -> None:
        """Waits for the entries added so far (as ``wait``; not from inside a callback,
        where it cannot), then takes no more entries: the pool trains what waits for samples,
        finishes every entry, and its workers exit (``join`` waits for that)."""
        if not in_callback_of(self._guard):
            self.wait()
        self._stop_requested = True
        self._hand_over()
        with self._guard.use() as handle:
            self._check(handle, lib.zstdpool_pool_stop(handle))

    def cancel(self) -> None:
        """Cancels the pool (zstdpool_pool_cancel): it takes no new entries, every entry not
        being processed yet ends at once, rejected with Status.CANCELLED (its exception: a
        :class:`Cancelled`; bytes entries the package still holds end the same way), and
        entries being processed finish. Nothing is trained; the workers then exit (``join``
        waits for that). Does not wait."""
        self._cancelled = True
        self._stop_requested = True
        with self._guard.use() as handle:
            _cancel_pending(self._guard, self)
            self._check(handle, lib.zstdpool_pool_cancel(handle))

    def join(self, timeout: Optional[float] = None) -> bool:
        """Waits (at most ``timeout`` seconds; None: no limit) until the stopped pool's
        workers have exited. Returns whether they have. Interruptible (Ctrl-C)."""
        seconds = _timeout_ms(timeout)
        self._hand_over()
        deadline = None if seconds is None else time.monotonic() + seconds
        while True:
            slice_ = SLICE_SECONDS if deadline is None else max(0.0, min(SLICE_SECONDS, deadline - time.monotonic()))
            with self._guard.use() as handle:
                status = lib.zstdpool_pool_join(handle, int(slice_ * 1000))
                if status not in (Status.OK, Status.TIMEOUT):
                    self._check(handle, status)
            self._raise_interrupt()
            if status == Status.OK:
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False

    def close(self) -> None:
        """Stops the pool, waits for its workers and frees it (idempotent); afterwards every
        call raises ValueError. Raises DeadlockError from inside one of the pool's own
        callbacks (the pool is then untouched)."""
        guard = self._guard
        guard.check_process()
        if guard.handle is None:
            return
        self._refuse_in_callback("close()")
        self._stop_requested = True
        self._hand_over()
        self._finalizer.detach()
        _free_when_unused(guard)

    def __enter__(self: _PoolT) -> _PoolT:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._guard.handle is None:
            return
        if exc_type is None:
            self.stop()
        else:
            self.cancel()  # e.g. KeyboardInterrupt: do not wait for everything queued
        self.join()

    # -- state
    @property
    def state(self) -> State:
        """The lifecycle state."""
        out = c_int32()
        with self._guard.use() as handle:
            self._check(handle, lib.zstdpool_pool_state(handle, ctypes.byref(out)))
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
    def collecting(self) -> int:
        """How many entries wait for samples to train their category's dictionary
        (zstdpool_pool_collecting): the entries ``wait`` does not wait for. They end once
        enough samples arrive, or after ``flush``, ``stop`` or ``cancel``. Hands pending
        bytes entries to the library first."""
        self._hand_over()
        out = c_size_t()
        with self._guard.use() as handle:
            self._check(handle, lib.zstdpool_pool_collecting(handle, ctypes.byref(out)))
        return out.value

    def process_one(self, name: Union[str, bytes], dict_name: Optional[str],
                    data: BytesLike) -> bytes:
        """Compresses (or, for a DecompressorPool, decompresses) one entry now, on the
        calling thread (zstdpool_pool_process_one), and returns its output: for random
        access, where a trip through the workers costs more than the entry. Uses the pool's
        prepared dictionary of ``dict_name`` (None: none when compressing; when
        decompressing, the dictionary the frame names by its id); compressing a category
        whose dictionary is not known yet uses none. Not an entry of the pool: no
        callbacks, not in ``stats``; allowed in any state (also stopped) and from the
        pool's callbacks.

        Raises :class:`RejectedError` with the library's status and message ("NAME: ...")
        when the entry fails (e.g. NOT_ZSTD, TRUNCATED, DICT_MISSING), TypeError/ValueError
        for a bad argument."""
        c_name = encode(name, "name", path=True)
        c_dict = _category(dict_name, "dict_name")
        if isinstance(data, str) or not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes-like, not {type(data).__name__}")
        if type(data) is not bytes:
            data = memoryview(data).tobytes()
        batch = POINTER(zstdpool_batch)()
        with self._guard.use() as handle:
            status = lib.zstdpool_pool_process_one(
                handle, c_name, c_dict, ctypes.cast(c_char_p(data), POINTER(c_uint8)),
                len(data), ctypes.byref(batch))
            if status != Status.OK:
                message = _capi.last_error()
                if status in (Status.INVALID_ARGUMENT, Status.INVALID_CONFIG):
                    raise error_for(status, message)
                display = name if isinstance(name, str) else os.fsdecode(name)
                # The library's thread message starts with the function's name; an entry's
                # rejection reads "NAME: ..." as everywhere else.
                prefix = "zstdpool_pool_process_one: "
                if message.startswith(prefix):
                    message = message[len(prefix):]
                raise rejection_error(status, message, display)
        try:
            pointer, length = POINTER(c_uint8)(), c_size_t()
            check(lib.zstdpool_batch_entry(batch, 0, ctypes.byref(pointer), ctypes.byref(length)))
            return ctypes.string_at(pointer, length.value) if length.value else b""
        finally:
            lib.zstdpool_batch_free(batch)

    @property
    def rejected(self) -> List[Tuple[Any, BaseException]]:
        """The rejected entries so far, as in the original pool: (entry, exception) in the
        order they ended; the entry is the object given to ``add``, the exception the one its
        reader or writer raised, else a RejectedError with the library's status and message
        (see ``rejections`` for both)."""
        return [(r.entry, r.error) for r in list(self._rejections)]

    @property
    def rejections(self) -> List[Rejection]:
        """The rejected entries so far, with name, entry, status, message and exception."""
        return list(self._rejections)

    @property
    def callback_errors(self) -> List[Tuple[str, BaseException]]:
        """(entry name, exception) for every exception a reader, writer or done callback
        raised (the entry was then rejected, READ or WRITE, unless done raised)."""
        return list(self._callback_errors)

    @property
    def stats(self) -> Stats:
        """Totals and per-category statistics (a snapshot). Hands pending bytes entries to
        the library first, so that they are counted."""
        self._hand_over()
        with self._guard.use() as handle:
            try:
                totals, records, archive_ratio = _capi.read_stats(handle)
            except _capi.CError as error:
                self._check(handle, error.status)
                raise
        categories = {}
        for c in records:
            try:
                status: Union[DictStatus, int] = DictStatus(c.status)
            except ValueError:
                status = c.status
            categories[c.name] = CategoryStats(
                c.name, Counts._from(c.counts), status, c.status_message, c.dict_id,
                c.dict_size, c.train_seconds, c.samples, c.sample_bytes)
        return Stats(Counts._from(totals), categories, archive_ratio)


class CompressorPool(_Pool):
    """Compresses entries into zstd frames, training one dictionary per category (stored
    through ``dict_provider``).

    ``CompressorPool(dict_provider, config=None, workers=None, processors=None, **options)``:
    ``config`` is a Config or a dict of options; ``workers`` (default ``os.cpu_count() or
    2``), ``processors`` and other keywords override it."""

    _compress = True

    @overload
    def compress_many(self, items: Iterable[BatchItem], *, dict_name: Optional[str] = None,
                      copy: Literal[True] = True) -> List[bytes]: ...

    @overload
    def compress_many(self, items: Iterable[BatchItem], *, dict_name: Optional[str] = None,
                      copy: Literal[False]) -> List[memoryview]: ...

    def compress_many(self, items: Iterable[BatchItem], *, dict_name: Optional[str] = None,
                      copy: bool = True) -> Union[List[bytes], List[memoryview]]:
        """Compresses many entries from memory in one library call and returns their zstd
        frames in the items' order (a list of bytes).

        ``items``: ``(name, dict_name, data)`` tuples, :class:`Entry` objects with bytes-like
        data, or bare bytes-like objects (named ``#<index>``, in category ``dict_name``);
        ``dict_name`` None: no dictionary. bytes are read in place (not copied); a
        bytearray cannot be resized during the call. Categories without a dictionary train
        on this call's entries (the call flushes); unless the configuration sets
        ``training_category_volume`` or ``set_category_volume`` was called for it, each
        category's volume hint is its bytes in this call.

        No Python code runs per entry and the GIL is released while the library works.
        Raises :class:`BatchError` (a ZstdpoolError) if any entry is rejected, with every
        other output and each rejection; TypeError/ValueError for a bad item, before
        anything is compressed; DeadlockError inside one of the pool's callbacks.

        ``copy=False`` returns read-only memoryviews into the library's output buffers
        instead of bytes (no copy; the buffers are freed when the last view is released)."""
        return self._run_many(items, dict_name, "compress_many", copy)


class DecompressorPool(_Pool):
    """Decompresses zstd frames, each entry with its category's dictionary from
    ``dict_provider``; the same arguments as :class:`CompressorPool`."""

    _compress = False

    @overload
    def decompress_many(self, items: Iterable[BatchItem], *, dict_name: Optional[str] = None,
                        copy: Literal[True] = True) -> List[bytes]: ...

    @overload
    def decompress_many(self, items: Iterable[BatchItem], *, dict_name: Optional[str] = None,
                        copy: Literal[False]) -> List[memoryview]: ...

    def decompress_many(self, items: Iterable[BatchItem], *, dict_name: Optional[str] = None,
                        copy: bool = True) -> Union[List[bytes], List[memoryview]]:
        """Decompresses many zstd frames from memory in one library call and returns their
        contents in the items' order. Items as for :meth:`CompressorPool.compress_many`; an
        item without a category (``dict_name`` None) gets the dictionary the frame names by
        its id from the provider (memory and directory providers; an id that two different
        dictionaries claim is a PROVIDER rejection). Raises :class:`BatchError` if any entry
        is rejected (e.g. NOT_ZSTD, TRUNCATED, DICT_MISSING), TypeError/ValueError for a bad
        item. ``copy=False``: read-only memoryviews instead of bytes, as for
        ``compress_many`` (saves copying the contents out of the library's buffers)."""
        return self._run_many(items, dict_name, "decompress_many", copy)
