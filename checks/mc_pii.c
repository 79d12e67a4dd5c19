/* Personal data detectors: validated checks, not bare patterns. The rules and
 * their sources are in docs/privacy.md. */
#include "mc_pii.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_alpha(char c) { return is_upper(c) || is_lower(c); }
static int is_alnum(char c) { return is_alpha(c) || is_digit(c); }
static char to_lower(char c) { return is_upper(c) ? (char)(c + 32) : c; }

/* ---- column-name context ----------------------------------------------------- */

typedef struct word { const char *w; unsigned ctx; } word;

static const word en_words[] = {
    {"email", MC_PII_CTX_EMAIL}, {"mail", MC_PII_CTX_EMAIL}, {"emailaddress", MC_PII_CTX_EMAIL},
    {"phone", MC_PII_CTX_PHONE}, {"mobile", MC_PII_CTX_PHONE}, {"tel", MC_PII_CTX_PHONE},
    {"telephone", MC_PII_CTX_PHONE}, {"cell", MC_PII_CTX_PHONE}, {"cellphone", MC_PII_CTX_PHONE},
    {"phonenumber", MC_PII_CTX_PHONE}, {"msisdn", MC_PII_CTX_PHONE},
    {"ssn", MC_PII_CTX_ID}, {"id", MC_PII_CTX_ID}, {"idnumber", MC_PII_CTX_ID},
    {"idno", MC_PII_CTX_ID}, {"nationalid", MC_PII_CTX_ID}, {"passport", MC_PII_CTX_ID},
    {"identity", MC_PII_CTX_ID}, {"resident", MC_PII_CTX_ID},
    {"name", MC_PII_CTX_NAME}, {"fullname", MC_PII_CTX_NAME}, {"firstname", MC_PII_CTX_NAME},
    {"lastname", MC_PII_CTX_NAME}, {"surname", MC_PII_CTX_NAME}, {"givenname", MC_PII_CTX_NAME},
    {"forename", MC_PII_CTX_NAME},
    {"address", MC_PII_CTX_ADDRESS}, {"addr", MC_PII_CTX_ADDRESS}, {"street", MC_PII_CTX_ADDRESS},
    {"birth", MC_PII_CTX_BIRTH}, {"dob", MC_PII_CTX_BIRTH}, {"birthday", MC_PII_CTX_BIRTH},
    {"birthdate", MC_PII_CTX_BIRTH}, {"born", MC_PII_CTX_BIRTH},
    {"card", MC_PII_CTX_CARD}, {"creditcard", MC_PII_CTX_CARD}, {"pan", MC_PII_CTX_CARD},
    {"cardnumber", MC_PII_CTX_CARD},
    {"iban", MC_PII_CTX_IBAN}, {"account", MC_PII_CTX_IBAN}, {"bankaccount", MC_PII_CTX_IBAN},
    {"ip", MC_PII_CTX_IP}, {"ipaddress", MC_PII_CTX_IP}, {"ipv4", MC_PII_CTX_IP},
    {"ipv6", MC_PII_CTX_IP},
};

static const word zh_words[] = {
    {"邮箱", MC_PII_CTX_EMAIL}, {"邮件", MC_PII_CTX_EMAIL},
    {"电话", MC_PII_CTX_PHONE}, {"手机", MC_PII_CTX_PHONE}, {"联系方式", MC_PII_CTX_PHONE},
    {"身份证", MC_PII_CTX_ID}, {"证件", MC_PII_CTX_ID},
    {"姓名", MC_PII_CTX_NAME}, {"名字", MC_PII_CTX_NAME},
    {"地址", MC_PII_CTX_ADDRESS}, {"住址", MC_PII_CTX_ADDRESS},
    {"出生", MC_PII_CTX_BIRTH}, {"生日", MC_PII_CTX_BIRTH},
    {"卡号", MC_PII_CTX_CARD}, {"银行卡", MC_PII_CTX_CARD},
    {"账号", MC_PII_CTX_IBAN}, {"账户", MC_PII_CTX_IBAN},
};

/* Words are split at anything but ASCII letters and digits, and at a
 * lower-to-upper change (emailAddress: email, address). The whole name
 * squeezed (e_mail: email) counts as a word too. */
unsigned mc_pii_name_context(const char *column)
{
    unsigned ctx = 0;
    char tok[64], squeezed[64];
    size_t n = 0, sq = 0;
    for (size_t i = 0; i < sizeof zh_words / sizeof zh_words[0]; i++)
        if (strstr(column, zh_words[i].w))
            ctx |= zh_words[i].ctx;
    for (const char *p = column;; p++) {
        char c = *p;
        int boundary = !is_alnum(c) || (n > 0 && is_upper(c) && is_lower(p[-1]));
        if (boundary && n > 0) {
            tok[n] = '\0';
            for (size_t i = 0; i < sizeof en_words / sizeof en_words[0]; i++)
                if (strcmp(tok, en_words[i].w) == 0)
                    ctx |= en_words[i].ctx;
            n = 0;
        }
        if (!c)
            break;
        if (is_alnum(c)) {
            if (n < sizeof tok - 1)
                tok[n++] = to_lower(c);
            if (sq < sizeof squeezed - 1)
                squeezed[sq++] = to_lower(c);
        }
    }
    squeezed[sq] = '\0';
    for (size_t i = 0; i < sizeof en_words / sizeof en_words[0]; i++)
        if (strcmp(squeezed, en_words[i].w) == 0)
            ctx |= en_words[i].ctx;
    return ctx;
}

unsigned mc_pii_detector_context(int detector)
{
    switch (detector) {
    case MC_DETECT_EMAIL: return MC_PII_CTX_EMAIL;
    case MC_DETECT_PHONE: return MC_PII_CTX_PHONE;
    case MC_DETECT_SSN:
    case MC_DETECT_CN_ID: return MC_PII_CTX_ID;
    case MC_DETECT_CREDIT_CARD: return MC_PII_CTX_CARD;
    case MC_DETECT_IBAN: return MC_PII_CTX_IBAN;
    case MC_DETECT_IPV4:
    case MC_DETECT_IPV6: return MC_PII_CTX_IP;
    case MC_DETECT_BIRTH_DATE: return MC_PII_CTX_BIRTH;
    case MC_DETECT_COLUMN_NAME: return MC_PII_CTX_NAME | MC_PII_CTX_ADDRESS;
    default: return 0;
    }
}

/* ---- email (RFC 5321 lengths, dot-atom local part, hostname labels) ---------------- */

static int email_local_char(char c)
{
    return is_alnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~-.", c) != NULL);
}

int mc_pii_is_email(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    if (!at || n > 254)
        return 0;
    size_t local = (size_t)(at - s), dom = n - local - 1;
    if (local == 0 || local > 64 || dom < 4 || s[0] == '.' || at[-1] == '.')
        return 0;
    for (size_t i = 0; i < local; i++)
        if (!email_local_char(s[i]) || (s[i] == '.' && s[i + 1] == '.'))
            return 0;
    const char *d = at + 1;
    size_t labels = 0, label_start = 0;
    for (size_t i = 0; i <= dom; i++) {
        if (i < dom && d[i] != '.') {
            if (!is_alnum(d[i]) && d[i] != '-')
                return 0;
            continue;
        }
        size_t len = i - label_start;
        if (len == 0 || len > 63 || d[label_start] == '-' || d[i - 1] == '-')
            return 0;
        labels++;
        if (i == dom) { /* the top-level domain: letters, or an IDN's xn-- */
            int idn = len > 4 && strncmp(d + label_start, "xn--", 4) == 0;
            if (len < 2)
                return 0;
            for (size_t k = label_start; k < i && !idn; k++)
                if (!is_alpha(d[k]))
                    return 0;
        }
        label_start = i + 1;
    }
    return labels >= 2;
}

/* ---- phone numbers ------------------------------------------------------------- */

/* The digits of s, skipping the separators people write (space - . ( ));
 * *plus: it started with '+'. 0 when anything else appears or too many digits. */
static size_t phone_digits(char *out, size_t cap, const char *s, size_t n, int *plus, int *seps)
{
    size_t k = 0, i = 0;
    *plus = n > 0 && s[0] == '+';
    *seps = 0;
    for (i = *plus ? 1 : 0; i < n; i++) {
        if (is_digit(s[i])) {
            if (k + 1 >= cap)
                return 0;
            out[k++] = s[i];
        } else if (strchr(" -.()", s[i]) && k > 0 && i + 1 < n) {
            (*seps)++;
        } else if (s[i] == '(' && !*plus && k == 0) {
            (*seps)++;
        } else {
            return 0;
        }
    }
    out[k] = '\0';
    return k;
}

/* NANP: NPA NXX XXXX, NPA and NXX starting 2-9, NPA not N11 or 9XX. */
static int nanp10(const char *d)
{
    return d[0] >= '2' && d[0] <= '9' && !(d[1] == '1' && d[2] == '1') && d[0] != '9' &&
           d[3] >= '2' && d[3] <= '9';
}

/* Chinese mobile: 11 digits, 1 then 3-9. */
static int cn_mobile11(const char *d)
{
    return d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

static int phone_match(const char *s, size_t n, int bare_ok)
{
    char d[32];
    int plus, seps;
    size_t k = phone_digits(d, sizeof d, s, n, &plus, &seps);
    if (k == 0)
        return 0;
    if (plus) { /* E.164: country code, at most 15 digits */
        if (k < 8 || k > 15 || d[0] == '0')
            return 0;
        if (d[0] == '1')
            return k == 11 && nanp10(d + 1);
        if (d[0] == '8' && d[1] == '6' && k == 13 && d[2] == '1')
            return cn_mobile11(d + 2);
        return 1;
    }
    if (k == 11 && cn_mobile11(d) && (seps == 0 || seps == 2))
        return 1;
    if (k == 13 && d[0] == '8' && d[1] == '6' && cn_mobile11(d + 2))
        return 1;
    /* NANP needs separators (415-555-0123, (415) 555-0123) or a phone column name:
     * a bare 10-digit number is too often something else. */
    if (seps == 0 && !bare_ok)
        return 0;
    if (k == 10)
        return nanp10(d);
    if (k == 11 && d[0] == '1')
        return nanp10(d + 1);
    return 0;
}

int mc_pii_is_phone(const char *s, size_t n)
{
    return phone_match(s, n, 0);
}

/* ---- payment cards --------------------------------------------------------------- */

typedef struct issuer {
    unsigned lo, hi;      /* the prefix range, both with `digits` digits */
    int digits;
    int min_len, max_len; /* card number lengths */
} issuer;

/* Issuer identification numbers and lengths (ISO/IEC 7812, the networks'
 * published ranges). */
static const issuer issuers[] = {
    {4, 4, 1, 13, 19},             /* Visa: 13, 16, 19 (checked below) */
    {51, 55, 2, 16, 16},           /* Mastercard */
    {2221, 2720, 4, 16, 16},       /* Mastercard 2-series */
    {34, 34, 2, 15, 15},           /* American Express */
    {37, 37, 2, 15, 15},
    {6011, 6011, 4, 16, 19},       /* Discover */
    {644, 649, 3, 16, 19},
    {65, 65, 2, 16, 19},
    {622126, 622925, 6, 16, 19},   /* Discover / UnionPay co-branded */
    {62, 62, 2, 16, 19},           /* UnionPay */
    {3528, 3589, 4, 16, 19},       /* JCB */
    {300, 305, 3, 14, 19},         /* Diners Club */
    {36, 36, 2, 14, 19},
    {38, 39, 2, 16, 19},
    {2200, 2204, 4, 16, 19},       /* Mir */
    {5018, 5018, 4, 12, 19},       /* Maestro */
    {5020, 5020, 4, 12, 19},
    {5038, 5038, 4, 12, 19},
    {5893, 5893, 4, 12, 19},
    {6304, 6304, 4, 12, 19},
    {6759, 6759, 4, 12, 19},
    {6761, 6763, 4, 12, 19},
};

static int luhn_ok(const char *d, size_t k)
{
    int sum = 0;
    for (size_t i = 0; i < k; i++) {
        int v = d[k - 1 - i] - '0';
        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

static int known_issuer(const char *d, size_t k)
{
    for (size_t i = 0; i < sizeof issuers / sizeof issuers[0]; i++) {
        const issuer *is = &issuers[i];
        unsigned v = 0;
        for (int j = 0; j < is->digits; j++)
            v = v * 10 + (unsigned)(d[j] - '0');
        if (v < is->lo || v > is->hi || (int)k < is->min_len || (int)k > is->max_len)
            continue;
        if (is->lo == 4 && k != 13 && k != 16 && k != 19)
            continue;
        return 1;
    }
    return 0;
}

int mc_pii_is_card(const char *s, size_t n)
{
    char d[24];
    size_t k = 0;
    char sep = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(s[i])) {
            if (k + 1 >= sizeof d)
                return 0;
            d[k++] = s[i];
        } else if ((s[i] == ' ' || s[i] == '-') && k > 0 && i + 1 < n && is_digit(s[i + 1]) &&
                   (!sep || sep == s[i])) {
            sep = s[i];
        } else {
            return 0;
        }
    }
    return k >= 12 && k <= 19 && known_issuer(d, k) && luhn_ok(d, k);
}

/* ---- IBAN ------------------------------------------------------------------------- */

/* Country code and IBAN length: the 89 countries of the SWIFT IBAN registry (release 100,
 * October 2025; territories that use another country's format, such as AX with FI's, are not
 * listed: their IBANs begin with that country's code). */
static const struct { char cc[3]; int len; } iban_lengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
    {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20},
    {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
    {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25},
    {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
    {"YE", 30},
};

int mc_pii_is_iban(const char *s, size_t n)
{
    char c[40];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' && k > 0 && k % 4 == 0 && i + 1 < n)
            continue; /* printed in groups of four */
        if (!is_alnum(s[i]) || k + 1 >= sizeof c)
            return 0;
        c[k++] = (char)(is_lower(s[i]) ? s[i] - 32 : s[i]);
    }
    if (k < 15 || !is_upper(c[0]) || !is_upper(c[1]) || !is_digit(c[2]) || !is_digit(c[3]))
        return 0;
    int len = -1;
    for (size_t i = 0; i < sizeof iban_lengths / sizeof iban_lengths[0]; i++)
        if (c[0] == iban_lengths[i].cc[0] && c[1] == iban_lengths[i].cc[1])
            len = iban_lengths[i].len;
    if (len != (int)k)
        return 0;
    unsigned rem = 0; /* ISO 7064 MOD 97-10 over BBAN + country + check, letters as 10..35 */
    for (size_t j = 0; j < k; j++) {
        char ch = c[(j + 4) % k];
        if (is_digit(ch))
            rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
    }
    return rem == 1;
}

/* ---- dates --------------------------------------------------------------------------- */

static int num_at(const char *s, int len)
{
    int v = 0;
    for (int i = 0; i < len; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int real_date(int y, int m, int d, int max_year)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > max_year || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

int mc_pii_is_date(const char *s, size_t n, int max_year)
{
    if (n == 8)
        return real_date(num_at(s, 4), num_at(s + 4, 2), num_at(s + 6, 2), max_year);
    if (n != 10)
        return 0;
    if ((s[4] == '-' || s[4] == '/') && s[7] == s[4])
        return real_date(num_at(s, 4), num_at(s + 5, 2), num_at(s + 8, 2), max_year);
    if ((s[2] == '/' || s[2] == '.') && s[5] == s[2])
        return real_date(num_at(s + 6, 4), num_at(s + 3, 2), num_at(s, 2), max_year);
    return 0;
}

/* ---- Chinese resident identity number (GB 11643-1999) ------------------------------- */

static int cn_province(int p)
{
    static const int codes[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
                                42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71,
                                81, 82};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i] == p)
            return 1;
    return 0;
}

int mc_pii_is_cn_id(const char *s, size_t n)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    if (n != 18)
        return 0;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(s[i]))
            return 0;
        sum += (s[i] - '0') * w[i];
    }
    char last = s[17] == 'x' ? 'X' : s[17];
    return cn_province(num_at(s, 2)) &&
           real_date(num_at(s + 6, 4), num_at(s + 10, 2), num_at(s + 12, 2), 2099) &&
           last == check[sum % 11];
}

/* ---- US Social Security number --------------------------------------------------------- */

int mc_pii_is_ssn(const char *s, size_t n, int bare_ok)
{
    char d[10];
    if (n == 11 && (s[3] == '-' || s[3] == ' ') && s[6] == s[3]) {
        memcpy(d, s, 3);
        memcpy(d + 3, s + 4, 2);
        memcpy(d + 5, s + 7, 4);
    } else if (n == 9 && bare_ok) {
        memcpy(d, s, 9);
    } else {
        return 0;
    }
    d[9] = '\0';
    int area = num_at(d, 3), group = num_at(d + 3, 2), serial = num_at(d + 5, 4);
    if (area < 0 || group < 0 || serial < 0)
        return 0;
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
        return 0;
    return strcmp(d, "078051120") != 0 && strcmp(d, "219099999") != 0; /* published samples */
}

/* ---- IP addresses ---------------------------------------------------------------------- */

int mc_pii_is_ipv4(const char *s, size_t n)
{
    int parts = 0;
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        int v = 0;
        while (i < n && is_digit(s[i]) && i - start < 3)
            v = v * 10 + (s[i++] - '0');
        size_t len = i - start;
        if (len == 0 || v > 255 || (len > 1 && s[start] == '0'))
            return 0;
        parts++;
        if (i == n)
            break;
        if (s[i] != '.' || parts == 4)
            return 0;
        i++;
        if (i == n)
            return 0;
    }
    return parts == 4;
}

int mc_pii_is_ipv6(const char *s, size_t n)
{
    char buf[64];
    unsigned char addr[16];
    if (n < 2 || n >= sizeof buf || !memchr(s, ':', n))
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return inet_pton(AF_INET6, buf, addr) == 1;
}

/* ---- one entry point ------------------------------------------------------------------- */

static int current_year(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || !gmtime_r(&now, &tm))
        return 2099;
    return tm.tm_year + 1900;
}

int mc_pii_match(int detector, const char *s, size_t n, unsigned context)
{
    while (n > 0 && (s[0] == ' ' || s[0] == '\t'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0)
        return 0;
    switch (detector) {
    case MC_DETECT_EMAIL: return mc_pii_is_email(s, n);
    case MC_DETECT_PHONE: return phone_match(s, n, (context & MC_PII_CTX_PHONE) != 0);
    case MC_DETECT_SSN: return mc_pii_is_ssn(s, n, (context & MC_PII_CTX_ID) != 0);
    case MC_DETECT_CREDIT_CARD: return mc_pii_is_card(s, n);
    case MC_DETECT_IPV4: return mc_pii_is_ipv4(s, n);
    case MC_DETECT_IBAN: return mc_pii_is_iban(s, n);
    case MC_DETECT_CN_ID: return mc_pii_is_cn_id(s, n);
    case MC_DETECT_IPV6: return mc_pii_is_ipv6(s, n);
    case MC_DETECT_BIRTH_DATE:
        return (context & MC_PII_CTX_BIRTH) != 0 && mc_pii_is_date(s, n, current_year());
    default: return 0;
    }
}

/* ---- masking ------------------------------------------------------------------------------ */

void mc_pii_mask(char *out, size_t cap, int detector, const char *s, size_t n)
{
    size_t k = 0;
    if (cap == 0)
        return;
#define PUT(c) do { if (k + 1 < cap) out[k++] = (c); } while (0)
    const char *at = detector == MC_DETECT_EMAIL ? memchr(s, '@', n) : NULL;
    const char *dot = at ? memchr(at, '.', n - (size_t)(at - s)) : NULL;
    if (at && dot && at > s && is_alnum(s[0]) && is_alnum(at[1])) {
        const char *tld = s + n; /* the last label */
        while (tld > dot && tld[-1] != '.')
            tld--;
        const char head[] = {s[0], '*', '*', '*', '@', at[1], '*', '*', '*', '.'};
        for (size_t i = 0; i < sizeof head; i++)
            PUT(head[i]);
        for (const char *p = tld; p < s + n && p - tld < 8; p++)
            PUT(is_alnum(*p) ? *p : '?');
    } else {
        size_t digits = 0, seen = 0;
        for (size_t i = 0; i < n; i++)
            digits += is_digit(s[i]);
        for (size_t i = 0; i < n && i < 40; i++) {
            unsigned char c = (unsigned char)s[i];
            if (is_digit((char)c)) {
                seen++;
                PUT(seen + 2 > digits && digits >= 8 ? (char)c : '*');
            } else if (c < 0x80 && !is_alpha((char)c) && c >= 0x20) {
                PUT((char)c);
            } else if (c < 0x80 || (c & 0xC0) == 0xC0) {
                PUT('*'); /* a letter, or the first byte of a multi-byte character */
            }
        }
    }
#undef PUT
    out[k] = '\0';
}
