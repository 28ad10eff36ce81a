// main.cpp -- round-trips a few entries through zstdpool.hpp, the C++ wrapper:
// 120 text entries in three categories are compressed from std::istringstream into
// std::ostringstream (training one dictionary per category, kept by a callback provider
// backed by a std::map), decompressed again through read/write functions, and compared.
// Then the error paths: a reader that throws (the entry is rejected with ZSTDPOOL_ERR_READ
// and its done function gets the exception back), and add() after stop() (throws
// zstdpool::Error with ZSTDPOOL_ERR_STOPPED). Exits 0 when everything behaved.
#include <zstdpool.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace {

int failures = 0;

void expect(bool condition, const std::string &what) {
    if (!condition) {
        std::cerr << "FAILED: " << what << "\n";
        failures++;
    }
}

std::string make_text(int index) {
    static const char *const kinds[] = {"INFO  EventLoopMgr", "WARNING DataOnDemandSvc",
                                        "<parameter name=\"CPUTime\""};
    std::ostringstream text;
    for (int line = 0; line < 40; line++) {
        text << kinds[index % 3] << " job=" << 1000 + index << " line=" << line
             << " value=" << (index * 7919 + line * 104729) % 100000 << "\n";
    }
    return text.str();
}

} // namespace

int main() {
    const int count = 120;
    std::vector<std::string> originals;
    for (int i = 0; i < count; i++) {
        originals.push_back(make_text(i));
    }

    // A provider backed by the caller's map (get and put run on worker threads).
    std::mutex store_lock;
    std::map<std::string, std::vector<uint8_t>> store;
    zstdpool::Provider provider = zstdpool::Provider::callbacks(
        [&](const std::string &name) -> std::optional<std::vector<uint8_t>> {
            std::lock_guard<std::mutex> lock(store_lock);
            auto it = store.find(name);
            if (it == store.end()) {
                return std::nullopt;
            }
            return it->second;
        },
        [&](const std::string &name, const uint8_t *dict, size_t len) {
            std::lock_guard<std::mutex> lock(store_lock);
            store[name].assign(dict, dict + len);
        });

    zstdpool::Config config;
    // The entries stand for categories of 64 MiB each: dictionaries pay for themselves there
    // (without the hint, a category this small keeps no dictionary).
    config.level(9).workers(2).checksum(true).set(ZSTDPOOL_OPT_TRAINING_MIN_SAMPLES, 16);
    config.set(ZSTDPOOL_OPT_TRAINING_CATEGORY_VOLUME, int64_t{64} << 20);

    // Compress: streams in, streams out.
    std::vector<std::shared_ptr<std::ostringstream>> packed;
    {
        zstdpool::Pool pool = zstdpool::Pool::compressor(provider, config);
        for (int i = 0; i < count; i++) {
            auto out = std::make_shared<std::ostringstream>();
            packed.push_back(out);
            pool.add("entry-" + std::to_string(i), "kind" + std::to_string(i % 3),
                     std::make_shared<std::istringstream>(originals[i]), out, {},
                     originals[i].size());
        }
        pool.flush();
        pool.wait();
        zstdpool_counts totals = pool.totals();
        expect(totals.done == static_cast<uint64_t>(count) && totals.rejected == 0,
               "every entry compressed");
        std::printf("compressed %llu entries: %llu -> %llu bytes (ratio %.2f)\n",
                    static_cast<unsigned long long>(totals.done),
                    static_cast<unsigned long long>(totals.raw_bytes),
                    static_cast<unsigned long long>(totals.compressed_bytes), totals.ratio);
        for (const zstdpool::Category &c : pool.categories()) {
            std::printf("  %-6s %3llu entries, ratio %6.2f, dictionary %u (%llu bytes): %s\n",
                        c.name.c_str(), static_cast<unsigned long long>(c.counts.done),
                        c.counts.ratio, c.dict_id, static_cast<unsigned long long>(c.dict_size),
                        c.status_message.c_str());
        }
    } // ~Pool: stops and joins
    expect(store.size() == 3, "three dictionaries stored through the callback provider");

    // Decompress: read/write functions, and a done function per entry.
    std::vector<std::string> restored(count);
    std::atomic<int> ok{0};
    {
        zstdpool::Pool pool = zstdpool::Pool::decompressor(provider);
        for (int i = 0; i < count; i++) {
            auto frame = std::make_shared<std::string>(packed[i]->str());
            auto pos = std::make_shared<size_t>(0);
            pool.add(
                "entry-" + std::to_string(i), "kind" + std::to_string(i % 3), frame->size(),
                [frame, pos](uint8_t *buf, size_t capacity) {
                    size_t n = std::min(capacity, frame->size() - *pos);
                    std::memcpy(buf, frame->data() + *pos, n);
                    *pos += n;
                    return n;
                },
                [&restored, i](const uint8_t *data, size_t len) {
                    restored[i].append(reinterpret_cast<const char *>(data), len);
                },
                [&ok](const zstdpool::Result &result) {
                    if (result.ok()) {
                        ok++;
                    }
                });
        }
        pool.stop();
        pool.join();
        expect(pool.state() == ZSTDPOOL_STATE_STOPPED, "stopped after join");
    }
    expect(ok == count, "every entry decompressed");
    expect(restored == originals, "round trip byte for byte");

    // Errors: a throwing reader, and add() after stop().
    {
        zstdpool::Pool pool = zstdpool::Pool::compressor(zstdpool::Provider::memory());
        std::string caught;
        zstdpool_status status = ZSTDPOOL_OK;
        pool.add(
            "broken", std::nullopt, ZSTDPOOL_SIZE_UNKNOWN,
            [](uint8_t *, size_t) -> size_t { throw std::runtime_error("disk on fire"); },
            [](const uint8_t *, size_t) {},
            [&](const zstdpool::Result &result) {
                status = result.status;
                try {
                    if (result.error) {
                        std::rethrow_exception(result.error);
                    }
                } catch (const std::exception &e) {
                    caught = e.what();
                }
            });
        pool.wait();
        expect(status == ZSTDPOOL_ERR_READ && caught == "disk on fire",
               "a throwing reader rejects its entry with ZSTDPOOL_ERR_READ");
        expect(pool.rejected().size() == 1 && pool.rejected()[0].name == "broken",
               "the rejection is listed");
        pool.stop();
        try {
            pool.add("late", std::nullopt, std::make_shared<std::istringstream>("x"),
                     std::make_shared<std::ostringstream>());
            expect(false, "add after stop throws");
        } catch (const zstdpool::Error &e) {
            expect(e.status() == ZSTDPOOL_ERR_STOPPED, "add after stop: ZSTDPOOL_ERR_STOPPED");
            std::printf("add after stop: %s (%s)\n", e.what(), e.status_str());
        }
        expect(pool.join(std::chrono::milliseconds(5000)), "join within 5 s");
    }

    std::printf("cpp example (zstdpool %s): %s\n", zstdpool::version().c_str(),
                failures == 0 ? "ok" : "FAILED");
    return failures == 0 ? 0 : 1;
}
