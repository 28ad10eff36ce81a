"""python -m zstdpool.bench on a small generated corpus (figures are not checked: the
benchmark's output and exit status are)."""

import json
import subprocess
import sys

import pytest

from test_zstdpool import make_entries

HIDE_ZSTANDARD = ("import sys, runpy; sys.modules['zstandard'] = None; "
                  "sys.argv = ['zstdpool.bench'] + sys.argv[1:]; "
                  "runpy.run_module('zstdpool.bench', run_name='__main__')")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    for name, category, data in make_entries(per_category=12):
        folder = root / category
        folder.mkdir(exist_ok=True)
        (folder / name.replace("/", "_")).write_bytes(data)
    (root / "README.md").write_text("not a category: files at the top are ignored\n")
    return root


def run(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300)


def test_bench_prints_figures_and_a_json_line(corpus):
    pytest.importorskip("zstandard")
    result = run("-m", "zstdpool.bench", str(corpus), "--repeat", "2", "--runs", "1",
                 "--workers", "2")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["files"] == 36 and summary["categories"] == 3 and summary["repeat"] == 2
    for key in ("compress_zstdpool_many", "compress_zstdpool_add", "compress_zstandard_single",
                "compress_zstandard_multi", "decompress_zstdpool_many",
                "decompress_zstandard_multi", "scratch_zstdpool", "scratch_zstandard_single"):
        row = summary["rows"][key]
        assert row["mb_s"] > 0 and row["seconds"] > 0 and row["cpu_seconds"] >= 0, key
    assert summary["rows"]["compress_zstdpool_many"]["ratio"] > 1
    assert set(summary["speedups"]) >= {"compress_many_vs_best_zstandard",
                                        "decompress_many_vs_best_zstandard",
                                        "scratch_vs_best_zstandard"}
    assert "MB/s" in result.stdout


def test_bench_without_zstandard_skips_its_rows(corpus):
    args = (str(corpus), "--repeat", "1", "--runs", "1", "--workers", "1")
    result = run("-c", HIDE_ZSTANDARD, *args)
    assert result.returncode == 0, result.stderr
    assert "python-zstandard is not installed" in result.stdout
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["zstandard"] is None and summary["speedups"] == {}
    assert not any("zstandard" in key for key in summary["rows"])
    assert run("-c", HIDE_ZSTANDARD, *args, "--require-zstandard").returncode == 2


def test_bench_refuses_bad_arguments(tmp_path):
    assert run("-m", "zstdpool.bench", str(tmp_path / "missing")).returncode == 2
    assert run("-m", "zstdpool.bench", str(tmp_path)).returncode == 2  # no category
    assert run("-m", "zstdpool.bench", str(tmp_path), "--runs", "0").returncode == 2
