/* The OMS manifest of a model (docs/signing.md): every regular file under a
 * directory (or one file), each with its SHA-256, named by its POSIX path
 * relative to the model root ("." for a one-file model), in model_signing's
 * order; or, for the `shards` serialization, each shard [start, end) of each
 * file, named "path:start:end". The subject digest is SHA-256 over the raw
 * resource digests in that order. */
#ifndef MC_MANIFEST_H
#define MC_MANIFEST_H

#include <stddef.h>

#include "mc_hash.h"

/* Limits on what a manifest may hold (from disk or from a bundle). */
#define MC_MANIFEST_MAX_ITEMS 1000000
#define MC_MANIFEST_MAX_NAME 4096
#define MC_MANIFEST_MAX_IGNORE 1024

typedef struct mc_manifest_item {
    char *name;                       /* "d0/f00", ".", or "path:start:end" for shards */
    char *path;                       /* the file's relative path ("." for a one-file model) */
    long long start, end;             /* shards: the byte range; files: 0 and the size */
    char digest[MC_SHA256_HEX_LEN + 1];
} mc_manifest_item;

typedef struct mc_manifest {
    char *model_name;                 /* the last component of the model's path */
    int shards;                       /* 0: serialization "files", 1: "shards" */
    long long shard_size;             /* shards only */
    int allow_symlinks;
    char **ignore;                    /* ignore paths recorded (relative, POSIX, sorted) */
    size_t n_ignore;
    mc_manifest_item *items;          /* in model_signing's order */
    size_t n;
    char subject[MC_SHA256_HEX_LEN + 1]; /* SHA-256 over the items' raw digests, in order */
} mc_manifest;

typedef struct mc_manifest_options {
    const char *const *ignore;        /* paths relative to the model root (or absolute inside
                                         it); a directory ignores all under it */
    size_t n_ignore;
    int allow_symlinks;               /* follow symbolic links to files instead of refusing */
    int threads;                      /* 0: every core */
    long long shard_size;             /* 0: serialization "files"; else "shards" of this size */
    const mc_manifest *only;          /* not NULL: hash only the files named in it (verify
                                         --ignore-unsigned-files); missing ones are skipped */
} mc_manifest_options;

/* Walks and hashes `path` (a directory or a regular file), in parallel over
 * files and shards. MC_ENOTFOUND when path does not exist; MC_EINPUT for a
 * symbolic link (unless allowed), a device, FIFO or socket, a name that is not
 * representable, no file left after ignoring; MC_EIO on read errors. Free with
 * mc_manifest_free. */
int mc_manifest_compute(mc_manifest **out, const char *path, const mc_manifest_options *o);

/* Sorts items in model_signing's order (paths compared component by component,
 * then start, then end) and computes m->subject. MC_EINPUT on a duplicate name. */
int mc_manifest_finish(mc_manifest *m);

/* Checks a resource name read from a bundle: not empty, no NUL, not absolute,
 * no ".." component, at most MC_MANIFEST_MAX_NAME bytes. MC_EINPUT naming why. */
int mc_manifest_check_name(const char *name);

/* Compares two manifests by their items (names and digests; order, model name
 * and serialization do not matter). 1 when equal; otherwise 0 with a sentence
 * naming the first difference in why ("file X was modified", "file X is not
 * in the signature", "file X is missing") . */
int mc_manifest_equal(const mc_manifest *signed_m, const mc_manifest *disk, char *why,
                      size_t why_size);

/* Frees the manifest; NULL is fine. */
void mc_manifest_free(mc_manifest *m);

#endif
