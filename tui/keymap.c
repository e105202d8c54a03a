/* keymap.c - see keymap.h. */
#include "tui/keymap.h"

#include <string.h>

#include "tui/keys.h"

/* The scope words of keymap.def. */
#define ANY STC_SCOPE_ANY
#define METHODS STC_SCOPE_METHODS
#define ROUTES STC_SCOPE_ROUTES
#define GRAPH STC_SCOPE_GRAPH
#define SIM STC_SCOPE_SIM
#define TEMPLATE STC_SCOPE_TEMPLATE
#define DIAGS STC_SCOPE_DIAGS
#define SOURCE STC_SCOPE_SOURCE
#define ASL STC_SCOPE_ASL

typedef struct stc_action_info {
    const char *name;
    int scope;
    const char *keys;
    const char *bar;
    const char *help;
} stc_action_info;

static const stc_action_info stc_actions[STC_ACT_COUNT] = {
    [STC_ACT_NONE] = {"none", ANY, "", "", ""},
#define ACTION(id, name, scope, keys, bar, help) [STC_ACT_##id] = {name, scope, keys, bar, help},
#include "tui/keymap.def"
#undef ACTION
};

/* Does `keys` (the keymap.def spelling) contain `key`? */
static int stc_keys_contain(const char *keys, int key)
{
    const char *p = keys;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        int k = stc_key_parse(&p);
        if (k <= 0)
            return 0; /* keymap.def is checked by the unit test */
        if (k == key)
            return 1;
    }
    return 0;
}

stc_action stc_keymap_lookup(int key, int scope)
{
    if (scope)
        for (int a = 1; a < STC_ACT_COUNT; a++)
            if ((stc_actions[a].scope & scope) && stc_keys_contain(stc_actions[a].keys, key))
                return (stc_action)a;
    for (int a = 1; a < STC_ACT_COUNT; a++)
        if (stc_actions[a].scope == ANY && stc_keys_contain(stc_actions[a].keys, key))
            return (stc_action)a;
    return STC_ACT_NONE;
}

const char *stc_action_name(stc_action a)
{
    return a < STC_ACT_COUNT ? stc_actions[a].name : "none";
}

const char *stc_action_help(stc_action a)
{
    return a < STC_ACT_COUNT ? stc_actions[a].help : "";
}

const char *stc_action_bar(stc_action a)
{
    return a < STC_ACT_COUNT ? stc_actions[a].bar : "";
}

int stc_action_scope(stc_action a)
{
    return a < STC_ACT_COUNT ? stc_actions[a].scope : ANY;
}

const char *stc_action_keys(stc_action a)
{
    return a < STC_ACT_COUNT ? stc_actions[a].keys : "";
}

char *stc_action_bar_key(stc_action a, char *buf, size_t n)
{
    const char *p = stc_action_keys(a);
    int k = stc_key_parse(&p);
    if (k <= 0) {
        if (n)
            buf[0] = '\0';
        return buf;
    }
    char tmp[32];
    stc_key_name(k, tmp, sizeof tmp);
    size_t len = strlen(tmp);
    if (len > 2 && tmp[0] == '<' && tmp[len - 1] == '>') {
        tmp[len - 1] = '\0';
        memmove(tmp, tmp + 1, len - 1);
    }
    strncpy(buf, tmp, n);
    if (n)
        buf[n - 1] = '\0';
    return buf;
}

stc_action stc_action_from_name(const char *name)
{
    for (int a = 1; a < STC_ACT_COUNT; a++)
        if (strcmp(stc_actions[a].name, name) == 0)
            return (stc_action)a;
    return STC_ACT_NONE;
}
