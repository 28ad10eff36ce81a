/* Helpers shared by the C tests and fuzzers: a growable byte buffer. Header-only (static
 * inline), for programs built from one file. The list of every configuration option is the
 * library's own (zstdpool_option_count() and zstdpool_option_at()); tests/c/api_test.c
 * checks it against the ZSTDPOOL_OPT_* constants of the header. */
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

#endif
