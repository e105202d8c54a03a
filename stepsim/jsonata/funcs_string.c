/* funcs_string.c - JSONata built-in functions: string substring substringBefore substringAfter lowercase uppercase length trim pad match contains replace split join
 * (being written; the table below fills as they land). */
#include "stepsim/jsonata/value.h"

const jn_builtin jn_builtins_string[] = {
    {NULL, NULL, NULL},
};
