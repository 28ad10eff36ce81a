"""Test setup for the zstdpool package.

The tests run against the installed package (tests/run-all.sh: a fresh venv, `pip install
./python`, then this suite). Run from a checkout without installing, they fall back to the
sources in python/src, with the library of the repository's target/release (built first with
`cargo build --release --lib` when missing) unless ZSTDPOOL_LIB is set.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

try:
    import zstdpool  # noqa: F401 -- the installed package
except ImportError:
    if not os.environ.get("ZSTDPOOL_LIB") and not any(
            (ROOT / "target" / p / "libzstdpool.so").exists() for p in ("release", "debug")):
        subprocess.run(["cargo", "build", "--release", "--lib"], cwd=ROOT, check=True)
    sys.path.insert(0, str(ROOT / "python" / "src"))
