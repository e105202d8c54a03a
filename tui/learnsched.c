/* learnsched.c - see learnsched.h. */
#include "tui/learnsched.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "core/util.h"

void stc_learnsched_init(stc_learnsched *s)
{
    memset(s, 0, sizeof *s);
}

/* Does rule a come before rule b among the rules already asked? */
static bool stc_learnsched_sooner(const stc_learnsched *s, int a, int b)
{
    const stc_learnsched_score *x = &s->rules[a], *y = &s->rules[b];
    if (x->due != y->due)
        return x->due < y->due;
    if (x->box != y->box)
        return x->box < y->box;
    return a < b;
}

/* The best rule of one kind: pass 0 due, 1 new and preferred, 2 new, 3 any
 * asked one; `skip` is left out. */
static int stc_learnsched_pick(const stc_learnsched *s, const bool *has, const bool *prefer, int pass, int skip)
{
    int best = -1;
    for (int r = 0; r < STC_LEARN_RULE_COUNT; r++) {
        if (!has[r] || r == skip)
            continue;
        const stc_learnsched_score *sc = &s->rules[r];
        bool ok = pass == 0   ? sc->box > 0 && sc->due <= s->asked
                  : pass == 1 ? sc->box == 0 && prefer && prefer[r]
                  : pass == 2 ? sc->box == 0
                              : sc->box > 0;
        if (!ok)
            continue;
        if (pass == 1 || pass == 2)
            return r; /* new rules in the order of the list */
        if (best < 0 || stc_learnsched_sooner(s, r, best))
            best = r;
    }
    return best;
}

int stc_learnsched_next(const stc_learnsched *s, const bool *has, const bool *prefer, int last)
{
    for (int pass = 0; pass < 4; pass++) {
        int r = stc_learnsched_pick(s, has, prefer, pass, last);
        if (r >= 0)
            return r;
    }
    /* only the rule asked last is left */
    return last >= 0 && last < STC_LEARN_RULE_COUNT && has[last] ? last : -1;
}

void stc_learnsched_record(stc_learnsched *s, int rule, bool right)
{
    stc_learnsched_score *sc = &s->rules[rule];
    s->asked++;
    if (right) {
        sc->right++;
        sc->box = sc->box < 1 ? 2 : sc->box + 1;
        if (sc->box > STC_LEARNSCHED_BOXES)
            sc->box = STC_LEARNSCHED_BOXES;
    } else {
        sc->wrong++;
        sc->box = 1;
    }
    sc->due = s->asked + (1L << sc->box) - 1;
}

bool stc_learnsched_mastered(const stc_learnsched_score *sc)
{
    return sc->box >= STC_LEARNSCHED_BOXES;
}

int stc_learnsched_mastered_count(const stc_learnsched *s)
{
    int n = 0;
    for (int r = 0; r < STC_LEARN_RULE_COUNT; r++)
        n += stc_learnsched_mastered(&s->rules[r]);
    return n;
}

/* ---- the file ------------------------------------------------------------ */

char *stc_learnsched_json(const stc_learnsched *s)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "version", STC_LEARNSCHED_VERSION);
    cJSON_AddNumberToObject(root, "asked", (double)s->asked);
    cJSON *rules = cJSON_AddObjectToObject(root, "rules");
    for (int r = 0; r < STC_LEARN_RULE_COUNT; r++) {
        const stc_learnsched_score *sc = &s->rules[r];
        if (sc->box == 0 && sc->right == 0 && sc->wrong == 0)
            continue;
        cJSON *o = cJSON_AddObjectToObject(rules, stc_learn_rule_key((stc_learn_rule)r));
        cJSON_AddNumberToObject(o, "box", sc->box);
        cJSON_AddNumberToObject(o, "due", (double)sc->due);
        cJSON_AddNumberToObject(o, "right", (double)sc->right);
        cJSON_AddNumberToObject(o, "wrong", (double)sc->wrong);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char *out = stc_xasprintf("%s\n", text);
    cJSON_free(text);
    return out;
}

/* A whole number in [lo, hi] at `key` of `o`. */
static bool stc_learnsched_int(const cJSON *o, const char *key, long lo, long hi, long *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble < (double)lo || v->valuedouble > (double)hi)
        return false;
    *out = (long)v->valuedouble;
    return true;
}

/* The 1-based line and column of byte `off` in `text`. */
static void stc_learnsched_where(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

enum { STC_LEARNSCHED_MAX = 1000000000 };
#define STC_LEARNSCHED_TEXT(x) #x
#define STC_LEARNSCHED_TEXT2(x) STC_LEARNSCHED_TEXT(x)
#define STC_LEARNSCHED_BOXES_TEXT STC_LEARNSCHED_TEXT2(STC_LEARNSCHED_BOXES)

int stc_learnsched_parse(const char *text, size_t len, stc_learnsched *s, char **err)
{
    stc_learnsched_init(s);
    /* cJSON puts an error at the end of the text on its last character: a
     * newline after it makes "ends too early" point past the end */
    char *copy = stc_xmalloc(len + 2);
    memcpy(copy, text, len);
    copy[len] = '\n';
    copy[len + 1] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, false);
    if (!root) {
        int line, col;
        size_t off = end && end >= copy ? (size_t)(end - copy) : 0;
        stc_learnsched_where(copy, off, &line, &col);
        free(copy);
        *err = stc_xasprintf("line %d, column %d: not valid JSON", line, col);
        return -1;
    }
    free(copy);
    long version = 0, asked = 0;
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
    int status = 0;
    if (!cJSON_IsObject(root)) {
        *err = stc_xstrdup("not a JSON object");
        status = -1;
    } else if (!stc_learnsched_int(root, "version", 1, STC_LEARNSCHED_MAX, &version) ||
               version != STC_LEARNSCHED_VERSION) {
        *err = stc_xasprintf("\"version\" is not %d", STC_LEARNSCHED_VERSION);
        status = -1;
    } else if (!stc_learnsched_int(root, "asked", 0, STC_LEARNSCHED_MAX, &asked)) {
        *err = stc_xstrdup("\"asked\" is not a whole number >= 0");
        status = -1;
    } else if (!cJSON_IsObject(rules)) {
        *err = stc_xstrdup("\"rules\" is not an object");
        status = -1;
    }
    s->asked = asked;
    for (const cJSON *e = rules ? rules->child : NULL; e && status == 0; e = e->next) {
        int r = e->string ? stc_learn_rule_find(e->string) : -1;
        if (r < 0)
            continue; /* a rule this version does not teach */
        stc_learnsched_score *sc = &s->rules[r];
        long box, due, right, wrong;
        const char *bad = !cJSON_IsObject(e) ? "is not an object"
                          : !stc_learnsched_int(e, "box", 0, STC_LEARNSCHED_BOXES, &box)
                              ? "\"box\" is not a whole number from 0 to " STC_LEARNSCHED_BOXES_TEXT
                          : !stc_learnsched_int(e, "due", 0, STC_LEARNSCHED_MAX, &due) ? "\"due\" is not a whole number >= 0"
                          : !stc_learnsched_int(e, "right", 0, STC_LEARNSCHED_MAX, &right)
                              ? "\"right\" is not a whole number >= 0"
                          : !stc_learnsched_int(e, "wrong", 0, STC_LEARNSCHED_MAX, &wrong)
                              ? "\"wrong\" is not a whole number >= 0"
                              : NULL;
        if (bad) {
            *err = stc_xasprintf("rule \"%s\": %s", e->string, bad);
            status = -1;
            break;
        }
        sc->box = (int)box;
        sc->due = due;
        sc->right = right;
        sc->wrong = wrong;
    }
    cJSON_Delete(root);
    if (status != 0)
        stc_learnsched_init(s);
    return status;
}

char *stc_learnsched_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    if (state && state[0] == '/')
        return stc_xasprintf("%s/stc-tui/learn.json", state);
    const char *home = getenv("HOME");
    if (home && *home)
        return stc_xasprintf("%s/.local/state/stc-tui/learn.json", home);
    return NULL;
}

int stc_learnsched_load(const char *path, stc_learnsched *s, char **msg)
{
    stc_learnsched_init(s);
    *msg = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return 1;
    char *text = NULL, *err = NULL;
    size_t len = 0;
    if (stc_file_read(path, &text, &len, &err) != 0) {
        *msg = stc_xasprintf("%s; starting afresh", err);
        free(err);
        return -1;
    }
    int r = stc_learnsched_parse(text, len, s, &err);
    free(text);
    if (r == 0)
        return 0;
    char *bad = stc_xasprintf("%s.bad", path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (rename(path, bad) == 0)
        *msg = stc_xasprintf("%s is not learn progress (%s): starting afresh; the old file is kept as %s.bad", base,
                             err, base);
    else
        *msg = stc_xasprintf("%s is not learn progress (%s): starting afresh; it will be replaced", base, err);
    free(bad);
    free(err);
    return -1;
}

/* mkdir -p of the folder part of `path`. */
static int stc_learnsched_mkdirs(const char *path, char **err)
{
    char *dir = stc_xstrdup(path);
    char *slash = strrchr(dir, '/');
    int status = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; status == 0; p++) {
            if (*p != '/' && *p)
                continue;
            char keep = *p;
            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                *err = stc_xasprintf("cannot create the folder '%s': %s", dir, strerror(errno));
                status = -1;
            }
            *p = keep;
            if (!keep)
                break;
        }
    }
    free(dir);
    return status;
}

int stc_learnsched_save(const char *path, const stc_learnsched *s, char **err)
{
    if (stc_learnsched_mkdirs(path, err) != 0)
        return -1;
    char *text = stc_learnsched_json(s);
    int r = stc_file_write_atomic(path, text, strlen(text), err);
    free(text);
    return r;
}
