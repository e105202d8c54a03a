/* triggers.c - see triggers.h and docs/triggers.md. */
#include "core/triggers.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/util.h"

static const char *const kind_json[] = {
#define X(id, json, src, doc) json,
    STC_TRIGGER_KINDS(X)
#undef X
};

static const char *const kind_doc[] = {
#define X(id, json, src, doc) doc,
    STC_TRIGGER_KINDS(X)
#undef X
};

typedef enum stc_tsrc { STC_TSRC_EXPR, STC_TSRC_BUCKET, STC_TSRC_QUEUE, STC_TSRC_TOPIC } stc_tsrc;

static const stc_tsrc kind_src[] = {
#define X(id, json, src, doc) STC_TSRC_##src,
    STC_TRIGGER_KINDS(X)
#undef X
};

static const stc_trigger_field fields[] = {
#define X(kind, name, type, doc) {STC_TRIGGER_##kind, name, type, doc},
    STC_TRIGGER_FIELDS(X)
#undef X
};

const char *stc_trigger_kind_json(stc_trigger_kind k)
{
    return k < STC_TRIGGER__COUNT ? kind_json[k] : "?";
}

const char *stc_trigger_kind_doc(stc_trigger_kind k)
{
    return k < STC_TRIGGER__COUNT ? kind_doc[k] : "?";
}

size_t stc_trigger_fields(stc_trigger_kind k, const stc_trigger_field **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < STC_ARRAY_LEN(fields); i++)
        if (fields[i].kind == k) {
            if (n < max)
                out[n] = &fields[i];
            n++;
        }
    return n;
}

const stc_trigger_field *stc_trigger_field_find(stc_trigger_kind k, const char *name)
{
    for (size_t i = 0; i < STC_ARRAY_LEN(fields); i++)
        if (fields[i].kind == k && strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

bool stc_trigger_enabled(const stc_trigger *tr, size_t mode)
{
    return mode < STC_TRIGGERS_MAX_MODES && tr->enabled[mode];
}

size_t stc_triggers_count_for(const stc_triggers *t, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; t && i < t->count; i++)
        if (t->items[i].target && strcmp(t->items[i].target, name) == 0)
            n++;
    return n;
}

/* ---- schedule expressions ------------------------------------------------- */

static bool stc_fail(char **why, char **hint, const char *h, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool stc_fail(char **why, char **hint, const char *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *why = stc_xvasprintf(fmt, ap);
    va_end(ap);
    *hint = h ? stc_xstrdup(h) : NULL;
    return false;
}

/* A whole number of at most 9 digits; -1 when s[0..n) is not one. */
static long stc_number(const char *s, size_t n)
{
    if (n == 0 || n > 9)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool stc_rate_valid(const char *body, size_t n, char **why, char **hint)
{
    const char *sp = memchr(body, ' ', n);
    if (!sp)
        return stc_fail(why, hint, "write rate(5 minutes), rate(1 hour) or rate(7 days)",
                        "rate(%.*s) needs a value and a unit separated by one space", (int)n, body);
    size_t vn = (size_t)(sp - body);
    const char *unit = sp + 1;
    size_t un = n - vn - 1;
    long v = stc_number(body, vn);
    if (v < 1)
        return stc_fail(why, hint, "the value is a whole number of minutes, hours or days, 1 or more",
                        "rate(%.*s): '%.*s' is not a positive whole number", (int)n, body, (int)vn, body);
    static const char *const singular[] = {"minute", "hour", "day"};
    for (size_t i = 0; i < STC_ARRAY_LEN(singular); i++) {
        size_t sl = strlen(singular[i]);
        bool is_singular = un == sl && strncmp(unit, singular[i], sl) == 0;
        bool is_plural = un == sl + 1 && strncmp(unit, singular[i], sl) == 0 && unit[sl] == 's';
        if (!is_singular && !is_plural)
            continue;
        if (v == 1 && is_plural) {
            char *h = stc_xasprintf("write rate(1 %s)", singular[i]);
            bool r = stc_fail(why, hint, h, "rate(%.*s): a value of 1 takes the singular unit '%s'", (int)n, body,
                              singular[i]);
            free(h);
            return r;
        }
        if (v > 1 && is_singular) {
            char *h = stc_xasprintf("write rate(%ld %ss)", v, singular[i]);
            bool r = stc_fail(why, hint, h, "rate(%.*s): a value above 1 takes the plural unit '%ss'", (int)n,
                              body, singular[i]);
            free(h);
            return r;
        }
        return true;
    }
    return stc_fail(why, hint, "for weeks write days: rate(7 days)",
                    "rate(%.*s): the unit must be minute(s), hour(s) or day(s), not '%.*s'", (int)n, body, (int)un,
                    unit);
}

typedef struct stc_cron_field {
    const char *name;
    long min, max;
    const char *const *names; /* JAN..DEC, SUN..SAT; NULL = numbers only */
    bool dom, dow;            /* day-of-month (L, W) / day-of-week (L, #) */
} stc_cron_field;

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
static const char *const dow_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

static const stc_cron_field cron_fields[6] = {
    {"minutes", 0, 59, NULL, false, false},     {"hours", 0, 23, NULL, false, false},
    {"day-of-month", 1, 31, NULL, true, false}, {"month", 1, 12, month_names, false, false},
    {"day-of-week", 1, 7, dow_names, false, true}, {"year", 1970, 2199, NULL, false, false},
};

/* One value of a field: a number in range or a name; -1 when invalid. */
static long stc_cron_value(const stc_cron_field *f, const char *s, size_t n)
{
    long v = stc_number(s, n);
    if (v >= 0)
        return v >= f->min && v <= f->max ? v : -1;
    for (size_t i = 0; f->names && n == 3 && i < (f == &cron_fields[3] ? 12u : 7u); i++)
        if (strncasecmp(s, f->names[i], 3) == 0)
            return (long)i + f->min;
    return -1;
}

/* One item between commas: *, a, a-b, with /step; L, LW, nW (day-of-month);
 * L, nL, n#k (day-of-week). */
static bool stc_cron_item(const stc_cron_field *f, const char *s, size_t n)
{
    if (f->dom) {
        if ((n == 1 && s[0] == 'L') || (n == 2 && s[0] == 'L' && s[1] == 'W'))
            return true;
        if (n >= 2 && s[n - 1] == 'W')
            return stc_cron_value(f, s, n - 1) >= 0;
    }
    if (f->dow) {
        if (n == 1 && s[0] == 'L')
            return true;
        if (n >= 2 && s[n - 1] == 'L')
            return stc_cron_value(f, s, n - 1) >= 0;
        const char *hash = memchr(s, '#', n);
        if (hash) {
            long k = stc_number(hash + 1, n - (size_t)(hash - s) - 1);
            return stc_cron_value(f, s, (size_t)(hash - s)) >= 0 && k >= 1 && k <= 5;
        }
    }
    const char *slash = memchr(s, '/', n);
    size_t base = slash ? (size_t)(slash - s) : n;
    if (slash) {
        long step = stc_number(slash + 1, n - base - 1);
        if (step < 1)
            return false;
    }
    if (base == 1 && s[0] == '*')
        return true;
    const char *dash = memchr(s, '-', base);
    if (dash)
        return stc_cron_value(f, s, (size_t)(dash - s)) >= 0 &&
               stc_cron_value(f, dash + 1, base - (size_t)(dash - s) - 1) >= 0;
    return stc_cron_value(f, s, base) >= 0;
}

static bool stc_cron_valid(const char *body, size_t n, char **why, char **hint)
{
    const char *field_text[7];
    size_t field_len[7];
    size_t nf = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && body[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t j = i;
        while (j < n && body[j] != ' ')
            j++;
        if (nf < 7) {
            field_text[nf] = body + i;
            field_len[nf] = j - i;
        }
        nf++;
        i = j;
    }
    if (nf != 6)
        return stc_fail(why, hint,
                        nf == 5 ? "add the year field: cron(0 12 * * ? *)" : "for example cron(0 12 * * ? *)",
                        "cron(%.*s) has %zu field%s; EventBridge cron expressions have 6: minutes hours "
                        "day-of-month month day-of-week year",
                        (int)n, body, nf, nf == 1 ? "" : "s");
    for (size_t k = 0; k < 6; k++) {
        const stc_cron_field *f = &cron_fields[k];
        const char *s = field_text[k];
        size_t len = field_len[k];
        if (len == 1 && s[0] == '?') {
            if (!f->dom && !f->dow)
                return stc_fail(why, hint, "'?' is for day-of-month or day-of-week only",
                                "cron(%.*s): '?' is not allowed in the %s field", (int)n, body, f->name);
            continue;
        }
        for (size_t i = 0; i <= len;) {
            size_t j = i;
            while (j < len && s[j] != ',')
                j++;
            if (!stc_cron_item(f, s + i, j - i)) {
                char *h = stc_xasprintf("%s takes %ld-%ld%s%s, and , - * /%s", f->name, f->min, f->max,
                                        f->names ? " or names such as " : "",
                                        f->names ? f->names[0] : "",
                                        f->dom ? " ? L W" : f->dow ? " ? L #" : "");
                bool r = stc_fail(why, hint, h, "cron(%.*s): '%.*s' is not a valid %s value", (int)n, body,
                                  (int)(j - i), s + i, f->name);
                free(h);
                return r;
            }
            i = j + 1;
        }
    }
    bool dom_q = field_len[2] == 1 && field_text[2][0] == '?';
    bool dow_q = field_len[4] == 1 && field_text[4][0] == '?';
    if (dom_q == dow_q)
        return stc_fail(why, hint,
                        dom_q ? "give one of them a value: cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *)"
                              : "put ? in one of them: cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *)",
                        "cron(%.*s): exactly one of day-of-month and day-of-week must be '?'%s", (int)n, body,
                        dom_q ? " (both are)" : "");
    return true;
}

bool stc_schedule_valid(const char *expr, char **why, char **hint)
{
    *why = *hint = NULL;
    size_t n = strlen(expr);
    if (n > 5 && strncmp(expr, "rate(", 5) == 0 && expr[n - 1] == ')')
        return stc_rate_valid(expr + 5, n - 6, why, hint);
    if (n > 5 && strncmp(expr, "cron(", 5) == 0 && expr[n - 1] == ')')
        return stc_cron_valid(expr + 5, n - 6, why, hint);
    return stc_fail(why, hint, "write rate(5 minutes) or cron(0 12 * * ? *)",
                    "'%s' is not a schedule expression: it must be rate(...) or cron(...)", expr);
}

/* ---- parsing the YAML ------------------------------------------------------- */

typedef struct stc_tp {
    yaml_document_t *doc;
    const char *path;
    stc_diags *d;
    bool *errors;
    const char *const *modes;
    size_t nmodes;
} stc_tp;

static stc_diag *stc_tp_diag(stc_tp *x, const yaml_node_t *n, stc_severity sev, const char *code, const char *fmt,
                             ...) __attribute__((format(printf, 5, 6)));
static stc_diag *stc_tp_diag(stc_tp *x, const yaml_node_t *n, stc_severity sev, const char *code, const char *fmt,
                             ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = stc_xvasprintf(fmt, ap);
    va_end(ap);
    stc_diag *dg = stc_diag_add(x->d, sev, x->path, n ? (int)n->start_mark.line + 1 : 0,
                                n ? (int)n->start_mark.column + 1 : 0, code, "%s", msg);
    free(msg);
    if (sev == STC_SEV_ERROR)
        *x->errors = true;
    return dg;
}

static const char *stc_tp_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool stc_tp_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static bool stc_tp_null(const yaml_node_t *n)
{
    const char *s = stc_tp_scalar(n);
    return s && stc_tp_plain(n) && (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
                                    !strcmp(s, "NULL"));
}

static int stc_tp_bool(const yaml_node_t *n)
{
    const char *s = stc_tp_scalar(n);
    if (!s || !stc_tp_plain(n))
        return -1;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return 1;
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return 0;
    return -1;
}

static const char *stc_tp_what(const yaml_node_t *n)
{
    return n->type == YAML_MAPPING_NODE ? "a mapping" : n->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar";
}

/* A YAML node as JSON (core/config.h): plain scalars are typed (null,
 * booleans, numbers), quoted ones are strings. NULL (with a diagnostic) for
 * keys that are not scalars, a key given twice, or nesting too deep. */
static cJSON *stc_tp_json(stc_tp *x, const yaml_node_t *n)
{
    const yaml_node_t *bad = NULL;
    const char *why = NULL;
    cJSON *v = stc_config_yaml_json(x->doc, n, &bad, &why);
    if (v)
        return v;
    if (!strcmp(why, "deep"))
        stc_tp_diag(x, bad, STC_SEV_ERROR, "STC541", "the input is nested too deeply");
    else if (!strcmp(why, "key"))
        stc_tp_diag(x, bad, STC_SEV_ERROR, "STC541", "keys of the input must be names, not %s", stc_tp_what(bad));
    else
        stc_tp_diag(x, bad, STC_SEV_ERROR, "STC545", "'%s' appears twice in the input", stc_tp_scalar(bad));
    return NULL;
}

static const char *const entry_keys[] = {"schedule", "object_created", "object_removed", "queue", "topic",
                                         "target",   "input",          "enabled",        "prefix", "suffix",
                                         "batch_size"};

static const char *stc_tp_closest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    int bestd = 4;
    for (size_t i = 0; i < n; i++) {
        int dd = stc_edit_distance(word, cands[i]);
        if (dd < bestd && dd <= (int)strlen(word) / 2 + 1) {
            bestd = dd;
            best = cands[i];
        }
    }
    return best;
}

static int stc_tp_mode(stc_tp *x, const char *name)
{
    for (size_t i = 0; i < x->nmodes; i++)
        if (strcmp(x->modes[i], name) == 0)
            return (int)i;
    return -1;
}

/* enabled: true | false | {mode: bool, ...} (modes not named stay on). */
static void stc_tp_enabled(stc_tp *x, const yaml_node_t *v, stc_trigger *tr)
{
    int b = stc_tp_bool(v);
    if (b >= 0) {
        for (size_t m = 0; m < x->nmodes; m++)
            tr->enabled[m] = b;
        return;
    }
    if (v->type != YAML_MAPPING_NODE) {
        stc_diag *dg = stc_tp_diag(x, v, STC_SEV_ERROR, "STC541", "'enabled' must be true, false or a mapping of "
                                                                  "modes to true/false, not %s%s%s%s",
                                   stc_tp_what(v), stc_tp_scalar(v) ? " '" : "",
                                   stc_tp_scalar(v) ? stc_tp_scalar(v) : "", stc_tp_scalar(v) ? "'" : "");
        stc_diag_set_hint(dg, "for example enabled: {dev: false, test: false}");
        return;
    }
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(x->doc, p->key), *mv = yaml_document_get_node(x->doc, p->value);
        const char *name = stc_tp_scalar(k);
        int mi = name ? stc_tp_mode(x, name) : -1;
        if (mi < 0) {
            const char *close = name ? stc_tp_closest(name, x->modes, x->nmodes) : NULL;
            stc_diag *dg = stc_tp_diag(x, k, STC_SEV_ERROR, "STC542", "unknown mode '%s' in 'enabled'",
                                       name ? name : "?");
            if (close)
                stc_diag_set_hint(dg, "did you mean '%s'? the modes are dev, test, stage and prod", close);
            else
                stc_diag_set_hint(dg, "the modes are dev, test, stage and prod");
            continue;
        }
        int mb = stc_tp_bool(mv);
        if (mb < 0) {
            stc_tp_diag(x, mv, STC_SEV_ERROR, "STC541", "'enabled.%s' must be true or false", name);
            continue;
        }
        tr->enabled[mi] = mb;
    }
}

static char *stc_tp_string(stc_tp *x, const yaml_node_t *v, const char *key)
{
    const char *s = stc_tp_scalar(v);
    if (!s || stc_tp_null(v) || !*s) {
        stc_tp_diag(x, v, STC_SEV_ERROR, "STC541", "'%s' must be a non-empty text, not %s", key,
                    s ? "empty" : stc_tp_what(v));
        return NULL;
    }
    return stc_xstrdup(s);
}

static bool stc_tp_is_name(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

static bool stc_tp_entry(stc_tp *x, const yaml_node_t *n, stc_trigger *tr)
{
    memset(tr, 0, sizeof *tr);
    tr->line = (int)n->start_mark.line + 1;
    tr->col = (int)n->start_mark.column + 1;
    tr->resource = -1;
    tr->batch_size = 10;
    for (size_t m = 0; m < STC_TRIGGERS_MAX_MODES; m++)
        tr->enabled[m] = true;
    if (n->type != YAML_MAPPING_NODE) {
        stc_diag *dg = stc_tp_diag(x, n, STC_SEV_ERROR, "STC530", "a trigger must be a mapping, not %s",
                                   stc_tp_what(n));
        stc_diag_set_hint(dg, "for example: - {schedule: rate(1 day), target: _nightly}");
        return false;
    }
    bool have_kind = false, ok = true, unknown_key = false;
    const yaml_node_t *kind_key = NULL, *input = NULL, *prefix = NULL, *suffix = NULL, *batch = NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(x->doc, p->key), *v = yaml_document_get_node(x->doc, p->value);
        const char *key = stc_tp_scalar(k);
        if (!key) {
            stc_tp_diag(x, k, STC_SEV_ERROR, "STC531", "keys of a trigger must be names, not %s", stc_tp_what(k));
            ok = false;
            continue;
        }
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
            const char *qk = stc_tp_scalar(yaml_document_get_node(x->doc, q->key));
            if (qk && strcmp(qk, key) == 0) {
                stc_tp_diag(x, k, STC_SEV_ERROR, "STC545", "'%s' appears twice in this trigger", key);
                ok = false;
            }
        }
        int kind = -1;
        for (int i = 0; i < STC_TRIGGER__COUNT; i++)
            if (strcmp(key, kind_json[i]) == 0)
                kind = i;
        if (kind >= 0) {
            if (have_kind) {
                stc_diag *dg = stc_tp_diag(x, k, STC_SEV_ERROR, "STC532",
                                           "a trigger has one source, and this one has '%s' and '%s'",
                                           stc_tp_scalar(kind_key), key);
                stc_diag_set_hint(dg, "write one trigger per source");
                ok = false;
                continue;
            }
            have_kind = true;
            kind_key = k;
            tr->kind = (stc_trigger_kind)kind;
            tr->source_line = (int)v->start_mark.line + 1;
            tr->source_col = (int)v->start_mark.column + 1;
            tr->source = stc_tp_string(x, v, key);
            if (!tr->source) {
                ok = false;
                continue;
            }
            if (tr->kind == STC_TRIGGER_SCHEDULE) {
                char *why, *hint;
                if (!stc_schedule_valid(tr->source, &why, &hint)) {
                    stc_diag *dg = stc_tp_diag(x, v, STC_SEV_ERROR, strncmp(tr->source, "cron(", 5) == 0 ? "STC536"
                                                                                                        : "STC535",
                                               "%s", why);
                    if (hint)
                        stc_diag_set_hint(dg, "%s", hint);
                    free(why);
                    free(hint);
                    ok = false;
                }
            } else if (kind_src[tr->kind] == STC_TSRC_TOPIC) {
                /* arn:<partition>:sns:<region>:<account>:<name> */
                const char *s = tr->source;
                int colons = 0;
                for (const char *c = s; *c; c++)
                    colons += *c == ':';
                const char *name = strrchr(s, ':');
                if (strncmp(s, "arn:", 4) != 0 || !strstr(s, ":sns:") || colons != 5 || !name || !name[1]) {
                    stc_diag *dg = stc_tp_diag(x, v, STC_SEV_ERROR, "STC538", "'%s' is not an SNS topic ARN", s);
                    stc_diag_set_hint(dg, "write arn:aws:sns:<region>:<account>:<topic> (the service declares no "
                                          "topics: a trigger subscribes to an existing one)");
                    ok = false;
                }
            } else if (!stc_tp_is_name(tr->source)) {
                stc_diag *dg = stc_tp_diag(x, v, STC_SEV_ERROR, "STC537",
                                           "'%s' must name an attribute of the service (self.<name>), not '%s'", key,
                                           tr->source);
                stc_diag_set_hint(dg, "write the attribute's name without self.: %s: photos", key);
                ok = false;
            }
        } else if (strcmp(key, "target") == 0) {
            tr->target_line = (int)v->start_mark.line + 1;
            tr->target_col = (int)v->start_mark.column + 1;
            tr->target = stc_tp_string(x, v, key);
            ok = ok && tr->target;
        } else if (strcmp(key, "enabled") == 0) {
            size_t before = x->d->count;
            stc_tp_enabled(x, v, tr);
            ok = ok && x->d->count == before;
        } else if (strcmp(key, "input") == 0) {
            input = v;
        } else if (strcmp(key, "prefix") == 0) {
            prefix = v;
        } else if (strcmp(key, "suffix") == 0) {
            suffix = v;
        } else if (strcmp(key, "batch_size") == 0) {
            batch = v;
        } else {
            const char *close = stc_tp_closest(key, entry_keys, STC_ARRAY_LEN(entry_keys));
            stc_diag *dg = stc_tp_diag(x, k, STC_SEV_ERROR, "STC531", "unknown key '%s' in a trigger", key);
            unknown_key = true;
            if (close)
                stc_diag_set_hint(dg, "did you mean '%s'?", close);
            else
                stc_diag_set_hint(dg, "a trigger has one of schedule, object_created, object_removed, queue, topic; "
                                      "a target; and input, enabled, prefix, suffix or batch_size");
            ok = false;
        }
    }
    if (!have_kind) {
        stc_diag *dg = stc_tp_diag(x, n, STC_SEV_ERROR, "STC532", "this trigger has no source");
        stc_diag_set_hint(dg, "add one of schedule, object_created, object_removed, queue or topic");
        return false;
    }
    if (!tr->target) {
        bool had = false;
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            const char *key = stc_tp_scalar(yaml_document_get_node(x->doc, p->key));
            had = had || (key && strcmp(key, "target") == 0);
        }
        /* A misspelt target: key already has its diagnostic (STC531). */
        if (!had && !unknown_key) {
            stc_diag *dg = stc_tp_diag(x, n, STC_SEV_ERROR, "STC533", "this %s trigger has no target",
                                       kind_json[tr->kind]);
            stc_diag_set_hint(dg, "add target: _name, an internal function or workflow of the service");
        }
        ok = false;
    }
    /* Keys that belong to some kinds only. */
    const struct {
        const yaml_node_t *node;
        const char *key;
        bool allowed;
        const char *which;
    } only[] = {
        {input, "input", tr->kind == STC_TRIGGER_SCHEDULE, "schedules"},
        {prefix, "prefix", kind_src[tr->kind] == STC_TSRC_BUCKET, "object_created and object_removed"},
        {suffix, "suffix", kind_src[tr->kind] == STC_TSRC_BUCKET, "object_created and object_removed"},
        {batch, "batch_size", tr->kind == STC_TRIGGER_QUEUE, "queue triggers"},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(only); i++)
        if (only[i].node && !only[i].allowed) {
            stc_tp_diag(x, only[i].node, STC_SEV_ERROR, "STC531", "'%s' applies to %s, not to a %s trigger",
                        only[i].key, only[i].which, kind_json[tr->kind]);
            ok = false;
        }
    if (input && tr->kind == STC_TRIGGER_SCHEDULE) {
        if (input->type != YAML_MAPPING_NODE) {
            stc_diag *dg = stc_tp_diag(x, input, STC_SEV_ERROR, "STC541",
                                       "'input' must be a mapping of parameter names to values, not %s",
                                       stc_tp_what(input));
            stc_diag_set_hint(dg, "for example input: {days: 7}");
            ok = false;
        } else {
            tr->input = stc_tp_json(x, input);
            ok = ok && tr->input;
        }
    }
    const yaml_node_t *filters[2] = {prefix, suffix};
    char **dst[2] = {&tr->prefix, &tr->suffix};
    for (size_t i = 0; i < 2; i++) {
        if (!filters[i] || kind_src[tr->kind] != STC_TSRC_BUCKET)
            continue;
        *dst[i] = stc_tp_string(x, filters[i], i ? "suffix" : "prefix");
        if (!*dst[i]) {
            ok = false;
        } else if (strpbrk(*dst[i], "*?")) {
            stc_tp_diag(x, filters[i], STC_SEV_ERROR, "STC541",
                        "'%s' is a plain text the key %s with; '*' and '?' are not allowed", i ? "suffix" : "prefix",
                        i ? "ends" : "starts");
            ok = false;
        }
    }
    if (batch && tr->kind == STC_TRIGGER_QUEUE) {
        const char *s = stc_tp_scalar(batch);
        long v = s && stc_tp_plain(batch) ? stc_number(s, strlen(s)) : -1;
        if (v < 1 || v > 10) {
            stc_diag *dg = stc_tp_diag(x, batch, STC_SEV_ERROR, "STC541",
                                       "'batch_size' must be a whole number from 1 to 10, not %s", s ? s : "a mapping");
            stc_diag_set_hint(dg, "larger batches need a batching window, which this version does not set");
            ok = false;
        } else {
            tr->batch_size = (int)v;
        }
    }
    return ok;
}

stc_triggers *stc_triggers_parse(yaml_document_t *doc, yaml_node_t *node, const char *path,
                                 const char *const *modes, size_t nmodes, stc_diags *d, bool *errors)
{
    stc_triggers *t = stc_xcalloc(1, sizeof *t);
    t->path = path ? stc_xstrdup(path) : NULL;
    t->modes = modes;
    t->nmodes = nmodes < STC_TRIGGERS_MAX_MODES ? nmodes : STC_TRIGGERS_MAX_MODES;
    stc_tp x = {.doc = doc, .path = path, .d = d, .errors = errors, .modes = modes, .nmodes = t->nmodes};
    if (stc_tp_null(node))
        return t;
    if (node->type != YAML_SEQUENCE_NODE) {
        stc_diag *dg = stc_tp_diag(&x, node, STC_SEV_ERROR, "STC530", "'triggers' must be a list, not %s",
                                   stc_tp_what(node));
        stc_diag_set_hint(dg, "write each trigger as a list item: - schedule: rate(1 day)");
        return t;
    }
    size_t n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    t->items = stc_xcalloc(n + 1, sizeof *t->items);
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
        stc_trigger *tr = &t->items[t->count++];
        if (!stc_tp_entry(&x, yaml_document_get_node(doc, *it), tr))
            *errors = true;
        bool any = false;
        for (size_t m = 0; m < t->nmodes; m++)
            any = any || tr->enabled[m];
        if (!any) {
            stc_diag *dg = stc_tp_diag(&x, yaml_document_get_node(doc, *it), STC_SEV_WARNING, "STC544",
                                       "this trigger is disabled in every mode: it is never deployed");
            stc_diag_set_hint(dg, "enable it in some mode, or remove it");
        }
    }
    return t;
}

static void stc_trigger_clear(stc_trigger *tr)
{
    free(tr->source);
    free(tr->target);
    free(tr->prefix);
    free(tr->suffix);
    cJSON_Delete(tr->input);
}

void stc_triggers_free(stc_triggers *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++)
        stc_trigger_clear(&t->items[i]);
    free(t->items);
    free(t->path);
    free(t);
}

/* ---- checks against the service ------------------------------------------- */

/* The simple type an annotation accepts: "str", "int", "float", "bool",
 * "list", "dict", "any"; *nullable when None is accepted. */
static const char *stc_ann_type(const char *ann, bool *nullable)
{
    *nullable = false;
    if (!ann)
        return "any";
    char *a = stc_xstrdup(ann);
    const char *res = "any";
    /* Optional[T] and T | None / None | T */
    char *s = a;
    while (isspace((unsigned char)*s))
        s++;
    if (strncmp(s, "Optional[", 9) == 0 || strncmp(s, "typing.Optional[", 16) == 0) {
        *nullable = true;
        s = strchr(s, '[') + 1;
    }
    char *bar = strchr(s, '|');
    if (bar) {
        char *l = s, *r = bar + 1;
        *bar = '\0';
        while (isspace((unsigned char)*r))
            r++;
        size_t ll = strlen(l);
        while (ll && isspace((unsigned char)l[ll - 1]))
            l[--ll] = '\0';
        if (strncmp(r, "None", 4) == 0) {
            *nullable = true;
            s = l;
        } else if (strcmp(l, "None") == 0) {
            *nullable = true;
            s = r;
        } else {
            free(a);
            return "any"; /* a union of several types: the runtime checks it */
        }
    }
    size_t n = strcspn(s, "[] ");
    static const struct {
        const char *name, *type;
    } map[] = {{"str", "str"},         {"int", "int"},           {"float", "float"},     {"bool", "bool"},
               {"list", "list"},       {"List", "list"},         {"Sequence", "list"},   {"tuple", "list"},
               {"dict", "dict"},       {"Dict", "dict"},         {"Mapping", "dict"},    {"MutableMapping", "dict"},
               {"None", "none"}};
    for (size_t i = 0; i < STC_ARRAY_LEN(map); i++)
        if (strlen(map[i].name) == n && strncmp(s, map[i].name, n) == 0)
            res = map[i].type;
    free(a);
    if (strcmp(res, "none") == 0) {
        *nullable = true;
        return "none";
    }
    return res;
}

/* Can a parameter annotated `ann` take a value of field type `ft`? */
static bool stc_field_fits(const char *ft, const char *ann)
{
    bool nullable;
    const char *pt = stc_ann_type(ann, &nullable);
    if (strcmp(pt, "any") == 0 || strcmp(ft, "any") == 0)
        return true;
    if (strcmp(ft, "Optional[str]") == 0)
        return strcmp(pt, "str") == 0 && nullable;
    if (strcmp(ft, pt) == 0)
        return true;
    return strcmp(ft, "int") == 0 && strcmp(pt, "float") == 0;
}

static const char *stc_json_type(const cJSON *v)
{
    if (cJSON_IsNull(v))
        return "none";
    if (cJSON_IsBool(v))
        return "bool";
    if (cJSON_IsNumber(v))
        return v->valuedouble == (double)(long long)v->valuedouble ? "int" : "float";
    if (cJSON_IsString(v))
        return "str";
    if (cJSON_IsArray(v))
        return "list";
    return "dict";
}

static bool stc_value_fits(const cJSON *v, const char *ann)
{
    bool nullable;
    const char *pt = stc_ann_type(ann, &nullable);
    const char *vt = stc_json_type(v);
    if (strcmp(pt, "any") == 0)
        return true;
    if (strcmp(vt, "none") == 0)
        return nullable;
    if (strcmp(vt, pt) == 0)
        return true;
    return strcmp(vt, "int") == 0 && strcmp(pt, "float") == 0;
}

static const char *stc_json_type_words(const cJSON *v)
{
    const char *t = stc_json_type(v);
    return !strcmp(t, "none")    ? "null"
           : !strcmp(t, "bool")  ? "a boolean"
           : !strcmp(t, "int")   ? "an integer"
           : !strcmp(t, "float") ? "a number"
           : !strcmp(t, "str")   ? "a string"
           : !strcmp(t, "list")  ? "a list"
                                 : "a mapping";
}

typedef struct stc_tc {
    stc_triggers *t;
    stc_diags *d;
    bool ok;
} stc_tc;

static stc_diag *stc_tc_diag(stc_tc *x, int line, int col, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static stc_diag *stc_tc_diag(stc_tc *x, int line, int col, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = stc_xvasprintf(fmt, ap);
    va_end(ap);
    stc_diag *dg = stc_diag_add(x->d, STC_SEV_ERROR, x->t->path, line, col, code, "%s", msg);
    free(msg);
    x->ok = false;
    return dg;
}

static char *stc_fields_text(stc_trigger_kind k, const stc_trigger *tr)
{
    stc_buf b = STC_BUF_INIT;
    const stc_trigger_field *f[16];
    size_t n = stc_trigger_fields(k, f, 16);
    for (size_t i = 0; i < n && i < 16; i++)
        stc_buf_printf(&b, "%s%s: %s", i ? ", " : "", f[i]->name, f[i]->type);
    if (tr && tr->input)
        for (const cJSON *c = tr->input->child; c; c = c->next)
            stc_buf_printf(&b, ", %s (input)", c->string);
    return stc_buf_take(&b);
}

static void stc_tc_params(stc_tc *x, stc_trigger *tr)
{
    const stc_method *m = tr->unit->method;
    bool kwargs = false;
    for (size_t i = 0; i < m->nparams; i++)
        kwargs = kwargs || m->params[i].kwarg;
    for (size_t i = 0; i < m->nparams; i++) {
        const stc_param *p = &m->params[i];
        if (p->vararg || p->kwarg)
            continue;
        const cJSON *in = tr->input ? cJSON_GetObjectItemCaseSensitive(tr->input, p->name) : NULL;
        const stc_trigger_field *f = stc_trigger_field_find(tr->kind, p->name);
        if (in) {
            if (!stc_value_fits(in, p->annotation)) {
                stc_diag *dg = stc_tc_diag(x, tr->target_line, tr->target_col, "STC539",
                                           "input '%s' is %s, but %s(%s: %s) (line %d) cannot take it", p->name,
                                           stc_json_type_words(in), m->name, p->name, p->annotation,
                                           p->pos.line);
                stc_diag_set_hint(dg, "change the input value or the parameter's annotation");
            }
        } else if (f) {
            if (!stc_field_fits(f->type, p->annotation)) {
                stc_diag *dg = stc_tc_diag(x, tr->target_line, tr->target_col, "STC539",
                                           "a %s trigger passes '%s' as %s, but %s(%s: %s) (line %d) cannot take it",
                                           kind_json[tr->kind], p->name, f->type, m->name, p->name, p->annotation,
                                           p->pos.line);
                stc_diag_set_hint(dg, "annotate %s: %s, or leave it unannotated", p->name, f->type);
            }
        } else if (!p->default_text) {
            char *avail = stc_fields_text(tr->kind, tr);
            stc_diag *dg = stc_tc_diag(x, tr->target_line, tr->target_col, "STC539",
                                       "%s (line %d) cannot receive a %s event: nothing gives its parameter '%s'",
                                       m->name, m->pos.line, kind_json[tr->kind], p->name);
            if (tr->kind == STC_TRIGGER_SCHEDULE)
                stc_diag_set_hint(dg, "give it in input: {%s: ...}, or a default in the method; a schedule passes "
                                      "%s",
                                  p->name, avail);
            else
                stc_diag_set_hint(dg, "the event passes %s; give '%s' a default, or rename it", avail, p->name);
            free(avail);
        }
    }
    /* Input keys the method does not take. */
    for (const cJSON *c = tr->input ? tr->input->child : NULL; c; c = c->next) {
        bool found = kwargs;
        for (size_t i = 0; i < m->nparams && !found; i++)
            found = !m->params[i].vararg && !m->params[i].kwarg && strcmp(m->params[i].name, c->string) == 0;
        if (!found) {
            stc_diag *dg = stc_tc_diag(x, tr->target_line, tr->target_col, "STC539",
                                       "input '%s' is not a parameter of %s (line %d)", c->string, m->name,
                                       m->pos.line);
            stc_diag_set_hint(dg, "remove it from input, or add the parameter");
        }
    }
}

bool stc_triggers_check(stc_triggers *t, const stc_unit_info *units, size_t nunits, const stc_resources *res,
                        stc_diags *d)
{
    stc_tc x = {.t = t, .d = d, .ok = true};
    for (size_t i = 0; i < t->count; i++) {
        stc_trigger *tr = &t->items[i];
        if (!tr->target || !tr->source)
            continue;
        /* the target */
        const stc_unit_info *u = NULL;
        for (size_t k = 0; k < nunits; k++)
            if (strcmp(units[k].method->name, tr->target) == 0)
                u = &units[k];
        if (!u || u->unit == STC_UNIT_NONE || u->kind != STC_KIND_FUNCTION) {
            stc_diag *dg;
            if (!u) {
                const char **names = stc_xcalloc(nunits + 1, sizeof *names);
                size_t n = 0;
                for (size_t k = 0; k < nunits; k++)
                    if (units[k].kind == STC_KIND_FUNCTION && units[k].unit != STC_UNIT_NONE)
                        names[n++] = units[k].method->name;
                const char *close = stc_tp_closest(tr->target, names, n);
                dg = stc_tc_diag(&x, tr->target_line, tr->target_col, "STC534", "the service has no method '%s'",
                                 tr->target);
                if (close)
                    stc_diag_set_hint(dg, "did you mean '%s'?", close);
                else
                    stc_diag_set_hint(dg, "a target is an internal function or workflow: a method named _name");
                free(names);
            } else if (u->kind == STC_KIND_REST || u->kind == STC_KIND_WEBSOCKET) {
                dg = stc_tc_diag(&x, tr->target_line, tr->target_col, "STC534",
                                 "'%s' is a %s unit (line %d): it answers its %s route, and a trigger cannot start "
                                 "it",
                                 tr->target, stc_kind_json(u->kind), u->method->pos.line,
                                 u->kind == STC_KIND_REST ? "HTTP" : "WebSocket");
                stc_diag_set_hint(dg, "target an internal function or workflow (_name) that does the work");
            } else {
                dg = stc_tc_diag(&x, tr->target_line, tr->target_col, "STC534",
                                 "'%s' is a %s method (line %d), not a cloud unit: a trigger cannot start it",
                                 tr->target, stc_kind_json(u->kind), u->method->pos.line);
                stc_diag_set_hint(dg, "a target is an internal function or workflow: a method named _name");
            }
            continue;
        }
        tr->unit = u;
        /* the source */
        stc_tsrc src = kind_src[tr->kind];
        if (src == STC_TSRC_BUCKET || src == STC_TSRC_QUEUE) {
            stc_resource_kind want = src == STC_TSRC_BUCKET ? STC_RES_BUCKET : STC_RES_QUEUE;
            const char *what = src == STC_TSRC_BUCKET ? "object store (MutableMapping[str, bytes])"
                                                      : "queue (Queue[...])";
            tr->resource = -1;
            const stc_resource *other = NULL;
            for (size_t k = 0; res && k < res->nresources; k++)
                if (strcmp(res->resources[k].attr, tr->source) == 0) {
                    if (res->resources[k].kind == want)
                        tr->resource = (int)k;
                    else
                        other = &res->resources[k];
                }
            if (tr->resource < 0) {
                stc_diag *dg;
                if (other)
                    dg = stc_tc_diag(&x, tr->source_line, tr->source_col, "STC537",
                                     "self.%s is a %s, not an %s", tr->source, stc_resource_kind_json(other->kind),
                                     what);
                else
                    dg = stc_tc_diag(&x, tr->source_line, tr->source_col, "STC537",
                                     "the service has no %s named '%s'",
                                     src == STC_TSRC_BUCKET ? "object store" : "queue", tr->source);
                const char **names = stc_xcalloc((res ? res->nresources : 0) + 1, sizeof *names);
                size_t n = 0;
                for (size_t k = 0; res && k < res->nresources; k++)
                    if (res->resources[k].kind == want)
                        names[n++] = res->resources[k].attr;
                const char *close = stc_tp_closest(tr->source, names, n);
                if (close)
                    stc_diag_set_hint(dg, "did you mean '%s'?", close);
                else if (n)
                    stc_diag_set_hint(dg, "the service's %ss: %s%s", src == STC_TSRC_BUCKET ? "object store" : "queue",
                                      names[0], n > 1 ? ", ..." : "");
                else
                    stc_diag_set_hint(dg, "declare it in __init__: self.%s: %s = %s", tr->source,
                                      src == STC_TSRC_BUCKET ? "MutableMapping[str, bytes]" : "Queue[dict]",
                                      src == STC_TSRC_BUCKET ? "{}" : "Queue()");
                free(names);
            }
        }
        if ((src == STC_TSRC_QUEUE || src == STC_TSRC_TOPIC) && u->unit == STC_UNIT_STATE_MACHINE) {
            stc_diag *dg = stc_tc_diag(&x, tr->target_line, tr->target_col, "STC540",
                                       "'%s' is a workflow: a %s trigger delivers batches of messages to a Lambda "
                                       "function, not to a state machine",
                                       tr->target, kind_json[tr->kind]);
            stc_diag_set_hint(dg, "target an internal function that starts the workflow: self.%s(...)", tr->target);
            continue;
        }
        stc_tc_params(&x, tr);
    }
    /* A queue feeds one consumer: two triggers would split its messages. */
    for (size_t i = 0; i < t->count; i++) {
        const stc_trigger *a = &t->items[i];
        if (a->kind != STC_TRIGGER_QUEUE || !a->source)
            continue;
        for (size_t j = 0; j < i; j++) {
            const stc_trigger *b = &t->items[j];
            if (b->kind != STC_TRIGGER_QUEUE || !b->source || strcmp(a->source, b->source) != 0)
                continue;
            bool overlap = false;
            for (size_t m = 0; m < t->nmodes; m++)
                overlap = overlap || (a->enabled[m] && b->enabled[m]);
            if (!overlap)
                continue;
            stc_diag *dg = stc_tc_diag(&x, a->source_line, a->source_col, "STC543",
                                       "queue '%s' already has a trigger (line %d): each message would go to one of "
                                       "them at random",
                                       a->source, b->line);
            stc_diag_set_hint(dg, "keep one consumer per queue; let it call the other function");
            break;
        }
    }
    /* Ordinals for logical names. */
    for (size_t i = 0; i < t->count; i++) {
        stc_trigger *tr = &t->items[i];
        tr->ordinal = 1;
        for (size_t j = 0; j < i; j++)
            if (tr->target && t->items[j].target && strcmp(tr->target, t->items[j].target) == 0)
                tr->ordinal++;
    }
    t->checked = x.ok;
    return x.ok;
}

/* ---- JSON and text ---------------------------------------------------------- */

char *stc_trigger_params_text(const stc_trigger *tr)
{
    stc_buf b = STC_BUF_INIT;
    if (!tr->unit)
        return stc_buf_take(&b);
    const stc_method *m = tr->unit->method;
    size_t k = 0;
    for (size_t i = 0; i < m->nparams; i++) {
        const stc_param *p = &m->params[i];
        if (p->vararg || p->kwarg)
            continue;
        bool in = tr->input && cJSON_GetObjectItemCaseSensitive(tr->input, p->name);
        if (in || stc_trigger_field_find(tr->kind, p->name))
            stc_buf_printf(&b, "%s%s", k++ ? ", " : "", p->name);
    }
    return stc_buf_take(&b);
}

char *stc_trigger_summary(const stc_trigger *tr)
{
    const char *src = tr->source ? tr->source : "?";
    if (tr->prefix || tr->suffix)
        return stc_xasprintf("%s %s (%s*%s)", kind_json[tr->kind], src, tr->prefix ? tr->prefix : "",
                             tr->suffix ? tr->suffix : "");
    if (tr->kind == STC_TRIGGER_QUEUE)
        return stc_xasprintf("%s %s (batches of %d)", kind_json[tr->kind], src, tr->batch_size);
    return stc_xasprintf("%s %s", kind_json[tr->kind], src);
}

cJSON *stc_trigger_to_json(const stc_triggers *t, const stc_trigger *tr, size_t mode)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", kind_json[tr->kind]);
    cJSON_AddStringToObject(o, "source", tr->source ? tr->source : "");
    cJSON_AddStringToObject(o, "function", tr->target ? tr->target : "");
    cJSON_AddBoolToObject(o, "async", tr->unit && tr->unit->method->is_async);
    cJSON_AddBoolToObject(o, "enabled", stc_trigger_enabled(tr, mode));
    cJSON *modes = cJSON_AddArrayToObject(o, "modes");
    for (size_t m = 0; m < t->nmodes; m++)
        if (tr->enabled[m])
            cJSON_AddItemToArray(modes, cJSON_CreateString(t->modes[m]));
    cJSON *params = cJSON_AddArrayToObject(o, "params");
    if (tr->unit) {
        const stc_method *m = tr->unit->method;
        for (size_t i = 0; i < m->nparams; i++) {
            const stc_param *p = &m->params[i];
            if (p->vararg || p->kwarg)
                continue;
            bool in = tr->input && cJSON_GetObjectItemCaseSensitive(tr->input, p->name);
            if (in || stc_trigger_field_find(tr->kind, p->name))
                cJSON_AddItemToArray(params, cJSON_CreateString(p->name));
        }
    }
    if (tr->kind == STC_TRIGGER_SCHEDULE) {
        if (tr->input)
            cJSON_AddItemToObject(o, "input", cJSON_Duplicate(tr->input, 1));
        else
            cJSON_AddNullToObject(o, "input");
    }
    if (kind_src[tr->kind] == STC_TSRC_BUCKET) {
        if (tr->prefix)
            cJSON_AddStringToObject(o, "prefix", tr->prefix);
        else
            cJSON_AddNullToObject(o, "prefix");
        if (tr->suffix)
            cJSON_AddStringToObject(o, "suffix", tr->suffix);
        else
            cJSON_AddNullToObject(o, "suffix");
    }
    if (tr->kind == STC_TRIGGER_QUEUE)
        cJSON_AddNumberToObject(o, "batch_size", tr->batch_size);
    cJSON_AddNumberToObject(o, "line", tr->line);
    return o;
}

cJSON *stc_triggers_to_json(const stc_triggers *t, size_t mode)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; t && i < t->count; i++)
        cJSON_AddItemToArray(a, stc_trigger_to_json(t, &t->items[i], mode));
    return a;
}

cJSON *stc_triggers_unit_json(const stc_triggers *t, const char *name, size_t mode)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; t && i < t->count; i++)
        if (t->items[i].target && strcmp(t->items[i].target, name) == 0)
            cJSON_AddItemToArray(a, stc_trigger_to_json(t, &t->items[i], mode));
    return a;
}
