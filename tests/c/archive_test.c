/*
 * archive_test.c -- the archive through the C API: convert a generated sub-production of
 * job ZIPs into one database, list it, read every file back byte for byte against the
 * ZIPs' contents, verify, extract, convert again (everything skipped), and the misuse
 * cases: NULL and bad arguments, a file that is not a database, a database that is not
 * ours, a read-only archive, a missing job or file, a source with a bad ZIP.
 *
 *   archive_test DATA
 *
 * DATA is made by tests/c/run.sh: DATA/zips (gentree --zip: LOG/<prod8>/0000/<job8>.zip),
 * DATA/unzipped/<job8>/<name> (the same ZIPs unzipped, one flat folder per job),
 * DATA/bad (one good ZIP and 00000500.zip, which is not a ZIP), DATA/not-a-db (text),
 * DATA/other.db (a SQLite database with another table). The test writes DATA/work.
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "support.h"

static char data_dir[4096];

static char *path_of(const char *a, const char *b) {
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p == NULL) {
        exit(2);
    }
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static int read_file(const char *path, buffer *out) {
    FILE *f = fopen(path, "rb");
    uint8_t chunk[65536];
    size_t n;
    if (f == NULL) {
        return -1;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buffer_append(out, chunk, n);
    }
    fclose(f);
    return 0;
}

/* Files of a flat folder (regular files only). */
static size_t count_files(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    if (d == NULL) {
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)) {
            n++;
        }
    }
    closedir(d);
    return n;
}

/* ---- Callbacks ------------------------------------------------------------------------ */

typedef struct {
    pthread_t thread;
    zstdpool_archive *archive; /* converted: the callback tries a second conversion */
    const char *src;
    int reentered;             /* the second conversion was refused as it should */
    int calls;
    int on_other_thread;
    int decreasing; /* converted jobs or files went down between two reports */
    zstdpool_convert_progress last;
} progress_log;

static int32_t count_job(void *user_data, const zstdpool_archive_job *job) {
    (void)job;
    ++*(size_t *)user_data;
    return 0;
}

static void on_progress(void *user_data, const zstdpool_convert_progress *p) {
    progress_log *log = user_data;
    if (!pthread_equal(log->thread, pthread_self())) {
        log->on_other_thread++;
    }
    if (log->calls > 0 && (p->jobs_converted < log->last.jobs_converted || p->files < log->last.files)) {
        log->decreasing++;
    }
    if (log->archive != NULL && log->calls == 0) {
        zstdpool_convert_summary *again = NULL;
        size_t n = 0;
        log->reentered = zstdpool_archive_convert(log->archive, log->src, NULL, NULL, NULL, &again) ==
                             ZSTDPOOL_ERR_DATABASE &&
                         again == NULL &&
                         strstr(zstdpool_last_error(), "another conversion into this archive is running") != NULL &&
                         /* reads are fine meanwhile: the jobs committed so far */
                         zstdpool_archive_jobs(log->archive, count_job, &n) == ZSTDPOOL_OK &&
                         n >= p->jobs_converted && n > 0;
    }
    log->calls++;
    log->last = *p;
}

typedef struct {
    zstdpool_archive_job jobs[512];
    size_t n;
    int stop_after; /* 0: never */
} job_list;

static int32_t on_job(void *user_data, const zstdpool_archive_job *job) {
    job_list *list = user_data;
    if (list->n < sizeof list->jobs / sizeof list->jobs[0]) {
        list->jobs[list->n] = *job;
    }
    list->n++;
    return list->stop_after > 0 && (int)list->n >= list->stop_after;
}

typedef struct {
    char *names[256];
    size_t n;
} name_list;

static int32_t on_name(void *user_data, const char *name) {
    name_list *list = user_data;
    if (list->n < 256) {
        size_t len = strlen(name) + 1;
        list->names[list->n] = malloc(len);
        memcpy(list->names[list->n], name, len);
    }
    list->n++;
    return 0;
}

static void names_free(name_list *list) {
    size_t i;
    for (i = 0; i < list->n && i < 256; i++) {
        free(list->names[i]);
    }
    list->n = 0;
}

static int32_t append_to(void *user_data, const uint8_t *data, size_t len) {
    buffer_append(user_data, data, len);
    return 0;
}

static int32_t refuse_write(void *user_data, const uint8_t *data, size_t len) {
    (void)user_data;
    (void)data;
    (void)len;
    return 7;
}

/* ---- The tests ------------------------------------------------------------------------ */

/* Reads every file of every job (both ways) and compares it with the unzipped ZIPs. */
static void check_contents(zstdpool_archive *archive, const char *unzipped, size_t expected_jobs,
                           size_t expected_files) {
    job_list jobs;
    size_t j, files = 0, mismatches = 0, folder_mismatches = 0, dirac_known = 0, success_known = 0;
    memset(&jobs, 0, sizeof jobs);
    CHECK_OK(zstdpool_archive_jobs(archive, on_job, &jobs));
    CHECK(jobs.n == expected_jobs);
    for (j = 0; j < jobs.n && j < 512; j++) {
        name_list names;
        char job8[16], *folder;
        size_t i;
        names.n = 0;
        dirac_known += jobs.jobs[j].dirac_id > 0;
        success_known += jobs.jobs[j].success == 0 || jobs.jobs[j].success == 1;
        if (j > 0 && jobs.jobs[j].id <= jobs.jobs[j - 1].id) {
            mismatches++; /* not sorted by job number */
        }
        snprintf(job8, sizeof job8, "%08lld", (long long)jobs.jobs[j].id);
        folder = path_of(unzipped, job8);
        CHECK_OK(zstdpool_archive_names(archive, jobs.jobs[j].id, on_name, &names));
        folder_mismatches += names.n != count_files(folder);
        for (i = 0; i < names.n && i < 256; i++) {
            buffer expected = {0}, by_buffer = {0}, by_callback = {0};
            size_t len = 0;
            uint64_t len_to = 0;
            char *path = path_of(folder, names.names[i]);
            if (read_file(path, &expected) != 0) {
                mismatches++;
            }
            /* The size first (cap 0, buf NULL), then the bytes. */
            if (zstdpool_archive_read(archive, jobs.jobs[j].id, names.names[i], NULL, 0, &len) !=
                ZSTDPOOL_OK) {
                mismatches++;
            } else {
                by_buffer.data = malloc(len ? len : 1);
                by_buffer.cap = len ? len : 1;
                by_buffer.len = len;
                if (zstdpool_archive_read(archive, jobs.jobs[j].id, names.names[i], by_buffer.data,
                                          by_buffer.cap, &len) != ZSTDPOOL_OK ||
                    len != by_buffer.len) {
                    mismatches++;
                }
            }
            if (zstdpool_archive_read_to(archive, jobs.jobs[j].id, names.names[i], append_to,
                                         &by_callback, &len_to) != ZSTDPOOL_OK ||
                len_to != by_callback.len) {
                mismatches++;
            }
            mismatches += !buffer_equal(&expected, &by_buffer);
            mismatches += !buffer_equal(&expected, &by_callback);
            files++;
            buffer_free(&expected);
            buffer_free(&by_buffer);
            buffer_free(&by_callback);
            free(path);
        }
        names_free(&names);
        free(folder);
    }
    CHECK(files == expected_files);
    CHECK(mismatches == 0);
    CHECK(folder_mismatches == 0);
    /* Every generated job has a job.info (DIRAC id) and summaries (success). */
    CHECK(dirac_known == expected_jobs);
    CHECK(success_known == expected_jobs);
    if (mismatches != 0 || folder_mismatches != 0) {
        fprintf(stderr, "%zu mismatches, %zu folders of another file count\n", mismatches,
                folder_mismatches);
    }
}

/* Every extracted job folder holds exactly the unzipped files, byte for byte. */
static void check_extract(const char *extracted, const char *unzipped, size_t *jobs_seen,
                          size_t *files_seen) {
    DIR *d = opendir(unzipped);
    struct dirent *e;
    size_t mismatches = 0;
    *jobs_seen = *files_seen = 0;
    CHECK(d != NULL);
    while (d != NULL && (e = readdir(d)) != NULL) {
        char *want_dir, *got_dir;
        DIR *jd;
        struct dirent *f;
        if (e->d_name[0] == '.') {
            continue;
        }
        (*jobs_seen)++;
        want_dir = path_of(unzipped, e->d_name);
        got_dir = path_of(extracted, e->d_name);
        mismatches += count_files(want_dir) != count_files(got_dir);
        jd = opendir(want_dir);
        while (jd != NULL && (f = readdir(jd)) != NULL) {
            buffer want = {0}, got = {0};
            char *a, *b;
            if (strcmp(f->d_name, ".") == 0 || strcmp(f->d_name, "..") == 0) {
                continue;
            }
            a = path_of(want_dir, f->d_name);
            b = path_of(got_dir, f->d_name);
            mismatches += read_file(a, &want) != 0 || read_file(b, &got) != 0 ||
                          !buffer_equal(&want, &got);
            (*files_seen)++;
            buffer_free(&want);
            buffer_free(&got);
            free(a);
            free(b);
        }
        if (jd != NULL) {
            closedir(jd);
        }
        free(want_dir);
        free(got_dir);
    }
    if (d != NULL) {
        closedir(d);
    }
    CHECK(mismatches == 0);
}

/* Total files of the unzipped folders, and their number. */
static void count_source(const char *unzipped, size_t *jobs, size_t *files) {
    DIR *d = opendir(unzipped);
    struct dirent *e;
    *jobs = *files = 0;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char *dir;
        if (e->d_name[0] == '.') {
            continue;
        }
        dir = path_of(unzipped, e->d_name);
        (*jobs)++;
        *files += count_files(dir);
        free(dir);
    }
    if (d != NULL) {
        closedir(d);
    }
}

static void test_convert_and_read(void) {
    char *zips = path_of(data_dir, "zips");
    char *unzipped = path_of(data_dir, "unzipped");
    char *work = path_of(data_dir, "work");
    char *db = path_of(work, "archive.db");
    char *extracted = path_of(work, "extracted");
    zstdpool_archive *archive = NULL;
    zstdpool_config *config = NULL;
    zstdpool_convert_summary *summary = NULL;
    zstdpool_convert_totals totals;
    zstdpool_archive_report *report = NULL;
    zstdpool_archive_counts counts;
    progress_log progress;
    size_t jobs = 0, files = 0, i, ext_jobs = 0, ext_files = 0;
    uint64_t category_files = 0, category_raw = 0, category_frames = 0, dict_bytes = 0;

    count_source(unzipped, &jobs, &files);
    CHECK(jobs > 0 && files > jobs);
    mkdir(work, 0777);
    unlink(db);

    CHECK_OK(zstdpool_archive_open(db, &archive));
    /* The conversion's own defaults, changed where wanted. */
    CHECK_NULL_ARG(zstdpool_convert_config_new(NULL), "out");
    CHECK_OK(zstdpool_convert_config_new(&config));
    {
        int64_t limit = 0, checksum = 0;
        CHECK_OK(zstdpool_config_get(config, ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE, &limit));
        CHECK(limit == (int64_t)1 << 30);
        CHECK_OK(zstdpool_config_get(config, ZSTDPOOL_OPT_CHECKSUM, &checksum));
        CHECK(checksum == 1);
    }
    CHECK_OK(zstdpool_config_set(config, ZSTDPOOL_OPT_WORKERS, 2));
    memset(&progress, 0, sizeof progress);
    progress.thread = pthread_self();
    progress.archive = archive;
    progress.src = zips;
    CHECK_OK(zstdpool_archive_convert(archive, zips, config, on_progress, &progress, &summary));
    zstdpool_config_free(config);

    /* Progress: on this thread, never going back, ending at the totals. */
    CHECK(progress.calls >= 1);
    CHECK(progress.reentered == 1);
    CHECK(progress.on_other_thread == 0);
    CHECK(progress.decreasing == 0);
    CHECK(progress.last.jobs_total == jobs);
    CHECK(progress.last.jobs_converted == jobs);
    CHECK(progress.last.files == files);

    /* The summary. */
    CHECK_OK(zstdpool_convert_summary_totals(summary, &totals));
    CHECK(totals.progress.jobs_total == jobs);
    CHECK(totals.progress.jobs_converted == jobs);
    CHECK(totals.progress.jobs_skipped == 0);
    CHECK(totals.progress.jobs_failed == 0);
    CHECK(totals.progress.files == files);
    CHECK(totals.progress.raw_bytes > totals.progress.frame_bytes);
    CHECK(totals.frames_ratio > 1.0);
    CHECK(totals.archive_ratio > 1.0 && totals.archive_ratio <= totals.frames_ratio);
    CHECK(totals.archive_ratio ==
          (double)totals.progress.raw_bytes /
              (double)(totals.progress.frame_bytes + totals.dict_bytes));
    CHECK(zstdpool_convert_summary_rejection_count(summary) == 0);
    CHECK(zstdpool_convert_summary_category_count(summary) > 5);
    for (i = 0; i < zstdpool_convert_summary_category_count(summary); i++) {
        zstdpool_archive_category c;
        CHECK_OK(zstdpool_convert_summary_category(summary, i, &c));
        category_files += c.files;
        category_raw += c.raw_bytes;
        category_frames += c.frame_bytes;
        dict_bytes += c.dict_size;
        CHECK(c.name != NULL && c.name[0] != '\0' && c.status_message != NULL);
        CHECK((c.status == ZSTDPOOL_DICT_TRAINED) == (c.dict_id != 0 && c.dict_size > 0));
        CHECK(c.status == ZSTDPOOL_DICT_TRAINED || c.status == ZSTDPOOL_DICT_TOO_FEW_SAMPLES ||
              c.status == ZSTDPOOL_DICT_DID_NOT_HELP);
    }
    CHECK(category_files == files);
    CHECK(category_raw == totals.progress.raw_bytes);
    CHECK(category_frames == totals.progress.frame_bytes);
    CHECK(dict_bytes == totals.dict_bytes);
    {
        zstdpool_archive_category c;
        size_t n = zstdpool_convert_summary_category_count(summary);
        CHECK_FAILS(zstdpool_convert_summary_category(summary, n, &c),
                    ZSTDPOOL_ERR_INVALID_ARGUMENT, "out of range");
        CHECK_NULL_ARG(zstdpool_convert_summary_category(summary, 0, NULL), "out");
        CHECK_NULL_ARG(zstdpool_convert_summary_category(NULL, 0, &c), "summary");
        CHECK_NULL_ARG(zstdpool_convert_summary_totals(NULL, &totals), "summary");
        CHECK_NULL_ARG(zstdpool_convert_summary_totals(summary, NULL), "out");
    }
    zstdpool_convert_summary_free(summary);

    /* Read back, while still open for writing. */
    check_contents(archive, unzipped, jobs, files);

    /* Verify: every row, no problem. */
    CHECK_OK(zstdpool_archive_verify(archive, &report));
    CHECK_OK(zstdpool_archive_report_counts(report, &counts));
    CHECK(counts.files == files);
    CHECK(counts.bytes == totals.progress.raw_bytes);
    CHECK(counts.without_checksum == 0);
    CHECK(counts.without_content_size == 0);
    CHECK(counts.problems == 0);
    {
        zstdpool_archive_problem p;
        CHECK_FAILS(zstdpool_archive_report_problem(report, 0, &p), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                    "out of range");
    }
    zstdpool_archive_report_free(report);

    /* Missing job or file: NOT_FOUND, out-parameters untouched. */
    {
        name_list names;
        size_t len = 12345;
        uint64_t len_to = 777;
        buffer sink = {0};
        names.n = 0;
        CHECK_FAILS(zstdpool_archive_names(archive, 99999999, on_name, &names),
                    ZSTDPOOL_ERR_NOT_FOUND, "no job 99999999");
        CHECK(names.n == 0);
        CHECK_FAILS(zstdpool_archive_read(archive, 99999999, "job.info", NULL, 0, &len),
                    ZSTDPOOL_ERR_NOT_FOUND, "no file job 99999999: job.info");
        CHECK_FAILS(zstdpool_archive_read(archive, 1, "no-such-file.log", NULL, 0, &len),
                    ZSTDPOOL_ERR_NOT_FOUND, "no file job 1: no-such-file.log");
        CHECK(len == 12345);
        CHECK_FAILS(zstdpool_archive_read_to(archive, 1, "nope", append_to, &sink, &len_to),
                    ZSTDPOOL_ERR_NOT_FOUND, "no file job 1: nope");
        CHECK(len_to == 777 && sink.len == 0);
        /* A buffer too small: the size, nothing copied. */
        {
            uint8_t small[4] = {1, 2, 3, 4};
            CHECK_OK(zstdpool_archive_read(archive, 1, "job.info", small, sizeof small, &len));
            CHECK(len > sizeof small);
            CHECK(small[0] == 1 && small[3] == 4);
        }
        /* A write callback that fails. */
        CHECK_FAILS(zstdpool_archive_read_to(archive, 1, "job.info", refuse_write, NULL, NULL),
                    ZSTDPOOL_ERR_WRITE, "error code 7");
        /* len may be NULL. */
        CHECK_OK(zstdpool_archive_read_to(archive, 1, "job.info", append_to, &sink, NULL));
        CHECK(sink.len > 0);
        buffer_free(&sink);
    }

    /* Listing stops when the callback says so. */
    {
        job_list some;
        memset(&some, 0, sizeof some);
        some.stop_after = 2;
        CHECK_OK(zstdpool_archive_jobs(archive, on_job, &some));
        CHECK(some.n == 2);
    }

    /* Converting again: every job skipped, nothing new. */
    CHECK_OK(zstdpool_archive_convert(archive, zips, NULL, NULL, NULL, &summary));
    CHECK_OK(zstdpool_convert_summary_totals(summary, &totals));
    CHECK(totals.progress.jobs_total == jobs);
    CHECK(totals.progress.jobs_skipped == jobs);
    CHECK(totals.progress.jobs_converted == 0);
    CHECK(totals.progress.files == 0);
    CHECK(totals.frames_ratio == 0.0 && totals.archive_ratio == 0.0);
    zstdpool_convert_summary_free(summary);
    CHECK_OK(zstdpool_archive_close(archive));

    /* No write-ahead log left: one self-contained file. */
    {
        char *wal = path_of(work, "archive.db-wal");
        struct stat st;
        CHECK(stat(wal, &st) != 0 || st.st_size == 0);
        free(wal);
    }

    /* Read-only: reads work, conversion is refused. */
    archive = NULL;
    CHECK_OK(zstdpool_archive_open_read_only(db, &archive));
    check_contents(archive, unzipped, jobs, files);
    summary = NULL;
    CHECK_FAILS(zstdpool_archive_convert(archive, zips, NULL, NULL, NULL, &summary),
                ZSTDPOOL_ERR_DATABASE, "read-only");
    CHECK(summary == NULL);

    /* Extract: every job back as a folder, byte for byte. */
    CHECK_OK(zstdpool_archive_extract(archive, extracted, &report));
    CHECK_OK(zstdpool_archive_report_counts(report, &counts));
    CHECK(counts.jobs == jobs);
    CHECK(counts.files == files);
    CHECK(counts.bytes == totals.progress.raw_bytes || counts.bytes > 0);
    CHECK(counts.problems == 0);
    zstdpool_archive_report_free(report);
    check_extract(extracted, unzipped, &ext_jobs, &ext_files);
    CHECK(ext_jobs == jobs);
    CHECK(ext_files == files);
    CHECK_OK(zstdpool_archive_close(archive));

    free(zips);
    free(unzipped);
    free(work);
    free(db);
    free(extracted);
}

static void test_bad_source(void) {
    char *bad = path_of(data_dir, "bad");
    char *db = path_of(data_dir, "work/bad.db");
    zstdpool_archive *archive = NULL;
    zstdpool_convert_summary *summary = NULL;
    zstdpool_convert_totals totals;
    zstdpool_archive_rejection r;
    job_list jobs;
    unlink(db);
    CHECK_OK(zstdpool_archive_open(db, &archive));
    CHECK_OK(zstdpool_archive_convert(archive, bad, NULL, NULL, NULL, &summary));
    CHECK_OK(zstdpool_convert_summary_totals(summary, &totals));
    CHECK(totals.progress.jobs_total == 2);
    CHECK(totals.progress.jobs_converted == 1);
    CHECK(totals.progress.jobs_failed == 1);
    CHECK(zstdpool_convert_summary_rejection_count(summary) == 1);
    CHECK_OK(zstdpool_convert_summary_rejection(summary, 0, &r));
    CHECK(r.status == ZSTDPOOL_ERR_NOT_ZIP);
    CHECK(r.job == 500);
    CHECK(r.name == NULL);
    CHECK(strstr(r.input, "00000500.zip") != NULL);
    CHECK(strstr(r.message, "00000500.zip") != NULL && strstr(r.message, "not a ZIP") != NULL);
    CHECK_FAILS(zstdpool_convert_summary_rejection(summary, 1, &r), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "out of range");
    CHECK_NULL_ARG(zstdpool_convert_summary_rejection(NULL, 0, &r), "summary");
    CHECK_NULL_ARG(zstdpool_convert_summary_rejection(summary, 0, NULL), "out");
    zstdpool_convert_summary_free(summary);
    memset(&jobs, 0, sizeof jobs);
    CHECK_OK(zstdpool_archive_jobs(archive, on_job, &jobs));
    CHECK(jobs.n == 1);
    CHECK(jobs.jobs[0].id == 1);
    CHECK_OK(zstdpool_archive_close(archive));
    free(bad);
    free(db);
}

static void test_misuse(void) {
    char *not_db = path_of(data_dir, "not-a-db");
    char *other = path_of(data_dir, "other.db");
    char *db = path_of(data_dir, "work/misuse.db");
    char *missing = path_of(data_dir, "work/no-such-dir/x.db");
    char *missing_src = path_of(data_dir, "no-such-source");
    zstdpool_archive *archive = (zstdpool_archive *)&archive; /* must stay untouched */
    zstdpool_archive *sentinel = archive;
    zstdpool_convert_summary *summary = NULL;
    zstdpool_archive_report *report = NULL;
    zstdpool_archive_counts counts;
    size_t len = 0;

    /* Opening. */
    CHECK_NULL_ARG(zstdpool_archive_open(NULL, &archive), "path");
    CHECK_NULL_ARG(zstdpool_archive_open(db, NULL), "out");
    CHECK_NULL_ARG(zstdpool_archive_open_read_only(NULL, &archive), "path");
    CHECK_NULL_ARG(zstdpool_archive_open_read_only(db, NULL), "out");
    CHECK_FAILS(zstdpool_archive_open("", &archive), ZSTDPOOL_ERR_INVALID_ARGUMENT, "path: empty path");
    CHECK_FAILS(zstdpool_archive_open(not_db, &archive), ZSTDPOOL_ERR_NOT_OUR_DATABASE,
                "zstdpool_archive_open: ");
    CHECK_FAILS(zstdpool_archive_open_read_only(not_db, &archive), ZSTDPOOL_ERR_NOT_OUR_DATABASE,
                "not-a-db");
    CHECK_FAILS(zstdpool_archive_open(other, &archive), ZSTDPOOL_ERR_NOT_OUR_DATABASE, "other.db");
    CHECK_FAILS(zstdpool_archive_open_read_only(other, &archive), ZSTDPOOL_ERR_NOT_OUR_DATABASE,
                "other.db");
    CHECK_FAILS(zstdpool_archive_open(missing, &archive), ZSTDPOOL_ERR_DATABASE, "x.db");
    CHECK_FAILS(zstdpool_archive_open_read_only(missing, &archive), ZSTDPOOL_ERR_DATABASE, "x.db");
    CHECK(archive == sentinel);
    {
        /* The file that is not a database is left as it was. */
        buffer content = {0};
        CHECK(read_file(not_db, &content) == 0);
        CHECK(content.len == 24 && memcmp(content.data, "this is not a database.\n", 24) == 0);
        buffer_free(&content);
    }

    /* A fresh, empty archive. */
    unlink(db);
    archive = NULL;
    CHECK_OK(zstdpool_archive_open(db, &archive));
    CHECK_NULL_ARG(zstdpool_archive_convert(NULL, data_dir, NULL, NULL, NULL, &summary), "archive");
    CHECK_NULL_ARG(zstdpool_archive_convert(archive, NULL, NULL, NULL, NULL, &summary), "src");
    CHECK_NULL_ARG(zstdpool_archive_convert(archive, data_dir, NULL, NULL, NULL, NULL), "out");
    CHECK_FAILS(zstdpool_archive_convert(archive, "", NULL, NULL, NULL, &summary),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "src: empty path");
    CHECK_FAILS(zstdpool_archive_convert(archive, missing_src, NULL, NULL, NULL, &summary),
                ZSTDPOOL_ERR_READ, "no-such-source");
    CHECK(summary == NULL);
    CHECK_NULL_ARG(zstdpool_archive_jobs(NULL, on_job, NULL), "archive");
    CHECK_NULL_ARG(zstdpool_archive_jobs(archive, NULL, NULL), "each_job");
    CHECK_NULL_ARG(zstdpool_archive_names(NULL, 1, on_name, NULL), "archive");
    CHECK_NULL_ARG(zstdpool_archive_names(archive, 1, NULL, NULL), "each_name");
    CHECK_NULL_ARG(zstdpool_archive_read(NULL, 1, "a", NULL, 0, &len), "archive");
    CHECK_NULL_ARG(zstdpool_archive_read(archive, 1, NULL, NULL, 0, &len), "name");
    CHECK_NULL_ARG(zstdpool_archive_read(archive, 1, "a", NULL, 0, NULL), "len");
    CHECK_NULL_ARG(zstdpool_archive_read(archive, 1, "a", NULL, 5, &len), "buf");
    CHECK_FAILS(zstdpool_archive_read(archive, 1, "\xff", NULL, 0, &len),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "name is not valid UTF-8");
    CHECK_NULL_ARG(zstdpool_archive_read_to(NULL, 1, "a", append_to, NULL, NULL), "archive");
    CHECK_NULL_ARG(zstdpool_archive_read_to(archive, 1, NULL, append_to, NULL, NULL), "name");
    CHECK_NULL_ARG(zstdpool_archive_read_to(archive, 1, "a", NULL, NULL, NULL), "write");
    CHECK_NULL_ARG(zstdpool_archive_verify(NULL, &report), "archive");
    CHECK_NULL_ARG(zstdpool_archive_verify(archive, NULL), "out");
    CHECK_NULL_ARG(zstdpool_archive_extract(NULL, data_dir, &report), "archive");
    CHECK_NULL_ARG(zstdpool_archive_extract(archive, NULL, &report), "dir");
    CHECK_NULL_ARG(zstdpool_archive_extract(archive, data_dir, NULL), "out");
    CHECK_FAILS(zstdpool_archive_extract(archive, "", &report), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "dir: empty path");
    CHECK_FAILS(zstdpool_archive_extract(archive, not_db, &report), ZSTDPOOL_ERR_WRITE, "not-a-db");
    CHECK(report == NULL);
    CHECK_NULL_ARG(zstdpool_archive_report_counts(NULL, &counts), "report");
    CHECK_FAILS(zstdpool_archive_names(archive, 1, on_name, NULL), ZSTDPOOL_ERR_NOT_FOUND, "no job 1");

    /* An empty archive verifies: nothing checked, nothing wrong. */
    CHECK_OK(zstdpool_archive_verify(archive, &report));
    CHECK_NULL_ARG(zstdpool_archive_report_counts(report, NULL), "out");
    CHECK_NULL_ARG(zstdpool_archive_report_problem(report, 0, NULL), "out");
    CHECK_OK(zstdpool_archive_report_counts(report, &counts));
    CHECK(counts.files == 0 && counts.problems == 0 && counts.jobs == 0);
    zstdpool_archive_report_free(report);

    /* Counts and frees of NULL. */
    CHECK(zstdpool_convert_summary_category_count(NULL) == 0);
    CHECK(zstdpool_convert_summary_rejection_count(NULL) == 0);
    zstdpool_convert_summary_free(NULL);
    zstdpool_archive_report_free(NULL);
    zstdpool_archive_free(NULL);
    CHECK_OK(zstdpool_archive_close(NULL));
    zstdpool_archive_free(archive); /* free without a status works too */

    /* The archive made stays ours: it reopens, read-only too. */
    archive = NULL;
    CHECK_OK(zstdpool_archive_open_read_only(db, &archive));
    CHECK_OK(zstdpool_archive_close(archive));

    free(not_db);
    free(other);
    free(db);
    free(missing);
    free(missing_src);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: archive_test DATA (made by tests/c/run.sh)\n");
        return 2;
    }
    snprintf(data_dir, sizeof data_dir, "%s", argv[1]);
    test_convert_and_read();
    test_bad_source();
    test_misuse();
    return CHECK_DONE();
}
