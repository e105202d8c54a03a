/* text.c - UTF-8 decoding and cell widths. */
#define _XOPEN_SOURCE 700 /* wcwidth */
#include "render/text.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/util.h"

int stc_text_decode(const char *s, size_t n, uint32_t *cp)
{
    return stc_utf8_decode(s, n, cp);
}

int stc_text_encode(uint32_t cp, char *out)
{
    return stc_utf8_encode(cp, out);
}

static int wide_fallback(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
           (cp >= 0x3041 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
           (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

int stc_text_cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return -1;
    if (cp < 0x7F)
        return 1;
    if (cp == 0xFFFD)
        return 1;
    int w = wcwidth((wchar_t)cp);
    if (w >= 0)
        return w > 2 ? 2 : w;
    /* The locale does not know the character (e.g. LANG=C). Keep layouts
     * locale-independent for the common cases. */
    if ((cp >= 0x2028 && cp <= 0x202E) || (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xE0000 ||
        (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
        return -1;
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F))
        return 0;
    return wide_fallback(cp) ? 2 : 1;
}

int stc_text_width(const char *s)
{
    int w = 0;
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        int len = stc_text_decode(s, n, &cp);
        int cw = stc_text_cp_width(cp);
        w += cw < 0 ? 1 : cw;
        s += len, n -= (size_t)len;
    }
    return w;
}

char *stc_text_sanitize(const char *s)
{
    stc_buf b = STC_BUF_INIT;
    size_t n = strlen(s);
    int space = 0;
    while (n > 0) {
        uint32_t cp;
        int len = stc_text_decode(s, n, &cp);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
            space = 1;
        } else {
            if (space)
                stc_buf_putc(&b, ' ');
            space = 0;
            char enc[4];
            if (stc_text_cp_width(cp) < 0)
                cp = 0xFFFD;
            stc_buf_add(&b, enc, (size_t)stc_text_encode(cp, enc));
        }
        s += len, n -= (size_t)len;
    }
    if (space && b.len)
        stc_buf_putc(&b, ' ');
    stc_buf_puts(&b, "");
    return stc_buf_take(&b);
}

char *stc_text_truncate(const char *s, int max_w)
{
    if (max_w < 1)
        return stc_xstrdup("");
    if (stc_text_width(s) <= max_w)
        return stc_xstrdup(s);
    stc_buf b = STC_BUF_INIT;
    size_t n = strlen(s);
    int w = 0;
    while (n > 0) {
        uint32_t cp;
        int len = stc_text_decode(s, n, &cp);
        int cw = stc_text_cp_width(cp);
        if (cw < 0)
            cw = 1;
        if (w + cw > max_w - 1)
            break;
        stc_buf_add(&b, s, (size_t)len);
        w += cw;
        s += len, n -= (size_t)len;
    }
    stc_buf_puts(&b, "\xE2\x80\xA6");
    return stc_buf_take(&b);
}
