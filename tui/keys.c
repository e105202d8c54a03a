/* keys.c - see keys.h. */
#include "tui/keys.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const stc_key_names[] = {
#define KEY(id, name) name,
#include "tui/keys.def"
#undef KEY
};

int stc_key_normalize(int key)
{
    switch (key) {
    case '\t': return STC_KEY_TAB;
    case '\n':
    case '\r': return STC_KEY_ENTER;
    case 27: return STC_KEY_ESC;
    case 8:
    case 127: return STC_KEY_BACKSPACE;
    default: return key;
    }
}

/* Decode one UTF-8 sequence; returns the code point and advances, or -1. */
static int stc_key_utf8(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    int c = p[0], need;
    if (c < 0x80) {
        need = 0;
    } else if ((c & 0xE0) == 0xC0) {
        need = 1;
        c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        need = 2;
        c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        need = 3;
        c &= 0x07;
    } else {
        return -1;
    }
    for (int k = 1; k <= need; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return -1;
        c = (c << 6) | (p[k] & 0x3F);
    }
    *s += need + 1;
    return c;
}

int stc_key_parse(const char **s)
{
    const char *p = *s;
    if (!*p)
        return 0;
    if (*p != '<' || !strchr(p, '>')) {
        int c = stc_key_utf8(s);
        return c < 0 ? -1 : stc_key_normalize(c);
    }
    const char *end = strchr(p, '>');
    size_t n = (size_t)(end - p - 1);
    const char *name = p + 1;
    int key = -1;
    if (n == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-') {
        char c = name[2];
        if (c >= 'a' && c <= 'z')
            key = c - 'a' + 1;
        else if (c >= 'A' && c <= 'Z')
            key = c - 'A' + 1;
        if (key == 9 || key == 10 || key == 13 || key == 8)
            key = stc_key_normalize(key);
    } else if (n == 5 && strncasecmp(name, "Space", 5) == 0) {
        key = ' ';
    } else if (n == 2 && strncasecmp(name, "Lt", 2) == 0) {
        key = '<';
    } else if (n == 6 && strncasecmp(name, "Return", 6) == 0) {
        key = STC_KEY_ENTER;
    } else {
        for (size_t i = 0; i < sizeof stc_key_names / sizeof stc_key_names[0]; i++)
            if (strlen(stc_key_names[i]) == n && strncasecmp(name, stc_key_names[i], n) == 0)
                key = STC_KEY_BASE + 1 + (int)i;
    }
    if (key < 0)
        return -1;
    *s = end + 1;
    return key;
}

char *stc_key_name(int key, char *buf, size_t n)
{
    if (key > STC_KEY_BASE && key < STC_KEY_LIMIT)
        snprintf(buf, n, "<%s>", stc_key_names[key - STC_KEY_BASE - 1]);
    else if (key == ' ')
        snprintf(buf, n, "<Space>");
    else if (key == '<')
        snprintf(buf, n, "<Lt>");
    else if (key > 0 && key < 32)
        snprintf(buf, n, "<C-%c>", 'a' + key - 1);
    else if (key < 0x80)
        snprintf(buf, n, "%c", key);
    else if (key < 0x800)
        snprintf(buf, n, "%c%c", 0xC0 | (key >> 6), 0x80 | (key & 0x3F));
    else if (key < 0x10000)
        snprintf(buf, n, "%c%c%c", 0xE0 | (key >> 12), 0x80 | ((key >> 6) & 0x3F),
                 0x80 | (key & 0x3F));
    else
        snprintf(buf, n, "%c%c%c%c", 0xF0 | (key >> 18), 0x80 | ((key >> 12) & 0x3F),
                 0x80 | ((key >> 6) & 0x3F), 0x80 | (key & 0x3F));
    return buf;
}
