/* sched.h - when an EventBridge schedule fires, for the local triggers of
 * `stc-tui serve`.
 *
 * rate(N minute|minutes|hour|hours|day|days) fires every N units counted
 * from `base` (the time the server started serving the rule, as a rule
 * counts from its creation). cron(minutes hours day-of-month month
 * day-of-week year) fires at the start of each matching minute, in UTC,
 * with EventBridge's syntax: lists, ranges, steps, JAN-DEC, SUN-SAT (1-7,
 * Sunday first), `?`, and the special days L, LW, nW (day of month) and
 * L, nL, n#k (day of week). The expression is checked by
 * stc_schedule_valid (core/triggers.h) before it gets here; stc_sched_parse
 * still refuses what it cannot read.
 *
 * Ownership: a stc_sched is plain data (no pointers).
 */
#ifndef STC_SERVE_SCHED_H
#define STC_SERVE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

typedef struct stc_sched {
    bool is_rate;
    int64_t period_ms;        /* rate */
    /* cron: one bit per allowed value */
    uint64_t minutes;         /* 0..59 */
    uint32_t hours;           /* 0..23 */
    uint32_t dom;             /* 1..31 */
    uint16_t months;          /* 1..12 */
    uint8_t dow;              /* 1..7 (SUN..SAT) */
    uint64_t years[4];        /* 1970..2199, bit (year - 1970) */
    bool dom_any;             /* day-of-month is `?`: the days come from day-of-week */
    bool dom_last;            /* L */
    bool dom_last_weekday;    /* LW */
    uint32_t dom_weekday;     /* nW: the weekday nearest day n, bit n */
    uint8_t dow_last;         /* nL: the last n-day of the month, bit n */
    uint64_t dow_nth;         /* n#k: bit (n * 8 + k) */
} stc_sched;

/* Parse "rate(...)" or "cron(...)". Returns 0, or -1 with *err (allocated). */
int stc_sched_parse(const char *expr, stc_sched *out, char **err);

/* The first firing strictly after `after_ms` (epoch ms, UTC); `base_ms` is
 * where a rate counts from. -1 when the schedule never fires again (a cron
 * whose years are past, or impossible days such as 30 February). */
int64_t stc_sched_next(const stc_sched *s, int64_t after_ms, int64_t base_ms);

#endif
