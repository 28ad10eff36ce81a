#!/usr/bin/env python3
"""The archive's documented read path, without zstdpool: Python's sqlite3 and zstandard.

    python3 tests/archive_sql_read.py DB ZIPS

For every file of every job ZIP under ZIPS (`<job8>.zip`, searched recursively, e.g. a
LogSE tree `LOG/<prod8>/<sub4>/`), runs exactly the SELECT the archive documents,

    SELECT data.data, dict.data FROM data JOIN dict ON data.dict = dict.id
    WHERE data.name = ? AND data.job = ?

and decompresses the frame with python-zstandard's one-shot decompress (which needs the
content size in the frame header: every frame of the archive records it), with the row's
dictionary (none when dict.data is NULL), then compares the bytes with the ZIP entry's.
Also checks that the database holds no row the ZIPs do not have. Run by examples/demo.sh.
Prints one line; exits 1 on any mismatch, 2 on bad usage or a missing module.
"""

import sqlite3
import sys
import zipfile
from pathlib import Path

# Exactly the query the archive documents (README, src/archive/mod.rs, zstdpool.h).
SELECT = (
    "SELECT data.data, dict.data FROM data JOIN dict ON data.dict = dict.id "
    "WHERE data.name = ? AND data.job = ?"
)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        import zstandard
    except ImportError:
        print("archive_sql_read: needs the zstandard module (bash tests/install-tools.sh "
              "python-zstandard)", file=sys.stderr)
        return 2
    db, zips = Path(argv[1]), Path(argv[2])
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    dictionaries: dict[bytes, zstandard.ZstdDecompressor] = {}
    plain = zstandard.ZstdDecompressor()
    files = jobs = mismatches = with_dict = 0
    for archive in sorted(zips.rglob("*.zip")):
        job = int(archive.stem.split("_")[-1])
        jobs += 1
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                name = info.filename.rsplit("/", 1)[-1]
                expected = z.read(info)
                row = conn.execute(SELECT, (name, job)).fetchone()
                if row is None:
                    print(f"archive_sql_read: job {job}: {name}: no row", file=sys.stderr)
                    mismatches += 1
                    continue
                frame, blob = row
                if blob is None:
                    decompressor = plain
                else:
                    with_dict += 1
                    decompressor = dictionaries.get(blob)
                    if decompressor is None:
                        decompressor = zstandard.ZstdDecompressor(
                            dict_data=zstandard.ZstdCompressionDict(blob))
                        dictionaries[blob] = decompressor
                got = decompressor.decompress(frame)
                if got != expected:
                    print(f"archive_sql_read: job {job}: {name}: {len(got)} bytes differ from "
                          f"the ZIP's {len(expected)}", file=sys.stderr)
                    mismatches += 1
                files += 1
    rows = conn.execute("SELECT count(*) FROM data").fetchone()[0]
    if rows != files:
        print(f"archive_sql_read: the database has {rows} rows, the ZIPs {files} files",
              file=sys.stderr)
        mismatches += 1
    if files == 0:
        print(f"archive_sql_read: no ZIP file under {zips}", file=sys.stderr)
        mismatches += 1
    print(f"archive_sql_read: {files} files of {jobs} jobs read with the documented SELECT and "
          f"python-zstandard {zstandard.__version__} ({with_dict} with one of "
          f"{len(dictionaries)} dictionaries): {'byte-exact' if mismatches == 0 else 'MISMATCH'}")
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
