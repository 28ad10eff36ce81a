/*
 * poolframes.c -- makes seed frames for fuzz/corpus/decompress with zstdpool itself.
 *
 *   poolframes OUTDIR FILE...
 *
 * Compresses each FILE through a compressor pool whose provider serves the fuzzers' fixed
 * dictionary "d" (fuzz/dicts.h), once in category "d" (a frame with its dictionary id) and
 * once without a category, with the content size declared or not, and with checksums;
 * writes OUTDIR/pool-<i>-<variant>.zst. Built and run by fuzz/tools/make_corpus.sh.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

typedef struct {
    unsigned char *in;
    size_t in_len, pos;
    unsigned char *out;
    size_t out_len, out_cap;
    zstdpool_status status;
    char path[512];
} job;

static int32_t job_read(void *u, uint8_t *buf, size_t cap, size_t *n) {
    job *j = (job *)u;
    size_t k = j->in_len - j->pos;
    if (k > cap) {
        k = cap;
    }
    memcpy(buf, j->in + j->pos, k);
    j->pos += k;
    *n = k;
    return 0;
}

static int32_t job_write(void *u, const uint8_t *data, size_t len) {
    job *j = (job *)u;
    if (j->out_len + len > j->out_cap) {
        j->out_cap = (j->out_len + len) * 2;
        j->out = (unsigned char *)realloc(j->out, j->out_cap);
        if (j->out == NULL) {
            return 1;
        }
    }
    memcpy(j->out + j->out_len, data, len);
    j->out_len += len;
    return 0;
}

static void job_done(void *u, const char *name, zstdpool_status status, const char *message,
                     uint64_t bytes_in, uint64_t bytes_out) {
    job *j = (job *)u;
    (void)name, (void)bytes_in, (void)bytes_out;
    j->status = status;
    if (status != ZSTDPOOL_OK) {
        fprintf(stderr, "%s: %s\n", j->path, message);
        return;
    }
    FILE *f = fopen(j->path, "wb");
    if (f == NULL || fwrite(j->out, 1, j->out_len, f) != j->out_len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", j->path);
        exit(1);
    }
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t cap = 0, n;
    *len = 0;
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    do {
        if (*len == cap) {
            cap = cap ? cap * 2 : 4096;
            data = (unsigned char *)realloc(data, cap);
        }
        n = fread(data + *len, 1, cap - *len, f);
        *len += n;
    } while (n > 0);
    fclose(f);
    return data;
}

int main(int argc, char **argv) {
    /* variant: category, declared size, checksum, level */
    static const struct {
        const char *tag;
        const char *category;
        int sized, checksum, level;
    } VARIANTS[] = {
        {"dict", "d", 1, 0, 3},       {"dict-unsized", "d", 0, 1, 1},
        {"plain", NULL, 1, 1, 3},     {"plain-unsized", NULL, 0, 0, 19},
        {"dict-fast", "d", 1, 0, -5},
    };
    size_t nv = sizeof VARIANTS / sizeof VARIANTS[0];
    int i;
    size_t v;
    if (argc < 3) {
        fprintf(stderr, "usage: poolframes OUTDIR FILE...\n");
        return 2;
    }
    for (v = 0; v < nv; v++) {
        zstdpool_config *cfg = NULL;
        zstdpool_provider *provider = NULL;
        zstdpool_pool *pool = NULL;
        job *jobs = (job *)calloc((size_t)argc, sizeof(job));
        zstdpool_config_new(&cfg);
        zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_ENABLED, 0);
        zstdpool_config_set(cfg, ZSTDPOOL_OPT_CHECKSUM, VARIANTS[v].checksum);
        zstdpool_config_set(cfg, ZSTDPOOL_OPT_LEVEL, VARIANTS[v].level);
        zstdpool_provider_callbacks_new(fuzz_fixed_get, fuzz_refuse_put, NULL, NULL, &provider);
        if (zstdpool_compressor_new(cfg, provider, &pool) != ZSTDPOOL_OK) {
            fprintf(stderr, "%s\n", zstdpool_last_error());
            return 1;
        }
        for (i = 2; i < argc; i++) {
            job *j = &jobs[i];
            j->in = slurp(argv[i], &j->in_len);
            snprintf(j->path, sizeof j->path, "%s/pool-%d-%s.zst", argv[1], i - 2,
                     VARIANTS[v].tag);
            if (zstdpool_pool_add(pool, argv[i], VARIANTS[v].category,
                                  VARIANTS[v].sized ? j->in_len : ZSTDPOOL_SIZE_UNKNOWN,
                                  job_read, job_write, job_done, j) != ZSTDPOOL_OK) {
                fprintf(stderr, "%s\n", zstdpool_last_error());
                return 1;
            }
        }
        zstdpool_pool_free(pool);
        zstdpool_provider_free(provider);
        zstdpool_config_free(cfg);
        for (i = 2; i < argc; i++) {
            if (jobs[i].status != ZSTDPOOL_OK) {
                return 1;
            }
            free(jobs[i].in);
            free(jobs[i].out);
        }
        free(jobs);
    }
    return 0;
}
