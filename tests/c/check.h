/*
 * check.h -- a tiny test framework for the C tests of zstdpool.
 *
 * CHECK(cond) counts a passed or failed check (printing the failed ones with file, line
 * and, for status checks, zstdpool_last_error()); CHECK_DONE() prints "N passed, M failed"
 * and gives the exit status. Checks are made on the main thread only: callbacks record
 * what they see, and the main thread checks it afterwards.
 */
#ifndef ZSTDPOOL_TEST_CHECK_H
#define ZSTDPOOL_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "zstdpool.h"

static int check_passed_;
static int check_failed_;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            check_passed_++;                                                          \
        } else {                                                                      \
            check_failed_++;                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                             \
    } while (0)

/* Checks that `expr` returns the status `expected`. */
#define CHECK_STATUS(expr, expected)                                                       \
    do {                                                                                   \
        zstdpool_status check_got_ = (expr);                                               \
        if (check_got_ == (expected)) {                                                    \
            check_passed_++;                                                               \
        } else {                                                                           \
            check_failed_++;                                                               \
            fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d; last error: %s\n",   \
                    __FILE__, __LINE__, #expr, (int)check_got_,                            \
                    zstdpool_status_str(check_got_), (int)(expected),                      \
                    zstdpool_last_error());                                                \
        }                                                                                  \
    } while (0)

#define CHECK_OK(expr) CHECK_STATUS(expr, ZSTDPOOL_OK)

/* Checks that `expr` fails with `expected` and that zstdpool_last_error() contains
 * `needle`. */
#define CHECK_FAILS(expr, expected, needle)                                                \
    do {                                                                                   \
        CHECK_STATUS(expr, expected);                                                      \
        if (strstr(zstdpool_last_error(), (needle)) != NULL) {                             \
            check_passed_++;                                                               \
        } else {                                                                           \
            check_failed_++;                                                               \
            fprintf(stderr, "%s:%d: after %s, last error \"%s\" lacks \"%s\"\n",           \
                    __FILE__, __LINE__, #expr, zstdpool_last_error(), (needle));           \
        }                                                                                  \
    } while (0)

/* A NULL pointer argument: ZSTDPOOL_ERR_INVALID_ARGUMENT naming the argument. */
#define CHECK_NULL_ARG(expr, argument) \
    CHECK_FAILS(expr, ZSTDPOOL_ERR_INVALID_ARGUMENT, argument " is NULL")

/* Prints the summary line and gives main's exit status. */
#define CHECK_DONE()                                                  \
    (printf("%d passed, %d failed\n", check_passed_, check_failed_), \
     fflush(stdout), check_failed_ == 0 ? 0 : 1)

/* A compressing (compress = 1) or decompressing pool from cfg, which it frees. */
static inline zstdpool_pool *check_pool_new(zstdpool_config *cfg, zstdpool_provider *dicts, int compress) {
    zstdpool_pool *pool = NULL;
    if (compress) {
        CHECK_OK(zstdpool_compressor_new(cfg, dicts, &pool));
    } else {
        CHECK_OK(zstdpool_decompressor_new(cfg, dicts, &pool));
    }
    zstdpool_config_free(cfg);
    return pool;
}

#endif /* ZSTDPOOL_TEST_CHECK_H */
