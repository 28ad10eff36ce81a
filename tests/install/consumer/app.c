/*
 * app.c -- a small user of an installed zstdpool: compresses 200 in-memory entries in two
 * categories (training a dictionary for each), decompresses them, and checks every byte.
 * Built by tests/install/run.sh through find_package (shared and static) and pkg-config.
 * Prints one line and exits 0 on success, 1 on any failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstdpool.h>

#define ENTRIES 200

typedef struct {
    const uint8_t *in;
    size_t in_len, pos;
    uint8_t *out;
    size_t out_len, out_cap;
    zstdpool_status status;
} entry;

static int32_t read_cb(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len) {
    entry *e = user_data;
    size_t n = e->in_len - e->pos < capacity ? e->in_len - e->pos : capacity;
    memcpy(buf, e->in + e->pos, n);
    e->pos += n;
    *out_len = n;
    return 0;
}

static int32_t write_cb(void *user_data, const uint8_t *data, size_t len) {
    entry *e = user_data;
    if (e->out_len + len > e->out_cap) {
        size_t cap = 2 * (e->out_len + len);
        uint8_t *grown = realloc(e->out, cap);
        if (grown == NULL) {
            return 1;
        }
        e->out = grown;
        e->out_cap = cap;
    }
    memcpy(e->out + e->out_len, data, len);
    e->out_len += len;
    return 0;
}

static void done_cb(void *user_data, const char *name, zstdpool_status status,
                    const char *message, uint64_t bytes_in, uint64_t bytes_out) {
    entry *e = user_data;
    (void)bytes_in;
    (void)bytes_out;
    e->status = status;
    if (status != ZSTDPOOL_OK) {
        fprintf(stderr, "%s: %s\n", name, message);
    }
}

/* Runs every entry through a new pool (compressor or decompressor) on provider. */
static int run(int decompress, zstdpool_provider *provider, entry *entries) {
    zstdpool_config *cfg = NULL;
    zstdpool_pool *pool = NULL;
    zstdpool_counts totals;
    int i, failed = 0;
    char name[32];
    if (zstdpool_config_new(&cfg) != ZSTDPOOL_OK ||
        zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, 2) != ZSTDPOOL_OK ||
        zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 20) != ZSTDPOOL_OK ||
        (decompress ? zstdpool_decompressor_new(cfg, provider, &pool)
                    : zstdpool_compressor_new(cfg, provider, &pool)) != ZSTDPOOL_OK) {
        fprintf(stderr, "setup: %s\n", zstdpool_last_error());
        zstdpool_config_free(cfg);
        return 1;
    }
    zstdpool_config_free(cfg);
    for (i = 0; i < ENTRIES; i++) {
        sprintf(name, "entry-%d", i);
        if (zstdpool_pool_add(pool, name, i % 2 ? "odd" : "even", entries[i].in_len, read_cb,
                              write_cb, done_cb, &entries[i]) != ZSTDPOOL_OK) {
            fprintf(stderr, "add: %s\n", zstdpool_last_error());
            failed = 1;
            break;
        }
    }
    zstdpool_pool_flush(pool);
    zstdpool_pool_wait(pool);
    zstdpool_pool_totals(pool, &totals);
    if (!decompress) {
        printf("compressed %llu entries, %llu -> %llu bytes (ratio %.2f); ",
               (unsigned long long)totals.done, (unsigned long long)totals.raw_bytes,
               (unsigned long long)totals.compressed_bytes, totals.ratio);
    }
    if (totals.done != ENTRIES || totals.rejected != 0) {
        failed = 1;
    }
    zstdpool_pool_free(pool);
    return failed;
}

int main(int argc, char **argv) {
    static entry packed[ENTRIES], restored[ENTRIES];
    static char texts[ENTRIES][2048];
    zstdpool_provider *provider = NULL;
    int i, failed = 0;
    (void)argc;

    if (zstdpool_version_number() != ZSTDPOOL_VERSION_NUMBER ||
        strcmp(zstdpool_version(), ZSTDPOOL_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s but library %s\n", ZSTDPOOL_VERSION_STRING, zstdpool_version());
        return 1;
    }
    for (i = 0; i < ENTRIES; i++) {
        int len = 0, line;
        for (line = 0; line < 20; line++) {
            len += sprintf(texts[i] + len, "%s job=%05d line=%02d value=%d status=%s\n",
                           i % 2 ? "INFO ApplicationMgr" : "<event type=\"step\"", i, line,
                           (i * 7919 + line * 104729) % 100000, line % 3 ? "ok" : "retry");
        }
        packed[i].in = (const uint8_t *)texts[i];
        packed[i].in_len = (size_t)len;
    }
    if (zstdpool_provider_memory_new(&provider) != ZSTDPOOL_OK) {
        return 1;
    }
    failed |= run(0, provider, packed);
    for (i = 0; i < ENTRIES; i++) {
        restored[i].in = packed[i].out;
        restored[i].in_len = packed[i].out_len;
    }
    failed |= run(1, provider, restored);
    for (i = 0; i < ENTRIES; i++) {
        if (restored[i].out_len != packed[i].in_len ||
            memcmp(restored[i].out, packed[i].in, packed[i].in_len) != 0) {
            fprintf(stderr, "entry-%d differs after the round trip\n", i);
            failed = 1;
        }
        free(packed[i].out);
        free(restored[i].out);
    }
    zstdpool_provider_free(provider);
    printf("%s: round trip %s (zstdpool %s, zstd %s)\n", argv[0], failed ? "FAILED" : "ok",
           zstdpool_version(), zstdpool_zstd_version());
    return failed;
}
