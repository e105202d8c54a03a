/* text.h - UTF-8 text measured in terminal cells.
 *
 * Widths come from wcwidth(3) (wide CJK characters take two cells); when the
 * locale cannot tell (not a UTF-8 locale), East Asian wide ranges still count
 * as two cells so a layout does not depend on the locale. Unprintable
 * characters and invalid UTF-8 become U+FFFD (one cell). All returned strings
 * are allocated and owned by the caller. */
#ifndef STC_RENDER_TEXT_H
#define STC_RENDER_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point from s (at most n bytes, n >= 1). Returns the bytes
 * consumed (>= 1); invalid sequences give *cp = 0xFFFD and consume 1 byte. */
int stc_text_decode(const char *s, size_t n, uint32_t *cp);

/* Encode cp as UTF-8 into out (room for 4 bytes); returns the byte count. */
int stc_text_encode(uint32_t cp, char *out);

/* Cells taken by cp: 0 (combining), 1 or 2; -1 when unprintable. */
int stc_text_cp_width(uint32_t cp);

/* Display width of a UTF-8 string, counting unprintables as one cell. */
int stc_text_width(const char *s);

/* A copy of s with every unprintable character or invalid byte replaced by
 * U+FFFD and every run of whitespace (newlines, tabs) folded to one space. */
char *stc_text_sanitize(const char *s);

/* A copy of s cut to at most max_w cells; when cut, the last cell is an
 * ellipsis (U+2026). max_w < 1 gives "". */
char *stc_text_truncate(const char *s, int max_w);

#endif
