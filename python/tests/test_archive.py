"""The archive from Python: job ZIPs converted into one SQLite database, listed, read back
byte for byte (through the package and through the documented SELECT), verified,
extracted; bad inputs and bad calls."""

import sqlite3
import zipfile
from pathlib import Path

import pytest

import zstdpool
from zstdpool import Status

JOBS = 24


def job_files(job: int):
    """The files of job `job`: step logs and summaries, job.info."""
    files = {}
    for step, app in enumerate(["Gauss", "Boole", "Brunel"], start=1):
        lines = "".join(f"{app} INFO event {e} of job {job}: {job * e % 97} tracks\n"
                        for e in range(40 + job % 7))
        files[f"{app}_00012345_{job:08d}_{step}.log"] = lines.encode()
        files[f"summary{app}_00012345_{job:08d}_{step}.xml"] = (
            f"<summary><success>True</success><events>{job * 10}</events></summary>\n".encode())
    files["job.info"] = f"/JobID = {1000 + job}\n".encode()
    return files


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A folder of job ZIPs as the log store keeps them (one top-level folder per job)."""
    src = tmp_path / "LOG" / "00012345" / "0000"
    src.mkdir(parents=True)
    for job in range(1, JOBS + 1):
        with zipfile.ZipFile(src / f"{job:08d}.zip", "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in job_files(job).items():
                z.writestr(f"{job:08d}/{name}", data)
    return src


def test_convert_list_read_verify_extract(store: Path, tmp_path: Path):
    db = tmp_path / "sub.db"
    seen = []
    with zstdpool.Archive(db) as archive:
        summary = archive.convert(store, progress=seen.append)
        assert summary.progress.jobs_converted == JOBS and summary.progress.jobs_failed == 0
        assert summary.progress.files == JOBS * 7
        assert summary.rejections == []
        assert summary.archive_ratio > 1 and summary.frames_ratio >= summary.archive_ratio
        assert seen and seen[-1].jobs_converted == JOBS
        assert {c.name for c in summary.categories} >= {"Gauss_#_#_#.log", "job.info"}
        again = archive.convert(store)
        assert again.progress.jobs_skipped == JOBS and again.progress.jobs_converted == 0
    with zstdpool.Archive(db, read_only=True) as archive:
        jobs = archive.jobs()
        assert [j.id for j in jobs] == list(range(1, JOBS + 1))
        assert jobs[4] == zstdpool.ArchiveJob(5, 1005, True)
        for job in (1, 7, JOBS):
            files = job_files(job)
            assert archive.names(job) == sorted(files)
            for name, data in files.items():
                assert archive.read(job, name) == data
        report = archive.verify()
        assert (report.files, report.problems) == (JOBS * 7, [])  # jobs: extract only
        out = tmp_path / "out"
        extracted = archive.extract(out)
        assert (extracted.jobs, extracted.files, extracted.problems) == (JOBS, JOBS * 7, [])
        assert (out / "00000003" / "job.info").read_bytes() == job_files(3)["job.info"]
    # Any reader: the documented SELECT, then zstd with that dictionary.
    zstandard = pytest.importorskip("zstandard")
    conn = sqlite3.connect(db)
    frame, dictionary = conn.execute(
        "SELECT data.data, dict.data FROM data JOIN dict ON data.dict = dict.id "
        "WHERE data.name = ? AND data.job = ?", ("Boole_00012345_00000009_2.log", 9)).fetchone()
    d = zstandard.ZstdDecompressor(
        dict_data=zstandard.ZstdCompressionDict(dictionary) if dictionary else None)
    assert d.decompress(frame) == job_files(9)["Boole_00012345_00000009_2.log"]


def test_bad_inputs_and_bad_calls(store: Path, tmp_path: Path):
    (store / "00000099.zip").write_bytes(b"not a zip at all")
    db = tmp_path / "sub.db"
    with zstdpool.Archive(db) as archive:
        summary = archive.convert(store)
        assert summary.progress.jobs_converted == JOBS
        assert [r.status for r in summary.rejections] == [Status.NOT_ZIP]
        assert summary.rejections[0].input.endswith("00000099.zip")
        with pytest.raises(zstdpool.ZstdpoolError) as missing:
            archive.read(999, "job.info")
        assert missing.value.status == Status.NOT_FOUND
        with pytest.raises(zstdpool.ZstdpoolError) as no_file:
            archive.read(1, "nothing.log")
        assert no_file.value.status == Status.NOT_FOUND
        with pytest.raises(ValueError):
            archive.read(1, "bad\0name")
    with zstdpool.Archive(db, read_only=True) as archive:
        with pytest.raises(zstdpool.ZstdpoolError) as refused:
            archive.convert(store)
        assert refused.value.status == Status.DATABASE
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.commit()
    with pytest.raises(zstdpool.ZstdpoolError) as foreign:
        zstdpool.Archive(other)
    assert foreign.value.status == Status.NOT_OUR_DATABASE
    closed = zstdpool.Archive(tmp_path / "c.db")
    closed.close()
    closed.close()
    with pytest.raises(ValueError, match="closed"):
        closed.jobs()


def test_a_progress_exception_comes_back_after_the_conversion(store: Path, tmp_path: Path):
    def fail(_progress):
        raise KeyError("stop here")

    with zstdpool.Archive(tmp_path / "sub.db") as archive:
        with pytest.raises(KeyError, match="stop here"):
            archive.convert(store, progress=fail)
        # The conversion itself completed: every job is there.
        assert len(archive.jobs()) == JOBS
