/* value.h - JSONata values, the evaluation arena, and the internal API the
 * evaluator and the built-in function library are written against.
 *
 * This header is internal to stepsim/jsonata/ (prefix jn_); the rest of the
 * project uses stepsim/jsonata/jsonata.h only.
 *
 * Values follow the reference implementation (jsonata-js 2.x) exactly:
 * - undefined is the NULL pointer (jn_val *v = NULL): "no value at all";
 * - null, booleans, numbers (IEEE doubles), strings, arrays, objects, functions;
 * - an array may carry the reference's hidden flags (JN_SEQ for a sequence,
 *   JN_KEEP_SINGLETON, JN_CONS for an array constructor's result,
 *   JN_OUTER_WRAPPER, JN_TUPLE_STREAM), which change how results flatten.
 *
 * Strings are UTF-8, always NUL-terminated, with their byte length. Where the
 * reference counts characters (length, substring, pad) it counts code points
 * (its stringToArray iterates with for...of): use jn_str_cplen and friends.
 *
 * Objects keep JavaScript's key order: keys that are array indices (canonical
 * decimal integers below 2^32 - 1) first, ascending, then the others in
 * insertion order. Setting an existing key replaces the value in place.
 *
 * Ownership: every jn_val, every string and every array or object store is
 * allocated in the arena of the evaluation context (jn_ctx) and lives until
 * the context is reset or freed; nothing is freed one by one. Values are
 * immutable once handed on, except by the code that just built them (the
 * transform operator works on a clone). The constants jn_null(), jn_true()
 * and jn_false() are static: never modify them.
 *
 * Errors: jn_throw* never return; they unwind (longjmp) to the evaluation's
 * entry point, which reports the error with its code, position and message.
 * Because everything is in the arena, unwinding leaks nothing; resources
 * outside the arena (PCRE2 match data...) are registered with jn_defer.
 */
#ifndef STC_JSONATA_VALUE_H
#define STC_JSONATA_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/util.h"

typedef struct jn_val jn_val;
typedef struct jn_ctx jn_ctx;
typedef struct jn_func jn_func;
typedef struct jn_sig jn_sig; /* a parsed function signature (signature.c) */

typedef enum jn_type {
    JN_NULL = 1,
    JN_BOOL,
    JN_NUM,
    JN_STR,
    JN_ARR,
    JN_OBJ,
    JN_FUNC,
} jn_type;

/* Hidden array flags of the reference (jsonata-js sets them as properties). */
enum {
    JN_SEQ = 1u << 0,             /* a sequence (createSequence / isSequence) */
    JN_KEEP_SINGLETON = 1u << 1,  /* keepSingleton: `[]` after a path step */
    JN_CONS = 1u << 2,            /* an array constructor's result: not flattened */
    JN_OUTER_WRAPPER = 1u << 3,   /* outerWrapper: the input array wrapped */
    JN_TUPLE_STREAM = 1u << 4,    /* tupleStream: items are tuples (objects) */
    JN_FROZEN = 1u << 5,          /* the host's (stc_jsonata_value): never changed */
    JN_RANGE = 1u << 6,           /* a range not yet materialized (eval.c): len numbers
                                     from items[0], the only item there is; only the
                                     evaluator sees one, everything else gets its items */
};

typedef struct jn_objent {
    const char *key; /* NUL-terminated, in the arena (or borrowed, see jn_obj_set) */
    uint32_t klen;
    uint32_t hash;
    jn_val *val;
} jn_objent;

struct jn_val {
    uint8_t type;  /* jn_type */
    uint8_t flags; /* JN_SEQ... (arrays only) */
    union {
        bool b;
        double n;
        struct {
            const char *p; /* NUL-terminated UTF-8 */
            size_t len;    /* bytes */
        } s;
        struct {
            jn_val **items; /* items may not be NULL (undefined never sits in an array) */
            size_t len, cap;
        } a;
        struct {
            jn_objent *ents; /* in JavaScript key order */
            size_t len, cap;
            uint32_t *index; /* open-addressing index of ents+1 (0: empty), NULL while small */
            size_t icap;
        } o;
        jn_func *f;
    } u;
};

/* ---- functions ----
 * A native (built-in or host) function receives its arguments after the
 * signature has been checked and the context argument inserted (signature
 * '-'), exactly as the reference's defineFunction wrappers do. argv[i] may be
 * NULL (undefined) for optional or undefined arguments; argc is the number of
 * arguments actually passed. The focus (the reference's this.input) is
 * jn_ctx_focus(cx). */
typedef jn_val *(*jn_native_fn)(jn_ctx *cx, jn_val **argv, int argc);

typedef enum jn_func_kind {
    JN_FN_NATIVE,    /* C function */
    JN_FN_LAMBDA,    /* function($x){...}: impl is the evaluator's closure */
    JN_FN_PARTIAL,   /* partial application: impl is the evaluator's */
    JN_FN_REGEX,     /* a regex literal /.../flags or a match's next: impl is a jn_regex */
    JN_FN_TRANSFORM, /* | ... | ... |: impl is the evaluator's */
} jn_func_kind;

struct jn_func {
    jn_func_kind kind;
    const char *name;   /* built-ins: "sum" (no '$'); else NULL */
    jn_native_fn native;
    const jn_sig *sig;  /* NULL: no signature */
    int arity;          /* the reference's getFunctionArity */
    void *impl;
};

/* A table entry of built-in functions: each function file ends with a table
 * terminated by {NULL, NULL, NULL}. The signature is the reference's string
 * ("<a<n>:n>"). */
typedef struct jn_builtin {
    const char *name;
    jn_native_fn fn;
    const char *signature;
} jn_builtin;

/* The tables, one per function file; eval.c binds them all in the static
 * frame, in this order. */
extern const jn_builtin jn_builtins_funcs[];    /* funcs.c: sum count max min average number
                                                   floor ceil round abs sqrt power random boolean
                                                   not map zip filter single reduce sift keys
                                                   lookup append exists spread merge reverse each
                                                   error assert type sort shuffle distinct
                                                   base64encode base64decode encodeUrlComponent
                                                   encodeUrl decodeUrlComponent decodeUrl */
extern const jn_builtin jn_builtins_string[];   /* funcs_string.c: string substring
                                                   substringBefore substringAfter lowercase
                                                   uppercase length trim pad match contains
                                                   replace split join */
extern const jn_builtin jn_builtins_numfmt[];   /* numfmt.c: formatNumber formatBase */
extern const jn_builtin jn_builtins_datetime[]; /* datetime.c: formatInteger parseInteger
                                                   toMillis fromMillis */
extern const jn_builtin jn_builtins_eval[];     /* eval.c: eval clone now millis */
/* Whether a native reads no item of an array argument ($count reads its
 * length only): the evaluator may hand it a range it has not materialized
 * (JN_RANGE). */
bool jn_native_reads_no_item(jn_native_fn fn);

/* ---- context ---- */

/* Allocation in the arena: 16-byte aligned, zero-filled. Never NULL. */
void *jn_alloc(jn_ctx *cx, size_t n);
char *jn_strndup(jn_ctx *cx, const char *s, size_t n);
/* Run fn(p) when the arena is reset or freed (for memory outside the arena). */
void jn_defer(jn_ctx *cx, void (*fn)(void *), void *p);

/* The focus of the current native call (the reference's this.input). */
jn_val *jn_ctx_focus(jn_ctx *cx);
/* The evaluation's timestamp in ms since the epoch ($now, $millis: one value
 * for a whole evaluation). */
int64_t jn_ctx_now_ms(jn_ctx *cx);
/* A random double in [0, 1) from the context's generator ($random, $shuffle). */
double jn_ctx_random(jn_ctx *cx);
/* The `data` of the host function being called (stc_jsonata_function.data). */
void *jn_ctx_host_data(jn_ctx *cx);

/* ---- errors (never return) ----
 * The message comes from the reference's table of codes (errors.c), with
 * {{token}}, {{value}}, {{value2}}, {{index}}, {{type}} written as
 * JSON.stringify writes them (an undefined one as `undefined`) and
 * {{{message}}} as it is; D3061's {{exp}} is value2 and D3140's
 * {{{functionName}}} is the token. The position is the current call's (or
 * node's) unless info->position >= 0; the message is formatted once the
 * evaluator has filled in the position and token, as the reference does. */
typedef struct jn_errinfo {
    int position;       /* -1: the current node's */
    const char *token;  /* NULL: the current call's token */
    jn_val *value;      /* NULL: none */
    jn_val *value2;
    int index;          /* argument index (1-based) for T0410..., 0: none */
    const char *message; /* overrides the table (D3137 $error, D3141 $assert) */
    const char *type;   /* T0412: "numbers", "strings", ... (NULL: none) */
} jn_errinfo;

_Noreturn void jn_throw_x(jn_ctx *cx, const char *code, const jn_errinfo *info);
/* Shorthand: code with an optional value. */
_Noreturn void jn_throw(jn_ctx *cx, const char *code, jn_val *value);
/* U1001 with the message of a runaway recursion (the C stack at its floor). */
_Noreturn void jn_throw_stack(jn_ctx *cx);

/* ---- construction ----
 * A number is allocated with its type and its double only (JN_NUM_SIZE
 * bytes, not sizeof(jn_val)), a string, an array or a function with its
 * own part of the union only: read their fields, never copy a jn_val by
 * value. */
#define JN_NUM_SIZE (offsetof(jn_val, u) + sizeof(double))
jn_val *jn_null(void);
/* The undefined that sits in a sequence in the few corners where the
 * reference's arrays hold one (a filter selecting the undefined of
 * createSequence(undefined)): an item of type JN_NULL that prints as null,
 * is undefined again when the evaluator reads an item or passes it as an
 * argument (jn_apply), and matches no type in a signature. Never modify it. */
jn_val *jn_undef_item(void);
jn_val *jn_true(void);
jn_val *jn_false(void);
jn_val *jn_bool(bool b);
jn_val *jn_num(jn_ctx *cx, double n);
jn_val *jn_str(jn_ctx *cx, const char *s, size_t len);        /* copies s */
jn_val *jn_str_cstr(jn_ctx *cx, const char *s);               /* copies s */
jn_val *jn_str_borrow(jn_ctx *cx, const char *s, size_t len); /* s NUL-terminated at len,
                                                                  outliving the evaluation */
jn_val *jn_str_take_buf(jn_ctx *cx, stc_buf *b);              /* copies b's text, clears b */
jn_val *jn_arr(jn_ctx *cx, size_t cap);                       /* plain array */
jn_val *jn_seq(jn_ctx *cx, size_t cap);                       /* array flagged JN_SEQ */
void jn_arr_push(jn_ctx *cx, jn_val *a, jn_val *v);           /* v must not be NULL */
jn_val *jn_obj(jn_ctx *cx, size_t cap);
/* Set key (copied into the arena) to v (not NULL), keeping JavaScript order. */
void jn_obj_set(jn_ctx *cx, jn_val *o, const char *key, size_t klen, jn_val *v);
/* Same, with a key that outlives the evaluation (no copy). */
void jn_obj_set_borrow(jn_ctx *cx, jn_val *o, const char *key, size_t klen, jn_val *v);
/* Remove key; returns whether it was there. */
bool jn_obj_del(jn_ctx *cx, jn_val *o, const char *key, size_t klen);
jn_val *jn_func_new(jn_ctx *cx, jn_func_kind kind, void *impl);

/* ---- access ---- */
static inline bool jn_is_undef(const jn_val *v) { return v == NULL; }
static inline bool jn_is(const jn_val *v, jn_type t) { return v && v->type == t; }
static inline bool jn_is_arr(const jn_val *v) { return v && v->type == JN_ARR; }
static inline bool jn_is_obj(const jn_val *v) { return v && v->type == JN_OBJ; }
static inline bool jn_is_str(const jn_val *v) { return v && v->type == JN_STR; }
static inline bool jn_is_num(const jn_val *v) { return v && v->type == JN_NUM; }
static inline bool jn_is_func(const jn_val *v) { return v && v->type == JN_FUNC; }
static inline bool jn_is_seq(const jn_val *v) { return v && v->type == JN_ARR && (v->flags & JN_SEQ); }
jn_val *jn_obj_get(const jn_val *o, const char *key, size_t klen); /* NULL: absent */
/* The reference's isNumeric: a number that is not NaN or infinite. */
bool jn_is_numeric(const jn_val *v);
bool jn_is_array_of_strings(const jn_val *v);
bool jn_is_array_of_numbers(const jn_val *v);

/* ---- strings ---- */
size_t jn_str_cplen(const char *s, size_t len);                    /* code points */
/* Byte offset of code point index i (clamped to len). */
size_t jn_str_cpoffset(const char *s, size_t len, size_t i);

/* ---- JSON ---- */
/* Deep conversion of a cJSON tree (borrowed) into the arena. Objects with
 * duplicate keys keep the last value, as JSON.parse does. */
jn_val *jn_from_cjson(jn_ctx *cx, const cJSON *j);
/* Parse JSON text into the arena (JSON.parse); NULL on invalid text. */
jn_val *jn_parse_json(jn_ctx *cx, const char *text, size_t len);
/* A heap cJSON tree of v (the caller owns it), as JSON.stringify would write
 * it: undefined and functions inside objects are left out, inside arrays they
 * become null; NaN and infinities become null. NULL for undefined or a function
 * at the top. */
cJSON *jn_to_cjson(const jn_val *v);
/* JSON.stringify(v, null, indent) into b (indent 0: compact). With
 * `precision15`, the reference's $string replacer applies: non-integer
 * numbers are first rounded to 15 significant digits and functions inside
 * arrays and objects print as "" (without it they print as JSON.stringify
 * leaves them: null in arrays, left out of objects). A function at the top
 * prints as $string prints it (""); undefined prints nothing. */
void jn_json_write(stc_buf *b, const jn_val *v, int indent, bool precision15);
/* A number as JavaScript's Number.prototype.toString prints it (the shortest
 * text that reads back as the same double; exponent form at e+21 and e-7);
 * returns the length. NaN, Infinity, -Infinity as JavaScript writes them. */
size_t jn_num_format(double d, char out[32]);
/* Number(d.toPrecision(15)): d rounded to 15 significant digits, an exact
 * tie away from zero as JavaScript rounds it ($string, $clone). */
double jn_num_round15(double d);

/* The reference's isDeepEqual. */
bool jn_deep_equal(const jn_val *a, const jn_val *b);

/* ---- values nested deeper than the C stack allows a recursion over them ----
 * A tail-recursive lambda can wrap an object in another a million times. Every
 * recursion over values stops where the thread's stack reaches its floor
 * (jn_stack_low; jn_stack_floor in context.h), where JavaScript's own recursion
 * fails with a RangeError: the *_checked forms report it and the evaluator turns
 * it into U1001 (jn_throw_stack); jn_clone throws U1001 itself. The unchecked
 * forms stop there too: jn_json_write leaves the text unfinished, jn_deep_equal
 * answers false, jn_to_cjson NULL. */
bool jn_stack_low(void);
/* Writing JSON (and the host's cJSON tree) also stops past this many levels
 * of arrays and objects, before writing anything: V8's JSON.stringify gives
 * up between 3,000 and 5,000, and an indented text grows with the square of
 * the depth (10,000 levels indented by 2: 100 MB). */
#define JN_JSON_MAX_NESTING 10000
/* false when v nests too deeply (b then holds an unfinished text). */
bool jn_json_write_checked(stc_buf *b, const jn_val *v, int indent, bool precision15);
/* 1 equal, 0 not, -1 nested too deeply to tell. */
int jn_deep_equal_checked(const jn_val *a, const jn_val *b);
/* *too_deep set (and NULL returned) when v nests too deeply. */
cJSON *jn_to_cjson_checked(const jn_val *v, bool *too_deep);
/* A deep copy as JSON.parse(JSON.stringify(v)) makes it (the reference's
 * $clone, which the transform operator uses): functions and undefined are
 * dropped from objects and become null in arrays, NaN and infinities become
 * null, array flags are dropped. NULL for undefined or a function. */
jn_val *jn_clone(jn_ctx *cx, const jn_val *v);

/* ---- calling functions (eval.c) ---- */
/* Apply a function value to arguments, as the reference's apply() does
 * (signature checks, lambdas, partials, natives, tail calls resolved). */
jn_val *jn_apply(jn_ctx *cx, jn_val *fn, jn_val **argv, int argc);
/* The number of parameters the function declares (getFunctionArity). */
int jn_func_arity(const jn_val *fn);
/* The reference's boolean() ($boolean, conditions, predicates): D1001 for an
 * infinite number anywhere in an array. */
bool jn_boolean(jn_ctx *cx, const jn_val *v);

/* ---- regular expressions (regex.c, PCRE2 with JavaScript's meaning) ----
 * A regex literal compiles once with its expression; matching allocates its
 * match data per call (and frees it before returning). Offsets are in bytes. */
typedef struct jn_regex jn_regex;
typedef struct jn_match {
    size_t start, end;    /* bytes */
    size_t ngroups;       /* capture groups, not counting the whole match */
    size_t *gstart, *gend; /* arena arrays of ngroups; (size_t)-1 for an unset group */
} jn_match;
/* Compile a JavaScript-syntax pattern with flags ("i", "m", both, or "");
 * NULL with *err (heap, the caller frees) when it does not compile: V8's
 * message, "Invalid regular expression: /a{2,1}/g: numbers out of order in {}
 * quantifier" (the reference lets that SyntaxError through without a code). The result is
 * owned by the caller (jn_regex_free). */
jn_regex *jn_regex_compile(const char *pattern, size_t len, const char *flags, char **err);
void jn_regex_free(jn_regex *re);
/* JavaScript's RegExp#source of the pattern (`/` escaped), the value of D1004. */
const char *jn_regex_source(const jn_regex *re);
/* Find the first match at or after byte offset `from`; false when none. The
 * subject's UTF-8 is checked when from is 0 (text that is not UTF-8 never
 * matches); a search from a later offset continues one begun at 0 and must
 * start on a character boundary. A runaway backtracking search throws U1001. */
bool jn_regex_exec(jn_ctx *cx, const jn_regex *re, const char *s, size_t len, size_t from,
                   jn_match *m);
/* The function value of a regex literal (kind JN_FN_REGEX, arity 2, borrowing
 * re): the reference's closure(str, fromIndex). */
jn_val *jn_regex_value(jn_ctx *cx, const jn_regex *re);
/* The regex of a regex literal's function value; NULL for anything else
 * (including the `next` of a match object). */
const jn_regex *jn_regex_of(const jn_val *fn);
/* Call a JN_FN_REGEX function value as the reference calls its closure
 * (jn_apply does this for the evaluator): a regex literal's gives the match
 * object {match, start, end, groups, next} of the first match at or after
 * UTF-16 index argv[1] (0 when absent) in String(argv[0]), or undefined;
 * `next` (also JN_FN_REGEX, arity 0) gives the following match, undefined at
 * the end, and throws D1004 when that match is empty (it would never
 * progress). start/end count UTF-16 units, as JavaScript's indices do; a
 * group that took no part is null in `groups`. */
jn_val *jn_regex_apply(jn_ctx *cx, jn_val *fn, jn_val **argv, int argc);
/* JavaScript's String(v): "undefined" for undefined, numbers as
 * Number#toString, arrays joined with ",", "[object Object]" for objects (the
 * reference's string coercions of a pattern or replacement; regex.c). */
jn_val *jn_js_string(jn_ctx *cx, const jn_val *v);
/* UTF-16 units in s[0..len): the reference's string lengths and indices. */
size_t jn_str_u16len(const char *s, size_t len);
/* Byte offset of UTF-16 index i (clamped to len; inside a surrogate pair,
 * the end of that character). */
size_t jn_str_u16offset(const char *s, size_t len, double i);

#endif
