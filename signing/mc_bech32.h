/* Bech32 (BIP 173) strings, as age writes its keys: `age1...` recipients (lower case) and
 * `AGE-SECRET-KEY-1...` identities (upper case). Checksummed, one case throughout, the data
 * converted between 5-bit groups and bytes with no padding left over. age does not apply
 * BIP 173's 90-character limit; these functions take up to MC_BECH32_MAX characters. */
#ifndef MC_BECH32_H
#define MC_BECH32_H

#include <stddef.h>

#define MC_BECH32_MAX 1023

/* Encodes data under the human-readable part hrp (lower case) into out (NUL-terminated),
 * in upper case when upper is set. MC_EINPUT when it does not fit in cap bytes or hrp is
 * not 1 to 83 printable ASCII characters. */
int mc_bech32_encode(char *out, size_t cap, const char *hrp, const unsigned char *data,
                     size_t len, int upper);

/* Decodes s: its human-readable part, lower-cased, into hrp (NUL-terminated, at most
 * hrp_cap bytes with the NUL) and its data into data (at most data_cap bytes). MC_EINPUT
 * naming what is wrong: mixed case, no separator, a character outside the alphabet, a bad
 * checksum, leftover bits, too long. */
int mc_bech32_decode(char *hrp, size_t hrp_cap, unsigned char *data, size_t data_cap,
                     size_t *data_len, const char *s);

#endif
