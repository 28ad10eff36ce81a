/*
 * logpack -- compress a tree of job logs with zstdpool, one dictionary per category, and
 * restore it byte for byte; or migrate a sub-production's job ZIPs into one SQLite
 * database (the archive) and read it back.
 *
 *   logpack compress IN OUT [--dicts DIR] [--level N] [--workers N] [--category dir|name]
 *   logpack decompress OUT RESTORED [--dicts DIR] [--workers N] [--category dir|name]
 *   logpack convert SRC DB [--level N] [--workers N]
 *   logpack ls DB [JOB]
 *   logpack cat DB JOB NAME
 *   logpack extract DB DIR
 *   logpack verify DB
 *
 * compress writes every regular file IN/p as OUT/p.zst (a standard zstd frame with a
 * checksum, like the zstd CLI's default), training one dictionary per category and storing
 * the dictionaries in DIR (default OUT/.dicts) as DIR/<category>.zdict files, usable with
 * `zstd -D`. It records how it categorised in OUT/.logpack (`category=name|dir`,
 * `dicts=DIR`), so that decompress, which does the reverse (each OUT/p.zst back to
 * RESTORED/p), needs no option repeated: every file finds its category's dictionary, and a
 * frame copied over a file of another category is rejected (ZSTDPOOL_ERR_DICT_MISMATCH).
 * Options given to decompress override the manifest.
 *
 * Categories: `name` (the default) is the file name with runs of ASCII digits folded to
 * '#' (Gauss_00012345_00000001_1.log -> Gauss_#_#_#.log); `dir` is the first-level folder
 * under IN (files directly in IN then use no dictionary).
 *
 * Output: a progress line on stderr while it runs, a per-category table on stdout, then
 * one JSON object as the last line of stdout. Failed entries are listed on stderr; the
 * others are still written. Exit status: 0 when every file went through, 1 when any failed
 * (or another error occurred, e.g. nothing to decompress), 2 on bad usage.
 *
 * The archive commands are in archive.c.
 *
 * Threads: the main thread walks the tree, then a producer thread adds the entries (an add
 * blocks while the pool is full) and stops the pool, while the main thread refreshes the
 * progress line from the pool's totals, joining the pool with a 500 ms timeout.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zstdpool.h>

#include "archive.h"
#include "entry.h"
#include "summary.h"
#include "tree.h"

static const char USAGE[] =
    "usage: logpack compress IN OUT [--dicts DIR] [--level N] [--workers N] [--category dir|name]\n"
    "                       [--volume BYTES]\n"
    "       logpack decompress OUT RESTORED [--dicts DIR] [--workers N] [--category dir|name]\n"
    "       logpack convert SRC DB [--level N] [--workers N]\n"
    "       logpack ls DB [JOB]\n"
    "       logpack cat DB JOB NAME\n"
    "       logpack extract DB DIR\n"
    "       logpack verify DB\n"
    "\n"
    "  compress    every regular file IN/p becomes OUT/p.zst, one dictionary per category;\n"
    "              OUT/.logpack records the category mode and the dictionary directory\n"
    "  decompress  every OUT/p.zst becomes RESTORED/p again (options from OUT/.logpack)\n"
    "  convert     the job ZIPs (or job folders, or a LOG/<prod>/<sub>/ tree of them) under\n"
    "              SRC into the SQLite database DB, one dictionary per category; a rerun\n"
    "              skips the jobs already in DB (resume after a crash)\n"
    "  ls          the jobs of DB (number, DIRAC id, success, files), or the files of JOB\n"
    "  cat         file NAME of job JOB to stdout\n"
    "  extract     every job of DB back as DIR/<job8>/<name>, byte for byte\n"
    "  verify      decode every file of DB (checksums, dictionaries, SQLite's integrity)\n"
    "  --dicts DIR           dictionary directory (default OUT/.dicts)\n"
    "  --level N             zstd level (default 3)\n"
    "  --workers N           worker threads (default: one per CPU)\n"
    "  --category name|dir   category of a file: its name with digit runs folded to '#'\n"
    "                        (default), or its first-level folder under IN\n"
    "  --volume BYTES        bytes each category will hold in the end (default: what IN\n"
    "                        holds): a dictionary is kept only where it pays for itself\n"
    "\n"
    "compress, decompress and convert print progress on stderr, a table and a final JSON line\n"
    "on stdout. Exit status: 0 ok, 1 if any file or job failed or verify found a problem\n"
    "(listed on stderr), 2 bad usage.\n";

/* The manifest compress writes into OUT: how it categorised and where the dictionaries
 * are, one key=value a line. */
#define MANIFEST ".logpack"

#define SUFFIX ".zst"
#define SUFFIX_LEN 4

typedef struct {
    int decompress;
    const char *in;  /* the tree read: IN (compress) or OUT (decompress) */
    const char *out; /* the tree written: OUT (compress) or RESTORED (decompress) */
    const char *dicts;
    int by_dir;
    int has_category; /* --category given (decompress: overrides the manifest) */
    int has_level, has_workers;
    long long level, workers;
    long long volume; /* 0: each category's bytes in IN */
} options;

static int usage_error(const char *message, const char *arg) {
    if (message != NULL) {
        fprintf(stderr, "logpack: %s%s%s\n", message, arg ? " " : "", arg ? arg : "");
    }
    fputs(USAGE, stderr);
    return 2;
}

static int parse_number(const char *text, long long *out) {
    char *end;
    long long value;
    errno = 0;
    value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        return -1;
    }
    *out = value;
    return 0;
}

/* Parses argv into opts; returns -1 for help, 0 when fine, 2 on bad usage (reported). */
static int parse_args(int argc, char **argv, options *opts) {
    int i, positional = 0;
    memset(opts, 0, sizeof *opts);
    if (argc < 2) {
        return usage_error(NULL, NULL);
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        return -1;
    }
    if (archive_is_command(argv[1])) {
        return 3; /* main() hands it to archive_main() */
    }
    if (strcmp(argv[1], "compress") == 0) {
        opts->decompress = 0;
    } else if (strcmp(argv[1], "decompress") == 0) {
        opts->decompress = 1;
    } else {
        return usage_error("unknown command", argv[1]);
    }
    for (i = 2; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            return -1;
        }
        if (strcmp(arg, "--") == 0 || arg[0] != '-' || arg[1] == '\0') {
            if (strcmp(arg, "--") == 0) {
                i++;
                if (i >= argc) {
                    break;
                }
                arg = argv[i];
            }
            if (positional == 0) {
                opts->in = arg;
            } else if (positional == 1) {
                opts->out = arg;
            } else {
                return usage_error("unexpected argument", arg);
            }
            positional++;
            continue;
        }
        if (strcmp(arg, "--dicts") != 0 && strcmp(arg, "--level") != 0 &&
            strcmp(arg, "--workers") != 0 && strcmp(arg, "--category") != 0 &&
            strcmp(arg, "--volume") != 0) {
            return usage_error("unknown option", arg);
        }
        if (i + 1 >= argc) {
            return usage_error("missing value after", arg);
        }
        value = argv[++i];
        if (strcmp(arg, "--dicts") == 0) {
            if (value[0] == '\0') {
                return usage_error("empty value for", arg);
            }
            opts->dicts = value;
        } else if (strcmp(arg, "--level") == 0) {
            if (opts->decompress) {
                return usage_error("--level only applies to compress", NULL);
            }
            if (parse_number(value, &opts->level) != 0) {
                return usage_error("not a number:", value);
            }
            opts->has_level = 1;
        } else if (strcmp(arg, "--workers") == 0) {
            if (parse_number(value, &opts->workers) != 0 || opts->workers < 1) {
                return usage_error("--workers needs a positive number, not", value);
            }
            opts->has_workers = 1;
        } else if (strcmp(arg, "--volume") == 0) {
            if (opts->decompress) {
                return usage_error("--volume only applies to compress", NULL);
            }
            if (parse_number(value, &opts->volume) != 0 || opts->volume < 1) {
                return usage_error("--volume needs a positive number of bytes, not", value);
            }
        } else if (strcmp(value, "dir") == 0) {
            opts->by_dir = 1;
            opts->has_category = 1;
        } else if (strcmp(value, "name") == 0) {
            opts->by_dir = 0;
            opts->has_category = 1;
        } else {
            return usage_error("--category is dir or name, not", value);
        }
    }
    if (positional < 2) {
        return usage_error(opts->decompress ? "decompress needs OUT and RESTORED"
                                            : "compress needs IN and OUT",
                           NULL);
    }
    return 0;
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int is_directory(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The most entries the pool may hold. A held entry can keep its input open (a training
 * sample waiting for its category's dictionary), so the queue must fit in the open-file
 * limit, which is raised to its hard maximum first. */
static long long queue_capacity(long long workers) {
    struct rlimit lim;
    long long capacity = 4096;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
        if (lim.rlim_cur != lim.rlim_max) {
            rlim_t wanted = lim.rlim_max;
            if (wanted == RLIM_INFINITY || wanted > 65536) {
                wanted = 65536;
            }
            if (wanted > lim.rlim_cur) {
                lim.rlim_cur = wanted;
                setrlimit(RLIMIT_NOFILE, &lim);
                getrlimit(RLIMIT_NOFILE, &lim);
            }
        }
        if (lim.rlim_cur != RLIM_INFINITY) {
            /* Inputs of held entries, outputs of the entries in work, and some spare. */
            long long room = (long long)lim.rlim_cur - 2 * workers - 32;
            if (room < capacity) {
                capacity = room < 16 ? 16 : room;
            }
        }
    }
    return capacity;
}

/* What the producer thread needs. */
typedef struct {
    zstdpool_pool *pool;
    const options *opts;
    const tree_list *list;
    const size_t *todo; /* indexes into list->files */
    size_t ntodo;
    entry_ctx *entries; /* one per todo */
    entry_shared *shared;
} producer;

static char *output_path(const options *opts, const char *rel) {
    if (opts->decompress) {
        char *path = path_join(opts->out, rel);
        path[strlen(path) - SUFFIX_LEN] = '\0';
        return path;
    } else {
        char *base = path_join(opts->out, rel);
        char *path = xmalloc(strlen(base) + SUFFIX_LEN + 1);
        strcpy(path, base);
        strcat(path, SUFFIX);
        free(base);
        return path;
    }
}

/* The category of a file, as the pool is told it (the caller frees it). */
static char *category_of(const options *opts, const tree_file *file) {
    return opts->by_dir ? category_of_dir(file->rel)
                        : category_of_name(path_base(file->rel), opts->decompress ? SUFFIX_LEN : 0);
}

/* Compressing, the walk knows every category's volume before any file is added: the
 * trainer then keeps a dictionary only where it pays for itself (it is stored once per
 * category), and sizes it for the whole category rather than for its first files. */
static void announce_volumes(const producer *p) {
    char **names = NULL;
    uint64_t *bytes = NULL, *files = NULL;
    size_t n = 0, k, j;
    for (k = 0; k < p->ntodo; k++) {
        const tree_file *file = &p->list->files[p->todo[k]];
        char *category = category_of(p->opts, file);
        if (category == NULL) { /* no category: no dictionary to size */
            continue;
        }
        for (j = 0; j < n && strcmp(names[j], category) != 0; j++) {
        }
        if (j == n) {
            names = xrealloc(names, (n + 1) * sizeof *names);
            bytes = xrealloc(bytes, (n + 1) * sizeof *bytes);
            files = xrealloc(files, (n + 1) * sizeof *files);
            names[n] = category;
            files[n] = 0;
            bytes[n++] = 0;
        } else {
            free(category);
        }
        bytes[j] += file->size;
        files[j]++;
    }
    for (j = 0; j < n; j++) {
        /* A hint only: a failure leaves the trainer's conservative default. */
        uint64_t volume = p->opts->volume > 0 ? (uint64_t)p->opts->volume : bytes[j];
        uint64_t entries = p->opts->volume > 0 ? 0 : files[j];
        (void)zstdpool_pool_set_category_volume(p->pool, names[j], volume, entries);
        free(names[j]);
    }
    free(names);
    free(bytes);
    free(files);
}

static void *produce(void *arg) {
    producer *p = arg;
    size_t k;
    if (!p->opts->decompress) {
        announce_volumes(p);
    }
    for (k = 0; k < p->ntodo; k++) {
        const tree_file *file = &p->list->files[p->todo[k]];
        entry_ctx *entry = &p->entries[k];
        char *category;
        zstdpool_status status;
        entry->shared = p->shared;
        entry->name = utf8_clean(file->rel, strlen(file->rel));
        entry->src = path_join(p->opts->in, file->rel);
        entry->dst = output_path(p->opts, file->rel);
        category = category_of(p->opts, file);
        status = zstdpool_pool_add(p->pool, entry->name, category, file->size, entry_read,
                                   entry_write, entry_done, entry);
        if (status != ZSTDPOOL_OK) {
            /* No callback will come for it: the entry is ours to report and release. */
            entry_record_failure(p->shared, entry->name, status, zstdpool_last_error(), NULL);
            entry_release(entry);
        }
        free(category);
    }
    /* Train what waits for samples, finish everything, and let the workers exit. */
    zstdpool_pool_stop(p->pool);
    return NULL;
}

static zstdpool_status configure(zstdpool_config *cfg, const options *opts) {
    zstdpool_status st = ZSTDPOOL_OK;
    int64_t workers = 0;
    if (opts->has_level) {
        st = zstdpool_config_set(cfg, ZSTDPOOL_OPT_LEVEL, opts->level);
    }
    if (st == ZSTDPOOL_OK && opts->has_workers) {
        st = zstdpool_config_set(cfg, ZSTDPOOL_OPT_WORKERS, opts->workers);
    }
    if (st == ZSTDPOOL_OK) {
        st = zstdpool_config_set(cfg, ZSTDPOOL_OPT_CHECKSUM, 1);
    }
    if (st == ZSTDPOOL_OK) {
        st = zstdpool_config_get(cfg, ZSTDPOOL_OPT_WORKERS, &workers);
    }
    if (st == ZSTDPOOL_OK) {
        st = zstdpool_config_set(cfg, ZSTDPOOL_OPT_QUEUE_CAPACITY, queue_capacity(workers));
    }
    return st;
}

/* Writes OUT/.logpack (atomically: a temporary file renamed): the category mode and the
 * dictionary directory (".dicts", relative to OUT, by default; else its absolute path).
 * Returns 0, or -1 (reported on stderr). */
static int write_manifest(const options *opts, const char *dicts) {
    char *path = path_join(opts->out, MANIFEST);
    char *tmp = path_join(opts->out, MANIFEST ".tmp");
    char *resolved = opts->dicts ? realpath(dicts, NULL) : NULL;
    FILE *f = fopen(tmp, "w");
    int rc = 0;
    if (f == NULL) {
        rc = -1;
    } else {
        fprintf(f, "# logpack directory archive: how decompress finds each file's dictionary\n"
                   "format=1\ncategory=%s\ndicts=%s\n",
                opts->by_dir ? "dir" : "name", resolved ? resolved : opts->dicts ? dicts : ".dicts");
        if (fclose(f) != 0) {
            rc = -1;
        }
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "logpack: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(resolved);
    free(tmp);
    free(path);
    return rc;
}

/* Reads IN/.logpack, if there is one, into the options not given on the command line
 * (decompress). *dicts_out receives the dictionary directory it names (malloc'ed), or
 * NULL. Returns 0, or -1 when the manifest exists but cannot be read or is not one
 * (reported on stderr). */
static int read_manifest(options *opts, char **dicts_out) {
    char *path = path_join(opts->in, MANIFEST);
    FILE *f = fopen(path, "r");
    char line[4096];
    int rc = 0, lineno = 0, format = 0;
    *dicts_out = NULL;
    if (f == NULL) {
        rc = errno == ENOENT ? 0 : -1;
        if (rc != 0) {
            fprintf(stderr, "logpack: cannot read %s: %s\n", path, strerror(errno));
        }
        free(path);
        return rc;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        size_t len = strlen(line);
        lineno++;
        if (len > 0 && line[len - 1] == '\n') {
            line[--len] = '\0';
        }
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        if (strcmp(line, "format=1") == 0) {
            format = 1;
        } else if (strcmp(line, "category=name") == 0 || strcmp(line, "category=dir") == 0) {
            if (!opts->has_category) {
                opts->by_dir = line[9] == 'd';
            }
        } else if (strncmp(line, "dicts=", 6) == 0 && line[6] != '\0') {
            free(*dicts_out);
            *dicts_out = line[6] == '/' ? xstrdup(line + 6) : path_join(opts->in, line + 6);
        } else {
            fprintf(stderr, "logpack: %s:%d: unknown line: %s\n", path, lineno, line);
            rc = -1;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "logpack: cannot read %s\n", path);
        rc = -1;
    } else if (rc == 0 && !format) {
        fprintf(stderr, "logpack: %s: not a logpack manifest (no format=1 line)\n", path);
        rc = -1;
    }
    fclose(f);
    free(path);
    if (rc != 0) {
        free(*dicts_out);
        *dicts_out = NULL;
    }
    return rc;
}

int main(int argc, char **argv) {
    options opts;
    int rc = parse_args(argc, argv, &opts);
    double started = now_seconds();
    char *dicts = NULL;
    zstdpool_provider *provider = NULL;
    zstdpool_config *cfg = NULL;
    zstdpool_pool *pool = NULL;
    zstdpool_status st;
    tree_exclude exclude[2];
    size_t nexclude = 0, i, ntodo = 0, errors = 0, skipped;
    size_t *todo = NULL;
    entry_ctx *entries = NULL;
    tree_list list;
    entry_shared shared;
    producer prod;
    pthread_t thread;
    summary_run run;
    int64_t level = 0, workers = 0;
    int tty = isatty(STDERR_FILENO), tick = 0;

    char *manifest_dicts = NULL;

    if (rc == 3) {
        return archive_main(argc, argv, USAGE);
    }
    if (rc == -1) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (rc != 0) {
        return rc;
    }
    memset(&list, 0, sizeof list);

    /* The trees and the dictionary directory. */
    if (!is_directory(opts.in)) {
        fprintf(stderr, "logpack: %s is not a readable directory\n", opts.in);
        return 1;
    }
    if (make_dirs(opts.out) != 0) {
        fprintf(stderr, "logpack: cannot create %s: %s\n", opts.out, strerror(errno));
        return 1;
    }
    if (tree_identity(opts.out, &exclude[nexclude]) == 0) {
        tree_exclude in_id;
        if (tree_identity(opts.in, &in_id) == 0 && in_id.dev == exclude[nexclude].dev &&
            in_id.ino == exclude[nexclude].ino) {
            return usage_error("the tree read and the tree written must differ", NULL);
        }
        nexclude++;
    }
    /* Decompressing, the archive says how it was made (options given here win). */
    if (opts.decompress && read_manifest(&opts, &manifest_dicts) != 0) {
        return 1;
    }
    dicts = opts.dicts ? xstrdup(opts.dicts)
            : manifest_dicts ? manifest_dicts
                             : path_join(opts.decompress ? opts.in : opts.out, ".dicts");
    if (!opts.decompress || is_directory(dicts)) {
        st = zstdpool_provider_dir_new(dicts, &provider);
    } else {
        /* Nothing was trained (or the tree comes from elsewhere): frames that need a
         * dictionary will be rejected with ZSTDPOOL_ERR_DICT_MISSING. */
        fprintf(stderr, "logpack: no dictionary directory %s: decompressing without dictionaries\n",
                dicts);
        dicts[0] = '\0';
        st = zstdpool_provider_memory_new(&provider);
    }
    if (st != ZSTDPOOL_OK) {
        fprintf(stderr, "logpack: %s\n", zstdpool_last_error());
        free(dicts);
        return 1;
    }
    if (opts.dicts != NULL) {
        free(manifest_dicts); /* not used: --dicts wins */
    }
    if (dicts[0] != '\0' && tree_identity(dicts, &exclude[nexclude]) == 0) {
        nexclude++;
    }
    if (!opts.decompress && write_manifest(&opts, dicts) != 0) {
        zstdpool_provider_free(provider);
        free(dicts);
        return 1;
    }

    /* The pool. */
    if ((st = zstdpool_config_new(&cfg)) != ZSTDPOOL_OK || (st = configure(cfg, &opts)) != ZSTDPOOL_OK ||
        (st = opts.decompress ? zstdpool_decompressor_new(cfg, provider, &pool)
                              : zstdpool_compressor_new(cfg, provider, &pool)) != ZSTDPOOL_OK) {
        fprintf(stderr, "logpack: %s\n", zstdpool_last_error());
        zstdpool_config_free(cfg);
        zstdpool_provider_free(provider);
        free(dicts);
        return st == ZSTDPOOL_ERR_INVALID_CONFIG ? 2 : 1;
    }
    zstdpool_config_get(cfg, ZSTDPOOL_OPT_LEVEL, &level);
    zstdpool_config_get(cfg, ZSTDPOOL_OPT_WORKERS, &workers);
    zstdpool_config_free(cfg);
    zstdpool_provider_free(provider); /* the pool keeps its own reference */

    /* The files, and the directories of the tree written. */
    if (tree_walk(opts.in, exclude, nexclude, &list) != 0) {
        fprintf(stderr, "logpack: cannot read %s: %s\n", opts.in, strerror(errno));
        zstdpool_pool_free(pool);
        free(dicts);
        return 1;
    }
    errors = list.errors;
    skipped = list.skipped;
    for (i = 0; i < list.ndirs; i++) {
        char *path = path_join(opts.out, list.dirs[i]);
        if (make_dirs(path) != 0) {
            fprintf(stderr, "logpack: cannot create %s: %s\n", path, strerror(errno));
            errors++;
        }
        free(path);
    }
    todo = xmalloc(list.nfiles * sizeof *todo);
    for (i = 0; i < list.nfiles; i++) {
        const char *rel = list.files[i].rel;
        size_t len = strlen(path_base(rel));
        if (opts.decompress && strcmp(rel, MANIFEST) == 0) {
            continue; /* the archive's own description, read above */
        }
        if (opts.decompress &&
            (len <= SUFFIX_LEN || strcmp(rel + strlen(rel) - SUFFIX_LEN, SUFFIX) != 0)) {
            fprintf(stderr, "logpack: skipping %s (not a .zst file)\n", rel);
            skipped++;
            continue;
        }
        todo[ntodo++] = i;
    }
    if (opts.decompress && ntodo == 0) {
        fprintf(stderr, "logpack: no .zst files in %s: nothing to decompress (is it the OUT of "
                        "logpack compress?)\n", opts.in);
        zstdpool_pool_free(pool);
        free(todo);
        tree_list_free(&list);
        free(dicts);
        return 1;
    }
    entries = xmalloc(ntodo * sizeof *entries);
    memset(entries, 0, ntodo * sizeof *entries);
    entry_shared_init(&shared);

    /* Add from a producer thread; refresh the progress here until the pool has stopped. */
    prod.pool = pool;
    prod.opts = &opts;
    prod.list = &list;
    prod.todo = todo;
    prod.ntodo = ntodo;
    prod.entries = entries;
    prod.shared = &shared;
    if (pthread_create(&thread, NULL, produce, &prod) != 0) {
        fputs("logpack: cannot start the producer thread\n", stderr);
        zstdpool_pool_free(pool);
        return 1;
    }
    for (;;) {
        zstdpool_counts totals;
        st = zstdpool_pool_join(pool, 500);
        if (st != ZSTDPOOL_OK && st != ZSTDPOOL_ERR_TIMEOUT) {
            fprintf(stderr, "logpack: %s\n", zstdpool_last_error());
            break;
        }
        if (zstdpool_pool_totals(pool, &totals) == ZSTDPOOL_OK &&
            (st == ZSTDPOOL_OK || tty || ++tick % 4 == 0)) {
            summary_progress(&totals, ntodo, opts.decompress, now_seconds() - started, tty,
                             st == ZSTDPOOL_OK);
        }
        if (st == ZSTDPOOL_OK) {
            break;
        }
    }
    pthread_join(thread, NULL);

    /* The summary. */
    run.decompress = opts.decompress;
    run.category_mode = opts.by_dir ? "dir" : "name";
    run.source = opts.in;
    run.destination = opts.out;
    run.dicts = dicts;
    run.level = level;
    run.workers = workers;
    run.files = ntodo;
    run.skipped = skipped;
    run.errors = errors;
    run.failed = shared.nfailures;
    run.seconds = now_seconds() - started;
    summary_failures(&shared);
    if (summary_print(stdout, pool, &run) != 0) {
        errors++;
    }
    rc = (shared.nfailures > 0 || errors > 0 || st != ZSTDPOOL_OK) ? 1 : 0;
    if (shared.nfailures > 0) {
        fprintf(stderr, "logpack: %zu of %zu files failed\n", shared.nfailures, ntodo);
    }

    zstdpool_pool_free(pool);
    entry_shared_destroy(&shared);
    free(entries);
    free(todo);
    tree_list_free(&list);
    free(dicts);
    return rc;
}
