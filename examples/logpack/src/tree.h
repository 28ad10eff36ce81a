/*
 * tree.h -- walking a directory tree, paths, and the category of a file.
 */
#ifndef LOGPACK_TREE_H
#define LOGPACK_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One regular file found under the walked root. */
typedef struct {
    char *rel;     /* path relative to the root, '/'-separated, e.g. "00012345/00000001/std.out" */
    uint64_t size; /* size from lstat() at walk time */
} tree_file;

/* A directory to leave out of the walk, by identity (so that a path spelled another way,
 * or reached through another name, is still recognised). */
typedef struct {
    dev_t dev;
    ino_t ino;
} tree_exclude;

/* What a walk found, sorted by relative path (so runs are reproducible: the order of the
 * entries decides which ones become a category's training samples). */
typedef struct {
    tree_file *files;
    size_t nfiles;
    char **dirs; /* every directory below the root (not the root), parents first */
    size_t ndirs;
    size_t skipped; /* entries that are neither regular files nor directories */
    size_t errors;  /* directories or entries that could not be read (reported on stderr) */
    size_t cap_files, cap_dirs;
} tree_list;

/* Walks root recursively without following symbolic links, leaving out the directories
 * in exclude (nexclude of them). Returns 0, or -1 if root itself cannot be read (errno
 * set); errors below the root are reported on stderr and counted in out->errors. */
int tree_walk(const char *root, const tree_exclude *exclude, size_t nexclude, tree_list *out);

/* Frees what tree_walk() allocated. */
void tree_list_free(tree_list *list);

/* Fills *out with the identity of directory path. Returns 0, or -1 (errno set). */
int tree_identity(const char *path, tree_exclude *out);

/* "a" + "/" + "b" (either may be ""), malloc'ed; exits on out-of-memory. */
char *path_join(const char *a, const char *b);

/* Creates directory path and its missing parents (like mkdir -p). Returns 0, or -1 (errno
 * set). */
int make_dirs(const char *path);

/* The last component of a '/'-separated path (a pointer into it). */
const char *path_base(const char *path);

/* The category of a file name: runs of ASCII digits folded to one '#', as
 * jobtree::category_of_name() ("Gauss_00012345_00000001_1.log" ->
 * "Gauss_#_#_#.log"). Bytes that are not valid UTF-8 are written as %XX (the library
 * accepts UTF-8 names only; valid UTF-8 is never changed otherwise). suffix_len bytes at
 * the end of name are ignored (the ".zst" of a compressed file). malloc'ed. */
char *category_of_name(const char *name, size_t suffix_len);

/* The first component of rel (the first-level folder), malloc'ed, or NULL when rel has no
 * '/' (a file directly in the root, which then uses no dictionary). Invalid UTF-8 as in
 * category_of_name(). */
char *category_of_dir(const char *rel);

/* A copy of s with bytes that are not valid UTF-8 written as %XX. malloc'ed. */
char *utf8_clean(const char *s, size_t len);

/* malloc and realloc that exit the program on failure. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif /* LOGPACK_TREE_H */
