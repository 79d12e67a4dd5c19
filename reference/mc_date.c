/* Calendar date parsing for generalize's date mode (mc_date.h). */
#include "mc_date.h"

#include <string.h>

#define CN_YEAR "\xe5\xb9\xb4"  /* 年 */
#define CN_MONTH "\xe6\x9c\x88" /* 月 */
#define CN_DAY "\xe6\x97\xa5"   /* 日 */

int mc_date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : days[m - 1];
}

/* Reads exactly n digits at *p into *v, advancing *p; 0 when there are not n. */
static int digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return 0;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return 1;
}

/* One or two digits. */
static int digits12(const char **p, int *v)
{
    return digits(p, 2, v) || digits(p, 1, v);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int lit(const char **p, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(*p, word, n) != 0)
        return 0;
    *p += n;
    return 1;
}

/* The time after an ISO date: hh:mm:ss[.f][Z|+hh:mm|-hh:mm], then the end. */
static mc_date_status iso_time(const char *p)
{
    int h, m, s, oh, om;
    if (!digits(&p, 2, &h) || !lit(&p, ":") || !digits(&p, 2, &m) || !lit(&p, ":") ||
        !digits(&p, 2, &s))
        return MC_DATE_FORMAT;
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return MC_DATE_FORMAT;
        for (int i = 0; is_digit(*p); i++, p++)
            if (i == 9)
                return MC_DATE_FORMAT;
    }
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        p++;
        if (!digits(&p, 2, &oh) || !lit(&p, ":") || !digits(&p, 2, &om))
            return MC_DATE_FORMAT;
        if (oh > 23 || om > 59)
            return MC_DATE_TIME_RANGE;
    }
    if (*p)
        return MC_DATE_FORMAT;
    return h > 23 || m > 59 || s > 60 ? MC_DATE_TIME_RANGE : MC_DATE_OK;
}

static mc_date_status check(const mc_date *d)
{
    if (d->year < 1000)
        return MC_DATE_YEAR_RANGE;
    if (d->month < 1 || d->month > 12)
        return MC_DATE_MONTH_RANGE;
    if (d->day < 1 || d->day > mc_date_days_in_month(d->year, d->month))
        return MC_DATE_DAY_RANGE;
    return MC_DATE_OK;
}

mc_date_status mc_date_parse(mc_date *out, const char *s)
{
    if (strnlen(s, MC_DATE_MAX_LEN + 1) > MC_DATE_MAX_LEN)
        return MC_DATE_TOO_LONG;
    const char *p = s;
    mc_date d = {0, 0, 0};
    mc_date_status st = MC_DATE_FORMAT;
    if (digits(&p, 4, &d.year)) {
        const char *q = p;
        if (lit(&q, "-") && digits(&q, 2, &d.month) && lit(&q, "-") && digits(&q, 2, &d.day) &&
            !is_digit(*q)) {
            st = !*q ? MC_DATE_OK : (*q == 'T' || *q == ' ') ? iso_time(q + 1) : MC_DATE_FORMAT;
        } else if ((q = p, lit(&q, "/")) && digits(&q, 2, &d.month) && lit(&q, "/") &&
                   digits(&q, 2, &d.day) && !*q) {
            st = MC_DATE_OK;
        } else if ((q = p, digits(&q, 2, &d.month)) && digits(&q, 2, &d.day) && !*q) {
            st = MC_DATE_OK;
        } else if ((q = p, lit(&q, CN_YEAR)) && digits12(&q, &d.month) && lit(&q, CN_MONTH) &&
                   digits12(&q, &d.day) && lit(&q, CN_DAY) && !*q) {
            st = MC_DATE_OK;
        }
    } else if (digits12(&p, &d.day)) {
        const char *q = p;
        int b = 0, y = 0;
        if (lit(&q, ".") && digits12(&q, &d.month) && lit(&q, ".") && digits(&q, 4, &d.year) &&
            !*q)
            st = MC_DATE_OK;
        else if ((q = p, lit(&q, "/") || lit(&q, "-")) && digits12(&q, &b) &&
                 (lit(&q, "/") || lit(&q, "-")) && digits(&q, 4, &y) && !*q)
            return MC_DATE_AMBIGUOUS;
    }
    if (st != MC_DATE_OK)
        return st;
    if ((st = check(&d)) == MC_DATE_OK)
        *out = d;
    return st;
}

const char *mc_date_status_text(mc_date_status st)
{
    switch (st) {
    case MC_DATE_OK: return "a valid date";
    case MC_DATE_FORMAT:
        return "not a date in an accepted form (YYYY-MM-DD, YYYY-MM-DDThh:mm:ss, YYYY/MM/DD, "
               "YYYYMMDD, DD.MM.YYYY, YYYY\xe5\xb9\xb4M\xe6\x9c\x88" "D\xe6\x97\xa5)";
    case MC_DATE_AMBIGUOUS:
        return "an ambiguous date (month or day first?); write it as YYYY-MM-DD";
    case MC_DATE_YEAR_RANGE: return "a date with a year before 1000";
    case MC_DATE_MONTH_RANGE: return "a date with a month outside 1-12";
    case MC_DATE_DAY_RANGE: return "a date with a day its month does not have";
    case MC_DATE_TIME_RANGE: return "a date with a time or offset out of range";
    case MC_DATE_TOO_LONG: return "too long to be a date";
    }
    return "not a date";
}
