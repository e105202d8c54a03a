/* util.c - see util.h. */
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void stc_oom(void)
{
    fputs("stc-tui: out of memory\n", stderr);
    abort();
}

void *stc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        stc_oom();
    return p;
}

void *stc_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        stc_oom();
    return p;
}

void *stc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        stc_oom();
    return q;
}

char *stc_xstrdup(const char *s)
{
    return stc_xstrndup(s, strlen(s));
}

char *stc_xstrndup(const char *s, size_t n)
{
    char *p = stc_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *stc_xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        stc_oom();
    char *p = stc_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *stc_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = stc_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void stc_buf_reserve(stc_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = stc_xrealloc(b->data, cap);
    b->cap = cap;
}

void stc_buf_add(stc_buf *b, const char *s, size_t n)
{
    stc_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void stc_buf_puts(stc_buf *b, const char *s)
{
    stc_buf_add(b, s, strlen(s));
}

void stc_buf_putc(stc_buf *b, char c)
{
    stc_buf_add(b, &c, 1);
}

void stc_buf_printf(stc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = stc_xvasprintf(fmt, ap);
    va_end(ap);
    stc_buf_puts(b, s);
    free(s);
}

const char *stc_buf_cstr(stc_buf *b)
{
    return b->data ? b->data : "";
}

char *stc_buf_take(stc_buf *b)
{
    char *p = b->data ? b->data : stc_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void stc_buf_clear(stc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

size_t stc_format_uint(unsigned long long u, bool minus, char out[24])
{
    char digits[20]; /* 2^64 - 1 has 20 */
    size_t k = 0;
    do {
        digits[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t n = 0;
    if (minus)
        out[n++] = '-';
    while (k)
        out[n++] = digits[--k];
    out[n] = '\0';
    return n;
}

void stc_buf_free(stc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int stc_file_read(const char *path, char **out, size_t *len, char **err)
{
    *out = NULL;
    if (len)
        *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = stc_xasprintf("cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        *err = stc_xasprintf("cannot read '%s': is a directory", path);
        return -1;
    }
    stc_buf b = STC_BUF_INIT;
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *err = stc_xasprintf("cannot read '%s': %s", path, strerror(errno));
            close(fd);
            stc_buf_free(&b);
            return -1;
        }
        if (n == 0)
            break;
        stc_buf_add(&b, chunk, (size_t)n);
    }
    close(fd);
    if (len)
        *len = b.len;
    *out = stc_buf_take(&b);
    return 0;
}

#ifndef STC_DATA_REL
#define STC_DATA_REL "../share/stc-tui"
#endif

const char *stc_data_dir(void)
{
    static char dir[4096];
    static int state; /* 0 not looked for, 1 found, -1 none */
    if (state)
        return state > 0 ? dir : NULL;
    state = -1;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    int len = STC_DATA_REL[0] == '/' ? snprintf(dir, sizeof dir, "%s", STC_DATA_REL)
                                     : snprintf(dir, sizeof dir, "%s/%s", exe, STC_DATA_REL);
    struct stat st;
    if (len <= 0 || (size_t)len >= sizeof dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    char *real = realpath(dir, NULL); /* /usr/share/stc-tui, not /usr/bin/../share/stc-tui */
    if (real && strlen(real) < sizeof dir)
        memcpy(dir, real, strlen(real) + 1);
    free(real);
    state = 1;
    return dir;
}

/* Write data to a new temporary file beside path, synced; its name in *tmp_out. */
static int stc_write_temp(const char *path, const char *data, size_t len, char **tmp_out, char **err)
{
    char *tmp = stc_xasprintf("%s.stc-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        *err = stc_xasprintf("cannot write '%s': %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        off += (size_t)n;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    *tmp_out = tmp;
    return 0;
fail:
    *err = stc_xasprintf("cannot write '%s': %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return -1;
}

int stc_file_write_atomic(const char *path, const char *data, size_t len, char **err)
{
    char *tmp = NULL;
    if (stc_write_temp(path, data, len, &tmp, err) != 0)
        return -1;
    if (rename(tmp, path) != 0) {
        *err = stc_xasprintf("cannot write '%s': %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int stc_files_create(const char *const *paths, const char *const *data, const size_t *lens, size_t n, char **err)
{
    struct stat st;
    for (size_t i = 0; i < n; i++)
        if (lstat(paths[i], &st) == 0) {
            *err = stc_xasprintf("'%s' exists already: nothing was written (remove it, or choose another name)",
                                 paths[i]);
            return -2;
        }
    char **tmp = stc_xcalloc(n + 1, sizeof *tmp);
    size_t placed = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (stc_write_temp(paths[i], data[i], lens[i], &tmp[i], err) != 0)
            rc = -1;
    /* link() puts each in place and fails when the name exists meanwhile:
     * nothing is ever replaced. */
    for (; rc == 0 && placed < n; placed++)
        if (link(tmp[placed], paths[placed]) != 0) {
            rc = errno == EEXIST ? -2 : -1;
            *err = rc == -2 ? stc_xasprintf("'%s' exists already: nothing was written (remove it, or choose "
                                            "another name)",
                                            paths[placed])
                            : stc_xasprintf("cannot write '%s': %s", paths[placed], strerror(errno));
            break;
        }
    if (rc != 0)
        for (size_t i = 0; i < placed; i++)
            unlink(paths[i]);
    for (size_t i = 0; i < n; i++) {
        if (tmp[i])
            unlink(tmp[i]);
        free(tmp[i]);
    }
    free(tmp);
    return rc;
}

int stc_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    int len;
    uint32_t c, min;
    if ((u[0] & 0xE0) == 0xC0) {
        len = 2, c = u[0] & 0x1F, min = 0x80;
    } else if ((u[0] & 0xF0) == 0xE0) {
        len = 3, c = u[0] & 0x0F, min = 0x800;
    } else if ((u[0] & 0xF8) == 0xF0) {
        len = 4, c = u[0] & 0x07, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if ((size_t)len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (u[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return len;
}

int stc_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool stc_utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int len = stc_utf8_decode(s + i, n - i, &cp);
        /* Only an invalid sequence gives U+FFFD from a single non-ASCII byte. */
        if (cp == 0xFFFD && len == 1) {
            if (bad_offset)
                *bad_offset = i;
            return false;
        }
        i += (size_t)len;
    }
    return true;
}

int stc_utf8_count(const char *s, size_t bytes)
{
    int n = 0;
    for (size_t i = 0; i < bytes && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

int stc_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int *row = stc_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    int d = row[lb];
    free(row);
    return d;
}

/* ---- name index -------------------------------------------------------- */

size_t stc_name_hash(const char *x)
{
    size_t h = 1469598103934665603u;
    for (; *x; x++)
        h = (h ^ (unsigned char)*x) * 1099511628211u;
    return h;
}

static size_t *stc_name_slot(const stc_name_index *ix, const char *name)
{
    size_t mask = ix->nslots - 1;
    for (size_t j = stc_name_hash(name) & mask;; j = (j + 1) & mask)
        if (!ix->slots[j] || strcmp(ix->names[ix->slots[j] - 1], name) == 0)
            return &ix->slots[j];
}

size_t stc_name_index_add(stc_name_index *ix, const char *name)
{
    if (ix->n == ix->cap) {
        ix->cap = ix->cap ? 2 * ix->cap : 16;
        ix->names = stc_xrealloc(ix->names, ix->cap * sizeof *ix->names);
    }
    size_t pos = ix->n;
    ix->names[ix->n++] = name;
    if (2 * ix->n >= ix->nslots) {
        free(ix->slots);
        ix->nslots = ix->nslots ? 2 * ix->nslots : 32;
        while (2 * ix->n >= ix->nslots)
            ix->nslots *= 2;
        ix->slots = stc_xcalloc(ix->nslots, sizeof *ix->slots);
        for (size_t i = 0; i < ix->n; i++) {
            size_t *slot = stc_name_slot(ix, ix->names[i]);
            if (!*slot)
                *slot = i + 1;
        }
        return *stc_name_slot(ix, name) - 1;
    }
    size_t *slot = stc_name_slot(ix, name);
    if (!*slot)
        *slot = pos + 1;
    return *slot - 1;
}

bool stc_name_index_insert(stc_name_index *ix, const char *name)
{
    if (!name || stc_name_index_find(ix, name) >= 0)
        return false;
    stc_name_index_add(ix, name);
    return true;
}

long stc_name_index_find(const stc_name_index *ix, const char *name)
{
    if (!ix->nslots || !name)
        return -1;
    size_t slot = *stc_name_slot(ix, name);
    return slot ? (long)slot - 1 : -1;
}

void stc_name_index_clear(stc_name_index *ix)
{
    ix->n = 0;
    if (ix->nslots)
        memset(ix->slots, 0, ix->nslots * sizeof *ix->slots);
}

void stc_name_index_free(stc_name_index *ix)
{
    free(ix->names);
    free(ix->slots);
    memset(ix, 0, sizeof *ix);
}
