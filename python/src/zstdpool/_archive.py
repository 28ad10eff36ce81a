"""The archive: a production's job logs in one SQLite database (the original tool's schema),
converted from the log store's job ZIPs, read back one log at a time."""

from __future__ import annotations

import ctypes
import os
from ctypes import POINTER, c_size_t, c_uint8
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Union

from ._capi import (
    lib,
    zstdpool_archive,
    zstdpool_archive_category,
    zstdpool_archive_counts,
    zstdpool_archive_job,
    zstdpool_archive_job_fn,
    zstdpool_archive_problem,
    zstdpool_archive_rejection,
    zstdpool_archive_report,
    zstdpool_convert_progress,
    zstdpool_convert_progress_fn,
    zstdpool_convert_summary,
    zstdpool_convert_totals,
    zstdpool_name_fn,
)
from ._config import Config, check, encode
from ._errors import status_of

PathLike = Union[str, bytes, "os.PathLike[Any]"]


@dataclass(frozen=True)
class ConvertProgress:
    """How far a conversion is (after each commit)."""

    jobs_total: int
    jobs_converted: int
    jobs_skipped: int
    jobs_failed: int
    files: int
    raw_bytes: int
    frame_bytes: int


@dataclass(frozen=True)
class ArchiveCategory:
    """One category of a conversion: its files, bytes and dictionary."""

    name: str
    files: int
    raw_bytes: int
    frame_bytes: int
    status: int
    status_message: str
    dict_id: int
    dict_size: int


@dataclass(frozen=True)
class ArchiveRejection:
    """A job input (or one of its files) refused, and why: the job is not in the archive."""

    input: str
    job: Optional[int]
    name: Optional[str]
    status: Any
    message: str


@dataclass(frozen=True)
class ConvertSummary:
    """What a conversion did."""

    progress: ConvertProgress
    dict_bytes: int
    frames_ratio: float
    archive_ratio: float
    categories: List[ArchiveCategory]
    rejections: List[ArchiveRejection]


@dataclass(frozen=True)
class ArchiveJob:
    """One job of the archive (DIRAC id and success None when unknown)."""

    id: int
    dirac_id: Optional[int]
    success: Optional[bool]


@dataclass(frozen=True)
class ArchiveProblem:
    job: int
    name: str
    status: Any
    message: str


@dataclass(frozen=True)
class ArchiveReport:
    """What verify() or extract() found (jobs: the folders extract wrote; 0 for verify)."""

    jobs: int
    files: int
    bytes: int
    without_checksum: int
    without_content_size: int
    problems: List[ArchiveProblem]


def _text(raw: Optional[bytes]) -> str:
    return (raw or b"").decode("utf-8", "replace")


def _progress(p: zstdpool_convert_progress) -> ConvertProgress:
    return ConvertProgress(p.jobs_total, p.jobs_converted, p.jobs_skipped, p.jobs_failed,
                           p.files, p.raw_bytes, p.frame_bytes)


class Archive:
    """One archive database: ``Archive(path)`` opens it for writing (created when missing),
    ``Archive(path, read_only=True)`` for reading. Use it in a ``with`` block, or call
    :meth:`close` (which leaves one self-contained file)."""

    def __init__(self, path: PathLike, *, read_only: bool = False):
        handle = POINTER(zstdpool_archive)()
        opener = lib.zstdpool_archive_open_read_only if read_only else lib.zstdpool_archive_open
        check(opener(encode(path, "path", path=True), ctypes.byref(handle)))
        self._handle: Any = handle

    def _live(self) -> Any:
        if self._handle is None:
            raise ValueError("the archive is closed")
        return self._handle

    def close(self) -> None:
        """Closes the database (checkpointed into one file); closing twice does nothing."""
        handle, self._handle = self._handle, None
        if handle is not None:
            check(lib.zstdpool_archive_close(handle))

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is not None:
            lib.zstdpool_archive_free(handle)

    def convert(self, src: PathLike, config: Optional[Config] = None,
                progress: Optional[Callable[[ConvertProgress], None]] = None) -> ConvertSummary:
        """Converts every job under ``src`` (job ZIPs, job folders, or a ``LOG/`` tree of
        them): jobs already here are skipped, the others committed whole or refused (see
        the summary's rejections). ``progress`` is called after each commit. The GIL is
        released while the library works, and taken for each progress call."""
        errors: List[BaseException] = []

        def report(_user: Any, p: Any) -> None:
            if progress is not None and not errors:
                try:
                    progress(_progress(p.contents))
                except BaseException as e:  # re-raised once the conversion returns
                    errors.append(e)

        callback = zstdpool_convert_progress_fn(report)
        summary = POINTER(zstdpool_convert_summary)()
        cfg = config._handle if config is not None else None
        check(lib.zstdpool_archive_convert(self._live(), encode(src, "src", path=True), cfg,
                                           callback, None, ctypes.byref(summary)))
        try:
            if errors:
                raise errors[0]
            totals = zstdpool_convert_totals()
            check(lib.zstdpool_convert_summary_totals(summary, ctypes.byref(totals)))
            categories = []
            for i in range(lib.zstdpool_convert_summary_category_count(summary)):
                c = zstdpool_archive_category()
                check(lib.zstdpool_convert_summary_category(summary, i, ctypes.byref(c)))
                categories.append(ArchiveCategory(_text(c.name), c.files, c.raw_bytes,
                                                  c.frame_bytes, c.status,
                                                  _text(c.status_message), c.dict_id,
                                                  c.dict_size))
            rejections = []
            for i in range(lib.zstdpool_convert_summary_rejection_count(summary)):
                r = zstdpool_archive_rejection()
                check(lib.zstdpool_convert_summary_rejection(summary, i, ctypes.byref(r)))
                rejections.append(ArchiveRejection(
                    _text(r.input), None if r.job < 0 else r.job,
                    None if r.name is None else _text(r.name), status_of(r.status),
                    _text(r.message)))
            return ConvertSummary(_progress(totals.progress), totals.dict_bytes,
                                  totals.frames_ratio, totals.archive_ratio, categories,
                                  rejections)
        finally:
            lib.zstdpool_convert_summary_free(summary)

    def jobs(self) -> List[ArchiveJob]:
        """Every job, by number."""
        found: List[ArchiveJob] = []

        def each(_user: Any, job: Any) -> int:
            j = job.contents
            found.append(ArchiveJob(j.id, None if j.dirac_id < 0 else j.dirac_id,
                                    None if j.success < 0 else bool(j.success)))
            return 0

        check(lib.zstdpool_archive_jobs(self._live(), zstdpool_archive_job_fn(each), None))
        return found

    def names(self, job: int) -> List[str]:
        """The files of one job, sorted (NOT_FOUND when there is no such job)."""
        found: List[str] = []

        def each(_user: Any, name: bytes) -> int:
            found.append(name.decode("utf-8", "replace"))
            return 0

        check(lib.zstdpool_archive_names(self._live(), int(job), zstdpool_name_fn(each), None))
        return found

    def read(self, job: int, name: str) -> bytes:
        """One log, decompressed (its dictionary prepared once and cached)."""
        handle, key = self._live(), encode(name, "name")
        size = c_size_t()
        check(lib.zstdpool_archive_read(handle, int(job), key, None, 0, ctypes.byref(size)))
        buffer = (c_uint8 * max(size.value, 1))()
        check(lib.zstdpool_archive_read(handle, int(job), key, buffer, size.value,
                                        ctypes.byref(size)))
        return bytes(buffer)[: size.value]

    def _report(self, report: Any) -> ArchiveReport:
        try:
            counts = zstdpool_archive_counts()
            check(lib.zstdpool_archive_report_counts(report, ctypes.byref(counts)))
            problems = []
            for i in range(counts.problems):
                p = zstdpool_archive_problem()
                check(lib.zstdpool_archive_report_problem(report, i, ctypes.byref(p)))
                problems.append(ArchiveProblem(p.job, _text(p.name), status_of(p.status),
                                               _text(p.message)))
            return ArchiveReport(counts.jobs, counts.files, counts.bytes, counts.without_checksum,
                                 counts.without_content_size, problems)
        finally:
            lib.zstdpool_archive_report_free(report)

    def verify(self) -> ArchiveReport:
        """Decodes every row (checksums where present, dictionary ids): the problems found."""
        report = POINTER(zstdpool_archive_report)()
        check(lib.zstdpool_archive_verify(self._live(), ctypes.byref(report)))
        return self._report(report)

    def extract(self, directory: PathLike) -> ArchiveReport:
        """Writes every job back as ``DIR/<job8>/`` byte for byte (names that would leave the
        folder, and damaged rows, are reported and never written)."""
        report = POINTER(zstdpool_archive_report)()
        check(lib.zstdpool_archive_extract(self._live(), encode(directory, "directory", path=True),
                                           ctypes.byref(report)))
        return self._report(report)
