/* Decimal numbers in CSV cells: exact, correctly rounded, and strict about
 * what counts as a number (docs/formats.md); without allocating, so that running out of
 * memory can never make a number read as text. */
#include "mc_csv.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
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

/* The most significant digits kept for strtod. Every midpoint between two adjacent doubles
 * (subnormals included) has at most 768 significant decimal digits. */
#define SIG_MAX 780
/* Beyond this an exponent's value is kept as it is: the number is infinite or zero anyway,
 * whatever its digits add. */
#define EXP_CAP 1000000000000000LL

/* strtod of s[0..n), a number already checked to be [+-]digits[.digits][(e|E)[+-]digits],
 * without allocating whatever its length: it is rewritten into a bounded buffer as
 * [-]0.DIGITS e EXP with at most SIG_MAX significant digits, the digits beyond replaced by
 * one '1' when any of them is not zero. That shortened number lies strictly between the
 * kept digits and the next number with as many, as the whole one does, and no midpoint
 * between doubles lies there (it would need more than 768 significant digits to), so
 * strtod rounds both the same, ties included. */
static double strtod_bounded(const char *s, size_t n)
{
    char buf[SIG_MAX + 48];
    const char *p = s, *end = s + n;
    size_t k = 0, sig = 0;
    long long exp = 0, e = 0;
    int fraction = 0, sticky = 0;
    if (*p == '+' || *p == '-')
        buf[k++] = *p++;
    buf[k++] = '0';
    buf[k++] = '.';
    for (; p < end && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            fraction = 1;
        } else if (sig == 0 && *p == '0') {
            exp -= fraction; /* a leading zero: after the point, it shifts the digits right */
        } else {
            exp += !fraction;
            if (sig < SIG_MAX)
                buf[k++] = *p, sig++;
            else
                sticky |= *p != '0';
        }
    }
    if (sticky)
        buf[k++] = '1';
    if (p < end) { /* the exponent */
        int neg = *++p == '-';
        p += *p == '+' || *p == '-';
        for (; p < end; p++)
            e = e < EXP_CAP ? e * 10 + (*p - '0') : e;
        exp += neg ? -e : e;
    }
    snprintf(buf + k, sizeof buf - k, "e%lld", exp);
    return strtod(buf, NULL);
}

/* Decimal [+-]digits[.digits][(e|E)[+-]digits]. Exact Clinger fast path when
 * the mantissa fits 53 bits and the power of ten is exact; strtod (correctly
 * rounded) otherwise. Allocates nothing. */
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
        v = strtod_bounded(s, n);
        if (!isfinite(v))
            return -1;
        *out = v;
        return 1;
    }
    *out = neg ? -v : v;
    return 1;
}
