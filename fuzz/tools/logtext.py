#!/usr/bin/env python3
"""Deterministic log-like text for the fuzzers' dictionary and seed corpus.

    logtext.py OUTDIR COUNT SEED   writes OUTDIR/s000.txt ... (a few hundred bytes to ~3 KB each)
"""
import os
import random
import sys

WORDS = [
    "INFO  Scheduler", "WARN  Scheduler", "job queued on node", "job finished on node",
    "memory=2048MB", "cpu-seconds", "GET /api/v1/users", "POST /api/v1/orders", "status=200",
    "status=404", "cache=hit", "EventLoopMgr", "ApplicationMgr", "SUCCESS", "Reading event",
]


def main():
    out, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        size = rng.randint(200, 3000)
        lines = []
        total = 0
        while total < size:
            line = "2024-05-%02d %02d:%02d:%02d %s %s id=%d took=%dms\n" % (
                rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                rng.choice(WORDS), rng.choice(WORDS), rng.randint(0, 99999), rng.randint(0, 4999))
            lines.append(line)
            total += len(line)
        with open(os.path.join(out, "s%03d.txt" % i), "w") as f:
            f.write("".join(lines))


if __name__ == "__main__":
    main()
