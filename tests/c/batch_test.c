/*
 * batch_test.c -- the batch API: many entries from memory in one call.
 *
 * Round trips through zstdpool_pool_run_batch() (dictionaries trained on the batch's first
 * entries, found again by category and by frame id), zstdpool_pool_add_batch() with its done
 * callback, zstdpool_pool_run_batch_into() writing outputs into the caller's memory,
 * rejected entries with their status and message, every NULL and bad argument, an empty
 * batch and a stopped pool. Ends with "N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

#define ENTRIES 600
#define CATEGORIES 4

static char *names[ENTRIES];
static const char *categories[ENTRIES];
static uint8_t *inputs[ENTRIES];
static size_t sizes[ENTRIES];
static const char *category_names[CATEGORIES] = {"gauss_log", "boole_log", "summary_xml",
                                                 "std_out"};

/* Entry i: a log-like text of its category, different per entry. */
static void make_entries(void) {
    for (size_t i = 0; i < ENTRIES; i++) {
        size_t kind = i % CATEGORIES;
        char line[160];
        size_t cap = 4096, len = 0;
        uint8_t *text = malloc(cap);
        for (size_t l = 0; l < 8 + i % 13; l++) {
            int n = snprintf(line, sizeof line,
                             "%s %05zu ApplicationMgr INFO step %zu of job %zu: events=%zu ok\n",
                             category_names[kind], l, kind, i, (i * 7919 + l * 31) % 100000);
            memcpy(text + len, line, (size_t)n);
            len += (size_t)n;
        }
        names[i] = malloc(32);
        snprintf(names[i], 32, "job%04zu/file%zu", i, kind);
        categories[i] = category_names[kind];
        inputs[i] = text;
        sizes[i] = len;
    }
}

static void free_entries(void) {
    for (size_t i = 0; i < ENTRIES; i++) {
        free(names[i]);
        free(inputs[i]);
    }
}

static zstdpool_pool *new_pool(int compress, zstdpool_provider *dicts) {
    zstdpool_config *cfg = NULL;
    CHECK_OK(zstdpool_config_new(&cfg));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, 2));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 16));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_MIN_BYTES, 0));
    /* Say the categories are large, so that dictionaries pay for themselves. */
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME, 1 << 30));
    return check_pool_new(cfg, dicts, compress);
}

/* The frames of a batch, copied out (the batch is freed by the caller). */
static uint8_t *frames[ENTRIES];
static size_t frame_sizes[ENTRIES];

static zstdpool_provider *g_dicts; /* the dictionaries round_trip() trained */

static void round_trip(void) {
    zstdpool_provider *dicts = NULL;
    CHECK_OK(zstdpool_provider_memory_new(&dicts));
    g_dicts = dicts;
    zstdpool_pool *compressor = new_pool(1, dicts);
    zstdpool_batch *batch = NULL;
    CHECK_OK(zstdpool_pool_run_batch(compressor, ENTRIES, (const char *const *)names, categories,
                                     (const uint8_t *const *)inputs, sizes, &batch));
    CHECK(zstdpool_batch_count(batch) == ENTRIES);
    size_t raw = 0, packed = 0;
    for (size_t i = 0; i < ENTRIES; i++) {
        const uint8_t *data = NULL;
        size_t len = 0;
        CHECK_OK(zstdpool_batch_entry(batch, i, &data, &len));
        CHECK(strcmp(zstdpool_batch_message(batch, i), "") == 0);
        frames[i] = malloc(len);
        memcpy(frames[i], data, len);
        frame_sizes[i] = len;
        raw += sizes[i];
        packed += len;
    }
    zstdpool_batch_free(batch);
    CHECK(raw > 4 * packed); /* dictionaries were trained and used */
    zstdpool_counts totals;
    CHECK_OK(zstdpool_pool_wait(compressor)); /* the counts are complete once wait returns */
    CHECK_OK(zstdpool_pool_totals(compressor, &totals));
    CHECK(totals.added == ENTRIES && totals.done == ENTRIES && totals.rejected == 0);
    CHECK(totals.raw_bytes == raw && totals.compressed_bytes == packed);
    zstdpool_stats *stats = NULL;
    CHECK_OK(zstdpool_stats_new(compressor, &stats));
    double archive_ratio = zstdpool_stats_archive_ratio(stats);
    CHECK(archive_ratio > 1.0 && archive_ratio < totals.ratio); /* the dictionaries count */
    zstdpool_stats_free(stats);
    CHECK(zstdpool_stats_archive_ratio(NULL) == 0.0);
    CHECK_OK(zstdpool_pool_free(compressor));

    /* Back by category, then by frame id (no categories at all). */
    zstdpool_pool *decompressor = new_pool(0, dicts);
    for (int by_category = 1; by_category >= 0; by_category--) {
        CHECK_OK(zstdpool_pool_run_batch(decompressor, ENTRIES, (const char *const *)names,
                                         by_category ? categories : NULL,
                                         (const uint8_t *const *)frames, frame_sizes, &batch));
        static const uint8_t *outs[ENTRIES];
        static size_t lens[ENTRIES];
        static zstdpool_status statuses[ENTRIES];
        CHECK_OK(zstdpool_batch_entries(batch, 0, ENTRIES, outs, lens, statuses));
        for (size_t i = 0; i < ENTRIES; i++) {
            const uint8_t *data = NULL;
            size_t len = 0;
            CHECK_OK(zstdpool_batch_entry(batch, i, &data, &len));
            CHECK(len == sizes[i] && memcmp(data, inputs[i], len) == 0);
            CHECK(statuses[i] == ZSTDPOOL_OK && outs[i] == data && lens[i] == len);
        }
        zstdpool_batch_free(batch);
    }
    CHECK_OK(zstdpool_pool_free(decompressor));
}

/* zstdpool_pool_run_batch_into(): outputs that fit go into the caller's buffers, the others
 * (too small a buffer, NULL, a frame without content size) into the batch; the bytes past
 * an output stay as they were. Both directions. */
static void into_caller_memory(void) {
    enum { N = 64 };
    static uint8_t *buffers[N];
    static size_t capacities[N];
    const uint8_t *frame_data[N];
    size_t frame_lens[N];
    for (size_t i = 0; i < N; i++) {
        frame_data[i] = frames[i];
        frame_lens[i] = frame_sizes[i];
        /* Every 8th too small by one byte, every 8th (from 4) NULL: into the batch. */
        capacities[i] = sizes[i] + 16 - (i % 8 == 0 ? 17 : 0);
        buffers[i] = i % 8 == 4 ? NULL : malloc(capacities[i] + 1);
        if (buffers[i]) memset(buffers[i], 0xA5, capacities[i]);
    }
    zstdpool_pool *decompressor = new_pool(0, g_dicts);
    zstdpool_batch *batch = NULL;
    CHECK_OK(zstdpool_pool_run_batch_into(decompressor, N, (const char *const *)names, categories,
                                          frame_data, frame_lens, buffers, capacities, &batch));
    size_t placed = 0;
    for (size_t i = 0; i < N; i++) {
        const uint8_t *data = NULL;
        size_t len = 0;
        CHECK_OK(zstdpool_batch_entry(batch, i, &data, &len));
        CHECK(len == sizes[i] && memcmp(data, inputs[i], len) == 0);
        int fits = buffers[i] != NULL && capacities[i] >= sizes[i];
        CHECK((data == buffers[i]) == fits);
        if (fits) {
            placed++;
            CHECK(buffers[i][len] == 0xA5 && buffers[i][capacities[i] - 1] == 0xA5);
        }
    }
    CHECK(placed == N - N / 8 - N / 8);
    zstdpool_counts totals;
    CHECK_OK(zstdpool_pool_wait(decompressor));
    CHECK_OK(zstdpool_pool_totals(decompressor, &totals));
    CHECK(totals.done == N && totals.rejected == 0);
    zstdpool_batch_free(batch);
    CHECK_OK(zstdpool_pool_free(decompressor));

    /* Compressing: a buffer of ZSTD_compressBound() takes the frame, a smaller one not. */
    zstdpool_pool *compressor = new_pool(1, g_dicts);
    for (size_t i = 0; i < N; i++) {
        free(buffers[i]);
        capacities[i] = i % 2 ? sizes[i] + 1024 : 8; /* 1 KiB over the bound for small logs */
        buffers[i] = malloc(capacities[i]);
    }
    CHECK_OK(zstdpool_pool_run_batch_into(compressor, N, (const char *const *)names, categories,
                                          (const uint8_t *const *)inputs, sizes, buffers,
                                          capacities, &batch));
    zstdpool_pool *checker = new_pool(0, g_dicts);
    for (size_t i = 0; i < N; i++) {
        const uint8_t *data = NULL;
        size_t len = 0;
        CHECK_OK(zstdpool_batch_entry(batch, i, &data, &len));
        CHECK((data == buffers[i]) == (i % 2 == 1));
        zstdpool_batch *back = NULL;
        CHECK_OK(zstdpool_pool_process_one(checker, names[i], categories[i], data, len, &back));
        const uint8_t *raw = NULL;
        size_t raw_len = 0;
        CHECK_OK(zstdpool_batch_entry(back, 0, &raw, &raw_len));
        CHECK(raw_len == sizes[i] && memcmp(raw, inputs[i], raw_len) == 0);
        zstdpool_batch_free(back);
    }
    zstdpool_batch_free(batch);
    for (size_t i = 0; i < N; i++) free(buffers[i]);
    /* Arrays of outputs are required with entries, not without. */
    const char *one_name[1] = {"x"};
    const uint8_t *one_data[1] = {(const uint8_t *)"abc"};
    size_t one_size[1] = {3};
    uint8_t *one_out[1] = {NULL};
    CHECK_FAILS(zstdpool_pool_run_batch_into(compressor, 1, one_name, NULL, one_data, one_size,
                                             NULL, one_size, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "outputs is NULL");
    CHECK_FAILS(zstdpool_pool_run_batch_into(compressor, 1, one_name, NULL, one_data, one_size,
                                             one_out, NULL, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "capacities is NULL");
    CHECK_OK(zstdpool_pool_run_batch_into(compressor, 0, NULL, NULL, NULL, NULL, NULL, NULL,
                                          &batch));
    CHECK(zstdpool_batch_count(batch) == 0);
    zstdpool_batch_free(batch);
    CHECK_OK(zstdpool_pool_free(checker));
    CHECK_OK(zstdpool_pool_free(compressor));
}

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One entry at a time on the calling thread, with the pool's dictionaries. */
static void one_shot(void) {
    zstdpool_pool *decompressor = new_pool(0, g_dicts);
    zstdpool_batch *one = NULL;
    const uint8_t *data = NULL;
    size_t len = 0;
    for (size_t i = 0; i < ENTRIES; i++) {
        const char *category = i % 2 ? categories[i] : NULL; /* by name, or by frame id */
        CHECK_OK(zstdpool_pool_process_one(decompressor, names[i], category, frames[i],
                                           frame_sizes[i], &one));
        CHECK(zstdpool_batch_count(one) == 1);
        CHECK_OK(zstdpool_batch_entry(one, 0, &data, &len));
        CHECK(len == sizes[i] && memcmp(data, inputs[i], len) == 0);
        zstdpool_batch_free(one);
        one = NULL;
    }
    double started = seconds_now();
    for (int round = 0; round < 10; round++) {
        for (size_t i = 0; i < ENTRIES; i++) {
            CHECK_OK(zstdpool_pool_process_one(decompressor, names[i], categories[i], frames[i],
                                               frame_sizes[i], &one));
            zstdpool_batch_free(one);
        }
    }
    printf("one-shot decompression: %.2f us per entry (%d entries of about 600 bytes)\n",
           (seconds_now() - started) * 1e6 / (10.0 * ENTRIES), ENTRIES);
    one = NULL;
    static const uint8_t garbage[] = "not a frame";
    CHECK_FAILS(zstdpool_pool_process_one(decompressor, "junk", NULL, garbage, sizeof garbage, &one),
                ZSTDPOOL_ERR_NOT_ZSTD, "junk: ");
    CHECK(one == NULL);
    CHECK_FAILS(zstdpool_pool_process_one(decompressor, "e", NULL, NULL, 0, &one),
                ZSTDPOOL_ERR_EMPTY_INPUT, "e: ");
    CHECK_FAILS(zstdpool_pool_process_one(NULL, "e", NULL, garbage, 1, &one),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "pool");
    CHECK_FAILS(zstdpool_pool_process_one(decompressor, NULL, NULL, garbage, 1, &one),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "name");
    CHECK_FAILS(zstdpool_pool_process_one(decompressor, "e", NULL, NULL, 5, &one),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "data");
    CHECK_FAILS(zstdpool_pool_process_one(decompressor, "e", NULL, garbage, 1, NULL),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "out");
    zstdpool_counts totals;
    CHECK_OK(zstdpool_pool_totals(decompressor, &totals));
    CHECK(totals.added == 0); /* one-shot calls are not entries of the pool */
    CHECK_OK(zstdpool_pool_free(decompressor));

    /* Compressing one entry: with the category's dictionary once the pool knows it. */
    zstdpool_pool *compressor = new_pool(1, g_dicts);
    CHECK_OK(zstdpool_pool_process_one(compressor, names[0], categories[0], inputs[0], sizes[0],
                                       &one));
    CHECK_OK(zstdpool_batch_entry(one, 0, &data, &len));
    CHECK(len > 0 && len < sizes[0]);
    zstdpool_batch_free(one);
    CHECK_OK(zstdpool_pool_free(compressor));
}

/* add_batch: the done callback owns the batch. */
static zstdpool_batch *delivered;
static int delivered_count;
static void on_batch(void *user_data, zstdpool_batch *batch) {
    (void)user_data;
    delivered = batch;
    delivered_count++;
}

/* Whether a frame records a dictionary id (the Dictionary_ID_flag of its header byte). */
static int has_dict_id(const uint8_t *frame, size_t len) { return len > 4 && (frame[4] & 3) != 0; }

static void async_batch_with_rejections(void) {
    zstdpool_provider *dicts = NULL;
    CHECK_OK(zstdpool_provider_memory_new(&dicts));
    zstdpool_pool *pool = new_pool(0, dicts);
    static const uint8_t garbage[] = "this is not a zstd frame";
    size_t with_dict = 0;
    while (with_dict < ENTRIES && !has_dict_id(frames[with_dict], frame_sizes[with_dict])) {
        with_dict++;
    }
    CHECK(with_dict < ENTRIES);
    if (with_dict == ENTRIES) with_dict = 0;
    const uint8_t *data[3] = {frames[with_dict], garbage, NULL};
    size_t lens[3] = {frame_sizes[with_dict], sizeof garbage, 0};
    const char *bad_names[3] = {"first", "garbage", "empty"};
    /* The provider is new: the first frame's dictionary is missing. */
    CHECK_OK(zstdpool_pool_add_batch(pool, 3, bad_names, NULL, data, lens, on_batch, NULL));
    CHECK_OK(zstdpool_pool_flush(pool));
    CHECK_OK(zstdpool_pool_wait(pool));
    CHECK(delivered_count == 1 && zstdpool_batch_count(delivered) == 3);
    const uint8_t *out = NULL;
    size_t len = 0;
    CHECK_STATUS(zstdpool_batch_entry(delivered, 0, &out, &len), ZSTDPOOL_ERR_DICT_MISSING);
    CHECK(strncmp(zstdpool_batch_message(delivered, 0), "first: ", 7) == 0);
    CHECK_STATUS(zstdpool_batch_entry(delivered, 1, &out, &len), ZSTDPOOL_ERR_NOT_ZSTD);
    CHECK(strncmp(zstdpool_batch_message(delivered, 1), "garbage: ", 9) == 0);
    CHECK_STATUS(zstdpool_batch_entry(delivered, 2, &out, &len), ZSTDPOOL_ERR_EMPTY_INPUT);
    CHECK(out == NULL && len == 0); /* not written on rejection */
    size_t rejected = 0;
    CHECK_OK(zstdpool_pool_rejected_count(pool, &rejected));
    CHECK(rejected == 3);
    /* Out of range and NULL accessors. */
    CHECK_FAILS(zstdpool_batch_entry(delivered, 3, &out, &len), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "index 3 is out of range");
    CHECK_FAILS(zstdpool_batch_entry(NULL, 0, &out, &len), ZSTDPOOL_ERR_INVALID_ARGUMENT, "batch");
    CHECK_FAILS(zstdpool_batch_entry(delivered, 0, NULL, &len), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "data");
    CHECK_FAILS(zstdpool_batch_entry(delivered, 0, &out, NULL), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "len");
    { /* all three at once */
        const uint8_t *datas[3];
        size_t lens3[3];
        zstdpool_status statuses[3];
        CHECK_OK(zstdpool_batch_entries(delivered, 0, 3, datas, lens3, statuses));
        CHECK(statuses[0] == ZSTDPOOL_ERR_DICT_MISSING && statuses[1] == ZSTDPOOL_ERR_NOT_ZSTD);
        CHECK(statuses[2] == ZSTDPOOL_ERR_EMPTY_INPUT && datas[1] == NULL && lens3[1] == 0);
        CHECK_FAILS(zstdpool_batch_entries(delivered, 1, 3, datas, lens3, statuses),
                    ZSTDPOOL_ERR_INVALID_ARGUMENT, "out of range");
        CHECK_FAILS(zstdpool_batch_entries(delivered, 0, 1, NULL, lens3, statuses),
                    ZSTDPOOL_ERR_INVALID_ARGUMENT, "data");
        CHECK_FAILS(zstdpool_batch_entries(delivered, 0, 1, datas, NULL, statuses),
                    ZSTDPOOL_ERR_INVALID_ARGUMENT, "lens");
        CHECK_FAILS(zstdpool_batch_entries(delivered, 0, 1, datas, lens3, NULL),
                    ZSTDPOOL_ERR_INVALID_ARGUMENT, "statuses");
        CHECK_OK(zstdpool_batch_entries(delivered, 3, 0, NULL, NULL, NULL));
    }
    CHECK(strcmp(zstdpool_batch_message(delivered, 99), "") == 0);
    CHECK(strcmp(zstdpool_batch_message(NULL, 0), "") == 0);
    CHECK(zstdpool_batch_count(NULL) == 0);
    zstdpool_batch_free(delivered);
    zstdpool_batch_free(NULL);
    CHECK_OK(zstdpool_pool_free(pool));
    zstdpool_provider_free(dicts);
}

static void bad_arguments(void) {
    zstdpool_provider *dicts = NULL;
    CHECK_OK(zstdpool_provider_memory_new(&dicts));
    zstdpool_pool *pool = new_pool(1, dicts);
    zstdpool_batch *batch = NULL;
    const char *two_names[2] = {"a", "b"};
    const char *two_cats[2] = {"c", ""};
    const char *null_name[2] = {"a", NULL};
    const char bad_utf8[] = {'b', (char)0xff, 0};
    const char *bad_name[2] = {"a", bad_utf8};
    const uint8_t *two_data[2] = {inputs[0], inputs[1]};
    const uint8_t *null_data[2] = {inputs[0], NULL};
    size_t two_sizes[2] = {sizes[0], sizes[1]};
    const char *const *no_names = NULL;
    const uint8_t *const *no_data = NULL;
    CHECK_FAILS(zstdpool_pool_run_batch(NULL, 2, two_names, NULL, two_data, two_sizes, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "pool");
    CHECK_FAILS(zstdpool_pool_run_batch(pool, 2, no_names, NULL, two_data, two_sizes, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "names");
    CHECK_FAILS(zstdpool_pool_run_batch(pool, 2, two_names, NULL, no_data, two_sizes, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "data");
    CHECK_FAILS(zstdpool_pool_run_batch(pool, 2, two_names, NULL, two_data, NULL, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "sizes");
    CHECK_FAILS(zstdpool_pool_run_batch(pool, 2, two_names, NULL, two_data, two_sizes, NULL),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "out");
    CHECK_FAILS(zstdpool_pool_run_batch(pool, 2, null_name, NULL, two_data, two_sizes, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "names[1]");
    CHECK_FAILS(zstdpool_pool_run_batch(pool, 2, bad_name, NULL, two_data, two_sizes, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "names[1]");
    CHECK_FAILS(zstdpool_pool_run_batch(pool, 2, two_names, NULL, null_data, two_sizes, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "data[1]");
    CHECK_FAILS(zstdpool_pool_run_batch(pool, 2, two_names, two_cats, two_data, two_sizes, &batch),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "b: empty dictionary name");
    CHECK_FAILS(zstdpool_pool_add_batch(pool, 2, two_names, NULL, two_data, two_sizes, NULL, NULL),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "done");
    CHECK(batch == NULL); /* never written on failure */
    zstdpool_counts totals;
    CHECK_OK(zstdpool_pool_totals(pool, &totals));
    CHECK(totals.added == 0); /* nothing was taken */

    /* An empty batch; then a stopped pool refuses, writing nothing. */
    CHECK_OK(zstdpool_pool_run_batch(pool, 0, NULL, NULL, NULL, NULL, &batch));
    CHECK(batch != NULL && zstdpool_batch_count(batch) == 0);
    zstdpool_batch_free(batch);
    batch = NULL;
    CHECK_OK(zstdpool_pool_stop(pool));
    CHECK_FAILS(zstdpool_pool_run_batch(pool, 2, two_names, NULL, two_data, two_sizes, &batch),
                ZSTDPOOL_ERR_STOPPED, "stopped");
    CHECK(batch == NULL);
    delivered_count = 0;
    CHECK_STATUS(zstdpool_pool_add_batch(pool, 2, two_names, NULL, two_data, two_sizes, on_batch,
                                         NULL),
                 ZSTDPOOL_ERR_STOPPED);
    /* The refused entries come back rejected, once. */
    CHECK(delivered_count == 1 && zstdpool_batch_count(delivered) == 2);
    const uint8_t *out = NULL;
    size_t len = 0;
    CHECK_STATUS(zstdpool_batch_entry(delivered, 1, &out, &len), ZSTDPOOL_ERR_STOPPED);
    zstdpool_batch_free(delivered);
    CHECK_OK(zstdpool_pool_free(pool));
    zstdpool_provider_free(dicts);
}

int main(void) {
    make_entries();
    round_trip();
    into_caller_memory();
    one_shot();
    async_batch_with_rejections();
    bad_arguments();
    for (size_t i = 0; i < ENTRIES; i++) free(frames[i]);
    free_entries();
    zstdpool_provider_free(g_dicts);
    return CHECK_DONE();
}
