// zstdpool.hpp -- a header-only C++17 wrapper of the zstdpool C API (zstdpool.h), installed
// next to it (find_package(zstdpool) and link zstdpool::zstdpool; #include <zstdpool.hpp>).
//
//   zstdpool::Provider dicts = zstdpool::Provider::directory("dicts");
//   zstdpool::Pool pool = zstdpool::Pool::compressor(dicts, zstdpool::Config().level(19));
//   pool.add_file("a.log", "logs", "in/a.log", "out/a.log.zst");   // opened when read
//   pool.add("b.log", "logs", input_stream, output_stream);      // or streams, functions
//   pool.flush();
//   pool.wait();
//   for (const auto &c : pool.categories()) ...
//
// - Handles (Config, Provider, Pool) are move-only RAII owners of the C handles. Using a
//   moved-from (or closed) handle throws zstdpool::Error (ZSTDPOOL_ERR_INVALID_ARGUMENT)
//   saying so.
// - Every failing C call throws zstdpool::Error, carrying the status code and the message
//   of zstdpool_last_error() / zstdpool_pool_last_error().
// - Callbacks (std::function) run on the pool's worker threads, as in the C API: callbacks
//   of different entries run concurrently, those of one entry never do. An exception thrown
//   by a read or write function becomes the entry's rejection (ZSTDPOOL_ERR_READ /
//   ZSTDPOOL_ERR_WRITE) with the exception's what() in its message (Result::message and
//   Pool::rejected()), and the exception itself in Result::error and Rejection::error.
//   An exception thrown by a done function is kept (Pool::done_errors()) and the first one
//   not yet reported is rethrown by the next Pool::wait() or Pool::join(). An exception
//   thrown by a provider function becomes a provider error for the category.
// - Pool's destructor stops the pool and waits for every entry's done function
//   (zstdpool_pool_free()). Destroyed inside one of its own callbacks, where waiting would
//   deadlock, it hands the C pool to a detached thread that frees it once the callback has
//   returned (zstdpool::pending_frees() counts those not finished yet); Pool::close() in a
//   callback throws Error (ZSTDPOOL_ERR_WOULD_DEADLOCK) instead.
//
// Requires C++17 and the zstdpool C library (find_package(zstdpool), zstdpool::zstdpool).
#ifndef ZSTDPOOL_HPP
#define ZSTDPOOL_HPP

#include <zstdpool.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <istream>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
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

// Throws when a wrapper's handle is gone (moved from or closed).
template <typename Handle> Handle *live(Handle *handle, const char *what) {
    if (handle == nullptr) {
        throw Error(ZSTDPOOL_ERR_INVALID_ARGUMENT,
                    std::string(what) + " has no handle (it was moved from or closed)");
    }
    return handle;
}

// Pools whose destructor ran inside their own callback and whose C pool a detached thread
// is still freeing.
inline std::atomic<size_t> pending_frees{0};
} // namespace detail

/// How many destroyed Pools are still being freed in the background (see ~Pool).
inline size_t pending_frees() noexcept { return detail::pending_frees.load(); }

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
        detail::check(zstdpool_config_set(detail::live(handle_.get(), "zstdpool::Config"), option, value));
        return *this;
    }
    int64_t get(zstdpool_option option) const {
        int64_t value = 0;
        detail::check(zstdpool_config_get(detail::live(handle_.get(), "zstdpool::Config"), option, &value));
        return value;
    }
    Config &level(int level) { return set(ZSTDPOOL_OPT_LEVEL, level); }
    Config &workers(int workers) { return set(ZSTDPOOL_OPT_WORKERS, workers); }
    Config &checksum(bool on) { return set(ZSTDPOOL_OPT_CHECKSUM, on ? 1 : 0); }
    Config &training(bool on) { return set(ZSTDPOOL_OPT_TRAINING_ENABLED, on ? 1 : 0); }

    /// The C handle; throws Error when moved from.
    const zstdpool_config *handle() const { return detail::live(handle_.get(), "zstdpool::Config"); }

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

    /// The C handle; throws Error when moved from.
    const zstdpool_provider *handle() const {
        return detail::live(handle_.get(), "zstdpool::Provider");
    }

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
    std::string message; // empty on success; with the exception's what() if one was thrown
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    std::exception_ptr error; // what the read or write function threw, if it did
    bool ok() const noexcept { return status == ZSTDPOOL_OK; }
};

/// A rejected entry (Pool::rejected()).
struct Rejection {
    std::string name;
    zstdpool_status status;
    std::string message; // as in Result::message
    std::exception_ptr error; // what the read or write function threw, if it did
};

/// An exception a done function threw (Pool::done_errors()).
struct DoneError {
    std::string name;
    std::exception_ptr error;
};

/// A category name for Pool::add(): a string, or none (std::nullopt or nullptr: the entry
/// never uses a dictionary, as a NULL dict_name in the C API).
class DictName {
  public:
    DictName(std::nullopt_t) {}
    DictName(std::nullptr_t) {}
    DictName(const char *name) {
        if (name != nullptr) {
            name_ = name;
        }
    }
    DictName(std::string name) : name_(std::move(name)) {}
    DictName(std::optional<std::string> name) : name_(std::move(name)) {}
    const char *c_str() const noexcept { return name_ ? name_->c_str() : nullptr; }

  private:
    std::optional<std::string> name_;
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
    /// Called once when the entry is finished (successfully or not). An exception it throws
    /// is kept (done_errors()) and rethrown by the next wait() or join().
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

    Pool(Pool &&other) noexcept : handle_(other.handle_), shared_(std::move(other.shared_)) {
        other.handle_ = nullptr;
    }
    Pool &operator=(Pool &&other) noexcept {
        if (this != &other) {
            release();
            handle_ = other.handle_;
            other.handle_ = nullptr;
            shared_ = std::move(other.shared_);
        }
        return *this;
    }
    Pool(const Pool &) = delete;
    Pool &operator=(const Pool &) = delete;

    /// Stops the pool and waits for every entry's done function (zstdpool_pool_free()).
    /// Inside one of the pool's own callbacks, where that would deadlock, a detached thread
    /// frees the pool once the callback has returned (see pending_frees()).
    ~Pool() { release(); }

    /// Frees the pool now (as the destructor); afterwards every call but the destructor
    /// throws Error. Inside one of the pool's own callbacks it throws Error
    /// (ZSTDPOOL_ERR_WOULD_DEADLOCK) and the pool is untouched.
    void close() {
        if (handle_ == nullptr) {
            return;
        }
        zstdpool_status status = zstdpool_pool_free(handle_);
        if (status != ZSTDPOOL_OK) {
            throw Error(status, std::string("zstdpool::Pool::close: ") + zstdpool_last_error());
        }
        handle_ = nullptr;
    }

    /// Adds an entry. name is required (a NULL const char * throws Error
    /// ZSTDPOOL_ERR_INVALID_ARGUMENT); dict_name is its category (std::nullopt or nullptr:
    /// never a dictionary); size is the input's size, or ZSTDPOOL_SIZE_UNKNOWN. read and
    /// write must not be empty (Error ZSTDPOOL_ERR_INVALID_ARGUMENT). Throws Error (e.g.
    /// ZSTDPOOL_ERR_STOPPED); then no function is ever called.
    void add(const char *name, const DictName &dict_name, uint64_t size, ReadFn read,
             WriteFn write, DoneFn done = {}) {
        zstdpool_pool *handle = live();
        if (name == nullptr) {
            throw Error(ZSTDPOOL_ERR_INVALID_ARGUMENT, "zstdpool::Pool::add: name is NULL");
        }
        if (!read || !write) {
            throw Error(ZSTDPOOL_ERR_INVALID_ARGUMENT,
                        std::string("zstdpool::Pool::add: ") + name + ": the " +
                            (!read ? "read" : "write") + " function is empty");
        }
        auto entry = std::make_unique<Entry>(
            Entry{std::move(read), std::move(write), std::move(done), nullptr, shared_});
        check(zstdpool_pool_add(handle, name, dict_name.c_str(), size, &read_trampoline,
                                &write_trampoline, &done_trampoline, entry.get()));
        entry.release(); // owned by the pool now: freed by done_trampoline
    }
    void add(const std::string &name, const DictName &dict_name, uint64_t size, ReadFn read,
             WriteFn write, DoneFn done = {}) {
        add(name.c_str(), dict_name, size, std::move(read), std::move(write), std::move(done));
    }

    /// Adds an entry read from in and written to out; the pool keeps both alive until the
    /// entry is done. size as above (e.g. a file's size, known from the stream or stat).
    void add(const std::string &name, const DictName &dict_name, std::shared_ptr<std::istream> in,
             std::shared_ptr<std::ostream> out, DoneFn done = {},
             uint64_t size = ZSTDPOOL_SIZE_UNKNOWN) {
        if (!in || !out) {
            throw Error(ZSTDPOOL_ERR_INVALID_ARGUMENT,
                        "zstdpool::Pool::add: " + name + ": the " + (!in ? "input" : "output") +
                            " stream is null");
        }
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
        add(name.c_str(), dict_name, size, std::move(read), std::move(write), std::move(done));
    }

    /// Adds an entry read from the file in_path and written to the file out_path, opened
    /// only when a worker first reads or writes the entry (the input is closed at its end,
    /// the output when the entry is done; a rejected entry's output file is removed), so
    /// that entries waiting for training samples hold no file descriptor: the pattern for
    /// many files. size as above; a file that cannot be opened rejects the entry.
    void add_file(const std::string &name, const DictName &dict_name, const std::string &in_path,
                  const std::string &out_path, DoneFn done = {},
                  uint64_t size = ZSTDPOOL_SIZE_UNKNOWN) {
        struct Files {
            std::string in_path, out_path;
            std::unique_ptr<std::FILE, int (*)(std::FILE *)> in{nullptr, &std::fclose};
            std::unique_ptr<std::FILE, int (*)(std::FILE *)> out{nullptr, &std::fclose};
            bool read_all = false;
        };
        auto files = std::make_shared<Files>();
        files->in_path = in_path;
        files->out_path = out_path;
        ReadFn read = [files](uint8_t *buf, size_t capacity) -> size_t {
            if (files->read_all) {
                return 0;
            }
            if (!files->in) {
                files->in.reset(std::fopen(files->in_path.c_str(), "rb"));
                if (!files->in) {
                    throw std::runtime_error("cannot open " + files->in_path);
                }
            }
            size_t n = std::fread(buf, 1, capacity, files->in.get());
            if (n == 0) {
                if (std::ferror(files->in.get())) {
                    throw std::runtime_error("reading " + files->in_path + " failed");
                }
                files->read_all = true;
                files->in.reset();
            }
            return n;
        };
        auto open_out = [files] {
            if (!files->out) {
                files->out.reset(std::fopen(files->out_path.c_str(), "wb"));
                if (!files->out) {
                    throw std::runtime_error("cannot create " + files->out_path);
                }
            }
        };
        WriteFn write = [files, open_out](const uint8_t *data, size_t len) {
            open_out();
            if (std::fwrite(data, 1, len, files->out.get()) != len ||
                std::fflush(files->out.get()) != 0) {
                throw std::runtime_error("writing " + files->out_path + " failed");
            }
        };
        // A failure to create or close an output that was written in full throws from the
        // done function (done_errors(), rethrown by wait()), after the caller's done function.
        DoneFn finish = [files, open_out, done = std::move(done)](const Result &result) {
            files->in.reset();
            bool closed = true;
            if (result.ok()) {
                try {
                    open_out(); // an empty output is still a file
                } catch (...) {
                    closed = false;
                }
                if (files->out && std::fclose(files->out.release()) != 0) {
                    closed = false;
                }
            }
            if (!result.ok() || !closed) {
                files->out.reset();
                std::remove(files->out_path.c_str());
            }
            if (done) {
                done(result);
            }
            if (!closed) {
                throw std::runtime_error(result.name + ": writing " + files->out_path + " failed");
            }
        };
        add(name.c_str(), dict_name, size, std::move(read), std::move(write), std::move(finish));
    }

    void start() { check(zstdpool_pool_start(live())); }
    void flush() { check(zstdpool_pool_flush(live())); }
    /// Waits for every entry added so far (flush() first for those waiting for samples), then
    /// rethrows the first exception of a done function not yet rethrown.
    void wait() {
        check(zstdpool_pool_wait(live()));
        rethrow_done_error();
    }
    void stop() { check(zstdpool_pool_stop(live())); }
    /// Waits for the stopped pool's workers to exit; false when the timeout came first. Then
    /// rethrows the first exception of a done function not yet rethrown.
    bool join(std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
        zstdpool_status status =
            zstdpool_pool_join(live(), timeout ? static_cast<int64_t>(timeout->count()) : -1);
        if (status == ZSTDPOOL_ERR_TIMEOUT) {
            return false;
        }
        check(status);
        rethrow_done_error();
        return true;
    }
    /// A ZSTDPOOL_STATE_* constant.
    int32_t state() const {
        int32_t state = 0;
        check(zstdpool_pool_state(live(), &state));
        return state;
    }
    zstdpool_counts totals() const {
        zstdpool_counts counts{};
        check(zstdpool_pool_totals(live(), &counts));
        return counts;
    }
    /// Every category's statistics, sorted by name.
    std::vector<Category> categories() const {
        // One snapshot of the statistics; it owns the strings, copied before it is freed.
        zstdpool_stats *raw = nullptr;
        check(zstdpool_stats_new(live(), &raw));
        std::unique_ptr<zstdpool_stats, detail::Deleter<zstdpool_stats, zstdpool_stats_free>>
            stats(raw);
        size_t count = zstdpool_stats_category_count(stats.get());
        std::vector<Category> result;
        result.reserve(count);
        for (size_t i = 0; i < count; i++) {
            zstdpool_category c{};
            check(zstdpool_stats_category(stats.get(), i, &c));
            result.push_back(Category{c.name, c.counts, c.status, c.status_message, c.dict_id,
                                      c.dict_size, c.train_seconds, c.samples, c.sample_bytes});
        }
        return result;
    }
    /// The rejected entries so far, in the order their done functions ran, with the
    /// exception a read or write function threw.
    std::vector<Rejection> rejected() const {
        live();
        std::lock_guard<std::mutex> lock(shared_->lock);
        return shared_->rejected;
    }
    /// The exceptions done functions threw so far.
    std::vector<DoneError> done_errors() const {
        live();
        std::lock_guard<std::mutex> lock(shared_->lock);
        return shared_->done_errors;
    }

    /// The C handle; throws Error when moved from or closed.
    zstdpool_pool *handle() const { return live(); }

  private:
    // What the entries' callbacks report to the Pool object.
    struct Shared {
        std::mutex lock;
        std::vector<Rejection> rejected;
        std::vector<DoneError> done_errors;
        size_t done_errors_rethrown = 0;
    };

    explicit Pool(zstdpool_pool *handle) : handle_(handle), shared_(std::make_shared<Shared>()) {}

    zstdpool_pool *live() const { return detail::live(handle_, "zstdpool::Pool"); }

    // Frees the C pool, or, inside its own callback, has a detached thread free it.
    void release() noexcept {
        zstdpool_pool *handle = handle_;
        handle_ = nullptr;
        if (handle == nullptr || zstdpool_pool_free(handle) != ZSTDPOOL_ERR_WOULD_DEADLOCK) {
            return;
        }
        detail::pending_frees++;
        try {
            std::thread([handle] {
                zstdpool_pool_free(handle); // from outside the pool: stops and joins it
                detail::pending_frees--;
            }).detach();
        } catch (...) {
            // No thread to be had: the pool stays allocated rather than freed under its own
            // worker (it is still counted by pending_frees()).
        }
    }

    void rethrow_done_error() {
        std::exception_ptr error;
        {
            std::lock_guard<std::mutex> lock(shared_->lock);
            if (shared_->done_errors_rethrown < shared_->done_errors.size()) {
                error = shared_->done_errors[shared_->done_errors_rethrown++].error;
            }
        }
        if (error) {
            std::rethrow_exception(error);
        }
    }

    // Throws with the pool's own message (the calling thread's may be another call's).
    void check(zstdpool_status status) const {
        if (status != ZSTDPOOL_OK) {
            std::string message(256, '\0');
            size_t len = zstdpool_pool_last_error(handle_, &message[0], message.size());
            if (len >= message.size()) {
                message.assign(len + 1, '\0');
                zstdpool_pool_last_error(handle_, &message[0], message.size());
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
        std::shared_ptr<Shared> shared;
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
    // "NAME: reading the input failed: WHAT" for an exception of a read or write function
    // (the C message only knows the trampoline's return code).
    static std::string describe(const char *name, zstdpool_status status, const char *message,
                                const std::exception_ptr &error) {
        if (!error || (status != ZSTDPOOL_ERR_READ && status != ZSTDPOOL_ERR_WRITE)) {
            return message ? message : "";
        }
        std::string what;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception &e) {
            what = e.what();
        } catch (...) {
            what = "an exception that is not a std::exception";
        }
        return std::string(name) + ": " +
               (status == ZSTDPOOL_ERR_READ ? "the read function threw: "
                                            : "the write function threw: ") +
               what;
    }
    static void done_trampoline(void *user_data, const char *name, zstdpool_status status,
                                const char *message, uint64_t bytes_in, uint64_t bytes_out) {
        std::unique_ptr<Entry> entry(static_cast<Entry *>(user_data));
        Shared &shared = *entry->shared;
        try {
            Result result{name, status, describe(name, status, message, entry->error), bytes_in,
                          bytes_out, entry->error};
            if (status != ZSTDPOOL_OK) {
                std::lock_guard<std::mutex> lock(shared.lock);
                shared.rejected.push_back(
                    Rejection{result.name, result.status, result.message, result.error});
            }
            if (entry->done) {
                entry->done(result);
            }
        } catch (...) {
            // Nothing may cross the C library: kept for done_errors(), wait() and join().
            try {
                std::lock_guard<std::mutex> lock(shared.lock);
                shared.done_errors.push_back(DoneError{name, std::current_exception()});
            } catch (...) {
            }
        }
    }

    zstdpool_pool *handle_ = nullptr;
    std::shared_ptr<Shared> shared_;
};

} // namespace zstdpool

#endif // ZSTDPOOL_HPP
