/*
 * api_test.c -- the C API of zstdpool, as a C program uses it.
 *
 * Happy path: in-memory entries in several categories, compressed through callbacks by
 * two producer threads with dictionary training, then decompressed and compared byte for
 * byte. Then every misuse: NULL for each pointer argument, bad configuration values,
 * lifecycle errors, failing callbacks, failing providers, and callbacks that re-enter the
 * pool. Checks run on the main thread; callbacks only record what they see.
 *
 * Built with -std=c99 -Wall -Wextra -Wpedantic -Werror; run by tests/c/run.sh, also under
 * AddressSanitizer + UBSan and valgrind.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "support.h"

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                              */
/* ------------------------------------------------------------------------------------ */

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static void sleep_ms(long ms) {
    struct timespec t;
    t.tv_sec = ms / 1000;
    t.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&t, &t) != 0) {
    }
}

/* A deterministic generator (xorshift32). */
static uint32_t rng_next(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

static const char *const VOCABULARY[3][6] = {
    {"GET /api/v1/users", "POST /api/v1/orders", "status=200", "status=404", "cache=hit",
     "user-agent=curl/8.5.0"},
    {"INFO  Scheduler", "WARN  Scheduler", "job queued on node", "job finished on node",
     "memory=2048MB", "cpu-seconds"},
    {"<event type=\"open\"", "<event type=\"close\"", "path=\"/var/lib/data/", "\" mode=\"0644\"",
     "owner=\"daemon\"/>", "owner=\"root\"/>"},
};

/* Text in the style of category `category` (0..2; 3: no category, plain text), about
 * `size` bytes. */
static void make_text(buffer *out, int category, size_t size, uint32_t *rng) {
    char line[256];
    while (out->len < size) {
        int n;
        if (category < 3) {
            const char *const *words = VOCABULARY[category];
            n = snprintf(line, sizeof line, "2024-05-%02u %02u:%02u:%02u %s %s id=%u took=%ums\n",
                         rng_next(rng) % 28 + 1, rng_next(rng) % 24, rng_next(rng) % 60,
                         rng_next(rng) % 60, words[rng_next(rng) % 6], words[rng_next(rng) % 6],
                         rng_next(rng) % 100000, rng_next(rng) % 5000);
        } else {
            n = snprintf(line, sizeof line, "free text %u %u %u\n", rng_next(rng),
                         rng_next(rng), rng_next(rng));
        }
        buffer_append(out, (const uint8_t *)line, (size_t)n);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Entries: in-memory input and output through the callbacks                             */
/* ------------------------------------------------------------------------------------ */

/* What an entry's done callback saw. */
typedef struct {
    int done_calls;
    int name_ok;
    int message_null;
    zstdpool_status status;
    char message[512];
    uint64_t bytes_in;
    uint64_t bytes_out;
} result;

/* An entry's user_data. */
typedef struct {
    char name[64];
    const buffer *src;
    buffer *dst;
    size_t pos;
    size_t chunk;       /* most bytes per read call (0: the capacity) */
    int32_t fail_read;  /* nonzero: the read callback returns it */
    int32_t fail_write; /* nonzero: the write callback returns it */
    int overread;       /* the read callback reports one byte more than the capacity */
    long slow_ms;       /* the first read sleeps this long */
    size_t give_len;    /* nonzero: the input ends after this many bytes */
    result *res;
    int free_in_done; /* the done callback frees this context */
} entry_ctx;

static entry_ctx *entry_new(const char *name, const buffer *src, buffer *dst, result *res) {
    entry_ctx *e = (entry_ctx *)xmalloc(sizeof *e);
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->src = src;
    e->dst = dst;
    e->res = res;
    e->free_in_done = 1;
    return e;
}

static int32_t entry_read(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len) {
    entry_ctx *e = (entry_ctx *)user_data;
    size_t end = e->give_len ? e->give_len : e->src->len;
    size_t n = end - e->pos;
    if (e->slow_ms) {
        sleep_ms(e->slow_ms);
        e->slow_ms = 0;
    }
    if (e->fail_read) {
        return e->fail_read;
    }
    if (e->overread) {
        *out_len = capacity + 1;
        return 0;
    }
    if (n > capacity) {
        n = capacity;
    }
    if (e->chunk && n > e->chunk) {
        n = e->chunk;
    }
    if (n > 0) {
        memcpy(buf, e->src->data + e->pos, n);
    }
    e->pos += n;
    *out_len = n;
    return 0;
}

static int32_t entry_write(void *user_data, const uint8_t *data, size_t len) {
    entry_ctx *e = (entry_ctx *)user_data;
    if (e->fail_write) {
        return e->fail_write;
    }
    buffer_append(e->dst, data, len);
    return 0;
}

static void entry_done(void *user_data, const char *name, zstdpool_status status,
                       const char *message, uint64_t bytes_in, uint64_t bytes_out) {
    entry_ctx *e = (entry_ctx *)user_data;
    result *r = e->res;
    r->done_calls++;
    r->name_ok = name != NULL && strcmp(name, e->name) == 0;
    r->status = status;
    r->message_null = message == NULL;
    snprintf(r->message, sizeof r->message, "%s", message ? message : "");
    r->bytes_in = bytes_in;
    r->bytes_out = bytes_out;
    if (e->free_in_done) {
        free(e);
    }
}

/* Adds an entry with the entry callbacks. */
static zstdpool_status add_entry(zstdpool_pool *pool, entry_ctx *e, const char *category,
                                 uint64_t size) {
    return zstdpool_pool_add(pool, e->name, category, size, entry_read, entry_write, entry_done,
                             e);
}

/* ------------------------------------------------------------------------------------ */
/* A dictionary store in C behind the provider callbacks                                 */
/* ------------------------------------------------------------------------------------ */

#define STORE_MAX 16

typedef struct {
    pthread_mutex_t lock;
    int count;
    char names[STORE_MAX][64];
    buffer dicts[STORE_MAX];
    int gets;
    int puts;
    int32_t fail_get;
    int32_t fail_put;
    int freed;
    /* Checks made on the worker thread by the get callback, for the main thread. */
    int probe_null_args;
    zstdpool_status null_out_status;
    zstdpool_status null_data_status;
    int null_messages_ok;
    zstdpool_status set_status;
} store;

static void store_init(store *s) {
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
}

static void store_destroy(store *s) {
    int i;
    for (i = 0; i < s->count; i++) {
        buffer_free(&s->dicts[i]);
    }
    pthread_mutex_destroy(&s->lock);
}

static int32_t store_get(void *user_data, const char *name, zstdpool_dict_buffer *out) {
    store *s = (store *)user_data;
    int32_t code = 0;
    int i;
    pthread_mutex_lock(&s->lock);
    s->gets++;
    if (s->probe_null_args) {
        static const uint8_t byte = 0;
        s->null_out_status = zstdpool_dict_buffer_set(NULL, &byte, 1);
        s->null_messages_ok = strstr(zstdpool_last_error(), "out is NULL") != NULL;
        s->null_data_status = zstdpool_dict_buffer_set(out, NULL, 1);
        s->null_messages_ok &= strstr(zstdpool_last_error(), "data is NULL") != NULL;
    }
    if (s->fail_get) {
        code = s->fail_get;
    } else {
        for (i = 0; i < s->count; i++) {
            if (strcmp(s->names[i], name) == 0) {
                s->set_status = zstdpool_dict_buffer_set(out, s->dicts[i].data, s->dicts[i].len);
            }
        }
    }
    pthread_mutex_unlock(&s->lock);
    return code;
}

static int32_t store_put(void *user_data, const char *name, const uint8_t *dict, size_t len) {
    store *s = (store *)user_data;
    int32_t code = 0;
    pthread_mutex_lock(&s->lock);
    s->puts++;
    if (s->fail_put) {
        code = s->fail_put;
    } else if (s->count < STORE_MAX) {
        snprintf(s->names[s->count], sizeof s->names[s->count], "%s", name);
        memset(&s->dicts[s->count], 0, sizeof(buffer));
        buffer_append(&s->dicts[s->count], dict, len);
        s->count++;
    } else {
        code = -1;
    }
    pthread_mutex_unlock(&s->lock);
    return code;
}

static void store_free(void *user_data) {
    store *s = (store *)user_data;
    pthread_mutex_lock(&s->lock);
    s->freed++;
    pthread_mutex_unlock(&s->lock);
}

/* A configuration for quick tests: two workers, training after a few samples, with a
 * small fixed dictionary size: a dictionary is kept only when frames + dictionary come out
 * smaller than frames alone, and the test categories hold only ~100 KB each. */
static zstdpool_config *small_config(int training) {
    zstdpool_config *cfg = NULL;
    CHECK_OK(zstdpool_config_new(&cfg));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, 2));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_ENABLED, training));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 16));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_BYTES, 0));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_EFFORT, 0));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_DICT_SIZE, 1024));
    return cfg;
}

/* ------------------------------------------------------------------------------------ */
/* Happy path: compress with training, decompress, compare                               */
/* ------------------------------------------------------------------------------------ */

#define RT_PER_CATEGORY 60
#define RT_PLAIN 20
#define RT_ENTRIES (3 * RT_PER_CATEGORY + RT_PLAIN)

static const char *const CATEGORY_NAMES[3] = {"alpha", "beta", "gamma"};

typedef struct {
    char name[32];
    const char *category; /* NULL: no dictionary */
    buffer raw;
    buffer packed;
    buffer restored;
    result compressed;
    result decompressed;
} rt_slot;

typedef struct {
    zstdpool_pool *pool;
    rt_slot *slots;
    int first;
    int step;
    int failures;
} producer;

static void *produce(void *arg) {
    producer *p = (producer *)arg;
    int i;
    for (i = p->first; i < RT_ENTRIES; i += p->step) {
        rt_slot *s = &p->slots[i];
        entry_ctx *e = entry_new(s->name, &s->raw, &s->packed, &s->compressed);
        uint64_t size = i % 2 ? ZSTDPOOL_SIZE_UNKNOWN : (uint64_t)s->raw.len;
        e->chunk = 700; /* several read calls per entry */
        if (add_entry(p->pool, e, s->category, size) != ZSTDPOOL_OK) {
            p->failures++;
            free(e); /* refused: no callback will run, the context is still ours */
        }
    }
    return NULL;
}

static void test_round_trip(void) {
    static rt_slot slots[RT_ENTRIES];
    uint32_t rng = 12345;
    store st;
    zstdpool_provider *provider = NULL;
    zstdpool_config *cfg = small_config(1);
    zstdpool_pool *pool = NULL;
    producer producers[2];
    pthread_t threads[2];
    zstdpool_counts totals, snap_totals;
    zstdpool_stats *stats = NULL;
    size_t count = 0, i;
    int32_t state = -1;
    uint64_t raw_total = 0, packed_total = 0;
    int all_done = 1, all_ok = 1, all_equal = 1, trained = 0;

    memset(slots, 0, sizeof slots);
    for (i = 0; i < RT_ENTRIES; i++) {
        int category = i < 3 * RT_PER_CATEGORY ? (int)(i % 3) : 3;
        snprintf(slots[i].name, sizeof slots[i].name, "entry-%03u", (unsigned)i);
        slots[i].category = category < 3 ? CATEGORY_NAMES[category] : NULL;
        make_text(&slots[i].raw, category, 300 + rng_next(&rng) % 2500, &rng);
        raw_total += slots[i].raw.len;
    }

    store_init(&st);
    CHECK_OK(zstdpool_provider_callbacks_new(store_get, store_put, store_free, &st, &provider));
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));
    /* The pool keeps its own references: both handles can go now. */
    zstdpool_config_free(cfg);
    zstdpool_provider_free(provider);
    CHECK(st.freed == 0);
    CHECK_OK(zstdpool_pool_state(pool, &state));
    CHECK(state == ZSTDPOOL_STATE_IDLE);

    for (i = 0; i < 2; i++) {
        producers[i].pool = pool;
        producers[i].slots = slots;
        producers[i].first = (int)i;
        producers[i].step = 2;
        producers[i].failures = 0;
        CHECK(pthread_create(&threads[i], NULL, produce, &producers[i]) == 0);
    }
    for (i = 0; i < 2; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(producers[i].failures == 0);
    }
    CHECK_OK(zstdpool_pool_state(pool, &state));
    CHECK(state == ZSTDPOOL_STATE_RUNNING);
    CHECK_OK(zstdpool_pool_flush(pool));
    CHECK_OK(zstdpool_pool_wait(pool));

    for (i = 0; i < RT_ENTRIES; i++) {
        rt_slot *s = &slots[i];
        all_done &= s->compressed.done_calls == 1 && s->compressed.name_ok;
        all_ok &= s->compressed.status == ZSTDPOOL_OK && s->compressed.message_null &&
                  s->compressed.bytes_in == s->raw.len && s->compressed.bytes_out == s->packed.len;
        packed_total += s->packed.len;
    }
    CHECK(all_done);
    CHECK(all_ok);
    CHECK(packed_total < raw_total);

    CHECK_OK(zstdpool_pool_totals(pool, &totals));
    CHECK(totals.added == RT_ENTRIES);
    CHECK(totals.done == RT_ENTRIES);
    CHECK(totals.rejected == 0);
    CHECK(totals.raw_bytes == raw_total);
    CHECK(totals.compressed_bytes == packed_total);
    CHECK(totals.ratio > 1.0);
    CHECK_OK(zstdpool_pool_rejected_count(pool, &count));
    CHECK(count == 0);

    /* Categories, from a snapshot, sorted by name: "" (no dictionary), alpha, beta, gamma. */
    CHECK_OK(zstdpool_stats_new(pool, &stats));
    CHECK_OK(zstdpool_stats_totals(stats, &snap_totals));
    CHECK(snap_totals.added == totals.added && snap_totals.done == totals.done);
    CHECK(snap_totals.rejected == 0 && snap_totals.raw_bytes == raw_total);
    CHECK(snap_totals.compressed_bytes == packed_total && snap_totals.ratio == totals.ratio);
    count = zstdpool_stats_category_count(stats);
    CHECK(count == 4);
    if (count == 4) {
        zstdpool_category c, again;
        CHECK_OK(zstdpool_stats_category(stats, 0, &c));
        CHECK(strcmp(c.name, "") == 0);
        CHECK(c.status == ZSTDPOOL_DICT_NO_CATEGORY);
        CHECK(c.counts.added == RT_PLAIN && c.counts.done == RT_PLAIN);
        CHECK(c.dict_id == 0);
        for (i = 1; i < 4; i++) {
            CHECK_OK(zstdpool_stats_category(stats, i, &c));
            CHECK(strcmp(c.name, CATEGORY_NAMES[i - 1]) == 0);
            CHECK(c.counts.added == RT_PER_CATEGORY && c.counts.done == RT_PER_CATEGORY);
            CHECK(c.status_message != NULL && c.status_message[0] != '\0');
            CHECK(c.status == ZSTDPOOL_DICT_TRAINED);
            if (c.status == ZSTDPOOL_DICT_TRAINED) {
                trained++;
                CHECK(c.dict_id != 0 && c.dict_size > 0);
                CHECK(c.samples > 0 && c.sample_bytes > 0);
            } else {
                fprintf(stderr, "category %s: status %d: %s\n", c.name, (int)c.status,
                        c.status_message);
            }
            /* Strings stay where they are until the snapshot is freed. */
            CHECK_OK(zstdpool_stats_category(stats, i, &again));
            CHECK(again.name == c.name && again.status_message == c.status_message);
        }
        CHECK_FAILS(zstdpool_stats_category(stats, 4, &c), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                    "out of range");
    }

    CHECK_OK(zstdpool_pool_free(pool));
    CHECK(st.freed == 1); /* the last reference went with the pool */
    CHECK(st.puts == trained && st.count == trained);
    /* The snapshot outlives its pool. */
    if (zstdpool_stats_category_count(stats) == 4) {
        zstdpool_category c;
        CHECK_OK(zstdpool_stats_category(stats, 3, &c));
        CHECK(strcmp(c.name, "gamma") == 0 && c.counts.done == RT_PER_CATEGORY);
    }
    zstdpool_stats_free(stats);

    /* Decompress with a new provider on the same store. */
    st.freed = 0;
    CHECK_OK(zstdpool_provider_callbacks_new(store_get, store_put, store_free, &st, &provider));
    CHECK_OK(zstdpool_decompressor_new(NULL, provider, &pool));
    for (i = 0; i < RT_ENTRIES; i++) {
        rt_slot *s = &slots[i];
        entry_ctx *e = entry_new(s->name, &s->packed, &s->restored, &s->decompressed);
        e->chunk = 100;
        CHECK_OK(add_entry(pool, e, s->category, ZSTDPOOL_SIZE_UNKNOWN));
    }
    CHECK_OK(zstdpool_pool_wait(pool));
    all_done = all_ok = 1;
    for (i = 0; i < RT_ENTRIES; i++) {
        rt_slot *s = &slots[i];
        all_done &= s->decompressed.done_calls == 1 && s->decompressed.name_ok;
        all_ok &= s->decompressed.status == ZSTDPOOL_OK &&
                  s->decompressed.bytes_in == s->packed.len &&
                  s->decompressed.bytes_out == s->raw.len;
        all_equal &= buffer_equal(&s->raw, &s->restored);
        if (s->decompressed.status != ZSTDPOOL_OK) {
            fprintf(stderr, "%s: %s\n", s->name, s->decompressed.message);
        }
    }
    CHECK(all_done);
    CHECK(all_ok);
    CHECK(all_equal);
    CHECK_OK(zstdpool_pool_totals(pool, &totals));
    CHECK(totals.done == RT_ENTRIES && totals.rejected == 0);
    CHECK(totals.raw_bytes == raw_total && totals.compressed_bytes == packed_total);
    CHECK_OK(zstdpool_stats_new(pool, &stats));
    CHECK(zstdpool_stats_category_count(stats) == 4);
    if (zstdpool_stats_category_count(stats) == 4) {
        zstdpool_category c;
        CHECK_OK(zstdpool_stats_category(stats, 1, &c));
        CHECK(strcmp(c.name, "alpha") == 0);
        CHECK(c.status == (trained ? ZSTDPOOL_DICT_LOADED : ZSTDPOOL_DICT_ABSENT));
        CHECK(c.counts.done == RT_PER_CATEGORY && c.counts.raw_bytes > 0);
    }
    zstdpool_stats_free(stats);
    zstdpool_provider_free(provider);
    CHECK(st.freed == 0);
    CHECK_OK(zstdpool_pool_free(pool));
    CHECK(st.freed == 1);

    store_destroy(&st);
    for (i = 0; i < RT_ENTRIES; i++) {
        buffer_free(&slots[i].raw);
        buffer_free(&slots[i].packed);
        buffer_free(&slots[i].restored);
    }
}

/* ------------------------------------------------------------------------------------ */
/* NULL for every pointer argument                                                       */
/* ------------------------------------------------------------------------------------ */

static int32_t never_read(void *u, uint8_t *b, size_t c, size_t *o) {
    (void)u, (void)b, (void)c, (void)o;
    return 1;
}

static int32_t never_write(void *u, const uint8_t *d, size_t l) {
    (void)u, (void)d, (void)l;
    return 1;
}

static void test_null_arguments(void) {
    zstdpool_config *cfg = NULL;
    zstdpool_provider *provider = NULL;
    zstdpool_pool *pool = NULL;
    zstdpool_pool *untouched = (zstdpool_pool *)&untouched;
    zstdpool_counts counts;
    zstdpool_category category;
    zstdpool_stats *stats = NULL, *untouched_stats = (zstdpool_stats *)&untouched_stats;
    const char *name = NULL, *message = NULL;
    zstdpool_status status = 0;
    int64_t value = 0;
    int32_t state = 0;
    size_t count = 0;
    char buf[16] = "garbage";
    store st;

    store_init(&st);
    CHECK_OK(zstdpool_config_new(&cfg));
    CHECK_OK(zstdpool_provider_memory_new(&provider));
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));

    CHECK_NULL_ARG(zstdpool_config_new(NULL), "out");
    CHECK_NULL_ARG(zstdpool_config_set(NULL, ZSTDPOOL_OPT_LEVEL, 3), "config");
    CHECK_NULL_ARG(zstdpool_config_get(NULL, ZSTDPOOL_OPT_LEVEL, &value), "config");
    CHECK_NULL_ARG(zstdpool_config_get(cfg, ZSTDPOOL_OPT_LEVEL, NULL), "out");

    CHECK_NULL_ARG(zstdpool_dict_buffer_set(NULL, (const uint8_t *)"x", 1), "out");
    CHECK_NULL_ARG(zstdpool_provider_dir_new(NULL, &provider), "path");
    CHECK_NULL_ARG(zstdpool_provider_dir_new("/tmp", NULL), "out");
    CHECK_NULL_ARG(zstdpool_provider_memory_new(NULL), "out");
    CHECK_NULL_ARG(zstdpool_provider_callbacks_new(NULL, store_put, store_free, &st, &provider),
                   "get");
    CHECK_NULL_ARG(zstdpool_provider_callbacks_new(store_get, NULL, store_free, &st, &provider),
                   "put");
    CHECK_NULL_ARG(zstdpool_provider_callbacks_new(store_get, store_put, store_free, &st, NULL),
                   "out");
    CHECK(st.freed == 0); /* refused: free_user_data is not called */

    CHECK_NULL_ARG(zstdpool_compressor_new(cfg, NULL, &untouched), "provider");
    CHECK_NULL_ARG(zstdpool_compressor_new(cfg, provider, NULL), "out");
    CHECK_NULL_ARG(zstdpool_decompressor_new(cfg, NULL, &untouched), "provider");
    CHECK_NULL_ARG(zstdpool_decompressor_new(cfg, provider, NULL), "out");
    CHECK(untouched == (zstdpool_pool *)&untouched); /* out-parameters: only on success */

    CHECK_NULL_ARG(zstdpool_pool_add(NULL, "n", NULL, 1, never_read, never_write, NULL, NULL),
                   "pool");
    CHECK_NULL_ARG(zstdpool_pool_add(pool, NULL, NULL, 1, never_read, never_write, NULL, NULL),
                   "name");
    CHECK_NULL_ARG(zstdpool_pool_add(pool, "n", NULL, 1, NULL, never_write, NULL, NULL), "read");
    CHECK_NULL_ARG(zstdpool_pool_add(pool, "n", NULL, 1, never_read, NULL, NULL, NULL), "write");
    CHECK_NULL_ARG(zstdpool_pool_start(NULL), "pool");
    CHECK_NULL_ARG(zstdpool_pool_flush(NULL), "pool");
    CHECK_NULL_ARG(zstdpool_pool_wait(NULL), "pool");
    CHECK_NULL_ARG(zstdpool_pool_stop(NULL), "pool");
    CHECK_NULL_ARG(zstdpool_pool_join(NULL, 0), "pool");
    CHECK_NULL_ARG(zstdpool_pool_state(NULL, &state), "pool");
    CHECK_NULL_ARG(zstdpool_pool_state(pool, NULL), "out");
    CHECK_NULL_ARG(zstdpool_pool_rejected_count(NULL, &count), "pool");
    CHECK_NULL_ARG(zstdpool_pool_rejected_count(pool, NULL), "out");
    CHECK_NULL_ARG(zstdpool_pool_rejected(NULL, 0, &name, &status, &message), "pool");
    CHECK_NULL_ARG(zstdpool_pool_rejected(pool, 0, NULL, &status, &message), "name");
    CHECK_NULL_ARG(zstdpool_pool_rejected(pool, 0, &name, NULL, &message), "status");
    CHECK_NULL_ARG(zstdpool_pool_rejected(pool, 0, &name, &status, NULL), "message");
    CHECK_NULL_ARG(zstdpool_pool_totals(NULL, &counts), "pool");
    CHECK_NULL_ARG(zstdpool_pool_totals(pool, NULL), "out");
    CHECK_NULL_ARG(zstdpool_stats_new(NULL, &untouched_stats), "pool");
    CHECK(untouched_stats == (zstdpool_stats *)&untouched_stats);
    CHECK_NULL_ARG(zstdpool_stats_new(pool, NULL), "out");
    CHECK_OK(zstdpool_stats_new(pool, &stats));
    CHECK_NULL_ARG(zstdpool_stats_totals(NULL, &counts), "stats");
    CHECK_NULL_ARG(zstdpool_stats_totals(stats, NULL), "out");
    CHECK_NULL_ARG(zstdpool_stats_category(NULL, 0, &category), "stats");
    CHECK_NULL_ARG(zstdpool_stats_category(stats, 0, NULL), "out");
    CHECK(zstdpool_stats_category_count(NULL) == 0); /* a count, not a status */
    zstdpool_stats_free(stats);
    CHECK(zstdpool_option_name(0) == NULL); /* unknown option: no name */

    /* zstdpool_pool_last_error returns a length: a NULL pool gives 0 and "". */
    CHECK(zstdpool_pool_last_error(NULL, buf, sizeof buf) == 0);
    CHECK(buf[0] == '\0');
    CHECK(strstr(zstdpool_last_error(), "pool is NULL") != NULL);

    /* Free functions take NULL. */
    zstdpool_config_free(NULL);
    zstdpool_provider_free(NULL);
    zstdpool_stats_free(NULL);
    CHECK_OK(zstdpool_pool_free(NULL));

    /* The NULL checks inside a get callback (zstdpool_dict_buffer_set's out and data). */
    {
        zstdpool_provider *probing = NULL;
        zstdpool_pool *probe_pool = NULL;
        buffer src = {0, 0, 0}, dst = {0, 0, 0};
        result r;
        memset(&r, 0, sizeof r);
        buffer_append(&src, (const uint8_t *)"hello hello hello", 17);
        st.probe_null_args = 1;
        CHECK_OK(zstdpool_provider_callbacks_new(store_get, store_put, NULL, &st, &probing));
        CHECK_OK(zstdpool_decompressor_new(cfg, probing, &probe_pool));
        CHECK_OK(add_entry(probe_pool, entry_new("probe", &src, &dst, &r), "cat", 17));
        CHECK_OK(zstdpool_pool_wait(probe_pool));
        CHECK(st.gets == 1);
        CHECK(st.null_out_status == ZSTDPOOL_ERR_INVALID_ARGUMENT);
        CHECK(st.null_data_status == ZSTDPOOL_ERR_INVALID_ARGUMENT);
        CHECK(st.null_messages_ok);
        CHECK(r.done_calls == 1 && r.status == ZSTDPOOL_ERR_NOT_ZSTD);
        CHECK_OK(zstdpool_pool_free(probe_pool));
        zstdpool_provider_free(probing);
        buffer_free(&src);
        buffer_free(&dst);
    }

    CHECK_OK(zstdpool_pool_free(pool));
    zstdpool_provider_free(provider);
    zstdpool_config_free(cfg);
    store_destroy(&st);
}

/* ------------------------------------------------------------------------------------ */
/* Other bad arguments                                                                   */
/* ------------------------------------------------------------------------------------ */

static void test_bad_arguments(void) {
    zstdpool_provider *provider = NULL;
    zstdpool_pool *pool = NULL;
    const char *name = NULL, *message = NULL;
    zstdpool_status status = 0;
    char small[8], large[512];
    size_t length;

    CHECK_OK(zstdpool_provider_memory_new(&provider));
    CHECK_OK(zstdpool_compressor_new(NULL, provider, &pool));
    CHECK_FAILS(zstdpool_pool_add(pool, "\xff\xfe", NULL, 1, never_read, never_write, NULL, NULL),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "name is not valid UTF-8");
    CHECK_FAILS(zstdpool_pool_add(pool, "n", "\xc3", 1, never_read, never_write, NULL, NULL),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "dict_name is not valid UTF-8");
    CHECK_FAILS(zstdpool_pool_add(pool, "n", "", 1, never_read, never_write, NULL, NULL),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "empty dictionary name");
    CHECK_FAILS(zstdpool_pool_rejected(pool, 0, &name, &status, &message),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "out of range");
    CHECK(name == NULL && message == NULL && status == 0);

    /* The pool's own last error, snprintf-style. */
    CHECK_STATUS(zstdpool_pool_add(pool, NULL, NULL, 1, never_read, never_write, NULL, NULL),
                 ZSTDPOOL_ERR_INVALID_ARGUMENT);
    length = zstdpool_pool_last_error(pool, NULL, 0);
    CHECK(length == strlen("zstdpool_pool_add: name is NULL"));
    CHECK(zstdpool_pool_last_error(pool, small, sizeof small) == length);
    CHECK(strncmp(small, "zstdpoo", 7) == 0 && small[7] == '\0');
    CHECK(zstdpool_pool_last_error(pool, large, sizeof large) == length);
    CHECK(strcmp(large, "zstdpool_pool_add: name is NULL") == 0);
    CHECK(strcmp(large, zstdpool_last_error()) == 0);

    /* A directory that cannot be created. */
    {
        zstdpool_provider *untouched = (zstdpool_provider *)&untouched;
        CHECK_FAILS(zstdpool_provider_dir_new("/proc/zstdpool-test/dicts", &untouched),
                    ZSTDPOOL_ERR_PROVIDER, "/proc/zstdpool-test/dicts");
        CHECK(untouched == (zstdpool_provider *)&untouched);
    }

    CHECK_OK(zstdpool_pool_free(pool));
    zstdpool_provider_free(provider);
}

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                         */
/* ------------------------------------------------------------------------------------ */

typedef struct {
    zstdpool_option option;
    int64_t value;
    const char *field;
} bad_value;

static const bad_value BAD_VALUES[] = {
    {ZSTDPOOL_OPT_LEVEL, 23, "invalid level"},
    {ZSTDPOOL_OPT_LEVEL, -1000000, "invalid level"},
    {ZSTDPOOL_OPT_LEVEL, INT64_MAX, "invalid level"},
    {ZSTDPOOL_OPT_CHECKSUM, 2, "invalid checksum"},
    {ZSTDPOOL_OPT_WORKERS, 0, "invalid workers"},
    {ZSTDPOOL_OPT_WORKERS, 1025, "invalid workers"},
    {ZSTDPOOL_OPT_PROCESSORS, 70000, "invalid processors"},
    {ZSTDPOOL_OPT_PROCESSORS, -2000, "invalid processors"},
    {ZSTDPOOL_OPT_QUEUE_CAPACITY, 0, "invalid queue_capacity"},
    {ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE, 0, "invalid max_decompressed_size"},
    {ZSTDPOOL_OPT_MAX_REJECTIONS, -1, "invalid max_rejections"},
    {ZSTDPOOL_OPT_TRAINING_ENABLED, -1, "invalid training.enabled"},
    {ZSTDPOOL_OPT_TRAINING_DICT_SIZE, 100, "invalid training.dict_size"},
    {ZSTDPOOL_OPT_TRAINING_DICT_SIZE, -1, "invalid training.dict_size"},
    {ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 0, "invalid training.min_samples"},
    {ZSTDPOOL_OPT_TRAINING_MIN_BYTES, -1, "invalid training.min_bytes"},
    {ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES, 1, "invalid training.max_samples"},
    {ZSTDPOOL_OPT_TRAINING_MAX_SAMPLE_SIZE, 10, "invalid training.max_sample_size"},
    {ZSTDPOOL_OPT_TRAINING_EFFORT, 3, "invalid training.effort"},
    {ZSTDPOOL_OPT_TRAINING_MAX_DICT_SIZE, 255, "invalid training.max_dict_size"},
    {ZSTDPOOL_OPT_TRAINING_MAX_BYTES, 1023, "invalid training.max_bytes"},
    {ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME, -1, "invalid training.category_volume"},
    {ZSTDPOOL_OPT_TRAINING_CATEGORY_ENTRIES, -1, "invalid training.category_entries"},
    {ZSTDPOOL_OPT_TRAINER_K, 8, "invalid training.trainer.k"},
    {ZSTDPOOL_OPT_TRAINER_D, 17, "invalid training.trainer.d"},
    {ZSTDPOOL_OPT_TRAINER_F, 32, "invalid training.trainer.f"},
    {ZSTDPOOL_OPT_TRAINER_ACCEL, 0, "invalid training.trainer.accel"},
    {ZSTDPOOL_OPT_TRAINER_STEPS, 2000, "invalid training.trainer.steps"},
    {ZSTDPOOL_OPT_TRAINER_THREADS, 0, "invalid training.trainer.threads"},
    {ZSTDPOOL_OPT_TRAINER_SPLIT_POINT, 1001, "invalid training.trainer.split_point"},
    {ZSTDPOOL_OPT_TRAINER_LEVEL, 99, "invalid training.trainer.level"},
    {ZSTDPOOL_OPT_TRAINER_EXACT_COVER, 2, "invalid training.trainer.exact_cover"},
    {ZSTDPOOL_OPT_TRAINER_OPTIMIZE, 7, "invalid training.trainer.optimize"},
};

static void test_config(void) {
    zstdpool_config *cfg = NULL;
    zstdpool_provider *provider = NULL;
    zstdpool_pool *untouched = (zstdpool_pool *)&untouched;
    int64_t value = -7, before = 0;
    size_t i;

    CHECK_OK(zstdpool_config_new(&cfg));
    CHECK_OK(zstdpool_provider_memory_new(&provider));

    /* Defaults. */
    CHECK_OK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_LEVEL, &value));
    CHECK(value == 3);
    CHECK_OK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_CHECKSUM, &value));
    CHECK(value == 1);
    CHECK_OK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_WORKERS, &value));
    CHECK(value >= 1);
    CHECK_OK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_TRAINING_ENABLED, &value));
    CHECK(value == 1);
    CHECK_OK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES, &value));
    CHECK(value == 2000);
    CHECK_OK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE, &value));
    CHECK(value == (int64_t)4 << 30);

    /* Every option (the library's list, checked against the header in test_options())
     * reads back what it was set to. */
    CHECK(zstdpool_option_count() > 0);
    for (i = 0; i < zstdpool_option_count(); i++) {
        int64_t again = -1;
        CHECK_OK(zstdpool_config_get(cfg, zstdpool_option_at(i), &value));
        CHECK_OK(zstdpool_config_set(cfg, zstdpool_option_at(i), value));
        CHECK_OK(zstdpool_config_get(cfg, zstdpool_option_at(i), &again));
        CHECK(again == value);
    }
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_LEVEL, 19));
    CHECK_OK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_LEVEL, &value));
    CHECK(value == 19);
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINER_SPLIT_POINT, 750));
    CHECK_OK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_TRAINER_SPLIT_POINT, &value));
    CHECK(value == 750);
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_LEVEL, -5));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_DICT_SIZE, 4096));

    /* Out of range: refused at once, naming the field (as zstdpool_option_name() names it);
     * the configuration is unchanged. */
    for (i = 0; i < sizeof BAD_VALUES / sizeof BAD_VALUES[0]; i++) {
        const bad_value *bad = &BAD_VALUES[i];
        const char *option_name = zstdpool_option_name(bad->option);
        char field[64];
        int64_t after = -1;
        snprintf(field, sizeof field, "invalid %s", option_name ? option_name : "(no name)");
        CHECK(strcmp(bad->field, field) == 0);
        CHECK_OK(zstdpool_config_get(cfg, bad->option, &before));
        CHECK_FAILS(zstdpool_config_set(cfg, bad->option, bad->value), ZSTDPOOL_ERR_INVALID_CONFIG,
                    bad->field);
        CHECK(strstr(zstdpool_last_error(), "zstdpool_config_set: ") == zstdpool_last_error());
        CHECK_OK(zstdpool_config_get(cfg, bad->option, &after));
        CHECK(after == before);
    }
    CHECK_FAILS(zstdpool_config_set(cfg, ZSTDPOOL_OPT_LEVEL, 23), ZSTDPOOL_ERR_INVALID_CONFIG,
                "..=22");

    /* Unknown options. */
    CHECK_FAILS(zstdpool_config_set(cfg, 9999, 1), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "unknown option 9999");
    value = -7;
    CHECK_FAILS(zstdpool_config_get(cfg, 0, &value), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "unknown option 0");
    CHECK(value == -7);

    /* Rules that relate two fields are checked when a pool is created. */
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, 4));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_PROCESSORS, 2));
    CHECK_FAILS(zstdpool_compressor_new(cfg, provider, &untouched), ZSTDPOOL_ERR_INVALID_CONFIG,
                "processors");
    CHECK(untouched == (zstdpool_pool *)&untouched);
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_PROCESSORS, 0));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES, 100));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 500));
    CHECK_FAILS(zstdpool_decompressor_new(cfg, provider, &untouched), ZSTDPOOL_ERR_INVALID_CONFIG,
                "training.max_samples");
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINER_D, 12));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 50));
    CHECK_FAILS(zstdpool_compressor_new(cfg, provider, &untouched), ZSTDPOOL_ERR_INVALID_CONFIG,
                "training.trainer.d");
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINER_EXACT_COVER, 1));
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &untouched));
    CHECK(untouched != (zstdpool_pool *)&untouched);
    CHECK_OK(zstdpool_pool_free(untouched));

    zstdpool_provider_free(provider);
    zstdpool_config_free(cfg);
}

/* ------------------------------------------------------------------------------------ */
/* The list of options: zstdpool_option_count(), zstdpool_option_at(), zstdpool_option_name() */
/* ------------------------------------------------------------------------------------ */

typedef struct {
    zstdpool_option option;
    const char *name;
} header_option;

/* Every ZSTDPOOL_OPT_* constant of the header, in increasing order, with its name as the
 * error messages say it: the library's list must be exactly this. */
static const header_option HEADER_OPTIONS[] = {
    {ZSTDPOOL_OPT_LEVEL, "level"},
    {ZSTDPOOL_OPT_CHECKSUM, "checksum"},
    {ZSTDPOOL_OPT_WORKERS, "workers"},
    {ZSTDPOOL_OPT_PROCESSORS, "processors"},
    {ZSTDPOOL_OPT_QUEUE_CAPACITY, "queue_capacity"},
    {ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE, "max_decompressed_size"},
    {ZSTDPOOL_OPT_MAX_REJECTIONS, "max_rejections"},
    {ZSTDPOOL_OPT_TRAINING_ENABLED, "training.enabled"},
    {ZSTDPOOL_OPT_TRAINING_DICT_SIZE, "training.dict_size"},
    {ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, "training.min_samples"},
    {ZSTDPOOL_OPT_TRAINING_MIN_BYTES, "training.min_bytes"},
    {ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES, "training.max_samples"},
    {ZSTDPOOL_OPT_TRAINING_MAX_SAMPLE_SIZE, "training.max_sample_size"},
    {ZSTDPOOL_OPT_TRAINING_EFFORT, "training.effort"},
    {ZSTDPOOL_OPT_TRAINING_MAX_DICT_SIZE, "training.max_dict_size"},
    {ZSTDPOOL_OPT_TRAINING_MAX_BYTES, "training.max_bytes"},
    {ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME, "training.category_volume"},
    {ZSTDPOOL_OPT_TRAINING_CATEGORY_ENTRIES, "training.category_entries"},
    {ZSTDPOOL_OPT_TRAINER_K, "training.trainer.k"},
    {ZSTDPOOL_OPT_TRAINER_D, "training.trainer.d"},
    {ZSTDPOOL_OPT_TRAINER_F, "training.trainer.f"},
    {ZSTDPOOL_OPT_TRAINER_ACCEL, "training.trainer.accel"},
    {ZSTDPOOL_OPT_TRAINER_STEPS, "training.trainer.steps"},
    {ZSTDPOOL_OPT_TRAINER_THREADS, "training.trainer.threads"},
    {ZSTDPOOL_OPT_TRAINER_SPLIT_POINT, "training.trainer.split_point"},
    {ZSTDPOOL_OPT_TRAINER_LEVEL, "training.trainer.level"},
    {ZSTDPOOL_OPT_TRAINER_EXACT_COVER, "training.trainer.exact_cover"},
    {ZSTDPOOL_OPT_TRAINER_OPTIMIZE, "training.trainer.optimize"},
};
#define N_HEADER_OPTIONS (sizeof HEADER_OPTIONS / sizeof HEADER_OPTIONS[0])

static void test_options(void) {
    static const zstdpool_option UNKNOWN[] = {0, -1, 8, 99, 111, 210, 9999, INT32_MIN, INT32_MAX};
    zstdpool_config *cfg = NULL;
    size_t count = zstdpool_option_count(), i, j;
    int increasing = 1, once = 1, known = 1, in_bad_values = 1;
    int64_t value = -7;

    /* The list: the header's constants, each once, in increasing order, with their names. */
    CHECK(count == N_HEADER_OPTIONS);
    for (i = 0; i < count; i++) {
        zstdpool_option option = zstdpool_option_at(i);
        const char *name = zstdpool_option_name(option);
        int found = 0;
        CHECK(option != 0);
        increasing &= i == 0 || zstdpool_option_at(i - 1) < option;
        for (j = 0; j < count; j++) {
            once &= j == i || zstdpool_option_at(j) != option;
        }
        if (i < N_HEADER_OPTIONS) {
            CHECK(option == HEADER_OPTIONS[i].option);
            CHECK(name != NULL && strcmp(name, HEADER_OPTIONS[i].name) == 0);
            if (name == NULL || strcmp(name, HEADER_OPTIONS[i].name) != 0) {
                fprintf(stderr, "option %d: name %s, expected %s\n", (int)option,
                        name ? name : "NULL", HEADER_OPTIONS[i].name);
            }
        }
        /* ...each with an out-of-range value in BAD_VALUES (test_config). */
        for (j = 0; j < sizeof BAD_VALUES / sizeof BAD_VALUES[0]; j++) {
            found |= BAD_VALUES[j].option == option;
        }
        in_bad_values &= found;
    }
    CHECK(increasing);
    CHECK(once);
    CHECK(in_bad_values);
    CHECK(zstdpool_option_at(count) == 0);
    CHECK(zstdpool_option_at(count + 1) == 0);
    CHECK(zstdpool_option_at(SIZE_MAX) == 0);

    /* Unknown options have no name, and configurations refuse them. */
    CHECK_OK(zstdpool_config_new(&cfg));
    for (i = 0; i < sizeof UNKNOWN / sizeof UNKNOWN[0]; i++) {
        CHECK(zstdpool_option_name(UNKNOWN[i]) == NULL);
        CHECK_STATUS(zstdpool_config_get(cfg, UNKNOWN[i], &value),
                     ZSTDPOOL_ERR_INVALID_ARGUMENT);
    }
    /* Known ones: a configuration knows exactly the listed options. */
    for (i = 0; i < count; i++) {
        known &= zstdpool_config_get(cfg, zstdpool_option_at(i), &value) == ZSTDPOOL_OK;
    }
    CHECK(known);

    /* The names are the ones the error messages use. */
    CHECK(zstdpool_option_name(ZSTDPOOL_OPT_LEVEL) != NULL);
    if (zstdpool_option_name(ZSTDPOOL_OPT_LEVEL) != NULL) {
        CHECK_FAILS(zstdpool_config_set(cfg, ZSTDPOOL_OPT_LEVEL, 99), ZSTDPOOL_ERR_INVALID_CONFIG,
                    zstdpool_option_name(ZSTDPOOL_OPT_LEVEL));
    }
    CHECK(zstdpool_option_name(ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES) != NULL);
    if (zstdpool_option_name(ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES) != NULL) {
        CHECK_FAILS(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 0),
                    ZSTDPOOL_ERR_INVALID_CONFIG,
                    zstdpool_option_name(ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES));
    }
    zstdpool_config_free(cfg);
}

/* ------------------------------------------------------------------------------------ */
/* Statistics snapshots: zstdpool_stats_*                                                */
/* ------------------------------------------------------------------------------------ */

#define SNAP_MAX 4

/* What a snapshot held when it was taken: its categories' strings (where they were, and
 * their text) and counts. */
typedef struct {
    size_t count;
    zstdpool_counts totals;
    const char *name_at[SNAP_MAX];
    const char *message_at[SNAP_MAX];
    char name[SNAP_MAX][32];
    char message[SNAP_MAX][256];
    zstdpool_counts counts[SNAP_MAX];
    int32_t status[SNAP_MAX];
} snapshot_copy;

static void copy_snapshot(const zstdpool_stats *stats, snapshot_copy *copy) {
    size_t i;
    memset(copy, 0, sizeof *copy);
    copy->count = zstdpool_stats_category_count(stats);
    CHECK_OK(zstdpool_stats_totals(stats, &copy->totals));
    for (i = 0; i < copy->count && i < SNAP_MAX; i++) {
        zstdpool_category c;
        CHECK_OK(zstdpool_stats_category(stats, i, &c));
        copy->name_at[i] = c.name;
        copy->message_at[i] = c.status_message;
        snprintf(copy->name[i], sizeof copy->name[i], "%s", c.name);
        snprintf(copy->message[i], sizeof copy->message[i], "%s", c.status_message);
        copy->counts[i] = c.counts;
        copy->status[i] = c.status;
    }
}

/* The snapshot still holds what copy_snapshot() saw: same count, totals, and categories
 * at the same indexes, with their strings at the same addresses and unchanged. */
static int snapshot_unchanged(const zstdpool_stats *stats, const snapshot_copy *copy) {
    zstdpool_counts totals;
    size_t i;
    int same = zstdpool_stats_category_count(stats) == copy->count;
    same &= zstdpool_stats_totals(stats, &totals) == ZSTDPOOL_OK &&
            memcmp(&totals, &copy->totals, sizeof totals) == 0;
    for (i = 0; same && i < copy->count && i < SNAP_MAX; i++) {
        zstdpool_category c;
        same &= zstdpool_stats_category(stats, i, &c) == ZSTDPOOL_OK;
        same &= c.name == copy->name_at[i] && c.status_message == copy->message_at[i];
        same &= strcmp(c.name, copy->name[i]) == 0;
        same &= strcmp(c.status_message, copy->message[i]) == 0;
        same &= memcmp(&c.counts, &copy->counts[i], sizeof c.counts) == 0;
        same &= c.status == copy->status[i];
    }
    return same;
}

/* Adds `n` entries of `src` in `category` and waits for them. */
static void add_and_wait(zstdpool_pool *pool, const char *category, int n, const buffer *src,
                         buffer *dst, result *r) {
    int i;
    for (i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "%s-%d", category ? category : "none", i);
        CHECK_OK(add_entry(pool, entry_new(name, src, &dst[i], &r[i]), category, src->len));
    }
    CHECK_OK(zstdpool_pool_wait(pool));
}

static void test_stats_snapshots(void) {
    static const char *const first[3] = {"", "a", "b"};
    static const char *const second[4] = {"", "a", "aa", "b"};
    zstdpool_provider *provider = NULL;
    zstdpool_config *cfg = small_config(0); /* no training: categories are ABSENT */
    zstdpool_pool *pool = NULL;
    zstdpool_stats *idle = NULL, *before = NULL, *after = NULL;
    zstdpool_category c, sentinel;
    zstdpool_counts totals, live;
    snapshot_copy copy;
    buffer src = {0, 0, 0};
    buffer dst[8];
    result r[8];
    size_t i;
    uint32_t rng = 31;

    memset(dst, 0, sizeof dst);
    memset(r, 0, sizeof r);
    make_text(&src, 1, 600, &rng);
    CHECK_OK(zstdpool_provider_memory_new(&provider));
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));

    /* An idle pool: no category, zero totals; index 0 is already out of range. */
    CHECK_OK(zstdpool_stats_new(pool, &idle));
    CHECK(idle != NULL);
    CHECK(zstdpool_stats_category_count(idle) == 0);
    CHECK_OK(zstdpool_stats_totals(idle, &totals));
    CHECK(totals.added == 0 && totals.done == 0 && totals.rejected == 0);
    CHECK(totals.raw_bytes == 0 && totals.compressed_bytes == 0 && totals.ratio == 0.0);
    CHECK_FAILS(zstdpool_stats_category(idle, 0, &c), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "out of range");

    /* Three categories: none, "a" (2 entries), "b" (3 entries). */
    add_and_wait(pool, "b", 3, &src, dst, r);
    add_and_wait(pool, "a", 2, &src, dst + 3, r + 3);
    add_and_wait(pool, NULL, 1, &src, dst + 5, r + 5);
    CHECK_OK(zstdpool_stats_new(pool, &before));
    CHECK(before != NULL && before != idle);
    CHECK(zstdpool_stats_category_count(before) == 3);
    CHECK_OK(zstdpool_stats_totals(before, &totals));
    CHECK_OK(zstdpool_pool_totals(pool, &live));
    CHECK(memcmp(&totals, &live, sizeof totals) == 0); /* nothing moved in between */
    CHECK(totals.added == 6 && totals.done == 6 && totals.rejected == 0);
    CHECK(totals.raw_bytes == 6 * src.len && totals.compressed_bytes > 0);
    for (i = 0; i < 3 && i < zstdpool_stats_category_count(before); i++) {
        static const uint64_t added[3] = {1, 2, 3};
        CHECK_OK(zstdpool_stats_category(before, i, &c));
        CHECK(strcmp(c.name, first[i]) == 0); /* sorted by name */
        CHECK(c.counts.added == added[i] && c.counts.done == added[i]);
        CHECK(c.counts.raw_bytes == added[i] * src.len);
        CHECK(c.status == (i == 0 ? ZSTDPOOL_DICT_NO_CATEGORY : ZSTDPOOL_DICT_ABSENT));
        CHECK(c.status_message != NULL && c.status_message[0] != '\0');
        CHECK(c.dict_id == 0 && c.dict_size == 0 && c.samples == 0);
    }
    /* Out of range: refused with the index in the message, *out not written. */
    memset(&c, 0x5a, sizeof c);
    memcpy(&sentinel, &c, sizeof c);
    CHECK_FAILS(zstdpool_stats_category(before, 3, &c), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "out of range");
    CHECK_FAILS(zstdpool_stats_category(before, SIZE_MAX, &c), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "out of range");
    CHECK(memcmp(&c, &sentinel, sizeof c) == 0);
    copy_snapshot(before, &copy);

    /* The pool goes on: a new category "aa" (sorting between "a" and "b") and more in "b".
     * The snapshot taken before does not change: same count, indexes and strings. */
    add_and_wait(pool, "aa", 1, &src, dst + 6, r + 6);
    add_and_wait(pool, "b", 1, &src, dst + 7, r + 7);
    CHECK(snapshot_unchanged(before, &copy));
    CHECK(zstdpool_stats_category_count(before) == 3);
    CHECK_FAILS(zstdpool_stats_category(before, 3, &c), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "out of range");
    CHECK(zstdpool_stats_category_count(idle) == 0);

    /* A new snapshot sees the new state. */
    CHECK_OK(zstdpool_stats_new(pool, &after));
    CHECK(zstdpool_stats_category_count(after) == 4);
    for (i = 0; i < 4 && i < zstdpool_stats_category_count(after); i++) {
        static const uint64_t added[4] = {1, 2, 1, 4};
        CHECK_OK(zstdpool_stats_category(after, i, &c));
        CHECK(strcmp(c.name, second[i]) == 0);
        CHECK(c.counts.added == added[i] && c.counts.done == added[i]);
    }
    CHECK_OK(zstdpool_stats_totals(after, &totals));
    CHECK(totals.added == 8 && totals.done == 8);

    /* Snapshots outlive their pool. */
    CHECK_OK(zstdpool_pool_free(pool));
    CHECK(snapshot_unchanged(before, &copy));
    CHECK_OK(zstdpool_stats_category(after, 2, &c));
    CHECK(strcmp(c.name, "aa") == 0 && c.status_message[0] != '\0');
    CHECK_OK(zstdpool_stats_totals(after, &totals));
    CHECK(totals.added == 8);
    zstdpool_stats_free(before);
    zstdpool_stats_free(after);
    zstdpool_stats_free(idle);
    zstdpool_stats_free(NULL); /* a no-op */

    /* A stopped pool still gives snapshots. */
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));
    memset(r, 0, sizeof r);
    for (i = 0; i < 8; i++) {
        buffer_free(&dst[i]);
    }
    add_and_wait(pool, "z", 1, &src, dst, r);
    CHECK_OK(zstdpool_pool_stop(pool));
    CHECK_OK(zstdpool_pool_join(pool, -1));
    CHECK_OK(zstdpool_stats_new(pool, &after));
    CHECK(zstdpool_stats_category_count(after) == 1);
    CHECK_OK(zstdpool_stats_category(after, 0, &c));
    CHECK(strcmp(c.name, "z") == 0 && c.counts.done == 1);
    zstdpool_stats_free(after);
    CHECK_OK(zstdpool_pool_free(pool));

    for (i = 0; i < 8; i++) {
        buffer_free(&dst[i]);
    }
    buffer_free(&src);
    zstdpool_provider_free(provider);
    zstdpool_config_free(cfg);
}

/* ------------------------------------------------------------------------------------ */
/* Lifecycle: stop, add after stop, join with a timeout, free of a running pool          */
/* ------------------------------------------------------------------------------------ */

static void test_lifecycle(void) {
    zstdpool_provider *provider = NULL;
    zstdpool_config *cfg = small_config(0);
    zstdpool_pool *pool = NULL;
    buffer src = {0, 0, 0};
    buffer dst[20];
    result r[20];
    int32_t state = -1;
    int i, all_once = 1;
    entry_ctx *e;

    memset(dst, 0, sizeof dst);
    memset(r, 0, sizeof r);
    buffer_append(&src, (const uint8_t *)"some bytes to compress, some bytes to compress", 46);
    CHECK_OK(zstdpool_provider_memory_new(&provider));

    /* An idle pool stops at once; stopping twice is fine; it takes no entry and cannot
     * restart. */
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));
    CHECK_OK(zstdpool_pool_stop(pool));
    CHECK_OK(zstdpool_pool_stop(pool));
    CHECK_OK(zstdpool_pool_state(pool, &state));
    CHECK(state == ZSTDPOOL_STATE_STOPPED);
    e = entry_new("late", &src, &dst[0], &r[0]);
    CHECK_FAILS(add_entry(pool, e, NULL, src.len), ZSTDPOOL_ERR_STOPPED, "stopped");
    CHECK_FAILS(zstdpool_pool_start(pool), ZSTDPOOL_ERR_STOPPED, "stopped");
    CHECK_OK(zstdpool_pool_join(pool, 0));
    CHECK_OK(zstdpool_pool_free(pool));
    CHECK(r[0].done_calls == 0); /* refused: no callback ever */
    free(e);

    /* A running pool that nobody stops: join times out. */
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));
    CHECK_OK(zstdpool_pool_start(pool));
    CHECK_OK(zstdpool_pool_start(pool));
    CHECK_OK(zstdpool_pool_state(pool, &state));
    CHECK(state == ZSTDPOOL_STATE_RUNNING);
    CHECK_FAILS(zstdpool_pool_join(pool, 20), ZSTDPOOL_ERR_TIMEOUT, "zstdpool_pool_stop");
    /* A slow entry: join times out while it runs, then succeeds. */
    e = entry_new("slow", &src, &dst[0], &r[0]);
    e->slow_ms = 300;
    CHECK_OK(add_entry(pool, e, NULL, src.len));
    CHECK_OK(zstdpool_pool_stop(pool));
    CHECK_OK(zstdpool_pool_stop(pool));
    CHECK_FAILS(zstdpool_pool_join(pool, 10), ZSTDPOOL_ERR_TIMEOUT, "did not stop within 10 ms");
    CHECK_OK(zstdpool_pool_state(pool, &state));
    CHECK(state == ZSTDPOOL_STATE_STOPPING);
    CHECK_OK(zstdpool_pool_join(pool, -1));
    CHECK_OK(zstdpool_pool_state(pool, &state));
    CHECK(state == ZSTDPOOL_STATE_STOPPED);
    CHECK(r[0].done_calls == 1 && r[0].status == ZSTDPOOL_OK);
    CHECK_OK(zstdpool_pool_join(pool, 0));
    CHECK_OK(zstdpool_pool_wait(pool));
    CHECK_OK(zstdpool_pool_free(pool));

    /* Freeing a running pool finishes every entry first. */
    memset(r, 0, sizeof r);
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));
    for (i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "pending-%d", i);
        e = entry_new(name, &src, &dst[i], &r[i]);
        e->slow_ms = i < 2 ? 50 : 0;
        CHECK_OK(add_entry(pool, e, NULL, ZSTDPOOL_SIZE_UNKNOWN));
    }
    CHECK_OK(zstdpool_pool_free(pool));
    for (i = 0; i < 20; i++) {
        all_once &= r[i].done_calls == 1 && r[i].status == ZSTDPOOL_OK;
        buffer_free(&dst[i]);
    }
    CHECK(all_once);

    zstdpool_provider_free(provider);
    zstdpool_config_free(cfg);
    buffer_free(&src);
}

/* ------------------------------------------------------------------------------------ */
/* Failing callbacks and bad input: rejections                                           */
/* ------------------------------------------------------------------------------------ */

#define NFAIL 6

static void test_rejections(void) {
    static const char *const names[NFAIL] = {"read-error",    "write-error", "size-mismatch",
                                             "overread",      "good",        "train-read-error"};
    zstdpool_provider *provider = NULL;
    zstdpool_config *cfg = small_config(1);
    zstdpool_pool *pool = NULL;
    buffer src = {0, 0, 0};
    buffer dst[NFAIL];
    result r[NFAIL];
    entry_ctx *e[NFAIL];
    size_t count = 0, i, j;
    zstdpool_counts totals;
    uint32_t rng = 7;

    memset(dst, 0, sizeof dst);
    memset(r, 0, sizeof r);
    make_text(&src, 0, 2000, &rng);
    CHECK_OK(zstdpool_provider_memory_new(&provider));
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));
    for (i = 0; i < NFAIL; i++) {
        e[i] = entry_new(names[i], &src, &dst[i], &r[i]);
    }
    e[0]->fail_read = 5;
    e[1]->fail_write = 7;
    e[2]->give_len = 1000; /* declared 2000 bytes, gives 1000 */
    e[3]->overread = 1;
    e[5]->fail_read = 9; /* fails while its first bytes are read as a training sample */
    for (i = 0; i < NFAIL - 1; i++) {
        CHECK_OK(add_entry(pool, e[i], NULL, src.len));
    }
    CHECK_OK(add_entry(pool, e[5], "trained-category", src.len));
    CHECK_OK(zstdpool_pool_flush(pool));
    CHECK_OK(zstdpool_pool_wait(pool));

    for (i = 0; i < NFAIL; i++) {
        CHECK(r[i].done_calls == 1 && r[i].name_ok);
    }
    CHECK(r[0].status == ZSTDPOOL_ERR_READ && strstr(r[0].message, "error code 5") != NULL);
    CHECK(strstr(r[0].message, "read-error") != NULL);
    CHECK(r[1].status == ZSTDPOOL_ERR_WRITE && strstr(r[1].message, "error code 7") != NULL);
    CHECK(r[2].status == ZSTDPOOL_ERR_SIZE_MISMATCH);
    CHECK(r[3].status == ZSTDPOOL_ERR_READ);
    CHECK(r[4].status == ZSTDPOOL_OK && r[4].message_null);
    CHECK(r[5].status == ZSTDPOOL_ERR_READ && strstr(r[5].message, "error code 9") != NULL);
    for (i = 0; i < NFAIL; i++) {
        CHECK(i == 4 || (!r[i].message_null && r[i].bytes_in == 0 && r[i].bytes_out == 0));
    }

    /* The same errors, in the pool's list of rejections. */
    CHECK_OK(zstdpool_pool_rejected_count(pool, &count));
    CHECK(count == NFAIL - 1);
    for (j = 0; j < count; j++) {
        const char *name = NULL, *message = NULL, *name2 = NULL, *message2 = NULL;
        zstdpool_status status = -1;
        int found = 0;
        CHECK_OK(zstdpool_pool_rejected(pool, j, &name, &status, &message));
        for (i = 0; i < NFAIL; i++) {
            if (strcmp(name, names[i]) == 0) {
                found = 1;
                CHECK(status == r[i].status);
                CHECK(strcmp(message, r[i].message) == 0);
            }
        }
        CHECK(found);
        CHECK_OK(zstdpool_pool_rejected(pool, j, &name2, &status, &message2));
        CHECK(name2 == name && message2 == message);
    }
    CHECK_OK(zstdpool_pool_totals(pool, &totals));
    CHECK(totals.added == NFAIL && totals.done == 1 && totals.rejected == NFAIL - 1);
    CHECK_OK(zstdpool_pool_free(pool));

    /* Decompressing what is not zstd. */
    {
        buffer empty = {0, 0, 0}, out1 = {0, 0, 0}, out2 = {0, 0, 0};
        result rd[2];
        memset(rd, 0, sizeof rd);
        CHECK_OK(zstdpool_decompressor_new(cfg, provider, &pool));
        CHECK_OK(add_entry(pool, entry_new("text", &src, &out1, &rd[0]), NULL, src.len));
        CHECK_OK(add_entry(pool, entry_new("empty", &empty, &out2, &rd[1]), NULL, 0));
        CHECK_OK(zstdpool_pool_wait(pool));
        CHECK(rd[0].done_calls == 1 && rd[0].status == ZSTDPOOL_ERR_NOT_ZSTD);
        CHECK(rd[1].done_calls == 1 && rd[1].status == ZSTDPOOL_ERR_EMPTY_INPUT);
        CHECK_OK(zstdpool_pool_free(pool));
        buffer_free(&out1);
        buffer_free(&out2);
    }

    for (i = 0; i < NFAIL; i++) {
        buffer_free(&dst[i]);
    }
    buffer_free(&src);
    zstdpool_provider_free(provider);
    zstdpool_config_free(cfg);
}

/* ------------------------------------------------------------------------------------ */
/* Providers that fail, and the directory provider                                       */
/* ------------------------------------------------------------------------------------ */

#define NPROV 48

/* Compresses NPROV entries of category "cat" (training enabled) through `provider`;
 * fills r[] and returns the category's status. */
static int32_t compress_category(zstdpool_provider *provider, buffer *src, buffer *dst,
                                 result *r, char *status_message, size_t message_size) {
    zstdpool_config *cfg = small_config(1);
    zstdpool_pool *pool = NULL;
    zstdpool_stats *stats = NULL;
    zstdpool_category category;
    int32_t status = -1;
    size_t count = 0, i;
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));
    for (i = 0; i < NPROV; i++) {
        char name[16];
        snprintf(name, sizeof name, "p-%u", (unsigned)i);
        CHECK_OK(add_entry(pool, entry_new(name, &src[i], &dst[i], &r[i]), "cat", src[i].len));
    }
    CHECK_OK(zstdpool_pool_flush(pool));
    CHECK_OK(zstdpool_pool_wait(pool));
    CHECK_OK(zstdpool_stats_new(pool, &stats));
    count = zstdpool_stats_category_count(stats);
    CHECK(count == 1);
    if (count == 1) {
        CHECK_OK(zstdpool_stats_category(stats, 0, &category));
        CHECK(strcmp(category.name, "cat") == 0);
        status = category.status;
        snprintf(status_message, message_size, "%s", category.status_message);
    }
    zstdpool_stats_free(stats);
    CHECK_OK(zstdpool_pool_free(pool));
    zstdpool_config_free(cfg);
    return status;
}

static int count_status(const result *r, zstdpool_status status, const char *needle) {
    int i, n = 0;
    for (i = 0; i < NPROV; i++) {
        n += r[i].done_calls == 1 && r[i].status == status &&
             (needle == NULL || strstr(r[i].message, needle) != NULL);
    }
    return n;
}

static void test_providers(void) {
    static buffer src[NPROV], dst[NPROV];
    result r[NPROV];
    char message[512];
    uint32_t rng = 99;
    zstdpool_provider *provider = NULL;
    store st;
    int32_t status;
    size_t i;

    memset(src, 0, sizeof src);
    for (i = 0; i < NPROV; i++) {
        make_text(&src[i], (int)(i % 3), 400 + rng_next(&rng) % 1200, &rng);
    }

    /* get fails: every entry of the category is rejected, quoting the code. */
    store_init(&st);
    st.fail_get = 42;
    memset(r, 0, sizeof r);
    memset(dst, 0, sizeof dst);
    CHECK_OK(zstdpool_provider_callbacks_new(store_get, store_put, store_free, &st, &provider));
    status = compress_category(provider, src, dst, r, message, sizeof message);
    CHECK(status == ZSTDPOOL_DICT_FAILED && strstr(message, "error code 42") != NULL);
    CHECK(count_status(r, ZSTDPOOL_ERR_PROVIDER, "error code 42") == NPROV);
    CHECK(st.gets == 1 && st.puts == 0);
    CHECK(st.freed == 0);
    zstdpool_provider_free(provider);
    CHECK(st.freed == 1);
    store_destroy(&st);

    /* put fails: the trained dictionary is not used and the entries are rejected. */
    store_init(&st);
    st.fail_put = 43;
    memset(r, 0, sizeof r);
    for (i = 0; i < NPROV; i++) {
        buffer_free(&dst[i]);
    }
    CHECK_OK(zstdpool_provider_callbacks_new(store_get, store_put, store_free, &st, &provider));
    status = compress_category(provider, src, dst, r, message, sizeof message);
    CHECK(st.gets == 1 && st.puts == 1);
    CHECK(status == ZSTDPOOL_DICT_FAILED && strstr(message, "error code 43") != NULL);
    CHECK(count_status(r, ZSTDPOOL_ERR_PROVIDER, "error code 43") == NPROV);
    zstdpool_provider_free(provider);
    CHECK(st.freed == 1);
    store_destroy(&st);

    /* A directory provider: the trained dictionary is a file, found again when
     * decompressing. */
    {
        char dir[] = "/tmp/zstdpool-c-test-XXXXXX";
        char path[256], file[300];
        struct stat info;
        zstdpool_pool *pool = NULL;
        buffer back[NPROV];
        result rd[NPROV];
        int equal = 1;
        memset(back, 0, sizeof back);
        memset(rd, 0, sizeof rd);
        memset(r, 0, sizeof r);
        for (i = 0; i < NPROV; i++) {
            buffer_free(&dst[i]);
        }
        CHECK(mkdtemp(dir) != NULL);
        snprintf(path, sizeof path, "%s/sub/dicts", dir);
        CHECK_OK(zstdpool_provider_dir_new(path, &provider));
        status = compress_category(provider, src, dst, r, message, sizeof message);
        CHECK(status == ZSTDPOOL_DICT_TRAINED);
        CHECK(count_status(r, ZSTDPOOL_OK, "") == NPROV);
        snprintf(file, sizeof file, "%s/cat.zdict", path);
        CHECK(stat(file, &info) == 0 && info.st_size > 0);

        CHECK_OK(zstdpool_decompressor_new(NULL, provider, &pool));
        for (i = 0; i < NPROV; i++) {
            CHECK_OK(add_entry(pool, entry_new("d", &dst[i], &back[i], &rd[i]), "cat",
                               ZSTDPOOL_SIZE_UNKNOWN));
        }
        CHECK_OK(zstdpool_pool_wait(pool));
        for (i = 0; i < NPROV; i++) {
            equal &= rd[i].status == ZSTDPOOL_OK && buffer_equal(&src[i], &back[i]);
            buffer_free(&back[i]);
        }
        CHECK(equal);
        CHECK_OK(zstdpool_pool_free(pool));
        zstdpool_provider_free(provider);
        unlink(file);
        rmdir(path);
        snprintf(path, sizeof path, "%s/sub", dir);
        rmdir(path);
        CHECK(rmdir(dir) == 0);
    }

    for (i = 0; i < NPROV; i++) {
        buffer_free(&src[i]);
        buffer_free(&dst[i]);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Callbacks that call back into their own pool                                          */
/* ------------------------------------------------------------------------------------ */

typedef struct {
    entry_ctx entry; /* first: the entry callbacks see an entry_ctx */
    zstdpool_pool *pool;
    int calls;
    zstdpool_status wait_status, join_status, free_status, add_status, stop_status;
    int messages_ok;
    int stop; /* also add a child entry and stop the pool */
    entry_ctx *child;
} reentrant_ctx;

/* The calls that must be refused from the pool's own callbacks, then add and stop. */
static void reenter(reentrant_ctx *c) {
    if (c->calls++ > 0) {
        return;
    }
    c->wait_status = zstdpool_pool_wait(c->pool);
    c->messages_ok = strstr(zstdpool_last_error(), "deadlock") != NULL;
    c->join_status = zstdpool_pool_join(c->pool, -1);
    c->messages_ok &= strstr(zstdpool_last_error(), "deadlock") != NULL;
    c->free_status = zstdpool_pool_free(c->pool);
    c->messages_ok &= strstr(zstdpool_last_error(), "nothing was freed") != NULL;
    if (c->stop) {
        c->add_status = add_entry(c->pool, c->child, NULL, c->entry.src->len);
        c->stop_status = zstdpool_pool_stop(c->pool);
    }
}

static int32_t reentrant_write(void *user_data, const uint8_t *data, size_t len) {
    reenter((reentrant_ctx *)user_data);
    return entry_write(user_data, data, len);
}

static void reentrant_done(void *user_data, const char *name, zstdpool_status status,
                           const char *message, uint64_t bytes_in, uint64_t bytes_out) {
    reenter((reentrant_ctx *)user_data);
    entry_done(user_data, name, status, message, bytes_in, bytes_out);
}

static void test_reentrancy(void) {
    zstdpool_provider *provider = NULL;
    zstdpool_config *cfg = small_config(0);
    zstdpool_pool *pool = NULL;
    buffer src = {0, 0, 0}, out = {0, 0, 0}, child_out = {0, 0, 0};
    result r, child_r;
    reentrant_ctx c;
    int32_t state = -1;
    entry_ctx *late;

    buffer_append(&src, (const uint8_t *)"re-entrant re-entrant re-entrant", 32);
    CHECK_OK(zstdpool_provider_memory_new(&provider));

    /* From a write callback: wait, join and free are refused, the entry goes on. */
    memset(&c, 0, sizeof c);
    memset(&r, 0, sizeof r);
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));
    snprintf(c.entry.name, sizeof c.entry.name, "writer");
    c.entry.src = &src;
    c.entry.dst = &out;
    c.entry.res = &r;
    c.pool = pool;
    CHECK_OK(zstdpool_pool_add(pool, "writer", NULL, src.len, entry_read, reentrant_write,
                               entry_done, &c));
    CHECK_OK(zstdpool_pool_wait(pool));
    CHECK(c.calls >= 1);
    CHECK(c.wait_status == ZSTDPOOL_ERR_WOULD_DEADLOCK);
    CHECK(c.join_status == ZSTDPOOL_ERR_WOULD_DEADLOCK);
    CHECK(c.free_status == ZSTDPOOL_ERR_WOULD_DEADLOCK);
    CHECK(c.messages_ok);
    CHECK(r.done_calls == 1 && r.status == ZSTDPOOL_OK);
    CHECK(zstdpool_pool_last_error(pool, NULL, 0) > 0);
    CHECK_OK(zstdpool_pool_free(pool));
    buffer_free(&out);

    /* From a done callback: the same, and add and stop work. */
    memset(&c, 0, sizeof c);
    memset(&r, 0, sizeof r);
    memset(&child_r, 0, sizeof child_r);
    CHECK_OK(zstdpool_compressor_new(cfg, provider, &pool));
    snprintf(c.entry.name, sizeof c.entry.name, "finisher");
    c.entry.src = &src;
    c.entry.dst = &out;
    c.entry.res = &r;
    c.pool = pool;
    c.stop = 1;
    c.child = entry_new("child", &src, &child_out, &child_r);
    CHECK_OK(zstdpool_pool_add(pool, "finisher", NULL, src.len, entry_read, entry_write,
                               reentrant_done, &c));
    /* The done callback stops the pool: wait for it (and the child it adds) first, since
     * zstdpool_pool_join() without a timeout is refused on a pool not yet asked to stop. */
    CHECK_OK(zstdpool_pool_wait(pool));
    CHECK_OK(zstdpool_pool_join(pool, -1));
    CHECK(c.calls == 1);
    CHECK(c.wait_status == ZSTDPOOL_ERR_WOULD_DEADLOCK);
    CHECK(c.join_status == ZSTDPOOL_ERR_WOULD_DEADLOCK);
    CHECK(c.free_status == ZSTDPOOL_ERR_WOULD_DEADLOCK);
    CHECK(c.messages_ok);
    CHECK(c.add_status == ZSTDPOOL_OK);
    CHECK(c.stop_status == ZSTDPOOL_OK);
    CHECK(r.done_calls == 1 && r.status == ZSTDPOOL_OK);
    CHECK(child_r.done_calls == 1 && child_r.status == ZSTDPOOL_OK);
    CHECK(buffer_equal(&out, &child_out));
    CHECK_OK(zstdpool_pool_state(pool, &state));
    CHECK(state == ZSTDPOOL_STATE_STOPPED);
    late = entry_new("late", &src, &child_out, &child_r);
    CHECK_STATUS(add_entry(pool, late, NULL, src.len), ZSTDPOOL_ERR_STOPPED);
    free(late);
    CHECK_OK(zstdpool_pool_free(pool));

    buffer_free(&out);
    buffer_free(&child_out);
    buffer_free(&src);
    zstdpool_provider_free(provider);
    zstdpool_config_free(cfg);
}

/* ------------------------------------------------------------------------------------ */
/* Status strings and versions                                                           */
/* ------------------------------------------------------------------------------------ */

static void test_status_strings(void) {
    const char *seen[ZSTDPOOL_ERR_NOT_FOUND + 1];
    int code, other, distinct = 1;
    CHECK(strcmp(zstdpool_status_str(ZSTDPOOL_OK), "ok") == 0);
    for (code = ZSTDPOOL_ERR_INVALID_ARGUMENT; code <= ZSTDPOOL_ERR_NOT_FOUND; code++) {
        seen[code] = zstdpool_status_str(code);
        CHECK(seen[code] != NULL && seen[code][0] != '\0');
        CHECK(strcmp(seen[code], "unknown status") != 0);
        for (other = 1; other < code; other++) {
            distinct &= strcmp(seen[code], seen[other]) != 0;
        }
    }
    CHECK(distinct);
    CHECK(strcmp(zstdpool_status_str(ZSTDPOOL_ERR_READ), "reading the input failed") == 0);
    CHECK(strcmp(zstdpool_status_str(ZSTDPOOL_ERR_NOT_FOUND + 1), "unknown status") == 0);
    CHECK(strcmp(zstdpool_status_str(-1), "unknown status") == 0);
    CHECK(strcmp(zstdpool_dict_status_str(ZSTDPOOL_DICT_TRAINED), "trained") == 0);
    CHECK(strcmp(zstdpool_dict_status_str(ZSTDPOOL_DICT_DID_NOT_HELP), "did_not_help") == 0);
    CHECK(strcmp(zstdpool_dict_status_str(ZSTDPOOL_DICT_FAILED + 1), "unknown") == 0);
    CHECK(strcmp(zstdpool_dict_status_str(-1), "unknown") == 0);
    CHECK(strcmp(zstdpool_status_str(INT32_MIN), "unknown status") == 0);
    /* The codes, as documented. */
    CHECK(ZSTDPOOL_ERR_INVALID_ARGUMENT == 1 && ZSTDPOOL_ERR_INVALID_CONFIG == 2);
    CHECK(ZSTDPOOL_ERR_STOPPED == 3 && ZSTDPOOL_ERR_WOULD_DEADLOCK == 4);
    CHECK(ZSTDPOOL_ERR_TIMEOUT == 5 && ZSTDPOOL_ERR_READ == 6 && ZSTDPOOL_ERR_WRITE == 7);
    CHECK(ZSTDPOOL_ERR_SIZE_MISMATCH == 8 && ZSTDPOOL_ERR_PROVIDER == 9);
    CHECK(ZSTDPOOL_ERR_BAD_DICTIONARY == 10 && ZSTDPOOL_ERR_DICT_MISSING == 11);
    CHECK(ZSTDPOOL_ERR_DICT_MISMATCH == 12 && ZSTDPOOL_ERR_EMPTY_INPUT == 13);
    CHECK(ZSTDPOOL_ERR_NOT_ZSTD == 14 && ZSTDPOOL_ERR_TRUNCATED == 15);
    CHECK(ZSTDPOOL_ERR_CORRUPT == 16 && ZSTDPOOL_ERR_TOO_LARGE == 17);
    CHECK(ZSTDPOOL_ERR_ZSTD == 18 && ZSTDPOOL_ERR_PANIC == 19);
    CHECK(ZSTDPOOL_ERR_SYSTEM == 20 && ZSTDPOOL_ERR_CANCELLED == 21);
    CHECK(ZSTDPOOL_ERR_DATABASE == 22 && ZSTDPOOL_ERR_NOT_FOUND == 35);
}

static void test_versions(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", ZSTDPOOL_VERSION_MAJOR,
             ZSTDPOOL_VERSION_MINOR, ZSTDPOOL_VERSION_PATCH);
    CHECK(strcmp(ZSTDPOOL_VERSION_STRING, expected) == 0);
    CHECK(strcmp(zstdpool_version(), ZSTDPOOL_VERSION_STRING) == 0);
    CHECK(zstdpool_version_number() == ZSTDPOOL_VERSION_NUMBER);
    CHECK(ZSTDPOOL_VERSION_NUMBER == ZSTDPOOL_VERSION_MAJOR * 10000 +
                                         ZSTDPOOL_VERSION_MINOR * 100 + ZSTDPOOL_VERSION_PATCH);
    CHECK(strncmp(zstdpool_zstd_version(), "1.", 2) == 0);
}

int main(void) {
    /* Before any failure, the thread's last error is empty. */
    CHECK(strcmp(zstdpool_last_error(), "") == 0);
    test_versions();
    test_status_strings();
    test_config();
    test_options();
    test_stats_snapshots();
    test_null_arguments();
    test_bad_arguments();
    test_lifecycle();
    test_rejections();
    test_providers();
    test_reentrancy();
    test_round_trip();
    return CHECK_DONE();
}
