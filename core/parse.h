/* parse.h - Python source -> C IR, through the embedded CPython's own parser.
 *
 * The module is parsed to an AST only (PyCF_ONLY_AST): it is never imported
 * or executed. Problems (unreadable file, invalid UTF-8, NUL bytes, syntax
 * errors, nesting too deep) become diagnostics with file, line and column.
 */
#ifndef STC_PARSE_H
#define STC_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/ir.h"

/* Deepest node nesting the converter accepts (a diagnostic beyond it). */
#define STC_PARSE_MAX_DEPTH 2000

/* Start the embedded interpreter once (isolated: no environment variables,
 * no user site, no signal handlers), as far as the parser needs it: the core
 * phase of CPython's initialization (no import system beyond the built-in
 * and frozen modules, no encodings package, no sys.stdout). Returns 0, or -1
 * with *err set. Safe to call many times. stc_py_finalize() is called at
 * exit by main(). */
int stc_py_init(char **err);
/* stc_py_init(), then the rest of the initialization (the main phase: the
 * import system, encodings, sys streams), for running Python code
 * (core/pyrun.h, serve). Safe to call many times. */
int stc_py_init_main(char **err);
/* Did stc_py_init_main() run (and so, maybe, Python code)? */
bool stc_py_ran_code(void);
void stc_py_finalize(void);

/* LeakSanitizer and CPython. CPython keeps some of what it allocates until
 * exit, or loses it at Py_FinalizeEx, by design. It is linked statically and
 * built without frame pointers, so LeakSanitizer's stacks of its allocations
 * stop at the CPython function that called malloc, and no suppression pattern
 * can tell them from the project's own. Every call into CPython is therefore
 * bracketed by stc_py_enter() / stc_py_leave(): LeakSanitizer does not report
 * what is allocated in between. The project's own allocations stay outside
 * these brackets. Without ASan both are no-ops. */
#if defined(__SANITIZE_ADDRESS__)
#define STC_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STC_LSAN 1
#endif
#endif
#ifdef STC_LSAN
#include <sanitizer/lsan_interface.h>
static inline void stc_py_enter(void) { __lsan_disable(); }
static inline void stc_py_leave(void) { __lsan_enable(); }
#else
static inline void stc_py_enter(void) {}
static inline void stc_py_leave(void) {}
#endif

/* Parse `source` (len bytes; need not be NUL-terminated) named `file`.
 * Returns a module (owned by the caller; free with stc_module_free) or NULL
 * when the text cannot be parsed; the reasons are appended to `d`. */
stc_module *stc_parse_source(const char *file, const char *source, size_t len, stc_diags *d);

/* Read and parse a file. On a read error returns NULL, appends a diagnostic
 * (code STC002) and sets *io_error to 1. */
stc_module *stc_parse_file(const char *path, stc_diags *d, int *io_error);

/* The source text covered by `pos` (an allocated copy), or NULL. */
char *stc_module_text(const stc_module *m, stc_pos pos);

#endif
