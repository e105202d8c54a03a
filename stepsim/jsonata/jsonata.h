/* jsonata.h - the JSONata engine's public API: compile an expression once,
 * evaluate it many times against JSON input and variable bindings.
 *
 * The language is that of the reference implementation, jsonata-js 2.x
 * (https://docs.jsonata.org): paths, predicates, operators, lambdas,
 * closures, partial application, regular expressions (PCRE2 with
 * JavaScript's meaning), transforms, and every built-in function. Errors
 * carry the reference's codes (T2001, D3030, ...), character positions and
 * messages.
 *
 * Ownership: stc_jsonata_compile returns an expression the caller frees with
 * stc_jsonata_free; it does not borrow the text. An evaluator
 * (stc_jsonata_evaluator) holds the memory evaluations reuse: keep one per
 * thread and pass it to every evaluation; results handed out as cJSON belong
 * to the caller. Errors fill a stc_jsonata_error whose strings the caller
 * releases with stc_jsonata_error_clear. Compiled expressions are read-only
 * during evaluation: one expression may be evaluated by several threads at
 * once, each with its own evaluator.
 */
#ifndef STC_JSONATA_H
#define STC_JSONATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/util.h"

typedef struct stc_jsonata stc_jsonata;
typedef struct stc_jsonata_evaluator stc_jsonata_evaluator;

typedef struct stc_jsonata_error {
    char code[8];  /* "T2001", "S0202", "D3030", "U1001", ... */
    int position;  /* character position as the reference counts it, -1 unknown */
    char *token;   /* the token the reference names, or NULL (heap) */
    char *message; /* the reference's message with its values filled in (heap) */
} stc_jsonata_error;

void stc_jsonata_error_clear(stc_jsonata_error *e);

/* Parse `text` (len bytes, UTF-8). NULL with *err set on a syntax error. */
stc_jsonata *stc_jsonata_compile(const char *text, size_t len, stc_jsonata_error *err);
void stc_jsonata_free(stc_jsonata *e);
/* The text it was compiled from. */
const char *stc_jsonata_text(const stc_jsonata *e);

stc_jsonata_evaluator *stc_jsonata_evaluator_new(void);
void stc_jsonata_evaluator_free(stc_jsonata_evaluator *ev);

/* A host function, written against the engine's internal value API
 * (stepsim/jsonata/value.h): the simulator adds AWS's $partition, $range,
 * $hash, $random, $uuid, $parse this way. */
struct jn_val;
struct jn_ctx;
typedef struct stc_jsonata_function {
    const char *name;      /* without '$' */
    struct jn_val *(*fn)(struct jn_ctx *cx, struct jn_val **argv, int argc);
    const char *signature; /* the reference's signature syntax, "<n-n?:a<n>>" */
    void *data;            /* for the function: jn_ctx_host_data() */
} stc_jsonata_function;

/* Variables the host resolves lazily, by name (without '$'): called only for
 * names the expression reads that no binding, block, lambda or host function
 * defines, at most once per name and evaluation (the answer is kept); a name
 * it does not define falls to the built-ins. Return a borrowed tree (valid
 * during the evaluation) or NULL when the name is not defined. */
typedef const cJSON *(*stc_jsonata_lookup_fn)(void *ud, const char *name, size_t len);

/* A JSON value converted once for many evaluations: a variable the host
 * keeps from one evaluation to the next is read from it without being
 * converted or copied again. Evaluations never change it, so one value may
 * serve several threads at once. The caller owns it (stc_jsonata_value_free,
 * after the last evaluation that reads it). */
typedef struct stc_jsonata_value stc_jsonata_value;
stc_jsonata_value *stc_jsonata_value_new(const cJSON *json);
void stc_jsonata_value_free(stc_jsonata_value *v);

/* The same lazy lookup with converted values (borrowed; NULL: not defined). */
typedef const stc_jsonata_value *(*stc_jsonata_lookup_value_fn)(void *ud, const char *name, size_t len);

typedef struct stc_jsonata_options {
    const cJSON *bindings;          /* object: name -> value, or NULL */
    stc_jsonata_lookup_fn lookup;   /* after `bindings`, or NULL */
    void *lookup_ud;                /* for `lookup` and `lookup_value` */
    const stc_jsonata_function *functions; /* host functions, bound after the built-ins */
    size_t nfunctions;
    const char *const *hidden;      /* built-in names made undefined (NULL-terminated list) */
    int64_t now_ms;                 /* $now()/$millis(); < 0: the real clock at the start */
    uint64_t seed;                  /* $random, $shuffle (0: from the clock) */
    long timelimit_ms;              /* > 0: stop with U1001 "Expression evaluation timeout" */
    int depth;                      /* > 0: stop with U1001 "Stack overflow error" past this
                                       depth of nested evaluation; 0: the engine's default,
                                       which keeps the C stack safe */
    stc_jsonata_lookup_value_fn lookup_value; /* tried before `lookup`, or NULL */
} stc_jsonata_options;

void stc_jsonata_options_init(stc_jsonata_options *o);

/* Evaluate `e` with `input` (borrowed; NULL: undefined input). Returns 0 and
 * sets *out to the result (heap, the caller owns it; NULL when the result is
 * undefined), or -1 with *err set. */
int stc_jsonata_eval(stc_jsonata_evaluator *ev, const stc_jsonata *e, const cJSON *input,
                     const stc_jsonata_options *o, cJSON **out, stc_jsonata_error *err);

/* What an evaluation produced. */
typedef enum stc_jsonata_kind {
    STC_JSONATA_UNDEFINED, /* no value at all: *out is NULL */
    STC_JSONATA_JSON,      /* a value JSON can hold, in *out */
    STC_JSONATA_FUNCTION,  /* a function (lambda, built-in, partial, regex): *out is NULL */
} stc_jsonata_kind;

/* stc_jsonata_eval, also telling an undefined result from a function (both
 * leave *out NULL): the simulator reports them differently, as AWS does
 * ("returned nothing (undefined)" / "returned an unsupported result type").
 * *kind is set when 0 is returned. */
int stc_jsonata_eval_kind(stc_jsonata_evaluator *ev, const stc_jsonata *e, const cJSON *input,
                          const stc_jsonata_options *o, cJSON **out, stc_jsonata_kind *kind,
                          stc_jsonata_error *err);

/* Same, writing the result as JSON text into `out` exactly as the reference's
 * JSON.stringify would (numbers as JavaScript prints them; indent 0: compact).
 * *undefined is set when the result is undefined (nothing is written). */
int stc_jsonata_eval_text(stc_jsonata_evaluator *ev, const stc_jsonata *e, const cJSON *input,
                          const stc_jsonata_options *o, int indent, stc_buf *out,
                          bool *undefined, stc_jsonata_error *err);

#endif
