/*
 * summary.c -- progress line, per-category table, JSON line, failure list.
 *
 * The numbers come from one snapshot of the pool's statistics (zstdpool_stats_new(), so
 * the totals and the categories agree); "bytes in" is what was read and "bytes out" what
 * was written, so they swap between compression and decompression, and ratio is always
 * uncompressed over compressed.
 */
#define _XOPEN_SOURCE 700

#include "summary.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"

static double megabytes(uint64_t bytes) {
    return (double)bytes / 1e6;
}

/* In and out bytes of counts, in the direction of the run. */
static void in_out(const zstdpool_counts *c, int decompress, uint64_t *in, uint64_t *out) {
    *in = decompress ? c->compressed_bytes : c->raw_bytes;
    *out = decompress ? c->raw_bytes : c->compressed_bytes;
}

void summary_progress(const zstdpool_counts *totals, size_t total_files, int decompress,
                      double seconds, int tty, int final) {
    uint64_t in, out;
    in_out(totals, decompress, &in, &out);
    fprintf(stderr, "%slogpack: %s %llu/%llu files (%llu rejected), %.1f MB in, %.1f MB out, "
                    "%.1f MB/s, %.1f s%s",
            tty ? "\r\033[K" : "", decompress ? "decompressed" : "compressed",
            (unsigned long long)(totals->done + totals->rejected),
            (unsigned long long)total_files, (unsigned long long)totals->rejected,
            megabytes(in), megabytes(out), seconds > 0 ? megabytes(in) / seconds : 0.0, seconds,
            tty && !final ? "" : "\n");
    fflush(stderr);
}

void json_string(FILE *out, const char *s) {
    char *clean = utf8_clean(s, strlen(s));
    const unsigned char *p;
    fputc('"', out);
    for (p = (const unsigned char *)clean; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20) {
                fprintf(out, "\\u%04x", (unsigned)*p);
            } else {
                fputc(*p, out);
            }
        }
    }
    fputc('"', out);
    free(clean);
}

static double ratio_of(uint64_t raw, uint64_t compressed) {
    return compressed ? (double)raw / (double)compressed : 0.0;
}

int summary_print(FILE *out, const zstdpool_pool *pool, const summary_run *run) {
    zstdpool_stats *stats = NULL;
    zstdpool_counts totals;
    size_t count = 0, i;
    zstdpool_category *cats;
    uint64_t in, outb;
    int trained = 0;

    /* One snapshot: its totals and categories agree, and its strings stay valid until it is
     * freed at the end. */
    if (zstdpool_stats_new(pool, &stats) != ZSTDPOOL_OK ||
        zstdpool_stats_totals(stats, &totals) != ZSTDPOOL_OK) {
        fprintf(stderr, "logpack: cannot read the pool's statistics: %s\n", zstdpool_last_error());
        zstdpool_stats_free(stats);
        return -1;
    }
    count = zstdpool_stats_category_count(stats);
    cats = xmalloc(count * sizeof *cats);
    for (i = 0; i < count; i++) {
        if (zstdpool_stats_category(stats, i, &cats[i]) != ZSTDPOOL_OK) {
            fprintf(stderr, "logpack: cannot read category %zu: %s\n", i, zstdpool_last_error());
            free(cats);
            zstdpool_stats_free(stats);
            return -1;
        }
        trained += cats[i].status == ZSTDPOOL_DICT_TRAINED;
    }

    /* The table. */
    fprintf(out, "%-28s %7s %12s %12s %8s %10s %9s  %s\n", "category", "files", "bytes in",
            "bytes out", "ratio", "dict id", "dict size", "dictionary");
    for (i = 0; i < count; i++) {
        const zstdpool_category *c = &cats[i];
        in_out(&c->counts, run->decompress, &in, &outb);
        fprintf(out, "%-28s %7llu %12llu %12llu %8.2f %10lu %9llu  %s: %s\n",
                c->name[0] ? c->name : "(none)", (unsigned long long)c->counts.added,
                (unsigned long long)in, (unsigned long long)outb,
                ratio_of(c->counts.raw_bytes, c->counts.compressed_bytes),
                (unsigned long)c->dict_id, (unsigned long long)c->dict_size,
                zstdpool_dict_status_str(c->status), c->status_message);
    }
    in_out(&totals, run->decompress, &in, &outb);
    fprintf(out, "%-28s %7llu %12llu %12llu %8.2f\n", "total", (unsigned long long)totals.added,
            (unsigned long long)in, (unsigned long long)outb,
            ratio_of(totals.raw_bytes, totals.compressed_bytes));
    fprintf(out, "%s %zu files (%zu failed, %zu skipped), %.2f MB -> %.2f MB (ratio %.2f), "
                 "%zu categories (%d dictionaries trained), %.2f s, libzstdpool %s (zstd %s)\n",
            run->decompress ? "decompressed" : "compressed", run->files, run->failed,
            run->skipped, megabytes(in), megabytes(outb),
            ratio_of(totals.raw_bytes, totals.compressed_bytes), count, trained, run->seconds,
            zstdpool_version(), zstdpool_zstd_version());

    /* The JSON line. */
    fputs("{\"command\":", out);
    json_string(out, run->decompress ? "decompress" : "compress");
    fputs(",\"source\":", out);
    json_string(out, run->source);
    fputs(",\"destination\":", out);
    json_string(out, run->destination);
    fputs(",\"dicts\":", out);
    json_string(out, run->dicts);
    fputs(",\"category_mode\":", out);
    json_string(out, run->category_mode);
    if (!run->decompress) {
        fprintf(out, ",\"level\":%lld", run->level);
    }
    fprintf(out, ",\"workers\":%lld,\"files\":%zu,\"bytes_in\":%llu,\"bytes_out\":%llu,"
                 "\"ratio\":%.4f,\"seconds\":%.3f,\"rejected\":%zu,\"skipped\":%zu,"
                 "\"errors\":%zu,\"categories\":{",
            run->workers, run->files, (unsigned long long)in, (unsigned long long)outb,
            ratio_of(totals.raw_bytes, totals.compressed_bytes), run->seconds, run->failed,
            run->skipped, run->errors);
    for (i = 0; i < count; i++) {
        const zstdpool_category *c = &cats[i];
        in_out(&c->counts, run->decompress, &in, &outb);
        if (i > 0) {
            fputc(',', out);
        }
        json_string(out, c->name);
        fprintf(out, ":{\"files\":%llu,\"rejected\":%llu,\"bytes_in\":%llu,\"bytes_out\":%llu,"
                     "\"ratio\":%.4f,\"dict_id\":%lu,\"dict_size\":%llu,\"training\":",
                (unsigned long long)c->counts.added, (unsigned long long)c->counts.rejected,
                (unsigned long long)in, (unsigned long long)outb,
                ratio_of(c->counts.raw_bytes, c->counts.compressed_bytes),
                (unsigned long)c->dict_id, (unsigned long long)c->dict_size);
        json_string(out, zstdpool_dict_status_str(c->status));
        fputs(",\"training_message\":", out);
        json_string(out, c->status_message);
        fprintf(out, ",\"train_seconds\":%.3f,\"samples\":%llu}", c->train_seconds,
                (unsigned long long)c->samples);
    }
    fputs("}}\n", out);
    fflush(out);
    free(cats);
    zstdpool_stats_free(stats);
    return 0;
}

void summary_failures(const entry_shared *shared) {
    size_t i;
    for (i = 0; i < shared->nfailures; i++) {
        const entry_failure *f = &shared->failures[i];
        const char *message = f->message;
        size_t len = strlen(f->name);
        /* The pool's messages start with the entry's name already. */
        if (strncmp(message, f->name, len) == 0 && strncmp(message + len, ": ", 2) == 0) {
            message += len + 2;
        }
        fprintf(stderr, "logpack: FAILED %s: %s [%s]\n", f->name, message,
                f->status == ZSTDPOOL_OK ? "logpack" : zstdpool_status_str(f->status));
    }
}
