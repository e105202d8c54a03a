/* util.h - allocation wrappers, growable strings, file I/O.
 *
 * Naming: every public symbol is stc_<module>_<verb> (see docs/styleguide.md).
 * Allocation failure aborts the program (xmalloc style, as htop does): callers
 * never check for NULL from stc_xmalloc and friends.
 */
#ifndef STC_UTIL_H
#define STC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *stc_xmalloc(size_t n);
void *stc_xcalloc(size_t count, size_t size);
void *stc_xrealloc(void *p, size_t n);
char *stc_xstrdup(const char *s);
char *stc_xstrndup(const char *s, size_t n);
char *stc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *stc_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Growable byte buffer, always NUL-terminated. The buffer owns `data`;
 * stc_buf_take() hands it to the caller and resets the buffer. */
typedef struct stc_buf {
    char *data;
    size_t len;
    size_t cap;
} stc_buf;

#define STC_BUF_INIT {NULL, 0, 0}
void stc_buf_reserve(stc_buf *b, size_t extra);
void stc_buf_add(stc_buf *b, const char *s, size_t n);
void stc_buf_puts(stc_buf *b, const char *s);
void stc_buf_putc(stc_buf *b, char c);
void stc_buf_printf(stc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *stc_buf_cstr(stc_buf *b); /* "" for an empty buffer */
char *stc_buf_take(stc_buf *b);
void stc_buf_clear(stc_buf *b); /* empty, keeping the memory for reuse */
void stc_buf_free(stc_buf *b);

/* The decimal text of u (with a leading '-' when minus) into out, NUL-
 * terminated, without printf (hot paths format many numbers); returns its
 * length. */
size_t stc_format_uint(unsigned long long u, bool minus, char out[24]);

/* Read a whole file. Returns 0 and sets *out (NUL-terminated, owned by the
 * caller) and *len; on failure returns -1 and sets *err to an allocated
 * message such as "cannot read 'x.py': No such file or directory". A
 * directory is refused with "is a directory". */
int stc_file_read(const char *path, char **out, size_t *len, char **err);

/* Write `len` bytes to `path` atomically: a temporary file in the same
 * folder, fsync, then rename over the target. On failure nothing is left
 * behind (the temporary is removed) and *err is set as above. */
int stc_file_write_atomic(const char *path, const char *data, size_t len, char **err);

/* Create n new files, all or none: paths[i] gets lens[i] bytes of data[i].
 * None may exist: each is written and synced beside its name first, then
 * linked into place (link() never replaces a name); on any error every file
 * already placed is removed. Returns 0; -2 with *err when a file exists; -1
 * with *err when one cannot be written. */
int stc_files_create(const char *const *paths, const char *const *data, const size_t *lens, size_t n, char **err);

/* The installed data folder of stc-tui (themes/ ...): STC_DATA_REL (the
 * install's datadir/stc-tui, relative to its bindir, set by CMakeLists.txt)
 * from the folder of the running executable (/usr/share/stc-tui for
 * /usr/bin/stc-tui, symbolic links resolved);
 * NULL when that folder does not exist (a build tree: what the build tree
 * needs is compiled in). Static storage, computed on the first call; call it
 * from one thread first. */
const char *stc_data_dir(void);

/* True when `s` (length n) is valid UTF-8. On false, *bad_offset is the
 * byte offset of the first invalid sequence. */
bool stc_utf8_valid(const char *s, size_t n, size_t *bad_offset);

/* Decode one code point from s (at most n bytes, n >= 1). Returns the bytes
 * consumed (>= 1); an invalid or truncated sequence gives *cp = U+FFFD and
 * consumes 1 byte. */
int stc_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encode cp as UTF-8 into out (room for 4 bytes); returns the byte count. */
int stc_utf8_encode(uint32_t cp, char *out);

/* Number of code points in the first `bytes` bytes of `s` (a UTF-8 line). */
int stc_utf8_count(const char *s, size_t bytes);

/* Levenshtein distance between two ASCII strings. */
int stc_edit_distance(const char *a, const char *b);

/* Names to positions in O(1): an open-addressing table over `n` borrowed
 * names, the first of equal names winning (as a linear search finds it).
 * Names may be added one by one (stc_name_index_add) or all at once. */
typedef struct stc_name_index {
    const char **names; /* owned array of borrowed names */
    size_t n, cap;
    size_t *slots;      /* position + 1, 0 = empty */
    size_t nslots;      /* 0 or a power of two, > 2 * n */
} stc_name_index;
size_t stc_name_hash(const char *s); /* FNV-1a */
/* Adds name at position ix->n; returns the position of the first equal name
 * (the new one when there was none). */
size_t stc_name_index_add(stc_name_index *ix, const char *name);
/* Adds name only when no equal name is there (a set in insertion order);
 * true when it was added. NULL is never added. */
bool stc_name_index_insert(stc_name_index *ix, const char *name);
/* The position of the first name equal to `name`, or -1. */
long stc_name_index_find(const stc_name_index *ix, const char *name);
/* Empties the index, keeping its memory for the next names. */
void stc_name_index_clear(stc_name_index *ix);
void stc_name_index_free(stc_name_index *ix);

#define STC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
