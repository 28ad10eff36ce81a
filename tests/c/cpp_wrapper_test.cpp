// cpp_wrapper_test.cpp -- the C++ wrapper (include/zstdpool.hpp) where a user can misuse it
// (issue 11, items 18-19): a Pool destroyed or closed inside its own done function, a
// moved-from Pool, add() with a NULL name or category and with empty functions, the text of
// a read or write exception in rejected(), and an exception thrown by a done function;
// and add_file(), which opens files only when a worker reads or writes them; the archive
// (zstdpool::Archive): convert, list, read back, verify, extract, and its error cases.
//
//   cpp_wrapper_test DATA      (DATA: archive_test's data, made by tests/c/run.sh)
// Built as C++17 by tests/c/run.sh and run plain, under ASan + UBSan (LeakSanitizer: the
// C pool must not leak) and under valgrind.
#include <zstdpool.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
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

// ---- The archive (zstdpool::Archive) ---------------------------------------------------
// DATA is made by tests/c/run.sh for archive_test too: DATA/zips (gentree --zip),
// DATA/unzipped/<job8>/<name> (what every file must read back as), DATA/not-a-db,
// DATA/other.db. These tests write DATA/cpp-work.

// The regular files of a flat folder, sorted (none when it cannot be read).
std::vector<std::string> files_of(const std::string &dir) {
    std::vector<std::string> names;
    if (DIR *d = opendir(dir.c_str())) {
        while (const dirent *e = readdir(d)) {
            std::string name = e->d_name;
            if (name != "." && name != "..") {
                names.push_back(name);
            }
        }
        closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string job8(int64_t job) {
    char text[32];
    std::snprintf(text, sizeof text, "%08lld", static_cast<long long>(job));
    return text;
}

void remove_archive(const std::string &db) {
    for (const char *suffix : {"", "-wal", "-shm"}) {
        std::remove((db + suffix).c_str());
    }
}

// Convert the generated log store, list it, read every file back byte for byte (read,
// read_bytes, read_to), verify, extract, convert again (all skipped), reopen read-only.
void archive_convert_and_read(const std::string &data) {
    const std::string work = data + "/cpp-work";
    mkdir(work.c_str(), 0755);
    const std::string db = work + "/logs.db";
    remove_archive(db);
    const std::string unzipped = data + "/unzipped";
    const std::vector<std::string> expected_jobs = files_of(unzipped);
    size_t expected_files = 0;
    for (const std::string &j : expected_jobs) {
        expected_files += files_of(unzipped + "/" + j).size();
    }
    CHECK(expected_jobs.size() == 40 && expected_files > 40);

    zstdpool::Archive archive = zstdpool::Archive::open(db);
    CHECK(static_cast<bool>(archive));
    int calls = 0;
    uint64_t last_converted = 0;
    zstdpool::ConvertSummary summary = archive.convert(
        data + "/zips", zstdpool::Archive::convert_config().level(3),
        [&](const zstdpool_convert_progress &p) {
            calls++;
            last_converted = p.jobs_converted;
        });
    const zstdpool_convert_progress &totals = summary.totals.progress;
    CHECK(calls >= 1 && last_converted == expected_jobs.size());
    CHECK(totals.jobs_total == expected_jobs.size() && totals.jobs_converted == expected_jobs.size());
    CHECK(totals.jobs_skipped == 0 && totals.jobs_failed == 0 && summary.rejections.empty());
    CHECK(totals.files == expected_files && totals.raw_bytes > totals.frame_bytes);
    CHECK(summary.totals.archive_ratio > 1.0 && summary.totals.frames_ratio >= summary.totals.archive_ratio);
    CHECK(!summary.categories.empty());
    uint64_t category_files = 0;
    bool trained = false;
    for (const zstdpool::ConvertCategory &c : summary.categories) {
        category_files += c.files;
        trained = trained || (c.status == ZSTDPOOL_DICT_TRAINED && c.dict_id != 0 && c.dict_size > 0);
        CHECK(!c.name.empty() && !c.status_message.empty());
    }
    CHECK(category_files == expected_files);
    CHECK(trained);

    // Listing and reading back.
    std::vector<zstdpool::Job> jobs = archive.jobs();
    CHECK(jobs.size() == expected_jobs.size());
    size_t same_names = 0, same = 0, same_bytes = 0, same_streamed = 0, files = 0;
    for (size_t i = 0; i < jobs.size() && i < expected_jobs.size(); i++) {
        const zstdpool::Job &job = jobs[i];
        CHECK(job8(job.id) == expected_jobs[i]);
        const std::string folder = unzipped + "/" + expected_jobs[i];
        std::vector<std::string> names = archive.names(job.id);
        same_names += names == files_of(folder);
        for (const std::string &name : names) {
            files++;
            const std::string original = slurp(folder + "/" + name);
            same += archive.read(job.id, name) == original;
            std::vector<uint8_t> bytes = archive.read_bytes(job.id, name);
            same_bytes += std::string(bytes.begin(), bytes.end()) == original;
            std::ostringstream streamed;
            uint64_t len = archive.read_to(job.id, name, streamed);
            same_streamed += len == original.size() && streamed.str() == original;
        }
    }
    CHECK(same_names == expected_jobs.size());
    CHECK(files == expected_files);
    CHECK(same == expected_files && same_bytes == expected_files && same_streamed == expected_files);
    bool dirac_known = false;
    for (const zstdpool::Job &job : jobs) {
        dirac_known = dirac_known || (job.dirac_id && *job.dirac_id > 0);
    }
    CHECK(dirac_known);

    // Verify and extract.
    zstdpool::ArchiveReport verified = archive.verify();
    CHECK(verified.ok() && verified.counts.problems == 0);
    CHECK(verified.counts.files == expected_files && verified.counts.without_checksum == 0);
    const std::string extracted = work + "/extracted";
    zstdpool::ArchiveReport report = archive.extract(extracted);
    CHECK(report.ok() && report.counts.jobs == expected_jobs.size());
    CHECK(report.counts.files == expected_files && report.counts.bytes == totals.raw_bytes);
    size_t same_extracted = 0;
    for (const std::string &j : expected_jobs) {
        for (const std::string &name : files_of(unzipped + "/" + j)) {
            const std::string path = extracted + "/" + j + "/" + name;
            same_extracted += slurp(path) == slurp(unzipped + "/" + j + "/" + name);
            std::remove(path.c_str());
        }
        rmdir((extracted + "/" + j).c_str());
    }
    rmdir(extracted.c_str());
    CHECK(same_extracted == expected_files);

    // Again: everything is already there.
    zstdpool::ConvertSummary again = archive.convert(data + "/zips");
    CHECK(again.totals.progress.jobs_skipped == expected_jobs.size());
    CHECK(again.totals.progress.jobs_converted == 0 && again.totals.progress.files == 0);

    // Moved, then closed: the moved-to Archive reads; closing twice is a no-op.
    zstdpool::Archive moved = std::move(archive);
    CHECK(!archive && moved.jobs().size() == expected_jobs.size());
    moved.close();
    moved.close();
    std::string message;
    CHECK(error_of([&] { (void)moved.jobs(); }, &message) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "zstdpool::Archive has no handle (it was moved from or closed)"));
    // Closed: one self-contained file.
    CHECK(access((db + "-wal").c_str(), F_OK) != 0);

    // Read-only: reads, refuses to convert.
    zstdpool::Archive read_only = zstdpool::Archive::open_read_only(db);
    CHECK(read_only.jobs().size() == expected_jobs.size());
    CHECK(read_only.verify().ok());
    CHECK(error_of([&] { (void)read_only.convert(data + "/zips"); }, &message) ==
          ZSTDPOOL_ERR_DATABASE);
    CHECK(!message.empty());
    remove_archive(db);
}

// Missing jobs and files, files that are not archives, a moved-from Archive, bad names,
// a failing output.
void archive_errors(const std::string &data) {
    const std::string work = data + "/cpp-work";
    mkdir(work.c_str(), 0755);
    const std::string db = work + "/errors.db";
    remove_archive(db);
    std::string message;

    // Not a database, not ours, missing.
    CHECK(error_of([&] { (void)zstdpool::Archive::open(data + "/not-a-db"); }, &message) ==
          ZSTDPOOL_ERR_NOT_OUR_DATABASE);
    CHECK(contains(message, "not-a-db"));
    CHECK(error_of([&] { (void)zstdpool::Archive::open_read_only(data + "/not-a-db"); }, &message) ==
          ZSTDPOOL_ERR_NOT_OUR_DATABASE);
    CHECK(contains(message, "not-a-db"));
    CHECK(slurp(data + "/not-a-db") == "this is not a database.\n"); // left as it was
    CHECK(error_of([&] { (void)zstdpool::Archive::open(data + "/other.db"); }, &message) ==
          ZSTDPOOL_ERR_NOT_OUR_DATABASE);
    CHECK(contains(message, "other.db"));
    CHECK(error_of([&] { (void)zstdpool::Archive::open_read_only(work + "/none.db"); }, &message) ==
          ZSTDPOOL_ERR_DATABASE);
    CHECK(contains(message, "none.db"));
    CHECK(error_of([&] { (void)zstdpool::Archive::open(""); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(error_of([&] { (void)zstdpool::Archive::open(std::string("a\0b", 3)); }, &message) ==
          ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "contains a NUL byte"));

    zstdpool::Archive archive = zstdpool::Archive::open(db);
    (void)archive.convert(data + "/zips");
    const int64_t job = archive.jobs().at(0).id;
    const std::string name = archive.names(job).at(0);

    // Missing job or file: NOT_FOUND with the library's message.
    CHECK(error_of([&] { (void)archive.names(999999); }, &message) == ZSTDPOOL_ERR_NOT_FOUND);
    CHECK(contains(message, "no job 999999"));
    CHECK(error_of([&] { (void)archive.read(999999, name); }, &message) == ZSTDPOOL_ERR_NOT_FOUND);
    CHECK(contains(message, "no file job 999999: " + name));
    CHECK(error_of([&] { (void)archive.read(job, "no-such.log"); }, &message) ==
          ZSTDPOOL_ERR_NOT_FOUND);
    CHECK(contains(message, "no file job " + std::to_string(job) + ": no-such.log"));
    std::ostringstream sink;
    CHECK(error_of([&] { (void)archive.read_to(job, "no-such.log", sink); }) ==
          ZSTDPOOL_ERR_NOT_FOUND);
    CHECK(error_of([&] { (void)archive.read_bytes(job, "no-such.log"); }) == ZSTDPOOL_ERR_NOT_FOUND);
    try {
        (void)archive.read(job, "no-such.log");
    } catch (const zstdpool::Error &e) {
        CHECK(std::string(e.status_str()) == zstdpool_status_str(ZSTDPOOL_ERR_NOT_FOUND));
    }
    CHECK(error_of([&] { (void)archive.read(job, std::string("a\0b", 3)); }, &message) ==
          ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, "zstdpool::Archive::read: name contains a NUL byte"));
    CHECK(error_of([&] { (void)archive.read(job, "\xff"); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(error_of([&] { (void)archive.convert(data + "/no-such-source"); }, &message) ==
          ZSTDPOOL_ERR_READ);
    CHECK(contains(message, "no-such-source"));
    CHECK(error_of([&] { (void)archive.extract(data + "/not-a-db"); }) == ZSTDPOOL_ERR_WRITE);

    // A failing output: a stream in a bad state is ZSTDPOOL_ERR_WRITE; an exception of the
    // write function (or of a stream that throws) is rethrown as it is.
    std::ostringstream bad;
    bad.setstate(std::ios::badbit);
    CHECK(error_of([&] { (void)archive.read_to(job, name, bad); }) == ZSTDPOOL_ERR_WRITE);
    std::string what;
    try {
        (void)archive.read_to(job, name, [](const uint8_t *, size_t) {
            throw std::runtime_error("out of paper");
        });
    } catch (const std::runtime_error &e) {
        what = e.what();
    }
    CHECK(what == "out of paper");
    bool stream_threw = false;
    try {
        struct Refusing : std::streambuf {
            int overflow(int) override { return traits_type::eof(); }
            std::streamsize xsputn(const char *, std::streamsize) override { return 0; }
        } refusing;
        std::ostream out(&refusing);
        out.exceptions(std::ios::badbit);
        (void)archive.read_to(job, name, out);
    } catch (const std::ios_base::failure &) {
        stream_threw = true;
    } catch (const zstdpool::Error &) {
        stream_threw = false;
    }
    CHECK(stream_threw);
    CHECK(error_of([&] { (void)archive.read_to(job, name, zstdpool::Archive::WriteFn{}); }) ==
          ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(archive.read(job, name).size() > 0); // still fine after all that

    // A moved-from Archive: every call throws an Error that says why.
    zstdpool::Archive other = std::move(archive);
    const char *why = "zstdpool::Archive has no handle (it was moved from or closed)";
    CHECK(error_of([&] { (void)archive.jobs(); }, &message) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, why));
    CHECK(error_of([&] { (void)archive.names(job); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(error_of([&] { (void)archive.read(job, name); }, &message) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(contains(message, why));
    CHECK(error_of([&] { (void)archive.read_to(job, name, sink); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(error_of([&] { (void)archive.convert(data + "/zips"); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(error_of([&] { (void)archive.verify(); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(error_of([&] { (void)archive.extract(work + "/x"); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    CHECK(error_of([&] { (void)archive.handle(); }) == ZSTDPOOL_ERR_INVALID_ARGUMENT);
    archive.close(); // a no-op
    archive = std::move(other); // move-assigning back works
    CHECK(archive.names(job).size() > 0);
    other = zstdpool::Archive::open_read_only(db); // assigning over an empty one
    CHECK(other.jobs().size() == archive.jobs().size());
    other = zstdpool::Archive::open_read_only(db); // over an open one: the old is freed
    CHECK(other.verify().ok());
    // Closing while another connection (other) has the file open: the final checkpoint
    // fails (ZSTDPOOL_ERR_DATABASE), the handle is freed all the same, nothing is lost.
    CHECK(error_of([&] { archive.close(); }, &message) == ZSTDPOOL_ERR_DATABASE);
    CHECK(contains(message, "errors.db") && !archive);
    other.close();
    archive = zstdpool::Archive::open(db);
    CHECK(archive.read(job, name).size() > 0);
    archive.close();
    CHECK(access((db + "-wal").c_str(), F_OK) != 0);
    remove_archive(db);
}

// A source with a bad ZIP: the job is refused, not the call; the rejection is copied out.
void archive_rejections(const std::string &data) {
    const std::string work = data + "/cpp-work";
    mkdir(work.c_str(), 0755);
    const std::string db = work + "/bad.db";
    remove_archive(db);
    zstdpool::Archive archive = zstdpool::Archive::open(db);
    zstdpool::ConvertSummary summary = archive.convert(data + "/bad");
    CHECK(summary.totals.progress.jobs_total == 2 && summary.totals.progress.jobs_converted == 1);
    CHECK(summary.totals.progress.jobs_failed == 1 && summary.rejections.size() == 1);
    if (!summary.rejections.empty()) {
        const zstdpool::ConvertRejection &r = summary.rejections[0];
        CHECK(r.status == ZSTDPOOL_ERR_NOT_ZIP && r.job == 500 && !r.name);
        CHECK(contains(r.input, "00000500.zip"));
        CHECK(contains(r.message, "00000500.zip") && contains(r.message, "not a ZIP"));
    }
    std::vector<zstdpool::Job> jobs = archive.jobs();
    CHECK(jobs.size() == 1 && jobs[0].id == 1);
    archive.close();
    remove_archive(db);
}

// An exception thrown by the progress function: it is not called again, the conversion
// (which the C API cannot stop from its callback) runs to its end, and the exception is
// rethrown by convert(); the jobs committed stay, and the archive is sound.
void archive_progress_exception(const std::string &data) {
    const std::string work = data + "/cpp-work";
    mkdir(work.c_str(), 0755);
    const std::string db = work + "/progress.db";
    remove_archive(db);
    zstdpool::Archive archive = zstdpool::Archive::open(db);
    int calls = 0;
    std::string what;
    try {
        (void)archive.convert(data + "/zips", [&](const zstdpool_convert_progress &) {
            calls++;
            throw std::runtime_error("progress went wrong");
        });
    } catch (const std::runtime_error &e) {
        what = e.what();
    }
    CHECK(what == "progress went wrong");
    CHECK(calls == 1);
    const size_t jobs = files_of(data + "/unzipped").size();
    CHECK(archive.jobs().size() == jobs);
    CHECK(archive.verify().ok());
    // A progress function that throws something else: rethrown as it is.
    archive.close();
    remove_archive(db);
    archive = zstdpool::Archive::open(db);
    bool rethrown = false;
    try {
        (void)archive.convert(data + "/zips", [](const zstdpool_convert_progress &) { throw 7; });
    } catch (int value) {
        rethrown = value == 7;
    }
    CHECK(rethrown);
    // Converting from the progress function into the same archive is refused (one
    // conversion per archive at a time); the Error thrown there is rethrown by convert().
    archive.close();
    remove_archive(db);
    archive = zstdpool::Archive::open(db);
    zstdpool_status inner = -1;
    try {
        (void)archive.convert(data + "/zips", [&](const zstdpool_convert_progress &) {
            (void)archive.convert(data + "/zips");
        });
    } catch (const zstdpool::Error &e) {
        inner = e.status();
    }
    CHECK(inner != -1 && inner != ZSTDPOOL_OK);
    archive.close();
    remove_archive(db);
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: cpp_wrapper_test DATA (made by tests/c/run.sh)\n");
        return 2;
    }
    destroyed_in_its_own_done_function();
    moved_from_handles();
    add_arguments();
    exception_text_in_rejections();
    exception_from_a_done_function();
    files_are_opened_when_read();
    archive_convert_and_read(argv[1]);
    archive_errors(argv[1]);
    archive_rejections(argv[1]);
    archive_progress_exception(argv[1]);
    CHECK(no_pending_frees());
    return CHECK_DONE();
}
