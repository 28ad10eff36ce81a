/*
 * entry.h -- one file as a zstdpool entry: the read, write and done callbacks.
 *
 * The input is opened at the first read and closed at its end (a file waiting to be a
 * training sample keeps its descriptor meanwhile, so the pool's queue capacity bounds the
 * open files: see main.c). The output goes to a temporary file next to the final one,
 * created at the first write, renamed to the final name when the entry succeeds and
 * removed when it fails, so that a final name only ever holds a complete output.
 */
#ifndef LOGPACK_ENTRY_H
#define LOGPACK_ENTRY_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <zstdpool.h>

/* An entry that failed, in the pool (rejected) or in logpack (e.g. the final rename). */
typedef struct {
    char *name;
    zstdpool_status status; /* ZSTDPOOL_OK when the pool succeeded but logpack failed */
    char *message;
} entry_failure;

/* What the entries of one run share; the done callbacks of several workers update it. */
typedef struct {
    pthread_mutex_t lock;
    entry_failure *failures;
    size_t nfailures, cap;
    mode_t file_mode; /* mode of the outputs: 0666 minus the umask */
} entry_shared;

/* One file. Owned by main.c's array; the callbacks only use it between a successful
 * zstdpool_pool_add() and the end of its done callback, which frees its paths. */
typedef struct {
    entry_shared *shared;
    char *name; /* the name given to the pool: the relative path, as valid UTF-8 */
    char *src;  /* input path */
    char *dst;  /* final output path */
    char *tmp;  /* temporary output path, once created */
    FILE *in;
    FILE *out;
    int eof;
    int err; /* errno of the failed read or write, 0 if none */
} entry_ctx;

void entry_shared_init(entry_shared *shared);
void entry_shared_destroy(entry_shared *shared);

/* Records a failure (thread-safe); message is copied, detail may be NULL. */
void entry_record_failure(entry_shared *shared, const char *name, zstdpool_status status,
                          const char *message, const char *detail);

/* Frees the paths of an entry (after its done callback, or when the pool refused it). */
void entry_release(entry_ctx *entry);

/* The callbacks, user_data being an entry_ctx. */
int32_t entry_read(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len);
int32_t entry_write(void *user_data, const uint8_t *data, size_t len);
void entry_done(void *user_data, const char *name, zstdpool_status status, const char *message,
                uint64_t bytes_in, uint64_t bytes_out);

#endif /* LOGPACK_ENTRY_H */
