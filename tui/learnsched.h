/* learnsched.h - learn mode's spaced repetition (a Leitner box per rule) and
 * the progress file that keeps it between sessions.
 *
 * Time is counted in answers: `asked` is the number of answers given so far
 * (over every session). Each rule has a box, 0 (never asked) to
 * STC_LEARNSCHED_BOXES (mastered), and the answer count at which it is due
 * again. A right answer moves a rule up one box (a new rule straight to box
 * 2, as in Leitner's method, where new cards start in box 1); a wrong one
 * sends it back to box 1. After an answer the rule is due again after
 * 2^box - 1 other answers: a rule answered wrong comes back after one other
 * question, one in box 2 after 3, ... one in box 5 after 31.
 *
 * The next rule to ask (stc_learnsched_next) is, among the rules that have
 * questions: the most overdue one (smallest due count, then lowest box,
 * then the order of tui/learn_rules.def); when none is due, a rule never
 * asked (the preferred ones first: those the open module shows, then in
 * order); when every rule was asked, the one due soonest. The rule just
 * asked is not asked twice in a row when another one can be.
 *
 * The progress file is JSON:
 *   {"version": 1, "asked": 17,
 *    "rules": {"verb-read": {"box": 2, "due": 21, "right": 1, "wrong": 0}, ...}}
 * kept in $XDG_STATE_HOME/stc-tui/learn.json (XDG_STATE_HOME unset, empty or
 * not absolute: ~/.local/state) and written atomically after every answer.
 * Rules the file does not know are ignored; rules it lacks start new.
 *
 * Ownership: texts returned as char * belong to the caller.
 */
#ifndef STC_TUI_LEARNSCHED_H
#define STC_TUI_LEARNSCHED_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/learn.h"

#define STC_LEARNSCHED_BOXES 5
#define STC_LEARNSCHED_VERSION 1

typedef struct stc_learnsched_score {
    int box;     /* 0 never asked, 1..STC_LEARNSCHED_BOXES */
    long due;    /* due again when `asked` reaches this */
    long right, wrong;
} stc_learnsched_score;

typedef struct stc_learnsched {
    long asked;
    stc_learnsched_score rules[STC_LEARN_RULE_COUNT];
} stc_learnsched;

void stc_learnsched_init(stc_learnsched *s);

/* The rule to ask next (see above), or -1 when no rule has questions.
 * has[r]: rule r has questions; prefer[r] (may be NULL): introduce rule r
 * before the other new ones; last: the rule asked last (-1: none). */
int stc_learnsched_next(const stc_learnsched *s, const bool *has, const bool *prefer, int last);

/* Count an answer to rule r. */
void stc_learnsched_record(stc_learnsched *s, int rule, bool right);

/* In the last box. */
bool stc_learnsched_mastered(const stc_learnsched_score *sc);
/* How many rules are mastered. */
int stc_learnsched_mastered_count(const stc_learnsched *s);

/* The progress as the file's JSON text (with a final newline). */
char *stc_learnsched_json(const stc_learnsched *s);
/* Read the file's text into *s. Returns 0, or -1 with *err saying what is
 * wrong ("line 3, column 5: not valid JSON", "\"asked\" is not a whole
 * number >= 0"); *s is then fresh. */
int stc_learnsched_parse(const char *text, size_t len, stc_learnsched *s, char **err);

/* The progress file's path ($XDG_STATE_HOME/stc-tui/learn.json or
 * ~/.local/state/stc-tui/learn.json), or NULL when neither variable gives a
 * place. */
char *stc_learnsched_path(void);

/* Load `path` into *s. Returns 1 when there is no such file (a fresh
 * start), 0 when it was read, -1 when it could not be read or is not
 * progress: *msg then says why (naming the file by its base name), and *s
 * is fresh; a file that is not progress is moved aside to PATH.bad first, so
 * the next save does not destroy it (*msg says so). */
int stc_learnsched_load(const char *path, stc_learnsched *s, char **msg);
/* Save *s to `path` atomically, creating its folders. Returns 0 or -1 with
 * *err. */
int stc_learnsched_save(const char *path, const stc_learnsched *s, char **err);

#endif
