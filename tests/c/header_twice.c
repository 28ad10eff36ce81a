/*
 * header_twice.c -- zstdpool.h can be included twice (include guard) and compiles as C99
 * on its own, with every warning an error.
 */
#include "zstdpool.h"
#include "zstdpool.h"

#include "check.h"

/* A callback of each type, to check the typedefs compile with the expected signatures. */
static int32_t read_cb(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len) {
    (void)user_data, (void)buf, (void)capacity;
    *out_len = 0;
    return 0;
}

static int32_t write_cb(void *user_data, const uint8_t *data, size_t len) {
    (void)user_data, (void)data, (void)len;
    return 0;
}

static void done_cb(void *user_data, const char *name, zstdpool_status status,
                    const char *message, uint64_t bytes_in, uint64_t bytes_out) {
    (void)user_data, (void)name, (void)status, (void)message, (void)bytes_in, (void)bytes_out;
}

static int32_t get_cb(void *user_data, const char *name, zstdpool_dict_buffer *out) {
    (void)user_data, (void)name, (void)out;
    return 0;
}

static int32_t put_cb(void *user_data, const char *name, const uint8_t *dict, size_t len) {
    (void)user_data, (void)name, (void)dict, (void)len;
    return 0;
}

int main(void) {
    zstdpool_read_fn read = read_cb;
    zstdpool_write_fn write = write_cb;
    zstdpool_done_fn done = done_cb;
    zstdpool_dict_get_fn get = get_cb;
    zstdpool_dict_put_fn put = put_cb;
    zstdpool_counts counts;
    zstdpool_category category;
    zstdpool_stats *stats = NULL; /* opaque: only pointers */
    zstdpool_option option = ZSTDPOOL_OPT_LEVEL;
    CHECK(read != NULL && write != NULL && done != NULL && get != NULL && put != NULL);
    CHECK(sizeof counts == 5 * sizeof(uint64_t) + sizeof(double));
    CHECK(sizeof category.counts == sizeof counts);
    CHECK(ZSTDPOOL_SIZE_UNKNOWN == UINT64_MAX);
    CHECK(zstdpool_stats_category_count(stats) == 0);
    CHECK(zstdpool_option_name(option) != NULL);
    CHECK(zstdpool_version_number() == ZSTDPOOL_VERSION_NUMBER);
    return CHECK_DONE();
}
