/*
 * fuzz_decompress.c -- libFuzzer harness: the input is ONE entry of a decompressing pool.
 *
 * Input layout:
 *   byte 0      flags: bits 0-1 the entry's dict_name (0, 3: "d", the fixed dictionary;
 *               1: NULL; 2: "missing", a name the provider has no dictionary for);
 *               bit 2: declare the entry's exact size (else ZSTDPOOL_SIZE_UNKNOWN);
 *               bit 3: declare a wrong size (size + 1; decompression ignores sizes)
 *   byte 1      n = byte & 7: how many chunk-size bytes follow
 *   n bytes     chunk sizes of the read callback's successive answers, used in a cycle
 *               (b < 128: b + 1 bytes; else (b - 127) * 64 bytes; never above the
 *               capacity); n = 0: every read fills the whole capacity
 *   the rest    the entry's bytes (a zstd frame, or anything)
 *
 * Checks: exactly one done callback, after the last read/write; the status is OK or a
 * decoding error (EMPTY_INPUT iff the entry is empty; DICT_MISMATCH only when the entry
 * has a dictionary); message NULL iff OK; bytes_in/bytes_out match what was read and
 * written; the output never exceeds ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE; the read callback
 * is never called after it reported the end; the pool's rejected list and totals agree.
 * With FUZZ_ORACLE (build.sh links the decoder of the libzstd sources bundled by zstd-sys,
 * the library's own version, built apart), every entry is also decoded by libzstd directly,
 * frame by frame, with the same dictionary rule: both must agree on success and on the
 * bytes.
 *
 * The pool is created per input by default (the provider look-up, worker start and
 * teardown are part of every run); ZSTDPOOL_FUZZ_STATIC_POOL=1 in the environment keeps
 * one pool for the whole process (faster, see fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

#define LIMIT (1u << 20) /* ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE */

typedef struct {
    const uint8_t *data;
    size_t len;
    size_t pos;
    const uint8_t *chunks;
    size_t nchunks;
    size_t next_chunk;
    int eof_reported;
    int reads_after_eof;
    uint8_t *out;
    size_t out_len;
    int done_calls;
    int calls_after_done;
    int name_ok;
    zstdpool_status status;
    int message_null;
    char message[512];
    uint64_t bytes_in;
    uint64_t bytes_out;
} fuzz_entry;

static uint8_t g_out[LIMIT];

static int32_t entry_read(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len) {
    fuzz_entry *e = (fuzz_entry *)user_data;
    size_t n = e->len - e->pos;
    if (e->done_calls) {
        e->calls_after_done++;
    }
    if (e->eof_reported) {
        e->reads_after_eof++;
    }
    FUZZ_CHECK(capacity > 0, "read callback with capacity 0");
    if (e->nchunks > 0) {
        uint8_t b = e->chunks[e->next_chunk++ % e->nchunks];
        size_t chunk = b < 128 ? (size_t)b + 1 : (size_t)(b - 127) * 64;
        if (n > chunk) {
            n = chunk;
        }
    }
    if (n > capacity) {
        n = capacity;
    }
    if (n > 0) {
        memcpy(buf, e->data + e->pos, n);
    }
    e->pos += n;
    e->eof_reported = n == 0;
    *out_len = n;
    return 0;
}

static int32_t entry_write(void *user_data, const uint8_t *data, size_t len) {
    fuzz_entry *e = (fuzz_entry *)user_data;
    if (e->done_calls) {
        e->calls_after_done++;
    }
    FUZZ_CHECK(len > 0, "write callback with len 0");
    FUZZ_CHECK(e->out_len + len <= LIMIT, "output exceeds the limit: %zu + %zu > %u",
               e->out_len, len, LIMIT);
    memcpy(e->out + e->out_len, data, len);
    e->out_len += len;
    return 0;
}

static void entry_done(void *user_data, const char *name, zstdpool_status status,
                       const char *message, uint64_t bytes_in, uint64_t bytes_out) {
    fuzz_entry *e = (fuzz_entry *)user_data;
    e->done_calls++;
    e->name_ok = name != NULL && strcmp(name, "entry") == 0;
    e->status = status;
    e->message_null = message == NULL;
    snprintf(e->message, sizeof e->message, "%s", message ? message : "");
    e->bytes_in = bytes_in;
    e->bytes_out = bytes_out;
}

/* ------------------------------------------------------------------------------------ */
/* The oracle: libzstd's own streaming decoder, one frame at a time                      */
/* ------------------------------------------------------------------------------------ */

#ifdef FUZZ_ORACLE
#include <zstd.h>

static ZSTD_DCtx *g_oracle_dctx;
static ZSTD_DDict *g_oracle_ddict;
static uint8_t g_oracle_out[LIMIT + 1];

/* Decodes src frame by frame as the pool should: a frame naming a dictionary id needs the
 * entry's dictionary with that id; the output may hold at most LIMIT bytes. Returns 1 with
 * *produced on success, 0 (with *why) on failure. */
static int oracle(const uint8_t *src, size_t len, int has_dict, size_t *produced,
                  const char **why) {
    size_t pos = 0, total = 0;
    uint32_t dict_id = fuzz_dict_id(d_zdict);
    *why = "";
    if (len == 0) {
        *why = "empty";
        return 0;
    }
    while (pos < len) {
        size_t frame = ZSTD_findFrameCompressedSize(src + pos, len - pos);
        unsigned frame_dict;
        ZSTD_inBuffer in;
        ZSTD_outBuffer out;
        if (ZSTD_isError(frame)) {
            *why = ZSTD_getErrorName(frame);
            return 0;
        }
        /* A skippable frame's "dictionary id" is its magic number's variant. */
        frame_dict = ZSTD_getDictID_fromFrame(src + pos, frame);
        if (frame >= 4 && src[pos] >= 0x50 && src[pos] <= 0x5f && src[pos + 1] == 0x2a &&
            src[pos + 2] == 0x4d && src[pos + 3] == 0x18) {
            frame_dict = 0;
        }
        if (frame_dict != 0 && (!has_dict || frame_dict != dict_id)) {
            *why = "dictionary missing or mismatched";
            return 0;
        }
        ZSTD_DCtx_reset(g_oracle_dctx, ZSTD_reset_session_only);
        /* A frame without a dictionary id is decoded with the entry's dictionary, if any. */
        ZSTD_DCtx_refDDict(g_oracle_dctx, (frame_dict || has_dict) ? g_oracle_ddict : NULL);
        in.src = src + pos;
        in.size = frame;
        in.pos = 0;
        out.dst = g_oracle_out + total;
        out.size = LIMIT + 1 - total;
        out.pos = 0;
        for (;;) {
            size_t in_before = in.pos, out_before = out.pos;
            size_t ret = ZSTD_decompressStream(g_oracle_dctx, &out, &in);
            if (ZSTD_isError(ret)) {
                *why = ZSTD_getErrorName(ret);
                return 0;
            }
            if (ret == 0) {
                break;
            }
            if (total + out.pos > LIMIT) {
                *why = "too large";
                return 0;
            }
            if (in.pos == in_before && out.pos == out_before) {
                *why = "truncated (no progress)";
                return 0;
            }
        }
        total += out.pos;
        if (total > LIMIT) {
            *why = "too large";
            return 0;
        }
        pos += frame;
    }
    *produced = total;
    return 1;
}
#endif

/* ------------------------------------------------------------------------------------ */
/* The pool                                                                              */
/* ------------------------------------------------------------------------------------ */

static int g_static_pool;
static int g_verbose; /* ZSTDPOOL_FUZZ_VERBOSE=1: print each entry's outcome */
static zstdpool_pool *g_pool;

static zstdpool_pool *make_pool(void) {
    zstdpool_config *cfg = NULL;
    zstdpool_provider *provider = NULL;
    zstdpool_pool *pool = NULL;
    FUZZ_CHECK(zstdpool_config_new(&cfg) == ZSTDPOOL_OK, "%s", zstdpool_last_error());
    FUZZ_CHECK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, 1) == ZSTDPOOL_OK, "%s",
               zstdpool_last_error());
    FUZZ_CHECK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE, LIMIT) ==
                   ZSTDPOOL_OK,
               "%s", zstdpool_last_error());
    FUZZ_CHECK(zstdpool_provider_callbacks_new(fuzz_fixed_get, fuzz_refuse_put, NULL, NULL,
                                               &provider) == ZSTDPOOL_OK,
               "%s", zstdpool_last_error());
    FUZZ_CHECK(zstdpool_decompressor_new(cfg, provider, &pool) == ZSTDPOOL_OK, "%s",
               zstdpool_last_error());
    zstdpool_provider_free(provider);
    zstdpool_config_free(cfg);
    return pool;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    const char *env = getenv("ZSTDPOOL_FUZZ_STATIC_POOL");
    (void)argc, (void)argv;
    g_static_pool = env != NULL && env[0] == '1';
    env = getenv("ZSTDPOOL_FUZZ_VERBOSE");
    g_verbose = env != NULL && env[0] == '1';
    if (g_static_pool) {
        g_pool = make_pool();
    }
#ifdef FUZZ_ORACLE
    g_oracle_dctx = ZSTD_createDCtx();
    g_oracle_ddict = ZSTD_createDDict(d_zdict, d_zdict_len);
    FUZZ_CHECK(g_oracle_dctx != NULL && g_oracle_ddict != NULL, "oracle setup");
#endif
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const DICT_NAMES[4] = {"d", NULL, "missing", "d"};
    fuzz_entry e;
    zstdpool_pool *pool;
    zstdpool_counts before, after;
    size_t rejected_before = 0, rejected_after = 0;
    uint8_t flags, nchunks;
    const char *dict_name;
    uint64_t declared;
    zstdpool_status added;

    if (size < 2) {
        return 0;
    }
    flags = data[0];
    nchunks = data[1] & 7;
    if (size < 2u + nchunks) {
        return 0;
    }
    memset(&e, 0, sizeof e);
    e.chunks = data + 2;
    e.nchunks = nchunks;
    e.data = data + 2 + nchunks;
    e.len = size - 2 - nchunks;
    e.out = g_out;
    dict_name = DICT_NAMES[flags & 3];
    declared = ZSTDPOOL_SIZE_UNKNOWN;
    if (flags & 4) {
        declared = (uint64_t)e.len + ((flags & 8) ? 1 : 0);
    }

    pool = g_static_pool ? g_pool : make_pool();
    FUZZ_CHECK(zstdpool_pool_totals(pool, &before) == ZSTDPOOL_OK, "%s", zstdpool_last_error());
    FUZZ_CHECK(zstdpool_pool_rejected_count(pool, &rejected_before) == ZSTDPOOL_OK, "%s",
               zstdpool_last_error());

    added = zstdpool_pool_add(pool, "entry", dict_name, declared, entry_read, entry_write,
                              entry_done, &e);
    FUZZ_CHECK(added == ZSTDPOOL_OK, "add: %d %s", (int)added, zstdpool_last_error());
    if (g_static_pool) {
        FUZZ_CHECK(zstdpool_pool_wait(pool) == ZSTDPOOL_OK, "%s", zstdpool_last_error());
    } else {
        /* Stop and join through the public calls, then free. */
        FUZZ_CHECK(zstdpool_pool_stop(pool) == ZSTDPOOL_OK, "%s", zstdpool_last_error());
        FUZZ_CHECK(zstdpool_pool_join(pool, -1) == ZSTDPOOL_OK, "%s", zstdpool_last_error());
    }

    if (g_verbose) {
        fprintf(stderr, "entry of %zu bytes, dict %s: status %d (%s), %zu bytes out%s%s\n",
                e.len, dict_name ? dict_name : "NULL", (int)e.status,
                zstdpool_status_str(e.status), e.out_len, e.message_null ? "" : ": ",
                e.message);
    }
    FUZZ_CHECK(e.done_calls == 1, "done called %d times", e.done_calls);
    FUZZ_CHECK(e.calls_after_done == 0, "%d read/write calls after done", e.calls_after_done);
    FUZZ_CHECK(e.reads_after_eof == 0, "read called %d times after the end", e.reads_after_eof);
    FUZZ_CHECK(e.name_ok, "done got another name");
    FUZZ_CHECK(e.message_null == (e.status == ZSTDPOOL_OK), "status %d with message %s",
               (int)e.status, e.message_null ? "NULL" : e.message);
    switch (e.status) {
        case ZSTDPOOL_OK:
            FUZZ_CHECK(e.bytes_in == e.len, "bytes_in %llu, entry %zu bytes",
                       (unsigned long long)e.bytes_in, e.len);
            FUZZ_CHECK(e.bytes_out == e.out_len, "bytes_out %llu, wrote %zu",
                       (unsigned long long)e.bytes_out, e.out_len);
            FUZZ_CHECK(e.pos == e.len, "OK after reading %zu of %zu bytes", e.pos, e.len);
            break;
        case ZSTDPOOL_ERR_EMPTY_INPUT:
        case ZSTDPOOL_ERR_NOT_ZSTD:
        case ZSTDPOOL_ERR_TRUNCATED:
        case ZSTDPOOL_ERR_CORRUPT:
        case ZSTDPOOL_ERR_TOO_LARGE:
        case ZSTDPOOL_ERR_DICT_MISSING:
        case ZSTDPOOL_ERR_DICT_MISMATCH:
            FUZZ_CHECK(e.message[0] != '\0', "empty message for status %d", (int)e.status);
            FUZZ_CHECK(strstr(e.message, "entry") != NULL, "message lacks the entry's name: %s",
                       e.message);
            FUZZ_CHECK(e.bytes_in == 0 && e.bytes_out == 0, "counts on a rejection");
            break;
        default:
            FUZZ_CHECK(0, "unexpected status %d (%s): %s", (int)e.status,
                       zstdpool_status_str(e.status), e.message);
    }
    FUZZ_CHECK((e.status == ZSTDPOOL_ERR_EMPTY_INPUT) == (e.len == 0),
               "status %d for an entry of %zu bytes", (int)e.status, e.len);
    FUZZ_CHECK(e.status != ZSTDPOOL_ERR_DICT_MISMATCH || dict_name == DICT_NAMES[0],
               "DICT_MISMATCH without a dictionary: %s", e.message);

    FUZZ_CHECK(zstdpool_pool_totals(pool, &after) == ZSTDPOOL_OK, "%s", zstdpool_last_error());
    FUZZ_CHECK(zstdpool_pool_rejected_count(pool, &rejected_after) == ZSTDPOOL_OK, "%s",
               zstdpool_last_error());
    FUZZ_CHECK(after.added == before.added + 1, "added %llu -> %llu",
               (unsigned long long)before.added, (unsigned long long)after.added);
    FUZZ_CHECK(after.added == after.done + after.rejected,
               "added %llu != done %llu + rejected %llu", (unsigned long long)after.added,
               (unsigned long long)after.done, (unsigned long long)after.rejected);
    FUZZ_CHECK(rejected_after == rejected_before + (e.status != ZSTDPOOL_OK),
               "rejected count %zu -> %zu with status %d", rejected_before, rejected_after,
               (int)e.status);
    FUZZ_CHECK(after.rejected == rejected_after, "totals.rejected %llu, rejected count %zu",
               (unsigned long long)after.rejected, rejected_after);
    if (e.status != ZSTDPOOL_OK) {
        const char *name = NULL, *message = NULL;
        zstdpool_status status = -1;
        FUZZ_CHECK(zstdpool_pool_rejected(pool, rejected_after - 1, &name, &status, &message) ==
                       ZSTDPOOL_OK,
                   "%s", zstdpool_last_error());
        FUZZ_CHECK(strcmp(name, "entry") == 0 && status == e.status &&
                       strncmp(message, e.message, sizeof e.message - 1) == 0,
                   "rejection %s/%d/%s differs from the done callback's %d/%s", name,
                   (int)status, message, (int)e.status, e.message);
    } else {
        FUZZ_CHECK(after.raw_bytes == before.raw_bytes + e.out_len &&
                       after.compressed_bytes == before.compressed_bytes + e.len,
                   "byte totals");
    }
    FUZZ_CHECK(zstdpool_pool_rejected(pool, rejected_after, &(const char *){NULL},
                                      &(zstdpool_status){0}, &(const char *){NULL}) ==
                   ZSTDPOOL_ERR_INVALID_ARGUMENT,
               "rejected(count) accepted");

#ifdef FUZZ_ORACLE
    {
        size_t produced = 0;
        const char *why = "";
        int ok = oracle(e.data, e.len, dict_name == DICT_NAMES[0], &produced, &why);
        FUZZ_CHECK(ok == (e.status == ZSTDPOOL_OK),
                   "libzstd %s (%s) but the pool says %d: %s",
                   ok ? "decodes it" : "refuses it", why, (int)e.status, e.message);
        if (ok) {
            FUZZ_CHECK(produced == e.out_len && memcmp(g_oracle_out, e.out, produced) == 0,
                       "the pool's %zu bytes differ from libzstd's %zu", e.out_len,
                       produced);
        }
    }
#endif

    if (!g_static_pool) {
        int32_t state = -1;
        FUZZ_CHECK(zstdpool_pool_state(pool, &state) == ZSTDPOOL_OK &&
                       state == ZSTDPOOL_STATE_STOPPED,
                   "state %d after join", (int)state);
        FUZZ_CHECK(zstdpool_pool_add(pool, "late", NULL, 0, entry_read, entry_write, entry_done,
                                     &e) == ZSTDPOOL_ERR_STOPPED,
                   "add after stop");
        FUZZ_CHECK(zstdpool_pool_free(pool) == ZSTDPOOL_OK, "%s", zstdpool_last_error());
        FUZZ_CHECK(e.done_calls == 1, "done called %d times after free", e.done_calls);
    }
    return 0;
}
