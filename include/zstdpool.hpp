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
//   zstdpool::Archive archive = zstdpool::Archive::open("prod.db");   // an archive database
//   zstdpool::ConvertSummary summary = archive.convert("LOG/00285595");
//   for (const zstdpool::Job &job : archive.jobs())
//       for (const std::string &name : archive.names(job.id)) archive.read(job.id, name);
//
// - Handles (Config, Provider, Pool, Archive) are move-only RAII owners of the C handles.
//   Using a moved-from (or closed) handle throws zstdpool::Error
//   (ZSTDPOOL_ERR_INVALID_ARGUMENT) saying so.
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
// - Archive (one SQLite archive database: convert, jobs, names, read, read_to, verify,
//   extract) returns summaries and reports as values (ConvertSummary, ArchiveReport) copied
//   out of the C objects. An exception of a convert() progress function is rethrown once
//   the conversion has finished (the C API cannot stop it; see Archive::convert()).
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

// A std::string as a C string; one holding a NUL (which C would cut there) throws.
inline const char *c_str(const std::string &text, const char *what) {
    if (text.find('\0') != std::string::npos) {
        throw Error(ZSTDPOOL_ERR_INVALID_ARGUMENT, std::string(what) + " contains a NUL byte");
    }
    return text.c_str();
}

// A C string the library gave (NULL: empty).
inline std::string string_of(const char *text) { return text ? std::string(text) : std::string(); }

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

    /// A configuration holding an archive conversion's defaults (zstdpool_convert_config_new():
    /// not a pool's, e.g. files up to 1 GiB), for Archive::convert().
    static Config conversion() {
        zstdpool_config *handle = nullptr;
        detail::check(zstdpool_convert_config_new(&handle));
        return Config(handle);
    }

  private:
    explicit Config(zstdpool_config *handle) : handle_(handle) {}

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

// ---- The archive ---------------------------------------------------------------------

/// One category (dictionary) of the files a conversion committed (ConvertSummary).
struct ConvertCategory {
    std::string name; // e.g. "DaVinci_#_#_#.log", the `dict` row's name
    uint64_t files = 0;
    uint64_t raw_bytes = 0;
    uint64_t frame_bytes = 0;
    int32_t status = 0; // a ZSTDPOOL_DICT_* constant
    std::string status_message;
    uint32_t dict_id = 0; // 0: no dictionary
    uint64_t dict_size = 0;
};

/// A job input, or one of its files, that a conversion refused (its job is not in the
/// archive; converting again retries it).
struct ConvertRejection {
    std::string input;                // the ZIP file or job folder
    std::optional<int64_t> job;       // its job number, when known
    std::optional<std::string> name;  // the file concerned; none when it is the whole input
    zstdpool_status status = ZSTDPOOL_OK; // a ZSTDPOOL_ERR_* code
    std::string message;
};

/// What Archive::convert() did: a value, copied out of the C summary (which is freed).
struct ConvertSummary {
    zstdpool_convert_totals totals{}; // totals.progress: jobs and bytes; dict_bytes, ratios
    std::vector<ConvertCategory> categories; // sorted by name
    std::vector<ConvertRejection> rejections; // by input, then file
};

/// One row of the archive's `job` table.
struct Job {
    int64_t id = 0;                  // the job number (88 for 00000088.zip)
    std::optional<int64_t> dirac_id; // job.info's /JobID, when known
    std::optional<bool> success;     // whether every step succeeded, when known
};

/// One thing wrong in an archive (ArchiveReport::problems).
struct ArchiveProblem {
    std::optional<int64_t> job;      // the data row's job; none when not one row
    std::optional<std::string> name; // the data row's file name, when there is one
    zstdpool_status status = ZSTDPOOL_OK; // a ZSTDPOOL_ERR_* code
    std::string message;
};

/// What Archive::verify() or Archive::extract() found: a value, copied out of the C report.
struct ArchiveReport {
    zstdpool_archive_counts counts{}; // jobs, files, bytes, without_checksum, ..., problems
    std::vector<ArchiveProblem> problems;
    /// True when nothing is wrong.
    bool ok() const noexcept { return problems.empty(); }
};

/// An archive: one SQLite database of jobs, their logs (one zstd frame each) and the
/// dictionaries (see zstdpool_archive in zstdpool.h). Move-only; a moved-from or closed
/// Archive throws Error (ZSTDPOOL_ERR_INVALID_ARGUMENT) saying so. Every method but
/// close() may be called from several threads at once (the C archive is thread-safe).
///
///   zstdpool::Archive archive = zstdpool::Archive::open("prod.db");
///   zstdpool::ConvertSummary s = archive.convert("LOG/00285595");
///   for (const zstdpool::Job &job : archive.jobs())
///       for (const std::string &name : archive.names(job.id))
///           std::string text = archive.read(job.id, name);
///   archive.close();   // or let the destructor close it (without reporting a failure)
class Archive {
  public:
    /// Called after every commit of a conversion, on the calling thread.
    using ProgressFn = std::function<void(const zstdpool_convert_progress &progress)>;
    /// Takes the next len bytes of a file read by read_to().
    using WriteFn = std::function<void(const uint8_t *data, size_t len)>;

    /// Opens (creating it when missing or empty) the archive at path for converting and
    /// reading. Throws Error: ZSTDPOOL_ERR_NOT_OUR_DATABASE (not a SQLite database, or not
    /// the archive's), ZSTDPOOL_ERR_DATABASE (cannot be written, locked), ...
    static Archive open(const std::string &path) {
        zstdpool_archive *handle = nullptr;
        detail::check(zstdpool_archive_open(detail::c_str(path, "zstdpool::Archive::open: path"),
                                            &handle));
        return Archive(handle);
    }
    /// Opens an existing archive for reading only (convert() then throws
    /// ZSTDPOOL_ERR_DATABASE). Throws Error as open(), ZSTDPOOL_ERR_DATABASE when missing.
    static Archive open_read_only(const std::string &path) {
        zstdpool_archive *handle = nullptr;
        detail::check(zstdpool_archive_open_read_only(
            detail::c_str(path, "zstdpool::Archive::open_read_only: path"), &handle));
        return Archive(handle);
    }

    Archive(Archive &&) noexcept = default;
    Archive &operator=(Archive &&) noexcept = default;
    Archive(const Archive &) = delete;
    Archive &operator=(const Archive &) = delete;
    /// Closes the archive (zstdpool_archive_free(): a failed final checkpoint leaves the
    /// write-ahead log beside the file, which the next open reads). Call close() to learn
    /// of that failure.
    ~Archive() = default;

    /// Closes the archive now, leaving one self-contained file; afterwards every call
    /// throws Error. A no-op when already closed or moved from. The handle is freed
    /// whatever happens; throws Error (ZSTDPOOL_ERR_DATABASE) when the final checkpoint
    /// failed (nothing is lost: the write-ahead log stays beside the file).
    void close() {
        zstdpool_archive *handle = handle_.release();
        if (handle != nullptr) {
            detail::check(zstdpool_archive_close(handle));
        }
    }
    /// False once moved from or closed.
    explicit operator bool() const noexcept { return handle_ != nullptr; }

    /// A configuration holding the conversion's defaults (not a pool's: e.g. files up to
    /// 1 GiB), to change and pass to convert().
    static Config convert_config() { return Config::conversion(); }

    /// Converts every job under src (a folder of job ZIPs or job folders, or a log-store
    /// tree of them) into the archive; jobs already in it are skipped, so converting again
    /// after a crash completes it. Refused jobs do not throw: they are in the summary's
    /// rejections. config null: the conversion's defaults (convert_config()).
    ///
    /// progress, when given, is called after every commit. If it throws, it is not called
    /// again, and the exception is rethrown once the conversion has finished: the C API
    /// cannot stop a conversion from its progress callback, so the conversion runs to its
    /// end and its jobs stay committed (the summary is lost; converting again skips them
    /// and reports nothing new). The progress function must not close or move the Archive.
    ///
    /// Throws Error: ZSTDPOOL_ERR_READ (src cannot be read), ZSTDPOOL_ERR_DATABASE (a
    /// read-only archive, a full disk: the jobs committed before stay),
    /// ZSTDPOOL_ERR_INVALID_CONFIG, ...
    ConvertSummary convert(const std::string &src, const Config *config = nullptr,
                           ProgressFn progress = {}) const {
        const zstdpool_archive *handle = live();
        const char *c_src = detail::c_str(src, "zstdpool::Archive::convert: src");
        const zstdpool_config *c_config = config ? config->handle() : nullptr;
        Progress state{std::move(progress), nullptr};
        zstdpool_convert_summary *raw = nullptr;
        zstdpool_status status = zstdpool_archive_convert(
            handle, c_src, c_config, state.progress ? &progress_trampoline : nullptr, &state,
            &raw);
        // The message now, before anything else can change this thread's last error.
        std::string message = status == ZSTDPOOL_OK ? std::string() : zstdpool_last_error();
        std::unique_ptr<zstdpool_convert_summary,
                        detail::Deleter<zstdpool_convert_summary, zstdpool_convert_summary_free>>
            summary(raw);
        if (state.error) {
            std::rethrow_exception(state.error); // the progress function's, first
        }
        if (status != ZSTDPOOL_OK) {
            throw Error(status, message);
        }
        ConvertSummary result;
        detail::check(zstdpool_convert_summary_totals(summary.get(), &result.totals));
        size_t categories = zstdpool_convert_summary_category_count(summary.get());
        result.categories.reserve(categories);
        for (size_t i = 0; i < categories; i++) {
            zstdpool_archive_category c{};
            detail::check(zstdpool_convert_summary_category(summary.get(), i, &c));
            result.categories.push_back(ConvertCategory{
                detail::string_of(c.name), c.files, c.raw_bytes, c.frame_bytes, c.status,
                detail::string_of(c.status_message), c.dict_id, c.dict_size});
        }
        size_t rejections = zstdpool_convert_summary_rejection_count(summary.get());
        result.rejections.reserve(rejections);
        for (size_t i = 0; i < rejections; i++) {
            zstdpool_archive_rejection r{};
            detail::check(zstdpool_convert_summary_rejection(summary.get(), i, &r));
            ConvertRejection rejection;
            rejection.input = detail::string_of(r.input);
            if (r.job >= 0) {
                rejection.job = r.job;
            }
            if (r.name != nullptr) {
                rejection.name = std::string(r.name);
            }
            rejection.status = r.status;
            rejection.message = detail::string_of(r.message);
            result.rejections.push_back(std::move(rejection));
        }
        return result;
    }
    ConvertSummary convert(const std::string &src, const Config &config,
                           ProgressFn progress = {}) const {
        return convert(src, &config, std::move(progress));
    }
    ConvertSummary convert(const std::string &src, ProgressFn progress) const {
        return convert(src, nullptr, std::move(progress));
    }

    /// The archive's jobs, by job number.
    std::vector<Job> jobs() const {
        Collect<Job> collected;
        zstdpool_status status = zstdpool_archive_jobs(live(), &job_trampoline, &collected);
        return collected.finish(status);
    }

    /// The names of job's files, sorted. Throws Error ZSTDPOOL_ERR_NOT_FOUND (no such job).
    std::vector<std::string> names(int64_t job) const {
        Collect<std::string> collected;
        zstdpool_status status =
            zstdpool_archive_names(live(), job, &name_trampoline, &collected);
        return collected.finish(status);
    }

    /// File name of job, decompressed. Throws Error: ZSTDPOOL_ERR_NOT_FOUND (no such job or
    /// file), ZSTDPOOL_ERR_CORRUPT, ZSTDPOOL_ERR_DICT_MISSING, ...
    std::string read(int64_t job, const std::string &name) const {
        std::string content;
        read_into(job, name, content);
        return content;
    }
    /// As read(), as bytes.
    std::vector<uint8_t> read_bytes(int64_t job, const std::string &name) const {
        std::vector<uint8_t> content;
        read_into(job, name, content);
        return content;
    }

    /// Writes file name of job to out, piece by piece (no whole copy in memory); returns its
    /// size. Throws Error as read(), and ZSTDPOOL_ERR_WRITE when out fails (or an
    /// exception out throws, rethrown as it is); what was written is then partial.
    uint64_t read_to(int64_t job, const std::string &name, std::ostream &out) const {
        return read_to(job, name, [&out](const uint8_t *data, size_t len) {
            out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(len));
            if (!out) {
                throw Error(ZSTDPOOL_ERR_WRITE, "writing the output stream failed");
            }
        });
    }
    /// As above, through write (which throws to stop the read; its exception is rethrown).
    uint64_t read_to(int64_t job, const std::string &name, WriteFn write) const {
        const zstdpool_archive *handle = live();
        const char *c_name = detail::c_str(name, "zstdpool::Archive::read_to: name");
        if (!write) {
            throw Error(ZSTDPOOL_ERR_INVALID_ARGUMENT,
                        "zstdpool::Archive::read_to: the write function is empty");
        }
        Writer writer{std::move(write), nullptr};
        uint64_t len = 0;
        zstdpool_status status =
            zstdpool_archive_read_to(handle, job, c_name, &write_trampoline, &writer, &len);
        if (writer.error) {
            std::rethrow_exception(writer.error);
        }
        detail::check(status);
        return len;
    }

    /// Checks the whole archive (every dictionary and data row decoded). What is wrong
    /// inside it is in the report's problems; throws Error only when the database cannot
    /// be read at all.
    ArchiveReport verify() const {
        zstdpool_archive_report *raw = nullptr;
        detail::check(zstdpool_archive_verify(live(), &raw));
        return report_of(raw);
    }
    /// Writes every job back as dir/<job8>/<name>, byte for byte (dir created if needed).
    /// Unsafe names and files that fail to decode are problems in the report, not
    /// written; throws Error ZSTDPOOL_ERR_WRITE when dir cannot be created.
    ArchiveReport extract(const std::string &dir) const {
        const zstdpool_archive *handle = live();
        zstdpool_archive_report *raw = nullptr;
        detail::check(zstdpool_archive_extract(
            handle, detail::c_str(dir, "zstdpool::Archive::extract: dir"), &raw));
        return report_of(raw);
    }

    /// The C handle; throws Error when moved from or closed.
    const zstdpool_archive *handle() const { return live(); }

  private:
    explicit Archive(zstdpool_archive *handle) : handle_(handle) {}

    const zstdpool_archive *live() const {
        return detail::live(handle_.get(), "zstdpool::Archive");
    }

    // Nothing may cross the C library: a callback's exception is kept and rethrown after
    // the call returns.
    struct Progress {
        ProgressFn progress;
        std::exception_ptr error;
    };
    static void progress_trampoline(void *user_data, const zstdpool_convert_progress *p) {
        auto *state = static_cast<Progress *>(user_data);
        if (state->error) {
            return; // it threw once: not called again
        }
        try {
            state->progress(*p);
        } catch (...) {
            state->error = std::current_exception();
        }
    }

    template <typename T> struct Collect {
        std::vector<T> items;
        std::exception_ptr error; // e.g. std::bad_alloc
        std::vector<T> finish(zstdpool_status status) {
            if (error) {
                std::rethrow_exception(error);
            }
            detail::check(status);
            return std::move(items);
        }
    };
    static int32_t job_trampoline(void *user_data, const zstdpool_archive_job *job) {
        auto *collected = static_cast<Collect<Job> *>(user_data);
        try {
            Job j;
            j.id = job->id;
            if (job->dirac_id >= 0) {
                j.dirac_id = job->dirac_id;
            }
            if (job->success >= 0) {
                j.success = job->success != 0;
            }
            collected->items.push_back(j);
            return 0;
        } catch (...) {
            collected->error = std::current_exception();
            return 1;
        }
    }
    static int32_t name_trampoline(void *user_data, const char *name) {
        auto *collected = static_cast<Collect<std::string> *>(user_data);
        try {
            collected->items.emplace_back(name);
            return 0;
        } catch (...) {
            collected->error = std::current_exception();
            return 1;
        }
    }

    struct Writer {
        WriteFn write;
        std::exception_ptr error;
    };
    static int32_t write_trampoline(void *user_data, const uint8_t *data, size_t len) {
        auto *writer = static_cast<Writer *>(user_data);
        try {
            writer->write(data, len);
            return 0;
        } catch (...) {
            writer->error = std::current_exception();
            return 1;
        }
    }

    // Reads a file into a string or vector: its size first, then its bytes (again if it
    // grew meanwhile, which a committed file does not).
    template <typename Buffer>
    void read_into(int64_t job, const std::string &name, Buffer &content) const {
        const zstdpool_archive *handle = live();
        const char *c_name = detail::c_str(name, "zstdpool::Archive::read: name");
        size_t len = 0;
        detail::check(zstdpool_archive_read(handle, job, c_name, nullptr, 0, &len));
        for (;;) {
            content.resize(len);
            size_t cap = len;
            if (cap == 0) {
                return;
            }
            detail::check(zstdpool_archive_read(
                handle, job, c_name, reinterpret_cast<uint8_t *>(&content[0]), cap, &len));
            if (len <= cap) {
                content.resize(len);
                return;
            }
        }
    }

    static ArchiveReport report_of(zstdpool_archive_report *raw) {
        std::unique_ptr<zstdpool_archive_report,
                        detail::Deleter<zstdpool_archive_report, zstdpool_archive_report_free>>
            report(raw);
        ArchiveReport result;
        detail::check(zstdpool_archive_report_counts(report.get(), &result.counts));
        result.problems.reserve(static_cast<size_t>(result.counts.problems));
        for (size_t i = 0; i < result.counts.problems; i++) {
            zstdpool_archive_problem p{};
            detail::check(zstdpool_archive_report_problem(report.get(), i, &p));
            ArchiveProblem problem;
            if (p.job >= 0) {
                problem.job = p.job;
            }
            if (p.name != nullptr) {
                problem.name = std::string(p.name);
            }
            problem.status = p.status;
            problem.message = detail::string_of(p.message);
            result.problems.push_back(std::move(problem));
        }
        return result;
    }

    std::unique_ptr<zstdpool_archive, detail::Deleter<zstdpool_archive, zstdpool_archive_free>>
        handle_;
};

} // namespace zstdpool

#endif // ZSTDPOOL_HPP
