/* funcs.c - JSONata built-in functions: sum count max min average number floor ceil round abs sqrt power random boolean not map zip filter single reduce sift keys lookup append exists spread merge reverse each error assert type sort shuffle distinct base64encode base64decode encodeUrlComponent encodeUrl decodeUrlComponent decodeUrl
 * (being written; the table below fills as they land). */
#include "stepsim/jsonata/value.h"

const jn_builtin jn_builtins_funcs[] = {
    {NULL, NULL, NULL},
};
