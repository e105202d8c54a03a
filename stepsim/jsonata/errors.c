/* errors.c - the reference's error codes and messages, and jn_throw: an error
 * leaves through the evaluator's catch records (context.h), which fill in its
 * position and token as the reference's catch blocks do, then its message is
 * written and the evaluation unwinds to the catching record. */
#include "stepsim/jsonata/errors.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "stepsim/jsonata/context.h"

typedef struct jn_code {
    const char *code;
    const char *template;
} jn_code;

/* jsonata-js 2.2.2, jsonata.js: errorCodes, in its order. */
static const jn_code codes[] = {
    {"S0101", "String literal must be terminated by a matching quote"},
    {"S0102", "Number out of range: {{token}}"},
    {"S0103", "Unsupported escape sequence: \\{{token}}"},
    {"S0104", "The escape sequence \\u must be followed by 4 hex digits"},
    {"S0105", "Quoted property name must be terminated with a backquote (`)"},
    {"S0106", "Comment has no closing tag"},
    {"S0201", "Syntax error: {{token}}"},
    {"S0202", "Expected {{value}}, got {{token}}"},
    {"S0203", "Expected {{value}} before end of expression"},
    {"S0204", "Unknown operator: {{token}}"},
    {"S0205", "Unexpected token: {{token}}"},
    {"S0206", "Unknown expression type: {{token}}"},
    {"S0207", "Unexpected end of expression"},
    {"S0208", "Parameter {{value}} of function definition must be a variable name (start with $)"},
    {"S0209", "A predicate cannot follow a grouping expression in a step"},
    {"S0210", "Each step can only have one grouping expression"},
    {"S0211", "The symbol {{token}} cannot be used as a unary operator"},
    {"S0212", "The left side of := must be a variable name (start with $)"},
    {"S0213", "The literal value {{value}} cannot be used as a step within a path expression"},
    {"S0214", "The right side of {{token}} must be a variable name (start with $)"},
    {"S0215", "A context variable binding must precede any predicates on a step"},
    {"S0216", "A context variable binding must precede the 'order-by' clause on a step"},
    {"S0217", "The object representing the 'parent' cannot be derived from this expression"},
    {"S0301", "Empty regular expressions are not allowed"},
    {"S0302", "No terminating / in regular expression"},
    {"S0402", "Choice groups containing parameterized types are not supported"},
    {"S0401", "Type parameters can only be applied to functions and arrays"},
    {"S0500", "Attempted to evaluate an expression containing syntax error(s)"},
    {"T0410", "Argument {{index}} of function {{token}} does not match function signature"},
    {"T0411", "Context value is not a compatible type with argument {{index}} of function {{token}}"},
    {"T0412", "Argument {{index}} of function {{token}} must be an array of {{type}}"},
    {"D1001", "Number out of range: {{value}}"},
    {"D1002", "Cannot negate a non-numeric value: {{value}}"},
    {"T1003", "Key in object structure must evaluate to a string; got: {{value}}"},
    {"D1004", "Regular expression matches zero length string"},
    {"T1005", "Attempted to invoke a non-function. Did you mean ${{{token}}}?"},
    {"T1006", "Attempted to invoke a non-function"},
    {"T1007", "Attempted to partially apply a non-function. Did you mean ${{{token}}}?"},
    {"T1008", "Attempted to partially apply a non-function"},
    {"D1009", "Multiple key definitions evaluate to same key: {{value}}"},
    {"T1010", "The matcher function argument passed to function {{token}} does not return the correct object structure"},
    {"D1011", "Stack overflow. Check for non-terminating recursive function.  Consider rewriting as tail-recursive"},
    {"D1012", "Evaluation timeout after {{value}} milliseconds. Check for infinite loop"},
    {"D1013", "Object property names starting with _jsonata_ are reserved for internal use: {{value}}"},
    {"T2001", "The left side of the {{token}} operator must evaluate to a number"},
    {"T2002", "The right side of the {{token}} operator must evaluate to a number"},
    {"T2003", "The left side of the range operator (..) must evaluate to an integer"},
    {"T2004", "The right side of the range operator (..) must evaluate to an integer"},
    {"D2005", "The left side of := must be a variable name (start with $)"},
    {"T2006", "The right side of the function application operator ~> must be a function"},
    {"T2007", "Type mismatch when comparing values {{value}} and {{value2}} in order-by clause"},
    {"T2008", "The expressions within an order-by clause must evaluate to numeric or string values"},
    {"T2009", "The values {{value}} and {{value2}} either side of operator {{token}} must be of the same data type"},
    {"T2010", "The expressions either side of operator {{token}} must evaluate to numeric or string values"},
    {"T2011", "The insert/update clause of the transform expression must evaluate to an object: {{value}}"},
    {"T2012", "The delete clause of the transform expression must evaluate to a string or array of strings: {{value}}"},
    {"T2013", "The transform expression clones the input object using the $clone() function.  This has been overridden in the current scope by a non-function."},
    {"D2014", "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {{value}}."},
    {"D2015", "The maximum sequence length of {{value}} was exceeded."},
    {"D3001", "Attempting to invoke string function on Infinity or NaN"},
    {"D3010", "Second argument of replace function cannot be an empty string"},
    {"D3011", "Fourth argument of replace function must evaluate to a positive number"},
    {"D3012", "Attempted to replace a matched string with a non-string value"},
    {"D3020", "Third argument of split function must evaluate to a positive number"},
    {"D3030", "Unable to cast value to a number: {{value}}"},
    {"D3040", "Third argument of match function must evaluate to a positive number"},
    {"D3050", "The second argument of reduce function must be a function with at least two arguments"},
    {"D3060", "The sqrt function cannot be applied to a negative number: {{value}}"},
    {"D3061", "The power function has resulted in a value that cannot be represented as a JSON number: base={{value}}, exponent={{exp}}"},
    {"D3070", "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function"},
    {"D3080", "The picture string must only contain a maximum of two sub-pictures"},
    {"D3081", "The sub-picture must not contain more than one instance of the 'decimal-separator' character"},
    {"D3082", "The sub-picture must not contain more than one instance of the 'percent' character"},
    {"D3083", "The sub-picture must not contain more than one instance of the 'per-mille' character"},
    {"D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' character"},
    {"D3085", "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'"},
    {"D3086", "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"},
    {"D3087", "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character"},
    {"D3088", "The sub-picture must not contain a 'grouping-separator' at the end of the integer part"},
    {"D3089", "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character"},
    {"D3090", "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'"},
    {"D3091", "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'"},
    {"D3092", "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"},
    {"D3093", "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'"},
    {"D3100", "The radix of the formatBase function must be between 2 and 36.  It was given {{value}}"},
    {"D3110", "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {{value}}"},
    {"D3120", "Syntax error in expression passed to function eval: {{value}}"},
    {"D3121", "Dynamic error evaluating the expression passed to function eval: {{value}}"},
    {"D3130", "Formatting or parsing an integer as a sequence starting with {{value}} is not supported by this implementation"},
    {"D3131", "In a decimal digit pattern, all digits must be from the same decimal group"},
    {"D3132", "Unknown component specifier {{value}} in date/time picture string"},
    {"D3133", "The 'name' modifier can only be applied to months and days in the date/time picture string, not {{value}}"},
    {"D3134", "The timezone integer format specifier cannot have more than four digits"},
    {"D3135", "No matching closing bracket ']' in date/time picture string"},
    {"D3136", "The date/time picture string is missing specifiers required to parse the timestamp"},
    {"D3137", "{{{message}}}"},
    {"D3138", "The $single() function expected exactly 1 matching result.  Instead it matched more."},
    {"D3139", "The $single() function expected exactly 1 matching result.  Instead it matched 0."},
    {"D3140", "Malformed URL passed to ${{{functionName}}}(): {{value}}"},
    {"D3141", "{{{message}}}"},
    /* The engine's own: where the reference has no code (a JavaScript
     * RangeError or SyntaxError escapes it), these name the error. */
    {"S0218", "The expression is nested too deeply (more than {{value}} levels)"},
    {"S0303", "{{{value}}}"},
    {"D2016", "The update clause of the transform expression would make the object contain itself"},
};

const char *jn_error_template(const char *code)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (!strcmp(codes[i].code, code))
            return codes[i].template;
    return NULL;
}

/* JSON.stringify of a value inside a message: functions write what
 * JSON.stringify makes of the reference's function objects (a built-in is
 * {"_jsonata_function":true,...}; a lambda object has no JSON form there, its
 * marker stands for it; a regex is a plain JavaScript function: undefined). */
static void write_json(stc_buf *b, const jn_val *v)
{
    if (!v) {
        stc_buf_puts(b, "undefined");
        return;
    }
    if (v->type == JN_FUNC) {
        switch (v->u.f->kind) {
        case JN_FN_NATIVE:
        case JN_FN_TRANSFORM:
            stc_buf_puts(b, "{\"_jsonata_function\":true}");
            return;
        case JN_FN_LAMBDA:
        case JN_FN_PARTIAL:
            stc_buf_puts(b, "{\"_jsonata_lambda\":true}");
            return;
        case JN_FN_REGEX:
            stc_buf_puts(b, "undefined");
            return;
        }
    }
    jn_json_write(b, v, 0, false);
}

static void write_json_str(stc_buf *b, const char *s)
{
    if (!s) {
        stc_buf_puts(b, "undefined");
        return;
    }
    jn_val tmp = {.type = JN_STR, .u.s = {s, strlen(s)}};
    jn_json_write(b, &tmp, 0, false);
}

static void write_json_int(stc_buf *b, int n) { stc_buf_printf(b, "%d", n); }

/* One field named by a placeholder; `json`: as JSON.stringify, else as text. */
typedef struct fields {
    const char *code;
    int position;
    const jn_errinfo *f;
    const char *token_json; /* {{token}} as this JSON text, or NULL */
} fields;

static void write_field(stc_buf *b, const char *name, size_t n, const fields *fl, bool json)
{
#define IS(lit) (n == sizeof lit - 1 && !memcmp(name, lit, n))
    const char *s = NULL, *code = fl->code;
    const jn_errinfo *f = fl->f;
    int position = fl->position;
    bool is_string = false;
    if (json && fl->token_json && IS("token")) {
        stc_buf_puts(b, fl->token_json);
        return;
    }
    if (IS("code")) {
        s = code, is_string = true;
    } else if (IS("token") || IS("functionName")) {
        s = f->token, is_string = true;
    } else if (IS("message")) {
        s = f->message, is_string = true;
    } else if (IS("type")) {
        s = f->type, is_string = true;
    } else if (IS("value") || IS("value2") || IS("exp")) {
        const jn_val *v = IS("value") ? f->value : f->value2;
        if (json) {
            write_json(b, v);
        } else if (!v) {
            stc_buf_puts(b, "undefined");
        } else if (v->type == JN_STR) {
            stc_buf_add(b, v->u.s.p, v->u.s.len);
        } else if (v->type == JN_NUM) {
            char num[32];
            stc_buf_add(b, num, jn_num_format(v->u.n, num));
        } else {
            write_json(b, v); /* String() of other values is not in any template */
        }
        return;
    } else if (IS("index") || IS("position")) {
        int k = IS("index") ? f->index : position;
        if ((IS("index") && k <= 0) || (IS("position") && k < 0))
            stc_buf_puts(b, "undefined");
        else
            write_json_int(b, k);
        return;
    }
#undef IS
    if (!is_string || !s)
        stc_buf_puts(b, "undefined");
    else if (json)
        write_json_str(b, s);
    else
        stc_buf_puts(b, s);
}

/* Replace {{{name}}} (triple) or {{name}} (double) placeholders of `in`, as
 * populateMessage's two regular expressions do: /\{\{\{([^}]+)}}}/g, then
 * /\{\{([^}]+)}}/g. */
static void substitute(stc_buf *out, const char *in, bool triple, const fields *fl)
{
    size_t open = triple ? 3 : 2;
    const char *p = in;
    while (*p) {
        if (!strncmp(p, triple ? "{{{" : "{{", open)) {
            const char *name = p + open, *q = name;
            while (*q && *q != '}')
                q++;
            if (q > name && !strncmp(q, triple ? "}}}" : "}}", open)) {
                write_field(out, name, (size_t)(q - name), fl, !triple);
                p = q + open;
                continue;
            }
        }
        stc_buf_putc(out, *p++);
    }
}

void jn_error_format_token(stc_buf *b, const char *code, int position, const jn_errinfo *info,
                           const char *token_json)
{
    static const jn_errinfo none = {.position = -1};
    fields fl = {code, position, info ? info : &none, token_json};
    const char *t = jn_error_template(code);
    if (!t) {
        if (fl.f->message)
            stc_buf_puts(b, fl.f->message);
        return;
    }
    stc_buf first = {0};
    substitute(&first, t, true, &fl);
    substitute(b, stc_buf_cstr(&first), false, &fl);
    stc_buf_free(&first);
}

void jn_error_format(stc_buf *b, const char *code, int position, const jn_errinfo *info)
{
    jn_error_format_token(b, code, position, info, NULL);
}

_Noreturn void jn_throw_x(jn_ctx *cx, const char *code, const jn_errinfo *info)
{
    jn_errinfo f = info ? *info : (jn_errinfo){.position = -1};
    int pos = f.position;
    const char *tok = f.token;
    /* The reference's catch blocks, innermost first. Positions count from 1
     * in its rewrites' truthiness tests (`!err.position`, `proc.position ||`). */
    jn_catch *c = cx->catches;
    for (; c && c->kind != JN_CATCH_JUMP; c = c->up) {
        switch (c->kind) {
        case JN_CATCH_SET:
            pos = c->position;
            tok = c->token;
            break;
        case JN_CATCH_CALL:
            if (pos <= 0)
                pos = c->position;
            if (!tok || !*tok)
                tok = c->token;
            break;
        case JN_CATCH_APPLY:
            if (!tok && c->ptok && *c->ptok)
                tok = *c->ptok;
            if (c->ppos && *c->ppos > 0)
                pos = *c->ppos;
            break;
        case JN_CATCH_JUMP:
            break;
        }
    }
    if (pos < 0)
        pos = cx->cur_position;
    if (!tok)
        tok = cx->cur_token;
    f.position = pos;
    f.token = tok;

    size_t n = strlen(code);
    if (n >= sizeof cx->err_code)
        n = sizeof cx->err_code - 1;
    memcpy(cx->err_code, code, n);
    cx->err_code[n] = '\0';
    cx->err_position = pos;
    cx->err_token = tok ? jn_strndup(cx, tok, strlen(tok)) : NULL;
    cx->err_value = f.value;
    stc_buf msg = {0};
    jn_error_format(&msg, code, pos, &f);
    cx->err_message = jn_strndup(cx, stc_buf_cstr(&msg), msg.len);
    stc_buf_free(&msg);

    if (c) {
        cx->catches = c->up;
        longjmp(*c->jmp, 1);
    }
    cx->catches = NULL;
    if (!cx->have_jmp)
        abort(); /* a throw outside any evaluation: a bug of the caller */
    longjmp(cx->jmp, 1);
}

_Noreturn void jn_throw(jn_ctx *cx, const char *code, jn_val *value)
{
    jn_errinfo f = {.position = -1, .value = value};
    jn_throw_x(cx, code, &f);
}

_Noreturn void jn_throw_stack(jn_ctx *cx)
{
    jn_errinfo f = {.position = -1, .message = JN_MSG_STACK};
    jn_throw_x(cx, "U1001", &f);
}
