/* keys.h - key codes and their names (tui/keys.def).
 *
 * A key is an int: a Unicode code point for a character, or STC_KEY_<ID>
 * (above the Unicode range) for a named key. Control keys stay control codes
 * (<C-a> = 1 ... <C-z> = 26), except Tab, Enter, Esc and Backspace, which
 * always become their named keys. The screen layer translates curses codes
 * into these; nothing else knows about curses.
 */
#ifndef STC_TUI_KEYS_H
#define STC_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

enum {
    STC_KEY_BASE = 0x110000,
#define KEY(id, name) STC_KEY_##id,
#include "tui/keys.def"
#undef KEY
    STC_KEY_LIMIT,
};

/* Normalise a raw code (control codes 9, 10, 13, 27, 8, 127) to its named key. */
int stc_key_normalize(int key);

/* Parse one key at *s and advance *s past it: a character ("j", "é"), a
 * named key ("<Down>", "<Space>", "<Lt>" for '<'), or a control key
 * ("<C-c>"). Returns the key, 0 at the end of the string, or -1 for an
 * unknown name (*s is then left at the '<'). */
int stc_key_parse(const char **s);

/* The spelling of `key` for help text: "j", "<Down>", "<C-c>", "<Space>".
 * Writes at most n bytes (NUL-terminated) into buf and returns buf. */
char *stc_key_name(int key, char *buf, size_t n);

#endif
