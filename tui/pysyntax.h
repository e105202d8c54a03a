/* pysyntax.h - colours for Python source lines (a small lexer: keywords,
 * strings, comments, numbers, decorators, defined names). Multi-line
 * strings carry over from line to line through a state value. */
#ifndef STC_TUI_PYSYNTAX_H
#define STC_TUI_PYSYNTAX_H

#include <stddef.h>

/* State between lines: 0, or the quote of an open triple-quoted string
 * ('\'' or '"'). */
typedef int stc_pysyntax_state;

/* Fill styles[0..len) with an stc_element per byte of `line` (len bytes)
 * and return the state after the line. */
stc_pysyntax_state stc_pysyntax_line(const char *line, size_t len, stc_pysyntax_state in,
                                     unsigned short *styles);

#endif
