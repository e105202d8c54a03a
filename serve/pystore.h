/* pystore.h - the Python side of the stores (serve/store.h): the types the
 * runtime's in-memory resources are bound to under `stc-tui serve`.
 *
 *   _stc_serve.Items(kind, name)  a table ("table") or a bucket ("bucket"):
 *       the mapping the runtime's Table and Bucket keep their data in
 *       (runtime._tables[name], runtime._buckets[name]): str or int keys,
 *       str (a table's JSON) or bytes (an object) values, KeyError for a
 *       missing key, iteration in key order, len.
 *   _stc_serve.Messages(name)    a queue: the deque the runtime's Queue
 *       keeps (runtime._queues[name]): append(text), popleft() (IndexError
 *       when empty), len (the visible messages).
 *
 * A put or a delete in a bucket and a message sent are reported to the
 * host's hooks (serve/host.h) for the local triggers.
 *
 * Call with the interpreter's lock held (serve's worker thread).
 */
#ifndef STC_SERVE_PYSTORE_H
#define STC_SERVE_PYSTORE_H

#include "serve/host.h"
#include "serve/store.h"

/* Add the types to module `mod` (a PyObject *); the store and the hooks
 * are borrowed for the life of the process. Returns 0, or -1 with a Python
 * exception set. */
int stc_pystore_init(void *mod, stc_store *store, const stc_host_hooks *hooks);

/* A new Items (kind "table" or "bucket") or Messages ("queue") object for
 * resource `name` (a new reference), or NULL with a Python exception. */
void *stc_pystore_new(const char *kind, const char *name);

#endif
