// header_cpp.cpp -- zstdpool.h compiles as C++11 (extern "C" linkage, no C-only syntax)
// and the library works from C++: one entry compressed and decompressed.
#include "zstdpool.h"

#include <cstring>
#include <string>

#include "check.h"

namespace {

struct Entry {
    std::string input;
    std::size_t pos = 0;
    std::string output;
    int done_calls = 0;
    zstdpool_status status = -1;
};

extern "C" int32_t read_cb(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len) {
    Entry *e = static_cast<Entry *>(user_data);
    std::size_t n = e->input.size() - e->pos;
    if (n > capacity) n = capacity;
    std::memcpy(buf, e->input.data() + e->pos, n);
    e->pos += n;
    *out_len = n;
    return 0;
}

extern "C" int32_t write_cb(void *user_data, const uint8_t *data, size_t len) {
    static_cast<Entry *>(user_data)->output.append(reinterpret_cast<const char *>(data), len);
    return 0;
}

extern "C" void done_cb(void *user_data, const char *, zstdpool_status status, const char *,
                        uint64_t, uint64_t) {
    Entry *e = static_cast<Entry *>(user_data);
    e->done_calls++;
    e->status = status;
}

// Runs one entry through a new pool of the given kind.
void run(bool compress, zstdpool_provider *provider, Entry &entry) {
    zstdpool_pool *pool = nullptr;
    if (compress) {
        CHECK_OK(zstdpool_compressor_new(nullptr, provider, &pool));
    } else {
        CHECK_OK(zstdpool_decompressor_new(nullptr, provider, &pool));
    }
    CHECK_OK(zstdpool_pool_add(pool, "cpp", nullptr, entry.input.size(), read_cb, write_cb,
                               done_cb, &entry));
    CHECK_OK(zstdpool_pool_wait(pool));
    CHECK_OK(zstdpool_pool_free(pool));
    CHECK(entry.done_calls == 1 && entry.status == ZSTDPOOL_OK);
}

}  // namespace

int main() {
    zstdpool_provider *provider = nullptr;
    CHECK_OK(zstdpool_provider_memory_new(&provider));
    Entry packed;
    for (int i = 0; i < 100; i++) packed.input += "hello from C++, ";
    run(true, provider, packed);
    Entry restored;
    restored.input = packed.output;
    run(false, provider, restored);
    CHECK(restored.output == packed.input);
    CHECK(packed.output.size() < packed.input.size());
    zstdpool_provider_free(provider);
    CHECK(std::string(zstdpool_version()) == ZSTDPOOL_VERSION_STRING);
    return CHECK_DONE();
}
