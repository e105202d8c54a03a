/* learnui.c - see learnui.h. Layout:
 *
 *   title: stc-tui  learn  module  Service       question 7  right 5  wrong 1  mastered 3/28
 *   +- Question 7 -----------------------------------------------------+
 *   | What does this method become?                                    |
 *   |   def get_person(self, person_id: str)                           |
 *   |   from people.py, line 23                                        |
 *   | > GET /people/{person_id}_                                       |
 *   +- Right / Not quite / How to answer ------------------------------+
 *   | the verdict, what differs, the rule, the compiler's explanation  |
 *   +------------------------------------------------------------------+
 *   key bar or message
 */
#include "tui/learnui.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/naming.h"
#include "core/util.h"
#include "tui/app.h"
#include "tui/keys.h"
#include "tui/learn.h"
#include "tui/learnsched.h"
#include "tui/pysyntax.h"

/* ---- keys (tui/learn_keys.def) ------------------------------------------ */

enum { ASK = 1, DONE = 2 };

typedef enum stc_lkey {
    STC_LKEY_NONE = 0,
#define LKEY(id, keys, states, bar, help) STC_LKEY_##id,
#include "tui/learn_keys.def"
#undef LKEY
    STC_LKEY_COUNT
} stc_lkey;

typedef struct stc_lkey_info {
    const char *keys;
    int states;
    const char *bar, *help;
} stc_lkey_info;

static const stc_lkey_info stc_lkeys[STC_LKEY_COUNT] = {
    [STC_LKEY_NONE] = {"", 0, "", ""},
#define LKEY(id, keys, states, bar, help) [STC_LKEY_##id] = {keys, states, bar, help},
#include "tui/learn_keys.def"
#undef LKEY
};

static stc_lkey stc_learnui_lookup(int key, int state)
{
    for (int a = 1; a < STC_LKEY_COUNT; a++) {
        if (!(stc_lkeys[a].states & state))
            continue;
        const char *p = stc_lkeys[a].keys;
        for (;;) {
            while (*p == ' ')
                p++;
            int k = stc_key_parse(&p);
            if (k <= 0)
                break;
            if (k == key)
                return (stc_lkey)a;
        }
    }
    return STC_LKEY_NONE;
}

/* ---- state ---------------------------------------------------------------- */

typedef struct stc_learnui_item {
    stc_learn_rule rule;
    char *signature;
    char *where;     /* "people.py, line 23"; NULL for the curriculum */
    unsigned asked;  /* in this session */
    bool broken;     /* did not compile (a module's odd method): never asked */
} stc_learnui_item;

typedef struct stc_learnui stc_learnui;

struct stc_learnui {
    stc_learnui_item *items;
    size_t nitems;
    stc_learnsched sched;
    char *path;       /* the progress file, or NULL (nowhere to keep it) */
    char *path_shown; /* the same with ~ for $HOME */
    bool unsaved;     /* the last save failed */
    uint64_t rng;
    char *source;     /* "people.py  PeopleService", or NULL */
    stc_rich notice;  /* what opening found, shown until the first answer */
    /* the question */
    int number;
    int rule; /* -1 before the first */
    size_t item;
    bool reverse, need_params;
    stc_learn_truth truth;
    stc_rich question;
    /* answering */
    bool typing, answered, was_right;
    char line[512];
    char *yours; /* the answer as judged */
    stc_rich feedback;
    int scroll, page;
    int right, wrong; /* in this session */
    int indent;       /* of the feedback's wrapped rows: under the labels after an answer */
};

static uint64_t stc_learnui_rand(stc_learnui *l)
{
    /* splitmix64: the same sequence on every platform for a seed */
    uint64_t z = (l->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void stc_learnui_item_add(stc_learnui *l, stc_learn_rule rule, char *signature, char *where)
{
    l->items = stc_xrealloc(l->items, (l->nitems + 1) * sizeof *l->items);
    l->items[l->nitems++] = (stc_learnui_item){rule, signature, where, 0, false};
}

/* ---- text helpers ------------------------------------------------------ */

/* Python source lines with the workbench's colours, each indented by `indent`. */
static void stc_learnui_add_code(stc_rich *r, const char *text, int indent)
{
    stc_pysyntax_state lex = 0;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        unsigned short *st = stc_xcalloc(len + 1, sizeof *st);
        lex = stc_pysyntax_line(p, len, lex, st);
        stc_rich_addf(r, STC_EL_NORMAL, "%*s", indent, "");
        for (size_t i = 0; i < len;) {
            size_t k = i;
            while (k < len && st[k] == st[i])
                k++;
            char *run = stc_xstrndup(p + i, k - i);
            stc_rich_add(r, st[i], run);
            free(run);
            i = k;
        }
        free(st);
        stc_rich_add(r, STC_EL_NORMAL, "\n");
        p += len;
        if (*p)
            p++;
    }
}

/* An answer as the quiz writes it ("GET /people/{id}?q body: a", "ws key",
 * a kind), in the colours of the Routes pane. */
static void stc_learnui_add_answer(stc_rich *r, const char *text)
{
    size_t w = strcspn(text, " ");
    bool http = false;
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    for (size_t i = 0; i < STC_ARRAY_LEN(methods); i++)
        http = http || (w == strlen(methods[i]) && strncmp(text, methods[i], w) == 0);
    if (strncmp(text, "ws ", 3) == 0) {
        stc_rich_add(r, STC_EL_BADGE_WS, "ws ");
        stc_rich_add(r, STC_EL_ROUTE_PATH, text + 3);
        return;
    }
    if (!http) {
        stc_rich_add(r, STC_EL_PANE_TITLE, text);
        return;
    }
    char *m = stc_xstrndup(text, w);
    stc_rich_add(r, STC_EL_HTTP_METHOD, m);
    free(m);
    const char *p = text + w;
    const char *body = strstr(p, " body:");
    const char *end = body ? body : p + strlen(p);
    while (p < end) {
        size_t k;
        int el;
        if (*p == '{') {
            k = strcspn(p, "}") + 1;
            el = STC_EL_PARAM_PATH;
        } else if (*p == '?') {
            k = (size_t)(end - p);
            el = STC_EL_PARAM_QUERY;
        } else {
            k = strcspn(p, "{?");
            el = STC_EL_ROUTE_PATH;
        }
        if (p + k > end)
            k = (size_t)(end - p);
        char *run = stc_xstrndup(p, k);
        stc_rich_add(r, el, run);
        free(run);
        p += k;
    }
    if (body)
        stc_rich_add(r, STC_EL_PARAM_BODY, body);
}

static void stc_learnui_label(stc_rich *r, const char *label)
{
    stc_rich_addf(r, STC_EL_SIM_LABEL, "%-8s", label);
}

/* The compiler's explanation of a unit without its "name: " head. */
static const char *stc_learnui_why(const stc_unit_info *u)
{
    const char *why = u->explain ? u->explain : "";
    size_t nl = strlen(u->method->name);
    if (strncmp(why, u->method->name, nl) == 0 && why[nl] == ':')
        why += nl + 2;
    return why;
}

/* Why a compiled method is what it is, as the Explain pane says it: the
 * explanation, the hint, and the diagnostics of its compile. */
static void stc_learnui_add_why(stc_rich *r, const char *label, const stc_learn_truth *t)
{
    stc_learnui_label(r, label);
    stc_rich_addf(r, STC_EL_NORMAL, "%s: %s\n", t->unit->method->name, stc_learnui_why(t->unit));
    if (t->unit->hint) {
        stc_learnui_label(r, "hint");
        stc_rich_addf(r, STC_EL_HINT, "%s\n", t->unit->hint);
    }
    for (size_t i = 0; i < t->svc->diags.count; i++) {
        const stc_diag *dg = &t->svc->diags.items[i];
        int el = dg->severity == STC_SEV_ERROR     ? STC_EL_MARK_ERROR
                 : dg->severity == STC_SEV_WARNING ? STC_EL_MARK_WARNING
                                                   : STC_EL_MARK_NOTE;
        stc_rich_addf(r, el, "%-8s", stc_severity_name(dg->severity));
        stc_rich_addf(r, STC_EL_NORMAL, "%s %s\n", dg->code, dg->message);
    }
}

/* "get_person(self, person_id: str)" */
static char *stc_learnui_call(const stc_learn_truth *t)
{
    return stc_xasprintf("%s%s(%s)", t->unit->method->is_async ? "async " : "", t->unit->method->name, t->params);
}

/* ---- progress ---------------------------------------------------------- */

static void stc_learnui_save(stc_app *app, stc_learnui *l)
{
    if (!l->path)
        return;
    char *err = NULL;
    if (stc_learnsched_save(l->path, &l->sched, &err) != 0) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "progress not saved: %s", err);
        free(err);
        l->unsaved = true;
        return;
    }
    l->unsaved = false;
}

static bool stc_learnui_has_rules(stc_learnui *l, bool *has, bool *prefer)
{
    bool any = false;
    for (int r = 0; r < STC_LEARN_RULE_COUNT; r++)
        has[r] = prefer[r] = false;
    for (size_t i = 0; i < l->nitems; i++) {
        if (l->items[i].broken)
            continue;
        has[l->items[i].rule] = any = true;
        if (l->items[i].where)
            prefer[l->items[i].rule] = true;
    }
    return any;
}

/* An item of rule r: a module's method not asked yet, else one of those
 * asked least, at random among equals. */
static long stc_learnui_pick(stc_learnui *l, int r)
{
    size_t *cand = stc_xcalloc(l->nitems + 1, sizeof *cand);
    size_t n = 0;
    for (size_t i = 0; i < l->nitems; i++)
        if (!l->items[i].broken && (int)l->items[i].rule == r && l->items[i].where && !l->items[i].asked)
            cand[n++] = i;
    if (!n) {
        unsigned least = (unsigned)-1;
        for (size_t i = 0; i < l->nitems; i++)
            if (!l->items[i].broken && (int)l->items[i].rule == r && l->items[i].asked < least)
                least = l->items[i].asked;
        for (size_t i = 0; i < l->nitems; i++)
            if (!l->items[i].broken && (int)l->items[i].rule == r && l->items[i].asked == least)
                cand[n++] = i;
    }
    long pick = n ? (long)cand[stc_learnui_rand(l) % n] : -1;
    free(cand);
    return pick;
}

static void stc_learnui_build_question(stc_learnui *l)
{
    stc_rich *q = &l->question;
    stc_rich_clear(q);
    const stc_learnui_item *it = &l->items[l->item];
    if (l->reverse) {
        stc_rich_add(q, STC_EL_PANE_TITLE, "Which method gives this route?\n\n  ");
        stc_learnui_add_answer(q, l->truth.answer);
        stc_rich_add(q, STC_EL_NORMAL, "\n");
        stc_rich_add(q, STC_EL_SIM_LABEL, "  parameters ");
        stc_rich_addf(q, STC_EL_NORMAL, "(%s)\n", l->truth.params);
    } else {
        stc_rich_add(q, STC_EL_PANE_TITLE, "What does this method become?\n\n");
        stc_learnui_add_code(q, it->signature, 2);
    }
    if (it->where)
        stc_rich_addf(q, STC_EL_DIM, "  from %s\n", it->where);
}

static void stc_learnui_build_howto(stc_learnui *l)
{
    stc_rich *f = &l->feedback;
    stc_rich_clear(f);
    l->indent = 2;
    for (size_t i = 0; i < l->notice.n && l->number == 1; i++)
        stc_rich_add(f, l->notice.runs[i].el, l->notice.runs[i].text);
    if (l->reverse) {
        stc_rich_add(f, STC_EL_NORMAL,
                     "Type the name of a method that gives this route, with the parameters shown (get_person), "
                     "or a whole signature (fetch_person(self, person_id)); then Enter. The compiler compiles "
                     "your method: any name that gives this route is right.\n");
    } else {
        stc_rich_add(f, STC_EL_NORMAL, "Type what the method becomes, then Enter:\n");
        stc_learnui_label(f, "  route");
        stc_learnui_add_answer(f, "GET /people/{person_id}?limit body: name, age");
        stc_rich_add(f, STC_EL_DIM, "  (?query, body: optional)\n");
        stc_learnui_label(f, "  ws");
        stc_learnui_add_answer(f, "ws message");
        stc_rich_add(f, STC_EL_DIM, "  (a WebSocket route key)\n");
        stc_learnui_label(f, "  kind");
        stc_rich_add(f, STC_EL_NORMAL, "internal function, workflow, helper, init, ignored, unclassified\n");
        if (l->need_params)
            stc_rich_add(f, STC_EL_HINT,
                         "This question asks where the other parameters go too: ?a&b for the query string, "
                         "body: a, b for the JSON body.\n");
        else
            stc_rich_add(f, STC_EL_DIM,
                         "Case, spaces and the names of path parameters do not matter; {id}, :id and <id> all "
                         "mark a path parameter.\n");
    }
    stc_rich_add(f, STC_EL_DIM, "Tab shows the answer. Esc leaves the line (? help, s summary, q quit).\n");
}

static void stc_learnui_next(stc_app *app, stc_learnui *l)
{
    bool has[STC_LEARN_RULE_COUNT], prefer[STC_LEARN_RULE_COUNT];
    stc_learn_truth_free(&l->truth);
    for (;;) {
        if (!stc_learnui_has_rules(l, has, prefer)) {
            stc_app_message(app, STC_EL_MESSAGE_ERROR, "no question compiles");
            return;
        }
        int r = stc_learnsched_next(&l->sched, has, prefer, l->rule);
        long i = r >= 0 ? stc_learnui_pick(l, r) : -1;
        if (i < 0)
            return;
        char *err = NULL;
        if (stc_learn_compile(l->items[i].signature, &l->truth, &err) != 0) {
            l->items[i].broken = true; /* e.g. a module's method with a decorator the snippet cannot hold */
            free(err);
            continue;
        }
        l->items[i].asked++;
        l->item = (size_t)i;
        l->rule = r;
        break;
    }
    l->number++;
    l->reverse = stc_learn_reversible(&l->truth) && l->rule != STC_LEARN_NEAR_MISS &&
                 l->rule != STC_LEARN_UNCLASSIFIED && stc_learnui_rand(l) % 3 == 0;
    l->need_params = l->rule == STC_LEARN_QUERY_BODY && !l->reverse;
    l->typing = true;
    l->answered = false;
    l->line[0] = '\0';
    l->scroll = 0;
    free(l->yours);
    l->yours = NULL;
    stc_learnui_build_question(l);
    stc_learnui_build_howto(l);
    app->needs_redraw = true;
}

/* ---- the verdict --------------------------------------------------------- */

static void stc_learnui_box_line(stc_rich *f, const stc_learnsched_score *sc, int old_box, bool right, bool utf8)
{
    const char *arrow = utf8 ? "→" : "->";
    long later = (1L << sc->box) - 1;
    if (!right)
        stc_rich_addf(f, STC_EL_NORMAL, "back to box 1 of %d: asked again after one other question\n",
                      STC_LEARNSCHED_BOXES);
    else if (stc_learnsched_mastered(sc) && old_box == sc->box)
        stc_rich_addf(f, STC_EL_NORMAL, "mastered (box %d of %d): asked again after %ld other questions\n", sc->box,
                      STC_LEARNSCHED_BOXES, later);
    else if (old_box == 0)
        stc_rich_addf(f, STC_EL_NORMAL, "new rule %s box %d of %d: asked again after %ld other questions\n", arrow,
                      sc->box, STC_LEARNSCHED_BOXES, later);
    else
        stc_rich_addf(f, STC_EL_NORMAL, "box %d %s %d of %d%s: asked again after %ld other questions\n", old_box,
                      arrow, sc->box, STC_LEARNSCHED_BOXES, stc_learnsched_mastered(sc) ? ", mastered" : "", later);
}

/* Record the answer, save, and write the verdict. `mine` is the learner's
 * compiled method (reverse questions), `v` NULL when the answer was shown. */
static void stc_learnui_verdict(stc_app *app, stc_learnui *l, const stc_learn_verdict *v, const stc_learn_truth *mine)
{
    bool right = v && v->right;
    l->was_right = right;
    int old_box = l->sched.rules[l->rule].box;
    stc_learnsched_record(&l->sched, l->rule, right);
    stc_learnui_save(app, l);
    if (right)
        l->right++;
    else
        l->wrong++;
    const stc_learn_truth *t = &l->truth;
    stc_rich *f = &l->feedback;
    stc_rich_clear(f);
    l->indent = 8;
    if (right)
        stc_rich_addf(f, STC_EL_MESSAGE, "%s Right.\n", app->utf8 ? "✓" : "+");
    else if (v)
        stc_rich_addf(f, STC_EL_MESSAGE_ERROR, "%s Not quite.\n", app->utf8 ? "✗" : "x");
    else
        stc_rich_add(f, STC_EL_MESSAGE_ERROR, "Shown, so counted as not known.\n");
    if (l->reverse) {
        if (mine) {
            char *call = stc_learnui_call(mine);
            stc_learnui_label(f, "yours");
            stc_rich_addf(f, STC_EL_NORMAL, "%s -> ", call);
            stc_learnui_add_answer(f, mine->answer);
            stc_rich_add(f, STC_EL_NORMAL, "\n");
            free(call);
        }
        char *call = stc_learnui_call(t);
        stc_learnui_label(f, right ? "also" : "answer");
        stc_rich_addf(f, STC_EL_NORMAL, "%s -> ", call);
        stc_learnui_add_answer(f, t->answer);
        stc_rich_add(f, STC_EL_NORMAL, "\n");
        free(call);
        stc_verb_group g = t->unit->group;
        if (t->route && g != STC_VERB_NONE && g != STC_VERB_ACTION) {
            char *verbs = stc_learn_group_verbs(g);
            stc_learnui_label(f, "");
            stc_rich_addf(f, STC_EL_DIM, "any %s verb gives it: %s\n", stc_naming_group_name(g), verbs);
            free(verbs);
        }
    } else {
        if (l->yours) {
            stc_learnui_label(f, "yours");
            stc_learnui_add_answer(f, l->yours);
            stc_rich_add(f, STC_EL_NORMAL, "\n");
        }
        if (!right) {
            stc_learnui_label(f, "answer");
            stc_learnui_add_answer(f, t->answer);
            stc_rich_add(f, STC_EL_NORMAL, "\n");
        }
    }
    for (size_t i = 0; v && i < v->ndiffs; i++) {
        stc_learnui_label(f, i ? "" : "differs");
        stc_rich_addf(f, STC_EL_MESSAGE_ERROR, "%s\n", v->diffs[i]);
    }
    char *st = stc_learn_rule_statement((stc_learn_rule)l->rule);
    stc_learnui_label(f, "rule");
    stc_rich_addf(f, STC_EL_PANE_TITLE, "%s", stc_learn_rule_title((stc_learn_rule)l->rule));
    stc_rich_addf(f, STC_EL_NORMAL, ": %s\n", st);
    free(st);
    stc_learnui_add_why(f, "why", t);
    if (mine && !right)
        stc_learnui_add_why(f, "yours", mine);
    stc_learnui_label(f, "box");
    stc_learnui_box_line(f, &l->sched.rules[l->rule], old_box, right, app->utf8);
    l->typing = false;
    l->answered = true;
    l->scroll = 0;
    app->needs_redraw = true;
}

static void stc_learnui_submit(stc_app *app, stc_learnui *l)
{
    if (!l->line[0]) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "type an answer first (Tab shows it)");
        return;
    }
    char *err = NULL;
    stc_learn_verdict v;
    if (l->reverse) {
        stc_learn_truth mine;
        if (stc_learn_judge_name(&l->truth, l->line, &mine, &v, &err) != 0) {
            stc_app_message(app, STC_EL_MESSAGE_ERROR, "%s", err);
            free(err);
            stc_learn_truth_free(&mine);
            return;
        }
        stc_learnui_verdict(app, l, &v, &mine);
        stc_learn_truth_free(&mine);
    } else {
        stc_learn_answer a;
        if (stc_learn_parse(l->line, &a, &err) != 0) {
            stc_app_message(app, STC_EL_MESSAGE_ERROR, "%s", err);
            free(err);
            return;
        }
        free(l->yours);
        l->yours = stc_learn_answer_text(&a);
        stc_learn_judge(&l->truth, &a, l->need_params, &v);
        stc_learn_answer_free(&a);
        stc_learnui_verdict(app, l, &v, NULL);
    }
    stc_learn_verdict_free(&v);
}

/* ---- summary and help ---------------------------------------------------- */

static void stc_learnui_bar(stc_rich *r, int box, bool utf8)
{
    for (int i = 1; i <= STC_LEARNSCHED_BOXES; i++)
        stc_rich_add(r, i <= box ? STC_EL_MESSAGE : STC_EL_DIM, i <= box ? (utf8 ? "■" : "#") : (utf8 ? "□" : "."));
    stc_rich_add(r, STC_EL_NORMAL, "  ");
}

static int stc_learnui_weaker(const stc_learnsched *s, int a, int b)
{
    const stc_learnsched_score *x = &s->rules[a], *y = &s->rules[b];
    if (x->box != y->box)
        return x->box < y->box;
    if (x->wrong != y->wrong)
        return x->wrong > y->wrong;
    return a < b;
}

static void stc_learnui_summary(stc_app *app, stc_learnui *l)
{
    stc_rich r = STC_RICH_INIT;
    const stc_learnsched *s = &l->sched;
    int mastered = stc_learnsched_mastered_count(s);
    stc_rich_addf(&r, STC_EL_NORMAL, "%ld answer%s so far; %d of %d rules mastered (box %d: right %d times in a row).\n",
                  s->asked, s->asked == 1 ? "" : "s", mastered, STC_LEARN_RULE_COUNT, STC_LEARNSCHED_BOXES,
                  STC_LEARNSCHED_BOXES - 1);
    stc_rich_addf(&r, STC_EL_NORMAL, "This session: %d right, %d wrong.\n", l->right, l->wrong);
    stc_rich_addf(&r, STC_EL_DIM, "Progress file: %s\n", l->path_shown ? l->path_shown : "none (not kept)");
    int order[STC_LEARN_RULE_COUNT], n = 0;
    for (int rr = 0; rr < STC_LEARN_RULE_COUNT; rr++)
        if (s->rules[rr].box > 0 && !stc_learnsched_mastered(&s->rules[rr]))
            order[n++] = rr;
    for (int i = 1; i < n; i++) /* weakest first: lowest box, most wrong */
        for (int k = i; k > 0 && stc_learnui_weaker(s, order[k], order[k - 1]); k--) {
            int tmp = order[k];
            order[k] = order[k - 1];
            order[k - 1] = tmp;
        }
    stc_rich_addf(&r, STC_EL_PANE_TITLE, "\nMastered (%d)\n", mastered);
    for (int rr = 0; rr < STC_LEARN_RULE_COUNT; rr++) {
        if (!stc_learnsched_mastered(&s->rules[rr]))
            continue;
        stc_rich_add(&r, STC_EL_NORMAL, "  ");
        stc_learnui_bar(&r, s->rules[rr].box, app->utf8);
        stc_rich_addf(&r, STC_EL_NORMAL, "%-32s %ld right, %ld wrong\n", stc_learn_rule_title((stc_learn_rule)rr),
                      s->rules[rr].right, s->rules[rr].wrong);
    }
    stc_rich_addf(&r, STC_EL_PANE_TITLE, "\nTo practise, weakest first (%d)\n", n);
    for (int i = 0; i < n; i++) {
        stc_rich_add(&r, STC_EL_NORMAL, "  ");
        stc_learnui_bar(&r, s->rules[order[i]].box, app->utf8);
        stc_rich_addf(&r, STC_EL_NORMAL, "%-32s %ld right, %ld wrong\n",
                      stc_learn_rule_title((stc_learn_rule)order[i]), s->rules[order[i]].right,
                      s->rules[order[i]].wrong);
    }
    int fresh = 0;
    for (int rr = 0; rr < STC_LEARN_RULE_COUNT; rr++)
        fresh += s->rules[rr].box == 0;
    stc_rich_addf(&r, STC_EL_PANE_TITLE, "\nNot asked yet (%d)\n", fresh);
    stc_buf fresh_list = STC_BUF_INIT; /* one run, so that it wraps after the semicolons */
    for (int rr = 0; rr < STC_LEARN_RULE_COUNT; rr++)
        if (s->rules[rr].box == 0)
            stc_buf_printf(&fresh_list, "%s%s", fresh_list.len ? "; " : "  ", stc_learn_rule_title((stc_learn_rule)rr));
    if (fresh_list.len) {
        stc_buf_putc(&fresh_list, '\n');
        stc_rich_add(&r, STC_EL_NORMAL, fresh_list.data);
    }
    stc_buf_free(&fresh_list);
    stc_app_dialog(app, "Learn: progress", &r, "Esc close  j/k scroll", NULL);
}

static void stc_learnui_help(stc_app *app, stc_learnui *l)
{
    stc_rich r = STC_RICH_INIT;
    static const struct {
        int state;
        const char *title;
    } groups[] = {{ASK, "While the answer line is live"}, {DONE, "After an answer, or after Esc"}};
    for (size_t g = 0; g < STC_ARRAY_LEN(groups); g++) {
        stc_rich_addf(&r, STC_EL_PANE_TITLE, "%s%s\n", g ? "\n" : "", groups[g].title);
        for (int a = 1; a < STC_LKEY_COUNT; a++) {
            if (!(stc_lkeys[a].states & groups[g].state))
                continue;
            stc_rich_addf(&r, STC_EL_KEYBAR_KEY, "%-20s", stc_lkeys[a].keys);
            stc_rich_addf(&r, STC_EL_DIALOG, " %s\n", stc_lkeys[a].help);
        }
    }
    stc_rich_add(&r, STC_EL_PANE_TITLE, "\nAnswers\n");
    stc_rich_add(&r, STC_EL_DIALOG,
                 "A method signature: what it becomes. A route (GET /people/{person_id}; ?a&b or query: a, b for "
                 "the query string, body: a, b for the JSON body, both optional unless the question asks), a "
                 "WebSocket route key (ws message, ws $connect) or a kind. Case and spaces do not matter, nor the "
                 "names of path parameters unless they name another parameter of the method.\n"
                 "A route: the name of a method that gives it (any name that does is right).\n");
    for (int k = STC_LK_FUNCTION; k < STC_LK_COUNT; k++) {
        stc_rich_addf(&r, STC_EL_KEYBAR_KEY, "%-20s", stc_learn_kind_name((stc_learn_kind)k));
        char *sp = stc_xstrdup(stc_learn_kind_spellings((stc_learn_kind)k));
        for (char *p = sp; *p; p++)
            if (*p == '|')
                *p = ',';
        stc_rich_addf(&r, STC_EL_DIALOG, " %s\n", sp);
        free(sp);
    }
    stc_rich_add(&r, STC_EL_PANE_TITLE, "\nHow it works\n");
    stc_rich_addf(&r, STC_EL_DIALOG,
                  "The compiler judges every answer: the question's method is compiled on its own, in memory, "
                  "by the stages the workbench runs (never imported or run). Each of the %d rules has a box (1 to "
                  "%d): a right answer moves it up, a wrong one back to box 1, and a rule comes back sooner the "
                  "lower its box. Progress is saved after every answer in %s.\n",
                  STC_LEARN_RULE_COUNT, STC_LEARNSCHED_BOXES, l->path_shown ? l->path_shown : "(nowhere)");
    stc_rich_add(&r, STC_EL_DIALOG,
                 "The order of the questions follows the progress and a seed: stc-tui learn --seed N, or "
                 "STC_LEARN_SEED=N in the environment, repeats it exactly.\n");
    stc_app_dialog(app, "Learn: keys and answers", &r, "Esc close  j/k scroll", NULL);
}

/* ---- open and close -------------------------------------------------------- */

static uint64_t stc_learnui_seed(stc_app *app, stc_learnui *l)
{
    const char *s = app->learn_seed ? app->learn_seed : getenv("STC_LEARN_SEED");
    if (s && *s) {
        char *end = NULL;
        unsigned long long v = strtoull(s, &end, 10);
        if (end && !*end && s[0] != '-')
            return (uint64_t)v;
        stc_rich_addf(&l->notice, STC_EL_MESSAGE_ERROR, "STC_LEARN_SEED=%s is not a whole number: the order is "
                                                         "random.\n", s);
    }
    return (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static void stc_learnui_load(stc_app *app, stc_learnui *l)
{
    l->path = stc_learnsched_path();
    if (!l->path) {
        stc_rich_add(&l->notice, STC_EL_MESSAGE_ERROR,
                     "Neither XDG_STATE_HOME nor HOME is set: the progress of this session is not kept.\n");
        return;
    }
    const char *home = getenv("HOME");
    size_t hl = home ? strlen(home) : 0;
    if (hl > 1 && strncmp(l->path, home, hl) == 0 && l->path[hl] == '/')
        l->path_shown = stc_xasprintf("~%s", l->path + hl);
    else
        l->path_shown = stc_xstrdup(l->path);
    if (app->learn_reset) {
        stc_rich_addf(&l->notice, STC_EL_MESSAGE, "Starting afresh (--reset): %s will be replaced at the first "
                                                   "answer.\n", l->path_shown);
        return;
    }
    char *msg = NULL;
    int r = stc_learnsched_load(l->path, &l->sched, &msg);
    if (r == 1)
        stc_rich_addf(&l->notice, STC_EL_MESSAGE, "Welcome. Your progress will be kept in %s.\n", l->path_shown);
    else if (r == 0)
        stc_rich_addf(&l->notice, STC_EL_MESSAGE, "Welcome back: %ld answers so far, %d of %d rules mastered.\n",
                      l->sched.asked, stc_learnsched_mastered_count(&l->sched), STC_LEARN_RULE_COUNT);
    else
        stc_rich_addf(&l->notice, STC_EL_MESSAGE_ERROR, "%s\n", msg);
    free(msg);
}

/* The module's own methods, from the app's compiled service. */
static void stc_learnui_module(stc_app *app, stc_learnui *l)
{
    const stc_service *svc = app->svc;
    const char *path = app->path;
    if (!path)
        return;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (!svc || !svc->module || app->broken) {
        stc_rich_addf(&l->notice, STC_EL_MESSAGE_ERROR,
                      "%s does not compile: the questions come from the curriculum only.\n", base);
        return;
    }
    const char *name = stc_service_name(svc);
    l->source = name ? stc_xasprintf("%s  %s", base, name) : stc_xstrdup(base);
    for (size_t i = 0; i < svc->nunits; i++) {
        const stc_unit_info *u = &svc->units[i];
        stc_learnui_item_add(l, stc_learn_rule_of_unit(svc, u), stc_learn_signature(u->method),
                             stc_xasprintf("%s, line %d", base, u->method->pos.line));
    }
    if (svc->nunits)
        stc_rich_addf(&l->notice, STC_EL_NORMAL, "Questions about the %zu method%s of %s come first.\n", svc->nunits,
                      svc->nunits == 1 ? "" : "s", base);
}

void stc_learnui_open(stc_app *app)
{
    if (app->learn)
        return;
    stc_learnui *l = stc_xcalloc(1, sizeof *l);
    l->rule = -1;
    if (app->learn_only) {
        /* the theme's problems (STC950-STC954): there is no Diagnostics pane to see them in */
        for (size_t i = 0; i < app->ui_diags.count; i++) {
            const stc_diag *dg = &app->ui_diags.items[i];
            if (strncmp(dg->code, "STC95", 5) == 0 && dg->code[5] >= '0' && dg->code[5] <= '4')
                stc_rich_addf(&l->notice, STC_EL_MESSAGE_ERROR, "theme: %s\n", dg->message);
        }
        free(app->message);
        app->message = NULL;
    }
    l->rng = stc_learnui_seed(app, l);
    stc_learnui_load(app, l);
    for (size_t i = 0; i < stc_learn_items_count(); i++)
        stc_learnui_item_add(l, stc_learn_item_rule(i), stc_xstrdup(stc_learn_item_signature(i)), NULL);
    stc_learnui_module(app, l);
    app->learn = l;
    stc_learnui_next(app, l);
}

void stc_learnui_free(stc_learnui *l)
{
    if (!l)
        return;
    if (l->unsaved && l->path) {
        char *err = NULL;
        if (stc_learnsched_save(l->path, &l->sched, &err) != 0)
            free(err);
    }
    for (size_t i = 0; i < l->nitems; i++) {
        free(l->items[i].signature);
        free(l->items[i].where);
    }
    free(l->items);
    free(l->path);
    free(l->path_shown);
    free(l->source);
    free(l->yours);
    stc_rich_free(&l->notice);
    stc_rich_free(&l->question);
    stc_rich_free(&l->feedback);
    stc_learn_truth_free(&l->truth);
    free(l);
}

void stc_learnui_close(stc_app *app)
{
    stc_learnui *l = app->learn;
    if (!l)
        return;
    int mastered = stc_learnsched_mastered_count(&l->sched);
    bool kept = l->path != NULL;
    stc_learnui_free(l);
    app->learn = NULL;
    app->needs_redraw = true;
    if (app->learn_only) {
        app->quit = true;
        return;
    }
    stc_app_message(app, STC_EL_MESSAGE, "learn mode: %d of %d rules mastered%s; L goes on where you left", mastered,
                    STC_LEARN_RULE_COUNT, kept ? ", progress saved" : "");
}

/* ---- keys ------------------------------------------------------------------ */

static void stc_learnui_type(stc_learnui *l, int key)
{
    char enc[8];
    int n = stc_utf8_encode((uint32_t)key, enc);
    size_t len = strlen(l->line);
    if (len + (size_t)n + 1 < sizeof l->line) {
        memcpy(l->line + len, enc, (size_t)n);
        l->line[len + (size_t)n] = '\0';
    }
}

static void stc_learnui_erase(stc_learnui *l)
{
    size_t n = strlen(l->line);
    while (n > 0 && ((unsigned char)l->line[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    l->line[n] = '\0';
}

void stc_learnui_key(stc_app *app, int key)
{
    stc_learnui *l = app->learn;
    app->needs_redraw = true;
    int state = l->typing ? ASK : DONE;
    stc_lkey a;
    bool printable = key >= 32 && key < STC_KEY_BASE && key != 127;
    if (l->typing && printable)
        a = key == '?' && !l->line[0] ? STC_LKEY_HELP : STC_LKEY_NONE;
    else
        a = stc_learnui_lookup(key, state);
    if (l->typing && printable && a == STC_LKEY_NONE) {
        stc_learnui_type(l, key);
        return;
    }
    int step = l->page > 1 ? l->page - 1 : 1;
    switch (a) {
    case STC_LKEY_ANSWER: stc_learnui_submit(app, l); break;
    case STC_LKEY_SHOW: stc_learnui_verdict(app, l, NULL, NULL); break;
    case STC_LKEY_PAUSE: l->typing = false; break;
    case STC_LKEY_ERASE: stc_learnui_erase(l); break;
    case STC_LKEY_CLEAR: l->line[0] = '\0'; break;
    case STC_LKEY_NEXT:
        if (l->answered)
            stc_learnui_next(app, l);
        else
            l->typing = true;
        break;
    case STC_LKEY_SUMMARY: stc_learnui_summary(app, l); break;
    case STC_LKEY_DOWN: l->scroll++; break;
    case STC_LKEY_UP: l->scroll--; break;
    case STC_LKEY_PAGE_DOWN: l->scroll += step; break;
    case STC_LKEY_PAGE_UP: l->scroll -= step; break;
    case STC_LKEY_HELP: stc_learnui_help(app, l); break;
    case STC_LKEY_LEAVE: stc_learnui_close(app); break;
    case STC_LKEY_QUIT:
        stc_learnui_close(app);
        app->quit = true;
        break;
    case STC_LKEY_NONE:
    case STC_LKEY_COUNT: break;
    }
}

/* ---- drawing ----------------------------------------------------------------- */

static void stc_learnui_draw_title(stc_app *app, stc_learnui *l, stc_cells *c)
{
    int W = app->width;
    stc_cells_fill(c, 0, 0, W, 1, STC_EL_TITLE);
    int x = 1;
    x += stc_cells_put(c, x, 0, "stc-tui", -1, STC_EL_TITLE_FILE) + 2;
    x += stc_cells_put(c, x, 0, "learn", -1, STC_EL_MODE_ACTIVE) + 2;
    char right[128];
    snprintf(right, sizeof right, "right %d  wrong %d   mastered %d/%d", l->right, l->wrong,
             stc_learnsched_mastered_count(&l->sched), STC_LEARN_RULE_COUNT);
    int rw = stc_cells_width(right);
    if (l->source)
        stc_cells_put_cut(c, x, 0, l->source, W - 2 - rw - 2 - x, STC_EL_TITLE_FILE);
    stc_cells_put(c, W - 1 - rw, 0, right, rw, STC_EL_TITLE);
}

static void stc_learnui_draw_line(stc_app *app, stc_learnui *l, stc_cells *c, int x, int y, int w)
{
    const char *prompt = app->utf8 ? "› " : "> ";
    int px = x + stc_cells_put(c, x, y, prompt, w, l->typing ? STC_EL_PROMPT : STC_EL_DIM);
    int room = x + w - px - 1;
    const char *text = l->typing || !l->answered ? l->line : l->yours ? l->yours : l->line;
    /* the end of a long answer stays in view */
    const char *shown = text;
    while (*shown && stc_cells_width(shown) > room)
        shown += stc_cells_decode(shown, strlen(shown), &(unsigned){0});
    px += stc_cells_put(c, px, y, shown, room, l->typing ? STC_EL_PROMPT : STC_EL_DIM);
    if (l->typing)
        stc_cells_put(c, px, y, " ", 1, STC_EL_CURSOR);
    else if (!l->answered)
        stc_cells_put(c, px + 1, y, "(Enter goes on typing)", x + w - px - 1, STC_EL_DIM);
}

static void stc_learnui_draw_keybar(stc_app *app, stc_learnui *l, stc_cells *c)
{
    int y = app->height - 1, W = app->width;
    stc_cells_fill(c, 0, y, W, 1, STC_EL_KEYBAR_LABEL);
    if (app->message) {
        stc_cells_put_cut(c, 1, y, app->message, W - 2, app->message_el);
        return;
    }
    int state = l->typing ? ASK : DONE;
    int x = 1;
    for (int a = 1; a < STC_LKEY_COUNT; a++) {
        if (!(stc_lkeys[a].states & state) || !*stc_lkeys[a].bar || (a == STC_LKEY_QUIT && !l->typing))
            continue; /* after an answer q quits; C-c is shown while q types */
        const char *label = a == STC_LKEY_NEXT && !l->answered ? "Resume" : stc_lkeys[a].bar;
        char key[32];
        const char *k = stc_lkeys[a].keys;
        size_t kl = strcspn(k, " ");
        if (a == STC_LKEY_HELP && l->typing)
            k = "<F1>", kl = 4; /* ? types a question mark into a started answer */
        snprintf(key, sizeof key, "%.*s", (int)kl, k);
        if (key[0] == '<' && kl > 2) {
            memmove(key, key + 1, kl - 2);
            key[kl - 2] = '\0';
        }
        int need = stc_cells_width(key) + 1 + stc_cells_width(label) + 2;
        if (x + need > W)
            break;
        x += stc_cells_put(c, x, y, key, -1, STC_EL_KEYBAR_KEY);
        x += stc_cells_put(c, x, y, " ", -1, STC_EL_KEYBAR_LABEL);
        x += stc_cells_put(c, x, y, label, -1, STC_EL_KEYBAR_LABEL) + 2;
    }
    if (l->answered && l->page > 0 && stc_rich_rows_indent(&l->feedback, W - 4, l->indent) > l->page && x + 12 <= W)
        stc_cells_put(c, x, y, "j/k scroll", -1, STC_EL_DIM);
}

void stc_learnui_draw(stc_app *app, stc_cells *c)
{
    stc_learnui *l = app->learn;
    int W = app->width, H = app->height;
    stc_cells_clear(c, STC_EL_NORMAL);
    stc_learnui_draw_title(app, l, c);
    int inner = W - 4;
    /* the question's frame: its text, a blank row and the answer line */
    /* (the text ends in a newline: its last row is the blank one) */
    int qrows = stc_rich_rows(&l->question, inner) + 1;
    int most = (H - 3) / 2 - 2;
    if (qrows > most)
        qrows = most;
    int qh = qrows + 2;       /* rows 1 .. qh */
    int fy = qh;              /* the feedback frame shares the border row */
    int fh = H - 1 - fy;      /* down to row H - 2 */
    const int rects[2][4] = {{0, 1, W, qh}, {0, fy, W, fh}};
    stc_app_draw_frames(app, c, rects, 2);
    char title[64];
    snprintf(title, sizeof title, " Question %d%s ", l->number, l->reverse ? ": route to method" : "");
    stc_cells_put(c, 2, 1, title, W - 4, STC_EL_PANE_TITLE_FOCUS);
    const char *ft = !l->answered ? (l->typing ? " How to answer " : " Paused ")
                     : l->was_right  ? " Right "
                                     : " Not quite ";
    stc_cells_put(c, 2, fy, ft, W - 4, STC_EL_PANE_TITLE);
    stc_rich_draw(&l->question, c, 2, 2, inner, qrows - 2, 0, 4);
    stc_learnui_draw_line(app, l, c, 2, qh - 1, inner);
    l->page = fh - 2;
    int rows = stc_rich_rows_indent(&l->feedback, inner, l->indent);
    if (l->scroll > rows - l->page)
        l->scroll = rows - l->page;
    if (l->scroll < 0)
        l->scroll = 0;
    stc_rich_draw(&l->feedback, c, 2, fy + 1, inner, l->page, l->scroll, l->indent);
    if (rows > l->page) {
        char more[48];
        snprintf(more, sizeof more, " %d-%d of %d ", l->scroll + 1,
                 l->scroll + l->page < rows ? l->scroll + l->page : rows, rows);
        int mw = stc_cells_width(more);
        stc_cells_put(c, W - 2 - mw, H - 2, more, mw, STC_EL_DIM);
    }
    stc_learnui_draw_keybar(app, l, c);
}
