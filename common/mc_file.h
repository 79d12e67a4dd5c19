/* Files: bounded reads, and writes that are all or nothing (temp file, fsync,
 * rename, fsync of the directory), so a crash never leaves a half-written
 * file that looks complete. */
#ifndef MC_FILE_H
#define MC_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Reads a whole file ("-" is stdin) into a NUL-terminated buffer. Fails with
 * MC_EINPUT when it is larger than max_bytes, MC_ENOTFOUND when missing. */
int mc_file_read_all(char **out, size_t *len, const char *path, size_t max_bytes);
/* Like mc_file_read_all, for text: a NUL byte is MC_EINPUT as soon as it is
 * read. Both read only regular files (or "-"): a device, FIFO or directory is
 * MC_EINPUT before anything is read; a file over max_bytes is MC_EINPUT
 * without reading it. */
int mc_file_read_text(char **out, size_t *len, const char *path, size_t max_bytes);
/* The first bytes of a regular text file (not "-"): at most max_bytes of it,
 * NUL-terminated, *whole 1 when that is all of the file. A sample, never a
 * refusal for size (`check` reads the head of a data file). Errors as
 * mc_file_read_text's, "-" MC_EINPUT. */
int mc_file_read_text_head(char **out, size_t *len, int *whole, const char *path,
                           size_t max_bytes);

/* A secret kept in a file (a passphrase, a PIN): its first line, without the
 * line break; the bytes after it are wiped before *out is returned. Errors as
 * mc_file_read_text's. The caller wipes and frees *out. */
int mc_file_read_secret_line(char **out, const char *path, size_t max_bytes);

/* The size limit for data files (CSV): MODELCERT_MAX_INPUT_BYTES when set (a
 * number of bytes, or with a K, M or G suffix), else 4 GiB. */
#define MC_FILE_DEFAULT_INPUT_LIMIT ((size_t)4 << 30)
size_t mc_file_input_limit(void);
/* Whether mc_file_write_atomic could write `path`, checked before any work:
 * not empty, not something other than a regular file (a directory, a
 * symlink), in an existing directory we can write. MC_EINPUT naming why. */
int mc_file_check_output(const char *path);
/* Whether something can be created in the existing directory `dir` (for `target`, named in
 * the message): a probe directory is made there and removed, since access() says yes to
 * root everywhere (/proc, /sys) and knows nothing of read-only mounts. MC_EINPUT "cannot
 * write TARGET: cannot create anything in DIR (why)"; MC_ENOMEM. */
int mc_dir_check_writable(const char *dir, const char *target);
/* Whether directory `dir` exists or could be made (mc_dir_create_all), checked before any
 * work: an existing dir must be a directory we can create in; else its nearest existing
 * ancestor must be. MC_EINPUT naming why ("cannot create DIR: P is not a directory", or as
 * mc_dir_check_writable); MC_ENOMEM. */
int mc_dir_check_creatable(const char *dir);
/* Atomically replaces `path` with `len` bytes ("-" writes to stdout). */
int mc_file_write_atomic(const char *path, const void *data, size_t len);
/* A file written as a stream, all or nothing: mc_file_stream_open creates a temporary file
 * beside path (mode 0600, or `mode` once committed), mc_file_stream_commit flushes it,
 * fsyncs it and renames it over path; mc_file_stream_abort removes it. "-" writes to
 * standard output directly (nothing to undo). MC_EINPUT for a path that is not a regular
 * file, MC_EIO, MC_ENOMEM. */
typedef struct mc_file_stream {
    FILE *f;
    char *path, *tmp;
    unsigned mode;
} mc_file_stream;
int mc_file_stream_open(mc_file_stream *s, const char *path, unsigned mode);
int mc_file_stream_commit(mc_file_stream *s);
void mc_file_stream_abort(mc_file_stream *s);
/* Flushes the directory holding `path` to disk, so that a rename into it
 * survives a power loss (best effort: errors are ignored). */
void mc_file_sync_parent(const char *path);
/* 1 when path exists (any type). */
int mc_file_exists(const char *path);
/* Creates a directory and its parents (mode 0755); existing ones are fine. */
int mc_dir_create_all(const char *path);
/* Directory part of a path ("." for a bare name); caller frees. */
char *mc_path_dirname(const char *path);
/* dir/rel, or rel itself when it is absolute; caller frees. */
char *mc_path_join(const char *dir, const char *rel);

#endif
