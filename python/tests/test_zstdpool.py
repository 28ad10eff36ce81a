"""Tests of the zstdpool package (python/src/zstdpool), the ctypes binding of libzstdpool.

Round trips with dictionary training, every kind of input and output object, rejections
(raising readers, writers, providers; bad sizes; wrong dictionaries), the lifecycle, the
providers, the statistics, and the binding's declarations against include/zstdpool.h.

    python3 -m venv v && v/bin/pip install ./python pytest && v/bin/python -m pytest -q python/tests
"""

import ctypes
import io
import os
import random
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

import zstdpool
from zstdpool import (
    CallbackProvider,
    CompressorPool,
    Config,
    DecompressorPool,
    DictStatus,
    DirectoryProvider,
    Entry,
    MemoryProvider,
    State,
    Status,
    ZstdpoolError,
)

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "zstdpool.h"

# --- Deterministic test data -------------------------------------------------------------------

TEMPLATES = {
    "gauss.log": (
        "{ts} ApplicationMgr    INFO Application Manager Started successfully\n"
        "{ts} EventSelector     INFO Reading event {n} of run {run}\n"
        "{ts} GaussGeo          INFO Volume /dd/Structure/LHCb/{vol} placed at z={z} mm\n"
        "{ts} GiGa.TrackSeq     WARNING Track {n} with {hits} hits has no MC particle\n"
    ),
    "summary.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>\n<summary version="1.0">\n'
        '  <success>True</success>\n  <step>finalize</step>\n'
        '  <usage><stat unit="KB" useOf="MemoryMaximum">{hits}</stat></usage>\n'
        '  <input><file GUID="{guid}" name="LFN:/lhcb/MC/{run}/{n}.sim" status="full">{z}</file></input>\n'
        "</summary>\n"
    ),
    "std.out": (
        "{ts} UTC dirac-jobexec/JobWrapper INFO: Job {run}_{n} running on host wn{hits}.cern.ch\n"
        "{ts} UTC dirac-jobexec/Watchdog INFO: CPU consumed {z} s, wall clock {hits} s\n"
    ),
}


def make_entries(per_category=60, seed=7):
    """(name, category, data) for each entry: near-identical texts per category."""
    rng = random.Random(seed)
    entries = []
    for category, template in TEMPLATES.items():
        for i in range(per_category):
            lines = []
            for _ in range(rng.randint(8, 30)):
                lines.append(template.format(
                    ts=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
                       f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
                    n=rng.randint(1, 10**6), run=rng.randint(10**5, 10**6),
                    vol=rng.choice(["Velo", "Rich1", "TT", "IT", "OT", "Ecal", "Hcal", "Muon"]),
                    z=rng.randint(-3000, 20000), hits=rng.randint(1, 5000),
                    guid=f"{rng.getrandbits(128):032X}"))
            entries.append((f"job{i:04d}/{category}", category, "".join(lines).encode()))
    return entries


def small_training(**extra):
    """Train with the few entries of the tests (the defaults want 64 samples, 256 KiB).

    The trainer keeps a dictionary only when it pays for itself over the category's volume
    (training.category_volume, or the pool's set_category_volume hint): these categories of
    a few dozen KB would get none, so the tests that expect trained dictionaries say the
    categories will be large (1 GiB)."""
    options = dict(workers=2, training_min_samples=16, training_min_bytes=0,
                   training_category_volume=1 << 30)
    options.update(extra)
    return Config(**options)


def compress_all(entries, provider, config=None):
    outputs = [io.BytesIO() for _ in entries]
    with CompressorPool(provider, config or small_training()) as pool:
        for (name, category, data), out in zip(entries, outputs):
            pool.add(Entry(name, category, data), out)
    return pool, [o.getvalue() for o in outputs]


def decompress_all(entries, frames, provider, config=None):
    outputs = [bytearray() for _ in entries]
    with DecompressorPool(provider, config) as pool:
        for (name, category, _), frame, out in zip(entries, frames, outputs):
            pool.add(Entry(name, category, frame), out)
    return pool, [bytes(o) for o in outputs]


# --- Round trips ---------------------------------------------------------------------------------


def test_round_trip_trains_one_dictionary_per_category():
    entries = make_entries()
    provider = MemoryProvider()
    pool, frames = compress_all(entries, provider)
    assert pool.stopped and pool.rejected == [] and pool.callback_errors == []
    stats = pool.stats
    assert set(stats.categories) == set(TEMPLATES)
    for name, category in stats.categories.items():
        assert category.status == DictStatus.TRAINED, (name, category.status_message)
        assert category.dict_id != 0 and category.dict_size > 0
        assert category.counts.done == 60
    # Each frame names its category's dictionary (frame header: magic, descriptor, dict id).
    ids = {c.name: c.dict_id for c in stats.categories.values()}
    for (_, category, _), frame in zip(entries, frames):
        assert frame[:4] == b"\x28\xb5\x2f\xfd"
        assert ids[category].to_bytes(4, "little") in frame[:18]

    pool2, restored = decompress_all(entries, frames, provider)
    assert pool2.rejected == []
    assert restored == [data for _, _, data in entries]
    assert all(c.status == DictStatus.LOADED for c in pool2.stats.categories.values())


def test_dictionaries_beat_plain_zstd():
    entries = make_entries()
    with_dicts, _ = compress_all(entries, MemoryProvider())
    without, _ = compress_all(entries, MemoryProvider(), small_training(training_enabled=False))
    assert all(c.status == DictStatus.ABSENT for c in without.stats.categories.values())
    assert with_dicts.stats.totals.ratio > 1.2 * without.stats.totals.ratio


def test_directory_provider_files_work_with_the_zstd_cli(tmp_path):
    entries = make_entries(per_category=30)
    _, frames = compress_all(entries, DirectoryProvider(tmp_path / "dicts"))
    files = sorted(p.name for p in (tmp_path / "dicts").iterdir())
    assert files == sorted(f"{c}.zdict" for c in TEMPLATES)
    # A new pool on a new provider over the same directory finds them.
    _, restored = decompress_all(entries, frames, DirectoryProvider(str(tmp_path / "dicts")))
    assert restored == [data for _, _, data in entries]
    if shutil.which("zstd") is None:
        pytest.skip("no zstd CLI")
    name, category, data = entries[0]
    (tmp_path / "frame.zst").write_bytes(frames[0])
    out = subprocess.run(["zstd", "-q", "-d", "-c", "-D", str(tmp_path / "dicts" / f"{category}.zdict"),
                          str(tmp_path / "frame.zst")], check=True, capture_output=True).stdout
    assert out == data


def test_input_and_output_objects(tmp_path):
    """bytes, bytearray, memoryview, BytesIO, real files, read()-only objects in; BytesIO,
    bytearray, files, objects with .data out; a path as the provider."""
    data = b"".join(b"line %d of a log entry with some repeated text\n" % i for i in range(500))
    path = tmp_path / "input.log"
    path.write_bytes(data)

    class ReadOnly:  # read() only, no size known
        def __init__(self, payload):
            self.stream = io.BytesIO(payload)

        def read(self, n):
            return self.stream.read(min(n, 777))

    class Sink:
        def __init__(self):
            self.data = io.BytesIO()

    sources = [data, bytearray(data), memoryview(data), io.BytesIO(data), open(path, "rb"),
               ReadOnly(data)]
    outputs = [io.BytesIO(), bytearray(), Sink(), open(tmp_path / "out.zst", "wb"), io.BytesIO(),
               io.BytesIO()]
    results = []
    with CompressorPool(str(tmp_path / "dicts"), workers=2) as pool:
        for i, (source, out) in enumerate(zip(sources, outputs)):
            pool.add(Entry(f"entry{i}", "kind", source), out,
                     done=lambda *args: results.append(args))
    sources[4].close()
    outputs[3].close()
    assert pool.rejected == [] and len(results) == 6
    assert all(status == Status.OK and message is None and bytes_in == len(data)
               for _, status, message, bytes_in, _ in results)
    frames = [outputs[0].getvalue(), bytes(outputs[1]), outputs[2].data.getvalue(),
              (tmp_path / "out.zst").read_bytes(), outputs[4].getvalue(), outputs[5].getvalue()]
    with DecompressorPool(str(tmp_path / "dicts")) as pool:
        restored = [io.BytesIO() for _ in frames]
        for i, (frame, out) in enumerate(zip(frames, restored)):
            pool.add(Entry(f"entry{i}", "kind", frame), out)
    assert [r.getvalue() for r in restored] == [data] * 6


def test_empty_entry_round_trips():
    provider = MemoryProvider()
    out = io.BytesIO()
    with CompressorPool(provider) as pool:
        pool.add(Entry("empty", None, b""), out)
    assert pool.rejected == [] and out.getvalue()[:4] == b"\x28\xb5\x2f\xfd"
    restored = io.BytesIO()
    with DecompressorPool(provider) as pool:
        pool.add(Entry("empty", None, out.getvalue()), restored)
    assert pool.rejected == [] and restored.getvalue() == b""


# --- Rejections -----------------------------------------------------------------------------------


class Boom(Exception):
    pass


def test_reader_that_raises_is_rejected_with_read():
    class BadReader:
        def read(self, n):
            raise Boom("disk on fire")

    done = []
    with CompressorPool(MemoryProvider(), workers=2) as pool:
        pool.add(Entry("good", None, b"fine data" * 100), io.BytesIO())
        pool.add(Entry("bad", None, BadReader()), io.BytesIO(), done=lambda *a: done.append(a))
    rejected = pool.rejections
    assert [(r.name, r.status) for r in rejected] == [("bad", Status.READ)]
    assert "read callback" in rejected[0].message
    assert done[0][:2] == ("bad", Status.READ)
    [(entry, error)] = pool.rejected  # the original pool's (entry, exception) pairs
    assert entry.name == "bad" and isinstance(error, Boom)
    [(name, error)] = pool.callback_errors
    assert name == "bad" and isinstance(error, Boom) and str(error) == "disk on fire"
    assert pool.stats.totals.done == 1 and pool.stats.totals.rejected == 1


@pytest.mark.parametrize("source, says", [
    # a stream goes through the library's write callback
    (lambda: io.BytesIO(b"x" * 5000), "write callback"),
    # bytes go through a batch, whose outputs the package writes when the batch ends
    (lambda: b"x" * 5000, "writing the output failed: [Errno 28] No space left on device"),
])
def test_writer_that_raises_is_rejected_with_write(source, says):
    class BadWriter:
        def write(self, data):
            raise OSError(28, "No space left on device")

    with CompressorPool(MemoryProvider(), workers=2) as pool:
        pool.add(Entry("bad", None, source()), BadWriter())
    [r] = pool.rejections
    assert (r.name, r.status) == ("bad", Status.WRITE) and says in r.message
    assert r.message.startswith("bad: ")
    assert isinstance(pool.callback_errors[0][1], OSError) and isinstance(r.error, OSError)


def test_done_callback_that_raises_does_not_break_the_pool():
    def done(*args):
        raise Boom("in done")

    with CompressorPool(MemoryProvider()) as pool:
        pool.add(Entry("a", None, b"data"), io.BytesIO(), done=done)
        pool.add(Entry("b", None, b"data"), io.BytesIO())
    assert pool.rejected == [] and pool.stats.totals.done == 2
    assert [name for name, _ in pool.callback_errors] == ["a"]


def test_size_mismatch():
    with CompressorPool(MemoryProvider()) as pool:
        pool.add(Entry("liar", None, b"12345", size=3), io.BytesIO())
    assert [r.status for r in pool.rejections] == [Status.SIZE_MISMATCH]
    [(entry, error)] = pool.rejected
    assert entry.name == "liar" and isinstance(error, zstdpool.RejectedError)
    assert error.status == Status.SIZE_MISMATCH and error.message.startswith("liar: ")


def test_decompression_errors():
    provider = MemoryProvider()
    entries = make_entries(per_category=20)
    _, frames = compress_all(entries, provider)
    nodict = io.BytesIO()
    with DecompressorPool(provider) as pool:
        pool.add(Entry("empty", None, b""), io.BytesIO())
        pool.add(Entry("text", None, b"this is not zstd at all"), io.BytesIO())
        pool.add(Entry("cut", entries[0][1], frames[0][: len(frames[0]) // 2]), io.BytesIO())
        # A frame of one category presented as another's.
        pool.add(Entry("swapped", "std.out", frames[0]), io.BytesIO())
        # No dictionary name, but the frame needs one: the library finds it by the frame's
        # dictionary id in the provider (documented since decompression looks dictionaries
        # up by id; this entry used to be rejected), so it is restored.
        pool.add(Entry("nodict", None, frames[0]), nodict)
    statuses = {r.name: r.status for r in pool.rejections}
    assert statuses["empty"] == Status.EMPTY_INPUT
    assert statuses["text"] == Status.NOT_ZSTD
    assert statuses["cut"] == Status.TRUNCATED
    assert statuses["swapped"] == Status.DICT_MISMATCH
    assert "nodict" not in statuses and nodict.getvalue() == entries[0][2]
    assert pool.stats.totals.rejected == 4


def test_a_frame_whose_dictionary_is_nowhere_is_dict_missing():
    provider = MemoryProvider()
    entries = make_entries(per_category=20)
    _, frames = compress_all(entries, provider)
    with DecompressorPool(MemoryProvider()) as pool:  # another, empty provider
        pool.add(Entry("lost", None, frames[0]), io.BytesIO())
    [r] = pool.rejections
    assert (r.name, r.status) == ("lost", Status.DICT_MISSING)


# --- Lifecycle ------------------------------------------------------------------------------------


def test_lifecycle_states_and_add_after_stop():
    pool = CompressorPool(MemoryProvider(), workers=1)
    assert pool.state == State.IDLE and not pool.running
    pool.start()
    assert pool.running
    pool.add(Entry("a", None, b"abc"), io.BytesIO())
    pool.stop()
    with pytest.raises(ZstdpoolError) as caught:
        pool.add(Entry("late", None, b"abc"), io.BytesIO())
    assert caught.value.status == Status.STOPPED
    assert "stop" in caught.value.message
    assert pool.join(timeout=10)
    assert pool.stopped and not pool.stopping
    with pytest.raises(ZstdpoolError) as caught:
        pool.start()
    assert caught.value.status == Status.STOPPED
    pool.close()
    pool.close()  # idempotent
    with pytest.raises(ValueError):
        pool.add(Entry("closed", None, b""), io.BytesIO())


def test_join_timeout_while_an_entry_blocks():
    release = threading.Event()
    started = threading.Event()

    class SlowReader:
        def __init__(self):
            self.stream = io.BytesIO(b"slow data" * 100)

        def read(self, n):
            started.set()
            release.wait(10)
            return self.stream.read(n)

    pool = CompressorPool(MemoryProvider(), workers=1)
    pool.add(Entry("slow", None, SlowReader()), io.BytesIO())
    assert started.wait(10)
    pool.cancel()  # stops without waiting (stop() waits first); the running entry goes on
    t0 = time.monotonic()
    assert pool.join(timeout=0.2) is False
    assert 0.15 <= time.monotonic() - t0 < 5
    assert pool.stopping
    assert pool.join(timeout=0) is False
    release.set()
    assert pool.join() is True
    assert pool.stopped and pool.rejected == []
    pool.close()


def test_wait_keeps_the_pool_running_and_flush_trains():
    entries = make_entries(per_category=10)
    pool = CompressorPool(MemoryProvider(), workers=2)  # default thresholds: 64 samples
    outputs = []
    for name, category, data in entries:
        outputs.append(io.BytesIO())
        pool.add(Entry(name, category, data), outputs[-1])
    # Too few entries for the default thresholds (64 samples, 256 KiB): they all wait.
    time.sleep(0.2)
    stats = pool.stats
    assert stats.totals.done == 0
    assert all(c.status in (DictStatus.LOADING, DictStatus.COLLECTING)
               for c in stats.categories.values())
    pool.flush()
    pool.wait()
    assert pool.running and pool.stats.totals.done == len(entries)
    assert all(c.status != DictStatus.COLLECTING for c in pool.stats.categories.values())
    pool.close()


def test_wait_and_join_from_a_callback_would_deadlock():
    outcomes = []
    pool = CompressorPool(MemoryProvider(), workers=1)

    def done(*args):
        for call in (pool.wait, pool.join):
            try:
                call()
            except ZstdpoolError as error:
                outcomes.append(error.status)

    pool.add(Entry("a", None, b"abc"), io.BytesIO(), done=done)
    pool.stop()
    assert pool.join(10)
    assert outcomes == [Status.WOULD_DEADLOCK, Status.WOULD_DEADLOCK]
    pool.close()


def test_add_blocks_on_a_full_queue_without_deadlock():
    """add() blocks (releasing the GIL) while the workers run the Python callbacks; with
    a queue smaller than the training thresholds, the pool trains with what it holds."""
    entries = make_entries(per_category=40)
    provider = MemoryProvider()
    pool, frames = compress_all(entries, provider, small_training(queue_capacity=4))
    assert pool.rejected == [] and pool.stats.totals.done == len(entries)
    _, restored = decompress_all(entries, frames, provider, Config(queue_capacity=2, workers=2))
    assert restored == [data for _, _, data in entries]


def test_context_manager_stops_and_joins():
    with CompressorPool(MemoryProvider()) as pool:
        for i in range(50):
            pool.add(Entry(f"e{i}", "c", b"payload %d " % i * 40), io.BytesIO())
    assert pool.stopped and pool.stats.totals.done == 50


# --- Providers ------------------------------------------------------------------------------------


class Store:
    def __init__(self):
        self.dicts = {}
        self.gets = []
        self.puts = []
        self.lock = threading.Lock()

    def get(self, name):
        with self.lock:
            self.gets.append(name)
            return self.dicts.get(name)

    def put(self, name, data):
        with self.lock:
            self.puts.append(name)
            self.dicts[name] = data


def test_callback_provider_stores_and_serves_dictionaries():
    store = Store()
    entries = make_entries(per_category=40)
    pool, frames = compress_all(entries, store)  # any object with get/put
    assert sorted(store.puts) == sorted(TEMPLATES) and sorted(store.gets) == sorted(TEMPLATES)
    assert all(isinstance(d, bytes) and d[:4] == b"\x37\xa4\x30\xec" for d in store.dicts.values())
    ids = {c.name: c.dict_id for c in pool.stats.categories.values()}
    assert all(int.from_bytes(store.dicts[n][4:8], "little") == ids[n] for n in TEMPLATES)

    store.gets.clear()
    provider = CallbackProvider(store)
    _, restored = decompress_all(entries, frames, provider)
    assert restored == [data for _, _, data in entries]
    assert sorted(store.gets) == sorted(TEMPLATES) and len(store.puts) == 3


def test_provider_errors_reject_the_category():
    class BrokenGet(Store):
        def get(self, name):
            raise Boom("store offline")

    class BrokenPut(Store):
        def put(self, name, data):
            raise Boom("store full")

    for store in (BrokenGet(), BrokenPut()):
        provider = CallbackProvider(store)
        entries = make_entries(per_category=20)
        with CompressorPool(provider, small_training()) as pool:
            for name, category, data in entries:
                pool.add(Entry(name, category, data), io.BytesIO())
            pool.add(Entry("nocategory", None, b"no dictionary needed"), io.BytesIO())
        statuses = {r.status for r in pool.rejections}
        assert statuses == {Status.PROVIDER}
        assert len(pool.rejected) == len(entries)
        assert pool.stats.totals.done == 1
        assert all(c.status == DictStatus.FAILED
                   for n, c in pool.stats.categories.items() if n)
        assert provider.errors and all(isinstance(e, Boom) for _, e in provider.errors)


def test_callback_provider_user_data_is_released():
    store = Store()
    provider = CallbackProvider(store)
    pool = CompressorPool(provider)
    providers = zstdpool._config._providers
    before = len(providers)
    provider.close()  # the pool still holds a reference
    assert len(providers) == before
    pool.close()  # the last reference: free_user_data runs
    assert len(providers) == before - 1


def test_provider_needs_get_and_put():
    with pytest.raises(TypeError):
        CallbackProvider(object())


# --- Configuration and statistics -----------------------------------------------------------------


def test_config_options():
    config = Config(level=19, checksum=True, training_min_samples=10)
    assert config.level == 19 and config.checksum == 1 and config.get("training_min_samples") == 10
    assert config.as_dict()["workers"] >= 1
    with pytest.raises(ZstdpoolError) as caught:
        config.set("level", 99)
    assert caught.value.status == Status.INVALID_CONFIG and "level" in caught.value.message
    assert config.level == 19  # unchanged
    with pytest.raises(ValueError):
        Config(no_such_option=1)
    copy = config.copy(workers=3)
    assert copy.level == 19 and copy.workers == 3


def test_pool_config_overrides_and_cross_field_rules():
    pool = CompressorPool(MemoryProvider(), Config(level=5), workers=2, processors=4)
    assert pool.config.level == 5 and pool.config.workers == 2 and pool.config.processors == 4
    pool.close()
    with pytest.raises(ZstdpoolError) as caught:
        CompressorPool(MemoryProvider(), workers=4, processors=2)  # fewer contexts than workers
    assert caught.value.status == Status.INVALID_CONFIG


def test_stats_counts_bytes_per_category():
    entries = make_entries(per_category=25)
    pool, frames = compress_all(entries, MemoryProvider())
    stats = pool.stats
    assert stats.totals.added == stats.totals.done == len(entries)
    assert stats.totals.raw_bytes == sum(len(d) for _, _, d in entries)
    assert stats.totals.compressed_bytes == sum(len(f) for f in frames)
    assert stats.totals.ratio == pytest.approx(stats.totals.raw_bytes / stats.totals.compressed_bytes)
    for name, category in stats.categories.items():
        raw = sum(len(d) for _, c, d in entries if c == name)
        packed = sum(len(f) for (_, c, _), f in zip(entries, frames) if c == name)
        assert (category.counts.done, category.counts.raw_bytes,
                category.counts.compressed_bytes) == (25, raw, packed)
        assert category.samples > 0 and category.train_seconds >= 0
        assert "trained" in category.status_message


@pytest.mark.skipif(os.environ.get("ZSTDPOOL_TEST_INSTALLED") != "1",
                    reason="run by tests/run-all.sh against the pip-installed package")
def test_the_installed_package_is_tested_with_its_own_library():
    package = Path(zstdpool.__file__).resolve().parent
    assert ROOT / "python" / "src" not in package.parents, package
    assert "ZSTDPOOL_LIB" not in os.environ
    assert Path(zstdpool.library_path).resolve().parent == package
    assert (package / "py.typed").is_file()


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", zstdpool.version())
    assert re.fullmatch(r"\d+\.\d+\.\d+", zstdpool.zstd_version())


# --- The binding against the header ---------------------------------------------------------------


def header_text():
    text = HEADER.read_text()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def split_params(params):
    """Splits a parameter list at top-level commas."""
    parts, depth, current = [], 0, ""
    for ch in params:
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current.strip():
        parts.append(current)
    return [p.strip() for p in parts]


class CHeader:
    """The parts of the header the binding depends on."""

    def __init__(self):
        text = header_text()
        self.defines = {m[0]: m[1] for m in re.findall(r"#define\s+(ZSTDPOOL_\w+)\s+(-?\d+)\s*$", text, re.M)}
        self.typedefs = {alias: base for base, alias in re.findall(r"typedef\s+(\w+)\s+(\w+)\s*;", text)}
        self.fn_typedefs = {}
        for ret, name, params in re.findall(r"typedef\s+([\w\s\*]+?)\s*\(\*\s*(\w+)\)\s*\(([^;]*?)\)\s*;", text, re.S):
            self.fn_typedefs[name] = (ret.strip(), split_params(params))
        self.structs = {}
        for name, body in re.findall(r"typedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*\w+\s*;", text, re.S):
            fields = []
            for decl in body.split(";"):
                decl = " ".join(decl.split())
                if decl:
                    m = re.fullmatch(r"(.+?)\s*\b(\w+)", decl)
                    fields.append((m[2], m[1]))
            self.structs[name] = fields
        self.functions = {}
        body = text[text.index('extern "C"'):]
        body = re.sub(r"^\s*#.*$", " ", body, flags=re.M).replace('extern "C"', " ")
        for statement in body.split(";"):
            statement = " ".join(statement.replace("{", " ").replace("}", " ").split())
            m = re.fullmatch(r"([\w\s\*]+?)\s*\b(zstdpool_\w+)\s*\((.*)\)", statement)
            if m and not m[1].startswith("typedef"):
                self.functions[m[2]] = (m[1], split_params(m[3]))

    def describe(self, ctype):
        """A C type (a parameter, possibly with its name) as a comparable descriptor."""
        ctype = " ".join(ctype.replace("*", " * ").split())
        m = re.fullmatch(r"(.+?)\(\s*\*\s*\w*\s*\)\s*\((.*)\)", ctype)
        if m:  # an inline function pointer
            return ("fn", self.describe(m[1]), tuple(self.describe_params(split_params(m[2]))))
        words = [w for w in ctype.split() if w not in ("const", "struct")]
        stars = words.count("*")
        words = [w for w in words if w != "*"]
        base = words[0]
        if len(words) > 1:
            assert len(words) == 2, ctype  # a type and a parameter name
        desc = self.describe_base(base)
        for _ in range(stars):
            desc = ("ptr", desc)
        return desc

    def describe_params(self, params):
        if params == ["void"]:
            return []
        return [self.describe(p) for p in params]

    def describe_base(self, name):
        scalars = {
            "int32_t": ("int", 4, True), "uint32_t": ("int", 4, False),
            "int64_t": ("int", 8, True), "uint64_t": ("int", 8, False),
            "uint8_t": ("int", 1, False), "char": ("char",),
            "size_t": ("int", ctypes.sizeof(ctypes.c_size_t), False),
            "double": ("float", 8), "void": ("void",),
        }
        if name in scalars:
            return scalars[name]
        if name in self.typedefs:
            return self.describe_base(self.typedefs[name])
        if name in self.fn_typedefs:
            ret, params = self.fn_typedefs[name]
            return ("fn", self.describe(ret), tuple(self.describe_params(params)))
        if name in self.structs or name.startswith("zstdpool_"):
            return ("struct", name)
        raise AssertionError(f"unknown C type {name}")


def describe_ctype(t):
    """A ctypes type as the same kind of descriptor."""
    if t is None:
        return ("void",)
    if t is ctypes.c_char_p:
        return ("ptr", ("char",))
    if t is ctypes.c_void_p:
        return ("ptr", ("void",))
    if t is ctypes.c_double:
        return ("float", 8)
    if isinstance(t, type) and issubclass(t, ctypes._Pointer):
        return ("ptr", describe_ctype(t._type_))
    if isinstance(t, type) and issubclass(t, ctypes.Structure):
        return ("struct", t.__name__)
    if isinstance(t, type) and issubclass(t, ctypes._CFuncPtr):
        return ("fn", describe_ctype(t._restype_), tuple(describe_ctype(a) for a in t._argtypes_))
    if isinstance(t, type) and issubclass(t, ctypes._SimpleCData) and t._type_ in "bBhHiIlLqQ":
        return ("int", ctypes.sizeof(t), t(-1).value < 0)
    raise AssertionError(f"unexpected ctypes type {t!r}")


@pytest.fixture(scope="module")
def header():
    return CHeader()


def test_header_parser_found_the_api(header):
    assert len(header.functions) >= 30
    assert "zstdpool_pool_add" in header.functions and "zstdpool_read_fn" in header.fn_typedefs


def test_every_header_function_is_declared_and_nothing_else(header):
    assert set(zstdpool.PROTOTYPES) == set(header.functions)


def test_declared_prototypes_match_the_header(header):
    mismatches = []
    for name, (ret, params) in header.functions.items():
        function = getattr(zstdpool._lib, name)  # the object the binding configured
        expected_args = header.describe_params(params)
        actual_args = [describe_ctype(t) for t in (function.argtypes or [])]
        if header.describe(ret) != describe_ctype(function.restype):
            mismatches.append(f"{name}: returns {ret}, declared {function.restype}")
        if len(expected_args) != len(actual_args):
            mismatches.append(f"{name}: {len(expected_args)} parameters, declared {len(actual_args)}")
        for i, (e, a) in enumerate(zip(expected_args, actual_args)):
            if e != a:
                mismatches.append(f"{name}: parameter {i + 1} ({params[i]}) is {e}, declared {a}")
    assert mismatches == []


def test_callback_types_match_the_header(header):
    for name, (ret, params) in header.fn_typedefs.items():
        declared = getattr(zstdpool, name)
        assert describe_ctype(declared) == ("fn", header.describe(ret),
                                            tuple(header.describe_params(params))), name


def test_struct_layouts_match_the_header(header):
    for name, fields in header.structs.items():
        declared = getattr(zstdpool, name)
        assert [f[0] for f in declared._fields_] == [f[0] for f in fields], name
        for (field, ctype), (_, pytype) in zip(fields, declared._fields_):
            assert header.describe(ctype) == describe_ctype(pytype), (name, field)


@pytest.mark.parametrize("enum, prefix", [
    (Status, "ZSTDPOOL_ERR_"), (zstdpool.Option, "ZSTDPOOL_OPT_"), (State, "ZSTDPOOL_STATE_"),
    (DictStatus, "ZSTDPOOL_DICT_"),
])
def test_constants_match_the_header(header, enum, prefix):
    expected = {k[len(prefix):]: int(v) for k, v in header.defines.items() if k.startswith(prefix)}
    if enum is Status:
        expected["OK"] = int(header.defines["ZSTDPOOL_OK"])
    assert {m.name: int(m) for m in enum} == expected


def test_library_matches_the_header_version(header):
    number = (int(header.defines["ZSTDPOOL_VERSION_MAJOR"]) * 10000
              + int(header.defines["ZSTDPOOL_VERSION_MINOR"]) * 100
              + int(header.defines["ZSTDPOOL_VERSION_PATCH"]))
    assert zstdpool._lib.zstdpool_version_number() == number
    assert zstdpool.ABI_VERSION == (int(header.defines["ZSTDPOOL_VERSION_MAJOR"]),
                                    int(header.defines["ZSTDPOOL_VERSION_MINOR"]))
    assert zstdpool.SIZE_UNKNOWN == 2**64 - 1


# --- The C API's newer parts ------------------------------------------------------------------------


def test_category_volume_hint_decides_whether_a_small_category_gets_a_dictionary():
    entries = [e for e in make_entries(per_category=25) if e[1] == "std.out"]
    config = Config(workers=2, training_min_samples=16, training_min_bytes=0)
    results = []
    for volume in (None, 1 << 30):
        with CompressorPool(MemoryProvider(), config) as pool:
            if volume is not None:
                pool.set_category_volume("std.out", volume)
            for name, category, data in entries:
                pool.add(Entry(name, category, data), io.BytesIO())
        stats = pool.stats
        results.append((stats.categories["std.out"], stats.archive_ratio))
    (small, small_archive), (large, large_archive) = results
    # The trainer picks the dictionary, or none, that makes frames + dictionary smallest for
    # the volume: for the few dozen KB it sees, a small one (or none); said to be 1 GiB, one
    # at least as large, which pays off over 1 GiB but not over these entries alone.
    assert large.status == DictStatus.TRAINED
    if small.status == DictStatus.TRAINED:
        assert small.dict_size <= large.dict_size
        assert small_archive >= large_archive
    with CompressorPool(MemoryProvider(), workers=1) as pool:
        for bad, error in [(5, TypeError), ("", ValueError), ("a\0b", ValueError)]:
            with pytest.raises(error):
                pool.set_category_volume(bad, 1)
        for volume, error in [(-1, ValueError), (2**64, ValueError), ("1", TypeError)]:
            with pytest.raises(error):
                pool.set_category_volume("k", volume)


def test_options_come_from_the_library():
    names = zstdpool._config.OPTIONS
    assert names["training_category_volume"] == zstdpool.Option.TRAINING_CATEGORY_VOLUME == 109
    assert names["training_trainer_k"] == names["trainer_k"] == zstdpool.Option.TRAINER_K
    config = Config(training_category_volume=1 << 30, trainer_k=64)
    assert config.training_category_volume == 1 << 30 and config.training_trainer_k == 64
    assert "trainer_k" not in config.as_dict() and "training_trainer_k" in config.as_dict()
    assert repr(config) == f"Config(training_category_volume={1 << 30}, training_trainer_k=64)"
