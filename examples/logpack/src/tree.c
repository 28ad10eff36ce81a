/*
 * tree.c -- walking a directory tree (opendir/readdir recursion), paths, categories.
 */
#define _XOPEN_SOURCE 700

#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        fputs("logpack: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fputs("logpack: out of memory\n", stderr);
        exit(1);
    }
    return q;
}

char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = xmalloc(n);
    memcpy(copy, s, n);
    return copy;
}

char *path_join(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *joined = xmalloc(la + lb + 2);
    memcpy(joined, a, la);
    if (la > 0 && lb > 0 && a[la - 1] != '/') {
        joined[la++] = '/';
    }
    memcpy(joined + la, b, lb + 1);
    return joined;
}

const char *path_base(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int make_dirs(const char *path) {
    char *copy = xstrdup(path);
    char *p = copy;
    int rc = 0;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        free(copy);
        return 0;
    }
    /* Create each prefix ending before a '/', then the whole path. */
    while (*p == '/') {
        p++;
    }
    for (;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
                rc = -1;
                break;
            }
            *p = saved;
            if (saved == '\0') {
                break;
            }
        }
    }
    if (rc == 0) {
        if (stat(path, &st) != 0) {
            rc = -1;
        } else if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            rc = -1;
        }
    }
    free(copy);
    return rc;
}

int tree_identity(const char *path, tree_exclude *out) {
    struct stat st;
    if (stat(path, &st) != 0) {
        return -1;
    }
    out->dev = st.st_dev;
    out->ino = st.st_ino;
    return 0;
}

/* ---- UTF-8 and categories ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if it is not one. */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
    size_t len, i;
    unsigned long cp;
    if (s[0] < 0x80) {
        return 1;
    } else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        cp = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        cp = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0u) != 0x80u) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

/* Appends s[0..n) to out (capacity is enough: at most 3 bytes per input byte), digits
 * folded if fold, invalid UTF-8 as %XX; returns the new end. */
static char *clean_into(char *out, const unsigned char *s, size_t n, int fold) {
    size_t i = 0;
    int in_digits = 0;
    while (i < n) {
        size_t len = utf8_sequence(s + i, n - i);
        if (fold && s[i] >= '0' && s[i] <= '9') {
            if (!in_digits) {
                *out++ = '#';
            }
            in_digits = 1;
            i++;
            continue;
        }
        in_digits = 0;
        if (len == 0) {
            sprintf(out, "%%%02X", (unsigned)s[i]);
            out += 3;
            i++;
        } else {
            memcpy(out, s + i, len);
            out += len;
            i += len;
        }
    }
    *out = '\0';
    return out;
}

char *utf8_clean(const char *s, size_t len) {
    char *out = xmalloc(3 * len + 1);
    clean_into(out, (const unsigned char *)s, len, 0);
    return out;
}

char *category_of_name(const char *name, size_t suffix_len) {
    size_t n = strlen(name);
    char *out;
    n = suffix_len < n ? n - suffix_len : 0;
    out = xmalloc(3 * n + 1);
    clean_into(out, (const unsigned char *)name, n, 1);
    return out;
}

char *category_of_dir(const char *rel) {
    const char *slash = strchr(rel, '/');
    if (slash == NULL) {
        return NULL;
    }
    return utf8_clean(rel, (size_t)(slash - rel));
}

/* ---- Walking -------------------------------------------------------------------------- */

static void add_file(tree_list *list, char *rel, uint64_t size) {
    if (list->nfiles == list->cap_files) {
        list->cap_files = list->cap_files ? 2 * list->cap_files : 256;
        list->files = xrealloc(list->files, list->cap_files * sizeof *list->files);
    }
    list->files[list->nfiles].rel = rel;
    list->files[list->nfiles].size = size;
    list->nfiles++;
}

static void add_dir(tree_list *list, char *rel) {
    if (list->ndirs == list->cap_dirs) {
        list->cap_dirs = list->cap_dirs ? 2 * list->cap_dirs : 64;
        list->dirs = xrealloc(list->dirs, list->cap_dirs * sizeof *list->dirs);
    }
    list->dirs[list->ndirs++] = rel;
}

static int excluded(const struct stat *st, const tree_exclude *exclude, size_t nexclude) {
    size_t i;
    for (i = 0; i < nexclude; i++) {
        if (exclude[i].dev == st->st_dev && exclude[i].ino == st->st_ino) {
            return 1;
        }
    }
    return 0;
}

/* Walks the directory root/rel ("" for the root itself). */
static int walk_dir(const char *root, const char *rel, const tree_exclude *exclude,
                    size_t nexclude, tree_list *out) {
    char *dir_path = path_join(root, rel);
    DIR *dir = opendir(dir_path);
    struct dirent *ent;
    if (dir == NULL) {
        int saved = errno;
        if (rel[0] != '\0') {
            fprintf(stderr, "logpack: cannot read directory %s: %s\n", dir_path, strerror(saved));
            out->errors++;
        }
        free(dir_path);
        errno = saved;
        return -1;
    }
    for (;;) {
        struct stat st;
        char *child_rel, *child_path;
        errno = 0;
        ent = readdir(dir);
        if (ent == NULL) {
            if (errno != 0) {
                fprintf(stderr, "logpack: error reading directory %s: %s\n", dir_path,
                        strerror(errno));
                out->errors++;
            }
            break;
        }
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) {
            continue;
        }
        child_rel = path_join(rel, ent->d_name);
        child_path = path_join(root, child_rel);
        if (lstat(child_path, &st) != 0) {
            fprintf(stderr, "logpack: cannot stat %s: %s\n", child_path, strerror(errno));
            out->errors++;
            free(child_rel);
        } else if (S_ISDIR(st.st_mode)) {
            if (excluded(&st, exclude, nexclude)) {
                free(child_rel);
            } else {
                add_dir(out, child_rel);
                walk_dir(root, child_rel, exclude, nexclude, out);
            }
        } else if (S_ISREG(st.st_mode)) {
            add_file(out, child_rel, (uint64_t)st.st_size);
        } else {
            out->skipped++;
            free(child_rel);
        }
        free(child_path);
    }
    closedir(dir);
    free(dir_path);
    return 0;
}

static int compare_files(const void *a, const void *b) {
    return strcmp(((const tree_file *)a)->rel, ((const tree_file *)b)->rel);
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int tree_walk(const char *root, const tree_exclude *exclude, size_t nexclude, tree_list *out) {
    memset(out, 0, sizeof *out);
    if (walk_dir(root, "", exclude, nexclude, out) != 0) {
        return -1;
    }
    if (out->nfiles > 1) {
        qsort(out->files, out->nfiles, sizeof *out->files, compare_files);
    }
    /* A path sorts after its prefixes, so parents come first. */
    if (out->ndirs > 1) {
        qsort(out->dirs, out->ndirs, sizeof *out->dirs, compare_strings);
    }
    return 0;
}

void tree_list_free(tree_list *list) {
    size_t i;
    for (i = 0; i < list->nfiles; i++) {
        free(list->files[i].rel);
    }
    for (i = 0; i < list->ndirs; i++) {
        free(list->dirs[i]);
    }
    free(list->files);
    free(list->dirs);
    memset(list, 0, sizeof *list);
}
