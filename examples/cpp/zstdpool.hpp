// zstdpool.hpp -- a header-only C++17 wrapper of the zstdpool C API (zstdpool.h).
//
//   zstdpool::Provider dicts = zstdpool::Provider::directory("dicts");
//   zstdpool::Pool pool = zstdpool::Pool::compressor(dicts, zstdpool::Config().level(19));
//   pool.add("a.log", "logs", input_stream, output_stream);   // or read/write functions
//   pool.flush();
//   pool.wait();
//   for (const auto &c : pool.categories()) ...
//
// - Handles (Config, Provider, Pool) are move-only RAII owners of the C handles.
// - Every failing C call throws zstdpool::Error, carrying the status code and the message
//   of zstdpool_last_error() / zstdpool_pool_last_error().
// - Callbacks (std::function) run on the pool's worker threads, as in the C API: callbacks
//   of different entries run concurrently, those of one entry never do. An exception thrown
//   by a read or write function becomes the entry's rejection (ZSTDPOOL_ERR_READ /
//   ZSTDPOOL_ERR_WRITE), and the done function receives it in Result::error to rethrow if
//   wanted; an exception thrown by a done function or a provider function never crosses
//   the C library (done: ignored; provider get/put: a provider error for the category).
// - Pool's destructor calls zstdpool_pool_free(): it stops the pool and waits for every
//   entry's done function.
//
// Requires C++17 and the zstdpool C library (find_package(zstdpool), zstdpool::zstdpool).
#ifndef ZSTDPOOL_HPP
#define ZSTDPOOL_HPP

#include <zstdpool.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace zstdpool {

/// A failed call: the status code (a ZSTDPOOL_ERR_* constant) and the library's message.
class Error : public std::runtime_error {
  public:
    Error(zstdpool_status status, const std::string &message)
        : std::runtime_error(message), status_(status) {}
    /// The ZSTDPOOL_ERR_* code.
    zstdpool_status status() const noexcept { return status_; }
    /// zstdpool_status_str() of the code, e.g. "reading the input failed".
    const char *status_str() const noexcept { return zstdpool_status_str(status_); }

  private:
    zstdpool_status status_;
};

namespace detail {
inline void check(zstdpool_status status) {
    if (status != ZSTDPOOL_OK) {
        throw Error(status, zstdpool_last_error());
    }
}

template <typename Handle, void (*Free)(Handle *)> struct Deleter {
    void operator()(Handle *handle) const noexcept { Free(handle); }
};
} // namespace detail

/// The version of the loaded library, e.g. "0.1.0".
inline std::string version() { return zstdpool_version(); }

/// A pool configuration (ZSTDPOOL_OPT_* fields); pools copy it when created.
class Config {
  public:
    Config() {
        zstdpool_config *handle = nullptr;
        detail::check(zstdpool_config_new(&handle));
        handle_.reset(handle);
    }
    /// Sets any field; throws Error (ZSTDPOOL_ERR_INVALID_CONFIG) when out of range.
    Config &set(zstdpool_option option, int64_t value) {
        detail::check(zstdpool_config_set(handle_.get(), option, value));
        return *this;
    }
    int64_t get(zstdpool_option option) const {
        int64_t value = 0;
        detail::check(zstdpool_config_get(handle_.get(), option, &value));
        return value;
    }
    Config &level(int level) { return set(ZSTDPOOL_OPT_LEVEL, level); }
    Config &workers(int workers) { return set(ZSTDPOOL_OPT_WORKERS, workers); }
    Config &checksum(bool on) { return set(ZSTDPOOL_OPT_CHECKSUM, on ? 1 : 0); }
    Config &training(bool on) { return set(ZSTDPOOL_OPT_TRAINING_ENABLED, on ? 1 : 0); }

    const zstdpool_config *handle() const noexcept { return handle_.get(); }

  private:
    std::unique_ptr<zstdpool_config, detail::Deleter<zstdpool_config, zstdpool_config_free>> handle_;
};

/// A dictionary store: a directory, memory, or the caller's functions.
class Provider {
  public:
    /// Looks a dictionary up: its bytes, or std::nullopt when there is none.
    using GetFn = std::function<std::optional<std::vector<uint8_t>>(const std::string &name)>;
    /// Stores a dictionary.
    using PutFn = std::function<void(const std::string &name, const uint8_t *dict, size_t len)>;

    /// Dictionaries as DIR/<name>.zdict files (the directory is created if missing).
    static Provider directory(const std::string &path) {
        zstdpool_provider *handle = nullptr;
        detail::check(zstdpool_provider_dir_new(path.c_str(), &handle));
        return Provider(handle);
    }
    /// Dictionaries in memory, for as long as the provider (or a pool using it) lives.
    static Provider memory() {
        zstdpool_provider *handle = nullptr;
        detail::check(zstdpool_provider_memory_new(&handle));
        return Provider(handle);
    }
    /// The caller's store. get and put are called from worker threads, concurrently for
    /// different names: they must be thread-safe. An exception they throw becomes a
    /// provider error for the category (its entries are rejected, ZSTDPOOL_ERR_PROVIDER).
    static Provider callbacks(GetFn get, PutFn put) {
        auto functions = std::make_unique<Functions>(Functions{std::move(get), std::move(put)});
        zstdpool_provider *handle = nullptr;
        detail::check(zstdpool_provider_callbacks_new(&get_trampoline, &put_trampoline,
                                                      &free_trampoline, functions.get(), &handle));
        functions.release(); // owned by the provider now: freed by free_trampoline
        return Provider(handle);
    }

    const zstdpool_provider *handle() const noexcept { return handle_.get(); }

  private:
    explicit Provider(zstdpool_provider *handle) : handle_(handle) {}

    struct Functions {
        GetFn get;
        PutFn put;
    };
    static int32_t get_trampoline(void *user_data, const char *name, zstdpool_dict_buffer *out) {
        try {
            auto dict = static_cast<Functions *>(user_data)->get(name);
            if (dict) {
                return zstdpool_dict_buffer_set(out, dict->data(), dict->size());
            }
            return 0;
        } catch (...) {
            return -1;
        }
    }
    static int32_t put_trampoline(void *user_data, const char *name, const uint8_t *dict,
                                  size_t len) {
        try {
            static_cast<Functions *>(user_data)->put(name, dict, len);
            return 0;
        } catch (...) {
            return -1;
        }
    }
    static void free_trampoline(void *user_data) { delete static_cast<Functions *>(user_data); }

    std::unique_ptr<zstdpool_provider, detail::Deleter<zstdpool_provider, zstdpool_provider_free>>
        handle_;
};

/// How an entry ended (what its done function receives).
struct Result {
    std::string name;
    zstdpool_status status = ZSTDPOOL_OK;
    std::string message; // empty on success
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    std::exception_ptr error; // what the read or write function threw, if it did
    bool ok() const noexcept { return status == ZSTDPOOL_OK; }
};

/// A rejected entry (Pool::rejected()).
struct Rejection {
    std::string name;
    zstdpool_status status;
    std::string message;
};

/// One category's statistics (Pool::categories()).
struct Category {
    std::string name;
    zstdpool_counts counts;
    int32_t status; // a ZSTDPOOL_DICT_* constant
    std::string status_message;
    uint32_t dict_id;
    uint64_t dict_size;
    double train_seconds;
    uint64_t samples;
    uint64_t sample_bytes;
};

/// A compressing or decompressing pool of worker threads.
class Pool {
  public:
    /// Fills buf with up to capacity bytes of input and returns how many; 0 at the end.
    /// Throw to fail the entry (ZSTDPOOL_ERR_READ).
    using ReadFn = std::function<size_t(uint8_t *buf, size_t capacity)>;
    /// Takes the next len bytes of output. Throw to fail the entry (ZSTDPOOL_ERR_WRITE).
    using WriteFn = std::function<void(const uint8_t *data, size_t len)>;
    /// Called once when the entry is finished (successfully or not).
    using DoneFn = std::function<void(const Result &result)>;

    static Pool compressor(const Provider &provider, const Config *config = nullptr) {
        zstdpool_pool *handle = nullptr;
        detail::check(zstdpool_compressor_new(config ? config->handle() : nullptr,
                                              provider.handle(), &handle));
        return Pool(handle);
    }
    static Pool compressor(const Provider &provider, const Config &config) {
        return compressor(provider, &config);
    }
    static Pool decompressor(const Provider &provider, const Config *config = nullptr) {
        zstdpool_pool *handle = nullptr;
        detail::check(zstdpool_decompressor_new(config ? config->handle() : nullptr,
                                                provider.handle(), &handle));
        return Pool(handle);
    }
    static Pool decompressor(const Provider &provider, const Config &config) {
        return decompressor(provider, &config);
    }

    /// Adds an entry. dict_name is its category (std::nullopt: never a dictionary); size is
    /// the input's size, or ZSTDPOOL_SIZE_UNKNOWN. Throws Error (e.g. ZSTDPOOL_ERR_STOPPED);
    /// then no function is ever called.
    void add(const std::string &name, const std::optional<std::string> &dict_name, uint64_t size,
             ReadFn read, WriteFn write, DoneFn done = {}) {
        auto entry = std::make_unique<Entry>(Entry{std::move(read), std::move(write),
                                                   std::move(done), nullptr});
        check(zstdpool_pool_add(handle_.get(), name.c_str(),
                                dict_name ? dict_name->c_str() : nullptr, size, &read_trampoline,
                                &write_trampoline, &done_trampoline, entry.get()));
        entry.release(); // owned by the pool now: freed by done_trampoline
    }

    /// Adds an entry read from in and written to out; the pool keeps both alive until the
    /// entry is done. size as above (e.g. a file's size, known from the stream or stat).
    void add(const std::string &name, const std::optional<std::string> &dict_name,
             std::shared_ptr<std::istream> in, std::shared_ptr<std::ostream> out, DoneFn done = {},
             uint64_t size = ZSTDPOOL_SIZE_UNKNOWN) {
        ReadFn read = [in](uint8_t *buf, size_t capacity) -> size_t {
            in->read(reinterpret_cast<char *>(buf), static_cast<std::streamsize>(capacity));
            if (in->bad()) {
                throw std::runtime_error("reading the input stream failed");
            }
            return static_cast<size_t>(in->gcount());
        };
        WriteFn write = [out](const uint8_t *data, size_t len) {
            out->write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(len));
            if (!*out) {
                throw std::runtime_error("writing the output stream failed");
            }
        };
        add(name, dict_name, size, std::move(read), std::move(write), std::move(done));
    }

    void start() { check(zstdpool_pool_start(handle_.get())); }
    void flush() { check(zstdpool_pool_flush(handle_.get())); }
    void wait() { check(zstdpool_pool_wait(handle_.get())); }
    void stop() { check(zstdpool_pool_stop(handle_.get())); }
    /// Waits for the stopped pool's workers to exit; false when the timeout came first.
    bool join(std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
        zstdpool_status status =
            zstdpool_pool_join(handle_.get(), timeout ? static_cast<int64_t>(timeout->count()) : -1);
        if (status == ZSTDPOOL_ERR_TIMEOUT) {
            return false;
        }
        check(status);
        return true;
    }
    /// A ZSTDPOOL_STATE_* constant.
    int32_t state() const {
        int32_t state = 0;
        check(zstdpool_pool_state(handle_.get(), &state));
        return state;
    }
    zstdpool_counts totals() const {
        zstdpool_counts counts{};
        check(zstdpool_pool_totals(handle_.get(), &counts));
        return counts;
    }
    std::vector<Category> categories() const {
        size_t count = 0;
        check(zstdpool_pool_category_count(handle_.get(), &count));
        std::vector<Category> result;
        for (size_t i = 0; i < count; i++) {
            zstdpool_category c{};
            check(zstdpool_pool_category(handle_.get(), i, &c));
            result.push_back(Category{c.name, c.counts, c.status, c.status_message, c.dict_id,
                                      c.dict_size, c.train_seconds, c.samples, c.sample_bytes});
        }
        return result;
    }
    std::vector<Rejection> rejected() const {
        size_t count = 0;
        check(zstdpool_pool_rejected_count(handle_.get(), &count));
        std::vector<Rejection> result;
        for (size_t i = 0; i < count; i++) {
            const char *name = nullptr;
            const char *message = nullptr;
            zstdpool_status status = ZSTDPOOL_OK;
            check(zstdpool_pool_rejected(handle_.get(), i, &name, &status, &message));
            result.push_back(Rejection{name, status, message});
        }
        return result;
    }

    zstdpool_pool *handle() const noexcept { return handle_.get(); }

  private:
    explicit Pool(zstdpool_pool *handle) : handle_(handle) {}

    // Throws with the pool's own message (the calling thread's may be another call's).
    void check(zstdpool_status status) const {
        if (status != ZSTDPOOL_OK) {
            std::string message(256, '\0');
            size_t len = zstdpool_pool_last_error(handle_.get(), &message[0], message.size());
            if (len >= message.size()) {
                message.assign(len + 1, '\0');
                zstdpool_pool_last_error(handle_.get(), &message[0], message.size());
            }
            message.resize(len);
            throw Error(status, message);
        }
    }

    struct Entry {
        ReadFn read;
        WriteFn write;
        DoneFn done;
        std::exception_ptr error;
    };
    static int32_t read_trampoline(void *user_data, uint8_t *buf, size_t capacity, size_t *out_len) {
        auto *entry = static_cast<Entry *>(user_data);
        try {
            *out_len = entry->read(buf, capacity);
            return 0;
        } catch (...) {
            entry->error = std::current_exception();
            return 1;
        }
    }
    static int32_t write_trampoline(void *user_data, const uint8_t *data, size_t len) {
        auto *entry = static_cast<Entry *>(user_data);
        try {
            entry->write(data, len);
            return 0;
        } catch (...) {
            entry->error = std::current_exception();
            return 1;
        }
    }
    static void done_trampoline(void *user_data, const char *name, zstdpool_status status,
                                const char *message, uint64_t bytes_in, uint64_t bytes_out) {
        std::unique_ptr<Entry> entry(static_cast<Entry *>(user_data));
        if (!entry->done) {
            return;
        }
        try {
            entry->done(Result{name, status, message ? message : "", bytes_in, bytes_out,
                               entry->error});
        } catch (...) {
            // Nothing may cross the C library; a done function should not throw.
        }
    }

    struct PoolDeleter {
        // zstdpool_pool_free() stops the pool and waits for its workers.
        void operator()(zstdpool_pool *pool) const noexcept { zstdpool_pool_free(pool); }
    };
    std::unique_ptr<zstdpool_pool, PoolDeleter> handle_;
};

} // namespace zstdpool

#endif // ZSTDPOOL_HPP
