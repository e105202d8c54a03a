/* config.c - see config.h and docs/config.md. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/bindings.h"
#include "core/triggers.h"
#include "core/util.h"

/* A value as one layer of the file gives it (present = the layer sets it). */
typedef struct stc_layer_val {
    bool present;
    stc_setting_value v;
} stc_layer_val;

/* One value the file sets: in every mode (mode -1) or one, for the service
 * (unit -1) or one unit. Kept so that any mode can be resolved later. */
struct stc_cfg_entry {
    int mode;
    long unit;
    size_t def;
    stc_setting_value v;
};

typedef struct stc_cfg_ctx {
    const stc_config_schema *sc;
    yaml_document_t *doc;
    const char *path;
    stc_diags *d;
    int mode;
    const stc_unit_info *units;
    size_t nunits;
    bool errors;
    stc_layer_val *defaults;  /* ndefs */
    stc_layer_val *mode_vals; /* ndefs */
    stc_layer_val *unit_all;  /* nunits * ndefs */
    stc_layer_val *unit_mode; /* nunits * ndefs */
    bool has_triggers;
    struct stc_triggers *triggers; /* parsed triggers: section */
    struct stc_bindings *bindings; /* parsed bindings: section */
    struct stc_cfg_entry *entries; /* every value set, any mode */
    size_t nentries;
} stc_cfg_ctx;

static const char *const top_keys[] = {"defaults", "modes", "functions", "triggers", "bindings"};

int stc_config_mode_index(const stc_config_schema *schema, const char *mode)
{
    for (size_t i = 0; mode && i < schema->nmodes; i++)
        if (strcmp(schema->modes[i], mode) == 0)
            return (int)i;
    return -1;
}

char *stc_config_default_path(const char *module_path)
{
    size_t n = strlen(module_path);
    if (n > 3 && strcmp(module_path + n - 3, ".py") == 0)
        n -= 3;
    return stc_xasprintf("%.*s.stc.yaml", (int)n, module_path);
}

static stc_diag *stc_cfg_diag(stc_cfg_ctx *x, const yaml_node_t *n, stc_severity sev, const char *code,
                              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static stc_diag *stc_cfg_diag(stc_cfg_ctx *x, const yaml_node_t *n, stc_severity sev, const char *code,
                              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = stc_xvasprintf(fmt, ap);
    va_end(ap);
    int line = n ? (int)n->start_mark.line + 1 : 0;
    int col = n ? (int)n->start_mark.column + 1 : 0;
    stc_diag *dg = stc_diag_add(x->d, sev, x->path, line, col, code, "%s", msg);
    free(msg);
    if (sev == STC_SEV_ERROR)
        x->errors = true;
    return dg;
}

static const char *stc_closest(const char *word, const char *const *cands, size_t n)
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

/* Is `word` one of the '|'-separated choices? Sets *index. */
static bool stc_choice(const char *choices, const char *word, long long *index)
{
    long long i = 0;
    size_t wl = strlen(word);
    for (const char *p = choices; *p; i++) {
        const char *e = strchr(p, '|');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == wl && strncmp(p, word, l) == 0) {
            *index = i;
            return true;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return false;
}

static char *stc_choices_text(const char *choices)
{
    stc_buf b = STC_BUF_INIT;
    for (const char *p = choices; *p; p++) {
        if (*p == '|')
            stc_buf_puts(&b, ", ");
        else
            stc_buf_putc(&b, *p);
    }
    return stc_buf_take(&b);
}

static bool stc_is_null_text(const char *s, bool plain)
{
    return plain && (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
                     strcmp(s, "NULL") == 0);
}

/* Parse one scalar for `def`. `plain` is false for quoted scalars. On
 * failure returns false and sets *why (allocated). */
static bool stc_cfg_parse_text(const stc_setting_def *def, const char *s, bool plain, stc_setting_value *out,
                               char **why)
{
    memset(out, 0, sizeof *out);
    if (stc_is_null_text(s, plain)) {
        if (!def->nullable) {
            *why = stc_xasprintf("'%s' cannot be null", def->key);
            return false;
        }
        return true;
    }
    switch (def->type) {
    case STC_CFG_INT: {
        const char *p = s;
        if (*p == '-' || *p == '+')
            p++;
        bool digits = *p != '\0';
        for (const char *q = p; *q; q++)
            if (!isdigit((unsigned char)*q))
                digits = false;
        if (!plain || !digits) {
            *why = stc_xasprintf("'%s' must be a whole number, not %s'%s'", def->key, plain ? "" : "the string ", s);
            return false;
        }
        errno = 0;
        long long v = strtoll(s, NULL, 10);
        if (errno || v < def->min || v > def->max) {
            *why = stc_xasprintf("'%s' must be between %lld and %lld, not %s", def->key, def->min, def->max, s);
            return false;
        }
        long long idx;
        if (def->choices && *def->choices) {
            char num[32];
            snprintf(num, sizeof num, "%lld", v);
            if (!stc_choice(def->choices, num, &idx)) {
                char *list = stc_choices_text(def->choices);
                *why = stc_xasprintf("'%s' must be one of %s, not %s", def->key, list, s);
                free(list);
                return false;
            }
        }
        out->i = v;
        out->s = stc_xasprintf("%lld", v);
        break;
    }
    case STC_CFG_BOOL:
        if (plain && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0))
            out->i = 1;
        else if (plain && (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0))
            out->i = 0;
        else {
            *why = stc_xasprintf("'%s' must be true or false, not %s'%s'", def->key, plain ? "" : "the string ", s);
            return false;
        }
        out->s = stc_xstrdup(out->i ? "true" : "false");
        break;
    case STC_CFG_ENUM:
        if (!stc_choice(def->choices, s, &out->i)) {
            char *list = stc_choices_text(def->choices);
            *why = stc_xasprintf("'%s' must be one of %s, not '%s'", def->key, list, s);
            free(list);
            return false;
        }
        out->s = stc_xstrdup(s);
        break;
    case STC_CFG_STRING:
        out->s = stc_xstrdup(s);
        break;
    case STC_CFG_MAP:
        *why = stc_xasprintf("'%s' must be a mapping (or null), not %s'%s'", def->key, plain ? "" : "the string ", s);
        return false;
    }
    out->set = true;
    return true;
}

static yaml_node_t *stc_cfg_node(stc_cfg_ctx *x, int id)
{
    return yaml_document_get_node(x->doc, id);
}

static const char *stc_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *stc_node_what(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    default:
        return "a scalar";
    }
}

/* Check that `n` is a mapping with scalar, unique keys; diagnostics otherwise.
 * `where` names the section ("modes.prod"). */
static bool stc_cfg_expect_map(stc_cfg_ctx *x, const yaml_node_t *n, const char *where)
{
    if (n->type == YAML_SCALAR_NODE && stc_is_null_text(stc_scalar(n), n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE))
        return false; /* an empty section: nothing to do */
    if (n->type != YAML_MAPPING_NODE) {
        stc_cfg_diag(x, n, STC_SEV_ERROR, "STC522", "'%s' must be a mapping of keys to values, not %s", where,
                     stc_node_what(n));
        return false;
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = stc_cfg_node(x, p->key);
        if (!stc_scalar(k)) {
            stc_cfg_diag(x, k, STC_SEV_ERROR, "STC522", "keys in '%s' must be names, not %s", where,
                         stc_node_what(k));
            continue;
        }
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
            const char *qk = stc_scalar(stc_cfg_node(x, q->key));
            if (qk && strcmp(qk, stc_scalar(k)) == 0) {
                yaml_node_t *first = stc_cfg_node(x, q->key);
                stc_cfg_diag(x, k, STC_SEV_ERROR, "STC526", "'%s' appears twice in '%s' (first at line %d)",
                             stc_scalar(k), where, (int)first->start_mark.line + 1);
                break;
            }
        }
    }
    return true;
}

static int stc_cfg_def_index(const stc_config_schema *sc, const char *key)
{
    for (size_t i = 0; i < sc->ndefs; i++)
        if (strcmp(sc->defs[i].key, key) == 0)
            return (int)i;
    return -1;
}

static void stc_cfg_unknown_setting(stc_cfg_ctx *x, const yaml_node_t *k, const char *where, bool unit_level)
{
    const char *key = stc_scalar(k);
    const char **names = stc_xcalloc(x->sc->ndefs + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < x->sc->ndefs; i++)
        names[n++] = x->sc->defs[i].key;
    if (unit_level)
        names[n++] = "modes";
    const char *close = stc_closest(key, names, n);
    stc_diag *dg = stc_cfg_diag(x, k, STC_SEV_ERROR, "STC521", "unknown setting '%s' in '%s'", key, where);
    if (close)
        stc_diag_set_hint(dg, "did you mean '%s'?", close);
    else
        stc_diag_set_hint(dg, "the settings are listed in docs/config.md");
    free(names);
}

/* The JSON value of mapping v (a setting or a binding's value, named
 * `where` in the messages), or NULL after STC522/STC526. */
static cJSON *stc_cfg_json(stc_cfg_ctx *x, const yaml_node_t *v, const char *where)
{
    const yaml_node_t *bad = NULL;
    const char *why = NULL;
    cJSON *json = stc_config_yaml_json(x->doc, v, &bad, &why);
    if (!json) {
        if (!strcmp(why, "twice"))
            stc_cfg_diag(x, bad, STC_SEV_ERROR, "STC526", "'%s' appears twice in '%s'", stc_scalar(bad), where);
        else
            stc_cfg_diag(x, bad, STC_SEV_ERROR, "STC522", "%s in '%s'",
                         !strcmp(why, "deep") ? "the value is nested too deeply" : "keys must be names", where);
    }
    return json;
}

/* Parse a mapping of settings into `layer` (ndefs entries; NULL when the
 * section belongs to another mode than the loaded one). `unit` is the unit
 * the section belongs to (index `unit_index`), or NULL (-1); `mode` the mode
 * index of a modes: section, -1 for every mode. Every value is also kept in
 * x->entries. */
static void stc_cfg_settings(stc_cfg_ctx *x, const yaml_node_t *map, const char *where, const stc_unit_info *unit,
                             long unit_index, int mode, stc_layer_val *layer, const yaml_node_t **modes_out)
{
    if (!stc_cfg_expect_map(x, map, where))
        return;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = stc_cfg_node(x, p->key), *v = stc_cfg_node(x, p->value);
        const char *key = stc_scalar(k);
        if (!key)
            continue;
        if (modes_out && strcmp(key, "modes") == 0) {
            *modes_out = v;
            continue;
        }
        int di = stc_cfg_def_index(x->sc, key);
        if (di < 0) {
            stc_cfg_unknown_setting(x, k, where, modes_out != NULL);
            continue;
        }
        const stc_setting_def *def = &x->sc->defs[di];
        if (unit && def->scope == STC_CFG_SERVICE) {
            stc_diag *dg = stc_cfg_diag(x, k, STC_SEV_ERROR, "STC525",
                                        "'%s' applies to the whole service and cannot be set per unit", key);
            stc_diag_set_hint(dg, "move it under defaults: or modes.<mode>:");
            continue;
        }
        if (unit && def->scope == STC_CFG_LAMBDA && unit->unit != STC_UNIT_LAMBDA) {
            stc_cfg_diag(x, k, STC_SEV_ERROR, "STC525",
                         "'%s' applies to Lambda functions, and '%s' is a workflow (state machine)", key,
                         unit->method->name);
            continue;
        }
        if (unit && def->scope == STC_CFG_WORKFLOW && unit->unit != STC_UNIT_STATE_MACHINE) {
            stc_cfg_diag(x, k, STC_SEV_ERROR, "STC525",
                         "'%s' applies to workflows (state machines), and '%s' is a Lambda function", key,
                         unit->method->name);
            continue;
        }
        if (unit && def->scope == STC_CFG_ROUTE && unit->kind != STC_KIND_REST && unit->kind != STC_KIND_WEBSOCKET) {
            stc_diag *dg = stc_cfg_diag(x, k, STC_SEV_ERROR, "STC525",
                                        "'%s' applies to units an API route reaches, and '%s' has no route", key,
                                        unit->method->name);
            stc_diag_set_hint(dg, "an internal unit is reached only by the service's own units and triggers");
            continue;
        }
        stc_setting_value val;
        char *why = NULL;
        if (def->type == STC_CFG_MAP && v->type == YAML_MAPPING_NODE) {
            cJSON *json = stc_cfg_json(x, v, key);
            if (!json)
                continue;
            memset(&val, 0, sizeof val);
            val.set = true;
            val.s = cJSON_PrintUnformatted(json);
            cJSON_Delete(json);
        } else if (v->type != YAML_SCALAR_NODE) {
            stc_cfg_diag(x, v, STC_SEV_ERROR, "STC522", "'%s' must be a single value, not %s", key,
                         stc_node_what(v));
            continue;
        } else if (!stc_cfg_parse_text(def, stc_scalar(v), v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE, &val,
                                       &why)) {
            stc_cfg_diag(x, v, STC_SEV_ERROR, "STC522", "%s", why);
            free(why);
            continue;
        }
        val.line = (int)v->start_mark.line + 1;
        val.col = (int)v->start_mark.column + 1;
        x->entries = stc_xrealloc(x->entries, (x->nentries + 1) * sizeof *x->entries);
        struct stc_cfg_entry *e = &x->entries[x->nentries++];
        e->mode = mode;
        e->unit = unit_index;
        e->def = (size_t)di;
        e->v = val;
        e->v.s = val.s ? stc_xstrdup(val.s) : NULL;
        if (layer) {
            free(layer[di].v.s);
            layer[di].present = true;
            layer[di].v = val;
        } else {
            free(val.s);
        }
    }
}

/* The mode a key of a modes: section names, or -1 (STC523 at the key). */
static int stc_cfg_mode_of(stc_cfg_ctx *x, const yaml_node_t *k, const char *where)
{
    const char *name = stc_scalar(k);
    int mi = stc_config_mode_index(x->sc, name);
    if (mi < 0) {
        const char *close = stc_closest(name, (const char *const *)x->sc->modes, x->sc->nmodes);
        stc_diag *dg = stc_cfg_diag(x, k, STC_SEV_ERROR, "STC523", "unknown mode '%s' in '%s'", name, where);
        if (close)
            stc_diag_set_hint(dg, "did you mean '%s'? the modes are dev, test, stage and prod", close);
        else
            stc_diag_set_hint(dg, "the modes are dev, test, stage and prod");
    }
    return mi;
}

/* modes: {dev: {...}, prod: {...}}; the selected mode's settings go to `layer`. */
static void stc_cfg_modes(stc_cfg_ctx *x, const yaml_node_t *map, const char *where, const stc_unit_info *unit,
                          long unit_index, stc_layer_val *layer)
{
    if (!stc_cfg_expect_map(x, map, where))
        return;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = stc_cfg_node(x, p->key), *v = stc_cfg_node(x, p->value);
        const char *name = stc_scalar(k);
        if (!name)
            continue;
        int mi = stc_cfg_mode_of(x, k, where);
        if (mi < 0)
            continue;
        char *sub = stc_xasprintf("%s.%s", where, name);
        stc_cfg_settings(x, v, sub, unit, unit_index, mi, mi == x->mode ? layer : NULL, NULL);
        free(sub);
    }
}

static const stc_unit_info *stc_cfg_find_unit(stc_cfg_ctx *x, const char *name, size_t *index)
{
    for (size_t i = 0; i < x->nunits; i++)
        if (strcmp(x->units[i].method->name, name) == 0) {
            *index = i;
            return &x->units[i];
        }
    return NULL;
}

static void stc_cfg_functions(stc_cfg_ctx *x, const yaml_node_t *map)
{
    if (!stc_cfg_expect_map(x, map, "functions"))
        return;
    size_t nd = x->sc->ndefs;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = stc_cfg_node(x, p->key), *v = stc_cfg_node(x, p->value);
        const char *name = stc_scalar(k);
        if (!name)
            continue;
        size_t ui = 0;
        const stc_unit_info *u = stc_cfg_find_unit(x, name, &ui);
        if (!u || u->unit == STC_UNIT_NONE) {
            const char **names = stc_xcalloc(x->nunits + 1, sizeof *names);
            size_t n = 0;
            for (size_t i = 0; i < x->nunits; i++)
                if (x->units[i].unit != STC_UNIT_NONE)
                    names[n++] = x->units[i].method->name;
            const char *close = stc_closest(name, names, n);
            stc_diag *dg;
            if (u)
                dg = stc_cfg_diag(x, k, STC_SEV_ERROR, "STC524",
                                  "'%s' is a %s method, not a cloud unit: it has no settings", name,
                                  stc_kind_json(u->kind));
            else
                dg = stc_cfg_diag(x, k, STC_SEV_ERROR, "STC524", "the service has no method '%s'", name);
            if (close)
                stc_diag_set_hint(dg, "did you mean '%s'?", close);
            else
                stc_diag_set_hint(dg, "keys under functions: are method names of Lambda functions and workflows");
            free(names);
            continue;
        }
        char *where = stc_xasprintf("functions.%s", name);
        const yaml_node_t *modes = NULL;
        stc_cfg_settings(x, v, where, u, (long)ui, -1, x->unit_all + ui * nd, &modes);
        if (modes) {
            char *mw = stc_xasprintf("%s.modes", where);
            stc_cfg_modes(x, modes, mw, u, (long)ui, x->unit_mode + ui * nd);
            free(mw);
        }
        free(where);
    }
}

static bool stc_cfg_number_text(const char *s)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    char *end;
    errno = 0;
    (void)strtod(s, &end);
    return *end == '\0' && errno == 0;
}

static cJSON *stc_yaml_json_at(yaml_document_t *doc, const yaml_node_t *n, const yaml_node_t **bad, const char **why,
                               int depth)
{
    if (depth > 64) {
        *bad = n;
        *why = "deep";
        return NULL;
    }
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = stc_scalar(n);
        bool plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (stc_is_null_text(s, plain))
            return cJSON_CreateNull();
        if (plain && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")))
            return cJSON_CreateTrue();
        if (plain && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")))
            return cJSON_CreateFalse();
        if (plain && stc_cfg_number_text(s))
            return cJSON_CreateNumber(strtod(s, NULL));
        return cJSON_CreateString(s);
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        cJSON *a = cJSON_CreateArray();
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            cJSON *v = stc_yaml_json_at(doc, yaml_document_get_node(doc, *it), bad, why, depth + 1);
            if (!v) {
                cJSON_Delete(a);
                return NULL;
            }
            cJSON_AddItemToArray(a, v);
        }
        return a;
    }
    cJSON *o = cJSON_CreateObject();
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        const char *key = stc_scalar(k);
        if (!key || cJSON_GetObjectItemCaseSensitive(o, key)) {
            *bad = k;
            *why = key ? "twice" : "key";
            cJSON_Delete(o);
            return NULL;
        }
        cJSON *v = stc_yaml_json_at(doc, yaml_document_get_node(doc, p->value), bad, why, depth + 1);
        if (!v) {
            cJSON_Delete(o);
            return NULL;
        }
        cJSON_AddItemToObject(o, key, v);
    }
    return o;
}

/* ---- bindings: ------------------------------------------------------------------ */

static bool stc_cfg_yaml_null(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE &&
           stc_is_null_text(stc_scalar(n), n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
}

cJSON *stc_config_yaml_json(yaml_document_t *doc, const yaml_node_t *n, const yaml_node_t **bad, const char **why)
{
    return stc_yaml_json_at(doc, n, bad, why, 0);
}

static const char *const binding_keys[] = {"store", "existing", "value", "secret", "ssm", "modes"};

/* Set one binding setting in mode `mode`, or in every mode (-1). */
static void stc_cfg_binding_set(stc_cfg_ctx *x, stc_binding_cfg *b, int mode, const char *key, const yaml_node_t *v,
                                const char *where)
{
    size_t from = mode < 0 ? 0 : (size_t)mode, to = mode < 0 ? x->sc->nmodes : (size_t)mode + 1;
    int line = (int)v->start_mark.line + 1, col = (int)v->start_mark.column + 1;
    if (strcmp(key, "store") == 0) {
        const char *word = stc_scalar(v);
        long long which;
        if (!word || !stc_choice("table|bucket", word, &which)) {
            stc_cfg_diag(x, v, STC_SEV_ERROR, "STC522", "'store' in '%s' must be table or bucket, not %s%s%s", where,
                         word ? "'" : "", word ? word : stc_node_what(v), word ? "'" : "");
            return;
        }
        for (size_t m = from; m < to && m < STC_BINDINGS_MAX_MODES; m++) {
            b->modes[m].store = which ? STC_STORE_BUCKET : STC_STORE_TABLE;
            b->modes[m].store_line = line;
            b->modes[m].store_col = col;
        }
    } else if (strcmp(key, "secret") == 0 || strcmp(key, "ssm") == 0) {
        const char *name = stc_scalar(v);
        bool unset = stc_cfg_yaml_null(v);
        if (!name || (!unset && !*name)) {
            stc_cfg_diag(x, v, STC_SEV_ERROR, "STC522", "'%s' in '%s' must be a name or an ARN, or null, not %s", key,
                         where, name ? "an empty string" : stc_node_what(v));
            return;
        }
        for (size_t m = from; m < to && m < STC_BINDINGS_MAX_MODES; m++) {
            stc_binding_mode *bm = &b->modes[m];
            free(bm->secret);
            bm->secret = unset ? NULL : stc_xstrdup(name);
            bm->secret_source = unset ? STC_SECRET_NONE : key[1] == 'e' ? STC_SECRET_MANAGER : STC_SECRET_SSM;
            bm->secret_line = line;
            bm->secret_col = col;
        }
    } else if (strcmp(key, "existing") == 0) {
        const char *name = stc_scalar(v);
        bool unset = stc_cfg_yaml_null(v);
        if (!name || (!unset && !*name)) {
            stc_cfg_diag(x, v, STC_SEV_ERROR, "STC522",
                         "'existing' in '%s' must be a name (a table, a bucket, a topic ARN) or null, not %s", where,
                         name ? "an empty string" : stc_node_what(v));
            return;
        }
        for (size_t m = from; m < to && m < STC_BINDINGS_MAX_MODES; m++) {
            free(b->modes[m].existing);
            b->modes[m].existing = unset ? NULL : stc_xstrdup(name);
            b->modes[m].existing_line = line;
            b->modes[m].existing_col = col;
        }
    } else {
        if (v->type != YAML_MAPPING_NODE) {
            stc_cfg_diag(x, v, STC_SEV_ERROR, "STC522", "'value' in '%s' must be a mapping (a JSON object), not %s",
                         where, stc_node_what(v));
            return;
        }
        cJSON *json = stc_cfg_json(x, v, where);
        if (!json)
            return;
        for (size_t m = from; m < to && m < STC_BINDINGS_MAX_MODES; m++) {
            cJSON_Delete(b->modes[m].value);
            b->modes[m].value = cJSON_Duplicate(json, 1);
            b->modes[m].value_line = line;
            b->modes[m].value_col = col;
        }
        cJSON_Delete(json);
    }
}

/* The settings of one binding in one mapping: for every mode (mode -1, where
 * `modes:` may come too: *modes_out), or for one mode. */
static void stc_cfg_binding_map(stc_cfg_ctx *x, const yaml_node_t *map, const char *where, stc_binding_cfg *b,
                                int mode, const yaml_node_t **modes_out)
{
    if (!stc_cfg_expect_map(x, map, where))
        return;
    bool secret_seen = false;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = stc_cfg_node(x, p->key), *v = stc_cfg_node(x, p->value);
        const char *key = stc_scalar(k);
        if (!key)
            continue;
        if (strcmp(key, "secret") == 0 || strcmp(key, "ssm") == 0) {
            if (secret_seen) {
                stc_diag *dg = stc_cfg_diag(x, k, STC_SEV_ERROR, "STC522", "'%s' has both secret and ssm", where);
                stc_diag_set_hint(dg, "keep one: Secrets Manager (secret) or SSM Parameter Store (ssm)");
                continue;
            }
            secret_seen = true;
        }
        if (modes_out && strcmp(key, "modes") == 0) {
            *modes_out = v;
        } else if (strcmp(key, "store") == 0 || strcmp(key, "existing") == 0 || strcmp(key, "value") == 0 ||
                   strcmp(key, "secret") == 0 || strcmp(key, "ssm") == 0) {
            stc_cfg_binding_set(x, b, mode, key, v, where);
        } else {
            const char *close = stc_closest(key, binding_keys, STC_ARRAY_LEN(binding_keys) - !modes_out);
            stc_diag *dg = stc_cfg_diag(x, k, STC_SEV_ERROR, "STC521", "unknown setting '%s' in '%s'", key, where);
            if (close)
                stc_diag_set_hint(dg, "did you mean '%s'?", close);
            else
                stc_diag_set_hint(dg, "a binding takes store, existing, value, secret and ssm%s", modes_out ? ", and modes" : "");
        }
    }
}

/* One binding: its settings for every mode first, then modes:. */
static void stc_cfg_binding(stc_cfg_ctx *x, const yaml_node_t *map, const char *where, stc_binding_cfg *b)
{
    const yaml_node_t *modes = NULL;
    stc_cfg_binding_map(x, map, where, b, -1, &modes);
    if (!modes)
        return;
    char *mw = stc_xasprintf("%s.modes", where);
    if (stc_cfg_expect_map(x, modes, mw)) {
        for (yaml_node_pair_t *p = modes->data.mapping.pairs.start; p < modes->data.mapping.pairs.top; p++) {
            yaml_node_t *k = stc_cfg_node(x, p->key), *v = stc_cfg_node(x, p->value);
            int mi = stc_scalar(k) ? stc_cfg_mode_of(x, k, mw) : -1;
            if (mi < 0)
                continue;
            char *sub = stc_xasprintf("%s.%s", mw, stc_scalar(k));
            stc_cfg_binding_map(x, v, sub, b, mi, NULL);
            free(sub);
        }
    }
    free(mw);
}

static void stc_cfg_bindings(stc_cfg_ctx *x, const yaml_node_t *map)
{
    stc_bindings *bs = stc_xcalloc(1, sizeof *bs);
    bs->path = x->path ? stc_xstrdup(x->path) : NULL;
    bs->nmodes = x->sc->nmodes;
    x->bindings = bs;
    if (!stc_cfg_expect_map(x, map, "bindings"))
        return;
    size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    bs->items = stc_xcalloc(n + 1, sizeof *bs->items);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = stc_cfg_node(x, p->key), *v = stc_cfg_node(x, p->value);
        const char *name = stc_scalar(k);
        if (!name)
            continue;
        stc_binding_cfg *b = &bs->items[bs->count++];
        b->param = stc_xstrdup(name);
        b->line = (int)k->start_mark.line + 1;
        b->col = (int)k->start_mark.column + 1;
        char *where = stc_xasprintf("bindings.%s", name);
        stc_cfg_binding(x, v, where, b);
        free(where);
    }
}

static void stc_cfg_document(stc_cfg_ctx *x)
{
    yaml_node_t *root = yaml_document_get_root_node(x->doc);
    if (!root)
        return; /* an empty file: built-in defaults */
    if (!stc_cfg_expect_map(x, root, "the configuration"))
        return;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = stc_cfg_node(x, p->key), *v = stc_cfg_node(x, p->value);
        const char *key = stc_scalar(k);
        if (!key)
            continue;
        if (strcmp(key, "defaults") == 0) {
            stc_cfg_settings(x, v, "defaults", NULL, -1, -1, x->defaults, NULL);
        } else if (strcmp(key, "modes") == 0) {
            stc_cfg_modes(x, v, "modes", NULL, -1, x->mode_vals);
        } else if (strcmp(key, "functions") == 0) {
            stc_cfg_functions(x, v);
        } else if (strcmp(key, "bindings") == 0) {
            if (!x->bindings) /* a second bindings: key is STC526 above */
                stc_cfg_bindings(x, v);
        } else if (strcmp(key, "triggers") == 0) {
            x->has_triggers = true;
            if (x->triggers)
                continue; /* a second triggers: key (STC526 above) */
            x->triggers = stc_triggers_parse(x->doc, v, x->path, (const char *const *)x->sc->modes, x->sc->nmodes,
                                             x->d, &x->errors);
        } else {
            const char *close = stc_closest(key, top_keys, STC_ARRAY_LEN(top_keys));
            stc_diag *dg = stc_cfg_diag(x, k, STC_SEV_ERROR, "STC521", "unknown section '%s'", key);
            if (close)
                stc_diag_set_hint(dg, "did you mean '%s'?", close);
            else
                stc_diag_set_hint(dg, "the sections are defaults, modes, functions, triggers and bindings");
        }
    }
}

static void stc_layer_free(stc_layer_val *l, size_t n)
{
    for (size_t i = 0; l && i < n; i++)
        free(l[i].v.s);
    free(l);
}

static void stc_value_copy(stc_setting_value *dst, const stc_setting_value *src)
{
    free(dst->s);
    *dst = *src;
    dst->s = src->s ? stc_xstrdup(src->s) : NULL;
}

static void stc_cfg_entries_free(struct stc_cfg_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].v.s);
    free(e);
}

stc_config *stc_config_load(const stc_config_schema *schema, const char *mode, const char *path,
                            const char *text, size_t len, const stc_unit_info *units, size_t nunits,
                            stc_diags *d)
{
    int mi = stc_config_mode_index(schema, mode ? mode : schema->modes[0]);
    if (mi < 0) {
        stc_diag_add(d, STC_SEV_ERROR, NULL, 0, 0, "STC523", "unknown mode '%s' (the modes are dev, test, stage "
                     "and prod)", mode);
        return NULL;
    }
    size_t nd = schema->ndefs;
    stc_cfg_ctx x = {.sc = schema, .path = path, .d = d, .mode = mi, .units = units, .nunits = nunits};
    x.defaults = stc_xcalloc(nd, sizeof *x.defaults);
    x.mode_vals = stc_xcalloc(nd, sizeof *x.mode_vals);
    x.unit_all = stc_xcalloc(nunits * nd + 1, sizeof *x.unit_all);
    x.unit_mode = stc_xcalloc(nunits * nd + 1, sizeof *x.unit_mode);

    if (text) {
        yaml_parser_t parser;
        yaml_document_t doc;
        yaml_parser_initialize(&parser);
        yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
        if (!yaml_parser_load(&parser, &doc)) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, path, (int)parser.problem_mark.line + 1,
                                        (int)parser.problem_mark.column + 1, "STC520", "YAML: %s%s%s",
                                        parser.problem ? parser.problem : "invalid YAML",
                                        parser.context ? " " : "", parser.context ? parser.context : "");
            (void)dg;
            x.errors = true;
        } else {
            x.doc = &doc;
            stc_cfg_document(&x);
            /* A second document in the stream is not part of the format. */
            yaml_document_t extra;
            if (yaml_parser_load(&parser, &extra)) {
                if (yaml_document_get_root_node(&extra)) {
                    stc_diag_add(d, STC_SEV_ERROR, path, (int)extra.start_mark.line + 1,
                                 (int)extra.start_mark.column + 1, "STC520",
                                 "the configuration must be a single YAML document");
                    x.errors = true;
                }
                yaml_document_delete(&extra);
            }
            yaml_document_delete(&doc);
        }
        yaml_parser_delete(&parser);
    }

    stc_config *c = NULL;
    if (!x.errors) {
        c = stc_xcalloc(1, sizeof *c);
        c->schema = schema;
        c->path = path && text ? stc_xstrdup(path) : NULL;
        c->mode = (size_t)mi;
        c->has_triggers = x.has_triggers;
        c->triggers = x.triggers;
        x.triggers = NULL;
        c->bindings = x.bindings;
        x.bindings = NULL;
        c->units = units;
        c->nunits = nunits;
        c->service = stc_xcalloc(nd, sizeof *c->service);
        c->unit_values = stc_xcalloc(nunits * nd + 1, sizeof *c->unit_values);
        for (size_t u = 0; u < nunits; u++)
            stc_name_index_add(&c->unit_index, units[u].method->name);
        c->entries = x.entries;
        c->nentries = x.nentries;
        x.entries = NULL;
        x.nentries = 0;
        c->mode_defaults = stc_xcalloc(schema->nmodes * nd + 1, sizeof *c->mode_defaults);
        for (size_t m = 0; m < schema->nmodes; m++)
            for (size_t i = 0; i < nd; i++) {
                const stc_setting_def *def = &schema->defs[i];
                char *why = NULL;
                const char *dflt = def->defaults[m] ? def->defaults[m] : "";
                if (!stc_cfg_parse_text(def, dflt, true, &c->mode_defaults[m * nd + i], &why)) {
                    /* The built-in table is wrong: a programming error. */
                    stc_diag_add(d, STC_SEV_ERROR, NULL, 0, 0, "STC529", "built-in default: %s", why);
                    free(why);
                }
            }
        for (size_t i = 0; i < nd; i++) {
            stc_value_copy(&c->service[i], &c->mode_defaults[(size_t)mi * nd + i]);
            if (x.defaults[i].present)
                stc_value_copy(&c->service[i], &x.defaults[i].v);
            if (x.mode_vals[i].present)
                stc_value_copy(&c->service[i], &x.mode_vals[i].v);
            for (size_t u = 0; u < nunits; u++) {
                stc_setting_value *dst = &c->unit_values[u * nd + i];
                stc_value_copy(dst, &c->service[i]);
                if (x.unit_all[u * nd + i].present)
                    stc_value_copy(dst, &x.unit_all[u * nd + i].v);
                if (x.unit_mode[u * nd + i].present)
                    stc_value_copy(dst, &x.unit_mode[u * nd + i].v);
            }
        }
    }
    stc_triggers_free(x.triggers);
    stc_bindings_free(x.bindings);
    stc_cfg_entries_free(x.entries, x.nentries);
    stc_layer_free(x.defaults, nd);
    stc_layer_free(x.mode_vals, nd);
    stc_layer_free(x.unit_all, nunits * nd);
    stc_layer_free(x.unit_mode, nunits * nd);
    return c;
}

void stc_config_free(stc_config *c)
{
    if (!c)
        return;
    size_t nd = c->schema->ndefs;
    for (size_t i = 0; i < nd; i++)
        free(c->service[i].s);
    for (size_t i = 0; i < c->nunits * nd; i++)
        free(c->unit_values[i].s);
    stc_triggers_free(c->triggers);
    stc_bindings_free(c->bindings);
    stc_cfg_entries_free(c->entries, c->nentries);
    for (size_t i = 0; i < c->schema->nmodes * nd; i++)
        free(c->mode_defaults[i].s);
    free(c->mode_defaults);
    free(c->service);
    free(c->unit_values);
    stc_name_index_free(&c->unit_index);
    free(c->path);
    free(c);
}

const stc_setting_value *stc_config_get(const stc_config *c, const char *unit_name, size_t setting)
{
    long u = stc_name_index_find(&c->unit_index, unit_name);
    return u >= 0 ? &c->unit_values[(size_t)u * c->schema->ndefs + setting] : &c->service[setting];
}

const stc_setting_value *stc_config_get_mode(const stc_config *c, const char *unit_name, size_t setting,
                                             size_t mode)
{
    if (mode == c->mode || mode >= c->schema->nmodes)
        return stc_config_get(c, unit_name, setting);
    long u = stc_name_index_find(&c->unit_index, unit_name);
    const stc_setting_value *best = &c->mode_defaults[mode * c->schema->ndefs + setting];
    int best_rank = 0;
    for (size_t i = 0; i < c->nentries; i++) {
        const struct stc_cfg_entry *e = &c->entries[i];
        if (e->def != setting || (e->mode >= 0 && (size_t)e->mode != mode) || (e->unit >= 0 && e->unit != u))
            continue;
        /* The precedence of docs/config.md: defaults:, modes.<mode>:,
         * functions.<unit>:, functions.<unit>.modes.<mode>:. */
        int rank = 1 + (e->mode >= 0) + 2 * (e->unit >= 0);
        if (rank >= best_rank) {
            best = &e->v;
            best_rank = rank;
        }
    }
    return best;
}

long long stc_config_int(const stc_config *c, const char *unit_name, size_t setting)
{
    return stc_config_get(c, unit_name, setting)->i;
}

bool stc_config_bool(const stc_config *c, const char *unit_name, size_t setting)
{
    const stc_setting_value *v = stc_config_get(c, unit_name, setting);
    return v->set && v->i != 0;
}

const char *stc_config_str(const stc_config *c, const char *unit_name, size_t setting)
{
    const stc_setting_value *v = stc_config_get(c, unit_name, setting);
    return v->set ? v->s : NULL;
}

cJSON *stc_config_list(const char *text)
{
    cJSON *out = cJSON_CreateArray();
    for (const char *q = text; q && *q;) {
        while (*q == ' ')
            q++;
        size_t n = strcspn(q, ",");
        size_t w = n;
        while (w && q[w - 1] == ' ')
            w--;
        if (w) {
            char *one = stc_xstrndup(q, w);
            cJSON_AddItemToArray(out, cJSON_CreateString(one));
            free(one);
        }
        q += n + (q[n] == ',');
    }
    return out;
}
