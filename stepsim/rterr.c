/* rterr.c - runtime errors of the simulated execution. */
#include "stepsim/rterr.h"

#include <stdarg.h>
#include <stdlib.h>

#include "core/util.h"

int stc_rterr_set(stc_rterr *e, const char *error, const char *fmt, ...)
{
    stc_rterr_clear(e);
    e->error = error ? stc_xstrdup(error) : NULL;
    va_list ap;
    va_start(ap, fmt);
    e->cause = stc_xvasprintf(fmt, ap);
    va_end(ap);
    return -1;
}

int stc_rterr_set_raw(stc_rterr *e, const char *error, const char *cause)
{
    stc_rterr_clear(e);
    e->error = error ? stc_xstrdup(error) : NULL;
    e->cause = cause ? stc_xstrdup(cause) : NULL;
    return -1;
}

void stc_rterr_clear(stc_rterr *e)
{
    free(e->error);
    free(e->cause);
    e->error = e->cause = NULL;
}

void stc_rterr_move(stc_rterr *dst, stc_rterr *src)
{
    stc_rterr_clear(dst);
    *dst = *src;
    src->error = src->cause = NULL;
}
