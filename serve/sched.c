/* sched.c - see sched.h. */
#include "serve/sched.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/util.h"

#define STC_YEAR_MIN 1970
#define STC_YEAR_MAX 2199

static const char *const stc_month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                              "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
static const char *const stc_dow_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

/* A bit set over min..max (at most 256 values). */
typedef struct {
    uint64_t w[4];
} stc_bits;

static void stc_bits_set(stc_bits *b, int i)
{
    b->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static bool stc_bits_has(const uint64_t *w, int i)
{
    return (w[i / 64] >> (i % 64)) & 1;
}

/* A number or a name (names[i] is value i + first) at *p; -1 when neither. */
static int stc_sched_value(const char **p, const char *const *names, int nnames, int first)
{
    const char *s = *p;
    if (isdigit((unsigned char)*s)) {
        long v = 0;
        while (isdigit((unsigned char)*s) && v < 100000)
            v = v * 10 + (*s++ - '0');
        *p = s;
        return (int)v;
    }
    for (int i = 0; names && i < nnames; i++)
        if (strncasecmp(s, names[i], 3) == 0) {
            *p = s + 3;
            return i + first;
        }
    return -1;
}

typedef enum { STC_F_MIN, STC_F_HOUR, STC_F_DOM, STC_F_MONTH, STC_F_DOW, STC_F_YEAR } stc_field;

/* One comma-separated field into bits (offset: value - lo). */
static int stc_sched_field(stc_sched *s, stc_field f, const char *text, int lo, int hi, stc_bits *bits, char **err)
{
    const char *const *names = f == STC_F_MONTH ? stc_month_names : f == STC_F_DOW ? stc_dow_names : NULL;
    int nnames = f == STC_F_MONTH ? 12 : f == STC_F_DOW ? 7 : 0;
    const char *p = text;
    while (*p) {
        if (*p == '?' && (f == STC_F_DOM || f == STC_F_DOW)) {
            if (f == STC_F_DOM)
                s->dom_any = true;
            p++;
        } else if (f == STC_F_DOM && (strncmp(p, "LW", 2) == 0)) {
            s->dom_last_weekday = true;
            p += 2;
        } else if ((f == STC_F_DOM || f == STC_F_DOW) && *p == 'L') {
            if (f == STC_F_DOM)
                s->dom_last = true;
            else
                stc_bits_set(bits, 7 - lo); /* the last day of the week: Saturday */
            p++;
        } else {
            int a, b, step = 1;
            bool star = *p == '*';
            if (star) {
                a = lo;
                b = hi;
                p++;
            } else {
                a = stc_sched_value(&p, names, nnames, 1);
                if (a < lo || a > hi)
                    goto bad;
                b = a;
                if (f == STC_F_DOM && *p == 'W') {
                    s->dom_weekday |= (uint32_t)1 << a;
                    p++;
                    goto next;
                }
                if (f == STC_F_DOW && *p == 'L') {
                    s->dow_last |= (uint8_t)(1u << a);
                    p++;
                    goto next;
                }
                if (f == STC_F_DOW && *p == '#') {
                    p++;
                    int k = stc_sched_value(&p, NULL, 0, 0);
                    if (k < 1 || k > 5)
                        goto bad;
                    s->dow_nth |= (uint64_t)1 << (a * 8 + k);
                    goto next;
                }
                if (*p == '-') {
                    p++;
                    b = stc_sched_value(&p, names, nnames, 1);
                    if (b < a || b > hi)
                        goto bad;
                } else if (*p == '/') {
                    b = hi;
                }
            }
            if (*p == '/') {
                p++;
                step = stc_sched_value(&p, NULL, 0, 0);
                if (step < 1)
                    goto bad;
            }
            for (int v = a; v <= b; v += step)
                stc_bits_set(bits, v - lo);
        }
    next:
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p)
            goto bad;
    }
    return 0;
bad:
    *err = stc_xasprintf("cannot read the cron field '%s'", text);
    return -1;
}

static int stc_sched_rate(const char *body, stc_sched *out, char **err)
{
    char *end = NULL;
    long n = strtol(body, &end, 10);
    while (end && *end == ' ')
        end++;
    int64_t unit = 0;
    if (end) {
        size_t len = strcspn(end, ")");
        if ((len == 6 || len == 7) && strncmp(end, "minute", 6) == 0)
            unit = 60000;
        else if ((len == 4 || len == 5) && strncmp(end, "hour", 4) == 0)
            unit = 3600000;
        else if ((len == 3 || len == 4) && strncmp(end, "day", 3) == 0)
            unit = 86400000;
    }
    if (n < 1 || !unit) {
        *err = stc_xasprintf("cannot read the rate '%s'", body);
        return -1;
    }
    out->is_rate = true;
    out->period_ms = n * unit;
    return 0;
}

int stc_sched_parse(const char *expr, stc_sched *out, char **err)
{
    memset(out, 0, sizeof *out);
    size_t n = strlen(expr);
    if (n > 6 && strncmp(expr, "rate(", 5) == 0 && expr[n - 1] == ')')
        return stc_sched_rate(expr + 5, out, err);
    if (!(n > 6 && strncmp(expr, "cron(", 5) == 0 && expr[n - 1] == ')')) {
        *err = stc_xasprintf("'%s' is not a schedule expression", expr);
        return -1;
    }
    char *body = stc_xstrndup(expr + 5, n - 6);
    char *fields[6];
    int nf = 0;
    for (char *tok = strtok(body, " "); tok && nf < 7; tok = strtok(NULL, " "))
        if (nf < 6)
            fields[nf++] = tok;
        else
            nf = 7;
    int rc = 0;
    if (nf != 6) {
        *err = stc_xasprintf("'%s' needs six fields", expr);
        rc = -1;
    }
    static const int lo[6] = {0, 0, 1, 1, 1, STC_YEAR_MIN}, hi[6] = {59, 23, 31, 12, 7, STC_YEAR_MAX};
    stc_bits b[6];
    memset(b, 0, sizeof b);
    for (int i = 0; rc == 0 && i < 6; i++)
        rc = stc_sched_field(out, (stc_field)i, fields[i], lo[i], hi[i], &b[i], err);
    free(body);
    if (rc != 0)
        return -1;
    out->minutes = b[0].w[0];
    out->hours = (uint32_t)b[1].w[0];
    out->dom = (uint32_t)(b[2].w[0] << 1);   /* bit d for day d */
    out->months = (uint16_t)(b[3].w[0] << 1); /* bit m for month m */
    out->dow = (uint8_t)(b[4].w[0] << 1);     /* bit d for weekday d (1 = SUN) */
    memcpy(out->years, b[5].w, sizeof out->years);
    return 0;
}

/* ---- calendar -------------------------------------------------------- */

/* Days since 1970-01-01 of a date (proleptic Gregorian). */
static int64_t stc_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int yoe = (int)(y - era * 400);
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int stc_days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* 1 = Sunday .. 7 = Saturday. */
static int stc_weekday(int y, int m, int d)
{
    int64_t days = stc_days_from_civil(y, m, d);
    int w = (int)((days + 4) % 7); /* 1970-01-01 was a Thursday */
    if (w < 0)
        w += 7;
    return w + 1;
}

/* The weekday (Mon-Fri) nearest day n of the month, never leaving it; 0
 * when the month has no day n. */
static int stc_nearest_weekday(int y, int m, int n)
{
    int dim = stc_days_in_month(y, m);
    if (n > dim)
        return 0;
    int w = stc_weekday(y, m, n);
    if (w == 7) /* Saturday: Friday, or Monday on the 1st */
        return n == 1 ? 3 : n - 1;
    if (w == 1) /* Sunday: Monday, or Friday on the last day */
        return n == dim ? n - 2 : n + 1;
    return n;
}

static bool stc_sched_day(const stc_sched *s, int y, int m, int d)
{
    if (!stc_bits_has(s->years, y - STC_YEAR_MIN) || !((s->months >> m) & 1))
        return false;
    int dim = stc_days_in_month(y, m);
    if (s->dom_any) {
        int w = stc_weekday(y, m, d);
        if ((s->dow >> w) & 1)
            return true;
        if (((s->dow_last >> w) & 1) && d + 7 > dim)
            return true;
        int k = (d - 1) / 7 + 1;
        return (s->dow_nth >> (w * 8 + k)) & 1;
    }
    if ((s->dom >> d) & 1)
        return true;
    if (s->dom_last && d == dim)
        return true;
    if (s->dom_last_weekday) {
        int w = stc_weekday(y, m, dim);
        int last = w == 7 ? dim - 1 : w == 1 ? dim - 2 : dim;
        if (d == last)
            return true;
    }
    for (int n = 1; s->dom_weekday && n <= 31; n++)
        if (((s->dom_weekday >> n) & 1) && stc_nearest_weekday(y, m, n) == d)
            return true;
    return false;
}

int64_t stc_sched_next(const stc_sched *s, int64_t after_ms, int64_t base_ms)
{
    if (s->is_rate) {
        if (after_ms < base_ms)
            return base_ms + s->period_ms;
        int64_t k = (after_ms - base_ms) / s->period_ms + 1;
        return base_ms + k * s->period_ms;
    }
    int64_t start = (after_ms >= 0 ? after_ms / 60000 : (after_ms - 59999) / 60000) + 1; /* minutes */
    time_t t = (time_t)(start * 60);
    struct tm tm;
    gmtime_r(&t, &tm);
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
    int h0 = tm.tm_hour, mi0 = tm.tm_min;
    bool first = true;
    while (y <= STC_YEAR_MAX) {
        if (y < STC_YEAR_MIN || !stc_bits_has(s->years, y - STC_YEAR_MIN)) {
            y++, m = 1, d = 1, first = false;
            continue;
        }
        if (!((s->months >> m) & 1)) {
            if (++m > 12)
                y++, m = 1;
            d = 1, first = false;
            continue;
        }
        if (stc_sched_day(s, y, m, d)) {
            for (int h = first ? h0 : 0; h < 24; h++) {
                if (!((s->hours >> h) & 1))
                    continue;
                for (int mi = first && h == h0 ? mi0 : 0; mi < 60; mi++)
                    if ((s->minutes >> mi) & 1)
                        return (stc_days_from_civil(y, m, d) * 1440 + h * 60 + mi) * 60000;
            }
        }
        first = false;
        if (++d > stc_days_in_month(y, m)) {
            d = 1;
            if (++m > 12)
                y++, m = 1;
        }
    }
    return -1;
}
