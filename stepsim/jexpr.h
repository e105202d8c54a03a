/* jexpr.h - JSONata in ASL: the `{% ... %}` expressions of JSONata states,
 * compiled once when a machine loads, evaluated by the simulator with
 * `$states` (input, result, errorOutput, context), the workflow variables,
 * the functions AWS adds ($partition, $range, $hash, $random, $uuid, $parse,
 * stepsim/sfnfuncs.h) and without the one it removes ($eval).
 *
 * A field's value is a *template*: any JSON, in which every string that is
 * exactly "{% expr %}" (no space before "{%" or after "%}"), at any depth of
 * objects and arrays, is an expression; every other value is kept as it is.
 * Evaluating it gives the JSON with each expression replaced by its value.
 *
 * Errors are States.QueryEvaluationError with AWS's causes (the simulator
 * adds "An error occurred while executing the state ..." in front); the
 * field is named as AWS names it, with the path inside the template:
 * "Output/a/b[0]", "Choices[1]/Condition", "Catch[0]/Assign/x".
 *   - The JSONata expression 'E' specified for the field 'F' returned
 *     nothing (undefined).
 *   - ... returned an unsupported result type.            (a function)
 *   - ... returned an unexpected result type. Expected 'array', but was
 *     'string' for value: "text"                          (a typed field)
 *   - ... threw an error during evaluation. T0410: Argument 1 of function
 *     "range" does not match function signature           (the engine's)
 *
 * Ownership: a template owns its compiled expressions and copies of what it
 * needs; it borrows nothing from the document. Values returned through
 * `out` are new trees owned by the caller. An environment (stc_jenv) holds
 * the JSONata evaluator and is used by one thread at a time.
 */
#ifndef STC_JEXPR_H
#define STC_JEXPR_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "stepsim/intrinsic.h"
#include "stepsim/rterr.h"

typedef struct stc_jtmpl stc_jtmpl;
typedef struct stc_jenv stc_jenv;

/* Compile the value `v` of field `field` ("Output", "Choices[0]/Condition").
 * NULL `v` gives a NULL template (the field is absent). Returns 0, or -1
 * with *err (allocated) naming the field and the syntax error, as
 * "'Output/total': the JSONata expression '$sum(' does not parse: S0203 at
 * 5: Expected \")\" before end of expression". */
int stc_jtmpl_compile(const cJSON *v, const char *field, stc_jtmpl **out, char **err);
void stc_jtmpl_free(stc_jtmpl *t);

/* The field name given at compile time. */
const char *stc_jtmpl_field(const stc_jtmpl *t);
/* When the whole value is one expression: its text (without the
 * delimiters), else NULL. */
const char *stc_jtmpl_expr_text(const stc_jtmpl *t);
/* True when the template holds no expression at all (a literal). */
bool stc_jtmpl_is_literal(const stc_jtmpl *t);
/* The literal value of a template without expressions (borrowed), else NULL. */
const cJSON *stc_jtmpl_literal(const stc_jtmpl *t);

/* The first expression of `t` that reads `$states.<member>` (a template
 * node: stc_jtmpl_field and stc_jtmpl_expr_text name it), or NULL. The expressions' text is scanned outside string literals, so the
 * loader can refuse $states.result and $states.errorOutput where AWS does
 * not offer them (AWS refuses them when the machine is created). */
const stc_jtmpl *stc_jtmpl_reads_states(const stc_jtmpl *t, const char *member);

/* What the expressions of one state read. Every pointer is borrowed for the
 * evaluations that use the scope. */
typedef struct stc_jscope {
    const cJSON *input;        /* $states.input (the raw state input) */
    const cJSON *result;       /* $states.result, or NULL where there is none */
    const cJSON *error_output; /* $states.errorOutput (in a Catch), or NULL */
    /* $states.context: the context object, built on first use */
    const cJSON *(*context)(void *ud);
    /* a workflow variable by name (NULL: not set) */
    const cJSON *(*lookup_var)(void *ud, const char *name);
    void *ud;
    int64_t now_ms;  /* $now(), $millis(): the virtual clock */
    uint64_t seed;   /* $shuffle */
    stc_rng *rng;    /* $random() without a seed, $uuid(): the simulation's */
    cJSON *states;   /* built by the first read of $states (owned; see stc_jscope_done) */
} stc_jscope;

/* Set every field to its empty value. */
void stc_jscope_init(stc_jscope *sc);
/* Release what evaluations built (the $states object). */
void stc_jscope_done(stc_jscope *sc);

stc_jenv *stc_jenv_new(void);
void stc_jenv_free(stc_jenv *env);

/* Evaluate template `t` (not NULL). 0 with *out, or -1 with `err`. The
 * first read of $states builds sc->states. */
int stc_jtmpl_eval(stc_jenv *env, const stc_jtmpl *t, stc_jscope *sc, cJSON **out,
                   stc_rterr *err);

/* The generator of the evaluation in progress ($random(), $uuid()). */
stc_rng *stc_jenv_rng(stc_jenv *env);

/* The error for a value of the wrong type from template `t`: "... returned
 * an unexpected result type. Expected '<expected>', but was '<type>' for
 * value: <json>". Returns -1. */
int stc_jtmpl_type_error(const stc_jtmpl *t, const char *expected, const cJSON *v,
                         stc_rterr *err);

/* The JSON type name AWS prints: "null", "boolean", "number", "string",
 * "array", "object". */
const char *stc_jexpr_type_name(const cJSON *v);

/* What an expression gave. */
enum { STC_JEXPR_VALUE = 0, STC_JEXPR_UNDEFINED = 1, STC_JEXPR_FUNCTION = 2 };

/* Evaluate one expression typed by a user (the workbench's prompt): `text`
 * with or without the {% %} delimiters, against scope `sc`. Returns
 * STC_JEXPR_VALUE with *out, STC_JEXPR_UNDEFINED or STC_JEXPR_FUNCTION (*out
 * NULL), or -1 with *msg (allocated: the engine's code, position and
 * message, "S0202 at 5: Expected \"]\", got \",\""). */
int stc_jexpr_eval_text(stc_jenv *env, const char *text, stc_jscope *sc, cJSON **out,
                        char **msg);

#endif
