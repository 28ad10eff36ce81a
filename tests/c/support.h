/* Helpers shared by the C tests and fuzzers: a growable byte buffer and the list of every
 * configuration option. Header-only (static inline), for programs built from one file. */
#ifndef ZSTDPOOL_TEST_SUPPORT_H
#define ZSTDPOOL_TEST_SUPPORT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zstdpool.h"

/* A growable byte buffer. */
typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
} buffer;

/* Appends len bytes; exits with status 2 when memory runs out. */
static inline void buffer_append(buffer *b, const void *data, size_t len) {
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        uint8_t *grown;
        while (cap < b->len + len) {
            cap *= 2;
        }
        grown = (uint8_t *)realloc(b->data, cap);
        if (grown == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        b->data = grown;
        b->cap = cap;
    }
    if (len > 0) {
        memcpy(b->data + b->len, data, len);
    }
    b->len += len;
}

static inline void buffer_free(buffer *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static inline int buffer_equal(const buffer *a, const buffer *b) {
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* Every ZSTDPOOL_OPT_* option. */
static const zstdpool_option ALL_OPTIONS[] = {
    ZSTDPOOL_OPT_LEVEL,
    ZSTDPOOL_OPT_CHECKSUM,
    ZSTDPOOL_OPT_WORKERS,
    ZSTDPOOL_OPT_PROCESSORS,
    ZSTDPOOL_OPT_QUEUE_CAPACITY,
    ZSTDPOOL_OPT_MAX_DECOMPRESSED_SIZE,
    ZSTDPOOL_OPT_TRAINING_ENABLED,
    ZSTDPOOL_OPT_TRAINING_DICT_SIZE,
    ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES,
    ZSTDPOOL_OPT_TRAINING_MIN_BYTES,
    ZSTDPOOL_OPT_TRAINING_MAX_SAMPLES,
    ZSTDPOOL_OPT_TRAINING_MAX_SAMPLE_SIZE,
    ZSTDPOOL_OPT_TRAINING_EFFORT,
    ZSTDPOOL_OPT_TRAINING_MAX_DICT_SIZE,
    ZSTDPOOL_OPT_TRAINING_MAX_BYTES,
    ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME,
    ZSTDPOOL_OPT_TRAINING_CATEGORY_ENTRIES,
    ZSTDPOOL_OPT_TRAINER_K,
    ZSTDPOOL_OPT_TRAINER_D,
    ZSTDPOOL_OPT_TRAINER_F,
    ZSTDPOOL_OPT_TRAINER_ACCEL,
    ZSTDPOOL_OPT_TRAINER_STEPS,
    ZSTDPOOL_OPT_TRAINER_THREADS,
    ZSTDPOOL_OPT_TRAINER_SPLIT_POINT,
    ZSTDPOOL_OPT_TRAINER_LEVEL,
    ZSTDPOOL_OPT_TRAINER_EXACT_COVER,
    ZSTDPOOL_OPT_TRAINER_OPTIMIZE,
};
#define N_ALL_OPTIONS (sizeof ALL_OPTIONS / sizeof ALL_OPTIONS[0])

#endif
