/*
 * fuzz_api.c -- libFuzzer harness: the input is a program of C API calls on one
 * configuration, three providers (memory, directory, callbacks) and two pool slots.
 *
 * Each operation is an opcode byte followed by its argument bytes (missing bytes read as
 * 0; see the OP_* list below and fuzz/tools/api_seeds.py, which writes the seeds). Entries
 * are small generated texts, random bytes or bytes taken from the input, with declared
 * sizes right, unknown or wrong, in categories from a fixed list of names (valid, odd for
 * a file name, too long, not UTF-8, ""), read in chunks of input-driven sizes, with read
 * and write callbacks that fail (or over-report) at an input-driven call; callbacks may
 * re-enter their pool (add a child entry, stop, flush, start, the queries, and wait /
 * join / free, which must be refused). A decompressing pool can be fed the outputs of
 * entries compressed earlier in the same run: when that succeeds, the bytes must round-trip.
 *
 * Invariants checked (abort on violation, so libFuzzer keeps the input):
 *  - every status returned or reported is a defined code; failed calls leave a message
 *    (zstdpool_last_error() and, on a pool, zstdpool_pool_last_error());
 *  - every accepted add (from the program or a callback) gets exactly one done callback by
 *    the time its pool is freed, after its last read/write; refused adds never get one;
 *  - after a successful join: state STOPPED, totals.added == done + rejected == the
 *    accepted adds, the rejected count == totals.rejected, a statistics snapshot has the
 *    same totals and its categories' counts add up to them;
 *  - a statistics snapshot (zstdpool_stats_new()) never changes: its count, indexes and
 *    strings stay the same while its pool goes on, and after the pool is freed (one can be
 *    held across operations and is checked again before it is freed);
 *  - wait/join/free from a pool's own callback are refused with WOULD_DEADLOCK;
 *  - add after a stop (from the program) returns STOPPED and never calls back;
 *  - an entry without injected faults, in no category or with the memory provider,
 *    compresses OK with bytes_in == its size; OK decompression round-trips byte-exact;
 *  - queries with out-of-range indexes and NULL arguments return INVALID_ARGUMENT;
 *  - the options are the library's list (zstdpool_option_count() / zstdpool_option_at()),
 *    each named by zstdpool_option_name() as zstdpool_config_set()'s messages name it;
 *    unknown options have no name.
 * Resource-hungry values that are in range (workers, trainer threads, fastCover f, levels
 * above 19) are reduced before zstdpool_config_set(), so that one input stays fast.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <ftw.h>

#include "fuzz_common.h"
#include "../tests/c/support.h"

enum {
    OP_CONFIG_SET,
    OP_CONFIG_GET,
    OP_CONFIG_RESET,
    OP_NEW,
    OP_FREE,
    OP_ADD,
    OP_START,
    OP_FLUSH,
    OP_WAIT,
    OP_STOP,
    OP_JOIN,
    OP_STATE,
    OP_TOTALS,
    OP_CATEGORIES,
    OP_REJECTED,
    OP_LAST_ERROR,
    OP_NULL_ARGS,
    OP_PROVIDER_KNOBS,
    OP_ADD_ROUNDTRIP,
    OP_BAD_ADD,
    OP_SLEEP,
    OP_COUNT
};

#define MAX_OPS 96
#define MAX_ENTRIES 64
#define MAX_MAIN_ADDS 40
#define MAX_ENTRY 4096

/* ------------------------------------------------------------------------------------ */
/* Input reader                                                                          */
/* ------------------------------------------------------------------------------------ */

typedef struct {
    const uint8_t *p;
    size_t n, i;
} reader;

static uint8_t u8(reader *r) {
    return r->i < r->n ? r->p[r->i++] : 0;
}

static uint16_t u16(reader *r) {
    uint16_t lo = u8(r);
    return (uint16_t)(lo | (uint16_t)u8(r) << 8);
}

/* ------------------------------------------------------------------------------------ */
/* Names, options, values                                                                 */
/* ------------------------------------------------------------------------------------ */

static char g_long_name[300];

/* Categories: NULL (none), ordinary names, "d" (the callbacks provider serves the fixed
 * dictionary under it), names odd for a file name, a too-long one, "" and non-UTF-8 (both
 * refused by add). */
static const char *category(uint8_t b) {
    static const char *const NAMES[] = {NULL, "a", "b", "c", "d", "o", "a/b", "../up", ".", "..",
                                        "%2F", "sp ace", "\xc3\xa9t\xc3\xa9", "\xf0\x9f\x98\x80",
                                        NULL /* long */, "", "\xff"};
    size_t n = sizeof NAMES / sizeof NAMES[0];
    size_t i = b % n;
    if (i == 14) {
        return g_long_name;
    }
    return NAMES[i];
}

static int category_refused(const char *name) {
    return name != NULL && (name[0] == '\0' || (unsigned char)name[0] == 0xff);
}

/* Options: every option of the library's list (zstdpool_option_at()), then unknown ones. */
static const zstdpool_option UNKNOWN_OPTIONS[] = {
    0, -1, 7, 99, 210, 9999, INT32_MIN, INT32_MAX,
};
#define N_UNKNOWN_OPTIONS (sizeof UNKNOWN_OPTIONS / sizeof UNKNOWN_OPTIONS[0])

static zstdpool_option pick_option(uint8_t b) {
    size_t known = zstdpool_option_count();
    size_t pick = b % (known + N_UNKNOWN_OPTIONS);
    return pick < known ? zstdpool_option_at(pick) : UNKNOWN_OPTIONS[pick - known];
}

static int64_t value(reader *r) {
    static const int64_t VALUES[] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 17, 19, 22, 23, 64, 100, 255, 256, 500, 1000,
        1001, 1023, 1024, 1025, 2048, 4096, 65536, 65537, 131072, 1 << 20, 16777216,
        16777217, (int64_t)1 << 40, ((int64_t)1 << 40) + 1, (int64_t)4 << 30, INT64_MAX,
        INT64_MIN, -1, -2, -5, -22, -1024, -1025, -131072, -131073, INT32_MAX, INT32_MIN,
    };
    uint8_t b = u8(r);
    size_t n = sizeof VALUES / sizeof VALUES[0];
    if (b < n) {
        return VALUES[b];
    }
    if (b < 192) {
        return (int16_t)u16(r);
    }
    return (int64_t)b - 192; /* 0..63 */
}

/* In-range values that would make one input slow or huge are reduced (the harness
 * bounds its own resource use; out-of-range values pass through unchanged). */
static int64_t tame(zstdpool_option option, int64_t v) {
    switch (option) {
        case ZSTDPOOL_OPT_WORKERS:
            return v >= 1 && v <= 1024 ? 1 + (v - 1) % 3 : v;
        case ZSTDPOOL_OPT_TRAINER_THREADS:
            return v >= 1 && v <= 1024 ? 1 + (v - 1) % 2 : v;
        case ZSTDPOOL_OPT_TRAINER_F:
            return v > 20 && v <= 31 ? 20 : v;
        case ZSTDPOOL_OPT_LEVEL:
        case ZSTDPOOL_OPT_TRAINER_LEVEL:
            return v > 19 && v <= 22 ? 19 : v;
        case ZSTDPOOL_OPT_TRAINER_STEPS:
            return v > 8 && v <= 1024 ? 8 : v;
        case ZSTDPOOL_OPT_TRAINING_DICT_SIZE:
        case ZSTDPOOL_OPT_TRAINING_MAX_DICT_SIZE:
            return v > 65536 && v <= 16777216 ? 65536 : v;
        case ZSTDPOOL_OPT_PROCESSORS:
            return v > 64 && v <= 65536 ? 64 : v;
        default:
            return v;
    }
}

/* ------------------------------------------------------------------------------------ */
/* The callbacks provider's store                                                         */
/* ------------------------------------------------------------------------------------ */

#define STORE_MAX 24

typedef struct {
    pthread_mutex_t lock;
    int count;
    char names[STORE_MAX][320];
    uint8_t *dicts[STORE_MAX];
    size_t lens[STORE_MAX];
    _Atomic int32_t fail_get, fail_put;
    _Atomic int garbage; /* get serves a bad dictionary: see OP_PROVIDER_KNOBS */
    _Atomic int garbage_param;
    _Atomic int freed;
} store;

static int32_t store_get(void *user_data, const char *name, zstdpool_dict_buffer *out) {
    store *s = (store *)user_data;
    int32_t code = atomic_load(&s->fail_get);
    int i;
    FUZZ_CHECK(name != NULL && out != NULL, "get with NULL");
    if (code != 0) {
        return code;
    }
    switch (atomic_load(&s->garbage)) {
        case 0:
            break;
        case 1: { /* not a dictionary */
            static const uint8_t GARBAGE[] = "not a dictionary at all";
            FUZZ_CHECK(zstdpool_dict_buffer_set(out, GARBAGE, sizeof GARBAGE) == ZSTDPOOL_OK,
                       "set");
            return 0;
        }
        case 2: /* "d" cut short */
            FUZZ_CHECK(zstdpool_dict_buffer_set(out, d_zdict,
                                                (size_t)atomic_load(&s->garbage_param) * 8 %
                                                    d_zdict_len) == ZSTDPOOL_OK,
                       "set");
            return 0;
        case 3: { /* "d" with one byte changed */
            uint8_t copy[sizeof d_zdict];
            int at = atomic_load(&s->garbage_param);
            memcpy(copy, d_zdict, sizeof copy);
            copy[(size_t)at * 8 % sizeof copy] ^= (uint8_t)(at | 1);
            FUZZ_CHECK(zstdpool_dict_buffer_set(out, copy, sizeof copy) == ZSTDPOOL_OK, "set");
            return 0;
        }
        default: /* empty */
            FUZZ_CHECK(zstdpool_dict_buffer_set(out, d_zdict, 0) == ZSTDPOOL_OK, "set");
            return 0;
    }
    pthread_mutex_lock(&s->lock);
    for (i = 0; i < s->count && strcmp(s->names[i], name) != 0; i++) {
    }
    if (i < s->count) {
        FUZZ_CHECK(zstdpool_dict_buffer_set(out, s->dicts[i], s->lens[i]) == ZSTDPOOL_OK, "set");
    }
    pthread_mutex_unlock(&s->lock);
    /* Not stored (yet): the fixed dictionaries "d" and "o"; other names have none. */
    return i < s->count ? 0 : fuzz_fixed_get(NULL, name, out);
}

static int32_t store_put(void *user_data, const char *name, const uint8_t *dict, size_t len) {
    store *s = (store *)user_data;
    int32_t code = atomic_load(&s->fail_put);
    int i;
    FUZZ_CHECK(name != NULL && dict != NULL && len > 0, "put with NULL/empty");
    if (code != 0) {
        return code;
    }
    pthread_mutex_lock(&s->lock);
    for (i = 0; i < s->count && strcmp(s->names[i], name) != 0; i++) {
    }
    if (i == STORE_MAX) {
        code = -7;
    } else {
        if (i == s->count) {
            snprintf(s->names[i], sizeof s->names[i], "%s", name);
            s->count++;
        }
        free(s->dicts[i]);
        s->dicts[i] = (uint8_t *)malloc(len);
        memcpy(s->dicts[i], dict, len);
        s->lens[i] = len;
    }
    pthread_mutex_unlock(&s->lock);
    return code;
}

static void store_free_user_data(void *user_data) {
    store *s = (store *)user_data;
    atomic_fetch_add(&s->freed, 1);
}

/* ------------------------------------------------------------------------------------ */
/* Entries                                                                                */
/* ------------------------------------------------------------------------------------ */

enum { ACT_NONE, ACT_ADD_CHILD, ACT_STOP, ACT_DEADLOCK, ACT_QUERIES, ACT_ADD_AND_STOP,
       ACT_SLEEP, ACT_REJECTIONS };
enum { WHERE_READ, WHERE_WRITE, WHERE_DONE, WHERE_EVERY_READ };

typedef struct slot slot;

typedef struct {
    int used;
    int index;
    slot *owner;
    char name[32];
    const char *dict_name;
    uint8_t data[MAX_ENTRY];
    size_t len;
    const uint8_t *src; /* what read serves: data, or another entry's output */
    size_t src_len;
    size_t pos;
    uint64_t declared;
    int compress;      /* the pool it went to compresses */
    int provider_kind; /* and uses this provider (0 memory, 1 directory, 2 callbacks) */
    int64_t max_out;   /* and has this output limit */
    zstdpool_pool *pool;
    int source; /* round trip: the entry whose output this one decompresses (-1: none) */
    int faulty; /* a fault was injected (read/write failure, overread, wrong size) */
    /* fault injection */
    int fail_read_at, fail_write_at, overread_at;
    int32_t fail_code;
    uint8_t chunk;
    uint8_t action, where;
    int has_done;
    /* what happened (written by worker threads) */
    int reads, writes;
    int eof;
    uint8_t *out;
    size_t out_len, out_cap;
    _Atomic int done_calls;
    _Atomic int accepted;
    zstdpool_status status;
    uint64_t bytes_in, bytes_out;
    int acted;
} entry;

struct slot {
    zstdpool_pool *pool;
    int compress;
    int provider_kind; /* 0 memory, 1 directory, 2 callbacks */
    int stop_requested; /* by the program (callbacks may stop it too) */
    int64_t max_out;    /* its ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE */
    int64_t max_listed; /* its ZSTDPOOL_OPT_MAX_REJECTIONS */
    _Atomic int accepted;
};

static entry g_entries[MAX_ENTRIES];
static _Atomic int g_next_entry;
static slot g_slots[2];
static store g_store;
static int g_store_providers; /* callbacks providers made on g_store in this run */
/* The callbacks provider served altered copies of "d" (same dictionary id, other bytes) in
 * this run: a frame may then be decoded with another dictionary than it was made with,
 * which zstd cannot notice without a checksum (garbage of the right length). */
static int g_altered_dicts;
static char g_dir[256];
static int g_dir_used;
static int g_verbose; /* ZSTDPOOL_FUZZ_VERBOSE=1: print the operations and entries */

static uint32_t xorshift(uint32_t *s) {
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void fill(entry *e, uint8_t kind, uint8_t seed, size_t len, reader *r) {
    uint32_t rng = 0x1234567u * (seed + 1u);
    size_t i = 0;
    e->len = len;
    switch (kind % 4) {
        case 0: /* log-like text */
            while (i < len) {
                char line[128];
                int n = snprintf(line, sizeof line, "2024-05-%02u INFO job %u node%u took=%ums\n",
                                 xorshift(&rng) % 28 + 1, xorshift(&rng) % 100,
                                 xorshift(&rng) % 8, xorshift(&rng) % 5000);
                size_t k = (size_t)n < len - i ? (size_t)n : len - i;
                memcpy(e->data + i, line, k);
                i += k;
            }
            break;
        case 1:
            for (; i < len; i++) {
                e->data[i] = (uint8_t)xorshift(&rng);
            }
            break;
        case 2:
            memset(e->data, seed, len);
            break;
        default: /* from the input */
            for (; i < len; i++) {
                e->data[i] = u8(r);
            }
    }
    e->src = e->data;
    e->src_len = e->len;
}

static entry *entry_alloc(void) {
    int i = atomic_fetch_add(&g_next_entry, 1);
    entry *e;
    if (i >= MAX_ENTRIES) {
        return NULL;
    }
    e = &g_entries[i];
    e->used = 1;
    e->index = i;
    e->source = -1;
    e->has_done = 1;
    snprintf(e->name, sizeof e->name, "e%d", i);
    return e;
}

static void check_status(zstdpool_status s, const char *what) {
    FUZZ_CHECK(fuzz_status_defined(s), "%s returned undefined status %d", what, (int)s);
    FUZZ_CHECK(zstdpool_status_str(s) != NULL, "status_str NULL");
    if (s != ZSTDPOOL_OK) {
        const char *m = zstdpool_last_error();
        FUZZ_CHECK(m != NULL && m[0] != '\0', "%s failed with %d and no message", what, (int)s);
    }
}

/* A failed call on a pool also leaves the message on the pool. */
static void check_pool_status(zstdpool_pool *pool, zstdpool_status s, const char *what) {
    check_status(s, what);
    if (s != ZSTDPOOL_OK && pool != NULL) {
        char buf[8];
        size_t n = zstdpool_pool_last_error(pool, buf, sizeof buf);
        FUZZ_CHECK(n > 0, "%s failed (%d) and the pool's last error is empty", what, (int)s);
        FUZZ_CHECK(strlen(buf) == (n < sizeof buf ? n : sizeof buf - 1), "last_error truncation");
    }
}

static void reenter(entry *e);

static int32_t entry_read(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len) {
    entry *e = (entry *)user_data;
    size_t n = e->src_len - e->pos;
    FUZZ_CHECK(atomic_load(&e->done_calls) == 0, "%s: read after done", e->name);
    FUZZ_CHECK(!e->eof, "%s: read after the end was reported", e->name);
    FUZZ_CHECK(buf != NULL && out_len != NULL && capacity > 0, "read arguments");
    e->reads++;
    if ((e->where == WHERE_READ && e->reads == 1) || e->where == WHERE_EVERY_READ) {
        reenter(e);
    }
    if (e->fail_read_at && e->reads == e->fail_read_at) {
        return e->fail_code;
    }
    if (e->overread_at && e->reads == e->overread_at) {
        *out_len = capacity + 1 + (size_t)e->chunk;
        return 0;
    }
    if (e->chunk && n > e->chunk) {
        n = e->chunk;
    }
    if (n > capacity) {
        n = capacity;
    }
    if (n) {
        memcpy(buf, e->src + e->pos, n);
    }
    e->pos += n;
    e->eof = n == 0;
    *out_len = n;
    return 0;
}

static int32_t entry_write(void *user_data, const uint8_t *data, size_t len) {
    entry *e = (entry *)user_data;
    FUZZ_CHECK(atomic_load(&e->done_calls) == 0, "%s: write after done", e->name);
    FUZZ_CHECK(data != NULL && len > 0, "write arguments");
    e->writes++;
    if (e->where == WHERE_WRITE && e->writes == 1) {
        reenter(e);
    }
    if (e->fail_write_at && e->writes == e->fail_write_at) {
        return e->fail_code;
    }
    if (e->out_len + len > e->out_cap) {
        size_t cap = e->out_cap ? e->out_cap : 256;
        while (cap < e->out_len + len) {
            cap *= 2;
        }
        e->out = (uint8_t *)realloc(e->out, cap);
        FUZZ_CHECK(e->out != NULL, "out of memory");
        e->out_cap = cap;
    }
    memcpy(e->out + e->out_len, data, len);
    e->out_len += len;
    return 0;
}

static int status_possible(const entry *e, zstdpool_status s) {
    switch (s) {
        case ZSTDPOOL_OK:
        case ZSTDPOOL_ERR_READ:
        case ZSTDPOOL_ERR_WRITE:
        case ZSTDPOOL_ERR_PROVIDER:
        case ZSTDPOOL_ERR_BAD_DICTIONARY:
            return 1;
        case ZSTDPOOL_ERR_SIZE_MISMATCH:
            return e->compress;
        case ZSTDPOOL_ERR_DICT_MISSING:
        case ZSTDPOOL_ERR_DICT_MISMATCH:
        case ZSTDPOOL_ERR_EMPTY_INPUT:
        case ZSTDPOOL_ERR_NOT_ZSTD:
        case ZSTDPOOL_ERR_TRUNCATED:
        case ZSTDPOOL_ERR_CORRUPT:
        case ZSTDPOOL_ERR_TOO_LARGE:
            return !e->compress;
        case ZSTDPOOL_ERR_ZSTD: /* libzstd failing otherwise (e.g. a level it refuses) */
            return 1;
        default: /* INVALID_*, STOPPED, WOULD_DEADLOCK, TIMEOUT, PANIC, SYSTEM: never an
                  * entry's */
            return 0;
    }
}

static void entry_done(void *user_data, const char *name, zstdpool_status status,
                       const char *message, uint64_t bytes_in, uint64_t bytes_out) {
    entry *e = (entry *)user_data;
    FUZZ_CHECK(atomic_load(&e->accepted), "%s: done for an entry add refused", e->name);
    FUZZ_CHECK(name != NULL && strcmp(name, e->name) == 0, "%s: done with name %s", e->name,
               name ? name : "NULL");
    FUZZ_CHECK(fuzz_status_defined(status) && status_possible(e, status),
               "%s: done with status %d (%s): %s", e->name, (int)status,
               zstdpool_status_str(status), message ? message : "NULL");
    if (status == ZSTDPOOL_OK) {
        FUZZ_CHECK(message == NULL, "%s: OK with message %s", e->name, message);
    } else {
        FUZZ_CHECK(message != NULL && message[0] != '\0', "%s: status %d without a message",
                   e->name, (int)status);
        FUZZ_CHECK(bytes_in == 0 && bytes_out == 0, "%s: counts on a rejection", e->name);
    }
    e->status = status;
    e->bytes_in = bytes_in;
    e->bytes_out = bytes_out;
    if (e->where == WHERE_DONE) {
        reenter(e);
    }
    atomic_fetch_add_explicit(&e->done_calls, 1, memory_order_release);
}

static zstdpool_status add_entry(slot *s, entry *e) {
    zstdpool_status st;
    e->owner = s;
    e->pool = s->pool;
    e->compress = s->compress;
    e->provider_kind = s->provider_kind;
    e->max_out = s->max_out;
    /* Counted before the add (done may run before add returns, and a query from another
     * thread must never see more entries added than counted here), undone on a refusal. */
    atomic_store(&e->accepted, 1);
    atomic_fetch_add(&s->accepted, 1);
    st = zstdpool_pool_add(s->pool, e->name, e->dict_name, e->declared, entry_read, entry_write,
                           e->has_done ? entry_done : NULL, e);
    if (st != ZSTDPOOL_OK) {
        atomic_store(&e->accepted, 0);
        atomic_fetch_sub(&s->accepted, 1);
    }
    return st;
}

/* The callbacks' calls back into their own pool. */
static void reenter(entry *e) {
    slot *s = e->owner;
    zstdpool_pool *pool = e->pool;
    zstdpool_status st;
    /* Once per entry, or on each of the first 4 reads. */
    if (e->acted++ >= (e->where == WHERE_EVERY_READ ? 4 : 1)) {
        return;
    }
    switch (e->action) {
        case ACT_ADD_CHILD:
        case ACT_ADD_AND_STOP: {
            entry *child = entry_alloc();
            if (child != NULL) {
                memcpy(child->data, e->data, e->len);
                child->len = e->len;
                child->src = child->data;
                child->src_len = child->len;
                child->declared = e->len;
                child->dict_name = e->dict_name;
                st = add_entry(s, child);
                check_pool_status(pool, st, "add from a callback");
                FUZZ_CHECK(st == ZSTDPOOL_OK || st == ZSTDPOOL_ERR_STOPPED,
                           "add from a callback: %d %s", (int)st, zstdpool_last_error());
            }
            if (e->action == ACT_ADD_AND_STOP) {
                st = zstdpool_pool_stop(pool);
                FUZZ_CHECK(st == ZSTDPOOL_OK, "stop from a callback: %d", (int)st);
            }
            break;
        }
        case ACT_STOP:
            st = zstdpool_pool_stop(pool);
            FUZZ_CHECK(st == ZSTDPOOL_OK, "stop from a callback: %d", (int)st);
            break;
        case ACT_DEADLOCK:
            st = zstdpool_pool_wait(pool);
            FUZZ_CHECK(st == ZSTDPOOL_ERR_WOULD_DEADLOCK, "wait from a callback: %d", (int)st);
            check_pool_status(pool, st, "wait");
            st = zstdpool_pool_join(pool, -1);
            FUZZ_CHECK(st == ZSTDPOOL_ERR_WOULD_DEADLOCK, "join from a callback: %d", (int)st);
            st = zstdpool_pool_join(pool, 0);
            FUZZ_CHECK(st == ZSTDPOOL_ERR_WOULD_DEADLOCK, "join(0) from a callback: %d", (int)st);
            st = zstdpool_pool_free(pool);
            FUZZ_CHECK(st == ZSTDPOOL_ERR_WOULD_DEADLOCK, "free from a callback: %d", (int)st);
            FUZZ_CHECK(strstr(zstdpool_last_error(), "nothing was freed") != NULL, "%s",
                       zstdpool_last_error());
            break;
        case ACT_QUERIES: {
            int32_t state = -1;
            zstdpool_counts c;
            size_t n = 0;
            zstdpool_stats *stats = NULL;
            zstdpool_category cat;
            st = zstdpool_pool_state(pool, &state);
            FUZZ_CHECK(st == ZSTDPOOL_OK && state >= ZSTDPOOL_STATE_IDLE &&
                           state <= ZSTDPOOL_STATE_STOPPED && state != ZSTDPOOL_STATE_IDLE,
                       "state from a callback: %d/%d", (int)st, (int)state);
            FUZZ_CHECK(zstdpool_pool_totals(pool, &c) == ZSTDPOOL_OK, "totals");
            FUZZ_CHECK(c.added >= c.done + c.rejected + 1, "totals from a callback: %llu %llu %llu",
                       (unsigned long long)c.added, (unsigned long long)c.done,
                       (unsigned long long)c.rejected);
            st = zstdpool_stats_new(pool, &stats);
            FUZZ_CHECK(st == ZSTDPOOL_OK && stats != NULL, "stats_new from a callback: %d",
                       (int)st);
            n = zstdpool_stats_category_count(stats);
            FUZZ_CHECK(n > 0, "a snapshot from a callback without the entry's category");
            st = zstdpool_stats_category(stats, n - 1, &cat);
            FUZZ_CHECK(st == ZSTDPOOL_OK, "category(%zu) of %zu: %d", n - 1, n, (int)st);
            zstdpool_stats_free(stats);
            st = zstdpool_pool_flush(pool);
            FUZZ_CHECK(st == ZSTDPOOL_OK, "flush from a callback: %d", (int)st);
            st = zstdpool_pool_start(pool);
            FUZZ_CHECK(st == ZSTDPOOL_OK || st == ZSTDPOOL_ERR_STOPPED, "start from a callback: %d",
                       (int)st);
            break;
        }
        case ACT_SLEEP: {
            struct timespec t = {0, 1000000L};
            nanosleep(&t, NULL);
            break;
        }
        case ACT_REJECTIONS: {
            size_t n = 0, i;
            FUZZ_CHECK(zstdpool_pool_rejected_count(pool, &n) == ZSTDPOOL_OK, "rejected_count");
            for (i = 0; i <= n; i++) {
                const char *name = NULL, *message = NULL;
                zstdpool_status rs = -1;
                st = zstdpool_pool_rejected(pool, i, &name, &rs, &message);
                if (i < n) {
                    FUZZ_CHECK(st == ZSTDPOOL_OK && name && message && message[0] &&
                                   rs > ZSTDPOOL_OK && rs <= ZSTDPOOL_ERR_PANIC,
                               "rejected(%zu) from a callback", i);
                }
            }
            break;
        }
        default:
            break;
    }
}

/* ------------------------------------------------------------------------------------ */
/* Pools                                                                                  */
/* ------------------------------------------------------------------------------------ */

static zstdpool_config *g_cfg;
static zstdpool_provider *g_providers[3];

static void verify_stopped(slot *s) {
    zstdpool_counts c, snap;
    zstdpool_stats *stats = NULL;
    size_t rejected = 0, ncat = 0, i;
    uint64_t added = 0, done = 0, rej = 0;
    int32_t state = -1;
    FUZZ_CHECK(zstdpool_pool_state(s->pool, &state) == ZSTDPOOL_OK, "state");
    FUZZ_CHECK(state == ZSTDPOOL_STATE_STOPPED, "state %d after join", (int)state);
    FUZZ_CHECK(zstdpool_pool_totals(s->pool, &c) == ZSTDPOOL_OK, "totals");
    FUZZ_CHECK(c.added == c.done + c.rejected, "added %llu != done %llu + rejected %llu",
               (unsigned long long)c.added, (unsigned long long)c.done,
               (unsigned long long)c.rejected);
    FUZZ_CHECK(c.added == (uint64_t)atomic_load(&s->accepted), "added %llu, accepted %d",
               (unsigned long long)c.added, atomic_load(&s->accepted));
    FUZZ_CHECK(zstdpool_pool_rejected_count(s->pool, &rejected) == ZSTDPOOL_OK, "count");
    /* Every rejection is counted; the first max_rejections are listed. */
    FUZZ_CHECK(rejected == (c.rejected < (uint64_t)s->max_listed ? c.rejected
                                                                  : (uint64_t)s->max_listed),
               "rejected count %zu, totals %llu, listing at most %lld", rejected,
               (unsigned long long)c.rejected, (long long)s->max_listed);
    FUZZ_CHECK(zstdpool_stats_new(s->pool, &stats) == ZSTDPOOL_OK, "stats_new");
    FUZZ_CHECK(zstdpool_stats_totals(stats, &snap) == ZSTDPOOL_OK, "stats_totals");
    FUZZ_CHECK(snap.added == c.added && snap.done == c.done && snap.rejected == c.rejected &&
                   snap.raw_bytes == c.raw_bytes && snap.compressed_bytes == c.compressed_bytes,
               "snapshot totals %llu/%llu/%llu, pool totals %llu/%llu/%llu",
               (unsigned long long)snap.added, (unsigned long long)snap.done,
               (unsigned long long)snap.rejected, (unsigned long long)c.added,
               (unsigned long long)c.done, (unsigned long long)c.rejected);
    ncat = zstdpool_stats_category_count(stats);
    for (i = 0; i < ncat; i++) {
        zstdpool_category cat;
        FUZZ_CHECK(zstdpool_stats_category(stats, i, &cat) == ZSTDPOOL_OK, "category %zu", i);
        added += cat.counts.added;
        done += cat.counts.done;
        rej += cat.counts.rejected;
    }
    zstdpool_stats_free(stats);
    FUZZ_CHECK(added == c.added && done == c.done && rej == c.rejected,
               "categories add up to %llu/%llu/%llu, totals %llu/%llu/%llu",
               (unsigned long long)added, (unsigned long long)done, (unsigned long long)rej,
               (unsigned long long)c.added, (unsigned long long)c.done,
               (unsigned long long)c.rejected);
}

static void free_slot(slot *s) {
    zstdpool_status st;
    if (s->pool == NULL) {
        return;
    }
    /* Stop and join first to check the accounts on a stopped pool, then free. */
    st = zstdpool_pool_stop(s->pool);
    check_pool_status(s->pool, st, "stop");
    FUZZ_CHECK(st == ZSTDPOOL_OK, "stop: %d", (int)st);
    st = zstdpool_pool_join(s->pool, -1);
    check_pool_status(s->pool, st, "join");
    FUZZ_CHECK(st == ZSTDPOOL_OK, "join(-1) after stop: %d %s", (int)st, zstdpool_last_error());
    verify_stopped(s);
    st = zstdpool_pool_free(s->pool);
    FUZZ_CHECK(st == ZSTDPOOL_OK, "free: %d %s", (int)st, zstdpool_last_error());
    s->pool = NULL;
}

static void new_pool(slot *s, uint8_t b) {
    zstdpool_pool *pool = NULL;
    zstdpool_status st;
    int compress = (b >> 1) & 1;
    int kind = ((b >> 2) & 3);
    const zstdpool_provider *provider = kind < 3 ? g_providers[kind] : NULL;
    const zstdpool_config *cfg = (b & 0x10) ? NULL : g_cfg;
    free_slot(s);
    st = compress ? zstdpool_compressor_new(cfg, provider, &pool)
                  : zstdpool_decompressor_new(cfg, provider, &pool);
    check_status(st, "pool_new");
    FUZZ_CHECK(st == ZSTDPOOL_OK || st == ZSTDPOOL_ERR_INVALID_CONFIG ||
                   (st == ZSTDPOOL_ERR_INVALID_ARGUMENT && provider == NULL),
               "pool_new: %d %s", (int)st, zstdpool_last_error());
    FUZZ_CHECK((st == ZSTDPOOL_OK) == (pool != NULL), "out written on failure");
    if (st != ZSTDPOOL_OK) {
        return;
    }
    memset(s, 0, sizeof *s);
    s->pool = pool;
    s->compress = compress;
    s->max_out = (int64_t)4 << 30;
    s->max_listed = 100000;
    if (cfg != NULL) {
        FUZZ_CHECK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE, &s->max_out) ==
                       ZSTDPOOL_OK,
                   "config_get");
        FUZZ_CHECK(zstdpool_config_get(cfg, ZSTDPOOL_OPT_MAX_REJECTIONS, &s->max_listed) ==
                       ZSTDPOOL_OK,
                   "config_get");
    }
    s->provider_kind = kind;
    if (b & 0x20) { /* the provider handle goes at once: the pool keeps its own */
        if (kind < 3) {
            zstdpool_provider_free(g_providers[kind]);
            g_providers[kind] = NULL;
        }
    }
}

static int provider_ok(int kind) {
    zstdpool_status st = ZSTDPOOL_OK;
    if (g_providers[kind] != NULL) {
        return 1;
    }
    switch (kind) {
        case 0:
            st = zstdpool_provider_memory_new(&g_providers[0]);
            break;
        case 1:
            st = zstdpool_provider_dir_new(g_dir, &g_providers[1]);
            g_dir_used = 1;
            break;
        default:
            st = zstdpool_provider_callbacks_new(store_get, store_put, store_free_user_data,
                                                 &g_store, &g_providers[2]);
            g_store_providers++;
    }
    FUZZ_CHECK(st == ZSTDPOOL_OK, "provider %d: %s", kind, zstdpool_last_error());
    return 1;
}

/* ------------------------------------------------------------------------------------ */
/* Operations                                                                             */
/* ------------------------------------------------------------------------------------ */

static void op_add(reader *r) {
    slot *s = &g_slots[u8(r) & 1];
    uint8_t cat = u8(r), sizeb = u8(r), kind = u8(r), seed = u8(r), decl = u8(r);
    uint8_t fault = u8(r), fault_at = u8(r), chunk = u8(r), action = u8(r);
    entry *e;
    zstdpool_status st;
    size_t len = (size_t)sizeb * 16 + (sizeb & 15);
    if (s->pool == NULL || atomic_load(&g_next_entry) >= MAX_MAIN_ADDS) {
        return;
    }
    e = entry_alloc();
    if (e == NULL) {
        return;
    }
    if (len > MAX_ENTRY) {
        len = MAX_ENTRY;
    }
    fill(e, kind, seed, len, r);
    e->dict_name = category(cat);
    switch (decl % 6) {
        case 0: case 1: e->declared = len; break;
        case 2: e->declared = ZSTDPOOL_SIZE_UNKNOWN; break;
        case 3: e->declared = len + 1 + (decl >> 4); e->faulty = 1; break;
        case 4: e->declared = len > 0 ? len - 1 : 0; e->faulty = len > 0; break;
        default: e->declared = 0; e->faulty = len > 0; break;
    }
    e->fail_code = (int32_t)(fault | 1) * ((fault & 0x80) ? -1 : 1);
    switch (fault % 8) {
        case 1: e->fail_read_at = 1 + fault_at % 4; e->faulty = 1; break;
        case 2: e->fail_write_at = 1 + fault_at % 4; e->faulty = 1; break;
        case 3: e->overread_at = 1 + fault_at % 4; e->faulty = 1; break;
        default: break;
    }
    e->chunk = chunk;
    e->action = action & 7;
    e->where = (action >> 3) & 3;
    e->has_done = (action & 0xe0) != 0xe0;
    st = add_entry(s, e);
    check_pool_status(s->pool, st, "add");
    if (category_refused(e->dict_name)) {
        FUZZ_CHECK(st == ZSTDPOOL_ERR_INVALID_ARGUMENT, "add with dict_name %s: %d",
                   e->dict_name, (int)st);
    } else if (s->stop_requested) {
        FUZZ_CHECK(st == ZSTDPOOL_ERR_STOPPED, "add after stop: %d", (int)st);
    } else {
        FUZZ_CHECK(st == ZSTDPOOL_OK || st == ZSTDPOOL_ERR_STOPPED, "add: %d %s", (int)st,
                   zstdpool_last_error());
    }
    if (st == ZSTDPOOL_ERR_STOPPED) {
        int32_t state = -1;
        FUZZ_CHECK(zstdpool_pool_state(s->pool, &state) == ZSTDPOOL_OK &&
                       state >= ZSTDPOOL_STATE_STOPPING,
                   "STOPPED in state %d", (int)state);
    }
}

/* A decompressing pool gets the output of an entry compressed earlier. */
static void op_add_roundtrip(reader *r) {
    slot *s = &g_slots[u8(r) & 1];
    uint8_t which = u8(r), cat = u8(r), chunk = u8(r), cut = u8(r);
    entry *src = NULL, *e;
    int n = atomic_load(&g_next_entry), i, k = 0;
    zstdpool_status st;
    if (n > MAX_ENTRIES) {
        n = MAX_ENTRIES;
    }
    if (s->pool == NULL || s->compress || n >= MAX_MAIN_ADDS) {
        return;
    }
    for (i = 0; i < n; i++) { /* the which-th finished, successful compression */
        entry *c = &g_entries[i];
        if (c->owner != NULL && c->compress && c->has_done &&
            atomic_load_explicit(&c->done_calls, memory_order_acquire) == 1 &&
            c->status == ZSTDPOOL_OK && k++ == which % 8) {
            src = c;
            break;
        }
    }
    if (src == NULL) {
        return;
    }
    e = entry_alloc();
    if (e == NULL) {
        return;
    }
    e->source = src->index;
    e->src = src->out;
    e->src_len = src->out_len;
    if (cut & 1) { /* truncated or with one byte changed */
        if (cut & 2) {
            e->src_len = src->out_len * (cut >> 2) / 64;
        } else {
            if (src->out_len > 0) {
                memcpy(e->data, src->out, src->out_len < MAX_ENTRY ? src->out_len : MAX_ENTRY);
            }
            e->src = e->data;
            e->src_len = src->out_len < MAX_ENTRY ? src->out_len : MAX_ENTRY;
            if (e->src_len) {
                e->data[(cut >> 2) % e->src_len] ^= (uint8_t)(cut | 1);
            }
        }
        e->faulty = 1;
    }
    e->dict_name = (cat & 0x80) ? src->dict_name : category(cat);
    e->declared = (cat & 0x40) ? ZSTDPOOL_SIZE_UNKNOWN : e->src_len;
    e->chunk = chunk;
    st = add_entry(s, e);
    check_pool_status(s->pool, st, "add");
    FUZZ_CHECK(st == ZSTDPOOL_OK || st == ZSTDPOOL_ERR_STOPPED ||
                   (st == ZSTDPOOL_ERR_INVALID_ARGUMENT && category_refused(e->dict_name)),
               "add: %d %s", (int)st, zstdpool_last_error());
}

static void op_bad_add(reader *r) {
    slot *s = &g_slots[u8(r) & 1];
    uint8_t kind = u8(r);
    entry dummy;
    zstdpool_status st;
    zstdpool_pool *pool = s->pool;
    static const struct {
        const char *name, *dict_name;
        int no_read, no_write, no_pool;
    } BAD[] = {
        {NULL, NULL, 0, 0, 0}, {"\xc3(", NULL, 0, 0, 0}, {"n", "", 0, 0, 0},
        {"n", "\xed\xa0\x80", 0, 0, 0}, {"n", NULL, 1, 0, 0}, {"n", NULL, 0, 1, 0},
        {"n", NULL, 0, 0, 1},
    };
    size_t k = kind % (sizeof BAD / sizeof BAD[0]);
    memset(&dummy, 0, sizeof dummy);
    if (BAD[k].no_pool) {
        pool = NULL;
    }
    st = zstdpool_pool_add(pool, BAD[k].name, BAD[k].dict_name, 1,
                           BAD[k].no_read ? NULL : entry_read, BAD[k].no_write ? NULL : entry_write,
                           entry_done, &dummy);
    check_pool_status(pool, st, "bad add");
    FUZZ_CHECK(st == ZSTDPOOL_ERR_INVALID_ARGUMENT, "bad add %zu accepted: %d", k, (int)st);
    FUZZ_CHECK(atomic_load(&dummy.done_calls) == 0, "callback for a refused add");
}

static void op_null_args(reader *r) {
    slot *s = &g_slots[u8(r) & 1];
    uint8_t which = u8(r);
    zstdpool_pool *pool = s->pool;
    zstdpool_pool *untouched = (zstdpool_pool *)&untouched;
    zstdpool_stats *stats = NULL, *untouched_stats = (zstdpool_stats *)&untouched_stats;
    zstdpool_counts counts;
    zstdpool_category cat;
    zstdpool_status st = ZSTDPOOL_OK;
    const char *name = NULL, *message = NULL;
    zstdpool_status status = 0;
    if (pool != NULL) { /* a live snapshot for the snapshot calls' other NULL arguments */
        FUZZ_CHECK(zstdpool_stats_new(pool, &stats) == ZSTDPOOL_OK, "stats_new");
    }
    switch (which % 17) {
        case 0: st = zstdpool_config_new(NULL); break;
        case 1: st = zstdpool_config_set(NULL, ZSTDPOOL_OPT_LEVEL, 1); break;
        case 2: st = zstdpool_config_get(g_cfg, ZSTDPOOL_OPT_LEVEL, NULL); break;
        case 3: st = zstdpool_compressor_new(g_cfg, NULL, &untouched); break;
        case 4: st = zstdpool_decompressor_new(g_cfg, g_providers[0], NULL); break;
        case 5: st = zstdpool_pool_state(pool, NULL); break;
        case 6: st = zstdpool_pool_totals(pool, NULL); break;
        case 7: st = zstdpool_pool_rejected(pool, 0, NULL, &status, &message); break;
        case 8: st = zstdpool_pool_rejected(pool, 0, &name, NULL, &message); break;
        case 9: st = zstdpool_pool_rejected(pool, 0, &name, &status, NULL); break;
        case 10: st = zstdpool_stats_new(pool, NULL); break;
        case 11: st = zstdpool_stats_new(NULL, &untouched_stats); break;
        case 12: st = zstdpool_stats_totals(stats, NULL); break;
        case 13: st = zstdpool_stats_totals(NULL, &counts); break;
        case 14: st = zstdpool_stats_category(stats, 0, NULL); break;
        case 15: st = zstdpool_dict_buffer_set(NULL, (const uint8_t *)"x", 1); break;
        default: st = zstdpool_provider_callbacks_new(store_get, NULL, NULL, NULL, NULL); break;
    }
    check_status(st, "NULL argument");
    FUZZ_CHECK(st == ZSTDPOOL_ERR_INVALID_ARGUMENT, "NULL argument %d: %d", which % 17, (int)st);
    FUZZ_CHECK(untouched == (zstdpool_pool *)&untouched, "out written on failure");
    FUZZ_CHECK(untouched_stats == (zstdpool_stats *)&untouched_stats, "out written on failure");
    FUZZ_CHECK(name == NULL && message == NULL && status == 0, "outputs written on failure");
    memset(&cat, 0x5a, sizeof cat);
    st = zstdpool_stats_category(NULL, 0, &cat);
    FUZZ_CHECK(st == ZSTDPOOL_ERR_INVALID_ARGUMENT && cat.dict_id == 0x5a5a5a5a,
               "stats_category(NULL): %d", (int)st);
    FUZZ_CHECK(zstdpool_stats_category_count(NULL) == 0, "stats_category_count(NULL)");
    zstdpool_stats_free(stats);
    zstdpool_stats_free(NULL);
    /* NULL pools for every pool call. */
    if (which & 0x80) {
        zstdpool_counts c;
        int32_t state;
        size_t n;
        char buf[4] = "abc";
        FUZZ_CHECK(zstdpool_pool_start(NULL) == ZSTDPOOL_ERR_INVALID_ARGUMENT, "start(NULL)");
        FUZZ_CHECK(zstdpool_pool_flush(NULL) == ZSTDPOOL_ERR_INVALID_ARGUMENT, "flush(NULL)");
        FUZZ_CHECK(zstdpool_pool_wait(NULL) == ZSTDPOOL_ERR_INVALID_ARGUMENT, "wait(NULL)");
        FUZZ_CHECK(zstdpool_pool_stop(NULL) == ZSTDPOOL_ERR_INVALID_ARGUMENT, "stop(NULL)");
        FUZZ_CHECK(zstdpool_pool_join(NULL, 1) == ZSTDPOOL_ERR_INVALID_ARGUMENT, "join(NULL)");
        FUZZ_CHECK(zstdpool_pool_state(NULL, &state) == ZSTDPOOL_ERR_INVALID_ARGUMENT, "state");
        FUZZ_CHECK(zstdpool_pool_totals(NULL, &c) == ZSTDPOOL_ERR_INVALID_ARGUMENT, "totals");
        FUZZ_CHECK(zstdpool_pool_rejected_count(NULL, &n) == ZSTDPOOL_ERR_INVALID_ARGUMENT, "rc");
        FUZZ_CHECK(zstdpool_stats_new(NULL, &untouched_stats) == ZSTDPOOL_ERR_INVALID_ARGUMENT &&
                       untouched_stats == (zstdpool_stats *)&untouched_stats,
                   "stats_new(NULL)");
        FUZZ_CHECK(zstdpool_pool_last_error(NULL, buf, sizeof buf) == 0 && buf[0] == '\0',
                   "last_error(NULL)");
        FUZZ_CHECK(zstdpool_pool_free(NULL) == ZSTDPOOL_OK, "free(NULL)");
        zstdpool_config_free(NULL);
        zstdpool_provider_free(NULL);
    }
}

static void op_join(reader *r) {
    slot *s = &g_slots[u8(r) & 1];
    uint8_t t = u8(r);
    int64_t timeout = t % 11;
    zstdpool_status st;
    if (s->pool == NULL) {
        return;
    }
    if (t >= 0xf0 && s->stop_requested) {
        timeout = -1;
    }
    st = zstdpool_pool_join(s->pool, timeout);
    check_pool_status(s->pool, st, "join");
    FUZZ_CHECK(st == ZSTDPOOL_OK || (st == ZSTDPOOL_ERR_TIMEOUT && timeout >= 0),
               "join(%lld): %d %s", (long long)timeout, (int)st, zstdpool_last_error());
    if (st == ZSTDPOOL_OK) {
        verify_stopped(s);
    }
}

/* A snapshot held across operations (op_categories with bit 7 of its index byte), checked
 * again, unchanged, when it is let go: by the next op_categories that holds one, or after
 * the run's pools are freed. */
#define HELD_NAMES 8
static struct {
    zstdpool_stats *stats;
    size_t count;
    zstdpool_counts totals;
    const char *name_ptr[HELD_NAMES];
    char name[HELD_NAMES][320];
    uint64_t added[HELD_NAMES];
} g_held;

static void release_held(void) {
    zstdpool_counts totals;
    size_t i;
    if (g_held.stats == NULL) {
        return;
    }
    FUZZ_CHECK(zstdpool_stats_category_count(g_held.stats) == g_held.count,
               "held snapshot: %zu categories, then %zu", g_held.count,
               zstdpool_stats_category_count(g_held.stats));
    FUZZ_CHECK(zstdpool_stats_totals(g_held.stats, &totals) == ZSTDPOOL_OK &&
                   memcmp(&totals, &g_held.totals, sizeof totals) == 0,
               "held snapshot: totals changed");
    for (i = 0; i < g_held.count && i < HELD_NAMES; i++) {
        zstdpool_category cat;
        FUZZ_CHECK(zstdpool_stats_category(g_held.stats, i, &cat) == ZSTDPOOL_OK, "held %zu", i);
        FUZZ_CHECK(cat.name == g_held.name_ptr[i] && strcmp(cat.name, g_held.name[i]) == 0 &&
                       cat.counts.added == g_held.added[i],
                   "held snapshot: category %zu was '%s' (%llu added), now '%s' (%llu)", i,
                   g_held.name[i], (unsigned long long)g_held.added[i], cat.name,
                   (unsigned long long)cat.counts.added);
    }
    zstdpool_stats_free(g_held.stats);
    memset(&g_held, 0, sizeof g_held);
}

static void op_categories(reader *r) {
    slot *s = &g_slots[u8(r) & 1];
    uint8_t idx = u8(r);
    size_t n = 0, i, again;
    zstdpool_stats *stats = NULL, *later = NULL;
    zstdpool_category cat, cat2;
    zstdpool_counts totals;
    zstdpool_status st;
    const char *prev = NULL;
    if (s->pool == NULL) {
        return;
    }
    FUZZ_CHECK(zstdpool_stats_new(s->pool, &stats) == ZSTDPOOL_OK && stats != NULL, "stats_new");
    FUZZ_CHECK(zstdpool_stats_totals(stats, &totals) == ZSTDPOOL_OK, "stats_totals");
    FUZZ_CHECK(totals.added <= (uint64_t)atomic_load(&s->accepted),
               "snapshot added %llu > accepted", (unsigned long long)totals.added);
    FUZZ_CHECK(totals.compressed_bytes != 0 || totals.ratio == 0.0, "ratio without bytes");
    n = zstdpool_stats_category_count(stats);
    for (i = 0; i < n; i++) {
        st = zstdpool_stats_category(stats, i, &cat);
        FUZZ_CHECK(st == ZSTDPOOL_OK, "category(%zu) of %zu: %d", i, n, (int)st);
        FUZZ_CHECK(cat.name != NULL && cat.status_message != NULL && cat.status_message[0],
                   "category strings");
        FUZZ_CHECK(cat.status >= ZSTDPOOL_DICT_NO_CATEGORY && cat.status <= ZSTDPOOL_DICT_FAILED,
                   "category status %d", (int)cat.status);
        FUZZ_CHECK((cat.name[0] == '\0') == (cat.status == ZSTDPOOL_DICT_NO_CATEGORY),
                   "category '%s' status %d", cat.name, (int)cat.status);
        FUZZ_CHECK(cat.counts.added >= cat.counts.done + cat.counts.rejected, "category counts");
        FUZZ_CHECK((cat.dict_id == 0) == (cat.dict_size == 0) || cat.status == ZSTDPOOL_DICT_FAILED,
                   "dict id %u size %llu", cat.dict_id, (unsigned long long)cat.dict_size);
        /* Sorted by name, each once. */
        FUZZ_CHECK(prev == NULL || strcmp(prev, cat.name) < 0, "categories '%s' then '%s'",
                   prev ? prev : "", cat.name);
        prev = cat.name;
    }
    /* Out of range: a snapshot never grows, so n and past are refused, *out untouched. */
    memset(&cat, 0x5a, sizeof cat);
    st = zstdpool_stats_category(stats, n + idx, &cat);
    check_status(st, "stats_category");
    FUZZ_CHECK(st == ZSTDPOOL_ERR_INVALID_ARGUMENT &&
                   strstr(zstdpool_last_error(), "out of range") != NULL,
               "category(%zu) of %zu: %d %s", n + idx, n, (int)st, zstdpool_last_error());
    FUZZ_CHECK(cat.dict_id == 0x5a5a5a5a, "out written on failure");
    st = zstdpool_stats_category(stats, SIZE_MAX - idx, &cat);
    FUZZ_CHECK(st == ZSTDPOOL_ERR_INVALID_ARGUMENT, "category(huge): %d", (int)st);
    /* A later snapshot has every category of this one (they only grow), and this one still
     * gives the same strings at the same indexes. */
    FUZZ_CHECK(zstdpool_stats_new(s->pool, &later) == ZSTDPOOL_OK, "stats_new");
    again = zstdpool_stats_category_count(later);
    FUZZ_CHECK(again >= n, "categories went from %zu to %zu", n, again);
    zstdpool_stats_free(later);
    if (n > 0) {
        FUZZ_CHECK(zstdpool_stats_category(stats, 0, &cat) == ZSTDPOOL_OK &&
                       zstdpool_stats_category(stats, 0, &cat2) == ZSTDPOOL_OK &&
                       cat.name == cat2.name && cat.status_message == cat2.status_message,
                   "category strings moved");
    }
    if (idx & 0x80) { /* hold this one: let the previous one go */
        release_held();
        g_held.stats = stats;
        g_held.count = n;
        g_held.totals = totals;
        for (i = 0; i < n && i < HELD_NAMES; i++) {
            FUZZ_CHECK(zstdpool_stats_category(stats, i, &cat) == ZSTDPOOL_OK, "category %zu", i);
            g_held.name_ptr[i] = cat.name;
            snprintf(g_held.name[i], sizeof g_held.name[i], "%s", cat.name);
            g_held.added[i] = cat.counts.added;
        }
    } else {
        zstdpool_stats_free(stats);
    }
}

static void op_rejected(reader *r) {
    slot *s = &g_slots[u8(r) & 1];
    uint8_t idx = u8(r);
    size_t n = 0, i;
    const char *name, *message;
    zstdpool_status status, st;
    if (s->pool == NULL) {
        return;
    }
    FUZZ_CHECK(zstdpool_pool_rejected_count(s->pool, &n) == ZSTDPOOL_OK, "count");
    for (i = 0; i < n; i++) {
        st = zstdpool_pool_rejected(s->pool, i, &name, &status, &message);
        FUZZ_CHECK(st == ZSTDPOOL_OK, "rejected(%zu) of %zu: %d", i, n, (int)st);
        FUZZ_CHECK(name != NULL && name[0] == 'e' && message != NULL && message[0] != '\0',
                   "rejection strings");
        FUZZ_CHECK(status > ZSTDPOOL_OK && status < ZSTDPOOL_ERR_PANIC, "rejection status %d",
                   (int)status);
    }
    /* Out of range (the count only grows: a running pool may have rejected more since). */
    name = message = NULL;
    status = 0;
    st = zstdpool_pool_rejected(s->pool, n + idx, &name, &status, &message);
    check_pool_status(s->pool, st, "rejected");
    if (st == ZSTDPOOL_OK) {
        size_t again = 0;
        FUZZ_CHECK(zstdpool_pool_rejected_count(s->pool, &again) == ZSTDPOOL_OK, "count");
        FUZZ_CHECK(n + idx < again, "rejected(%zu) of %zu (then %zu) succeeded", n + idx, n,
                   again);
    } else {
        FUZZ_CHECK(st == ZSTDPOOL_ERR_INVALID_ARGUMENT, "rejected(%zu) of %zu: %d", n + idx, n,
                   (int)st);
        FUZZ_CHECK(name == NULL && message == NULL && status == 0,
                   "outputs written on failure");
    }
    st = zstdpool_pool_rejected(s->pool, SIZE_MAX - idx, &name, &status, &message);
    FUZZ_CHECK(st == ZSTDPOOL_ERR_INVALID_ARGUMENT, "rejected(huge): %d", (int)st);
}

static void run_op(reader *r) {
    uint8_t op = u8(r) % OP_COUNT;
    zstdpool_status st;
    if (g_verbose) {
        fprintf(stderr, "op %d at byte %zu\n", op, r->i - 1);
    }
    switch (op) {
        case OP_CONFIG_SET: {
            zstdpool_option option = pick_option(u8(r));
            int64_t v = tame(option, value(r)), before = 0, after = 0;
            int known = zstdpool_config_get(g_cfg, option, &before) == ZSTDPOOL_OK;
            const char *option_name = zstdpool_option_name(option);
            FUZZ_CHECK((option_name != NULL) == known, "option %d: known %d, name %s",
                       (int)option, known, option_name ? option_name : "NULL");
            st = zstdpool_config_set(g_cfg, option, v);
            check_status(st, "config_set");
            FUZZ_CHECK(st == ZSTDPOOL_OK || st == ZSTDPOOL_ERR_INVALID_CONFIG ||
                           (st == ZSTDPOOL_ERR_INVALID_ARGUMENT && !known),
                       "config_set(%d, %lld): %d", (int)option, (long long)v, (int)st);
            if (st == ZSTDPOOL_ERR_INVALID_CONFIG) {
                FUZZ_CHECK(strstr(zstdpool_last_error(), option_name) != NULL,
                           "config_set(%s, %lld): message \"%s\" lacks the option's name",
                           option_name, (long long)v, zstdpool_last_error());
            }
            if (known) {
                FUZZ_CHECK(zstdpool_config_get(g_cfg, option, &after) == ZSTDPOOL_OK, "get");
                FUZZ_CHECK(after == (st == ZSTDPOOL_OK ? v : before),
                           "option %d: set %lld (status %d), reads %lld", (int)option,
                           (long long)v, (int)st, (long long)after);
            }
            break;
        }
        case OP_CONFIG_GET: {
            zstdpool_option option = (zstdpool_option)(int8_t)u8(r);
            int64_t v = 12345;
            st = zstdpool_config_get(g_cfg, option, &v);
            check_status(st, "config_get");
            FUZZ_CHECK(st == ZSTDPOOL_OK || (st == ZSTDPOOL_ERR_INVALID_ARGUMENT && v == 12345),
                       "config_get(%d): %d", (int)option, (int)st);
            FUZZ_CHECK((zstdpool_option_name(option) != NULL) == (st == ZSTDPOOL_OK),
                       "option %d: get %d, name %s", (int)option, (int)st,
                       zstdpool_option_name(option) ? zstdpool_option_name(option) : "NULL");
            break;
        }
        case OP_CONFIG_RESET:
            zstdpool_config_free(g_cfg);
            g_cfg = NULL;
            FUZZ_CHECK(zstdpool_config_new(&g_cfg) == ZSTDPOOL_OK, "config_new");
            break;
        case OP_NEW: {
            uint8_t b = u8(r);
            int kind = (b >> 2) & 3;
            if (kind < 3) {
                provider_ok(kind);
            }
            new_pool(&g_slots[b & 1], b);
            break;
        }
        case OP_FREE: {
            slot *s = &g_slots[u8(r) & 1];
            if (s->pool != NULL) {
                st = zstdpool_pool_free(s->pool);
                FUZZ_CHECK(st == ZSTDPOOL_OK, "free: %d", (int)st);
                s->pool = NULL;
            }
            break;
        }
        case OP_ADD:
            op_add(r);
            break;
        case OP_START:
        case OP_FLUSH:
        case OP_WAIT:
        case OP_STOP: {
            slot *s = &g_slots[u8(r) & 1];
            if (s->pool == NULL) {
                break;
            }
            if (op == OP_START) {
                st = zstdpool_pool_start(s->pool);
                FUZZ_CHECK(st == ZSTDPOOL_OK || (st == ZSTDPOOL_ERR_STOPPED), "start: %d", (int)st);
                FUZZ_CHECK(st == ZSTDPOOL_ERR_STOPPED || !s->stop_requested, "start after stop");
            } else if (op == OP_FLUSH) {
                st = zstdpool_pool_flush(s->pool);
            } else if (op == OP_WAIT) {
                st = zstdpool_pool_wait(s->pool);
            } else {
                st = zstdpool_pool_stop(s->pool);
                s->stop_requested = 1;
            }
            check_pool_status(s->pool, st, "lifecycle");
            FUZZ_CHECK(st == ZSTDPOOL_OK || op == OP_START, "op %d: %d %s", op, (int)st,
                       zstdpool_last_error());
            break;
        }
        case OP_JOIN:
            op_join(r);
            break;
        case OP_STATE: {
            slot *s = &g_slots[u8(r) & 1];
            int32_t state = -1;
            if (s->pool == NULL) {
                break;
            }
            FUZZ_CHECK(zstdpool_pool_state(s->pool, &state) == ZSTDPOOL_OK, "state");
            FUZZ_CHECK(state >= ZSTDPOOL_STATE_IDLE && state <= ZSTDPOOL_STATE_STOPPED, "state %d",
                       (int)state);
            FUZZ_CHECK(!s->stop_requested || state >= ZSTDPOOL_STATE_STOPPING,
                       "state %d after stop", (int)state);
            break;
        }
        case OP_TOTALS: {
            slot *s = &g_slots[u8(r) & 1];
            zstdpool_counts c;
            if (s->pool == NULL) {
                break;
            }
            FUZZ_CHECK(zstdpool_pool_totals(s->pool, &c) == ZSTDPOOL_OK, "totals");
            FUZZ_CHECK(c.added >= c.done + c.rejected, "totals %llu < %llu + %llu",
                       (unsigned long long)c.added, (unsigned long long)c.done,
                       (unsigned long long)c.rejected);
            FUZZ_CHECK(c.added <= (uint64_t)atomic_load(&s->accepted), "added %llu > accepted",
                       (unsigned long long)c.added);
            FUZZ_CHECK(c.compressed_bytes != 0 || c.ratio == 0.0, "ratio without bytes");
            break;
        }
        case OP_CATEGORIES:
            op_categories(r);
            break;
        case OP_REJECTED:
            op_rejected(r);
            break;
        case OP_LAST_ERROR: {
            slot *s = &g_slots[u8(r) & 1];
            uint8_t len = u8(r) % 40;
            char buf[40];
            size_t n;
            if (s->pool == NULL) {
                break;
            }
            memset(buf, 'x', sizeof buf);
            n = zstdpool_pool_last_error(s->pool, len ? buf : NULL, len);
            if (len > 0) {
                FUZZ_CHECK(strlen(buf) == (n < len ? n : (size_t)len - 1), "last_error %zu/%u", n,
                           len);
            } else {
                FUZZ_CHECK(buf[0] == 'x', "last_error wrote into a 0-byte buffer");
            }
            break;
        }
        case OP_NULL_ARGS:
            op_null_args(r);
            break;
        case OP_PROVIDER_KNOBS: {
            /* bit 0: get fails; bit 1: put fails; bits 2-4: get serves a bad dictionary
             * (1 not one, 2 "d" cut short, 3 "d" with a changed byte, 4 empty), with the
             * next byte as the cut or the changed byte's place. */
            uint8_t b = u8(r), param = u8(r);
            atomic_store(&g_store.fail_get, (b & 1) ? (int32_t)(b | 1) : 0);
            atomic_store(&g_store.fail_put, (b & 2) ? -(int32_t)(b | 1) : 0);
            atomic_store(&g_store.garbage, ((b >> 2) & 7) % 5);
            g_altered_dicts |= ((b >> 2) & 7) % 5 == 2 || ((b >> 2) & 7) % 5 == 3;
            atomic_store(&g_store.garbage_param, param);
            break;
        }
        case OP_ADD_ROUNDTRIP:
            op_add_roundtrip(r);
            break;
        case OP_BAD_ADD:
            op_bad_add(r);
            break;
        case OP_SLEEP: {
            struct timespec t = {0, (long)(u8(r) % 4) * 1000000L};
            nanosleep(&t, NULL);
            break;
        }
        default:
            break;
    }
}

/* After every pool is freed: each accepted entry was done exactly once, refused ones never;
 * fault-free entries succeeded; OK round trips gave back the original bytes. */
static void verify_entries(void) {
    int n = atomic_load(&g_next_entry), i;
    if (n > MAX_ENTRIES) {
        n = MAX_ENTRIES;
    }
    for (i = 0; i < n; i++) {
        entry *e = &g_entries[i];
        int done = atomic_load(&e->done_calls);
        if (!e->used || e->owner == NULL) {
            continue;
        }
        if (g_verbose) {
            fprintf(stderr, "%s: %s %s, %zu bytes%s, accepted %d, done %d, status %d, out %zu\n",
                    e->name, e->compress ? "compress" : "decompress",
                    e->dict_name ? e->dict_name : "(none)", e->src_len,
                    e->faulty ? " (faulty)" : "", atomic_load(&e->accepted), done,
                    (int)e->status, e->out_len);
        }
        if (!atomic_load(&e->accepted) || !e->has_done) {
            FUZZ_CHECK(done == 0, "%s: refused or without done, yet %d done calls", e->name, done);
            continue;
        }
        FUZZ_CHECK(done == 1, "%s: %d done calls", e->name, done);
        if (e->status == ZSTDPOOL_OK) {
            FUZZ_CHECK(e->bytes_out == e->out_len, "%s: bytes_out %llu, wrote %zu", e->name,
                       (unsigned long long)e->bytes_out, e->out_len);
            FUZZ_CHECK(e->bytes_in == e->src_len && e->pos == e->src_len,
                       "%s: bytes_in %llu, read %zu of %zu", e->name,
                       (unsigned long long)e->bytes_in, e->pos, e->src_len);
        }
        if (e->compress && !e->faulty && (e->dict_name == NULL || e->provider_kind == 0)) {
            FUZZ_CHECK(e->status == ZSTDPOOL_OK, "%s: fault-free compression gave %d", e->name,
                       (int)e->status);
        }
        if (!e->compress && e->source >= 0 && e->status == ZSTDPOOL_OK && !e->faulty &&
            !(g_altered_dicts &&
              (e->provider_kind == 2 || g_entries[e->source].provider_kind == 2))) {
            entry *src = &g_entries[e->source];
            int same = e->out_len == src->len &&
                       (src->len == 0 || memcmp(e->out, src->data, src->len) == 0);
            FUZZ_CHECK(same, "%s: round trip of %s gives %zu bytes for %zu", e->name, src->name,
                       e->out_len, src->len);
        }
        if (!e->compress && e->source >= 0 && !e->faulty && e->dict_name == NULL &&
            g_entries[e->source].dict_name == NULL) {
            int fits = (int64_t)g_entries[e->source].len <= e->max_out;
            FUZZ_CHECK(e->status == (fits ? ZSTDPOOL_OK : ZSTDPOOL_ERR_TOO_LARGE),
                       "%s: round trip without dictionaries of %zu bytes (limit %lld) gave %d",
                       e->name, g_entries[e->source].len, (long long)e->max_out,
                       (int)e->status);
        }
    }
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void cleanup_dir(void) {
    if (g_dir[0]) {
        nftw(g_dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    g_verbose = getenv("ZSTDPOOL_FUZZ_VERBOSE") && getenv("ZSTDPOOL_FUZZ_VERBOSE")[0] == '1';
    memset(g_long_name, 'L', sizeof g_long_name - 1);
    snprintf(g_dir, sizeof g_dir, "%s/zstdpool-fuzz-api-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    FUZZ_CHECK(mkdtemp(g_dir) != NULL, "mkdtemp: %s", strerror(errno));
    atexit(cleanup_dir);
    pthread_mutex_init(&g_store.lock, NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size, 0};
    int ops = 0, i;

    memset(g_entries, 0, sizeof g_entries);
    atomic_store(&g_next_entry, 0);
    memset(g_slots, 0, sizeof g_slots);
    FUZZ_CHECK(zstdpool_config_new(&g_cfg) == ZSTDPOOL_OK, "config_new");
    /* Quick defaults; the program may change them. */
    zstdpool_config_set(g_cfg, ZSTDPOOL_OPT_WORKERS, 2);
    zstdpool_config_set(g_cfg, ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 4);
    zstdpool_config_set(g_cfg, ZSTDPOOL_OPT_TRAINING_MIN_BYTES, 0);
    zstdpool_config_set(g_cfg, ZSTDPOOL_OPT_TRAINING_EFFORT, 0);
    zstdpool_config_set(g_cfg, ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE, 1 << 20);
    atomic_store(&g_store.fail_get, 0);
    atomic_store(&g_store.fail_put, 0);
    atomic_store(&g_store.garbage, 0);
    atomic_store(&g_store.garbage_param, 0);
    atomic_store(&g_store.freed, 0);
    g_store_providers = 0;
    g_altered_dicts = 0;
    if (g_dir_used) { /* each run starts with an empty directory provider */
        cleanup_dir();
        FUZZ_CHECK(mkdir(g_dir, 0700) == 0, "mkdir %s: %s", g_dir, strerror(errno));
        g_dir_used = 0;
    }

    while (r.i < r.n && ops++ < MAX_OPS) {
        run_op(&r);
    }

    for (i = 0; i < 2; i++) {
        free_slot(&g_slots[i]);
    }
    release_held(); /* it outlived its pool */
    verify_entries();
    for (i = 0; i < 3; i++) {
        zstdpool_provider_free(g_providers[i]);
        g_providers[i] = NULL;
    }
    /* The callbacks provider's user data went with its last reference (if it existed). */
    FUZZ_CHECK(atomic_load(&g_store.freed) == g_store_providers,
               "free_user_data called %d times for %d providers", atomic_load(&g_store.freed),
               g_store_providers);
    zstdpool_config_free(g_cfg);
    g_cfg = NULL;
    for (i = 0; i < MAX_ENTRIES; i++) {
        free(g_entries[i].out);
    }
    for (i = 0; i < g_store.count; i++) {
        free(g_store.dicts[i]);
        g_store.dicts[i] = NULL;
    }
    g_store.count = 0;
    return 0;
}
