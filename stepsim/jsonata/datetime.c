/* datetime.c - JSONata built-in functions: formatInteger parseInteger toMillis fromMillis
 * (being written; the table below fills as they land). */
#include "stepsim/jsonata/value.h"

const jn_builtin jn_builtins_datetime[] = {
    {NULL, NULL, NULL},
};
