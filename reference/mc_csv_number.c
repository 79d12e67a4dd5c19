/* Decimal numbers in CSV cells: exact, correctly rounded, and strict about
 * what counts as a number (docs/formats.md). */
#include "mc_csv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_nonfinite_word(const char *s, size_t n)
{
    if (n && (*s == '+' || *s == '-'))
        s++, n--;
    char w[9];
    if (n != 3 && n != 8)
        return 0;
    for (size_t i = 0; i < n; i++)
        w[i] = (char)(s[i] | 0x20);
    w[n] = '\0';
    return strcmp(w, "nan") == 0 || strcmp(w, "inf") == 0 || strcmp(w, "infinity") == 0;
}

/* Decimal [+-]digits[.digits][(e|E)[+-]digits]. Exact Clinger fast path when
 * the mantissa fits 53 bits and the power of ten is exact; strtod (correctly
 * rounded) otherwise. */
int mc_csv_parse_number(const char *s, size_t n, double *out)
{
    const char *p = s, *end = s + n;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    uint64_t mant = 0;
    int digits = 0, dropped = 0, frac = 0;
    const char *mstart = p;
    while (p < end && (unsigned)(*p - '0') < 10) {
        if (digits < 19)
            mant = mant * 10 + (uint64_t)(*p - '0'), digits += mant != 0;
        else
            dropped++;
        p++;
    }
    if (p < end && *p == '.') {
        p++;
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (digits < 19) {
                mant = mant * 10 + (uint64_t)(*p - '0'), digits += mant != 0;
                frac++;
            }
            p++;
        }
    }
    if (p == mstart || (p == mstart + 1 && *mstart == '.'))
        return is_nonfinite_word(s, n) ? -1 : 0;
    int exp10 = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0;
        if (p < end && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        if (p == end || (unsigned)(*p - '0') >= 10)
            return 0;
        while (p < end && (unsigned)(*p - '0') < 10) {
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (*p - '0');
            p++;
        }
        if (eneg)
            exp10 = -exp10;
    }
    if (p != end)
        return 0;
    int e = exp10 + dropped - frac;
    double v;
    if (mant == 0) {
        v = 0.0;
    } else if (mant <= (1ull << 53) && e >= -22 && e <= 22 && dropped == 0) {
        v = e >= 0 ? (double)mant * pow10_exact[e] : (double)mant / pow10_exact[-e];
    } else {
        char small[512], *buf = n < sizeof small ? small : malloc(n + 1);
        if (!buf)
            return 0;
        memcpy(buf, s, n);
        buf[n] = '\0';
        v = strtod(buf, NULL);
        if (buf != small)
            free(buf);
        if (!isfinite(v))
            return -1;
        *out = v;
        return 1;
    }
    *out = neg ? -v : v;
    return 1;
}

