/* SHA-256, the one digest modelcert cites (specs, data, models, audit events). */
#ifndef MC_HASH_H
#define MC_HASH_H

#include <stddef.h>

#define MC_SHA256_HEX_LEN 64

/* hex gets 64 lowercase hex digits and a NUL. */
int mc_sha256_hex(char hex[MC_SHA256_HEX_LEN + 1], const void *data, size_t len);
/* Streams a file; MC_ENOTFOUND when it does not exist, MC_EIO on read errors. */
int mc_sha256_file_hex(char hex[MC_SHA256_HEX_LEN + 1], const char *path);
/* 1 when s is exactly 64 hex digits (either case). */
int mc_sha256_hex_valid(const char *s);

/* A fresh random identifier: 32 lowercase hex digits (128 bits from the
 * operating system's generator, through OpenSSL) and a NUL. MC_EIO when no
 * randomness is available. */
int mc_random_id(char hex[33]);

#endif
