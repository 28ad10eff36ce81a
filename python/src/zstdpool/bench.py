"""Benchmark: zstdpool against python-zstandard on a corpus, in one process.

    python -m zstdpool.bench CORPUS [--workers N] [--level 3] [--repeat 10] [--runs 3]

CORPUS is a folder of ``<category>/<files>``: each sub-folder is a category (one dictionary).
Every timed run covers the corpus ``--repeat`` times (so that start-up costs do not dominate);
each figure is the best of ``--runs`` runs, in MB/s of uncompressed data.

Rows, on the same files, dictionaries ready unless said:

- compress: zstdpool ``CompressorPool.compress_many`` (a pool kept, one library call per
  run), ``compress_many`` (a new pool per call), ``CompressorPool.add`` of bytes entries
  then ``wait``; python-zstandard's single-thread loop (``ZstdCompressor.compress`` per
  file) and ``multi_compress_to_buffer(threads=workers)``, with its own per-category
  dictionaries trained by ``zstandard.train_dictionary`` on each category's files;
- decompress: the same, with ``decompress_many`` (also ``copy=False``), ``DecompressorPool.add``,
  ``ZstdDecompressor.decompress`` and ``multi_decompress_to_buffer``, each on its own frames;
- from nothing: zstdpool ``compress_many`` with an empty provider (training included; also
  with ``training_effort=0``) against python-zstandard's ``train_dictionary`` per category +
  compression (its loop, and ``multi_compress_to_buffer``).

Each row also gives the process's CPU time (all threads) of its best run: on a loaded machine
the threads may not get their cores, and CPU time per byte still compares the work done.
Ratios are raw bytes / frame bytes ("archive": with the dictionaries' bytes added). The last
line is one JSON object with every figure. python-zstandard missing: its rows are skipped
with a message (exit status 0, or 2 with ``--require-zstandard``).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import zstdpool

Item = Tuple[str, str, bytes]


def load_corpus(root: Path) -> List[Item]:
    """(name, category, data) for every file of every sub-folder, in a stable order."""
    items: List[Item] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            items.append((str(path.relative_to(root)), folder.name, path.read_bytes()))
    return items


def best_of(runs: int, functions: Dict[str, Callable[[], Any]]) -> Dict[str, Tuple[float, Any]]:
    """Each function's shortest time over ``runs`` rounds, and its last result. The rounds
    interleave the functions, so that a machine whose load changes (other processes) weighs
    on all of them alike."""
    times = {key: float("inf") for key in functions}
    results: Dict[str, Any] = {}
    for _ in range(runs):
        for key, function in functions.items():
            results.pop(key, None)  # free the last result before making the next one
            gc.collect()
            c0, t0 = time.process_time(), time.perf_counter()
            result = function()
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            if seconds < times[key]:
                times[key] = seconds
                CPU_SECONDS[key] = cpu
            results[key] = result
    return {key: (times[key], results[key]) for key in functions}


#: The CPU time (every thread of the process) of each figure's best run.
CPU_SECONDS: Dict[str, float] = {}


class Report:
    def __init__(self, raw_bytes: int):
        self.raw = raw_bytes
        self.rows: Dict[str, Dict[str, Any]] = {}

    def add(self, key: str, label: str, seconds: float, frame_bytes: Optional[int] = None,
            dict_bytes: int = 0, raw: Optional[int] = None) -> None:
        raw = self.raw if raw is None else raw
        row: Dict[str, Any] = {"seconds": round(seconds, 6), "mb_s": round(raw / seconds / 1e6, 1)}
        cpu = CPU_SECONDS.get(key)
        line = f"  {label:<52} {row['mb_s']:>8.1f} MB/s {seconds * 1000:>7.1f} ms"
        if cpu is not None:
            row["cpu_seconds"] = round(cpu, 6)
            line += f" cpu {cpu * 1000:>6.1f} ms"
        if frame_bytes:
            row["ratio"] = round(raw / frame_bytes, 3)
            row["archive_ratio"] = round(raw / (frame_bytes + dict_bytes), 3)
            line += f"   ratio {row['ratio']:.2f} (archive {row['archive_ratio']:.2f})"
        self.rows[key] = row
        print(line, flush=True)


def dictionary_bytes(pool_stats: zstdpool.Stats) -> int:
    return sum(c.dict_size for c in pool_stats.categories.values())


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zstdpool.bench", description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder of <category>/<files>")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="worker threads for zstdpool and python-zstandard (default: CPUs)")
    parser.add_argument("--level", type=int, default=3, help="zstd level (default 3)")
    parser.add_argument("--repeat", type=int, default=10,
                        help="corpus copies per timed run (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure, best kept (default 3)")
    parser.add_argument("--require-zstandard", action="store_true",
                        help="exit with status 2 if python-zstandard is not installed")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.repeat < 1 or args.runs < 1:
        parser.error("--workers, --repeat and --runs must be at least 1")
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus} is not a folder")

    zstandard: Any
    try:
        zstandard = importlib.import_module("zstandard")
    except ImportError:
        zstandard = None

    corpus = load_corpus(args.corpus)
    if not corpus:
        parser.error(f"{args.corpus} has no <category>/<file>")
    items = corpus * args.repeat
    raw = sum(len(d) for _, _, d in items)
    categories = sorted({c for _, c, _ in corpus})
    print(f"corpus {args.corpus}: {len(corpus)} files, {len(categories)} categories, "
          f"{sum(len(d) for _, _, d in corpus) / 1e6:.1f} MB; timed runs: {args.repeat}x "
          f"({raw / 1e6:.1f} MB, {len(items)} entries), best of {args.runs}; workers "
          f"{args.workers}, level {args.level}; zstdpool {zstdpool.version()} (libzstd "
          f"{zstdpool.zstd_version()}), python-zstandard "
          f"{getattr(zstandard, '__version__', 'not installed')}", flush=True)
    if zstandard is None:
        print("python-zstandard is not installed (pip install zstandard): its rows are skipped",
              flush=True)
    report = Report(raw)
    config = zstdpool.Config(workers=args.workers, level=args.level)
    tuned = [v for v in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")
             if v in os.environ]
    if tuned:
        print(f"glibc malloc tuned by the environment: "
              f"{', '.join(f'{v}={os.environ[v]}' for v in tuned)}")

    # --- From nothing: training included -------------------------------------------------
    by_category: Dict[str, List[bytes]] = {c: [] for c in categories}
    for _, category, data in corpus:
        by_category[category].append(data)
    repeated: Dict[str, List[bytes]] = {c: v * args.repeat for c, v in by_category.items()}
    providers: List[zstdpool.MemoryProvider] = []

    def zstdpool_scratch() -> Tuple[List[bytes], int]:
        provider = zstdpool.MemoryProvider()
        providers[:] = [provider]
        with zstdpool.CompressorPool(provider, config) as pool:
            frames = pool.compress_many(items)
        return frames, dictionary_bytes(pool.stats)

    def train() -> Tuple[Dict[str, Any], List[str]]:
        """python-zstandard's dictionaries: train_dictionary on each category's files."""
        trained, fails = {}, []
        for category, files in by_category.items():
            samples = [f for f in files if f]
            size = min(112640, max(256, sum(map(len, samples)) // 10))
            try:
                trained[category] = zstandard.train_dictionary(size, samples, level=args.level)
            except zstandard.ZstdError:
                fails.append(category)
        return trained, fails

    def compressors(trained: Dict[str, Any]) -> Dict[str, Any]:
        return {c: zstandard.ZstdCompressor(level=args.level, dict_data=trained.get(c))
                for c in categories}

    def single_compress(cctx: Dict[str, Any]) -> int:
        return sum(len(cctx[c].compress(d)) for c, files in repeated.items() for d in files)

    def multi_compress(cctx: Dict[str, Any]) -> int:
        total = 0
        for c, files in repeated.items():
            nonempty = [d for d in files if d]  # multi_compress_to_buffer refuses b""
            if nonempty:
                total += cctx[c].multi_compress_to_buffer(nonempty, threads=args.workers).size()
        return total

    def scratch(compress: Callable[[Dict[str, Any]], int]) -> Callable[[], int]:
        def run() -> int:
            return compress(compressors(train()[0]))
        return run

    def zstdpool_scratch_effort0() -> Tuple[List[bytes], int]:
        with zstdpool.CompressorPool(zstdpool.MemoryProvider(), config.copy(training_effort=0)) as pool:
            frames = pool.compress_many(items)
        return frames, dictionary_bytes(pool.stats)

    print("from nothing (training included):")
    runs: Dict[str, Callable[[], Any]] = {"scratch_zstdpool": zstdpool_scratch,
                                          "scratch_zstdpool_effort0": zstdpool_scratch_effort0}
    if zstandard is not None:
        runs["scratch_zstandard_single"] = scratch(single_compress)
        runs["scratch_zstandard_multi"] = scratch(multi_compress)
    timed = best_of(args.runs, runs)
    provider = providers[0]
    seconds, (frames, dict_bytes) = timed["scratch_zstdpool"]
    report.add("scratch_zstdpool", "zstdpool compress_many, empty provider", seconds,
               sum(map(len, frames)), dict_bytes)
    seconds0, (frames0, dict_bytes0) = timed["scratch_zstdpool_effort0"]
    report.add("scratch_zstdpool_effort0", "  the same, training_effort=0 (a cheaper search)",
               seconds0, sum(map(len, frames0)), dict_bytes0)
    del frames0
    zdicts: Dict[str, Any] = {}
    failed: List[str] = []
    zdict_bytes = 0
    if zstandard is not None:
        zdicts, failed = train()
        zdict_bytes = sum(len(d.as_bytes()) for d in zdicts.values())
        report.add("scratch_zstandard_single", "python-zstandard train_dictionary + loop",
                   timed["scratch_zstandard_single"][0], timed["scratch_zstandard_single"][1],
                   zdict_bytes)
        report.add("scratch_zstandard_multi",
                   f"python-zstandard train_dictionary + multi (threads={args.workers})",
                   timed["scratch_zstandard_multi"][0], timed["scratch_zstandard_multi"][1],
                   zdict_bytes)
        if failed:
            print(f"  (python-zstandard could not train {', '.join(failed)}: no dictionary "
                  f"there, as zstd says 'Src size is incorrect')")
    del timed

    # --- Compression, dictionaries ready ---------------------------------------------------
    print("compress (dictionaries ready):")
    pool = zstdpool.CompressorPool(provider, config)
    pool.compress_many(corpus)  # loads the dictionaries, starts the workers
    dict_bytes = dictionary_bytes(pool.stats)

    def pool_add() -> List[bytearray]:
        outputs = [bytearray() for _ in items]
        for (name, category, data), out in zip(items, outputs):
            pool.add(zstdpool.Entry(name, category, data), out)
        pool.wait()
        return outputs

    runs = {
        "compress_zstdpool_many": lambda: pool.compress_many(items),
        "compress_zstdpool_add": pool_add,
        "compress_zstdpool_module": lambda: zstdpool.compress_many(items, provider, config),
    }
    if zstandard is not None:
        cctx = compressors(zdicts)
        runs["compress_zstandard_single"] = lambda: single_compress(cctx)
        runs["compress_zstandard_multi"] = lambda: multi_compress(cctx)
    timed = best_of(args.runs, runs)
    pool.close()
    if pool.rejections:
        print(f"  ({len(pool.rejections)} rejected: {pool.rejections[0].message})")
    seconds, frames = timed["compress_zstdpool_many"]
    report.add("compress_zstdpool_many", "zstdpool CompressorPool.compress_many", seconds,
               sum(map(len, frames)), dict_bytes)
    seconds, outputs = timed["compress_zstdpool_add"]
    report.add("compress_zstdpool_add", "zstdpool CompressorPool.add(bytes) + wait", seconds,
               sum(map(len, outputs)), dict_bytes)
    report.add("compress_zstdpool_module", "zstdpool.compress_many (a new pool per call)",
               timed["compress_zstdpool_module"][0])
    if zstandard is not None:
        report.add("compress_zstandard_single", "python-zstandard ZstdCompressor.compress loop",
                   *timed["compress_zstandard_single"], zdict_bytes)
        report.add("compress_zstandard_multi",
                   f"python-zstandard multi_compress_to_buffer(threads={args.workers})",
                   *timed["compress_zstandard_multi"], zdict_bytes)
    del timed, outputs

    # --- Decompression, dictionaries ready -------------------------------------------------
    print("decompress (dictionaries ready):")
    ditems = [(name, category, frame) for (name, category, _), frame in zip(items, frames)]
    dpool = zstdpool.DecompressorPool(provider, config)
    dpool.decompress_many(ditems[:len(corpus)])  # loads the dictionaries
    if dpool.decompress_many(ditems) != [d for _, _, d in items]:
        print("zstdpool decompress_many did not restore the corpus!", file=sys.stderr)
        return 1

    def dpool_add() -> int:
        outputs = [bytearray() for _ in ditems]
        for (name, category, frame), out in zip(ditems, outputs):
            dpool.add(zstdpool.Entry(name, category, frame), out)
        dpool.wait()
        return sum(map(len, outputs))

    runs = {
        "decompress_zstdpool_many": lambda: sum(map(len, dpool.decompress_many(ditems))),
        "decompress_zstdpool_views": lambda: sum(
            v.nbytes for v in dpool.decompress_many(ditems, copy=False)),
        "decompress_zstdpool_add": dpool_add,
    }
    if zstandard is not None:
        dctx = {c: zstandard.ZstdDecompressor(dict_data=zdicts.get(c)) for c in categories}
        zframes = {c: [cctx[c].compress(d) for d in files] for c, files in repeated.items()}
        buffers = {}
        for c, files in repeated.items():
            nonempty = [d for d in files if d]
            if nonempty:  # its own frames, in the buffers multi_decompress_to_buffer takes
                buffers[c] = cctx[c].multi_compress_to_buffer(nonempty, threads=args.workers)
        runs["decompress_zstandard_single"] = lambda: sum(
            len(dctx[c].decompress(f)) for c, fs in zframes.items() for f in fs)
        runs["decompress_zstandard_multi"] = lambda: sum(
            dctx[c].multi_decompress_to_buffer(b, threads=args.workers).size()
            for c, b in buffers.items())
    timed = best_of(args.runs, runs)
    dpool.close()
    report.add("decompress_zstdpool_many", "zstdpool DecompressorPool.decompress_many",
               timed["decompress_zstdpool_many"][0], raw=timed["decompress_zstdpool_many"][1])
    report.add("decompress_zstdpool_views", "  the same, copy=False (memoryviews, no copy)",
               timed["decompress_zstdpool_views"][0], raw=timed["decompress_zstdpool_views"][1])
    report.add("decompress_zstdpool_add", "zstdpool DecompressorPool.add(bytes) + wait",
               timed["decompress_zstdpool_add"][0], raw=timed["decompress_zstdpool_add"][1])
    if zstandard is not None:
        report.add("decompress_zstandard_single",
                   "python-zstandard ZstdDecompressor.decompress loop",
                   timed["decompress_zstandard_single"][0],
                   raw=timed["decompress_zstandard_single"][1])
        report.add("decompress_zstandard_multi",
                   f"python-zstandard multi_decompress_to_buffer(threads={args.workers})",
                   timed["decompress_zstandard_multi"][0],
                   raw=timed["decompress_zstandard_multi"][1])
    del timed

    # --- Summary ---------------------------------------------------------------------------
    rows = report.rows
    summary: Dict[str, Any] = {}
    if zstandard is not None:
        def speedup(ours: str, theirs: Sequence[str]) -> float:
            best_theirs = min(rows[t]["seconds"] for t in theirs)
            return round(float(best_theirs / rows[ours]["seconds"]), 2)

        summary = {
            "compress_many_vs_best_zstandard": speedup(
                "compress_zstdpool_many", ["compress_zstandard_single", "compress_zstandard_multi"]),
            "pool_add_compress_vs_best_zstandard": speedup(
                "compress_zstdpool_add", ["compress_zstandard_single", "compress_zstandard_multi"]),
            "decompress_many_vs_best_zstandard": speedup(
                "decompress_zstdpool_many",
                ["decompress_zstandard_single", "decompress_zstandard_multi"]),
            "pool_add_decompress_vs_best_zstandard": speedup(
                "decompress_zstdpool_add",
                ["decompress_zstandard_single", "decompress_zstandard_multi"]),
            "scratch_vs_best_zstandard": speedup(
                "scratch_zstdpool", ["scratch_zstandard_single", "scratch_zstandard_multi"]),
        }
        print("zstdpool against the faster python-zstandard figure (time ratio; targets "
              "1.5x compress and decompress, 1.0x from nothing):")
        for key, value in summary.items():
            print(f"  {key:<44} {value:.2f}x")
    print(json.dumps({
        "corpus": str(args.corpus), "files": len(corpus), "categories": len(categories),
        "raw_bytes": raw, "repeat": args.repeat, "runs": args.runs, "workers": args.workers,
        "level": args.level, "zstdpool": zstdpool.version(), "libzstd": zstdpool.zstd_version(),
        "zstandard": getattr(zstandard, "__version__", None), "zstandard_untrained": failed,
        "malloc_env": {v: os.environ[v] for v in tuned},
        "rows": rows, "speedups": summary,
    }, sort_keys=True))
    if zstandard is None and args.require_zstandard:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
