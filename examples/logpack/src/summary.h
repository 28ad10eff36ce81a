/*
 * summary.h -- what logpack prints: the progress line (stderr), the per-category table and
 * the final JSON line (stdout), and the list of failed entries (stderr).
 */
#ifndef LOGPACK_SUMMARY_H
#define LOGPACK_SUMMARY_H

#include <stddef.h>
#include <stdio.h>

#include <zstdpool.h>

#include "entry.h"

/* The run, as the summary describes it. */
typedef struct {
    int decompress;            /* 0: compress, 1: decompress */
    const char *category_mode; /* "name" or "dir" */
    const char *source;        /* the tree read */
    const char *destination;   /* the tree written */
    const char *dicts;         /* dictionary directory ("" for none) */
    long long level;           /* compression level (compress only) */
    long long workers;
    size_t files;   /* files given to the pool (or refused by it) */
    size_t skipped; /* files left out (not regular, or not .zst when decompressing) */
    size_t errors;  /* walk and directory-creation errors */
    size_t failed;  /* entries that failed: rejected by the pool, or failed in logpack */
    double seconds; /* whole run, walk included */
} summary_run;

/* Prints the progress line to stderr: on a terminal it rewrites one line ("\r"), else it
 * prints a new line each time. final ends the line on a terminal. */
void summary_progress(const zstdpool_counts *totals, size_t total_files, int decompress,
                      double seconds, int tty, int final);

/* Prints the per-category table, then the JSON line (last line of out). Returns 0, or -1
 * if the pool's statistics could not be read (the message is on stderr). */
int summary_print(FILE *out, const zstdpool_pool *pool, const summary_run *run);

/* Writes s as a JSON string (UTF-8 passes through; invalid bytes are shown as %XX). */
void json_string(FILE *out, const char *s);

/* Lists the failures on stderr, one per line: "logpack: FAILED name: message [status]". */
void summary_failures(const entry_shared *shared);

#endif /* LOGPACK_SUMMARY_H */
