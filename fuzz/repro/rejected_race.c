/*
 * rejected_race.c -- regression reproducer: a rejection counted by
 * zstdpool_pool_rejected_count() must be readable by zstdpool_pool_rejected().
 *
 * Found by fuzz_api (op_rejected: rejected_count() gave 2, then rejected(1) failed; the input
 * failed 2 runs in 60) against the library of 2026-11-30 ~12:10, whose Shared::finish()
 * (src/pool/shared.rs) counted a rejection (totals.finish) before pushing it on the rejected
 * list: a reader in between got the count N, then INVALID_ARGUMENT ("index N-1 is out of
 * range") for index N-1. Fixed since ("The rejection is listed before it is counted"). With
 * the two statements swapped back, this program fails 3 runs in 3.
 *
 *   bash fuzz/repro/run.sh       (or: ./rejected_race; exit 0: no inconsistency seen)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "zstdpool.h"

static int32_t garbage_read(void *u, uint8_t *buf, size_t capacity, size_t *out_len) {
    size_t *left = (size_t *)u;
    size_t n = *left < capacity ? *left : capacity;
    memset(buf, 'x', n); /* not zstd: every entry is rejected */
    *left -= n;
    *out_len = n;
    return 0;
}

static int32_t discard(void *u, const uint8_t *d, size_t l) {
    (void)u, (void)d, (void)l;
    return 0;
}

static zstdpool_pool *pool;
static atomic_int finished;
static size_t sizes[200000];

static void *reader(void *arg) {
    long bad = 0, reads = 0;
    (void)arg;
    while (!atomic_load(&finished)) {
        size_t n = 0;
        const char *name, *message;
        zstdpool_status status;
        zstdpool_pool_rejected_count(pool, &n);
        if (n > 0 && zstdpool_pool_rejected(pool, n - 1, &name, &status, &message) != ZSTDPOOL_OK) {
            if (bad++ < 3) {
                printf("rejected_count gave %zu, then rejected(%zu): %s\n", n, n - 1,
                       zstdpool_last_error());
            }
        }
        reads++;
    }
    printf("%ld of %ld reads inconsistent\n", bad, reads);
    return (void *)(intptr_t)(bad != 0);
}

int main(void) {
    zstdpool_config *cfg;
    zstdpool_provider *provider;
    pthread_t t;
    void *bad;
    size_t i;
    zstdpool_config_new(&cfg);
    zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, 4);
    zstdpool_provider_memory_new(&provider);
    zstdpool_decompressor_new(cfg, provider, &pool);
    pthread_create(&t, NULL, reader, NULL);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        sizes[i] = 1 + i % 64;
        zstdpool_pool_add(pool, "e", NULL, ZSTDPOOL_SIZE_UNKNOWN, garbage_read, discard, NULL,
                          &sizes[i]);
    }
    zstdpool_pool_wait(pool);
    atomic_store(&finished, 1);
    pthread_join(t, &bad);
    zstdpool_pool_free(pool);
    zstdpool_provider_free(provider);
    zstdpool_config_free(cfg);
    return bad != NULL;
}
