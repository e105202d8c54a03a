/* learn.h - the quiz of learn mode (docs/workbench.md, "Learn mode"): the
 * rules it teaches (tui/learn_rules.def), its curriculum
 * (tui/learn_items.def), the answers a learner types and how they are judged.
 *
 * There is no answer key. A question is a method signature, and its answer is
 * what the compiler makes of it: stc_learn_compile() puts the signature in a
 * one-class module held in memory and runs stc_service_compile_source(), the
 * pipeline the workbench and the batch commands run (the module is parsed,
 * never imported or run). A forward question shows the signature and the
 * learner types what it becomes (a route, a WebSocket route key or a kind);
 * a reverse question shows a route and the parameters and the learner types
 * a method name, which is compiled the same way: any name that gives that
 * route is right.
 *
 * Ownership: a stc_learn_truth owns its compiled service and its texts (the
 * unit and route pointers point into the service); a stc_learn_answer and a
 * stc_learn_verdict own their strings. Free them with the *_free functions,
 * which also accept zeroed structs. Texts returned as char * are the
 * caller's; const char * ones are static.
 */
#ifndef STC_TUI_LEARN_H
#define STC_TUI_LEARN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/routes.h"
#include "core/service.h"

typedef enum stc_learn_rule {
#define RULE(id, key, title, group, statement) STC_LEARN_##id,
#include "tui/learn_rules.def"
#undef RULE
    STC_LEARN_RULE_COUNT
} stc_learn_rule;

const char *stc_learn_rule_key(stc_learn_rule r);   /* "plural-irregular" */
const char *stc_learn_rule_title(stc_learn_rule r); /* "irregular plurals" */
/* The rule in a sentence; verb groups list their verbs from core/verbs.def. */
char *stc_learn_rule_statement(stc_learn_rule r);
/* The verbs of a group, from core/verbs.def: "get, read, fetch, ...". */
char *stc_learn_group_verbs(stc_verb_group g);
/* The rule whose key is `key`, or -1. */
int stc_learn_rule_find(const char *key);

/* What a method becomes (tui/learn_kinds.def). */
typedef enum stc_learn_kind {
#define LKIND(id, name, phrase, spellings) STC_LK_##id,
#include "tui/learn_kinds.def"
#undef LKIND
    STC_LK_COUNT
} stc_learn_kind;

const char *stc_learn_kind_name(stc_learn_kind k);      /* "internal function" */
const char *stc_learn_kind_phrase(stc_learn_kind k);    /* "an internal function (a Lambda with no route)" */
const char *stc_learn_kind_spellings(stc_learn_kind k); /* "internal function|function|fn|..." */

/* The curriculum: item i's rule and signature. */
size_t stc_learn_items_count(void);
stc_learn_rule stc_learn_item_rule(size_t i);
const char *stc_learn_item_signature(size_t i);

/* ---- the compiler's answer -------------------------------------------- */

typedef struct stc_learn_truth {
    stc_service *svc;            /* the one-method module, compiled */
    const stc_unit_info *unit;   /* its one unit */
    const stc_route *route;      /* kind ROUTE */
    const stc_ws_route *ws;      /* kind WS */
    stc_learn_kind kind;
    char *answer;                /* as the quiz writes it: "GET /people/{person_id}?limit body: name",
                                    "ws $connect", "internal function" */
    char *params;                /* the parameter list: "self, person_id: str" */
} stc_learn_truth;

/* Compile `signature` (decorator lines, then "[async ]def name(...)" with or
 * without the colon). Returns 0, or -1 with *err (allocated) when it is not
 * one valid method. */
int stc_learn_compile(const char *signature, stc_learn_truth *t, char **err);
void stc_learn_truth_free(stc_learn_truth *t);

/* The signature of a parsed method, written back from the IR: decorators,
 * "async def", the name, the parameters (annotations, defaults, / and *
 * markers) and the return annotation, without the colon. */
char *stc_learn_signature(const stc_method *m);

/* Does the compiled method show rule r (the predicate the curriculum's tags
 * are checked against)? */
bool stc_learn_rule_shows(stc_learn_rule r, const stc_learn_truth *t);
/* The most specific rule a compiled method shows (for the questions taken
 * from a module). */
stc_learn_rule stc_learn_rule_of(const stc_learn_truth *t);
/* The same for unit u of a compiled service (a module's own method). */
stc_learn_rule stc_learn_rule_of_unit(const stc_service *svc, const stc_unit_info *u);

/* ---- the learner's answer --------------------------------------------- */

typedef struct stc_learn_seg {
    char *text;                  /* the literal, or the parameter's name ("" for {}) */
    bool param;                  /* {name}, :name or <name> */
} stc_learn_seg;

typedef struct stc_learn_answer {
    stc_learn_kind kind;
    char *method;                /* ROUTE: upper case */
    stc_learn_seg *segs;         /* ROUTE: the path's segments */
    size_t nsegs;
    char **query, **body;        /* ROUTE: parameter names, as written */
    size_t nquery, nbody;
    bool has_params;             /* ROUTE: a query string or a body part was written */
    char *ws_key;                /* WS */
} stc_learn_answer;

/* Read a forward answer. Tolerant of case, spaces, a missing leading or an
 * extra trailing slash, {p} / :p / <p> for path parameters, "?a&b" or
 * "query: a, b" and "body: a, b" (or "body: none"), "(async)". Returns 0,
 * or -1 with *err (allocated) saying what answers look like. */
int stc_learn_parse(const char *text, stc_learn_answer *a, char **err);
void stc_learn_answer_free(stc_learn_answer *a);
/* The answer written back ("GET /people/{person_id}?limit body: name"). */
char *stc_learn_answer_text(const stc_learn_answer *a);

/* ---- judging ---------------------------------------------------------- */

typedef struct stc_learn_verdict {
    bool right;
    char **diffs;                /* what differs, one line each */
    size_t ndiffs;
} stc_learn_verdict;

void stc_learn_verdict_free(stc_learn_verdict *v);

/* Judge a forward answer against the compiler's. A path parameter's name
 * only matters when it names another parameter of the method. The query
 * string and body are judged when the answer gives either, and are required
 * when `need_params` is set. */
void stc_learn_judge(const stc_learn_truth *t, const stc_learn_answer *a, bool need_params,
                     stc_learn_verdict *v);

/* A reverse answer: the method the learner typed ("get_person", "async
 * get_person", "def fetch_person(self, person_id)"), compiled with the
 * question's parameters `params` unless it gives its own, into *mine (the
 * caller frees it). Right when *mine gives the route (or route key) of t.
 * Returns 0, or -1 with *err when the text is not a method name or does not
 * compile (nothing is judged then). */
int stc_learn_judge_name(const stc_learn_truth *t, const char *typed, stc_learn_truth *mine,
                         stc_learn_verdict *v, char **err);

/* Can a question about t be asked in reverse (route -> name)? Sync HTTP
 * routes and WebSocket routes can. */
bool stc_learn_reversible(const stc_learn_truth *t);

#endif
