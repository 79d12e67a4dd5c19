/* age's base64 and ASCII armor (age-encryption.org/v1, "ASCII armor"): strict base64 for
 * header fields (no padding, canonical), and the armored reader and writer. An armored file
 * is "-----BEGIN AGE ENCRYPTED FILE-----", lines of 64 columns of padded base64 with a
 * shorter (or full) last line, "-----END AGE ENCRYPTED FILE-----"; LF or CRLF line ends;
 * whitespace only before BEGIN and after END. Everything else is an armor failure naming
 * the line: other headers, empty or long lines, a short line before the last, whitespace
 * in a line, missing or misplaced padding, non-canonical bits, no END line. */
#include <string.h>

#include "mc_age_internal.h"
#include "mc_error.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static size_t encode(char *out, const unsigned char *in, size_t n, int pad)
{
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[(v >> 6) & 63];
        out[o++] = b64[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = b64[(v >> 6) & 63];
        if (pad)
            out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

size_t mc_age_b64_encode(char *out, const unsigned char *in, size_t n)
{
    return encode(out, in, n, 0);
}

int mc_age_b64_decode(unsigned char *out, size_t cap, size_t *out_len, const char *s, size_t n)
{
    if (n % 4 == 1 || (n / 4) * 3 + (n % 4 ? n % 4 - 1 : 0) > cap)
        return -1;
    unsigned acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            out[o++] = (unsigned char)(acc >> (bits - 8));
            bits -= 8;
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) /* leftover bits must be zero: canonical encoding only */
        return -1;
    *out_len = o;
    return MC_OK;
}

/* ---- reading -------------------------------------------------------------------------- */

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int armor_fail(mc_age_src *s, const char *what)
{
    s->fail = MC_AGE_ARMOR_FAILURE;
    if (s->line)
        return mc_error_set(MC_EINPUT, "armor: line %lu: %s", s->line, what);
    return mc_error_set(MC_EINPUT, "armor: %s", what);
}

/* One line without its LF or CRLF; *len > cap - 1 means too long (the rest is skipped
 * to the line end). *eof: the input ended before any byte. */
static int read_line(mc_age_src *s, char *buf, size_t cap, size_t *len, int *eof)
{
    size_t n = 0;
    int c = 0;
    *eof = 0;
    while ((c = getc(s->f)) != EOF && c != '\n') {
        if (n < cap - 1)
            buf[n] = (char)c;
        n++;
    }
    if (ferror(s->f))
        return mc_error_set(MC_EIO, "cannot read the age file");
    s->line++;
    if (c == EOF && n == 0)
        *eof = 1;
    if (n <= cap - 1 && n > 0 && c == '\n' && buf[n - 1] == '\r')
        n--;
    if (n < cap)
        buf[n] = '\0';
    *len = n;
    return MC_OK;
}

int mc_age_src_open(mc_age_src *s, FILE *f, mc_age_armor_mode mode)
{
    memset(s, 0, sizeof *s);
    s->f = f;
    int c = getc(f);
    if (c == EOF && ferror(f))
        return mc_error_set(MC_EIO, "cannot read the age file");
    if (c != EOF && ungetc(c, f) == EOF)
        return mc_error_set(MC_EIO, "cannot read the age file");
    s->armored = mode == MC_AGE_ARMOR_YES || (mode == MC_AGE_ARMOR_AUTO && c != EOF &&
                                              (is_space(c) || c == '-'));
    if (!s->armored)
        return MC_OK;
    while ((c = getc(f)) != EOF && is_space(c))
        if (c == '\n')
            s->line++;
    if (c != EOF && ungetc(c, f) == EOF)
        return mc_error_set(MC_EIO, "cannot read the age file");
    char line[80];
    size_t len;
    int eof, rc = read_line(s, line, sizeof line, &len, &eof);
    if (rc)
        return rc;
    if (eof || len >= sizeof line || strcmp(line, MC_AGE_ARMOR_BEGIN) != 0)
        return armor_fail(s, "not '" MC_AGE_ARMOR_BEGIN "'");
    return MC_OK;
}

static int refill(mc_age_src *s)
{
    char line[80];
    size_t len;
    int eof, rc = read_line(s, line, sizeof line, &len, &eof);
    if (rc)
        return rc;
    if (eof)
        return armor_fail(s, "the file ends without '" MC_AGE_ARMOR_END "'");
    if (len < sizeof line && strcmp(line, MC_AGE_ARMOR_END) == 0) {
        int c;
        s->ended = 1;
        while ((c = getc(s->f)) != EOF)
            if (!is_space(c))
                return armor_fail(s, "something other than whitespace after the END line");
        if (ferror(s->f))
            return mc_error_set(MC_EIO, "cannot read the age file");
        return MC_OK;
    }
    if (s->short_line)
        return armor_fail(s, "a line after the short last line (only the last line may be "
                             "shorter than 64 columns)");
    if (len == 0)
        return armor_fail(s, "an empty line");
    if (len > MC_AGE_ARMOR_COLS)
        return armor_fail(s, "longer than 64 columns");
    if (len % 4 != 0)
        return armor_fail(s, "base64 length not a multiple of 4 (padding missing?)");
    size_t pad = 0;
    while (pad < 2 && line[len - 1 - pad] == '=')
        pad++;
    size_t got;
    if (mc_age_b64_decode(s->a, sizeof s->a, &got, line, len - pad) != 0 ||
        (pad && (len - pad) % 4 != 4 - pad))
        return armor_fail(s, "not canonical base64 (a character outside the alphabet, "
                             "whitespace, misplaced padding or non-zero bits)");
    if (len < MC_AGE_ARMOR_COLS || pad)
        s->short_line = 1;
    s->a_len = got;
    s->a_pos = 0;
    return MC_OK;
}

int mc_age_src_open_mem(mc_age_src *s, const unsigned char *data, size_t n,
                        mc_age_armor_mode mode)
{
    static const unsigned char nothing[1];
    memset(s, 0, sizeof *s);
    int c = n ? data[0] : EOF;
    if (mode == MC_AGE_ARMOR_YES || (mode == MC_AGE_ARMOR_AUTO && c != EOF &&
                                     (is_space(c) || c == '-'))) {
        /* fmemopen may refuse a size of 0: one byte opened and read past */
        FILE *f = fmemopen((void *)(n ? data : nothing), n ? n : 1, "rb");
        if (!f)
            return mc_error_set(MC_EIO, "age: cannot read memory as a stream");
        if (!n && getc(f) == EOF && ferror(f)) {
            fclose(f);
            return mc_error_set(MC_EIO, "age: cannot read memory as a stream");
        }
        int rc = mc_age_src_open(s, f, MC_AGE_ARMOR_YES);
        s->own = f;
        return rc;
    }
    s->mem = data;
    s->mem_len = n;
    return MC_OK;
}

void mc_age_src_close(mc_age_src *s)
{
    if (s->own)
        fclose(s->own);
    s->own = NULL;
}

int mc_age_src_next(mc_age_src *s, unsigned char *buf, size_t n, const unsigned char **p,
                    size_t *got)
{
    if (!s->mem) {
        *p = buf;
        return mc_age_src_read(s, buf, n, got);
    }
    *got = s->mem_len - s->mem_pos < n ? s->mem_len - s->mem_pos : n;
    *p = s->mem + s->mem_pos;
    s->mem_pos += *got;
    return MC_OK;
}

int mc_age_src_read(mc_age_src *s, unsigned char *buf, size_t n, size_t *got)
{
    if (s->mem) {
        const unsigned char *p;
        mc_age_src_next(s, buf, n, &p, got);
        memcpy(buf, p, *got);
        return MC_OK;
    }
    if (!s->armored) {
        size_t r = fread(buf, 1, n, s->f);
        if (r < n && ferror(s->f))
            return mc_error_set(MC_EIO, "cannot read the age file");
        *got = r;
        return MC_OK;
    }
    size_t o = 0;
    while (o < n) {
        if (s->a_pos == s->a_len) {
            if (s->ended)
                break;
            int rc = refill(s);
            if (rc)
                return rc;
            continue;
        }
        size_t k = s->a_len - s->a_pos < n - o ? s->a_len - s->a_pos : n - o;
        memcpy(buf + o, s->a + s->a_pos, k);
        s->a_pos += k;
        o += k;
    }
    *got = o;
    return MC_OK;
}

/* ---- writing -------------------------------------------------------------------------- */

int mc_age_armor_begin(mc_age_armor_out *a, mc_age_sink sink, void *ctx)
{
    memset(a, 0, sizeof *a);
    a->sink = sink;
    a->ctx = ctx;
    return sink(ctx, (const unsigned char *)MC_AGE_ARMOR_BEGIN "\n",
                sizeof MC_AGE_ARMOR_BEGIN);
}

int mc_age_armor_sink(void *ctx, const unsigned char *data, size_t len)
{
    mc_age_armor_out *a = ctx;
    char out[65 * 64 + 1];
    size_t o = 0;
    while (len > 0) {
        size_t k = sizeof a->pend - a->n_pend < len ? sizeof a->pend - a->n_pend : len;
        memcpy(a->pend + a->n_pend, data, k);
        a->n_pend += k;
        data += k;
        len -= k;
        if (a->n_pend < sizeof a->pend)
            break;
        o += encode(out + o, a->pend, sizeof a->pend, 1);
        out[o++] = '\n';
        a->n_pend = 0;
        if (o + 65 > sizeof out - 1) {
            int rc = a->sink(a->ctx, (const unsigned char *)out, o);
            if (rc)
                return rc;
            o = 0;
        }
    }
    return o ? a->sink(a->ctx, (const unsigned char *)out, o) : MC_OK;
}

int mc_age_armor_end(mc_age_armor_out *a)
{
    char out[80];
    size_t o = 0;
    if (a->n_pend) {
        o = encode(out, a->pend, a->n_pend, 1);
        out[o++] = '\n';
        a->n_pend = 0;
    }
    int rc = o ? a->sink(a->ctx, (const unsigned char *)out, o) : MC_OK;
    if (rc == MC_OK)
        rc = a->sink(a->ctx, (const unsigned char *)MC_AGE_ARMOR_END "\n",
                     sizeof MC_AGE_ARMOR_END);
    return rc;
}
