"""The C API's newer functions through the package: cancel (zstdpool_pool_cancel), the
collecting count, set_category_volume with entries, the archive ratio, process_one, the
providers' get/put/names, the new statuses and options, and batches read with one
zstdpool_batch_entries call."""

import io
import pickle
import threading

import pytest

import zstdpool
from test_zstdpool import make_entries
from zstdpool import (
    BatchError,
    CallbackProvider,
    Cancelled,
    CompressorPool,
    Config,
    DecompressorPool,
    DictStatus,
    DirectoryProvider,
    Entry,
    MemoryProvider,
    RejectedError,
    Status,
    StoppedError,
    ZstdpoolError,
)

#: The tests' categories are a few dozen KB: said to be large, they get dictionaries.
LARGE = dict(workers=2, training_min_samples=16, training_min_bytes=0,
             training_category_volume=1 << 30)
DICT_MAGIC = b"\x37\xa4\x30\xec"


@pytest.fixture(scope="module")
def trained():
    """A provider holding a dictionary per category, the entries and their frames."""
    entries = make_entries(per_category=30)
    provider = MemoryProvider()
    frames = zstdpool.compress_many(entries, provider, Config(**LARGE))
    return provider, entries, frames


class Blocking:
    """A reader that blocks on its first read until released."""

    def __init__(self, data):
        self.started = threading.Event()
        self.release = threading.Event()
        self.stream = io.BytesIO(data)

    def read(self, n):
        self.started.set()
        assert self.release.wait(20)
        return self.stream.read(n)


# --- Statuses and options --------------------------------------------------------------------


def test_new_statuses_and_options():
    assert Status.CANCELLED == 21 and Status.DATABASE == 22 and Status.NOT_FOUND == 35
    assert zstdpool.Option.MAX_REJECTIONS == 7
    assert zstdpool.Option.TRAINING_CATEGORY_ENTRIES == 110
    for status in Status:  # the library has a text for each
        assert zstdpool._lib.zstdpool_status_str(status)
    config = Config(max_rejections=3, training_category_entries=1000)
    assert config.max_rejections == 3 and config.training_category_entries == 1000
    with pytest.raises(ValueError):
        Config(training_category_entries=-1)


def test_cancelled_is_a_rejection_with_its_status():
    error = Cancelled("e1: cancelled before it ran", "e1")
    assert isinstance(error, RejectedError) and isinstance(error, ZstdpoolError)
    assert error.status == Status.CANCELLED and error.name == "e1"
    assert str(error) == "e1: cancelled before it ran [CANCELLED]"
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is Cancelled and (again.status, again.message, again.name) == (
        Status.CANCELLED, error.message, "e1")


# --- cancel ---------------------------------------------------------------------------------------


def test_cancel_ends_queued_entries_as_cancelled_and_lets_the_running_one_finish():
    pool = CompressorPool(MemoryProvider(), workers=1)
    blocking = Blocking(b"running entry " * 100)
    first = io.BytesIO()
    pool.add(Entry("running", None, blocking), first)
    assert blocking.started.wait(20)
    dones = []
    # through the library's read/write callbacks
    for i in range(5):
        pool.add(Entry(f"queued{i}", None, io.BytesIO(b"queued %d " % i * 50)), io.BytesIO(),
                 done=lambda *args: dones.append(args))
    # a full batch of bytes entries, handed to the library (256 entries), then a few the
    # package still holds
    outs = [bytearray() for _ in range(260)]
    for i, out in enumerate(outs):
        pool.add(Entry(f"bytes{i}", None, b"bytes %d " % i * 20), out,
                 done=lambda *args: dones.append(args))
    pool.cancel()
    blocking.release.set()
    assert pool.join(20)
    assert pool.stopped
    with pytest.raises(StoppedError):
        pool.add(Entry("late", None, b"x"), bytearray())

    assert zstdpool.decompress_many([first.getvalue()], MemoryProvider()) == [b"running entry " * 100]
    rejections = {r.name: r for r in pool.rejections}
    assert set(rejections) == {f"queued{i}" for i in range(5)} | {f"bytes{i}" for i in range(260)}
    for name, r in rejections.items():
        assert r.status == Status.CANCELLED, name
        assert isinstance(r.error, Cancelled) and r.error.status == Status.CANCELLED
        assert r.error.name == name and r.message.startswith(f"{name}: ")
        assert "cancel" in r.message
    assert outs == [bytearray()] * 260
    assert len(dones) == 265 and all(d[1] == Status.CANCELLED and d[3:] == (0, 0) for d in dones)
    totals = pool.stats.totals
    assert totals.done == 1 and totals.added == totals.done + totals.rejected
    assert totals.rejected == 5 + 256  # the 4 still held by the package never reached it
    pool.close()


def test_cancel_of_an_idle_pool_and_twice():
    pool = CompressorPool(MemoryProvider(), workers=1)
    pool.cancel()
    pool.cancel()
    assert pool.join(10) and pool.stopped
    pool.close()
    with pytest.raises(ValueError, match="closed"):
        pool.cancel()


# --- collecting, flush, wait -------------------------------------------------------------------


def test_collecting_counts_the_entries_wait_does_not_wait_for():
    entries = make_entries(per_category=6)
    pool = CompressorPool(MemoryProvider(), workers=2, training_min_samples=1000,
                          training_category_volume=1 << 30)
    assert pool.collecting == 0
    outs = [bytearray() for _ in entries]
    for (name, category, data), out in zip(entries, outs):
        pool.add(Entry(name, category, data), out)
    pool.wait()  # returns with the entries still waiting for samples
    assert pool.collecting == len(entries)
    assert pool.stats.totals.done == 0
    pool.flush()
    pool.wait()
    assert pool.collecting == 0 and pool.stats.totals.done == len(entries)
    provider = pool.dict_provider
    pool.close()
    assert zstdpool.decompress_many([bytes(o) for o in outs], provider) == [
        d for _, _, d in entries]
    with pytest.raises(ValueError, match="closed"):
        pool.collecting


# --- set_category_volume ------------------------------------------------------------------------


def test_set_category_volume_takes_the_number_of_entries():
    entries = [e for e in make_entries(per_category=25) if e[1] == "std.out"]
    config = Config(workers=2, training_min_samples=16, training_min_bytes=0)
    with CompressorPool(MemoryProvider(), config) as pool:
        pool.set_category_volume("std.out", 1 << 30, 1 << 20)
        for name, category, data in entries:
            pool.add(Entry(name, category, data), io.BytesIO())
    assert pool.stats.categories["std.out"].status == DictStatus.TRAINED
    with CompressorPool(MemoryProvider(), workers=1) as pool:
        pool.set_category_volume("k", 1000)  # entries default 0: unknown
        pool.set_category_volume("k", 0, 0)  # removes the hint
        for entries_, error in [(-1, ValueError), (2**64, ValueError), ("1", TypeError),
                                (1.0, TypeError), (None, TypeError)]:
            with pytest.raises(error):
                pool.set_category_volume("k", 1, entries_)
        with pytest.raises(TypeError):
            pool.set_category_volume(None, 1, 1)


# --- archive_ratio --------------------------------------------------------------------------------


def test_stats_archive_ratio_counts_the_dictionaries():
    entries = make_entries(per_category=30)
    pool = CompressorPool(MemoryProvider(), Config(**LARGE))
    assert pool.stats.archive_ratio == 0.0  # nothing compressed
    pool.compress_many(entries)
    stats = pool.stats
    dict_bytes = sum(c.dict_size for c in stats.categories.values())
    assert dict_bytes > 0
    expected = stats.totals.raw_bytes / (stats.totals.compressed_bytes + dict_bytes)
    assert stats.archive_ratio == pytest.approx(expected, rel=1e-9)
    assert 1.0 < stats.archive_ratio < stats.totals.ratio
    pool.close()


# --- process_one --------------------------------------------------------------------------------


def test_process_one_round_trips_with_the_pools_dictionaries(trained):
    zstandard = pytest.importorskip("zstandard")
    provider, entries, frames = trained
    compressor = CompressorPool(provider, Config(**LARGE))
    decompressor = DecompressorPool(provider, workers=1)
    for (name, category, data), frame in zip(entries[::7], frames[::7]):
        # decompress one frame of compress_many, on the calling thread
        assert decompressor.process_one(name, category, frame) == data
        assert decompressor.process_one(name, None, frame) == data  # dictionary by id
    # the compressor has not met these categories yet: process_one uses no dictionary
    name, category, data = entries[0]
    plain = compressor.process_one(name, category, data)
    assert zstandard.ZstdDecompressor().decompress(plain) == data
    compressor.compress_many(entries[:3])  # the categories' dictionaries are prepared now
    for name, category, data in entries[::11]:
        frame = compressor.process_one(name, category, bytearray(data))
        assert type(frame) is bytes and frame[:4] == b"\x28\xb5\x2f\xfd"
        assert decompressor.process_one(name, category, memoryview(frame)) == data
        dictionary = zstandard.ZstdCompressionDict(provider.get(category))
        assert zstandard.ZstdDecompressor(dict_data=dictionary).decompress(frame) == data
    # not entries of the pools
    assert decompressor.stats.totals.added == 0
    assert compressor.stats.totals.added == 3
    # empty input, and any state (stopped too)
    compressor.stop()
    compressor.join()
    empty = compressor.process_one("empty", None, b"")
    assert decompressor.process_one("empty", None, empty) == b""
    compressor.close()
    decompressor.close()


def test_process_one_raises_the_librarys_error(trained):
    provider, entries, frames = trained
    pool = DecompressorPool(provider, workers=1)
    cases = [(b"definitely not zstd", Status.NOT_ZSTD), (frames[0][:-5], Status.TRUNCATED)]
    for data, status in cases:
        with pytest.raises(RejectedError) as info:
            pool.process_one("bad/entry", None, data)
        assert info.value.status == status and info.value.name == "bad/entry"
        assert info.value.message.startswith("bad/entry: "), info.value.message
    # a frame made with a dictionary the provider does not have
    elsewhere = MemoryProvider()
    frame = zstdpool.compress_many(make_entries(per_category=30, seed=3), elsewhere,
                                   Config(**LARGE))[0]
    with pytest.raises(ZstdpoolError) as info:
        pool.process_one("no-dict", None, frame)
    assert info.value.status in (Status.DICT_MISSING, Status.PROVIDER)
    assert info.value.message.startswith("no-dict: ")
    assert pool.stats.totals.rejected == 0
    pool.close()


def test_process_one_refuses_bad_arguments():
    pool = CompressorPool(MemoryProvider(), workers=1)
    for name, dict_name, data, error in [
            (None, None, b"x", TypeError), (5, None, b"x", TypeError),
            ("a\0b", None, b"x", ValueError), ("a", "", b"x", ValueError),
            ("a", "c\0d", b"x", ValueError), ("a", 7, b"x", TypeError),
            ("a", None, "text", TypeError), ("a", None, None, TypeError),
            ("a", None, 12, TypeError), (b"\xff\xfe", None, b"x", ValueError)]:
        with pytest.raises(error):
            pool.process_one(name, dict_name, data)
    pool.close()
    with pytest.raises(ValueError, match="closed"):
        pool.process_one("a", None, b"x")


# --- Providers: get, put, names ------------------------------------------------------------------


def test_provider_get_put_names_copy_dictionaries_between_stores(trained, tmp_path):
    provider, entries, frames = trained
    categories = sorted({c for _, c, _ in entries})
    assert provider.names() == categories
    directory = DirectoryProvider(tmp_path / "dicts")
    memory = MemoryProvider()
    assert directory.names() == [] and memory.names() == []
    for name in provider.names():
        dictionary = provider.get(name)
        assert type(dictionary) is bytes and dictionary[:4] == DICT_MAGIC
        directory.put(name, dictionary)
        memory.put(name, bytearray(dictionary))
        assert directory.get(name) == dictionary and memory.get(name) == dictionary
    assert directory.names() == categories and memory.names() == categories
    assert sorted(p.name for p in (tmp_path / "dicts").iterdir()) == [
        f"{c}.zdict" for c in categories]
    items = [(n, c, f) for (n, c, _), f in zip(entries, frames)]
    expected = [d for _, _, d in entries]
    assert zstdpool.decompress_many(items, directory) == expected
    assert zstdpool.decompress_many(items, memory) == expected
    # a new handle on the same directory, as another process would open it
    assert zstdpool.decompress_many(items, DirectoryProvider(tmp_path / "dicts")) == expected
    # replacing, a name written with %XX, a missing name
    directory.put("Gauss_#_#.log", provider.get(categories[0]))
    directory.put("Gauss_#_#.log", provider.get(categories[1]))
    assert directory.get("Gauss_#_#.log") == provider.get(categories[1])
    assert (tmp_path / "dicts" / "Gauss_%23_%23.log.zdict").is_file()
    assert "Gauss_#_#.log" in directory.names()
    assert directory.get("nothing here") is None and memory.get("nothing here") is None


def test_provider_put_refuses_what_is_not_a_dictionary(trained):
    provider = trained[0]
    memory = MemoryProvider()
    with pytest.raises(ZstdpoolError) as info:
        memory.put("x", b"not a dictionary at all")
    assert info.value.status == Status.BAD_DICTIONARY and info.value.message
    with pytest.raises(ZstdpoolError) as info:
        memory.put("x", b"")
    assert info.value.status in (Status.BAD_DICTIONARY, Status.INVALID_ARGUMENT)
    assert memory.names() == []
    good = provider.get(provider.names()[0])
    for name, data, error in [(None, good, TypeError), (3, good, TypeError),
                              ("", good, ValueError), ("a\0b", good, ValueError),
                              ("x", "text", TypeError), ("x", None, TypeError),
                              (b"\xff", good, ValueError)]:
        with pytest.raises(error):
            memory.put(name, data)
    for name, error in [(None, TypeError), (1.5, TypeError), ("a\0b", ValueError)]:
        with pytest.raises(error):
            memory.get(name)
    assert memory.names() == []
    memory.close()
    for call in (lambda: memory.get("x"), lambda: memory.put("x", good), memory.names):
        with pytest.raises(ValueError, match="closed"):
            call()


def test_callback_provider_get_and_put_go_through_the_store(trained):
    provider = trained[0]
    store = {}

    class Store:
        def get(self, name):
            return store.get(name)

        def put(self, name, data):
            store[name] = data

    wrapped = CallbackProvider(Store())
    name = provider.names()[0]
    wrapped.put(name, provider.get(name))
    assert store == {name: provider.get(name)}
    assert wrapped.get(name) == provider.get(name) and wrapped.get("other") is None
    with pytest.raises(ZstdpoolError) as info:
        wrapped.names()
    assert info.value.status == Status.PROVIDER


# --- Batches read with zstdpool_batch_entries ------------------------------------------------------


def test_batch_outputs_and_rejections_keep_their_places(trained):
    provider, entries, frames = trained
    items = [(n, c, f) for (n, c, _), f in zip(entries, frames)]
    bad = {3: b"garbage", 50: frames[50][:10], len(items) - 1: b""}
    for index, data in bad.items():
        items[index] = (items[index][0], items[index][1], data)
    for copy in (True, False):
        with pytest.raises(BatchError) as info:
            zstdpool.decompress_many(items, provider, copy=copy)
        results = info.value.results
        assert [i for i, r in enumerate(results) if r is None] == sorted(bad)
        for i, ((_, _, data), result) in enumerate(zip(entries, results)):
            if i not in bad:
                assert bytes(result) == data
        assert [r.name for r in info.value.rejections] == [items[i][0] for i in sorted(bad)]
        assert [r.status for r in info.value.rejections] == [
            Status.NOT_ZSTD, Status.TRUNCATED, Status.EMPTY_INPUT]
    assert zstdpool._capi.batch_entries(None, 0) == ([], [], [])
