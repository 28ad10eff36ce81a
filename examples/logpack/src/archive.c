/*
 * archive.c -- logpack's archive commands (see archive.h): the migration of a
 * sub-production's job ZIPs (or job folders) into one SQLite database, and reading it back.
 *
 * convert prints its progress on stderr (jobs, files, MB in and out, rate, ETA), then the
 * per-category table and one JSON object as the last line of stdout; refused jobs are
 * listed on stderr ("logpack: REFUSED input [file]: message [status]") and give exit
 * status 1, the other jobs being converted. Rerunning the same convert after a crash or a
 * kill completes the database: jobs already in it are skipped.
 */
#define _XOPEN_SOURCE 700

#include "archive.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zstdpool.h>

#include "summary.h"

static const char *const COMMANDS[] = {"convert", "ls", "cat", "extract", "verify"};

int archive_is_command(const char *command) {
    size_t i;
    for (i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        if (strcmp(command, COMMANDS[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double megabytes(uint64_t bytes) {
    return (double)bytes / 1e6;
}

static double ratio_of(uint64_t raw, uint64_t stored) {
    return stored ? (double)raw / (double)stored : 0.0;
}

static int fail(const char *what) {
    fprintf(stderr, "logpack: %s%s%s\n", what ? what : "", what ? ": " : "", zstdpool_last_error());
    return 1;
}

static int usage(const char *usage_text, const char *message, const char *arg) {
    fprintf(stderr, "logpack: %s%s%s\n", message, arg ? " " : "", arg ? arg : "");
    fputs(usage_text, stderr);
    return 2;
}

/* A job number: decimal digits only (leading zeros allowed, "00000088" is 88). */
static int parse_job(const char *text, int64_t *out) {
    int64_t value = 0;
    const char *p;
    if (*text == '\0') {
        return -1;
    }
    for (p = text; *p; p++) {
        if (*p < '0' || *p > '9' || value > (INT64_MAX - 9) / 10) {
            return -1;
        }
        value = value * 10 + (*p - '0');
    }
    *out = value;
    return 0;
}

static int parse_count(const char *text, long long *out) {
    char *end;
    errno = 0;
    *out = strtoll(text, &end, 10);
    return errno != 0 || end == text || *end != '\0' ? -1 : 0;
}

static int open_read_only(const char *db, zstdpool_archive **archive) {
    if (zstdpool_archive_open_read_only(db, archive) != ZSTDPOOL_OK) {
        return fail(NULL);
    }
    return 0;
}

/* ---- convert ------------------------------------------------------------------------------ */

typedef struct {
    double started;
    double last_print;
    int tty;
} progress_state;

static void print_progress(progress_state *state, const zstdpool_convert_progress *p, int final) {
    double seconds = now_seconds() - state->started;
    uint64_t done = p->jobs_converted + p->jobs_skipped + p->jobs_failed;
    double rate = seconds > 0 ? megabytes(p->raw_bytes) / seconds : 0.0;
    char eta[32] = "-";
    if (p->jobs_converted > 0 && done < p->jobs_total && seconds > 0) {
        /* The jobs still to convert, at the rate of the ones converted so far. */
        double left = (double)(p->jobs_total - done) * seconds / (double)p->jobs_converted;
        snprintf(eta, sizeof eta, "%.0f s", left);
    } else if (done >= p->jobs_total) {
        snprintf(eta, sizeof eta, "0 s");
    }
    fprintf(stderr,
            "%slogpack: converted %llu/%llu jobs (%llu skipped, %llu refused), %llu files, "
            "%.1f MB in, %.1f MB out, %.1f MB/s, ETA %s, %.1f s%s",
            state->tty ? "\r\033[K" : "", (unsigned long long)done,
            (unsigned long long)p->jobs_total, (unsigned long long)p->jobs_skipped,
            (unsigned long long)p->jobs_failed, (unsigned long long)p->files,
            megabytes(p->raw_bytes), megabytes(p->frame_bytes), rate, eta, seconds,
            state->tty && !final ? "" : "\n");
    fflush(stderr);
    state->last_print = now_seconds();
}

/* The progress callback: runs on the thread that called zstdpool_archive_convert(). A
 * terminal gets every report (one rewritten line), a log one line every 2 seconds. */
static void on_progress(void *user_data, const zstdpool_convert_progress *p) {
    progress_state *state = user_data;
    if (state->tty || now_seconds() - state->last_print >= 2.0) {
        print_progress(state, p, 0);
    }
}

static void print_convert(FILE *out, const zstdpool_convert_summary *summary,
                          const zstdpool_convert_totals *t, const char *src, const char *db,
                          long long level, long long workers, long long db_bytes, double seconds) {
    size_t count = zstdpool_convert_summary_category_count(summary);
    size_t rejected = zstdpool_convert_summary_rejection_count(summary), i;
    int trained = 0;
    zstdpool_archive_category c;

    fprintf(out, "%-28s %7s %12s %12s %8s %10s %9s  %s\n", "category", "files", "bytes in",
            "bytes out", "ratio", "dict id", "dict size", "dictionary");
    for (i = 0; i < count; i++) {
        if (zstdpool_convert_summary_category(summary, i, &c) != ZSTDPOOL_OK) {
            continue;
        }
        trained += c.status == ZSTDPOOL_DICT_TRAINED;
        fprintf(out, "%-28s %7llu %12llu %12llu %8.2f %10lu %9llu  %s: %s\n", c.name,
                (unsigned long long)c.files, (unsigned long long)c.raw_bytes,
                (unsigned long long)c.frame_bytes, ratio_of(c.raw_bytes, c.frame_bytes),
                (unsigned long)c.dict_id, (unsigned long long)c.dict_size,
                zstdpool_dict_status_str(c.status), c.status_message);
    }
    fprintf(out, "%-28s %7llu %12llu %12llu %8.2f %10s %9llu\n", "total",
            (unsigned long long)t->progress.files, (unsigned long long)t->progress.raw_bytes,
            (unsigned long long)t->progress.frame_bytes, t->frames_ratio, "",
            (unsigned long long)t->dict_bytes);
    fprintf(out,
            "converted %llu of %llu jobs (%llu skipped, %llu refused), %llu files, %.2f MB -> "
            "%.2f MB of frames + %.2f MB of dictionaries (frames ratio %.2f, archive ratio "
            "%.2f), database %.2f MB, %zu categories (%d dictionaries trained), %.2f s, "
            "libzstdpool %s (zstd %s)\n",
            (unsigned long long)t->progress.jobs_converted,
            (unsigned long long)t->progress.jobs_total,
            (unsigned long long)t->progress.jobs_skipped,
            (unsigned long long)t->progress.jobs_failed, (unsigned long long)t->progress.files,
            megabytes(t->progress.raw_bytes), megabytes(t->progress.frame_bytes),
            megabytes(t->dict_bytes), t->frames_ratio, t->archive_ratio,
            megabytes((uint64_t)(db_bytes > 0 ? db_bytes : 0)), count, trained, seconds,
            zstdpool_version(), zstdpool_zstd_version());

    fputs("{\"command\":\"convert\",\"source\":", out);
    json_string(out, src);
    fputs(",\"database\":", out);
    json_string(out, db);
    fprintf(out,
            ",\"level\":%lld,\"workers\":%lld,\"jobs\":%llu,\"jobs_converted\":%llu,"
            "\"jobs_skipped\":%llu,\"jobs_failed\":%llu,\"files\":%llu,\"bytes_in\":%llu,"
            "\"bytes_out\":%llu,\"dict_bytes\":%llu,\"ratio\":%.4f,\"archive_ratio\":%.4f,"
            "\"database_bytes\":%lld,\"seconds\":%.3f,\"rejected\":%zu,\"categories\":{",
            level, workers, (unsigned long long)t->progress.jobs_total,
            (unsigned long long)t->progress.jobs_converted,
            (unsigned long long)t->progress.jobs_skipped,
            (unsigned long long)t->progress.jobs_failed, (unsigned long long)t->progress.files,
            (unsigned long long)t->progress.raw_bytes, (unsigned long long)t->progress.frame_bytes,
            (unsigned long long)t->dict_bytes, t->frames_ratio, t->archive_ratio, db_bytes,
            seconds, rejected);
    for (i = 0; i < count; i++) {
        if (zstdpool_convert_summary_category(summary, i, &c) != ZSTDPOOL_OK) {
            continue;
        }
        if (i > 0) {
            fputc(',', out);
        }
        json_string(out, c.name);
        fprintf(out,
                ":{\"files\":%llu,\"bytes_in\":%llu,\"bytes_out\":%llu,\"ratio\":%.4f,"
                "\"dict_id\":%lu,\"dict_size\":%llu,\"training\":",
                (unsigned long long)c.files, (unsigned long long)c.raw_bytes,
                (unsigned long long)c.frame_bytes, ratio_of(c.raw_bytes, c.frame_bytes),
                (unsigned long)c.dict_id, (unsigned long long)c.dict_size);
        json_string(out, zstdpool_dict_status_str(c.status));
        fputs(",\"training_message\":", out);
        json_string(out, c.status_message);
        fputc('}', out);
    }
    fputs("}}\n", out);
    fflush(out);
}

static int cmd_convert(int argc, char **argv, const char *usage_text) {
    const char *src = NULL, *db = NULL;
    long long level = 0, workers = 0;
    int has_level = 0, has_workers = 0, i, positional = 0, rc = 0;
    zstdpool_config *cfg = NULL;
    zstdpool_archive *archive = NULL;
    zstdpool_convert_summary *summary = NULL;
    zstdpool_convert_totals totals;
    zstdpool_status st;
    progress_state progress;
    int64_t value = 0;
    struct stat st_db;
    size_t k;

    for (i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--level") == 0 || strcmp(arg, "--workers") == 0) {
            long long number;
            if (i + 1 >= argc) {
                return usage(usage_text, "missing value after", arg);
            }
            if (parse_count(argv[++i], &number) != 0) {
                return usage(usage_text, "not a number:", argv[i]);
            }
            if (arg[2] == 'l') {
                level = number;
                has_level = 1;
            } else {
                if (number < 1) {
                    return usage(usage_text, "--workers needs a positive number, not", argv[i]);
                }
                workers = number;
                has_workers = 1;
            }
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return usage(usage_text, "unknown option", arg);
        } else if (positional == 0) {
            src = arg;
            positional++;
        } else if (positional == 1) {
            db = arg;
            positional++;
        } else {
            return usage(usage_text, "unexpected argument", arg);
        }
    }
    if (positional < 2) {
        return usage(usage_text, "convert needs SRC and DB", NULL);
    }
    /* The conversion's defaults (not a pool's), with the options given. */
    if (zstdpool_convert_config_new(&cfg) != ZSTDPOOL_OK ||
        (has_level && zstdpool_config_set(cfg, ZSTDPOOL_OPT_LEVEL, level) != ZSTDPOOL_OK) ||
        (has_workers && zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, workers) != ZSTDPOOL_OK)) {
        fail(NULL);
        zstdpool_config_free(cfg);
        return 2;
    }
    zstdpool_config_get(cfg, ZSTDPOOL_OPT_LEVEL, &value);
    level = value;
    zstdpool_config_get(cfg, ZSTDPOOL_OPT_WORKERS, &value);
    workers = value;

    if (zstdpool_archive_open(db, &archive) != ZSTDPOOL_OK) {
        zstdpool_config_free(cfg);
        return fail(NULL);
    }
    progress.started = now_seconds();
    progress.last_print = progress.started;
    progress.tty = isatty(STDERR_FILENO);
    st = zstdpool_archive_convert(archive, src, cfg, on_progress, &progress, &summary);
    zstdpool_config_free(cfg);
    if (st != ZSTDPOOL_OK) {
        fail(NULL);
        zstdpool_archive_close(archive);
        fputs("logpack: what was committed stays; run the same command again to complete it\n",
              stderr);
        return 1;
    }
    /* Checkpoint: one self-contained database file. */
    if (zstdpool_archive_close(archive) != ZSTDPOOL_OK) {
        rc = fail("closing the database");
    }
    zstdpool_convert_summary_totals(summary, &totals);
    print_progress(&progress, &totals.progress, 1);
    for (k = 0; k < zstdpool_convert_summary_rejection_count(summary); k++) {
        zstdpool_archive_rejection r;
        if (zstdpool_convert_summary_rejection(summary, k, &r) == ZSTDPOOL_OK) {
            fprintf(stderr, "logpack: REFUSED %s%s%s: %s [%s]\n", r.input, r.name ? " " : "",
                    r.name ? r.name : "", r.message, zstdpool_status_str(r.status));
            rc = 1;
        }
    }
    print_convert(stdout, summary, &totals, src, db, level, workers,
                  stat(db, &st_db) == 0 ? (long long)st_db.st_size : -1,
                  now_seconds() - progress.started);
    if (totals.progress.jobs_failed > 0) {
        fprintf(stderr, "logpack: %llu of %llu jobs refused (the others are converted)\n",
                (unsigned long long)totals.progress.jobs_failed,
                (unsigned long long)totals.progress.jobs_total);
    }
    zstdpool_convert_summary_free(summary);
    return rc;
}

/* ---- ls, cat ------------------------------------------------------------------------------ */

static int32_t print_name(void *user_data, const char *name) {
    (void)user_data;
    puts(name);
    return 0;
}

static int32_t count_name(void *user_data, const char *name) {
    (void)name;
    ++*(size_t *)user_data;
    return 0;
}

typedef struct {
    zstdpool_archive *archive;
    int failed;
} ls_state;

static int32_t print_job(void *user_data, const zstdpool_archive_job *job) {
    ls_state *state = user_data;
    size_t files = 0;
    char dirac[32] = "-";
    if (zstdpool_archive_names(state->archive, job->id, count_name, &files) != ZSTDPOOL_OK) {
        fail(NULL);
        state->failed = 1;
        return 1;
    }
    if (job->dirac_id >= 0) {
        snprintf(dirac, sizeof dirac, "%lld", (long long)job->dirac_id);
    }
    printf("%08lld  dirac_id=%s  success=%s  files=%zu\n", (long long)job->id, dirac,
           job->success < 0 ? "-" : job->success ? "yes" : "no", files);
    return 0;
}

static int cmd_ls(int argc, char **argv, const char *usage_text) {
    zstdpool_archive *archive = NULL;
    int64_t job = 0;
    int rc = 0;
    if (argc < 3 || argc > 4) {
        return usage(usage_text, "ls needs DB and at most a JOB", NULL);
    }
    if (argc == 4 && parse_job(argv[3], &job) != 0) {
        return usage(usage_text, "not a job number:", argv[3]);
    }
    if (open_read_only(argv[2], &archive) != 0) {
        return 1;
    }
    if (argc == 4) {
        if (zstdpool_archive_names(archive, job, print_name, NULL) != ZSTDPOOL_OK) {
            rc = fail(NULL);
        }
    } else {
        ls_state state;
        state.archive = archive;
        state.failed = 0;
        if (zstdpool_archive_jobs(archive, print_job, &state) != ZSTDPOOL_OK) {
            rc = fail(NULL);
        }
        rc |= state.failed;
    }
    fflush(stdout);
    zstdpool_archive_close(archive);
    return rc;
}

static int32_t write_stdout(void *user_data, const uint8_t *data, size_t len) {
    (void)user_data;
    return fwrite(data, 1, len, stdout) == len ? 0 : 1;
}

static int cmd_cat(int argc, char **argv, const char *usage_text) {
    zstdpool_archive *archive = NULL;
    int64_t job = 0;
    int rc = 0;
    if (argc != 5) {
        return usage(usage_text, "cat needs DB, JOB and NAME", NULL);
    }
    if (parse_job(argv[3], &job) != 0) {
        return usage(usage_text, "not a job number:", argv[3]);
    }
    if (open_read_only(argv[2], &archive) != 0) {
        return 1;
    }
    if (zstdpool_archive_read_to(archive, job, argv[4], write_stdout, NULL, NULL) != ZSTDPOOL_OK) {
        rc = fail(NULL);
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "logpack: writing to stdout: %s\n", strerror(errno));
        rc = 1;
    }
    zstdpool_archive_close(archive);
    return rc;
}

/* ---- extract, verify ---------------------------------------------------------------------- */

/* Lists a report's problems on stderr; returns their number. */
static uint64_t list_problems(const zstdpool_archive_report *report,
                              const zstdpool_archive_counts *counts) {
    uint64_t i;
    for (i = 0; i < counts->problems; i++) {
        zstdpool_archive_problem p;
        if (zstdpool_archive_report_problem(report, (size_t)i, &p) != ZSTDPOOL_OK) {
            continue;
        }
        if (p.job >= 0) {
            fprintf(stderr, "logpack: PROBLEM job %08lld %s: %s [%s]\n", (long long)p.job,
                    p.name ? p.name : "", p.message, zstdpool_status_str(p.status));
        } else {
            fprintf(stderr, "logpack: PROBLEM %s [%s]\n", p.message, zstdpool_status_str(p.status));
        }
    }
    return counts->problems;
}

static int cmd_extract(int argc, char **argv, const char *usage_text) {
    zstdpool_archive *archive = NULL;
    zstdpool_archive_report *report = NULL;
    zstdpool_archive_counts counts;
    double started = now_seconds();
    int rc = 0;
    if (argc != 4) {
        return usage(usage_text, "extract needs DB and DIR", NULL);
    }
    if (open_read_only(argv[2], &archive) != 0) {
        return 1;
    }
    if (zstdpool_archive_extract(archive, argv[3], &report) != ZSTDPOOL_OK) {
        rc = fail(NULL);
    } else {
        zstdpool_archive_report_counts(report, &counts);
        rc = list_problems(report, &counts) > 0;
        printf("extracted %llu jobs, %llu files, %.2f MB into %s (%llu problems), %.2f s\n",
               (unsigned long long)counts.jobs, (unsigned long long)counts.files,
               megabytes(counts.bytes), argv[3], (unsigned long long)counts.problems,
               now_seconds() - started);
        zstdpool_archive_report_free(report);
    }
    zstdpool_archive_close(archive);
    return rc;
}

static int cmd_verify(int argc, char **argv, const char *usage_text) {
    zstdpool_archive *archive = NULL;
    zstdpool_archive_report *report = NULL;
    zstdpool_archive_counts counts;
    double started = now_seconds();
    int rc = 0;
    if (argc != 3) {
        return usage(usage_text, "verify needs DB", NULL);
    }
    if (open_read_only(argv[2], &archive) != 0) {
        return 1;
    }
    if (zstdpool_archive_verify(archive, &report) != ZSTDPOOL_OK) {
        rc = fail(NULL);
    } else {
        zstdpool_archive_report_counts(report, &counts);
        rc = list_problems(report, &counts) > 0;
        printf("verified %llu files, %.2f MB (%llu without checksum, %llu without content "
               "size): %s, %.2f s\n",
               (unsigned long long)counts.files, megabytes(counts.bytes),
               (unsigned long long)counts.without_checksum,
               (unsigned long long)counts.without_content_size,
               counts.problems == 0 ? "ok" : "PROBLEMS (listed on stderr)",
               now_seconds() - started);
        if (counts.problems > 0) {
            fprintf(stderr, "logpack: %s: %llu problems\n", argv[2],
                    (unsigned long long)counts.problems);
        }
        zstdpool_archive_report_free(report);
    }
    zstdpool_archive_close(archive);
    return rc;
}

int archive_main(int argc, char **argv, const char *usage_text) {
    const char *command = argv[1];
    int i;
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
    }
    if (strcmp(command, "convert") == 0) {
        return cmd_convert(argc, argv, usage_text);
    }
    if (strcmp(command, "ls") == 0) {
        return cmd_ls(argc, argv, usage_text);
    }
    if (strcmp(command, "cat") == 0) {
        return cmd_cat(argc, argv, usage_text);
    }
    if (strcmp(command, "extract") == 0) {
        return cmd_extract(argc, argv, usage_text);
    }
    return cmd_verify(argc, argv, usage_text);
}
