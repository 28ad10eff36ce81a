"""Test setup for the ctypes module examples/python/zstdpool.py.

The module finds the library itself (ZSTDPOOL_LIB, else target/release, else target/debug
of the repository). When none is there and ZSTDPOOL_LIB is unset, the library is built first
with `cargo build --release --lib`, so `python3 -m pytest -q tests/python` works on a fresh
checkout.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "python"))


def _ensure_library() -> None:
    if os.environ.get("ZSTDPOOL_LIB"):
        return
    if any((ROOT / "target" / p / "libzstdpool.so").exists() for p in ("release", "debug")):
        return
    subprocess.run(["cargo", "build", "--release", "--lib"], cwd=ROOT, check=True)


_ensure_library()
