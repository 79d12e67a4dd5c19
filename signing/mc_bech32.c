/* Bech32 (BIP 173) encoding and decoding for age's key strings (mc_bech32.h): the
 * polymod checksum over the expanded human-readable part and the 5-bit data, one case
 * throughout, 5-to-8-bit conversion without padding. */
#include "mc_bech32.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "mc_error.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t chk, unsigned v)
{
    static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                    0x2a1462b3};
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; i++)
        if ((top >> i) & 1)
            chk ^= gen[i];
    return chk;
}

static uint32_t hrp_checksum(const char *hrp, size_t n)
{
    uint32_t chk = 1;
    for (size_t i = 0; i < n; i++)
        chk = polymod_step(chk, (unsigned char)tolower((unsigned char)hrp[i]) >> 5);
    chk = polymod_step(chk, 0);
    for (size_t i = 0; i < n; i++)
        chk = polymod_step(chk, (unsigned char)tolower((unsigned char)hrp[i]) & 31);
    return chk;
}

int mc_bech32_encode(char *out, size_t cap, const char *hrp, const unsigned char *data,
                     size_t len, int upper)
{
    size_t hn = strlen(hrp), groups = (len * 8 + 4) / 5;
    if (hn < 1 || hn > 83)
        return mc_error_set(MC_EINPUT, "bech32: the human-readable part must be 1 to 83 "
                                       "characters");
    for (size_t i = 0; i < hn; i++)
        if (hrp[i] < 33 || hrp[i] > 126)
            return mc_error_set(MC_EINPUT, "bech32: the human-readable part is not printable "
                                           "ASCII");
    if (hn + 1 + groups + 6 + 1 > cap || hn + 1 + groups + 6 > MC_BECH32_MAX)
        return mc_error_set(MC_EINPUT, "bech32: %zu bytes do not fit", len);
    uint32_t chk = hrp_checksum(hrp, hn);
    size_t o = 0;
    for (size_t i = 0; i < hn; i++)
        out[o++] = (char)(upper ? toupper((unsigned char)hrp[i]) : tolower((unsigned char)hrp[i]));
    out[o++] = '1';
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | data[i];
        bits += 8;
        while (bits >= 5) {
            unsigned v = (acc >> (bits - 5)) & 31;
            bits -= 5;
            chk = polymod_step(chk, v);
            out[o++] = charset[v];
        }
    }
    if (bits > 0) {
        unsigned v = (acc << (5 - bits)) & 31;
        chk = polymod_step(chk, v);
        out[o++] = charset[v];
    }
    for (int i = 0; i < 6; i++)
        chk = polymod_step(chk, 0);
    chk ^= 1;
    for (int i = 0; i < 6; i++)
        out[o++] = charset[(chk >> (5 * (5 - i))) & 31];
    out[o] = '\0';
    if (upper)
        for (size_t i = 0; i < o; i++)
            out[i] = (char)toupper((unsigned char)out[i]);
    return MC_OK;
}

int mc_bech32_decode(char *hrp, size_t hrp_cap, unsigned char *data, size_t data_cap,
                     size_t *data_len, const char *s)
{
    size_t n = strnlen(s, MC_BECH32_MAX + 1);
    if (n > MC_BECH32_MAX)
        return mc_error_set(MC_EINPUT, "bech32: longer than %d characters", MC_BECH32_MAX);
    int lower = 0, upper = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 33 || c > 126)
            return mc_error_set(MC_EINPUT, "bech32: character %zu is not printable ASCII",
                                i + 1);
        lower |= islower(c) != 0;
        upper |= isupper(c) != 0;
    }
    if (lower && upper)
        return mc_error_set(MC_EINPUT, "bech32: mixes upper and lower case");
    const char *sep = strrchr(s, '1');
    if (!sep || sep == s)
        return mc_error_set(MC_EINPUT, "bech32: no human-readable part and '1' separator");
    size_t hn = (size_t)(sep - s), dn = n - hn - 1;
    if (dn < 6)
        return mc_error_set(MC_EINPUT, "bech32: too short for its checksum");
    if (hn + 1 > hrp_cap)
        return mc_error_set(MC_EINPUT, "bech32: the human-readable part is too long");
    uint32_t chk = hrp_checksum(s, hn);
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < dn; i++) {
        const char *p = strchr(charset, tolower((unsigned char)sep[1 + i]));
        if (!p || !sep[1 + i])
            return mc_error_set(MC_EINPUT, "bech32: '%c' is not in the bech32 alphabet",
                                sep[1 + i]);
        unsigned v = (unsigned)(p - charset);
        chk = polymod_step(chk, v);
        if (i >= dn - 6)
            continue;
        acc = (acc << 5) | v;
        bits += 5;
        if (bits >= 8) {
            if (o >= data_cap)
                return mc_error_set(MC_EINPUT, "bech32: more than %zu bytes of data", data_cap);
            data[o++] = (unsigned char)(acc >> (bits - 8));
            bits -= 8;
        }
        acc &= (1u << bits) - 1;
    }
    if (chk != 1)
        return mc_error_set(MC_EINPUT, "bech32: the checksum does not match (a typo?)");
    if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
        return mc_error_set(MC_EINPUT, "bech32: the data has non-zero padding bits");
    for (size_t i = 0; i < hn; i++)
        hrp[i] = (char)tolower((unsigned char)s[i]);
    hrp[hn] = '\0';
    *data_len = o;
    return MC_OK;
}
