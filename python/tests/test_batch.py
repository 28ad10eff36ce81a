"""compress_many / decompress_many (one zstdpool_pool_run_batch call per call): byte-exact
round trips, every kind of item, rejections with names and statuses, empty inputs, bad
arguments, the GIL released during the call, Ctrl-C, and calls from inside a callback."""

import io
import os
import random
import signal
import threading
import time

import pytest

import zstdpool
from test_zstdpool import TEMPLATES, make_entries
from zstdpool import (
    BatchError,
    CompressorPool,
    Config,
    DecompressorPool,
    DictStatus,
    DirectoryProvider,
    Entry,
    MemoryProvider,
    Status,
    ZstdpoolError,
)

#: The tests' categories are a few dozen KB: said to be large, they get dictionaries.
LARGE = dict(workers=2, training_min_samples=16, training_min_bytes=0,
             training_category_volume=1 << 30)


def text_blob(size, seed):
    """Compressible but not trivial text of about ``size`` bytes."""
    rng = random.Random(seed)
    words = [b"EventLoopMgr", b"INFO", b"WARNING", b"Gauss", b"run", b"event", b"track",
             b"hits", b"%d" % rng.randint(0, 10**6), b"Velo", b"Rich1", b"Muon"]
    out = bytearray()
    while len(out) < size:
        out += b" ".join(rng.choice(words) for _ in range(12)) + b" %d\n" % rng.getrandbits(40)
    return bytes(out[:size])


# --- Round trips --------------------------------------------------------------------------------


def test_compress_many_and_decompress_many_round_trip():
    entries = make_entries(per_category=30)
    provider = MemoryProvider()
    frames = zstdpool.compress_many(entries, provider, Config(**LARGE))
    assert len(frames) == len(entries) and all(f[:4] == b"\x28\xb5\x2f\xfd" for f in frames)
    assert all(type(f) is bytes for f in frames)
    restored = zstdpool.decompress_many(
        [(name, category, frame) for (name, category, _), frame in zip(entries, frames)], provider)
    assert restored == [data for _, _, data in entries]


def test_decompress_many_decodes_into_the_bytes_it_returns_and_falls_back_elsewhere():
    """Frames recording their content size are decoded by the library straight into the
    bytes objects returned; frames without one (python-zstandard's streaming writer), empty
    and one-byte contents (objects CPython shares, never written), a content size above
    the pool's limit and a damaged frame take the other paths, and every result is exact."""
    from zstdpool import _into

    zstandard = pytest.importorskip("zstandard")
    contents = [text_blob(size, seed) for seed, size in enumerate(
        [0, 1, 2, 100, 5000, 70000, 300000, 1 << 20])]
    frames = [zstandard.ZstdCompressor().compress(c) for c in contents]
    streamed = zstandard.ZstdCompressor().compressobj()
    no_size = streamed.compress(contents[5]) + streamed.flush()
    assert _into.content_size(no_size[:18]) is None
    assert [_into.content_size(f[:18]) for f in frames] == [len(c) for c in contents]
    with DecompressorPool(MemoryProvider(), workers=2) as pool:
        assert pool.decompress_many(frames + [no_size]) == contents + [contents[5]]
        restored = pool.decompress_many(frames)
        assert all(type(r) is bytes for r in restored)
        assert restored[0] is b"" and restored[1] == contents[1]
        damaged = bytearray(frames[6])
        damaged[len(damaged) // 2] ^= 0xFF
        with pytest.raises(BatchError) as caught:
            pool.decompress_many([frames[4], bytes(damaged), frames[5]])
        assert caught.value.results[0] == contents[4] and caught.value.results[2] == contents[5]
        assert caught.value.results[1] is None
        assert caught.value.rejections[0].status == Status.CORRUPT
    with DecompressorPool(MemoryProvider(), workers=2, max_decompressed_size=200000) as small:
        with pytest.raises(BatchError) as caught:
            small.decompress_many(frames[5:7])
        assert caught.value.results[0] == contents[5] and caught.value.results[1] is None
        assert caught.value.rejections[0].status == Status.TOO_LARGE
    if _into.available:
        seen = []

        def recording(*args):
            seen.append(real_targets(*args))
            return seen[-1]

        real_targets = _into.targets
        _into.targets = recording
        try:
            with DecompressorPool(MemoryProvider(), workers=2) as pool:
                restored = pool.decompress_many(frames)
        finally:
            _into.targets = real_targets
        assert restored == contents
        # the very objects the library decoded into, for every content of 2 bytes or more
        assert all(r is m for r, m in zip(restored[2:], seen[0][0][2:]))
        made, addresses, capacities = _into.targets(frames, [len(f) for f in frames], 1 << 30)
        assert [m is None for m in made] == [True, True] + [False] * 6
        assert list(capacities) == [0, 0] + [len(c) for c in contents[2:]]
        assert addresses[2] == _into.address(made[2])


def test_pool_methods_train_once_and_reuse_dictionaries():
    entries = make_entries(per_category=40)
    provider = MemoryProvider()
    with CompressorPool(provider, Config(**LARGE)) as pool:
        first = pool.compress_many(entries[::2])
        second = pool.compress_many(entries[1::2])
        stats = pool.stats
    assert stats.totals.done == len(entries) and stats.totals.rejected == 0
    ids = {name: c.dict_id for name, c in stats.categories.items()}
    assert set(ids) == set(TEMPLATES)
    assert all(c.status == DictStatus.TRAINED for c in stats.categories.values())
    frames = [None] * len(entries)
    frames[::2], frames[1::2] = first, second
    for (_, category, _), frame in zip(entries, frames):
        assert ids[category].to_bytes(4, "little") in frame[:18]
    with DecompressorPool(provider, workers=2) as back:
        # with their categories, and without: the dictionary is found by the frame's id
        named = back.decompress_many([(n, c, f) for (n, c, _), f in zip(entries, frames)])
        by_id = back.decompress_many(frames)
    assert named == by_id == [data for _, _, data in entries]


def test_the_batch_path_and_the_callback_path_make_the_same_frames():
    entries = make_entries(per_category=20)
    provider = MemoryProvider()
    config = Config(**LARGE)
    with CompressorPool(provider, config) as pool:
        batch = pool.compress_many(entries)
    outputs = [io.BytesIO() for _ in entries]
    with CompressorPool(provider, config) as pool:  # dictionaries loaded from the provider
        for (name, category, data), out in zip(entries, outputs):
            pool.add(Entry(name, category, data), out)
    assert batch == [o.getvalue() for o in outputs]


def test_every_kind_of_item():
    data = text_blob(20000, 1)
    writable = bytearray(data)
    strided = memoryview(bytes(range(256)) * 8)[::2]  # not contiguous: copied
    items = [
        ("tuple", "k", data),
        ("bytearray", "k", writable),
        ("memoryview", "k", memoryview(data)),
        ("writable view", "k", memoryview(bytearray(data))),
        ("strided", None, strided),
        (b"bytes name", None, data[:100]),
        (os.fsencode("path/name"), "k", data[:5000]),
        ("bytes category", b"k", data[:3000]),  # the same category as "k"
        Entry("entry", "k", data),
        Entry("entry, size given", None, data, size=len(data)),
        data[:777],  # bare bytes: named "#10", category dict_name
    ]
    provider = MemoryProvider()
    with CompressorPool(provider, workers=2) as pool:
        frames = pool.compress_many(items, dict_name="bare")
        assert set(pool.stats.categories) == {"", "k", "bare"}
        writable.extend(b"resizable again")  # pinned only during the call
    expected = [data] * 4 + [strided.tobytes(), data[:100], data[:5000], data[:3000], data, data,
                             data[:777]]
    restored = zstdpool.decompress_many(frames, provider)  # bare frames: dictionaries by id
    assert restored == expected


def test_empty_inputs():
    provider = MemoryProvider()
    assert zstdpool.compress_many([], provider) == []
    assert zstdpool.decompress_many(iter(()), provider) == []
    frames = zstdpool.compress_many([("e", None, b""), ("f", "k", b""), ("g", None, bytearray()),
                                     ("h", None, memoryview(b""))], provider)
    assert all(f[:4] == b"\x28\xb5\x2f\xfd" for f in frames)
    assert zstdpool.decompress_many(frames, provider) == [b""] * 4
    with CompressorPool(provider, workers=1) as pool:
        assert pool.compress_many(x for x in ()) == []
    assert pool.stats.totals.added == 0


def test_large_entries_and_many_small_ones():
    rng = random.Random(3)
    big = text_blob(3 << 20, 2)
    small = [(f"s{i}", "small", text_blob(rng.randint(0, 300), i)) for i in range(3000)]
    items = [("big", "large", big)] + small
    provider = MemoryProvider()
    frames = zstdpool.compress_many(items, provider, workers=2)
    assert zstdpool.decompress_many([(n, c, f) for (n, c, _), f in zip(items, frames)],
                                    provider) == [d for _, _, d in items]


def test_frames_are_standard_zstd(tmp_path):
    zstandard = pytest.importorskip("zstandard")
    entries = make_entries(per_category=30)
    frames = zstdpool.compress_many(entries, DirectoryProvider(tmp_path), Config(**LARGE))
    for (name, category, data), frame in zip(entries, frames):
        dictionary = zstandard.ZstdCompressionDict((tmp_path / f"{category}.zdict").read_bytes())
        assert zstandard.ZstdDecompressor(dict_data=dictionary).decompress(frame) == data


# --- Rejections ----------------------------------------------------------------------------------


def test_batch_rejections_say_which_entries():
    provider = MemoryProvider()
    with pytest.raises(zstdpool.BatchError) as caught:
        zstdpool.decompress_many([("good", None, zstdpool.compress_many([("g", None, b"abc")], provider)[0]),
                                  ("bad", None, b"not a frame")], provider)
    error = caught.value
    assert error.results == [b"abc", None]
    assert [(r.name, r.status) for r in error.rejections] == [("bad", Status.NOT_ZSTD)]
    assert isinstance(error, zstdpool.ZstdpoolError) and "1 of 2 entries rejected" in str(error)
    with pytest.raises(TypeError):
        zstdpool.compress_many([("a", None, "text")], provider)


def test_rejections_have_names_statuses_messages_and_the_items():
    entries = make_entries(per_category=20)
    provider = MemoryProvider()
    frames = zstdpool.compress_many(entries, provider, Config(**LARGE))
    frame = frames[0]
    items = [
        ("ok", entries[0][1], frame),
        ("empty", None, b""),
        ("text", None, b"this is not zstd at all"),
        ("cut", entries[0][1], frame[: len(frame) // 2]),
        ("swapped", "std.out", frame),
        Entry("entry object", None, b"\x28\xb5\x2f\xfd garbage"),
        ("also ok", None, frame),
    ]
    with DecompressorPool(provider, workers=2) as pool:
        with pytest.raises(BatchError) as caught:
            pool.decompress_many(items)
        error = caught.value
        assert error.results[0] == error.results[-1] == entries[0][2]
        assert error.results[1:-1] == [None] * 5
        got = {r.name: r.status for r in error.rejections}
        assert got == {"empty": Status.EMPTY_INPUT, "text": Status.NOT_ZSTD,
                       "cut": Status.TRUNCATED, "swapped": Status.DICT_MISMATCH,
                       "entry object": got["entry object"]}
        assert got["entry object"] in (Status.CORRUPT, Status.TRUNCATED, Status.NOT_ZSTD)
        for r in error.rejections:
            assert r.message.startswith(f"{r.name}: ")
            assert isinstance(r.error, zstdpool.RejectedError) and r.error.status == r.status
            assert r.entry is items[[i[0] if isinstance(i, tuple) else i.name
                                     for i in items].index(r.name)]
        assert error.status == error.rejections[0].status
        # the pool lists them too, and keeps working
        assert [r.name for r in pool.rejections] == [r.name for r in error.rejections]
        # Entries run as single jobs (here those without a category) are counted once their
        # completion has run, which may be just after the batch call returns: wait() first.
        pool.wait()
        assert pool.stats.totals.rejected == 5 and pool.stats.totals.done == 2
        assert pool.decompress_many([frame]) == [entries[0][2]]


def test_a_frame_whose_dictionary_is_nowhere_is_dict_missing():
    entries = make_entries(per_category=20)
    frames = zstdpool.compress_many(entries, MemoryProvider(), Config(**LARGE))
    with pytest.raises(BatchError) as caught:
        zstdpool.decompress_many([("lost", None, frames[0])], MemoryProvider())
    [r] = caught.value.rejections
    assert (r.name, r.status) == ("lost", Status.DICT_MISSING)


# --- Bad arguments -------------------------------------------------------------------------------


@pytest.mark.parametrize("items, error", [
    ([("a", None, "a str")], TypeError),
    ([("a", None, 5)], TypeError),
    ([("a", None)], TypeError),
    ([("a", None, b"x", 1)], TypeError),
    (["a str item"], TypeError),
    ([None], TypeError),
    ([(5, None, b"x")], TypeError),
    ([("a", 5, b"x")], TypeError),
    ([("a", ["unhashable"], b"x")], TypeError),
    ([("a", "k", b"x"), ("b", "", b"x")], ValueError),  # a bad category after a good one
    ([("a\0b", None, b"x")], ValueError),
    ([("a", "cat\0egory", b"x")], ValueError),
    ([("a", "", b"x")], ValueError),
    ([("\udc80", None, b"x")], ValueError),
    ([(b"not utf-8 \xff", None, b"x")], ValueError),  # refused by the library: nothing taken
    ([Entry("a", None, b"xyz", size=2)], ValueError),
    ([Entry("a", None, io.BytesIO(b"a stream"))], TypeError),
    (b"bytes, not a list of items", TypeError),
    (5, TypeError),
])
def test_bad_arguments_raise_before_anything_runs(items, error):
    with CompressorPool(MemoryProvider(), workers=1) as pool:
        with pytest.raises(error):
            pool.compress_many([("fine", None, b"fine")] + items if isinstance(items, list)
                               else items)
    assert pool.stats.totals.added == 0 and pool.rejections == []


def test_bad_item_messages_say_which_item():
    with pytest.raises(TypeError, match="item 2"):
        zstdpool.compress_many([b"a", b"b", ("c", None, "str")], MemoryProvider())
    with pytest.raises(TypeError):
        zstdpool.compress_many([b"a"], MemoryProvider(), dict_name=3)
    with pytest.raises(ValueError):
        zstdpool.compress_many([b"a"], MemoryProvider(), dict_name="")


def test_a_closed_pool_refuses():
    pool = CompressorPool(MemoryProvider(), workers=1)
    pool.close()
    with pytest.raises(ValueError, match="closed"):
        pool.compress_many([b"x"])


def test_a_stopped_pool_refuses():
    pool = CompressorPool(MemoryProvider(), workers=1)
    pool.stop()
    with pytest.raises(zstdpool.StoppedError):
        pool.compress_many([("late", None, b"x")])
    pool.close()


def test_inside_a_callback_it_would_deadlock():
    pool = CompressorPool(MemoryProvider(), workers=1)
    raised = []

    def done(*args):
        try:
            pool.compress_many([b"x"])
        except ZstdpoolError as error:
            raised.append(error)

    pool.add(Entry("a", None, b"abc"), io.BytesIO(), done=done)
    pool.wait()
    [error] = raised
    assert isinstance(error, zstdpool.DeadlockError) and error.status == Status.WOULD_DEADLOCK
    pool.close()


# --- The GIL and Ctrl-C ---------------------------------------------------------------------------


def slow_items():
    """Entries that take a second or more at level 19 on one worker."""
    return [(f"slow{i}", None, text_blob(1 << 20, 100 + i)) for i in range(6)]


def test_the_gil_is_released_while_the_library_works():
    """compress_many on a second thread (so it calls the library directly, not through the
    main thread's interruptible helper): the main thread keeps running meanwhile."""
    items = slow_items()
    pool = CompressorPool(MemoryProvider(), workers=1, level=19)
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(pool.compress_many(items)))
    ticks = []
    t0 = time.monotonic()
    thread.start()
    while thread.is_alive():
        ticks.append(time.monotonic())
        for _ in range(2000):  # pure Python work that needs the GIL
            pass
    elapsed = time.monotonic() - t0
    thread.join()
    assert len(outcome[0]) == len(items)
    assert elapsed > 0.5, elapsed  # the call was long enough to tell
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    # Had the call held the GIL, the main thread would have stood still for all of it.
    assert len(ticks) > 100 and max(gaps) < min(0.4, elapsed / 2), (len(ticks), max(gaps), elapsed)
    pool.close()


def test_ctrl_c_interrupts_a_long_call_on_the_main_thread():
    items = slow_items()
    pool = CompressorPool(MemoryProvider(), workers=1, level=19)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        pool.compress_many(items)
    assert time.monotonic() - t0 < 1.5
    timer.cancel()
    pool.wait()  # the call finishes on its helper thread
    assert pool.stats.totals.done == len(items)
    pool.close()


def test_concurrent_calls_on_one_pool():
    entries = make_entries(per_category=30)
    provider = MemoryProvider()
    results = {}
    with CompressorPool(provider, Config(**LARGE)) as pool:
        pool.compress_many(entries[:60])  # train first
        threads = [threading.Thread(target=lambda k=k: results.__setitem__(k, pool.compress_many(entries)))
                   for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert all(results[k] == results[0] for k in range(4))
    assert zstdpool.decompress_many(results[0], provider) == [d for _, _, d in entries]


# --- A pool's bytes entries travel in batches ---------------------------------------------------


def count_batches():
    """How many batches the package has handed to the library so far (peeks at its key
    counter, which this consumes one of)."""
    return next(zstdpool._pool._batch_keys)


def test_bytes_entries_given_to_add_travel_in_batches(tmp_path):
    entries = make_entries(per_category=200)  # 600 entries
    provider = MemoryProvider()
    outputs = []
    dones = []
    before = count_batches()
    with CompressorPool(provider, Config(**LARGE)) as pool:
        for i, (name, category, data) in enumerate(entries):
            out = [bytearray(), io.BytesIO(), tmp_path / f"{i}.zst"][i % 3]
            outputs.append(out)
            pool.add(Entry(name, category, data), out, done=lambda *a: dones.append(a))
    batches = count_batches() - before - 1
    assert 3 <= batches <= 6, batches  # 600 entries of 256 per batch (or 1 MiB), not 600
    assert pool.rejected == [] and pool.callback_errors == []
    assert sorted(d[0] for d in dones) == sorted(e[0] for e in entries)
    assert all(status == Status.OK and message is None for _, status, message, _, _ in dones)
    frames = [bytes(o) if isinstance(o, bytearray) else o.getvalue() if isinstance(o, io.BytesIO)
              else o.read_bytes() for o in outputs]
    sizes = {name: (bytes_in, bytes_out) for name, _, _, bytes_in, bytes_out in dones}
    for (name, _, data), frame in zip(entries, frames):
        assert sizes[name] == (len(data), len(frame))
    assert pool.stats.totals.done == len(entries)
    assert all(c.status == DictStatus.TRAINED for c in pool.stats.categories.values())
    assert zstdpool.decompress_many(frames, provider) == [d for _, _, d in entries]


def test_pending_bytes_entries_are_handed_over_by_wait_stats_stop_and_close():
    provider = MemoryProvider()
    for finish in ("wait", "stats", "stop", "close", "flush", "join"):
        pool = CompressorPool(provider, workers=1)
        outs = [bytearray() for _ in range(3)]
        for i, out in enumerate(outs):
            pool.add(Entry(f"e{i}", None, b"data %d " % i * 50), out)
        assert outs == [bytearray()] * 3  # waiting for their batch
        if finish == "stats":
            assert pool.stats.totals.added == 3
            pool.wait()
        elif finish == "join":
            pool.cancel()  # cancel() itself would reject them: hand them over first
        elif finish == "flush":
            pool.flush()
            pool.wait()
        else:
            getattr(pool, finish)()
        if finish in ("stop",):
            pool.join()
        if finish != "join":
            assert [bytes(o) for o in outs] != [b""] * 3, finish
            assert zstdpool.decompress_many([bytes(o) for o in outs], provider) == [
                b"data %d " % i * 50 for i in range(3)], finish
        pool.close()


def test_cancel_rejects_pending_bytes_entries():
    pool = CompressorPool(MemoryProvider(), workers=1)
    dones = []
    pool.add(Entry("pending", None, b"x" * 100), bytearray(), done=lambda *a: dones.append(a))
    pool.cancel()
    assert pool.join(10)
    [r] = pool.rejections
    assert r.name == "pending" and isinstance(r.error, zstdpool.Cancelled)
    assert r.status == Status.CANCELLED and r.message == "pending: cancelled before it ran"
    assert r.error.status == Status.CANCELLED and r.error.name == "pending"
    assert dones == [("pending", Status.CANCELLED, "pending: cancelled before it ran", 0, 0)]
    assert pool.stats.totals.added == 0  # never handed to the library
    pool.close()


def test_a_pool_dropped_with_pending_bytes_entries_still_writes_them():
    out = bytearray()
    done = threading.Event()

    def forgotten():
        pool = CompressorPool(MemoryProvider(), workers=1)
        pool.add(Entry("e", None, b"forgotten data " * 100), out, done=lambda *a: done.set())

    forgotten()
    assert done.wait(10) and out[:4] == b"\x28\xb5\x2f\xfd"


def test_bytes_entries_rejections_in_a_pool(tmp_path):
    provider = MemoryProvider()
    [frame] = zstdpool.compress_many([("ok", None, b"fine data" * 10)], provider)
    with DecompressorPool(provider, workers=2) as pool:
        pool.add(Entry("text", None, b"not a frame"), tmp_path / "text.out")
        pool.add(Entry("ok", None, frame), tmp_path / "ok.out")
        pool.add(Entry("stream", None, io.BytesIO(frame)), tmp_path / "stream.out")
    assert [(r.name, r.status) for r in pool.rejections] == [("text", Status.NOT_ZSTD)]
    [text] = pool.rejections
    assert text.message.startswith("text: ") and isinstance(text.error, zstdpool.RejectedError)
    assert not (tmp_path / "text.out").exists()  # a rejected entry's output file is removed
    assert (tmp_path / "ok.out").read_bytes() == (tmp_path / "stream.out").read_bytes() == b"fine data" * 10


def test_bytes_entries_added_from_a_done_callback_are_waited_for():
    pool = CompressorPool(MemoryProvider(), workers=1)
    outs = [bytearray(), bytearray()]

    def chain(*args):
        pool.add(Entry("second", None, b"second " * 30), outs[1])

    pool.add(Entry("first", None, b"first " * 30), outs[0], done=chain)
    pool.wait()
    assert all(o[:4] == b"\x28\xb5\x2f\xfd" for o in outs)
    pool.close()


def test_copy_false_gives_read_only_views_that_keep_the_batch():
    import gc
    import weakref

    entries = make_entries(per_category=10)
    provider = MemoryProvider()
    frames = zstdpool.compress_many(entries, provider, copy=False)
    assert all(isinstance(f, memoryview) and f.readonly and f.format == "B" for f in frames)
    with DecompressorPool(provider, workers=2) as pool:
        views = pool.decompress_many(frames + [zstdpool.compress_many([b""], provider)[0]],
                                     copy=False)
        assert [bytes(v) for v in views] == [d for _, _, d in entries] + [b""]
        with pytest.raises(TypeError):
            views[0][0] = 0  # read-only
        with pytest.raises(TypeError):
            pool.decompress_many(frames, copy="no")
    owner = weakref.ref(views[0].obj._owner)
    del views[1:]
    gc.collect()
    assert owner() is not None and bytes(views[0]) == entries[0][2]  # one view keeps it
    del views
    gc.collect()
    assert owner() is None  # the batch is freed with its last view
    with pytest.raises(BatchError) as caught:
        zstdpool.decompress_many([frames[0], b"junk"], provider, copy=False)
    assert bytes(caught.value.results[0]) == entries[0][2] and caught.value.results[1] is None


def test_bytes_entries_of_a_known_category_are_still_checked():
    with CompressorPool(MemoryProvider(), workers=1) as pool:
        pool.add(Entry("first", "k", b"x" * 100), bytearray())  # "k" is now known
        for entry in (Entry("a\0b", "k", b"x"), Entry("\udc80", "k", b"x")):
            with pytest.raises(ValueError):
                pool.add(entry, bytearray())
        with pytest.raises(TypeError):
            pool.add(Entry("a", "k", b"x"), bytearray(), done="not callable")
        assert len(pool._guard.pending) == 1
        out = bytearray()
        pool.add(Entry("second", "k", b"y" * 100), out)
    assert pool.stats.totals.done == 2 and pool.rejected == [] and out[:4] == b"\x28\xb5\x2f\xfd"


def test_a_writer_that_keeps_what_it_is_given_keeps_valid_bytes():
    class Keeper:
        def __init__(self):
            self.chunks = []

        def write(self, data):
            self.chunks.append(data)  # no copy: what it gets must stay valid
            return len(data)

    keepers = [Keeper() for _ in range(50)]
    with CompressorPool(MemoryProvider(), workers=2) as pool:
        for i, keeper in enumerate(keepers):
            pool.add(Entry(f"e{i}", None, b"payload %d " % i * 200), keeper)
    junk = [bytes(1 << 16) for _ in range(100)]  # reuse freed memory
    frames = [b"".join(bytes(c) for c in k.chunks) for k in keepers]
    del junk
    assert zstdpool.decompress_many(frames, MemoryProvider()) == [
        b"payload %d " % i * 200 for i in range(50)]
