/*
 * fuzz_common.h -- helpers shared by the libFuzzer harnesses of zstdpool (fuzz_decompress.c,
 * fuzz_api.c) and fuzz/tools/poolframes.c.
 *
 * FUZZ_CHECK aborts (libFuzzer then saves the input as a crash) with a message naming the
 * broken invariant; the fixed dictionaries the harnesses serve come from dicts.h.
 */
#ifndef ZSTDPOOL_FUZZ_COMMON_H
#define ZSTDPOOL_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zstdpool.h"

#include "dicts.h"

/* The dictionary id zstd stores at bytes 4..7 of a dictionary (little-endian). */
static inline uint32_t fuzz_dict_id(const unsigned char *dict) {
    return (uint32_t)dict[4] | (uint32_t)dict[5] << 8 | (uint32_t)dict[6] << 16 |
           (uint32_t)dict[7] << 24;
}

#define FUZZ_CHECK(cond, ...)                                                       \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                           \
            fprintf(stderr, "\n");                                                  \
            fflush(stderr);                                                         \
            abort();                                                                \
        }                                                                           \
    } while (0)

/* The status codes defined by zstdpool.h. */
static inline int fuzz_status_defined(zstdpool_status s) {
    return s >= ZSTDPOOL_OK && s <= ZSTDPOOL_ERR_NOT_FOUND;
}

/* A provider get callback serving the fixed dictionaries of dicts.h: "d" (and "o", the
 * "other" dictionary, for mismatches); any other name has no dictionary. */
static inline int32_t fuzz_fixed_get(void *user_data, const char *name,
                              struct zstdpool_dict_buffer *out) {
    (void)user_data;
    if (strcmp(name, "d") == 0) {
        return zstdpool_dict_buffer_set(out, d_zdict, d_zdict_len);
    }
    if (strcmp(name, "o") == 0) {
        return zstdpool_dict_buffer_set(out, other_zdict, other_zdict_len);
    }
    return 0;
}

/* Decompressing pools never store a dictionary. */
static inline int32_t fuzz_refuse_put(void *user_data, const char *name, const uint8_t *dict,
                               size_t len) {
    (void)user_data, (void)name, (void)dict, (void)len;
    return -1;
}

#endif /* ZSTDPOOL_FUZZ_COMMON_H */
