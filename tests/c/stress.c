/*
 * stress.c -- many entries, many threads, stops and joins at random moments.
 *
 *   stress [ENTRIES [WATCHDOG_SECONDS [SEED]]]     defaults: 100000, 120, 1
 *
 * Phase 1: the main thread adds ENTRIES generated log-like entries (a few hundred bytes to
 * a few KB, from a deterministic PRNG) in 50 categories (and a few without one) to a
 * compressing pool with 2 x CPUs workers and training after 16 samples. Meanwhile:
 *  - a controller thread joins the pool with 0-5 ms timeouts at random moments, reads its
 *    statistics, and stops it at random points of the progress; the main thread then gets
 *    ZSTDPOOL_ERR_STOPPED (checked: every add that starts after a stop returned must get it,
 *    and never a callback), joins the pool, checks its accounts, frees it and goes on with a
 *    new pool on the same provider;
 *  - two side threads create, use and free other pools (compressing and decompressing, on
 *    the same provider with their own category names) until the main thread is done.
 * Every 101st entry's read callback fails (it must be rejected with ZSTDPOOL_ERR_READ); every
 * other entry must compress OK. Each entry's done callback must run exactly once (a counter
 * per entry), each pool's totals must satisfy added == done + rejected == accepted adds.
 * Phase 2: every 97th entry's compressed output is decompressed through a decompressing pool
 * on the same provider and compared with the regenerated input byte for byte.
 *
 * A watchdog (alarm) aborts the run after WATCHDOG_SECONDS: a deadlock fails the test
 * instead of hanging it. Built and run by tests/c/stress.sh (plain, ASan+UBSan, valgrind).
 * Ends with "N passed, M failed" (tests/c/check.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "support.h"

#define CATEGORIES 50
#define SAMPLE_EVERY 97
#define FAIL_EVERY 101
#define SIDE_THREADS 2

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */
/* ------------------------------------------------------------------------------------ */

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    return p;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_us(long us) {
    struct timespec t;
    t.tv_sec = us / 1000000;
    t.tv_nsec = (us % 1000000) * 1000L;
    while (nanosleep(&t, &t) != 0) {
    }
}

/* splitmix64: a deterministic generator, one stream per (seed, entry). */
static uint64_t mix(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static const char *const COMPONENTS[] = {
    "EventLoopMgr", "ApplicationMgr", "HistogramPersistencySvc", "DetDataSvc", "MagneticFieldSvc",
    "ToolSvc", "RootIOAlg", "DIRAC.JobWrapper", "Watchdog", "InputDataResolution",
};
static const char *const LEVELS[] = {"INFO", "INFO", "INFO", "DEBUG", "WARNING", "ERROR"};
static const char *const MESSAGES[] = {
    "Reading event", "Finalized successfully", "Initializing", "Opened file",
    "cpu-seconds consumed", "memory in use", "Stopping", "status=Done", "No more events",
    "Checksum verified for", "Uploading output to", "Resolving LFN",
};

/* The text of entry `index` of category `category` (-1: none), size between 200 and ~4 KB:
 * log lines whose words depend on the category, so that dictionaries help. */
static void make_entry(uint64_t seed, size_t index, int category, buffer *out) {
    uint64_t s = seed * 1000003u + index;
    size_t size = 200 + (size_t)(mix(&s) % 3800);
    uint64_t c = (uint64_t)(category + 1) * 2654435761u;
    char line[256];
    out->len = 0;
    while (out->len < size) {
        int n = snprintf(line, sizeof line,
                         "2024-%02u-%02u %02u:%02u:%02u %s %-8s %s %s id=%u run=%u took=%ums\n",
                         (unsigned)(c % 12 + 1), (unsigned)(mix(&s) % 28 + 1),
                         (unsigned)(mix(&s) % 24), (unsigned)(mix(&s) % 60),
                         (unsigned)(mix(&s) % 60), COMPONENTS[(c + mix(&s) % 3) % 10],
                         LEVELS[mix(&s) % 6], MESSAGES[(c / 7 + mix(&s) % 4) % 12],
                         category >= 0 ? "LHCb" : "misc", (unsigned)(mix(&s) % 100000),
                         (unsigned)(c % 100000), (unsigned)(mix(&s) % 5000));
        size_t k = (size_t)n;
        if (out->len + k > size) {
            k = size - out->len;
        }
        buffer_append(out, line, k);
    }
}

static char g_category_names[CATEGORIES][16];

static const char *category_name(int category) {
    return category < 0 ? NULL : g_category_names[category];
}

/* ------------------------------------------------------------------------------------ */
/* Globals: the run's settings and what the callbacks saw                                */
/* ------------------------------------------------------------------------------------ */

static size_t g_entries = 100000;
static uint64_t g_seed = 1;
static int g_workers = 4;

static _Atomic int *g_done_calls;       /* per entry: done callbacks over all attempts */
static zstdpool_status *g_status;       /* per entry: the status its done callback got */
static buffer *g_packed;                /* per sampled entry: its compressed output */
static _Atomic long g_bad_callbacks;    /* callbacks with wrong arguments */
static _Atomic long g_refused_callbacks; /* callbacks for attempts add refused */
static _Atomic size_t g_progress;       /* entries the main thread has handled */
static _Atomic int g_main_done;

static int category_of(size_t index) {
    uint64_t s = g_seed * 7919u + index * 31u;
    uint64_t r = mix(&s);
    return r % 50 == 0 ? -1 : (int)((r >> 8) % CATEGORIES);
}

static int is_sampled(size_t index) {
    return index % SAMPLE_EVERY == 0;
}

static int is_failing(size_t index) {
    return index % FAIL_EVERY == FAIL_EVERY / 2;
}

/* One attempt to add an entry (an attempt refused by add is never called back). */
typedef struct {
    size_t index;
    buffer raw;
    size_t pos;
    buffer *packed; /* sampled entries keep their output */
    uint64_t out_len;
    char name[32];
    _Atomic int refused;
} attempt;

static int32_t attempt_read(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len) {
    attempt *a = (attempt *)user_data;
    size_t n = a->raw.len - a->pos;
    if (atomic_load(&a->refused)) {
        atomic_fetch_add(&g_refused_callbacks, 1);
    }
    if (is_failing(a->index) && a->pos > 0) {
        return 77; /* fails after the first chunk (or, when training, after the sample) */
    }
    /* Uneven chunks: 1..1024 bytes, or the whole capacity. */
    if (a->index % 3 == 1) {
        size_t chunk = 1 + (a->index + a->pos) % 1024;
        if (n > chunk) {
            n = chunk;
        }
    }
    if (n > capacity) {
        n = capacity;
    }
    memcpy(buf, a->raw.data + a->pos, n);
    a->pos += n;
    *out_len = n;
    return 0;
}

static int32_t attempt_write(void *user_data, const uint8_t *data, size_t len) {
    attempt *a = (attempt *)user_data;
    if (atomic_load(&a->refused)) {
        atomic_fetch_add(&g_refused_callbacks, 1);
    }
    if (data == NULL || len == 0) {
        atomic_fetch_add(&g_bad_callbacks, 1);
    }
    if (a->packed != NULL) {
        buffer_append(a->packed, data, len);
    }
    a->out_len += len;
    return 0;
}

static void attempt_done(void *user_data, const char *name, zstdpool_status status,
                         const char *message, uint64_t bytes_in, uint64_t bytes_out) {
    attempt *a = (attempt *)user_data;
    int ok_args = name != NULL && strcmp(name, a->name) == 0 &&
                  (status == ZSTDPOOL_OK
                       ? message == NULL && bytes_in == a->raw.len && bytes_out == a->out_len
                       : message != NULL && message[0] != '\0' && bytes_in == 0 && bytes_out == 0);
    if (atomic_load(&a->refused)) {
        atomic_fetch_add(&g_refused_callbacks, 1);
        return; /* the refused attempt's context belongs to the main thread */
    }
    if (!ok_args) {
        atomic_fetch_add(&g_bad_callbacks, 1);
    }
    g_status[a->index] = status;
    atomic_fetch_add(&g_done_calls[a->index], 1);
    buffer_free(&a->raw);
    free(a);
}

static attempt *attempt_new(size_t index) {
    attempt *a = (attempt *)xmalloc(sizeof *a);
    memset(a, 0, sizeof *a);
    a->index = index;
    snprintf(a->name, sizeof a->name, "entry-%zu", index);
    make_entry(g_seed, index, category_of(index), &a->raw);
    a->packed = is_sampled(index) ? &g_packed[index / SAMPLE_EVERY] : NULL;
    return a;
}

/* ------------------------------------------------------------------------------------ */
/* The main pool, shared with the controller                                             */
/* ------------------------------------------------------------------------------------ */

static zstdpool_provider *g_provider;
static pthread_rwlock_t g_pool_lock = PTHREAD_RWLOCK_INITIALIZER;
static zstdpool_pool *g_pool;         /* under g_pool_lock */
static _Atomic int g_generation;      /* which main pool is current */
static _Atomic int g_stopped_generation = -1; /* the controller's stop of it returned */
static _Atomic long g_stops, g_joins, g_join_timeouts, g_queries;
static _Atomic long g_controller_errors;

static zstdpool_config *main_config(void) {
    zstdpool_config *cfg = NULL;
    CHECK_OK(zstdpool_config_new(&cfg));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, g_workers));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 16));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_BYTES, 0));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_QUEUE_CAPACITY, 2048));
    return cfg;
}

/* Stops at a few random points of the progress; joins with short timeouts and reads the
 * statistics in between. */
static void *controller(void *arg) {
    uint64_t s = g_seed ^ 0xc0ffee;
    size_t stop_points[6];
    int nstops = 3 + (int)(mix(&s) % 4), next = 0, i;
    (void)arg;
    for (i = 0; i < nstops; i++) { /* increasing points in (0, entries) */
        stop_points[i] = g_entries * (size_t)(i + 1) / (size_t)(nstops + 1) +
                         (size_t)(mix(&s) % (g_entries / (size_t)(4 * nstops) + 1));
    }
    while (!atomic_load(&g_main_done)) {
        zstdpool_status st;
        pthread_rwlock_rdlock(&g_pool_lock);
        if (g_pool != NULL) {
            int gen = atomic_load(&g_generation);
            uint64_t r = mix(&s);
            if (next < nstops && atomic_load(&g_progress) >= stop_points[next] &&
                atomic_load(&g_stopped_generation) != gen) {
                st = zstdpool_pool_stop(g_pool);
                if (st != ZSTDPOOL_OK) {
                    atomic_fetch_add(&g_controller_errors, 1);
                }
                atomic_store(&g_stopped_generation, gen);
                atomic_fetch_add(&g_stops, 1);
                next++;
            } else if (r % 4 == 0) {
                /* Snapshots while the workers run: consistent counts; every rejection
                 * counted can be fetched; a stats snapshot is taken after the totals (so it
                 * counts at least as many entries added), every category in it can be read
                 * and the index past the last is refused; then it is freed. */
                zstdpool_counts c, snap;
                size_t n = 0, nrej = 0, k;
                zstdpool_stats *stats = NULL;
                zstdpool_category cat;
                const char *name = NULL, *message = NULL;
                zstdpool_status rs = 0;
                int bad = 0;
                if (zstdpool_pool_totals(g_pool, &c) != ZSTDPOOL_OK ||
                    c.added < c.done + c.rejected ||
                    zstdpool_pool_rejected_count(g_pool, &nrej) != ZSTDPOOL_OK ||
                    nrej < c.rejected ||
                    (nrej > 0 && zstdpool_pool_rejected(g_pool, nrej - 1, &name, &rs, &message) !=
                                     ZSTDPOOL_OK) ||
                    zstdpool_stats_new(g_pool, &stats) != ZSTDPOOL_OK ||
                    zstdpool_stats_totals(stats, &snap) != ZSTDPOOL_OK || snap.added < c.added) {
                    bad = 1;
                }
                n = zstdpool_stats_category_count(stats);
                for (k = 0; !bad && k < n; k++) {
                    bad = zstdpool_stats_category(stats, k, &cat) != ZSTDPOOL_OK ||
                          cat.name == NULL || cat.status_message == NULL;
                }
                if (!bad &&
                    zstdpool_stats_category(stats, n, &cat) != ZSTDPOOL_ERR_INVALID_ARGUMENT) {
                    bad = 1;
                }
                zstdpool_stats_free(stats);
                if (bad) {
                    atomic_fetch_add(&g_controller_errors, 1);
                }
                atomic_fetch_add(&g_queries, 1);
            } else {
                st = zstdpool_pool_join(g_pool, (int64_t)((r >> 8) % 6));
                atomic_fetch_add(&g_joins, 1);
                if (st == ZSTDPOOL_ERR_TIMEOUT) {
                    atomic_fetch_add(&g_join_timeouts, 1);
                } else if (st != ZSTDPOOL_OK || atomic_load(&g_stopped_generation) != gen) {
                    /* OK only once stopped */
                    atomic_fetch_add(&g_controller_errors, 1);
                }
            }
        }
        pthread_rwlock_unlock(&g_pool_lock);
        sleep_us(200 + (long)(mix(&s) % 3000));
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Side threads: other pools, created, used and freed concurrently                        */
/* ------------------------------------------------------------------------------------ */

#define SIDE_ENTRIES 120

typedef struct {
    buffer raw, packed, restored;
    _Atomic int done_calls;
    zstdpool_status status;
    size_t pos;
    int decompress;
} side_entry;

static int32_t side_read(void *u, uint8_t *buf, size_t capacity, size_t *out_len) {
    side_entry *e = (side_entry *)u;
    const buffer *src = e->decompress ? &e->packed : &e->raw;
    size_t n = src->len - e->pos;
    if (n > capacity) {
        n = capacity;
    }
    memcpy(buf, src->data + e->pos, n);
    e->pos += n;
    *out_len = n;
    return 0;
}

static int32_t side_write(void *u, const uint8_t *data, size_t len) {
    side_entry *e = (side_entry *)u;
    buffer_append(e->decompress ? &e->restored : &e->packed, data, len);
    return 0;
}

static void side_done(void *u, const char *name, zstdpool_status status, const char *message,
                      uint64_t bytes_in, uint64_t bytes_out) {
    side_entry *e = (side_entry *)u;
    (void)name, (void)message, (void)bytes_in, (void)bytes_out;
    e->status = status;
    atomic_fetch_add(&e->done_calls, 1);
}

typedef struct {
    int id;
    long rounds;
    long failures;
} side_state;

static void *side_thread(void *arg) {
    side_state *t = (side_state *)arg;
    static side_entry entries[SIDE_THREADS][SIDE_ENTRIES];
    side_entry *es = entries[t->id];
    uint64_t s = g_seed * 31u + (uint64_t)t->id;
    while (!atomic_load(&g_main_done)) {
        zstdpool_config *cfg = NULL;
        zstdpool_pool *pool = NULL;
        zstdpool_counts c;
        int n = 20 + (int)(mix(&s) % (SIDE_ENTRIES - 20)), i, how = (int)(mix(&s) % 3);
        char cats[4][32];
        for (i = 0; i < 4; i++) {
            snprintf(cats[i], sizeof cats[i], "side-%d-%d", t->id, i);
        }
        if (zstdpool_config_new(&cfg) != ZSTDPOOL_OK ||
            zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, 2) != ZSTDPOOL_OK ||
            zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 8) != ZSTDPOOL_OK ||
            zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_BYTES, 0) != ZSTDPOOL_OK ||
            zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_EFFORT, 0) != ZSTDPOOL_OK ||
            zstdpool_compressor_new(cfg, g_provider, &pool) != ZSTDPOOL_OK) {
            t->failures++;
            zstdpool_config_free(cfg);
            break;
        }
        for (i = 0; i < n; i++) {
            side_entry *e = &es[i];
            buffer_free(&e->raw);
            buffer_free(&e->packed);
            buffer_free(&e->restored);
            memset(e, 0, sizeof *e);
            make_entry(g_seed + 1000u + (uint64_t)t->id, (size_t)(t->rounds * SIDE_ENTRIES + i),
                       i % 4, &e->raw);
            if (zstdpool_pool_add(pool, "side", cats[i % 4], e->raw.len, side_read, side_write,
                                  side_done, e) != ZSTDPOOL_OK) {
                t->failures++;
            }
        }
        /* Three ways to finish: flush + wait + free, stop + join + free, or free alone. */
        if (how == 0) {
            t->failures += zstdpool_pool_flush(pool) != ZSTDPOOL_OK;
            t->failures += zstdpool_pool_wait(pool) != ZSTDPOOL_OK;
        } else if (how == 1) {
            t->failures += zstdpool_pool_stop(pool) != ZSTDPOOL_OK;
            t->failures += zstdpool_pool_join(pool, -1) != ZSTDPOOL_OK;
        }
        if (how != 2) {
            t->failures += zstdpool_pool_totals(pool, &c) != ZSTDPOOL_OK ||
                           c.added != (uint64_t)n || c.done != (uint64_t)n || c.rejected != 0;
        }
        t->failures += zstdpool_pool_free(pool) != ZSTDPOOL_OK;
        for (i = 0; i < n; i++) {
            t->failures += atomic_load(&es[i].done_calls) != 1 || es[i].status != ZSTDPOOL_OK;
        }
        /* Every other round, decompress this round's outputs and compare. */
        if (t->rounds % 2 == 0) {
            if (zstdpool_decompressor_new(cfg, g_provider, &pool) != ZSTDPOOL_OK) {
                t->failures++;
            } else {
                for (i = 0; i < n; i++) {
                    atomic_store(&es[i].done_calls, 0);
                    es[i].decompress = 1;
                    es[i].pos = 0;
                    t->failures += zstdpool_pool_add(pool, "side-back", cats[i % 4],
                                                     ZSTDPOOL_SIZE_UNKNOWN, side_read,
                                                     side_write, side_done, &es[i]) != ZSTDPOOL_OK;
                }
                t->failures += zstdpool_pool_free(pool) != ZSTDPOOL_OK;
                for (i = 0; i < n; i++) {
                    side_entry *e = &es[i];
                    t->failures += atomic_load(&e->done_calls) != 1 || e->status != ZSTDPOOL_OK ||
                                   e->restored.len != e->raw.len ||
                                   memcmp(e->restored.data, e->raw.data, e->raw.len) != 0;
                }
            }
        }
        zstdpool_config_free(cfg);
        t->rounds++;
    }
    {
        int i;
        for (i = 0; i < SIDE_ENTRIES; i++) {
            buffer_free(&es[i].raw);
            buffer_free(&es[i].packed);
            buffer_free(&es[i].restored);
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Phase 2: decompress the samples                                                        */
/* ------------------------------------------------------------------------------------ */

typedef struct {
    const buffer *packed;
    size_t pos;
    buffer restored;
    _Atomic int done_calls;
    zstdpool_status status;
    char message[256];
} back_entry;

static int32_t back_read(void *u, uint8_t *buf, size_t capacity, size_t *out_len) {
    back_entry *e = (back_entry *)u;
    size_t n = e->packed->len - e->pos;
    if (n > capacity) {
        n = capacity;
    }
    if (n > 333) { /* several reads per frame */
        n = 333;
    }
    memcpy(buf, e->packed->data + e->pos, n);
    e->pos += n;
    *out_len = n;
    return 0;
}

static int32_t back_write(void *u, const uint8_t *data, size_t len) {
    buffer_append(&((back_entry *)u)->restored, data, len);
    return 0;
}

static void back_done(void *u, const char *name, zstdpool_status status, const char *message,
                      uint64_t bytes_in, uint64_t bytes_out) {
    back_entry *e = (back_entry *)u;
    (void)name, (void)bytes_in, (void)bytes_out;
    e->status = status;
    snprintf(e->message, sizeof e->message, "%s", message ? message : "");
    atomic_fetch_add(&e->done_calls, 1);
}

/* ------------------------------------------------------------------------------------ */
/* Main                                                                                   */
/* ------------------------------------------------------------------------------------ */

static unsigned g_watchdog_seconds = 120;

static void watchdog(int sig) {
    static const char msg[] = "stress: watchdog: not finished in time (deadlock?)\n";
    (void)sig;
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
    }
    abort();
}

/* Joins a stopped main pool, checks its accounts against the adds it accepted, frees it. */
static void retire(zstdpool_pool *pool, uint64_t accepted, uint64_t failing) {
    zstdpool_counts c, snap;
    zstdpool_stats *stats = NULL;
    size_t rejected = 0, ncat = 0, i;
    uint64_t sum = 0;
    int32_t state = -1;
    int trained = 0, loaded = 0;
    CHECK_OK(zstdpool_pool_join(pool, -1));
    CHECK_OK(zstdpool_pool_state(pool, &state));
    CHECK(state == ZSTDPOOL_STATE_STOPPED);
    CHECK_OK(zstdpool_pool_totals(pool, &c));
    CHECK(c.added == accepted);
    CHECK(c.added == c.done + c.rejected);
    CHECK(c.rejected == failing);
    CHECK_OK(zstdpool_pool_rejected_count(pool, &rejected));
    CHECK(rejected == c.rejected);
    for (i = 0; i < rejected; i++) {
        const char *name = NULL, *message = NULL;
        zstdpool_status st = -1;
        CHECK_OK(zstdpool_pool_rejected(pool, i, &name, &st, &message));
        if (st != ZSTDPOOL_ERR_READ || strstr(message, "error code 77") == NULL) {
            CHECK(st == ZSTDPOOL_ERR_READ);
            fprintf(stderr, "rejected %s: %d %s\n", name, (int)st, message);
        }
    }
    CHECK_OK(zstdpool_stats_new(pool, &stats));
    CHECK_OK(zstdpool_stats_totals(stats, &snap));
    CHECK(snap.added == c.added && snap.done == c.done && snap.rejected == c.rejected);
    ncat = zstdpool_stats_category_count(stats);
    for (i = 0; i < ncat; i++) {
        zstdpool_category cat;
        CHECK_OK(zstdpool_stats_category(stats, i, &cat));
        sum += cat.counts.added;
        trained += cat.status == ZSTDPOOL_DICT_TRAINED;
        loaded += cat.status == ZSTDPOOL_DICT_LOADED;
    }
    zstdpool_stats_free(stats);
    CHECK(sum == c.added);
    printf("pool %d: %llu entries (%llu rejected), ratio %.2f, %zu categories: %d trained, "
           "%d loaded\n",
           atomic_load(&g_generation), (unsigned long long)c.added,
           (unsigned long long)c.rejected, c.ratio, ncat, trained, loaded);
    pthread_rwlock_wrlock(&g_pool_lock);
    g_pool = NULL;
    pthread_rwlock_unlock(&g_pool_lock);
    CHECK_OK(zstdpool_pool_free(pool));
}

int main(int argc, char **argv) {
    pthread_t ctl, side[SIDE_THREADS];
    side_state sides[SIDE_THREADS];
    attempt **refused = NULL;
    size_t nrefused = 0, i, sampled = 0, restored_ok = 0, ok = 0, failing_total = 0;
    uint64_t accepted = 0, failing = 0;
    zstdpool_config *cfg;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    double t0 = now(), t1, t2;
    int generations = 1, stopped_adds = 0, stopped_ok = 1;

    if (argc > 1) {
        g_entries = (size_t)strtoull(argv[1], NULL, 10);
    }
    if (argc > 2) {
        g_watchdog_seconds = (unsigned)strtoul(argv[2], NULL, 10);
    }
    if (argc > 3) {
        g_seed = strtoull(argv[3], NULL, 10);
    }
    if (g_entries < 100) {
        g_entries = 100;
    }
    g_workers = 2 * (int)(cpus > 0 ? cpus : 1);
    for (i = 0; i < CATEGORIES; i++) {
        snprintf(g_category_names[i], sizeof g_category_names[i], "cat-%02d", (int)i);
    }
    signal(SIGALRM, watchdog);
    alarm(g_watchdog_seconds);

    g_done_calls = (_Atomic int *)calloc(g_entries, sizeof *g_done_calls);
    g_status = (zstdpool_status *)calloc(g_entries, sizeof *g_status);
    g_packed = (buffer *)calloc(g_entries / SAMPLE_EVERY + 1, sizeof *g_packed);
    refused = (attempt **)calloc(64, sizeof *refused);
    if (g_done_calls == NULL || g_status == NULL || g_packed == NULL || refused == NULL) {
        fprintf(stderr, "out of memory\n");
        return 2;
    }
    printf("stress: %zu entries, %d categories, %d workers, seed %llu, watchdog %u s\n",
           g_entries, CATEGORIES, g_workers, (unsigned long long)g_seed, g_watchdog_seconds);

    CHECK_OK(zstdpool_provider_memory_new(&g_provider));
    cfg = main_config();
    CHECK_OK(zstdpool_compressor_new(cfg, g_provider, &g_pool));
    CHECK(pthread_create(&ctl, NULL, controller, NULL) == 0);
    for (i = 0; i < SIDE_THREADS; i++) {
        sides[i].id = (int)i;
        sides[i].rounds = sides[i].failures = 0;
        CHECK(pthread_create(&side[i], NULL, side_thread, &sides[i]) == 0);
    }

    /* Phase 1: add every entry; after a stop, retire the pool and go on with a new one. */
    for (i = 0; i < g_entries;) {
        attempt *a = attempt_new(i);
        int gen = atomic_load(&g_generation);
        int stop_seen = atomic_load(&g_stopped_generation) == gen;
        zstdpool_status st = zstdpool_pool_add(g_pool, a->name, category_name(category_of(i)),
                                               i % 4 == 3 ? ZSTDPOOL_SIZE_UNKNOWN : a->raw.len,
                                               attempt_read, attempt_write, attempt_done, a);
        if (st == ZSTDPOOL_OK) {
            if (stop_seen) {
                stopped_ok = 0; /* accepted although the stop had returned */
            }
            accepted++;
            failing += is_failing(i);
            i++;
            atomic_store(&g_progress, i);
            continue;
        }
        /* Refused: it must be because of the stop; the attempt must never be called back. */
        CHECK_STATUS(st, ZSTDPOOL_ERR_STOPPED);
        atomic_store(&a->refused, 1);
        buffer_free(&a->raw);
        if (nrefused < 64) {
            refused[nrefused++] = a;
        } else {
            free(a);
        }
        stopped_adds++;
        /* The stop came from the controller: wait for the pool, check it, start another. */
        retire(g_pool, accepted, failing);
        failing_total += failing;
        accepted = failing = 0;
        {
            zstdpool_pool *next = NULL;
            CHECK_OK(zstdpool_compressor_new(cfg, g_provider, &next));
            pthread_rwlock_wrlock(&g_pool_lock);
            g_pool = next;
            atomic_fetch_add(&g_generation, 1);
            pthread_rwlock_unlock(&g_pool_lock);
        }
        generations++;
    }
    CHECK_OK(zstdpool_pool_flush(g_pool));
    CHECK_OK(zstdpool_pool_wait(g_pool));
    atomic_store(&g_main_done, 1); /* the controller leaves the last pool alone from now */
    CHECK(pthread_join(ctl, NULL) == 0);
    CHECK_OK(zstdpool_pool_stop(g_pool));
    retire(g_pool, accepted, failing);
    failing_total += failing;
    for (i = 0; i < SIDE_THREADS; i++) {
        CHECK(pthread_join(side[i], NULL) == 0);
        CHECK(sides[i].failures == 0);
        CHECK(sides[i].rounds > 0);
    }
    t1 = now();

    /* Exact accounting per entry. */
    {
        size_t once = 0, wrong_status = 0;
        for (i = 0; i < g_entries; i++) {
            int calls = atomic_load(&g_done_calls[i]);
            once += calls == 1;
            if (calls == 1 &&
                g_status[i] != (is_failing(i) ? ZSTDPOOL_ERR_READ : ZSTDPOOL_OK)) {
                if (wrong_status++ < 5) {
                    fprintf(stderr, "entry %zu: status %d\n", i, (int)g_status[i]);
                }
            }
            ok += calls == 1 && g_status[i] == ZSTDPOOL_OK;
        }
        CHECK(once == g_entries);
        CHECK(wrong_status == 0);
        CHECK(failing_total == (g_entries + FAIL_EVERY / 2) / FAIL_EVERY);
    }
    CHECK(atomic_load(&g_bad_callbacks) == 0);
    CHECK(atomic_load(&g_refused_callbacks) == 0);
    CHECK(atomic_load(&g_controller_errors) == 0);
    CHECK(stopped_ok);
    CHECK(atomic_load(&g_stops) >= 1);
    CHECK(stopped_adds == generations - 1);
    for (i = 0; i < nrefused; i++) {
        free(refused[i]);
    }
    free(refused);

    /* Phase 2: the sampled outputs decompress to their inputs. */
    {
        size_t nsamples = (g_entries - 1) / SAMPLE_EVERY + 1;
        back_entry *back = (back_entry *)calloc(nsamples, sizeof *back);
        zstdpool_pool *pool = NULL;
        buffer raw = {0, 0, 0};
        CHECK_OK(zstdpool_decompressor_new(cfg, g_provider, &pool));
        for (i = 0; i < nsamples; i++) {
            size_t index = i * SAMPLE_EVERY;
            if (g_status[index] != ZSTDPOOL_OK) {
                continue;
            }
            back[i].packed = &g_packed[i];
            CHECK_OK(zstdpool_pool_add(pool, "back", category_name(category_of(index)),
                                       ZSTDPOOL_SIZE_UNKNOWN, back_read, back_write, back_done,
                                       &back[i]));
            sampled++;
        }
        CHECK_OK(zstdpool_pool_wait(pool));
        CHECK_OK(zstdpool_pool_free(pool));
        for (i = 0; i < nsamples; i++) {
            size_t index = i * SAMPLE_EVERY;
            if (back[i].packed == NULL) {
                continue;
            }
            make_entry(g_seed, index, category_of(index), &raw);
            if (atomic_load(&back[i].done_calls) == 1 && back[i].status == ZSTDPOOL_OK &&
                back[i].restored.len == raw.len &&
                memcmp(back[i].restored.data, raw.data, raw.len) == 0) {
                restored_ok++;
            } else if (sampled - restored_ok < 5) {
                fprintf(stderr, "sample %zu: status %d (%s), %zu bytes for %zu\n", index,
                        (int)back[i].status, back[i].message, back[i].restored.len, raw.len);
            }
            buffer_free(&back[i].restored);
        }
        CHECK(sampled > 0 && restored_ok == sampled);
        buffer_free(&raw);
        free(back);
    }
    t2 = now();

    printf("phase 1: %zu entries (%zu ok, %zu rejected as planned) in %.1f s, %d pool "
           "generations (%ld stops, %ld joins of which %ld timed out, %ld queries), side pools: "
           "%ld + %ld rounds\n",
           g_entries, ok, failing_total, t1 - t0, generations, atomic_load(&g_stops),
           atomic_load(&g_joins), atomic_load(&g_join_timeouts), atomic_load(&g_queries),
           sides[0].rounds, sides[1].rounds);
    printf("phase 2: %zu of %zu sampled outputs restored byte-exact in %.1f s\n", restored_ok,
           sampled, t2 - t1);

    for (i = 0; i < g_entries / SAMPLE_EVERY + 1; i++) {
        buffer_free(&g_packed[i]);
    }
    free(g_packed);
    free(g_status);
    free((void *)g_done_calls);
    zstdpool_config_free(cfg);
    zstdpool_provider_free(g_provider);
    alarm(0);
    return CHECK_DONE();
}
