/* pyrun.h - run the service's real Python methods in the embedded
 * interpreter (`stc-tui simulate ... --run-local`).
 *
 * Unlike every other stage this EXECUTES the module's code: it is only ever
 * used when the user asks for it with --run-local. The module is imported by
 * path (importlib.util.spec_from_file_location) under a private module name,
 * so it never shadows or is shadowed by an installed package; the module's
 * folder is put first on sys.path for its own imports. The service class is
 * instantiated once with the --params object as keyword arguments, and each
 * call is getattr(instance, fn)(**payload) on that same instance, so state
 * kept in the instance lives from one call to the next, as in one warm
 * Lambda container. Whatever the module prints (import, __init__, calls)
 * goes to stderr, so that stdout stays the command's output.
 *
 * Values cross as JSON (json.dumps / json.loads in Python, cJSON in C); a
 * JSON object given for a parameter annotated with a dict subclass (jdict)
 * is made one, as the shipped runtime does.
 * A call answers the way AWS Lambda's Python runtime does:
 *   - a return value that json.dumps accepts: the value;
 *   - an exception (any BaseException): error = the class name (__name__),
 *     message = str(exc);
 *   - a return value json.dumps refuses: error "Runtime.MarshalError",
 *     message "Unable to marshal response: <json's message>".
 *
 * Ownership: stc_pyrun owns its Python references (released by
 * stc_pyrun_close); every string and cJSON tree handed out is allocated for
 * the caller; arguments are borrowed.
 */
#ifndef STC_PYRUN_H
#define STC_PYRUN_H

#include <cjson/cJSON.h>

typedef struct stc_pyrun stc_pyrun;

/* Import the module at `path` and instantiate its class `class_name` with
 * `params` (a JSON object of keyword arguments; NULL: none). Returns 0, or
 * -1 with *err (allocated: the Python exception as "Type: message", and what
 * was being done) when the module cannot be imported or the class cannot be
 * built. Starts the embedded interpreter when needed. */
int stc_pyrun_open(const char *path, const char *class_name, const cJSON *params, stc_pyrun **out,
                   char **err);

enum {
    STC_PYRUN_OK = 0,      /* *result set */
    STC_PYRUN_RAISED = 1,  /* *error (class name) and *message set */
    STC_PYRUN_ERROR = -1,  /* cannot call at all (no such method, payload not an
                              object): *error holds the reason, *message NULL */
};

/* Call method `fn` of the instance with the members of `payload` (a JSON
 * object; NULL: no arguments) as keyword arguments. */
int stc_pyrun_call(stc_pyrun *r, const char *fn, const cJSON *payload, cJSON **result,
                   char **error, char **message);

void stc_pyrun_close(stc_pyrun *r);

/* Make `module` importable from `source` (len bytes of Python) when the
 * interpreter finds no module of that name itself: the source runs as that
 * module, once, and stays in sys.modules for every later import (the
 * runtime a service module imports, e.g. stc_runtime, before
 * stc_pyrun_open). Returns 0, or -1 with *err. Starts the interpreter when
 * needed. */
int stc_pyrun_provide(const char *module, const char *source, size_t len, char **err);

/* Run a few lines of Python in a fresh namespace (after stc_pyrun_provide:
 * "import stc_runtime; stc_runtime.install_compat()"). 0, or -1 with *err. */
int stc_pyrun_exec(const char *code, char **err);

#endif
