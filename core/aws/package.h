/* package.h - one reproducible zip per cloud function, with its digest.
 *
 * Every Lambda unit of the service (internal functions, REST and WebSocket
 * methods that are not async) gets a package of exactly these files, in this
 * (byte-wise sorted) order:
 *   handler.py      the generated handler (core/aws/handler.h)
 *   service.py      the sliced module (core/aws/slice.h)
 *   stc_runtime.py  the runtime (core/aws/runtime/, embedded at build time)
 *
 * Digest: SHA-256 (libcrypto EVP) over the files in that order, each framed
 * as  name NUL decimal-length NUL bytes. It covers what ships and nothing
 * else (not the zip's bytes, so it does not depend on zlib's version).
 *
 * Zip: libzip, entries in the same order, every entry deflated at level 9,
 * modification time 2000-01-01 00:00:00 (DOS time, whatever the time zone),
 * Unix attributes -rw-r--r--, no extra fields, no comment: the same input
 * gives the same bytes.
 *
 * Names: the zip is "<function>-<first 16 hex digits of the digest>.zip" and
 * its S3 key is "<ServiceClass>/<zip name>", e.g.
 * "PeopleService/register_person-3f2a9c0d11b7e845.zip". The template's code
 * key is that S3 key, so a change in what a function ships gives a new key
 * (and a new version), and nothing else does.
 *
 * Starters: an async REST unit (a workflow with a route) also gets the
 * package of its starter function, "<method>.start": handler.py (the
 * starter, core/aws/handler.h) and the runtime, no service.py. The template
 * uses it where the route needs it (docs/hardening.md); it is built in every
 * mode, so that the packages never depend on the mode.
 *
 * Ownership: a stc_package owns everything in it; units are borrowed from the
 * service, which must outlive the package. Free with stc_package_free().
 */
#ifndef STC_AWS_PACKAGE_H
#define STC_AWS_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/classify.h"
#include "core/diag.h"
#include "core/aws/slice.h"
#include "core/service.h"

#define STC_PACKAGE_HEX_KEY 16 /* digest hex digits in the zip name */
#define STC_STARTER_SUFFIX ".start" /* the starter package of "audit": "audit.start" */

typedef struct stc_package_file {
    char *name;  /* "handler.py" */
    char *data;  /* NUL-terminated for convenience; len bytes */
    size_t len;
    const char *sha256; /* the SHA-256 of data in hex when already known (the
                           runtime's files, hashed once per process), or NULL */
} stc_package_file;

typedef struct stc_package_function {
    char *name;                    /* the method: "register_person" */
    const stc_unit_info *unit;     /* borrowed */
    bool starter;                  /* the starter of the async route `unit` */
    stc_package_file *files;       /* sorted by name */
    size_t nfiles;
    char sha256[65];               /* lower-case hex, NUL-terminated */
    char *zip_name;                /* "register_person-3f2a9c0d11b7e845.zip" */
    char *s3_key;                  /* "PeopleService/register_person-3f2a9c0d11b7e845.zip" */
    unsigned char *zip;            /* the archive */
    size_t zip_len;
} stc_package_function;

typedef struct stc_package {
    char *service;                    /* the service class name */
    stc_package_function *functions;  /* Lambda units, in definition order */
    size_t nfunctions;
} stc_package;

/* Build every function's package. Returns 0 and sets *out (owned by the
 * caller), or -1 with a diagnostic in d (STC700: no service class; STC701:
 * the zip could not be built). The service should have no errors. */
int stc_package_build(const stc_service *svc, stc_diags *d, stc_package **out);
void stc_package_free(stc_package *p);

/* The function `name` of a package, or NULL. */
const stc_package_function *stc_package_find(const stc_package *p, const char *name);

/* The S3 key of the Lambda unit `function` ("PeopleService/name-<hex16>.zip"),
 * computed from its files without zipping: what the template puts in the
 * function's Code. Allocated; NULL when `function` is not a Lambda unit. */
char *stc_package_s3_key(const stc_service *svc, const char *function);

/* Does unit u (an async REST unit) get a starter package? */
bool stc_package_has_starter(const stc_unit_info *u);
/* The digest and S3 key ("Svc/<method>.start-<hex16>.zip", allocated) of the
 * starter of u; NULL when u has none. */
char *stc_package_starter_key(const stc_service *svc, const stc_unit_info *u, char hex[65]);

/* Lower level (tests, emit). The files of one unit, sorted; returns the
 * count, *out owned by the caller (free with stc_package_files_free). */
size_t stc_package_files(const stc_service *svc, const stc_unit_info *u, stc_package_file **out);
/* The same, slicing with a slicer shared by the service's units (slice.h). */
size_t stc_package_files_sliced(stc_slicer *s, const stc_service *svc, const stc_unit_info *u,
                                stc_package_file **out);
/* The digest of unit u's files and its S3 key (allocated), as
 * stc_package_files + stc_package_digest + stc_package_s3_key give them, without
 * copying the files. Returns NULL when u is not a Lambda unit. */
char *stc_package_unit_key(stc_slicer *s, const stc_service *svc, const stc_unit_info *u, char hex[65]);
void stc_package_files_free(stc_package_file *files, size_t n);

/* The shipped runtime for a local run (`simulate --run-local`, a local
 * server): makes every runtime module (stc_runtime, ...) importable in the
 * embedded interpreter, unless one of that name is installed, and installs
 * its compatibility names (stc_runtime.install_compat: jdict and the caios
 * interfaces the design's authors import). 0, or -1 with *err. */
int stc_package_provide_runtime(char **err);
/* The digest of files (sorted by name) as 64 hex digits + NUL: the SHA-256 of
 * their `sha256sum` listing, "<hex>  <name>\n" per file (docs/packaging.md). */
void stc_package_digest(const stc_package_file *files, size_t n, char hex[65]);
/* A deterministic zip of files (in the given order). Returns 0 and sets
 * *out and *len (malloc'd, caller frees), or -1 with *err allocated. */
int stc_package_zip(const stc_package_file *files, size_t n, unsigned char **out, size_t *len, char **err);

#endif
