/*
 * archive.h -- logpack's archive commands: one SQLite database per sub-production (the
 * zstdpool archive format), through the library's zstdpool_archive_* functions.
 *
 *   logpack convert SRC DB [--level N] [--workers N]
 *   logpack ls DB [JOB]
 *   logpack cat DB JOB NAME
 *   logpack extract DB DIR
 *   logpack verify DB
 */
#ifndef LOGPACK_ARCHIVE_H
#define LOGPACK_ARCHIVE_H

/* Nonzero when command (argv[1]) is one of the archive commands. */
int archive_is_command(const char *command);

/* Runs the archive command argv[1]; returns the exit status (0 ok, 1 failure, 2 usage). */
int archive_main(int argc, char **argv, const char *usage);

#endif /* LOGPACK_ARCHIVE_H */
