/* choice.c - Choice rule evaluation (see choice.h). */
#include "stepsim/choice.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"

typedef enum val_type { T_STRING, T_NUMERIC, T_BOOLEAN, T_TIMESTAMP } val_type;
typedef enum cmp_kind { C_EQ, C_LT, C_GT, C_LE, C_GE, C_MATCHES } cmp_kind;

typedef struct op_info {
    const char *name;
    val_type type;
    cmp_kind cmp;
} op_info;

static const op_info OPS[] = {
    {"StringEquals", T_STRING, C_EQ},
    {"StringLessThan", T_STRING, C_LT},
    {"StringGreaterThan", T_STRING, C_GT},
    {"StringLessThanEquals", T_STRING, C_LE},
    {"StringGreaterThanEquals", T_STRING, C_GE},
    {"StringMatches", T_STRING, C_MATCHES},
    {"NumericEquals", T_NUMERIC, C_EQ},
    {"NumericLessThan", T_NUMERIC, C_LT},
    {"NumericGreaterThan", T_NUMERIC, C_GT},
    {"NumericLessThanEquals", T_NUMERIC, C_LE},
    {"NumericGreaterThanEquals", T_NUMERIC, C_GE},
    {"BooleanEquals", T_BOOLEAN, C_EQ},
    {"TimestampEquals", T_TIMESTAMP, C_EQ},
    {"TimestampLessThan", T_TIMESTAMP, C_LT},
    {"TimestampGreaterThan", T_TIMESTAMP, C_GT},
    {"TimestampLessThanEquals", T_TIMESTAMP, C_LE},
    {"TimestampGreaterThanEquals", T_TIMESTAMP, C_GE},
};

static const char *const TESTS[] = {"IsNull", "IsPresent", "IsNumeric",
                                    "IsString", "IsBoolean", "IsTimestamp"};

static bool is_rule_meta(const char *k)
{
    return !strcmp(k, "Variable") || !strcmp(k, "Next") || !strcmp(k, "Comment") ||
           !strcmp(k, "Assign") || !strcmp(k, "Output");
}

/* ---- timestamps ---- */

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool stc_timestamp_parse(const char *s, int64_t *sec, long *nsec)
{
    if (strlen(s) < 20)
        return false;
    int Y = digits(s, 4), M = digits(s + 5, 2), D = digits(s + 8, 2);
    int h = digits(s + 11, 2), m = digits(s + 14, 2), sc = digits(s + 17, 2);
    if (Y < 0 || M < 1 || M > 12 || D < 1 || D > 31 || h < 0 || h > 23 || m < 0 || m > 59 ||
        sc < 0 || sc > 60 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return false;
    const char *p = s + 19;
    long ns = 0;
    if (*p == '.') {
        p++;
        int nd = 0;
        while (isdigit((unsigned char)*p)) {
            if (nd < 9) {
                ns = ns * 10 + (*p - '0');
                nd++;
            }
            p++;
        }
        if (nd == 0)
            return false;
        while (nd++ < 9)
            ns *= 10;
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);
        if (oh < 0 || om < 0 || p[3] != ':')
            return false;
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
    if (D > mdays[M - 1] + (M == 2 && leap))
        return false;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sc;
    *sec = (int64_t)timegm(&tm) - off;
    *nsec = ns;
    return true;
}

void stc_timestamp_format(int64_t ms, char *buf, size_t size)
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    long frac = (long)(ms - (int64_t)t * 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

bool stc_string_matches(const char *s, const char *p)
{
    while (*p) {
        if (*p == '*') {
            while (*p == '*')
                p++;
            if (!*p)
                return true;
            for (const char *t = s; *t; t++)
                if (stc_string_matches(t, p))
                    return true;
            return stc_string_matches("", p) && !*s;
        }
        char c = *p;
        if (c == '\\' && p[1]) {
            p++;
            c = *p;
        }
        if (*s != c)
            return false;
        s++;
        p++;
    }
    return *s == '\0';
}

/* ---- evaluation ---- */

static int ts_cmp(int64_t a, long an, int64_t b, long bn)
{
    if (a != b)
        return a < b ? -1 : 1;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

static bool compare(const op_info *op, const cJSON *v, const cJSON *rhs)
{
    int c;
    switch (op->type) {
    case T_STRING:
        if (!cJSON_IsString(v) || !cJSON_IsString(rhs))
            return false;
        if (op->cmp == C_MATCHES)
            return stc_string_matches(v->valuestring, rhs->valuestring);
        c = strcmp(v->valuestring, rhs->valuestring);
        break;
    case T_NUMERIC:
        if (!cJSON_IsNumber(v) || !cJSON_IsNumber(rhs))
            return false;
        c = v->valuedouble < rhs->valuedouble ? -1 : v->valuedouble > rhs->valuedouble ? 1 : 0;
        break;
    case T_BOOLEAN:
        if (!cJSON_IsBool(v) || !cJSON_IsBool(rhs))
            return false;
        return op->cmp == C_EQ && cJSON_IsTrue(v) == cJSON_IsTrue(rhs);
    case T_TIMESTAMP: {
        int64_t a, b;
        long an, bn;
        if (!cJSON_IsString(v) || !cJSON_IsString(rhs) ||
            !stc_timestamp_parse(v->valuestring, &a, &an) ||
            !stc_timestamp_parse(rhs->valuestring, &b, &bn))
            return false;
        c = ts_cmp(a, an, b, bn);
        break;
    }
    default: return false;
    }
    switch (op->cmp) {
    case C_EQ: return c == 0;
    case C_LT: return c < 0;
    case C_GT: return c > 0;
    case C_LE: return c <= 0;
    case C_GE: return c >= 0;
    default: return false;
    }
}

static const op_info *find_op(const char *key, bool *is_path)
{
    size_t len = strlen(key);
    *is_path = len > 4 && !strcmp(key + len - 4, "Path");
    for (size_t i = 0; i < STC_ARRAY_LEN(OPS); i++) {
        if (OPS[i].name[0] != key[0]) /* String..., Numeric..., Boolean..., Timestamp... */
            continue;
        size_t ol = strlen(OPS[i].name);
        if (!strncmp(key, OPS[i].name, ol) && (key[ol] == '\0' || (*is_path && !strcmp(key + ol, "Path"))))
            return &OPS[i];
    }
    return NULL;
}

static bool is_test(const char *key)
{
    if (key[0] != 'I' || key[1] != 's') /* every test is Is... */
        return false;
    for (size_t i = 0; i < STC_ARRAY_LEN(TESTS); i++)
        if (!strcmp(key, TESTS[i]))
            return true;
    return false;
}

static const cJSON *rule_operator(const cJSON *rule)
{
    for (const cJSON *c = rule->child; c; c = c->next)
        if (!is_rule_meta(c->string))
            return c;
    return NULL;
}

int stc_choice_eval(const cJSON *rule, const stc_scope *sc, bool *match, stc_rterr *err)
{
    const cJSON *opj = rule_operator(rule);
    if (!opj)
        return stc_rterr_set(err, "States.Runtime", "a Choice rule has no operator");
    const char *key = opj->string;
    if (!strcmp(key, "And") || !strcmp(key, "Or")) {
        bool is_and = key[0] == 'A';
        *match = is_and;
        for (const cJSON *r = opj->child; r; r = r->next) {
            bool m;
            if (stc_choice_eval(r, sc, &m, err) < 0)
                return -1;
            if (is_and && !m) {
                *match = false;
                return 0;
            }
            if (!is_and && m) {
                *match = true;
                return 0;
            }
        }
        return 0;
    }
    if (!strcmp(key, "Not")) {
        bool m;
        if (stc_choice_eval(opj, sc, &m, err) < 0)
            return -1;
        *match = !m;
        return 0;
    }
    const cJSON *var = cJSON_GetObjectItemCaseSensitive(rule, "Variable");
    if (!cJSON_IsString(var))
        return stc_rterr_set(err, "States.Runtime", "the Choice rule '%s' has no Variable", key);
    if (!strcmp(key, "IsPresent")) {
        bool present = stc_jsonpath_exists(var->valuestring, sc);
        *match = present == cJSON_IsTrue(opj);
        return 0;
    }
    /* the values compared are borrowed from the scope (only read here);
     * v_own / rhs_own hold what an indefinite path built */
    const cJSON *v;
    cJSON *v_own;
    if (stc_jsonpath_eval_ref(var->valuestring, sc, &v, &v_own, err) < 0)
        return -1;
    if (is_test(key)) {
        bool r;
        if (!strcmp(key, "IsNull"))
            r = cJSON_IsNull(v);
        else if (!strcmp(key, "IsNumeric"))
            r = cJSON_IsNumber(v);
        else if (!strcmp(key, "IsString"))
            r = cJSON_IsString(v);
        else if (!strcmp(key, "IsBoolean"))
            r = cJSON_IsBool(v);
        else {
            int64_t s;
            long ns;
            r = cJSON_IsString(v) && stc_timestamp_parse(v->valuestring, &s, &ns);
        }
        cJSON_Delete(v_own);
        *match = r == cJSON_IsTrue(opj);
        return 0;
    }
    bool is_path;
    const op_info *op = find_op(key, &is_path);
    if (!op) {
        cJSON_Delete(v_own);
        return stc_rterr_set(err, "States.Runtime", "unknown Choice operator '%s'", key);
    }
    const cJSON *rhs = opj;
    cJSON *rhs_own = NULL;
    if (is_path) {
        if (!cJSON_IsString(opj) ||
            stc_jsonpath_eval_ref(opj->valuestring, sc, &rhs, &rhs_own, err) < 0) {
            cJSON_Delete(v_own);
            if (!cJSON_IsString(opj))
                return stc_rterr_set(err, "States.Runtime", "%s must be a path", key);
            return -1;
        }
    }
    *match = compare(op, v, rhs);
    cJSON_Delete(rhs_own);
    cJSON_Delete(v_own);
    return 0;
}

int stc_choice_check(const cJSON *rule, bool top, char **msg)
{
    if (!cJSON_IsObject(rule)) {
        *msg = stc_xstrdup("a Choice rule must be an object");
        return -1;
    }
    if (top && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rule, "Next"))) {
        *msg = stc_xstrdup("a Choices entry needs a string 'Next'");
        return -1;
    }
    int nops = 0;
    const cJSON *opj = NULL;
    for (const cJSON *c = rule->child; c; c = c->next)
        if (!is_rule_meta(c->string)) {
            nops++;
            opj = c;
        }
    if (nops != 1) {
        *msg = stc_xasprintf("a Choice rule needs exactly one operator, found %d", nops);
        return -1;
    }
    const char *key = opj->string;
    const cJSON *var = cJSON_GetObjectItemCaseSensitive(rule, "Variable");
    if (!strcmp(key, "And") || !strcmp(key, "Or")) {
        if (!cJSON_IsArray(opj) || cJSON_GetArraySize(opj) == 0) {
            *msg = stc_xasprintf("'%s' needs a non-empty array of rules", key);
            return -1;
        }
        for (const cJSON *r = opj->child; r; r = r->next)
            if (stc_choice_check(r, false, msg) < 0)
                return -1;
        return 0;
    }
    if (!strcmp(key, "Not"))
        return stc_choice_check(opj, false, msg);
    if (!cJSON_IsString(var)) {
        *msg = stc_xasprintf("the '%s' rule needs a string 'Variable'", key);
        return -1;
    }
    if (stc_jsonpath_check(var->valuestring, false, msg) < 0)
        return -1;
    if (is_test(key)) {
        if (!cJSON_IsBool(opj)) {
            *msg = stc_xasprintf("'%s' takes true or false", key);
            return -1;
        }
        return 0;
    }
    bool is_path;
    const op_info *op = find_op(key, &is_path);
    if (!op) {
        *msg = stc_xasprintf("unknown Choice operator '%s'", key);
        return -1;
    }
    if (is_path) {
        if (!cJSON_IsString(opj)) {
            *msg = stc_xasprintf("'%s' takes a path", key);
            return -1;
        }
        return stc_jsonpath_check(opj->valuestring, false, msg);
    }
    bool ok = (op->type == T_NUMERIC && cJSON_IsNumber(opj)) ||
              (op->type == T_BOOLEAN && cJSON_IsBool(opj)) ||
              ((op->type == T_STRING || op->type == T_TIMESTAMP) && cJSON_IsString(opj));
    if (!ok) {
        *msg = stc_xasprintf("'%s' takes a %s", key,
                             op->type == T_NUMERIC   ? "number"
                             : op->type == T_BOOLEAN ? "boolean"
                                                     : "string");
        return -1;
    }
    return 0;
}
