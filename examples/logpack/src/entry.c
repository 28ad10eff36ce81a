/*
 * entry.c -- the callbacks that stream files through a zstdpool pool.
 *
 * They run on the pool's worker threads; the callbacks of one entry never run concurrently
 * with each other, so an entry_ctx needs no lock. Only entry_shared (the failure list) is
 * shared between workers, behind its mutex.
 */
#define _XOPEN_SOURCE 700

#include "entry.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"

void entry_shared_init(entry_shared *shared) {
    mode_t mask = umask(0); /* reading the umask means setting it: put it back at once */
    umask(mask);
    memset(shared, 0, sizeof *shared);
    pthread_mutex_init(&shared->lock, NULL);
    shared->file_mode = 0666 & ~mask;
}

void entry_shared_destroy(entry_shared *shared) {
    size_t i;
    for (i = 0; i < shared->nfailures; i++) {
        free(shared->failures[i].name);
        free(shared->failures[i].message);
    }
    free(shared->failures);
    pthread_mutex_destroy(&shared->lock);
}

void entry_record_failure(entry_shared *shared, const char *name, zstdpool_status status,
                          const char *message, const char *detail) {
    entry_failure failure;
    size_t len = strlen(message) + (detail ? strlen(detail) + 3 : 0) + 1;
    failure.name = xstrdup(name);
    failure.status = status;
    failure.message = xmalloc(len);
    if (detail) {
        snprintf(failure.message, len, "%s (%s)", message, detail);
    } else {
        memcpy(failure.message, message, len);
    }
    pthread_mutex_lock(&shared->lock);
    if (shared->nfailures == shared->cap) {
        size_t cap = shared->cap ? 2 * shared->cap : 16;
        entry_failure *grown = realloc(shared->failures, cap * sizeof *grown);
        if (grown == NULL) {
            pthread_mutex_unlock(&shared->lock);
            fputs("logpack: out of memory\n", stderr);
            exit(1);
        }
        shared->failures = grown;
        shared->cap = cap;
    }
    shared->failures[shared->nfailures++] = failure;
    pthread_mutex_unlock(&shared->lock);
}

void entry_release(entry_ctx *entry) {
    free(entry->name);
    free(entry->src);
    free(entry->dst);
    free(entry->tmp);
    entry->name = entry->src = entry->dst = entry->tmp = NULL;
}

/* strerror() is not thread-safe, and the callbacks run on several workers. */
static const char *errno_text(int err, char *buf, size_t len) {
    if (strerror_r(err, buf, len) != 0) {
        snprintf(buf, len, "error %d", err);
    }
    return buf;
}

/* A nonzero error code for the pool: the errno of the failure. */
static int32_t fail_code(entry_ctx *entry, int err) {
    entry->err = err ? err : EIO;
    return (int32_t)entry->err;
}

int32_t entry_read(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len) {
    entry_ctx *entry = user_data;
    size_t n;
    if (entry->eof) {
        *out_len = 0;
        return 0;
    }
    if (entry->in == NULL) {
        entry->in = fopen(entry->src, "rb");
        if (entry->in == NULL) {
            return fail_code(entry, errno);
        }
    }
    n = fread(buf, 1, capacity, entry->in);
    if (n < capacity && ferror(entry->in)) {
        return fail_code(entry, errno);
    }
    if (n == 0) {
        /* The end: release the descriptor now rather than in the done callback. */
        fclose(entry->in);
        entry->in = NULL;
        entry->eof = 1;
    }
    *out_len = n;
    return 0;
}

/* Creates the temporary output next to the final one. */
static int open_output(entry_ctx *entry) {
    const char *slash = strrchr(entry->dst, '/');
    size_t dir_len = slash ? (size_t)(slash - entry->dst) + 1 : 0;
    static const char pattern[] = ".logpack.XXXXXX";
    int fd;
    entry->tmp = xmalloc(dir_len + sizeof pattern);
    memcpy(entry->tmp, entry->dst, dir_len);
    memcpy(entry->tmp + dir_len, pattern, sizeof pattern);
    fd = mkstemp(entry->tmp);
    if (fd < 0) {
        int saved = errno;
        free(entry->tmp);
        entry->tmp = NULL;
        errno = saved;
        return -1;
    }
    /* mkstemp() makes it 0600; give it the mode a plain creation would. */
    if (fchmod(fd, entry->shared->file_mode) != 0 ||
        (entry->out = fdopen(fd, "wb")) == NULL) {
        int saved = errno;
        close(fd);
        unlink(entry->tmp);
        free(entry->tmp);
        entry->tmp = NULL;
        errno = saved;
        return -1;
    }
    return 0;
}

int32_t entry_write(void *user_data, const uint8_t *data, size_t len) {
    entry_ctx *entry = user_data;
    if (entry->out == NULL && open_output(entry) != 0) {
        return fail_code(entry, errno);
    }
    if (fwrite(data, 1, len, entry->out) != len) {
        return fail_code(entry, errno);
    }
    return 0;
}

/* Closes and renames the output of a successful entry; returns 0 or an errno. */
static int finish_output(entry_ctx *entry, const char **what) {
    if (entry->out == NULL && open_output(entry) != 0) { /* an empty output */
        *what = "cannot create the output";
        return errno ? errno : EIO;
    }
    if (fclose(entry->out) != 0) {
        entry->out = NULL;
        *what = "cannot write the output";
        return errno ? errno : EIO;
    }
    entry->out = NULL;
    if (rename(entry->tmp, entry->dst) != 0) {
        *what = "cannot rename the output";
        return errno ? errno : EIO;
    }
    free(entry->tmp);
    entry->tmp = NULL;
    return 0;
}

void entry_done(void *user_data, const char *name, zstdpool_status status, const char *message,
                uint64_t bytes_in, uint64_t bytes_out) {
    entry_ctx *entry = user_data;
    char text[256];
    (void)bytes_in;
    (void)bytes_out;
    if (entry->in != NULL) {
        fclose(entry->in);
        entry->in = NULL;
    }
    if (status == ZSTDPOOL_OK) {
        const char *what = NULL;
        int err = finish_output(entry, &what);
        if (err != 0) {
            entry_record_failure(entry->shared, name, ZSTDPOOL_OK, what,
                                 errno_text(err, text, sizeof text));
        }
    } else {
        entry_record_failure(entry->shared, name, status, message,
                             entry->err ? errno_text(entry->err, text, sizeof text) : NULL);
    }
    /* A failure (of the pool or above) leaves no partial output behind. */
    if (entry->out != NULL) {
        fclose(entry->out);
        entry->out = NULL;
    }
    if (entry->tmp != NULL) {
        unlink(entry->tmp);
    }
    entry_release(entry);
}
