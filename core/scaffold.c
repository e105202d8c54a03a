/* scaffold.c - see scaffold.h and docs/new.md. */
#include "core/scaffold.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/inflect.h"
#include "core/util.h"

static const char *const field_types[] = {"str", "int", "float", "bool", "list", "dict"};

static const char *const python_keywords[] = {
    "False", "None",   "True",     "and",   "as",   "assert", "async",  "await",    "break",
    "class", "continue", "def",    "del",   "elif", "else",   "except", "finally",  "for",
    "from",  "global", "if",       "import", "in",  "is",     "lambda", "nonlocal", "not",
    "or",    "pass",   "raise",    "return", "try", "while",  "with",   "yield",    "self"};

/* A snake_case name: lowercase words of letters and digits joined by single
 * underscores, starting with a letter, and no Python keyword. */
static bool stc_sc_name_ok(const char *s)
{
    if (!islower((unsigned char)*s))
        return false;
    char prev = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '_' && (prev == '_' || !p[1]))
            return false;
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            return false;
        prev = *p;
    }
    for (size_t i = 0; i < STC_ARRAY_LEN(python_keywords); i++)
        if (strcmp(s, python_keywords[i]) == 0)
            return false;
    return true;
}

static char *stc_sc_trim(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return stc_xstrndup(s, n);
}

/* The last word of a snake_case name. */
static const char *stc_sc_last_word(const char *s)
{
    const char *us = strrchr(s, '_');
    return us ? us + 1 : s;
}

/* name with its last word pluralized: order_item -> order_items. */
static char *stc_sc_plural(const char *name)
{
    const char *last = stc_sc_last_word(name);
    stc_plural_rule rule;
    char *pl = stc_inflect_plural(last, &rule);
    char *out = stc_xasprintf("%.*s%s", (int)(last - name), name, pl);
    free(pl);
    return out;
}

/* "order_item" -> "order item". */
static char *stc_sc_words(const char *name)
{
    char *w = stc_xstrdup(name);
    for (char *p = w; *p; p++)
        if (*p == '_')
            *p = ' ';
    return w;
}

static void stc_sc_entity_free(stc_scaffold_entity *e)
{
    free(e->name);
    free(e->parent);
    for (size_t i = 0; i < e->nfields; i++) {
        free(e->fields[i].name);
        free(e->fields[i].type);
    }
    free(e->fields);
    free(e->store);
    free(e->id);
}

void stc_scaffold_free(stc_scaffold *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++)
        stc_sc_entity_free(&s->items[i]);
    free(s->items);
    free(s->entities);
    free(s);
}

/* Check one name (an entity or a parent): snake_case, singular. */
static bool stc_sc_check_entity_name(const char *name, size_t at, const char *what, char **err)
{
    if (!*name) {
        *err = stc_xasprintf("--entities: character %zu: %s name is missing", at, what);
        return false;
    }
    if (!stc_sc_name_ok(name)) {
        *err = stc_xasprintf("--entities: character %zu: '%s' is not a valid %s name: lowercase words of letters "
                             "and digits joined by '_', starting with a letter (book, order_item)",
                             at, name, what);
        return false;
    }
    char *singular = NULL;
    stc_plural_rule rule;
    if (stc_inflect_is_plural(stc_sc_last_word(name), &singular, &rule)) {
        *err = stc_xasprintf("--entities: character %zu: '%s' is plural: give the %s in the singular (%.*s%s)", at,
                             name, what, (int)(stc_sc_last_word(name) - name), name, singular);
        free(singular);
        return false;
    }
    free(singular);
    return true;
}

/* "title:str,pages:int" (the inside of the parentheses), at offset `at`. */
static bool stc_sc_fields(stc_scaffold_entity *e, const char *s, size_t n, size_t at, char **err)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != ',')
            continue;
        char *item = stc_sc_trim(s + start, i - start);
        size_t item_at = at + start;
        start = i + 1;
        char *colon = strchr(item, ':');
        char *name = colon ? stc_sc_trim(item, (size_t)(colon - item)) : stc_xstrdup(item);
        char *type = colon ? stc_sc_trim(colon + 1, strlen(colon + 1)) : stc_xstrdup("str");
        free(item);
        bool ok = true;
        if (!*name) {
            *err = stc_xasprintf("--entities: character %zu: a field of '%s' has no name", item_at, e->name);
            ok = false;
        } else if (!stc_sc_name_ok(name)) {
            *err = stc_xasprintf("--entities: character %zu: '%s' is not a valid field name: lowercase words of "
                                 "letters and digits joined by '_'",
                                 item_at, name);
            ok = false;
        }
        bool known = false;
        for (size_t k = 0; k < STC_ARRAY_LEN(field_types); k++)
            known = known || strcmp(type, field_types[k]) == 0;
        if (ok && !known) {
            *err = stc_xasprintf("--entities: character %zu: '%s' is not a field type: str, int, float, bool, list "
                                 "or dict",
                                 item_at, type);
            ok = false;
        }
        char *pid = e->parent ? stc_xasprintf("%s_id", e->parent) : NULL;
        if (ok && (strcmp(name, e->id) == 0 || (pid && strcmp(name, pid) == 0) || strcmp(name, "limit") == 0)) {
            *err = stc_xasprintf("--entities: character %zu: the field '%s' of '%s' clashes with a parameter the "
                                 "methods take already",
                                 item_at, name, e->name);
            ok = false;
        }
        free(pid);
        for (size_t k = 0; ok && k < e->nfields; k++)
            if (strcmp(e->fields[k].name, name) == 0) {
                *err = stc_xasprintf("--entities: character %zu: '%s' has the field '%s' twice", item_at, e->name,
                                     name);
                ok = false;
            }
        if (!ok) {
            free(name);
            free(type);
            return false;
        }
        e->fields = stc_xrealloc(e->fields, (e->nfields + 1) * sizeof *e->fields);
        e->fields[e->nfields++] = (stc_scaffold_field){name, type};
    }
    return true;
}

/* One ENTITY (trimmed), starting at offset `at` (1-based) of the list. */
static bool stc_sc_entity(stc_scaffold_entity *e, const char *s, size_t at, char **err)
{
    memset(e, 0, sizeof *e);
    e->parent_index = -1;
    const char *paren = strchr(s, '(');
    size_t head_len = paren ? (size_t)(paren - s) : strlen(s);
    char *head = stc_sc_trim(s, head_len);
    const char *slash = strchr(head, '/');
    bool ok = true;
    if (slash && strchr(slash + 1, '/')) {
        *err = stc_xasprintf("--entities: character %zu: '%s' nests twice: an entity may have one parent "
                             "(shelf/book)",
                             at, head);
        ok = false;
    }
    if (ok && slash) {
        e->parent = stc_sc_trim(head, (size_t)(slash - head));
        e->name = stc_sc_trim(slash + 1, strlen(slash + 1));
        ok = stc_sc_check_entity_name(e->parent, at, "parent", err) &&
             stc_sc_check_entity_name(e->name, at + (size_t)(slash - head) + 1, "entity", err);
    } else if (ok) {
        e->name = stc_xstrdup(head);
        ok = stc_sc_check_entity_name(e->name, at, "entity", err);
    }
    free(head);
    if (!ok)
        return false;
    e->id = stc_xasprintf("%s_id", e->name);
    char *plural = stc_sc_plural(e->name);
    e->store = e->parent ? stc_xasprintf("%s_%s", e->parent, plural) : stc_xstrdup(plural);
    free(plural);
    if (paren) {
        size_t n = strlen(paren);
        if (n < 2 || paren[n - 1] != ')') {
            *err = stc_xasprintf("--entities: character %zu: the fields of '%s' need a closing ')'",
                                 at + (size_t)(paren - s), e->name);
            return false;
        }
        if (!stc_sc_fields(e, paren + 1, n - 2, at + (size_t)(paren - s) + 1, err))
            return false;
    } else {
        e->fields = stc_xcalloc(1, sizeof *e->fields);
        e->fields[0] = (stc_scaffold_field){stc_xstrdup("name"), stc_xstrdup("str")};
        e->nfields = 1;
    }
    return true;
}

stc_scaffold *stc_scaffold_parse(const char *entities, char **err)
{
    stc_scaffold *s = stc_xcalloc(1, sizeof *s);
    s->entities = stc_xstrdup(entities);
    size_t n = strlen(entities), start = 0;
    int depth = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? entities[i] : ',';
        if (c == '(') {
            if (depth++) {
                *err = stc_xasprintf("--entities: character %zu: '(' inside the fields of an entity", i + 1);
                goto bad;
            }
            continue;
        }
        if (c == ')') {
            if (!depth--) {
                *err = stc_xasprintf("--entities: character %zu: ')' without '('", i + 1);
                goto bad;
            }
            continue;
        }
        if (c != ',' || depth > 0) {
            if (i == n && depth > 0) {
                *err = stc_xasprintf("--entities: the fields that start at character %zu need a closing ')'",
                                     (size_t)(strrchr(entities, '(') - entities) + 1);
                goto bad;
            }
            continue;
        }
        size_t skip = start;
        while (skip < i && isspace((unsigned char)entities[skip]))
            skip++;
        char *item = stc_sc_trim(entities + start, i - start);
        start = i + 1;
        if (!*item) {
            *err = stc_xasprintf("--entities: character %zu: an empty entity (two commas, or a comma at an end)",
                                 skip + 1);
            free(item);
            goto bad;
        }
        s->items = stc_xrealloc(s->items, (s->count + 1) * sizeof *s->items);
        stc_scaffold_entity *e = &s->items[s->count++];
        bool ok = stc_sc_entity(e, item, skip + 1, err);
        free(item);
        if (!ok)
            goto bad;
        /* The same methods twice: book twice, or shelf_book and shelf/book. */
        for (size_t k = 0; k + 1 < s->count; k++)
            if (strcmp(s->items[k].store, e->store) == 0 && strcmp(s->items[k].name, e->name) == 0 &&
                !!s->items[k].parent == !!e->parent) {
                *err = stc_xasprintf("--entities: character %zu: '%s%s%s' is listed twice", skip + 1,
                                     e->parent ? e->parent : "", e->parent ? "/" : "", e->name);
                goto bad;
            } else if (strcmp(s->items[k].store, e->store) == 0) {
                *err = stc_xasprintf("--entities: character %zu: '%s%s%s' and '%s%s%s' would make the same methods "
                                     "(%s)",
                                     skip + 1, s->items[k].parent ? s->items[k].parent : "",
                                     s->items[k].parent ? "/" : "", s->items[k].name, e->parent ? e->parent : "",
                                     e->parent ? "/" : "", e->name, s->items[k].store);
                goto bad;
            }
    }
    if (!s->count) {
        *err = stc_xstrdup("--entities: the list is empty; give ENTITY[,ENTITY...], e.g. book,shelf/book,person");
        goto bad;
    }
    for (size_t i = 0; i < s->count; i++)
        for (size_t k = 0; s->items[i].parent && k < s->count; k++)
            if (!s->items[k].parent && strcmp(s->items[k].name, s->items[i].parent) == 0)
                s->items[i].parent_index = (int)k;
    return s;
bad:
    stc_scaffold_free(s);
    return NULL;
}

char *stc_scaffold_class_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n < 4 || strcmp(base + n - 3, ".py") != 0)
        return NULL;
    n -= 3;
    if (!isalpha((unsigned char)base[0]))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)base[i]) && base[i] != '_')
            return NULL;
    stc_buf b = STC_BUF_INIT;
    bool up = true;
    for (size_t i = 0; i < n; i++) {
        if (base[i] == '_') {
            up = true;
            continue;
        }
        stc_buf_putc(&b, up ? (char)toupper((unsigned char)base[i]) : base[i]);
        up = false;
    }
    size_t len = b.len;
    if (len < 7 || strcmp(stc_buf_cstr(&b) + len - 7, "Service") != 0)
        stc_buf_puts(&b, "Service");
    return stc_buf_take(&b);
}

/* ---- the module -------------------------------------------------------------- */

static void stc_sc_list_text(stc_buf *b, const stc_scaffold *s)
{
    for (size_t i = 0; i < s->count; i++) {
        const stc_scaffold_entity *e = &s->items[i];
        stc_buf_printf(b, "%s%s%s%s", i ? (i + 1 == s->count ? " and " : ", ") : "", e->parent ? e->parent : "",
                       e->parent ? "/" : "", e->name);
    }
}

/* "title: str, pages: int" */
static void stc_sc_params(stc_buf *b, const stc_scaffold_entity *e)
{
    for (size_t i = 0; i < e->nfields; i++)
        stc_buf_printf(b, ", %s: %s", e->fields[i].name, e->fields[i].type);
}

/* The store key of an item: "book_id" or f"{shelf_id}/{book_id}". */
static char *stc_sc_key(const stc_scaffold_entity *e)
{
    return e->parent ? stc_xasprintf("f\"{%s_id}/{%s}\"", e->parent, e->id) : stc_xstrdup(e->id);
}

/* ", shelf_id: str" for a nested entity. */
static char *stc_sc_parent_param(const stc_scaffold_entity *e)
{
    return e->parent ? stc_xasprintf(", %s_id: str", e->parent) : stc_xstrdup("");
}

static void stc_sc_entity_methods(stc_buf *b, const stc_scaffold *s, size_t index)
{
    const stc_scaffold_entity *e = &s->items[index];
    char *words = stc_sc_words(e->name);
    char *store_words = stc_sc_words(e->store);
    char *key = stc_sc_key(e);
    char *pp = stc_sc_parent_param(e);
    const char *pfx = e->parent ? e->parent : "";
    const char *us = e->parent ? "_" : "";
    char *plural = stc_sc_plural(e->name);
    stc_buf_printf(b, "    # ---- %s%s%s ----\n\n", e->parent ? e->parent : "", e->parent ? "/" : "", e->name);

    /* create */
    stc_buf_printf(b, "    def create_%s%s%s(self%s", pfx, us, e->name, pp);
    stc_sc_params(b, e);
    stc_buf_puts(b, ") -> dict:\n");
    if (e->parent)
        stc_buf_printf(b, "        \"\"\"Create a %s under the %s %s_id; it gets a new %s.\"\"\"\n", words, e->parent,
                       e->parent, e->id);
    else
        stc_buf_printf(b, "        \"\"\"Create a %s; it gets a new %s.\"\"\"\n", words, e->id);
    if (e->parent_index >= 0) {
        const stc_scaffold_entity *p = &s->items[e->parent_index];
        stc_buf_printf(b, "        if %s_id not in self.%s:\n            raise KeyError(%s_id)  # no such %s: 404\n",
                       e->parent, p->store, e->parent, e->parent);
    }
    stc_buf_printf(b, "        %s = uuid4().hex\n", e->id);
    stc_buf_printf(b, "        %s = {", e->name);
    if (e->parent)
        stc_buf_printf(b, "\"%s_id\": %s_id, ", e->parent, e->parent);
    stc_buf_printf(b, "\"%s\": %s", e->id, e->id);
    for (size_t i = 0; i < e->nfields; i++)
        stc_buf_printf(b, ", \"%s\": %s", e->fields[i].name, e->fields[i].name);
    stc_buf_puts(b, "}\n");
    stc_buf_printf(b, "        self.%s[%s] = %s\n        return %s\n\n", e->store, key, e->name, e->name);

    /* get */
    stc_buf_printf(b, "    def get_%s%s%s(self%s, %s: str) -> dict:\n", pfx, us, e->name, pp, e->id);
    stc_buf_printf(b, "        \"\"\"One %s; 404 when there is none.\"\"\"\n", words);
    stc_buf_printf(b, "        return self.%s[%s]\n\n", e->store, key);

    /* list */
    stc_buf_printf(b, "    def list_%s%s%s(self%s, limit: int = 100) -> list:\n", pfx, us, plural, pp);
    if (e->parent) {
        stc_buf_printf(b, "        \"\"\"The %s of the %s %s_id, in key order, at most `limit`.\"\"\"\n", store_words,
                       e->parent, e->parent);
        stc_buf_printf(b, "        prefix = f\"{%s_id}/\"\n", e->parent);
        stc_buf_printf(b, "        keys = [key for key in sorted(self.%s) if key.startswith(prefix)]\n", e->store);
        stc_buf_printf(b, "        return [self.%s[key] for key in keys[:limit]]\n\n", e->store);
    } else {
        stc_buf_printf(b, "        \"\"\"The %s, in key order, at most `limit`.\"\"\"\n", store_words);
        stc_buf_printf(b, "        return [self.%s[key] for key in sorted(self.%s)[:limit]]\n\n", e->store, e->store);
    }

    /* update */
    stc_buf_printf(b, "    def update_%s%s%s(self%s, %s: str", pfx, us, e->name, pp, e->id);
    stc_sc_params(b, e);
    stc_buf_puts(b, ") -> dict:\n");
    stc_buf_printf(b, "        \"\"\"Replace the fields of a %s; 404 when there is none.\"\"\"\n", words);
    stc_buf_printf(b, "        %s = self.%s[%s]\n", e->name, e->store, key);
    stc_buf_printf(b, "        %s.update(", e->name);
    for (size_t i = 0; i < e->nfields; i++)
        stc_buf_printf(b, "%s%s=%s", i ? ", " : "", e->fields[i].name, e->fields[i].name);
    stc_buf_puts(b, ")\n");
    stc_buf_printf(b, "        self.%s[%s] = %s\n        return %s\n\n", e->store, key, e->name, e->name);

    /* delete, and the children of a listed parent with it */
    stc_buf_printf(b, "    def delete_%s%s%s(self%s, %s: str) -> dict:\n", pfx, us, e->name, pp, e->id);
    bool children = false;
    for (size_t i = 0; i < s->count; i++)
        children = children || s->items[i].parent_index == (int)index;
    stc_buf_printf(b, "        \"\"\"Delete a %s%s; answers what it was. 404 when there is none.\"\"\"\n", words,
                   children ? " and what is under it" : "");
    if (children) {
        stc_buf_printf(b, "        %s = self.%s.pop(%s)\n", e->name, e->store, key);
        stc_buf_printf(b, "        prefix = f\"{%s}/\"\n", e->id);
        for (size_t i = 0; i < s->count; i++) {
            if (s->items[i].parent_index != (int)index)
                continue;
            stc_buf_printf(b, "        for key in [key for key in self.%s if key.startswith(prefix)]:\n", s->items[i].store);
            stc_buf_printf(b, "            del self.%s[key]\n", s->items[i].store);
        }
        stc_buf_printf(b, "        return %s\n\n", e->name);
    } else {
        stc_buf_printf(b, "        return self.%s.pop(%s)\n\n", e->store, key);
    }

    /* the count, for _report */
    stc_buf_printf(b, "    def _count_%s(self) -> int:\n", e->store);
    stc_buf_printf(b, "        \"\"\"How many %s there are (an internal function: _report calls it).\"\"\"\n",
                   store_words);
    stc_buf_printf(b, "        return len(self.%s)\n\n", e->store);
    free(words);
    free(store_words);
    free(key);
    free(pp);
    free(plural);
}

char *stc_scaffold_module(const stc_scaffold *s, const char *module_file, const char *cls)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_printf(&b, "\"\"\"%s: a CRUD service for ", cls);
    stc_sc_list_text(&b, s);
    stc_buf_puts(&b, ".\n\n");
    stc_buf_printf(&b,
                   "Generated by\n"
                   "    stc-tui new %s --entities '%s'\n"
                   "Every entity has a store (a table) and five methods the naming convention\n"
                   "turns into routes: create (POST), get, list (GET), update (PUT) and\n"
                   "delete (DELETE); `stc-tui routes %s` lists them. A missing item answers\n"
                   "404 (KeyError).\n"
                   "_report is a workflow counting what the stores hold: `stc-tui simulate\n"
                   "%s _report --input '{}'` runs it with the mocks file beside this one.\n"
                   "Edit freely: the names decide the routes (docs/naming-convention.md).\n"
                   "\"\"\"\n",
                   module_file, s->entities, module_file, module_file);
    stc_buf_puts(&b, "from typing import MutableMapping\nfrom uuid import uuid4\n\n\n");
    stc_buf_printf(&b, "class %s:\n    \"\"\"Keeps ", cls);
    for (size_t i = 0; i < s->count; i++) {
        char *w = stc_sc_words(s->items[i].store);
        stc_buf_printf(&b, "%s%s", i ? (i + 1 == s->count ? " and " : ", ") : "", w);
        free(w);
    }
    stc_buf_puts(&b, ".\"\"\"\n\n    def __init__(self):\n");
    for (size_t i = 0; i < s->count; i++)
        stc_buf_printf(&b, "        self.%s: MutableMapping[str, dict] = {}\n", s->items[i].store);
    stc_buf_puts(&b, "\n");
    for (size_t i = 0; i < s->count; i++)
        stc_sc_entity_methods(&b, s, i);
    stc_buf_puts(&b, "    # ---- a workflow ----\n\n");
    stc_buf_puts(&b, "    async def _report(self) -> dict:\n");
    stc_buf_puts(&b, "        \"\"\"How many of each there are: a state machine calling the counts in turn.\"\"\"\n");
    for (size_t i = 0; i < s->count; i++)
        stc_buf_printf(&b, "        %s = self._count_%s()\n", s->items[i].store, s->items[i].store);
    stc_buf_puts(&b, "        return {");
    for (size_t i = 0; i < s->count; i++)
        stc_buf_printf(&b, "%s\"%s\": %s", i ? ", " : "", s->items[i].store, s->items[i].store);
    stc_buf_puts(&b, "}\n");
    return stc_buf_take(&b);
}

char *stc_scaffold_mocks(const stc_scaffold *s, const char *module_file)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "# _report counts ");
    for (size_t i = 0; i < s->count; i++) {
        char *w = stc_sc_words(s->items[i].store);
        stc_buf_printf(&b, "%s%zu %s", i ? (i + 1 == s->count ? " and " : ", ") : "", i + 1, w);
        free(w);
    }
    stc_buf_puts(&b, ".\n#\n");
    stc_buf_printf(&b,
                   "# Mocks of %s for the simulator: what each internal function returns,\n"
                   "# call by call (the last entry repeats). The workbench loads this file\n"
                   "# beside the module; on the command line:\n"
                   "#   stc-tui simulate %s _report --input '{}' --mocks <this file>\n"
                   "# or --run-local to run the real methods (on empty stores: all 0).\n",
                   module_file, module_file);
    for (size_t i = 0; i < s->count; i++)
        stc_buf_printf(&b, "_count_%s:\n  - return: %zu\n", s->items[i].store, i + 1);
    return stc_buf_take(&b);
}

char *stc_scaffold_config(const stc_scaffold *s, const char *module_file)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_printf(&b,
                   "# Deployment settings of %s (docs/config.md). Every key is optional:\n"
                   "# without this file the built-in modes apply (dev, test, stage, prod: see\n"
                   "# `stc-tui diff %s --mode dev --against prod`).\n"
                   "defaults:                  # every mode\n"
                   "  log_retention: 14        # days of logs (built in: 7 dev, 14 test, 30 stage, 365 prod)\n"
                   "modes:\n"
                   "  prod:\n"
                   "    memory: 512            # MB for each function in prod (built in: 1024)\n"
                   "functions:                 # one unit, by method name\n"
                   "  _report:\n"
                   "    workflow_type: express # a short workflow: Express (at most 5 minutes)\n"
                   "  list_%s:\n"
                   "    timeout: 15            # seconds (the HTTP API stops waiting at 30)\n"
                   "# Run _report every day (docs/triggers.md):\n"
                   "# triggers:\n"
                   "#   - schedule: rate(1 day)\n"
                   "#     target: _report\n",
                   module_file, module_file, s->items[0].store);
    return stc_buf_take(&b);
}
