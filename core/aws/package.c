/* package.c - deterministic zips and digests per function. See package.h. */
#include "core/aws/package.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "core/aws/handler.h"
#include "core/aws/slice.h"
#include "core/pyrun.h"
#include "core/util.h"

/* The embedded runtime (core/aws/runtime/embed_files.cmake). */
struct stc_embed_file {
    const char *name;
    const unsigned char *data;
    size_t len;
};
extern const struct stc_embed_file stc_runtime_files[];
extern const size_t stc_runtime_nfiles;

static int stc_file_cmp(const void *a, const void *b)
{
    return strcmp(((const stc_package_file *)a)->name, ((const stc_package_file *)b)->name);
}

static void stc_files_push(stc_package_file **files, size_t *n, const char *name, char *data, size_t len,
                           const char *sha256)
{
    *files = stc_xrealloc(*files, (*n + 1) * sizeof **files);
    (*files)[*n] = (stc_package_file){stc_xstrdup(name), data, len, sha256};
    (*n)++;
}

/* SHA-256 of len bytes, as 64 lower-case hex digits. */
static void stc_sha256_hex(const void *data, size_t len, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        abort();
    for (unsigned int i = 0; i < mdlen; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

/* The runtime's files are in every package: each is hashed once per process
 * (the workbench compiles on a background thread, hence pthread_once). */
static char (*stc_runtime_sha)[65];
static pthread_once_t stc_runtime_sha_once = PTHREAD_ONCE_INIT;

static void stc_runtime_sha_init(void)
{
    stc_runtime_sha = stc_xcalloc(stc_runtime_nfiles ? stc_runtime_nfiles : 1, sizeof *stc_runtime_sha);
    for (size_t i = 0; i < stc_runtime_nfiles; i++)
        stc_sha256_hex(stc_runtime_files[i].data, stc_runtime_files[i].len, stc_runtime_sha[i]);
}

static const char *stc_runtime_file_sha256(size_t i)
{
    pthread_once(&stc_runtime_sha_once, stc_runtime_sha_init);
    return stc_runtime_sha[i];
}

/* The files of u: the handler, the slice (taken) and the runtime (borrowed
 * when copy is false), sorted by name. */
static size_t stc_unit_files(stc_slicer *s, const stc_service *svc, const stc_unit_info *u, bool copy,
                             stc_package_file **out)
{
    *out = NULL;
    stc_slice slice;
    if (stc_slicer_unit(s, u, &slice) != 0)
        return 0;
    stc_package_file *files = NULL;
    size_t n = 0;
    char *handler = stc_handler_generate(svc, u, &slice);
    stc_files_push(&files, &n, STC_HANDLER_FILE, handler, strlen(handler), NULL);
    stc_files_push(&files, &n, STC_HANDLER_MODULE_FILE, slice.text, slice.len, NULL); /* taken */
    slice.text = NULL;
    for (size_t i = 0; i < stc_runtime_nfiles; i++) {
        const struct stc_embed_file *f = &stc_runtime_files[i];
        char *data = copy ? stc_xstrndup((const char *)f->data, f->len) : (char *)f->data;
        stc_files_push(&files, &n, f->name, data, f->len, stc_runtime_file_sha256(i));
    }
    stc_slice_free(&slice);
    qsort(files, n, sizeof *files, stc_file_cmp);
    *out = files;
    return n;
}

/* The files of the starter of async REST unit u: its handler and the runtime
 * (borrowed when copy is false), sorted by name. */
static size_t stc_starter_files(const stc_service *svc, const stc_unit_info *u, bool copy, stc_package_file **out)
{
    stc_package_file *files = NULL;
    size_t n = 0;
    char *handler = stc_handler_generate_starter(svc, u);
    stc_files_push(&files, &n, STC_HANDLER_FILE, handler, strlen(handler), NULL);
    for (size_t i = 0; i < stc_runtime_nfiles; i++) {
        const struct stc_embed_file *f = &stc_runtime_files[i];
        char *data = copy ? stc_xstrndup((const char *)f->data, f->len) : (char *)f->data;
        stc_files_push(&files, &n, f->name, data, f->len, stc_runtime_file_sha256(i));
    }
    qsort(files, n, sizeof *files, stc_file_cmp);
    *out = files;
    return n;
}

size_t stc_package_files_sliced(stc_slicer *s, const stc_service *svc, const stc_unit_info *u,
                                stc_package_file **out)
{
    return stc_unit_files(s, svc, u, true, out);
}

size_t stc_package_files(const stc_service *svc, const stc_unit_info *u, stc_package_file **out)
{
    *out = NULL;
    stc_slicer *s = stc_slicer_new(svc);
    if (!s)
        return 0;
    size_t n = stc_unit_files(s, svc, u, true, out);
    stc_slicer_free(s);
    return n;
}

void stc_package_files_free(stc_package_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].data);
    }
    free(files);
}

/* The digest is the SHA-256 of what `sha256sum` prints for the files in name
 * order ("<hex>  <name>\n" each; docs/packaging.md), so that a package can be
 * checked with standard tools, and a file known to many packages (the
 * runtime) is hashed once, not in each of them. */
void stc_package_digest(const stc_package_file *files, size_t n, char hex[65])
{
    stc_buf manifest = {0};
    for (size_t i = 0; i < n; i++) {
        char own[65];
        const char *h = files[i].sha256;
        if (!h) {
            stc_sha256_hex(files[i].data, files[i].len, own);
            h = own;
        }
        stc_buf_puts(&manifest, h);
        stc_buf_puts(&manifest, "  ");
        stc_buf_puts(&manifest, files[i].name);
        stc_buf_putc(&manifest, '\n');
    }
    stc_sha256_hex(manifest.data ? manifest.data : "", manifest.len, hex);
    free(manifest.data);
}

/* 2000-01-01 00:00:00 local time: libzip turns a time_t into DOS date and
 * time through localtime(), so this gives the same DOS fields in every zone. */
static time_t stc_zip_mtime(void)
{
    struct tm tm = {0};
    tm.tm_year = 100;
    tm.tm_mon = 0;
    tm.tm_mday = 1;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

static char *stc_zip_error(const char *what, zip_error_t *ze)
{
    return stc_xasprintf("cannot build the zip (%s): %s", what, zip_error_strerror(ze));
}

int stc_package_zip(const stc_package_file *files, size_t n, unsigned char **out, size_t *len, char **err)
{
    *out = NULL;
    *len = 0;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src) {
        *err = stc_zip_error("buffer", &ze);
        zip_error_fini(&ze);
        return -1;
    }
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (!za) {
        *err = stc_zip_error("open", &ze);
        zip_source_free(src);
        zip_error_fini(&ze);
        return -1;
    }
    zip_source_keep(src);
    time_t mtime = stc_zip_mtime();
    for (size_t i = 0; i < n; i++) {
        zip_source_t *fs = zip_source_buffer(za, files[i].data, files[i].len, 0);
        zip_int64_t idx = fs ? zip_file_add(za, files[i].name, fs, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            if (fs)
                zip_source_free(fs);
            *err = stc_xasprintf("cannot build the zip (add %s): %s", files[i].name, zip_strerror(za));
            zip_discard(za);
            zip_source_free(src);
            zip_error_fini(&ze);
            return -1;
        }
        zip_uint64_t u = (zip_uint64_t)idx;
        if (zip_set_file_compression(za, u, ZIP_CM_DEFLATE, 9) != 0 ||
            zip_file_set_mtime(za, u, mtime, 0) != 0 ||
            zip_file_set_external_attributes(za, u, 0, ZIP_OPSYS_UNIX, (zip_uint32_t)0100644 << 16) != 0) {
            *err = stc_xasprintf("cannot build the zip (%s): %s", files[i].name, zip_strerror(za));
            zip_discard(za);
            zip_source_free(src);
            zip_error_fini(&ze);
            return -1;
        }
    }
    if (zip_close(za) != 0) {
        *err = stc_xasprintf("cannot build the zip (close): %s", zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        zip_error_fini(&ze);
        return -1;
    }
    int rc = -1;
    if (zip_source_open(src) == 0) {
        if (zip_source_seek(src, 0, SEEK_END) == 0) {
            zip_int64_t size = zip_source_tell(src);
            if (size >= 0 && zip_source_seek(src, 0, SEEK_SET) == 0) {
                unsigned char *buf = stc_xmalloc((size_t)size ? (size_t)size : 1);
                if (zip_source_read(src, buf, (zip_uint64_t)size) == size) {
                    *out = buf;
                    *len = (size_t)size;
                    rc = 0;
                } else {
                    free(buf);
                }
            }
        }
        zip_source_close(src);
    }
    if (rc != 0)
        *err = stc_xasprintf("cannot build the zip (read back): %s",
                             zip_error_strerror(zip_source_error(src)));
    zip_source_free(src);
    zip_error_fini(&ze);
    return rc;
}

static bool stc_is_lambda_unit(const stc_unit_info *u)
{
    return u->unit == STC_UNIT_LAMBDA &&
           (u->kind == STC_KIND_FUNCTION || u->kind == STC_KIND_REST || u->kind == STC_KIND_WEBSOCKET);
}

bool stc_package_has_starter(const stc_unit_info *u)
{
    return u->unit == STC_UNIT_STATE_MACHINE && u->kind == STC_KIND_REST;
}

static char *stc_zip_name(const char *function, const char *hex)
{
    return stc_xasprintf("%s-%.*s.zip", function, STC_PACKAGE_HEX_KEY, hex);
}

int stc_package_build(const stc_service *svc, stc_diags *d, stc_package **out)
{
    *out = NULL;
    const char *cls = stc_service_name(svc);
    if (!cls) {
        stc_diag_add(d, STC_SEV_ERROR, svc->file, 0, 0, "STC700",
                     "nothing to package: the module has no service class");
        return -1;
    }
    stc_package *p = stc_xcalloc(1, sizeof *p);
    p->service = stc_xstrdup(cls);
    stc_slicer *slicer = stc_slicer_new(svc);
    for (size_t i = 0; i < 2 * svc->nunits; i++) {
        /* the Lambda units, then the starters of the async routes */
        const stc_unit_info *u = &svc->units[i % svc->nunits];
        bool starter = i >= svc->nunits;
        if (starter ? !stc_package_has_starter(u) : !stc_is_lambda_unit(u))
            continue;
        p->functions = stc_xrealloc(p->functions, (p->nfunctions + 1) * sizeof *p->functions);
        stc_package_function *f = &p->functions[p->nfunctions++];
        memset(f, 0, sizeof *f);
        f->name = starter ? stc_xasprintf("%s" STC_STARTER_SUFFIX, u->method->name) : stc_xstrdup(u->method->name);
        f->unit = u;
        f->starter = starter;
        f->nfiles = starter ? stc_starter_files(svc, u, true, &f->files)
                            : stc_package_files_sliced(slicer, svc, u, &f->files);
        stc_package_digest(f->files, f->nfiles, f->sha256);
        f->zip_name = stc_zip_name(f->name, f->sha256);
        f->s3_key = stc_xasprintf("%s/%s", cls, f->zip_name);
        char *err = NULL;
        if (stc_package_zip(f->files, f->nfiles, &f->zip, &f->zip_len, &err) != 0) {
            stc_diag_add(d, STC_SEV_ERROR, svc->file, u->method->pos.line, u->method->pos.col, "STC701",
                         "cannot package %s: %s", f->name, err);
            free(err);
            stc_slicer_free(slicer);
            stc_package_free(p);
            return -1;
        }
    }
    stc_slicer_free(slicer);
    *out = p;
    return 0;
}

void stc_package_free(stc_package *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nfunctions; i++) {
        stc_package_function *f = &p->functions[i];
        free(f->name);
        stc_package_files_free(f->files, f->nfiles);
        free(f->zip_name);
        free(f->s3_key);
        free(f->zip);
    }
    free(p->functions);
    free(p->service);
    free(p);
}

const stc_package_function *stc_package_find(const stc_package *p, const char *name)
{
    for (size_t i = 0; p && i < p->nfunctions; i++)
        if (strcmp(p->functions[i].name, name) == 0)
            return &p->functions[i];
    return NULL;
}

char *stc_package_unit_key(stc_slicer *s, const stc_service *svc, const stc_unit_info *u, char hex[65])
{
    const char *cls = stc_service_name(svc);
    if (!cls || !u || !stc_is_lambda_unit(u))
        return NULL;
    stc_package_file *files;
    size_t n = stc_unit_files(s, svc, u, false, &files);
    stc_package_digest(files, n, hex);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(files[i].name, STC_HANDLER_FILE) || !strcmp(files[i].name, STC_HANDLER_MODULE_FILE))
            free(files[i].data); /* the runtime's files are borrowed */
        free(files[i].name);
    }
    free(files);
    char *zip = stc_zip_name(u->method->name, hex);
    char *key = stc_xasprintf("%s/%s", cls, zip);
    free(zip);
    return key;
}

char *stc_package_starter_key(const stc_service *svc, const stc_unit_info *u, char hex[65])
{
    const char *cls = stc_service_name(svc);
    if (!cls || !u || !stc_package_has_starter(u))
        return NULL;
    stc_package_file *files;
    size_t n = stc_starter_files(svc, u, false, &files);
    stc_package_digest(files, n, hex);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(files[i].name, STC_HANDLER_FILE))
            free(files[i].data); /* the runtime's files are borrowed */
        free(files[i].name);
    }
    free(files);
    char *name = stc_xasprintf("%s" STC_STARTER_SUFFIX, u->method->name);
    char *zip = stc_zip_name(name, hex);
    char *key = stc_xasprintf("%s/%s", cls, zip);
    free(zip);
    free(name);
    return key;
}

char *stc_package_s3_key(const stc_service *svc, const char *function)
{
    const char *cls = stc_service_name(svc);
    const stc_unit_info *u = cls ? stc_service_unit(svc, function) : NULL;
    if (!u || !stc_is_lambda_unit(u))
        return NULL;
    stc_slicer *s = stc_slicer_new(svc);
    char hex[65];
    char *key = stc_package_unit_key(s, svc, u, hex);
    stc_slicer_free(s);
    return key;
}

int stc_package_provide_runtime(char **err)
{
    for (size_t i = 0; i < stc_runtime_nfiles; i++) {
        const struct stc_embed_file *f = &stc_runtime_files[i];
        size_t n = strlen(f->name);
        if (n < 4 || strcmp(f->name + n - 3, ".py") != 0)
            continue;
        char *module = stc_xstrndup(f->name, n - 3);
        char *why = NULL;
        int rc = stc_pyrun_provide(module, (const char *)f->data, f->len, &why);
        if (rc != 0) {
            *err = stc_xasprintf("cannot load the runtime module %s: %s", module, why);
            free(why);
            free(module);
            return -1;
        }
        free(module);
    }
    char *why = NULL;
    if (stc_pyrun_exec("import stc_runtime\nstc_runtime.install_compat()\n", &why) != 0) {
        *err = stc_xasprintf("cannot prepare the runtime: %s", why);
        free(why);
        return -1;
    }
    return 0;
}
