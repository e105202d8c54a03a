/* keymap.h - keys -> actions, from the one list in tui/keymap.def.
 *
 * Panes never read keys: the application looks the key up here with the
 * focused pane's scope and hands the pane an action. The help screen and the
 * bottom key bar are generated from the same table. All strings returned are
 * static or owned by the keymap (valid until the program ends).
 */
#ifndef STC_TUI_KEYMAP_H
#define STC_TUI_KEYMAP_H

#include <stddef.h>

typedef enum stc_action {
    STC_ACT_NONE = 0,
#define ACTION(id, name, scope, keys, bar, help) STC_ACT_##id,
#include "tui/keymap.def"
#undef ACTION
    STC_ACT_COUNT
} stc_action;

/* Scopes: which panes a binding applies to. */
enum {
    STC_SCOPE_ANY = 0,
    STC_SCOPE_METHODS = 1 << 0,
    STC_SCOPE_ROUTES = 1 << 1,
    STC_SCOPE_GRAPH = 1 << 2,
    STC_SCOPE_SIM = 1 << 3,
    STC_SCOPE_TEMPLATE = 1 << 4,
    STC_SCOPE_DIAGS = 1 << 5,
    STC_SCOPE_SOURCE = 1 << 6,
    STC_SCOPE_EXPLAIN = 1 << 7,
    STC_SCOPE_ASL = 1 << 8,
};

/* The action bound to `key` in a pane of scope `scope`, or STC_ACT_NONE. */
stc_action stc_keymap_lookup(int key, int scope);

const char *stc_action_name(stc_action a);  /* "move-down" */
const char *stc_action_help(stc_action a);  /* "move down one line" */
const char *stc_action_bar(stc_action a);   /* "Step", or "" */
int stc_action_scope(stc_action a);

/* The keys bound to `a`, written as "j <Down>" (the keymap.def spelling). */
const char *stc_action_keys(stc_action a);

/* The first key of `a` for the key bar, without angle brackets: "Space",
 * "Tab", "?"; writes into buf (n bytes) and returns it. */
char *stc_action_bar_key(stc_action a, char *buf, size_t n);

/* The action named `name`, or STC_ACT_NONE. */
stc_action stc_action_from_name(const char *name);

#endif
