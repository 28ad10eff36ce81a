/*
 * low_water.c -- reproducer: with ZSTDPOOL_OPT_QUEUE_CAPACITY below 4, a zstdpool_pool_add()
 * blocked on a full pool waits until every entry in flight has finished, not until a slot
 * is free. src/pool/shared.rs, Shared::finish(): the wake-up condition
 * `left == low_water` with low_water = capacity - capacity / 4 equals capacity when
 * capacity < 4, which `left` (< capacity) never reaches; only `left <= held` (the pool
 * drained) wakes the producer. Throughput only, not a deadlock.
 *
 *   bash fuzz/repro/run.sh       (or: ./low_water [CAPACITY], default 2)
 *   capacity 2: add 2 returned after 1002 ms     (expected ~10 ms: the 10 ms entry freed a
 *                                                  slot; with capacity 4 it is 11 ms)
 * Exits 1 while the last add waits for the 1 s entry.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include "zstdpool.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static int32_t slow_read(void *u, uint8_t *b, size_t c, size_t *o) {
    long *ms = (long *)u; (void)b; (void)c;
    if (*ms) { struct timespec t = {*ms / 1000, (*ms % 1000) * 1000000L}; nanosleep(&t, NULL); *ms = 0; }
    *o = 0; return 0;
}
static int32_t wr(void *u, const uint8_t *d, size_t l) { (void)u; (void)d; (void)l; return 0; }
int main(int argc, char **argv) {
    long cap = argc > 1 ? atol(argv[1]) : 2;
    zstdpool_config *cfg; zstdpool_provider *p; zstdpool_pool *pool;
    long ms[8] = {10, 1000, 0, 0, 0, 0, 0, 0};
    zstdpool_config_new(&cfg);
    zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, 4);
    zstdpool_config_set(cfg, ZSTDPOOL_OPT_QUEUE_CAPACITY, cap);
    zstdpool_provider_memory_new(&p);
    zstdpool_compressor_new(cfg, p, &pool);
    double t0 = now(), last = 0;
    for (int i = 0; i < cap - 2; i++) { ms[2 + i] = 1000; }
    for (int i = 0; i < cap + 1; i++) {
        zstdpool_pool_add(pool, "e", NULL, 0, slow_read, wr, NULL, &ms[i]);
        last = (now() - t0) * 1e3;
        printf("capacity %ld: add %d returned after %.0f ms\n", cap, i, last);
    }
    zstdpool_pool_free(pool); zstdpool_provider_free(p); zstdpool_config_free(cfg);
    return last > 500;
}
