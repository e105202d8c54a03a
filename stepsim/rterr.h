/* rterr.h - a runtime error of the simulated execution: an error name (as
 * ASL matches it in Retry/Catch, e.g. "States.Runtime") and a cause text.
 *
 * Ownership: the struct owns both strings; stc_rterr_clear() frees them.
 * Either may be NULL (a Fail state without Error/Cause).
 */
#ifndef STC_RTERR_H
#define STC_RTERR_H

typedef struct stc_rterr {
    char *error;
    char *cause;
} stc_rterr;

#define STC_RTERR_INIT {NULL, NULL}

/* Replace the error with `error` (copied, may be NULL) and a formatted cause.
 * Always returns -1 so callers can write `return stc_rterr_set(...)`. */
int stc_rterr_set(stc_rterr *e, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, with the cause given as a plain string (copied, may be NULL). */
int stc_rterr_set_raw(stc_rterr *e, const char *error, const char *cause);
void stc_rterr_clear(stc_rterr *e);
/* Move src into dst (dst is cleared first; src is left empty). */
void stc_rterr_move(stc_rterr *dst, stc_rterr *src);

#endif
