"""The package as users meet it (issue 11, Python items 1-8): no sequence of calls crashes
the interpreter, leaks threads or registry entries, coerces a bad argument silently, or
ignores Ctrl-C; paths as entries scale under a small file-descriptor limit; a forked child
is refused; and the original lhcbdirac_log pool's semantics hold."""

import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import zstdpool
from zstdpool import (
    Cancelled,
    CompressorPool,
    Config,
    DecompressorPool,
    DeadlockError,
    Entry,
    MemoryProvider,
    Status,
    StoppedError,
    UsedAfterForkError,
    ZstdpoolError,
)

PAYLOAD = b"2024-05-01 INFO EventLoopMgr processing event with a fairly repetitive log line\n" * 20


class SlowReader:
    """Reads PAYLOAD after sleeping ``delay`` seconds on the first read."""

    def __init__(self, delay, started=None):
        self.delay = delay
        self.started = started
        self.stream = io.BytesIO(PAYLOAD)
        self.slept = False

    def read(self, n):
        if not self.slept:
            self.slept = True
            if self.started is not None:
                self.started.set()
            time.sleep(self.delay)
        return self.stream.read(n)


def native_threads():
    return len(os.listdir("/proc/self/task"))


def wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def sigint_after(seconds):
    """Sends SIGINT to this process after ``seconds`` (the main thread gets it, as for a
    user's Ctrl-C)."""
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


# --- 1. The handle's lifetime --------------------------------------------------------------------


def test_close_while_another_thread_reads_stats_never_crashes():
    for _ in range(20):
        pool = CompressorPool(MemoryProvider(), workers=2)
        for i in range(20):
            pool.add(Entry(f"e{i}", "kind", PAYLOAD), io.BytesIO())
        outcomes = []
        running = threading.Event()

        def read_stats():
            try:
                while True:
                    pool.stats
                    pool.state
                    running.set()
            except ValueError as error:  # the pool is closed
                outcomes.append(str(error))
            except BaseException as error:  # noqa: BLE001
                outcomes.append(error)
                running.set()

        reader = threading.Thread(target=read_stats)
        reader.start()
        assert running.wait(10)
        pool.close()
        reader.join(10)
        assert outcomes == ["the pool is closed"]


# --- 2. Leaked threads ---------------------------------------------------------------------------


def test_close_inside_a_done_callback_raises_and_leaves_the_pool_usable():
    pool = CompressorPool(MemoryProvider(), workers=1)
    raised = []

    def done(*args):
        try:
            pool.close()
        except DeadlockError as error:
            raised.append(error)

    pool.add(Entry("a", None, PAYLOAD), io.BytesIO(), done=done)
    pool.wait()
    [error] = raised
    assert error.status == Status.WOULD_DEADLOCK and isinstance(error, RuntimeError)
    assert "own callbacks" in error.message
    pool.add(Entry("b", None, PAYLOAD), io.BytesIO())
    pool.wait()
    assert pool.stats.totals.done == 2
    pool.close()


def test_last_reference_dropped_on_a_worker_thread_frees_the_pool():
    baseline = native_threads()
    releases = []

    def forgotten_pool():
        # Never closed: the entry's job holds the last reference, dropped when its done
        # callback ends, on one of the pool's own workers.
        release = threading.Event()

        class Blocking:
            def __init__(self):
                self.stream = io.BytesIO(PAYLOAD)

            def read(self, n):
                release.wait(10)
                return self.stream.read(n)

        pool = CompressorPool(MemoryProvider(), workers=2)
        pool.add(Entry("a", None, Blocking()), io.BytesIO())
        releases.append(release)

    for _ in range(5):
        forgotten_pool()
    assert native_threads() >= baseline + 5  # each pool's workers run
    for release in releases:
        release.set()
    assert wait_for(lambda: native_threads() <= baseline), (native_threads(), baseline)


# --- 3. Leaked entries ------------------------------------------------------------------------------


@pytest.mark.parametrize("entry, error", [
    (Entry("a", 5, b"data"), TypeError),
    (Entry("a", "kind", b"data", size="1"), TypeError),
    (Entry("\udc80", "kind", b"data"), ValueError),
    (Entry(b"bad\xff", "kind", b"data"), ValueError),  # not UTF-8: refused by the library
    (Entry("a", "", b"data"), ValueError),  # "" is refused by the library
    (Entry("a", "kind", "a str is not a path"), TypeError),
])
def test_add_that_raises_leaves_nothing_registered(entry, error):
    jobs = zstdpool._pool._jobs
    before = len(jobs)
    with CompressorPool(MemoryProvider(), workers=1) as pool:
        with pytest.raises(error):
            pool.add(entry, io.BytesIO())
        assert len(jobs) == before
        pool.add(Entry("fine", None, b"data"), io.BytesIO())
    assert len(jobs) == before and pool.stats.totals.added == 1


# --- 4. Silent coercions ----------------------------------------------------------------------------


def test_bad_values_are_refused_not_coerced():
    pool = CompressorPool(MemoryProvider(), workers=1)
    for size, error in [(2**64, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)]:
        with pytest.raises(error):
            pool.add(Entry("a", None, b"x", size=size), io.BytesIO())
    with pytest.raises(ValueError, match="NUL"):
        pool.add(Entry("a\0b", None, b"x"), io.BytesIO())
    with pytest.raises(ValueError, match="NUL"):
        pool.add(Entry("a", "summary\0XML", b"x"), io.BytesIO())
    with pytest.raises(TypeError):
        pool.add(Entry("a", None, b"x"), io.BytesIO(), done="not callable")
    pool.cancel()
    for timeout, error in [("1", TypeError), (-1, ValueError), (float("nan"), ValueError)]:
        with pytest.raises(error):
            pool.join(timeout)
    assert pool.join(5)
    assert pool.stats.totals.added == 0
    pool.close()
    with pytest.raises(TypeError):
        Config(level="5")
    with pytest.raises(TypeError):
        Config(level=5.0)
    with pytest.raises(ValueError):
        Config(queue_capacity=2**70)
    with pytest.raises(TypeError):
        CompressorPool(MemoryProvider(), workers="2")
    with pytest.raises(ValueError, match="NUL"):
        zstdpool.DirectoryProvider("dicts\0elsewhere")


# --- 5. Ctrl-C ---------------------------------------------------------------------------------------


def test_ctrl_c_interrupts_wait():
    pool = CompressorPool(MemoryProvider(), workers=2)
    for i in range(12):
        pool.add(Entry(f"slow{i}", None, SlowReader(1.0)), io.BytesIO())
    timer = sigint_after(0.3)
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        pool.wait()
    assert time.monotonic() - t0 < 4  # not the 6 s the entries take
    timer.cancel()
    pool.cancel()
    assert pool.join(10)
    rejected = [r for r in pool.rejections if isinstance(r.error, Cancelled)]
    assert len(rejected) >= 6 and pool.stats.totals.done <= 6
    pool.close()


def test_ctrl_c_interrupts_join():
    pool = CompressorPool(MemoryProvider(), workers=1)
    started = threading.Event()
    pool.add(Entry("slow", None, SlowReader(3.0, started)), io.BytesIO())
    assert started.wait(10)
    pool.cancel()
    timer = sigint_after(0.3)
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        pool.join()
    assert time.monotonic() - t0 < 2.5  # not the 3 s the entry takes
    timer.cancel()
    assert pool.join(10) and pool.rejected == []  # the running entry finished
    pool.close()


def test_keyboard_interrupt_inside_with_does_not_wait_for_the_queue():
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with CompressorPool(MemoryProvider(), workers=2) as pool:
            for i in range(12):
                pool.add(Entry(f"slow{i}", None, SlowReader(1.0)), io.BytesIO())
            raise KeyboardInterrupt
    assert time.monotonic() - t0 < 3.5  # the two running entries, not all twelve
    assert pool.stopped
    cancelled = [r for r in pool.rejections if isinstance(r.error, Cancelled)]
    assert len(cancelled) >= 8
    assert pool.stats.totals.added == pool.stats.totals.done + pool.stats.totals.rejected


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_interrupt_raised_in_a_reader_is_reraised(interrupt):
    class Interrupted:
        def read(self, n):
            raise interrupt()

    pool = CompressorPool(MemoryProvider(), workers=1)
    pool.add(Entry("a", None, Interrupted()), io.BytesIO())
    with pytest.raises(interrupt):
        pool.wait()
    pool.wait()  # raised once
    with pytest.raises(Exception) as later:  # what was queued since is cancelled
        pool.add(Entry("b", None, b"x"), io.BytesIO())
        pool.wait()
        raise pool.rejected[-1][1]
    assert isinstance(later.value, Cancelled)
    [(entry, error), _] = pool.rejected
    assert entry.name == "a" and isinstance(error, interrupt)
    pool.close()


# --- 6. Paths and openers -----------------------------------------------------------------------------


def test_paths_and_openers_are_opened_when_read_and_closed_when_done(tmp_path):
    sources = []
    for i in range(4):
        path = tmp_path / f"in{i}.log"
        path.write_bytes(PAYLOAD * (i + 1))
        sources.append(path)
    opened = []

    def opener(path):
        def open_it():
            opened.append(path)
            return open(path, "rb")
        return open_it

    with CompressorPool(MemoryProvider(), workers=2) as pool:
        pool.add(Entry("path", "k", sources[0]), tmp_path / "out0.zst")
        pool.add(Entry("opener", "k", opener(sources[1])), lambda: open(tmp_path / "out1.zst", "wb"))
        pool.add(Entry("path, size given", "k", sources[2], size=len(PAYLOAD) * 3), tmp_path / "out2.zst")
        pool.add(Entry("missing", "k", tmp_path / "nope"), tmp_path / "out3.zst")
        assert opened == []  # nothing is opened by add
    assert [r.name for r in pool.rejections] == ["missing"]
    assert isinstance(pool.rejected[0][1], FileNotFoundError)
    assert not (tmp_path / "out3.zst").exists()  # a rejected entry's output is removed
    with DecompressorPool(pool.dict_provider) as back:
        for i in range(3):
            back.add(Entry(f"e{i}", "k", tmp_path / f"out{i}.zst"), tmp_path / f"back{i}")
    assert back.rejected == []
    assert [(tmp_path / f"back{i}").read_bytes() for i in range(3)] == [PAYLOAD * (i + 1) for i in range(3)]


def test_the_readme_pattern_scales_under_ulimit_1024(tmp_path):
    script = textwrap.dedent('''
        import resource, sys
        from pathlib import Path
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
        import zstdpool

        root = Path(sys.argv[1])
        files = []
        for i in range(3000):  # small files of one category: they all wait for samples
            path = root / f"job{i:05d}.log"
            path.write_bytes(b"job %d INFO all good, value=%d\\n" % (i, i * 7919 % 1000) * 3)
            files.append((path, "small"))
        for i in range(40):  # and larger ones, read in pieces
            path = root / f"big{i:02d}.log"
            path.write_bytes(b"".join(b"line %d of big file %d\\n" % (j, i) for j in range(40000)))
            files.append((path, "big"))
        with zstdpool.CompressorPool(zstdpool.DirectoryProvider(root / "dicts"), workers=2) as pool:
            for path, category in files:
                pool.add(zstdpool.Entry(path.name, category, path), Path(f"{path}.zst"))
        assert pool.rejected == [], pool.rejections[:3]
        with zstdpool.DecompressorPool(zstdpool.DirectoryProvider(root / "dicts"), workers=2) as back:
            for path, category in files:
                back.add(zstdpool.Entry(path.name, category, Path(f"{path}.zst")), Path(f"{path}.back"))
        assert back.rejected == [], back.rejections[:3]
        assert all(Path(f"{p}.back").read_bytes() == p.read_bytes() for p, _ in files)
        print("ok", pool.stats.totals.done, back.stats.totals.done)
    ''')
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["ok", "3040", "3040"]


# --- 7. fork ---------------------------------------------------------------------------------------------


def test_a_forked_child_cannot_use_the_parents_pool():
    pool = CompressorPool(MemoryProvider(), workers=1)
    pool.add(Entry("parent", None, b"x"), io.BytesIO())
    pid = os.fork()
    if pid == 0:  # the child: every use of the pool raises
        code = 0
        for call in (lambda: pool.add(Entry("child", None, b"x"), io.BytesIO()),
                     pool.wait, pool.close, lambda: pool.stats):
            try:
                call()
                code = 1
            except UsedAfterForkError:
                pass
            except BaseException:  # noqa: BLE001
                code = 2
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    pool.wait()
    assert pool.stats.totals.done == 1  # the parent's pool is unaffected
    pool.close()


# --- 8. The original pool's semantics ---------------------------------------------------------------------


@pytest.mark.parametrize("processors", [1, -3, 10**6, -(10**6)])
def test_processors_out_of_range_is_a_value_error(processors):
    with pytest.raises(ValueError) as caught:
        CompressorPool(MemoryProvider(), workers=2, processors=processors)
    assert isinstance(caught.value, ZstdpoolError) and "processors" in caught.value.message


def test_add_while_stopping_is_a_runtime_error():
    pool = CompressorPool(MemoryProvider(), workers=1)
    started = threading.Event()
    pool.add(Entry("slow", None, SlowReader(0.5, started)), io.BytesIO())
    assert started.wait(10)
    pool.cancel()
    assert pool.stopping
    with pytest.raises(RuntimeError) as caught:
        pool.add(Entry("late", None, b"x"), io.BytesIO())
    assert isinstance(caught.value, StoppedError) and isinstance(caught.value, ZstdpoolError)
    assert caught.value.status == Status.STOPPED
    pool.join()
    pool.close()


def test_stop_waits_first():
    pool = CompressorPool(MemoryProvider(), workers=2)
    for i in range(4):
        pool.add(Entry(f"e{i}", None, SlowReader(0.2)), io.BytesIO())
    pool.stop()
    assert pool.stats.totals.done == 4  # every entry finished when stop() returns
    assert pool.join(5)
    pool.close()


def test_rejected_gives_each_entry_with_its_exception():
    class Boom(Exception):
        pass

    class Broken:
        def read(self, n):
            raise Boom("disk on fire")

    bad, liar = Entry("bad", None, Broken()), Entry("liar", None, b"12345", size=3)
    with CompressorPool(MemoryProvider(), workers=1) as pool:
        pool.add(bad, io.BytesIO())
        pool.add(liar, io.BytesIO())
        pool.add(Entry("good", None, b"fine"), io.BytesIO())
    rejected = dict((entry.name, (entry, error)) for entry, error in pool.rejected)
    assert rejected["bad"][0] is bad and isinstance(rejected["bad"][1], Boom)
    assert str(rejected["bad"][1]) == "disk on fire"
    assert rejected["liar"][0] is liar
    error = rejected["liar"][1]
    assert isinstance(error, zstdpool.RejectedError) and error.status == Status.SIZE_MISMATCH
    statuses = {r.name: (r.status, r.message.split(":")[0]) for r in pool.rejections}
    assert statuses == {"bad": (Status.READ, "bad"), "liar": (Status.SIZE_MISMATCH, "liar")}


def test_workers_default_to_the_cpu_count():
    pool = CompressorPool(MemoryProvider())
    assert pool.config.workers == (os.cpu_count() or 2)
    pool.close()
    pool = CompressorPool(MemoryProvider(), Config(workers=1))
    assert pool.config.workers == 1  # a configuration's own value stays
    pool.close()
