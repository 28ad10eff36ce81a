#!/usr/bin/env python3
"""The reference converter: a production's job ZIPs into one SQLite database, written the
obvious way in Python (the original lhcbdirac_log tool's design: a thread pool, zipfile,
python-zstandard, sqlite3), for examples/archive_bench.rs to time zstdpool against.

    python3 examples/reference/convert.py SRC DB [--level L] [--workers N]

Same schema as zstdpool's archive; one dictionary per category (the file name with digit
runs folded to '#'), trained with zstandard.train_dictionary on the category's first 64
files; frames record their content size and a checksum. Prints one JSON line.
"""
import argparse
import json
import os
import re
import sqlite3
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import zstandard

SCHEMA = """
create table dict (id INTEGER not null primary key, name VARCHAR not null unique,
                   zstd_id INTEGER, data BLOB);
create table job  (id INTEGER not null primary key, dirac_id INTEGER, success BOOLEAN);
create table data (name VARCHAR not null,
                   job  INTEGER not null references job on delete restrict,
                   dict INTEGER not null references dict on delete restrict,
                   data BLOB not null,
                   primary key (name, job));
"""
SAMPLES = 64
DICT_SIZE = 110 * 1024


def category(name):
    return re.sub(r"[0-9]+", "#", name.rsplit("/", 1)[-1])


def job_zips(src):
    found = []
    for root, _, files in os.walk(src):
        for f in files:
            if f.endswith(".zip"):
                found.append(os.path.join(root, f))
    return sorted(found)


def read_job(path):
    """(job number, [(name within the job, bytes)]) of one job ZIP."""
    number = int(os.path.basename(path)[:-4].split("_")[-1])
    with zipfile.ZipFile(path) as z:
        files = []
        for info in z.infolist():
            if info.is_dir():
                continue
            name = info.filename.split("/", 1)[-1] if "/" in info.filename else info.filename
            files.append((name, z.read(info)))
    return number, files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("src")
    parser.add_argument("db")
    parser.add_argument("--level", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    started = time.perf_counter()
    zips = job_zips(args.src)
    # Training: each category's first SAMPLES files.
    samples = {}
    for path in zips:
        _, files = read_job(path)
        for name, data in files:
            s = samples.setdefault(category(name), [])
            if len(s) < SAMPLES:
                s.append(data)
        if all(len(s) >= SAMPLES for s in samples.values()):
            break
    dicts = {}
    for cat, s in samples.items():
        try:
            dicts[cat] = zstandard.train_dictionary(DICT_SIZE, s, level=args.level)
        except zstandard.ZstdError:
            dicts[cat] = None  # too few or too small samples: no dictionary
    train_seconds = time.perf_counter() - started
    if os.path.exists(args.db):
        os.remove(args.db)
    db = sqlite3.connect(args.db)
    db.executescript(SCHEMA)
    dict_ids = {}
    for i, (cat, d) in enumerate(sorted(dicts.items()), start=1):
        dict_ids[cat] = i
        db.execute("insert into dict values (?, ?, ?, ?)",
                   (i, cat, d.dict_id() if d else None, d.as_bytes() if d else None))

    def compress_job(path):
        number, files = read_job(path)
        out = []
        for name, data in files:
            cat = category(name)
            if cat not in dicts:  # a category that was not sampled: no dictionary
                cat_dict = None
            else:
                cat_dict = dicts[cat]
            c = zstandard.ZstdCompressor(level=args.level, dict_data=cat_dict,
                                         write_checksum=True, write_content_size=True)
            out.append((name, cat, c.compress(data), len(data)))
        return number, out

    raw = frames = 0
    with ThreadPoolExecutor(args.workers) as pool:
        for number, files in pool.map(compress_job, zips):
            db.execute("insert into job values (?, NULL, NULL)", (number,))
            for name, cat, frame, size in files:
                if cat not in dict_ids:
                    dict_ids[cat] = len(dict_ids) + 1
                    db.execute("insert into dict values (?, ?, NULL, NULL)",
                               (dict_ids[cat], cat))
                db.execute("insert into data values (?, ?, ?, ?)",
                           (name, number, dict_ids[cat], frame))
                raw += size
                frames += len(frame)
    db.commit()
    db.close()
    seconds = time.perf_counter() - started
    dict_bytes = sum(len(d.as_bytes()) for d in dicts.values() if d)
    print(json.dumps({"jobs": len(zips), "seconds": round(seconds, 3),
                      "train_seconds": round(train_seconds, 3), "raw_bytes": raw,
                      "frame_bytes": frames, "dict_bytes": dict_bytes,
                      "ratio_frames": round(raw / max(frames, 1), 3),
                      "ratio_archive": round(raw / max(frames + dict_bytes, 1), 3),
                      "db_bytes": os.path.getsize(args.db)}))


if __name__ == "__main__":
    sys.exit(main())
