/* pystore.c - see pystore.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "serve/pystore.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "serve/ids.h"

static stc_store *stc_py_store;
static const stc_host_hooks *stc_py_hooks;

/* Both types: the store's name in the database ("<kind>:<name>") and the
 * resource's. */
typedef struct {
    PyObject_HEAD
    char *store;
    char *name;
    bool bucket;
} stc_py_items;

typedef stc_py_items stc_py_messages;

static void stc_py_store_dealloc(PyObject *self)
{
    stc_py_items *it = (stc_py_items *)self;
    free(it->store);
    free(it->name);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *stc_py_db_error(char *err)
{
    PyErr_SetString(PyExc_RuntimeError, err ? err : "the local store failed");
    free(err);
    return NULL;
}

/* A key of the store from a Python key: str (UTF-8) or int (64 bits). The
 * text stays owned by the object. -1 with TypeError / OverflowError. */
static int stc_py_key(PyObject *o, stc_store_key *k)
{
    memset(k, 0, sizeof *k);
    if (PyUnicode_Check(o)) {
        Py_ssize_t n = 0;
        k->s = PyUnicode_AsUTF8AndSize(o, &n);
        if (!k->s)
            return -1;
        k->len = (size_t)n;
        return 0;
    }
    if (PyLong_Check(o) && !PyBool_Check(o)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow) {
            PyErr_SetString(PyExc_OverflowError, "keys of the local store are at most 64-bit integers");
            return -1;
        }
        if (v == -1 && PyErr_Occurred())
            return -1;
        k->is_int = true;
        k->i = v;
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "keys must be str or int, not %s", Py_TYPE(o)->tp_name);
    return -1;
}

static PyObject *stc_py_key_object(const stc_store_key *k)
{
    return k->is_int ? PyLong_FromLongLong(k->i) : PyUnicode_DecodeUTF8(k->s, (Py_ssize_t)k->len, "surrogatepass");
}

/* ---- Items ------------------------------------------------------------------ */

static Py_ssize_t stc_py_items_len(PyObject *self)
{
    int64_t n = 0;
    char *err = NULL;
    if (stc_store_count(stc_py_store, ((stc_py_items *)self)->store, &n, &err) != 0) {
        stc_py_db_error(err);
        return -1;
    }
    return (Py_ssize_t)n;
}

static PyObject *stc_py_items_get(PyObject *self, PyObject *key)
{
    stc_store_key k;
    if (stc_py_key(key, &k) != 0)
        return NULL;
    stc_store_value v;
    char *err = NULL;
    int rc = stc_store_get(stc_py_store, ((stc_py_items *)self)->store, &k, &v, &err);
    if (rc < 0)
        return stc_py_db_error(err);
    if (rc == 1) {
        PyErr_SetObject(PyExc_KeyError, key);
        return NULL;
    }
    PyObject *r = v.is_blob ? PyBytes_FromStringAndSize(v.data, (Py_ssize_t)v.len)
                            : PyUnicode_DecodeUTF8(v.data, (Py_ssize_t)v.len, "surrogatepass");
    stc_store_value_free(&v);
    return r;
}

static int stc_py_items_set(PyObject *self, PyObject *key, PyObject *value)
{
    stc_py_items *it = (stc_py_items *)self;
    stc_store_key k;
    if (stc_py_key(key, &k) != 0)
        return -1;
    char *err = NULL;
    if (!value) {
        int rc = stc_store_del(stc_py_store, it->store, &k, &err);
        if (rc < 0) {
            stc_py_db_error(err);
            return -1;
        }
        if (rc == 1) {
            PyErr_SetObject(PyExc_KeyError, key);
            return -1;
        }
        if (it->bucket && stc_py_hooks && stc_py_hooks->object_event && !k.is_int)
            stc_py_hooks->object_event(stc_py_hooks->ctx, it->name, k.s, k.len, false, 0, NULL);
        return 0;
    }
    int rc;
    if (PyUnicode_Check(value)) {
        Py_ssize_t n = 0;
        const char *s = PyUnicode_AsUTF8AndSize(value, &n);
        if (!s)
            return -1;
        rc = stc_store_put(stc_py_store, it->store, &k, s, (size_t)n, false, &err);
    } else if (PyObject_CheckBuffer(value)) {
        Py_buffer view;
        if (PyObject_GetBuffer(value, &view, PyBUF_CONTIG_RO) != 0)
            return -1;
        rc = stc_store_put(stc_py_store, it->store, &k, view.buf, (size_t)view.len, true, &err);
        if (rc == 0 && it->bucket && stc_py_hooks && stc_py_hooks->object_event && !k.is_int) {
            char etag[33];
            stc_ids_md5(view.buf, (size_t)view.len, etag);
            stc_py_hooks->object_event(stc_py_hooks->ctx, it->name, k.s, k.len, true, (int64_t)view.len, etag);
        }
        PyBuffer_Release(&view);
    } else {
        PyErr_Format(PyExc_TypeError, "values of the local store are str or bytes, not %s", Py_TYPE(value)->tp_name);
        return -1;
    }
    if (rc != 0) {
        stc_py_db_error(err);
        return -1;
    }
    return 0;
}

static int stc_py_items_contains(PyObject *self, PyObject *key)
{
    if (!PyUnicode_Check(key) && !(PyLong_Check(key) && !PyBool_Check(key)))
        return 0;
    stc_store_key k;
    if (stc_py_key(key, &k) != 0) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    bool has = false;
    char *err = NULL;
    if (stc_store_has(stc_py_store, ((stc_py_items *)self)->store, &k, &has, &err) != 0) {
        stc_py_db_error(err);
        return -1;
    }
    return has;
}

static int stc_py_collect_key(void *ctx, const stc_store_key *k)
{
    PyObject *o = stc_py_key_object(k);
    if (!o || PyList_Append((PyObject *)ctx, o) != 0) {
        Py_XDECREF(o);
        return 1;
    }
    Py_DECREF(o);
    return 0;
}

/* The keys, in order, as a list (a new reference). */
static PyObject *stc_py_items_keys(PyObject *self, PyObject *unused)
{
    (void)unused;
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    char *err = NULL;
    if (stc_store_keys(stc_py_store, ((stc_py_items *)self)->store, stc_py_collect_key, list, &err) != 0) {
        Py_DECREF(list);
        return stc_py_db_error(err);
    }
    if (PyErr_Occurred()) {
        Py_DECREF(list);
        return NULL;
    }
    return list;
}

static PyObject *stc_py_items_iter(PyObject *self)
{
    PyObject *list = stc_py_items_keys(self, NULL);
    if (!list)
        return NULL;
    PyObject *it = PyObject_GetIter(list);
    Py_DECREF(list);
    return it;
}

static PyObject *stc_py_items_repr(PyObject *self)
{
    stc_py_items *it = (stc_py_items *)self;
    return PyUnicode_FromFormat("<stc-tui serve %s '%s'>", it->bucket ? "bucket" : "table", it->name);
}

static PyMappingMethods stc_py_items_mapping = {
    .mp_length = stc_py_items_len,
    .mp_subscript = stc_py_items_get,
    .mp_ass_subscript = stc_py_items_set,
};

static PySequenceMethods stc_py_items_sequence = {
    .sq_contains = stc_py_items_contains,
};

static PyMethodDef stc_py_items_methods[] = {
    {"keys", stc_py_items_keys, METH_NOARGS, "the keys, in order"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject stc_py_items_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_stc_serve.Items",
    .tp_basicsize = sizeof(stc_py_items),
    .tp_dealloc = stc_py_store_dealloc,
    .tp_repr = stc_py_items_repr,
    .tp_as_mapping = &stc_py_items_mapping,
    .tp_as_sequence = &stc_py_items_sequence,
    .tp_iter = stc_py_items_iter,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "a table or bucket of the local service, in SQLite",
    .tp_methods = stc_py_items_methods,
};

/* ---- Messages ---------------------------------------------------------------- */

static Py_ssize_t stc_py_messages_len(PyObject *self)
{
    int64_t n = 0;
    char *err = NULL;
    if (stc_store_visible(stc_py_store, ((stc_py_messages *)self)->store, stc_ids_now_ms(), &n, &err) != 0) {
        stc_py_db_error(err);
        return -1;
    }
    return (Py_ssize_t)n;
}

static PyObject *stc_py_messages_append(PyObject *self, PyObject *text)
{
    stc_py_messages *q = (stc_py_messages *)self;
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "messages are str, not %s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    Py_ssize_t n = 0;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    if (!s)
        return NULL;
    char *err = NULL;
    if (stc_store_send(stc_py_store, q->store, s, (size_t)n, stc_ids_now_ms(), NULL, &err) != 0)
        return stc_py_db_error(err);
    if (stc_py_hooks && stc_py_hooks->message_sent)
        stc_py_hooks->message_sent(stc_py_hooks->ctx, q->name);
    Py_RETURN_NONE;
}

static PyObject *stc_py_messages_popleft(PyObject *self, PyObject *unused)
{
    (void)unused;
    stc_store_msg m;
    char *err = NULL;
    int rc = stc_store_take(stc_py_store, ((stc_py_messages *)self)->store, stc_ids_now_ms(), &m, &err);
    if (rc < 0)
        return stc_py_db_error(err);
    if (rc == 1) {
        PyErr_SetString(PyExc_IndexError, "pop from an empty deque");
        return NULL;
    }
    PyObject *r = PyUnicode_DecodeUTF8(m.body, (Py_ssize_t)m.len, "surrogatepass");
    stc_store_msg_free(&m);
    return r;
}

static PyObject *stc_py_messages_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<stc-tui serve queue '%s'>", ((stc_py_messages *)self)->name);
}

static PySequenceMethods stc_py_messages_sequence = {
    .sq_length = stc_py_messages_len,
};

static PyMethodDef stc_py_messages_methods[] = {
    {"append", stc_py_messages_append, METH_O, "send a message (JSON text)"},
    {"popleft", stc_py_messages_popleft, METH_NOARGS, "receive and delete the oldest visible message"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject stc_py_messages_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_stc_serve.Messages",
    .tp_basicsize = sizeof(stc_py_messages),
    .tp_dealloc = stc_py_store_dealloc,
    .tp_repr = stc_py_messages_repr,
    .tp_as_sequence = &stc_py_messages_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "a queue of the local service, in SQLite",
    .tp_methods = stc_py_messages_methods,
};

int stc_pystore_init(void *mod, stc_store *store, const stc_host_hooks *hooks)
{
    stc_py_store = store;
    stc_py_hooks = hooks;
    if (PyType_Ready(&stc_py_items_type) < 0 || PyType_Ready(&stc_py_messages_type) < 0)
        return -1;
    Py_INCREF(&stc_py_items_type);
    Py_INCREF(&stc_py_messages_type);
    if (PyModule_AddObject((PyObject *)mod, "Items", (PyObject *)&stc_py_items_type) != 0 ||
        PyModule_AddObject((PyObject *)mod, "Messages", (PyObject *)&stc_py_messages_type) != 0)
        return -1;
    return 0;
}

void *stc_pystore_new(const char *kind, const char *name)
{
    if (strcmp(kind, "queue") == 0) {
        stc_py_messages *q = PyObject_New(stc_py_messages, &stc_py_messages_type);
        if (!q)
            return NULL;
        q->store = stc_xasprintf("queue:%s", name);
        q->name = stc_xstrdup(name);
        q->bucket = false;
        return q;
    }
    stc_py_items *it = PyObject_New(stc_py_items, &stc_py_items_type);
    if (!it)
        return NULL;
    it->bucket = strcmp(kind, "bucket") == 0;
    it->store = stc_xasprintf("%s:%s", it->bucket ? "bucket" : "table", name);
    it->name = stc_xstrdup(name);
    return it;
}
