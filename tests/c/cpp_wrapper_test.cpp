// cpp_wrapper_test.cpp -- the C++ wrapper (include/zstdpool.hpp) where a user can misuse it
// (issue 11, items 18-19): a Pool destroyed or closed inside its own done function, a
// moved-from Pool, add() with a NULL name or category and with empty functions, the text of
// a read or write exception in rejected(), and an exception thrown by a done function;
// and add_file(), which opens files only when a worker reads or writes them.
// Built as C++17 by tests/c/run.sh and run plain, under ASan + UBSan (LeakSanitizer: the
// C pool must not leak) and under valgrind.
#include <zstdpool.hpp>

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "check.h"

namespace {

// A reader of a fixed text, and a writer that drops its output.
zstdpool::Pool::ReadFn reader(std::string text) {
    auto pos = std::make_shared<size_t>(0);
    auto data = std::make_shared<std::string>(std::move(text));
    return [data, pos](uint8_t *buf, size_t capacity) -> size_t {
        size_t n = std::min(capacity, data->size() - *pos);
        std::memcpy(buf, data->data() + *pos, n);
        *pos += n;
        return n;
    };
}
void drop(const uint8_t *, size_t) {}

// Calls f and reports the zstdpool::Error it throws (status -1 when it throws nothing).
template <typename F> zstdpool_status error_of(F f, std::string *message = nullptr) {
    try {
        f();
    } catch (const zstdpool::Error &e) {
        if (message != nullptr) {
            *message = e.what();
        }
        return e.status();
    }
    return -1;
}

bool contains(const std::string &text, const std::string &needle) {
    return text.find(needle) != std::string::npos;
}

// Waits up to 10 s until no destroyed pool is still being freed.
bool no_pending_frees() {
    for (int i = 0; i < 1000 && zstdpool::pending_frees() != 0; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return zstdpool::pending_frees() == 0;
}

// Item 18: ~Pool inside its own done function neither leaks nor deadlocks (the C pool is
// freed by a detached thread: LeakSanitizer and valgrind check it is freed); close() there
// throws WOULD_DEADLOCK and leaves the pool usable.
void destroyed_in_its_own_done_function() {
    zstdpool::Provider provider = zstdpool::Provider::memory();
    std::optional<zstdpool::Pool> pool = zstdpool::Pool::compressor(provider);
    std::atomic<bool> destroyed{false};
    pool->add("a", nullptr, 5, reader("hello"), drop, [&](const zstdpool::Result &) {
        pool.reset();
        destroyed = true;
    });
    for (int i = 0; i < 1000 && !destroyed; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(destroyed);
    CHECK(no_pending_frees());

    zstdpool::Pool second = zstdpool::Pool::compressor(provider);
    zstdpool_status in_callback = -1;
    std::string message;
    second.add("b", nullptr, 5, reader("hello"), drop, [&](const zstdpool::Result &) {
        in_callback = error_of([&] { second.close(); }, &message);
    });
    second.wait();
    CHECK(in_callback == ZSTDPOOL_ERR_WOULD_DEADLOCK);
    CHECK(contains(message, "zstdpool::Pool::close"));
    CHECK(second.totals().done == 1); // still usable
    second.close();
    second.close(); // idempotent
    CHECK(error_of([&] { second.wait(); }, &message) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "closed"));
}

// Item 19: a moved-from Pool (and Config, Provider) throws an Error that says why.
void moved_from_handles() {
    zstdpool::Provider provider = zstdpool::Provider::memory();
    zstdpool::Pool pool = zstdpool::Pool::compressor(provider);
    zstdpool::Pool moved = std::move(pool);
    std::string message;
    CHECK(error_of([&] { pool.wait(); }, &message) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "zstdpool::Pool has no handle (it was moved from or closed)"));
    CHECK(error_of([&] { pool.add("x", nullptr, 1, reader("x"), drop); }) ==
          ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(error_of([&] { (void)pool.rejected(); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(error_of([&] { (void)pool.categories(); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(moved.state() == ZSTDPOOL_STATE_IDLE);
    pool = std::move(moved); // move-assigning back works
    CHECK(pool.state() == ZSTDPOOL_STATE_IDLE);

    zstdpool::Config config;
    zstdpool::Config config2 = std::move(config);
    CHECK(error_of([&] { config.level(3); }, &message) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "zstdpool::Config has no handle"));
    config2.level(3);
    zstdpool::Provider provider2 = std::move(provider);
    CHECK(error_of([&] { (void)zstdpool::Pool::compressor(provider); }, &message) ==
          ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "zstdpool::Provider has no handle"));
}

// Item 19: add() with a NULL name throws Error (not std::logic_error from std::string); a
// NULL category means no dictionary, as in C; empty functions are refused before anything
// is added.
void add_arguments() {
    zstdpool::Pool pool = zstdpool::Pool::compressor(zstdpool::Provider::memory());
    const char *no_name = nullptr;
    std::string message;
    CHECK(error_of([&] { pool.add(no_name, "kind", 1, reader("x"), drop); }, &message) ==
          ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "name is NULL"));
    const char *no_category = nullptr;
    pool.add("nullptr category", nullptr, 1, reader("x"), drop);
    pool.add("NULL category", no_category, 1, reader("x"), drop);
    pool.add("nullopt category", std::nullopt, 1, reader("x"), drop);
    CHECK(error_of([&] { pool.add("no reader", "kind", 1, {}, drop); }, &message) ==
          ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "no reader: the read function is empty"));
    CHECK(error_of([&] { pool.add("no writer", "kind", 1, reader("x"), {}); }, &message) ==
          ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "no writer: the write function is empty"));
    CHECK(error_of([&] {
              pool.add("no stream", "kind", nullptr, std::make_shared<std::ostringstream>());
          }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    pool.wait();
    zstdpool_counts totals = pool.totals();
    CHECK(totals.added == 3 && totals.done == 3);
    std::vector<zstdpool::Category> categories = pool.categories();
    CHECK(categories.size() == 1 && categories[0].name.empty()); // all without a category
}

// Item 19: the text of a read or write exception reaches rejected() and Result::message.
void exception_text_in_rejections() {
    zstdpool::Pool pool = zstdpool::Pool::compressor(zstdpool::Provider::memory());
    std::string done_message;
    pool.add(
        "bad read", std::nullopt, ZSTDPOOL_SIZE_UNKNOWN,
        [](uint8_t *, size_t) -> size_t { throw std::runtime_error("disk on fire"); }, drop,
        [&](const zstdpool::Result &r) { done_message = r.message; });
    pool.add("bad write", std::nullopt, 5, reader("hello"),
             [](const uint8_t *, size_t) { throw std::runtime_error("disk full"); });
    pool.add("fine", std::nullopt, 5, reader("hello"), drop);
    pool.wait();
    std::vector<zstdpool::Rejection> rejected = pool.rejected();
    CHECK(rejected.size() == 2);
    CHECK(done_message == "bad read: the read function threw: disk on fire");
    for (const zstdpool::Rejection &r : rejected) {
        if (r.name == "bad read") {
            CHECK(r.status == ZSTDPOOL_ERR_READ);
            CHECK(r.message == "bad read: the read function threw: disk on fire");
        } else {
            CHECK(r.name == "bad write" && r.status == ZSTDPOOL_ERR_WRITE);
            CHECK(r.message == "bad write: the write function threw: disk full");
        }
        CHECK(r.error != nullptr);
    }
    CHECK(pool.totals().rejected == 2 && pool.totals().done == 1);
}

// Item 19: an exception from a done function is not lost: done_errors() lists it and the
// next wait() (or join()) rethrows it, once.
void exception_from_a_done_function() {
    zstdpool::Pool pool = zstdpool::Pool::compressor(zstdpool::Provider::memory());
    pool.add("a", nullptr, 5, reader("hello"), drop,
             [](const zstdpool::Result &) { throw std::runtime_error("done went wrong"); });
    pool.add("b", nullptr, 5, reader("hello"), drop);
    std::string what;
    try {
        pool.wait();
    } catch (const std::runtime_error &e) {
        what = e.what();
    }
    CHECK(what == "done went wrong");
    CHECK(pool.done_errors().size() == 1 && pool.done_errors()[0].name == "a");
    CHECK(error_of([&] { pool.wait(); }) == -1); // rethrown once
    CHECK(pool.totals().done == 2);              // the entry itself succeeded
    pool.add("c", nullptr, 5, reader("hello"), drop,
             [](const zstdpool::Result &) { throw 42; });
    pool.stop();
    bool rethrown = false;
    try {
        pool.join();
    } catch (int value) {
        rethrown = value == 42;
    }
    CHECK(rethrown);
    CHECK(pool.join()); // nothing left to rethrow
}

// Open file descriptors of this process.
int open_fds() {
    int count = 0;
    if (DIR *dir = opendir("/proc/self/fd")) {
        while (readdir(dir) != nullptr) {
            count++;
        }
        closedir(dir);
    }
    return count;
}

std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// add_file(): the pattern for many files. 400 small files wait for training samples (the
// default thresholds want 256 KiB) without holding a descriptor each; they round-trip; a
// missing input is rejected and its output removed.
void files_are_opened_when_read() {
    char dir_template[] = "/tmp/zstdpool-cpp-files.XXXXXX";
    const char *dir = mkdtemp(dir_template);
    CHECK(dir != nullptr);
    if (dir == nullptr) {
        return;
    }
    const std::string root = dir;
    const int count = 400;
    for (int i = 0; i < count; i++) {
        std::ofstream out(root + "/" + std::to_string(i) + ".log", std::ios::binary);
        for (int line = 0; line < 4; line++) {
            out << "job " << i << " INFO EventLoopMgr line " << line << " all good\n";
        }
    }
    zstdpool::Provider provider = zstdpool::Provider::memory();
    {
        zstdpool::Pool pool = zstdpool::Pool::compressor(provider);
        int before = open_fds();
        for (int i = 0; i < count; i++) {
            std::string path = root + "/" + std::to_string(i) + ".log";
            pool.add_file(std::to_string(i), "log", path, path + ".zst");
        }
        CHECK(pool.totals().done == 0); // all waiting for samples
        CHECK(open_fds() <= before + 4);
        pool.add_file("missing", "log", root + "/none", root + "/none.zst");
        pool.flush();
        pool.wait();
        CHECK(pool.totals().done == static_cast<uint64_t>(count));
        std::vector<zstdpool::Rejection> rejected = pool.rejected();
        CHECK(rejected.size() == 1 && rejected[0].status == ZSTDPOOL_ERR_READ &&
              contains(rejected[0].message, "cannot open " + root + "/none"));
        CHECK(access((root + "/none.zst").c_str(), F_OK) != 0);
    }
    zstdpool::Pool back = zstdpool::Pool::decompressor(provider);
    for (int i = 0; i < count; i++) {
        std::string path = root + "/" + std::to_string(i) + ".log";
        back.add_file(std::to_string(i), "log", path + ".zst", path + ".back");
    }
    back.wait();
    CHECK(back.totals().done == static_cast<uint64_t>(count) && back.rejected().empty());
    int same = 0;
    for (int i = 0; i < count; i++) {
        std::string path = root + "/" + std::to_string(i) + ".log";
        same += slurp(path) == slurp(path + ".back");
        std::remove(path.c_str());
        std::remove((path + ".zst").c_str());
        std::remove((path + ".back").c_str());
    }
    CHECK(same == count);
    rmdir(dir);
}

} // namespace

int main() {
    destroyed_in_its_own_done_function();
    moved_from_handles();
    add_arguments();
    exception_text_in_rejections();
    exception_from_a_done_function();
    files_are_opened_when_read();
    CHECK(no_pending_frees());
    return CHECK_DONE();
}
