/* numfmt.c - JSONata built-in functions: formatNumber formatBase
 * (being written; the table below fills as they land). */
#include "stepsim/jsonata/value.h"

const jn_builtin jn_builtins_numfmt[] = {
    {NULL, NULL, NULL},
};
