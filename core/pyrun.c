/* pyrun.c - see pyrun.h. The Python side is a few lines of Python kept in
 * HELPERS below, compiled once into a private namespace; C only moves JSON
 * text in and out. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "core/pyrun.h"

#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "core/util.h"

struct stc_pyrun {
    PyObject *ns;       /* the helpers' namespace (a dict) */
    PyObject *instance; /* the service object */
};

static const char HELPERS[] =
    "import contextlib, importlib.util, json, os, sys\n"
    "\n"
    "# The interpreter starts without site (core/parse.c): add its paths\n"
    "# (dist-packages) once, before importing the user's module.\n"
    "if not getattr(sys, '_stc_site', False):\n"
    "    import site\n"
    "    site.main()\n"
    "    sys._stc_site = True\n"
    "\n"
    "def stc_open(path, modname, clsname, params_json):\n"
    "    folder = os.path.dirname(os.path.abspath(path))\n"
    "    if folder not in sys.path:\n"
    "        sys.path.insert(0, folder)\n"
    "    spec = importlib.util.spec_from_file_location(modname, path)\n"
    "    if spec is None or spec.loader is None:\n"
    "        raise ImportError(f'cannot import {path}')\n"
    "    module = importlib.util.module_from_spec(spec)\n"
    "    sys.modules[modname] = module\n"
    "    with contextlib.redirect_stdout(sys.stderr):\n"
    "        spec.loader.exec_module(module)\n"
    "        cls = getattr(module, clsname)\n"
    "        return cls(**stc_typed(cls.__init__, json.loads(params_json)))\n"
    "\n"
    "def stc_typed(fn, args):\n"
    "    # A JSON object given for a parameter annotated with a dict subclass\n"
    "    # (jdict) becomes one, as the Lambda runtime makes it.\n"
    "    import inspect\n"
    "    try:\n"
    "        params = inspect.signature(fn).parameters\n"
    "    except (TypeError, ValueError):\n"
    "        return args\n"
    "    for name, value in list(args.items()):\n"
    "        p = params.get(name)\n"
    "        ann = p.annotation if p is not None else None\n"
    "        if isinstance(ann, type) and issubclass(ann, dict) and ann is not dict and isinstance(value, dict):\n"
    "            args[name] = ann(value)\n"
    "    return args\n"
    "\n"
    "def stc_call(obj, fn, payload_json):\n"
    "    method = getattr(obj, fn, None)\n"
    "    if not callable(method):\n"
    "        return (-1, f'the service has no method {fn!r}', None)\n"
    "    args = json.loads(payload_json)\n"
    "    if not isinstance(args, dict):\n"
    "        return (-1, f'the payload of {fn} is not a JSON object', None)\n"
    "    args = stc_typed(method, args)\n"
    "    try:\n"
    "        with contextlib.redirect_stdout(sys.stderr):\n"
    "            value = method(**args)\n"
    "    except BaseException as e:\n"
    "        return (1, type(e).__name__, str(e))\n"
    "    try:\n"
    "        return (0, json.dumps(value), None)\n"
    "    except (TypeError, ValueError) as e:\n"
    "        return (1, 'Runtime.MarshalError', f'Unable to marshal response: {e}')\n";

/* The pending Python exception as "Type: message" (allocated); clears it. */
static char *pyrun_exception_text(void)
{
    stc_py_enter();
    PyObject *type = NULL, *value = NULL, *tb = NULL;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    char *out = NULL;
    const char *tname = type && PyType_Check(type) ? ((PyTypeObject *)type)->tp_name : "Exception";
    PyObject *s = value ? PyObject_Str(value) : NULL;
    const char *msg = s ? PyUnicode_AsUTF8(s) : NULL;
    if (!msg)
        PyErr_Clear();
    stc_py_leave();
    out = msg && *msg ? stc_xasprintf("%s: %s", tname, msg) : stc_xstrdup(tname);
    stc_py_enter();
    Py_XDECREF(s);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    stc_py_leave();
    return out;
}

/* "_stc_local_<stem>" with every character that is not [A-Za-z0-9_] as '_'. */
static char *pyrun_module_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".py") == 0)
        n -= 3;
    char *name = stc_xasprintf("_stc_local_%.*s", (int)n, base);
    for (char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            *p = '_';
    return name;
}

/* JSON text of `v` (an object or NULL -> "{}"), allocated. */
static char *pyrun_args_text(const cJSON *v)
{
    return v ? cJSON_PrintUnformatted(v) : stc_xstrdup("{}");
}

int stc_pyrun_open(const char *path, const char *class_name, const cJSON *params, stc_pyrun **out,
                   char **err)
{
    *out = NULL;
    if (params && !cJSON_IsObject(params)) {
        *err = stc_xstrdup("--params must be a JSON object of __init__ arguments");
        return -1;
    }
    if (stc_py_init_main(err) != 0)
        return -1;
    stc_py_enter();
    PyObject *ns = PyDict_New();
    PyObject *builtins = PyEval_GetBuiltins();
    PyDict_SetItemString(ns, "__builtins__", builtins);
    PyObject *r = PyRun_String(HELPERS, Py_file_input, ns, ns);
    Py_XDECREF(r);
    stc_py_leave();
    if (!r) {
        char *why = pyrun_exception_text();
        *err = stc_xasprintf("cannot prepare the local run: %s", why);
        free(why);
        stc_py_enter();
        Py_DECREF(ns);
        stc_py_leave();
        return -1;
    }
    char *modname = pyrun_module_name(path);
    char *ptext = pyrun_args_text(params);
    stc_py_enter();
    PyObject *fn = PyDict_GetItemString(ns, "stc_open"); /* borrowed */
    PyObject *obj = PyObject_CallFunction(fn, "ssss", path, modname, class_name, ptext);
    stc_py_leave();
    free(modname);
    free(ptext);
    if (!obj) {
        char *why = pyrun_exception_text();
        *err = stc_xasprintf("--run-local: importing %s and building %s(...) raised %s", path,
                             class_name, why);
        free(why);
        stc_py_enter();
        Py_DECREF(ns);
        stc_py_leave();
        return -1;
    }
    stc_pyrun *p = stc_xcalloc(1, sizeof *p);
    p->ns = ns;
    p->instance = obj;
    *out = p;
    return 0;
}

int stc_pyrun_call(stc_pyrun *r, const char *fn, const cJSON *payload, cJSON **result,
                   char **error, char **message)
{
    *result = NULL;
    *error = *message = NULL;
    char *ptext = pyrun_args_text(payload);
    stc_py_enter();
    PyObject *call = PyDict_GetItemString(r->ns, "stc_call"); /* borrowed */
    PyObject *t = PyObject_CallFunction(call, "Oss", r->instance, fn, ptext);
    stc_py_leave();
    free(ptext);
    if (!t) {
        char *why = pyrun_exception_text();
        *error = stc_xasprintf("--run-local: calling %s failed: %s", fn, why);
        free(why);
        return STC_PYRUN_ERROR;
    }
    stc_py_enter();
    long code = PyLong_AsLong(PyTuple_GetItem(t, 0));
    const char *a = PyUnicode_AsUTF8(PyTuple_GetItem(t, 1));
    PyObject *bobj = PyTuple_GetItem(t, 2);
    const char *b = bobj != Py_None ? PyUnicode_AsUTF8(bobj) : NULL;
    if (!a)
        PyErr_Clear();
    stc_py_leave();
    int rc;
    if (!a) {
        *error = stc_xasprintf("--run-local: %s gave text that is not UTF-8", fn);
        rc = STC_PYRUN_ERROR;
    } else if (code == 0) {
        *result = cJSON_Parse(a);
        if (*result) {
            rc = STC_PYRUN_OK;
        } else { /* NaN or Infinity: json.dumps writes them, JSON has no such values */
            *error = stc_xstrdup("Runtime.MarshalError");
            *message = stc_xasprintf("Unable to marshal response: %s is not valid JSON", a);
            rc = STC_PYRUN_RAISED;
        }
    } else if (code == 1) {
        *error = stc_xstrdup(a);
        *message = stc_xstrdup(b ? b : "");
        rc = STC_PYRUN_RAISED;
    } else {
        *error = stc_xasprintf("--run-local: %s", a);
        rc = STC_PYRUN_ERROR;
    }
    stc_py_enter();
    Py_DECREF(t);
    stc_py_leave();
    return rc;
}

void stc_pyrun_close(stc_pyrun *r)
{
    if (!r)
        return;
    stc_py_enter();
    Py_XDECREF(r->instance);
    Py_XDECREF(r->ns);
    stc_py_leave();
    free(r);
}

/* Run `code` in a new namespace with `name` and `text` bound as variables. */
static int pyrun_exec_with(const char *code, const char *name, const char *text, size_t len, char **err)
{
    if (stc_py_init_main(err) != 0)
        return -1;
    stc_py_enter();
    PyObject *ns = PyDict_New();
    PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
    PyObject *n = name ? PyUnicode_FromString(name) : NULL;
    PyObject *t = text ? PyUnicode_DecodeUTF8(text, (Py_ssize_t)len, "strict") : NULL;
    if (n)
        PyDict_SetItemString(ns, "name", n);
    if (t)
        PyDict_SetItemString(ns, "text", t);
    PyObject *r = (!name || n) && (!text || t) ? PyRun_String(code, Py_file_input, ns, ns) : NULL;
    Py_XDECREF(n);
    Py_XDECREF(t);
    Py_XDECREF(r);
    stc_py_leave();
    int rc = 0;
    if (!r) {
        *err = pyrun_exception_text();
        rc = -1;
    }
    stc_py_enter();
    Py_DECREF(ns);
    stc_py_leave();
    return rc;
}

int stc_pyrun_provide(const char *module, const char *source, size_t len, char **err)
{
    static const char code[] =
        "import importlib.util, sys, types\n"
        "if not getattr(sys, '_stc_site', False):\n"
        "    import site\n"
        "    site.main()\n"
        "    sys._stc_site = True\n"
        "if name not in sys.modules and importlib.util.find_spec(name) is None:\n"
        "    m = types.ModuleType(name)\n"
        "    m.__file__ = '<stc-tui: ' + name + '>'\n"
        "    sys.modules[name] = m\n"
        "    try:\n"
        "        exec(compile(text, m.__file__, 'exec'), m.__dict__)\n"
        "    except BaseException:\n"
        "        del sys.modules[name]\n"
        "        raise\n";
    return pyrun_exec_with(code, module, source, len, err);
}

int stc_pyrun_exec(const char *code, char **err)
{
    return pyrun_exec_with(code, NULL, NULL, 0, err);
}
