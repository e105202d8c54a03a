/* host.c - see host.h. The Python side is the HOST helpers below, compiled
 * once into a private namespace; C moves JSON text in and out and provides
 * the _stc_serve module (the stores, executions, posts, the timeout). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "serve/host.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/parse.h"
#include "core/util.h"
#include "serve/pystore.h"

static const char HOST[] =
    "import io, json, linecache, os, sys, time, traceback, types\n"
    "if not getattr(sys, '_stc_site', False):\n"
    "    import site\n"
    "    site.main()\n"
    "    sys._stc_site = True\n"
    "os.environ['STC_RUNTIME'] = 'memory'\n"
    "import _stc_serve\n"
    "_out, _err = sys.stdout, sys.stderr\n"
    "sys.stdout = sys.stderr  # stdout carries the server's log lines\n"
    "_sources = {}   # (gen, unit) -> (handler, service, folder, timeout, memory)\n"
    "_handlers = {}  # (gen, unit) -> the loaded handler module (a warm container)\n"
    "_current = [0]\n"
    "runtime = None\n"
    "\n"
    "class GoneException(Exception):\n"
    "    '''What API Gateway's management API answers for a client that has gone (HTTP 410).'''\n"
    "    def __init__(self, connection_id):\n"
    "        Exception.__init__(self, 'An error occurred (GoneException) when calling the PostToConnection '\n"
    "                           'operation: connection %s is gone' % connection_id)\n"
    "        self.response = {'Error': {'Code': 'GoneException', 'Message': ''},\n"
    "                         'ResponseMetadata': {'HTTPStatusCode': 410}}\n"
    "\n"
    "class _Host:\n"
    "    '''stc_runtime.host: Lambda, Step Functions and the WebSocket management API, locally.'''\n"
    "    def invoke(self, name, payload):\n"
    "        kind, a, b = _call(_current[0], name, payload, '')\n"
    "        if kind == 0:\n"
    "            return json.loads(a), False\n"
    "        return {'errorType': a, 'errorMessage': b}, True\n"
    "    def start_execution(self, name, input_text):\n"
    "        arn, start = _stc_serve.start_execution(name, input_text)\n"
    "        return {'executionArn': arn, 'startDate': start}\n"
    "    def post_to_connection(self, url, connection_id, data):\n"
    "        if not _stc_serve.post(connection_id, bytes(data)):\n"
    "            raise GoneException(connection_id)\n"
    "    def publish(self, topic, text, subject):\n"
    "        return _stc_serve.publish(topic, text, subject)\n"
    "\n"
    "class _Context:\n"
    "    '''The Lambda context object.'''\n"
    "    def __init__(self, name, timeout, memory, request_id):\n"
    "        self.function_name = name\n"
    "        self.function_version = '$LATEST'\n"
    "        self.invoked_function_arn = 'arn:aws:lambda:us-east-1:123456789012:function:' + name\n"
    "        self.memory_limit_in_mb = memory\n"
    "        self.aws_request_id = request_id\n"
    "        self.log_group_name = '/aws/lambda/' + name\n"
    "        self.log_stream_name = 'stc-tui-serve'\n"
    "        self._deadline = time.monotonic() + timeout\n"
    "    def get_remaining_time_in_millis(self):\n"
    "        return max(0, int((self._deadline - time.monotonic()) * 1000))\n"
    "\n"
    "def _cache(filename, text):\n"
    "    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)\n"
    "\n"
    "def load_runtime(text):\n"
    "    global runtime\n"
    "    mod = types.ModuleType('stc_runtime')\n"
    "    mod.__file__ = 'stc_runtime.py'\n"
    "    _cache('stc_runtime.py', text)\n"
    "    sys.modules['stc_runtime'] = mod\n"
    "    exec(compile(text, 'stc_runtime.py', 'exec'), mod.__dict__)\n"
    "    mod.host = _Host()\n"
    "    runtime = mod\n"
    "\n"
    "def bind(kind, name, store):\n"
    "    {'table': runtime._tables, 'bucket': runtime._buckets, 'queue': runtime._queues}[kind][name] = store\n"
    "\n"
    "def setenv(name, value):\n"
    "    os.environ[name] = value\n"
    "\n"
    "def define(gen, unit, handler, service, folder, timeout, memory):\n"
    "    _sources[(gen, unit)] = (handler, service, folder, timeout, memory)\n"
    "\n"
    "def drop(gen):\n"
    "    for k in [k for k in _sources if k[0] == gen]:\n"
    "        del _sources[k]\n"
    "    for k in [k for k in _handlers if k[0] == gen]:\n"
    "        mod = _handlers.pop(k)\n"
    "        sys.modules.pop(getattr(mod, '_stc_slice', ''), None)\n"
    "\n"
    "class _Slice:\n"
    "    # The import of `service` while a handler loads: its unit's slice, under\n"
    "    # a module name of its own (the handler may run code before importing it).\n"
    "    text = filename = modname = None\n"
    "    @classmethod\n"
    "    def find_spec(cls, name, path=None, target=None):\n"
    "        if name != 'service' or cls.text is None:\n"
    "            return None\n"
    "        import importlib.util\n"
    "        return importlib.util.spec_from_loader(name, cls)\n"
    "    @classmethod\n"
    "    def create_module(cls, spec):\n"
    "        mod = types.ModuleType(cls.modname)\n"
    "        mod.__file__ = cls.filename\n"
    "        sys.modules[cls.modname] = mod\n"
    "        return mod\n"
    "    @classmethod\n"
    "    def exec_module(cls, mod):\n"
    "        exec(compile(cls.text, cls.filename, 'exec'), mod.__dict__)\n"
    "sys.meta_path.insert(0, _Slice)\n"
    "\n"
    "def _load(gen, unit):\n"
    "    h = _handlers.get((gen, unit))\n"
    "    if h is not None:\n"
    "        return h\n"
    "    handler, service, folder = _sources[(gen, unit)][:3]\n"
    "    if folder not in sys.path:\n"
    "        sys.path.insert(0, folder)\n"
    "    sname, hname = unit + '/service.py', unit + '/handler.py'\n"
    "    _cache(sname, service)\n"
    "    _cache(hname, handler)\n"
    "    modname = '_stc_serve_%d_%s' % (gen, unit)\n"
    "    saved = sys.modules.pop('service', None)\n"
    "    _Slice.text, _Slice.filename, _Slice.modname = service, sname, modname\n"
    "    try:\n"
    "        h = types.ModuleType('handler')\n"
    "        h.__file__ = hname\n"
    "        h._stc_slice = modname\n"
    "        exec(compile(handler, hname, 'exec'), h.__dict__)\n"
    "    except BaseException:\n"
    "        sys.modules.pop(modname, None)\n"
    "        raise\n"
    "    finally:\n"
    "        _Slice.text = None\n"
    "        sys.modules.pop('service', None)\n"
    "        if saved is not None:\n"
    "            sys.modules['service'] = saved\n"
    "    _handlers[(gen, unit)] = h\n"
    "    return h\n"
    "\n"
    "def _call(gen, unit, event, request_id):\n"
    "    '''(0, result JSON, None) or (1, errorType, errorMessage), as Lambda answers.'''\n"
    "    if (gen, unit) not in _sources:\n"
    "        return 1, 'ResourceNotFoundException', 'Function not found: ' + unit\n"
    "    timeout, memory = _sources[(gen, unit)][3:]\n"
    "    saved = _current[0]\n"
    "    _current[0] = gen\n"
    "    try:\n"
    "        try:\n"
    "            h = _load(gen, unit)\n"
    "        except _stc_serve.Timeout:\n"
    "            raise\n"
    "        except BaseException as e:\n"
    "            traceback.print_exc()\n"
    "            return 1, 'Runtime.ImportModuleError', \"Unable to import module 'handler': %s\" % e\n"
    "        ctx = _Context(unit, timeout, memory, request_id)\n"
    "        try:\n"
    "            result = h.handler(json.loads(event), ctx)\n"
    "        except _stc_serve.Timeout:\n"
    "            raise\n"
    "        except BaseException as e:\n"
    "            sys.stderr.write('[ERROR] %s: %s\\n' % (type(e).__name__, e))\n"
    "            traceback.print_exc()\n"
    "            return 1, type(e).__name__, str(e)\n"
    "        try:\n"
    "            return 0, json.dumps(result), None\n"
    "        except (TypeError, ValueError) as e:\n"
    "            return 1, 'Runtime.MarshalError', 'Unable to marshal response: %s' % e\n"
    "    finally:\n"
    "        _current[0] = saved\n"
    "\n"
    "def call(gen, unit, event, request_id, capture):\n"
    "    '''The top-level invocation: the watchdog is armed around it.'''\n"
    "    if capture:\n"
    "        buf = io.StringIO()\n"
    "        sys.stdout = sys.stderr = buf\n"
    "    timed_out = False\n"
    "    try:\n"
    "        kind, a, b = _call(gen, unit, event, request_id)\n"
    "    except _stc_serve.Timeout:\n"
    "        _handlers.pop((gen, unit), None)  # the container is not reused\n"
    "        timeout = _sources.get((gen, unit), (0, 0, 0, 0))[3]\n"
    "        kind, a, b = 1, 'Sandbox.Timedout', 'Task timed out after %.2f seconds' % timeout\n"
    "        timed_out = True\n"
    "        (buf if capture else _err).write('%s %s: %s\\n' % (request_id, unit, b))\n"
    "    finally:\n"
    "        if capture:\n"
    "            sys.stdout = sys.stderr = _err\n"
    "    return kind, a, b, buf.getvalue() if capture else None, timed_out\n";

/* The helpers' namespace and functions (borrowed from it). */
static PyObject *stc_host_ns;
static PyObject *stc_host_call_fn;
static PyObject *stc_host_timeout_exc;
static stc_host_hooks stc_host_hooks_v;
static bool stc_host_capture;
static unsigned long stc_host_thread; /* the worker's thread id, for the watchdog */

/* ---- the watchdog ------------------------------------------------------------ */

static pthread_t stc_wd_thread;
static pthread_mutex_t stc_wd_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stc_wd_cv;
static bool stc_wd_running, stc_wd_quit;
static uint64_t stc_wd_call;      /* the call being watched (0: none) */
static double stc_wd_deadline;    /* monotonic ms */

static double stc_host_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void *stc_wd_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&stc_wd_mu);
    while (!stc_wd_quit) {
        if (!stc_wd_call) {
            pthread_cond_wait(&stc_wd_cv, &stc_wd_mu);
            continue;
        }
        double now = stc_host_mono_ms();
        if (now < stc_wd_deadline) {
            struct timespec ts;
            ts.tv_sec = (time_t)(stc_wd_deadline / 1000);
            ts.tv_nsec = (long)((stc_wd_deadline - (double)ts.tv_sec * 1000) * 1e6);
            if (ts.tv_nsec > 999999999)
                ts.tv_nsec = 999999999;
            pthread_cond_timedwait(&stc_wd_cv, &stc_wd_mu, &ts);
            continue;
        }
        uint64_t call = stc_wd_call;
        pthread_mutex_unlock(&stc_wd_mu);
        /* The worker drops the lock between bytecodes when another thread
         * asks for it. */
        PyGILState_STATE g = PyGILState_Ensure();
        pthread_mutex_lock(&stc_wd_mu);
        if (stc_wd_call == call) {
            PyThreadState_SetAsyncExc(stc_host_thread, stc_host_timeout_exc);
            stc_wd_call = 0;
        }
        pthread_mutex_unlock(&stc_wd_mu);
        PyGILState_Release(g);
        pthread_mutex_lock(&stc_wd_mu);
    }
    pthread_mutex_unlock(&stc_wd_mu);
    return NULL;
}

static void stc_wd_arm(uint64_t call, double deadline)
{
    pthread_mutex_lock(&stc_wd_mu);
    stc_wd_call = call;
    stc_wd_deadline = deadline;
    pthread_cond_signal(&stc_wd_cv);
    pthread_mutex_unlock(&stc_wd_mu);
}

/* ---- the _stc_serve module ------------------------------------------------------- */

static PyObject *stc_py_start_execution(PyObject *self, PyObject *args)
{
    (void)self;
    const char *name, *input;
    if (!PyArg_ParseTuple(args, "ss", &name, &input))
        return NULL;
    char *arn = NULL, *err = NULL;
    int64_t start = 0;
    if (!stc_host_hooks_v.start_execution ||
        stc_host_hooks_v.start_execution(stc_host_hooks_v.ctx, name, input, &arn, &start, &err) != 0) {
        PyErr_SetString(PyExc_RuntimeError, err ? err : "cannot start an execution");
        free(err);
        return NULL;
    }
    PyObject *r = Py_BuildValue("(sd)", arn, (double)start / 1000.0);
    free(arn);
    return r;
}

static PyObject *stc_py_post(PyObject *self, PyObject *args)
{
    (void)self;
    const char *id;
    const char *data;
    Py_ssize_t len;
    if (!PyArg_ParseTuple(args, "sy#", &id, &data, &len))
        return NULL;
    int rc = stc_host_hooks_v.post ? stc_host_hooks_v.post(stc_host_hooks_v.ctx, id, data, (size_t)len) : 1;
    return PyBool_FromLong(rc == 0);
}

static PyObject *stc_py_publish(PyObject *self, PyObject *args)
{
    (void)self;
    const char *topic, *text, *subject = NULL;
    Py_ssize_t len;
    if (!PyArg_ParseTuple(args, "ss#z", &topic, &text, &len, &subject))
        return NULL;
    char *id = stc_host_hooks_v.publish
                   ? stc_host_hooks_v.publish(stc_host_hooks_v.ctx, topic, text, (size_t)len, subject)
                   : NULL;
    PyObject *r = PyUnicode_FromString(id ? id : "");
    free(id);
    return r;
}

static PyObject *stc_py_new_store(PyObject *self, PyObject *args)
{
    (void)self;
    const char *kind, *name;
    if (!PyArg_ParseTuple(args, "ss", &kind, &name))
        return NULL;
    return stc_pystore_new(kind, name);
}

static PyMethodDef stc_py_serve_methods[] = {
    {"start_execution", stc_py_start_execution, METH_VARARGS, "start a workflow: (execution ARN, start date)"},
    {"post", stc_py_post, METH_VARARGS, "send a frame to a WebSocket client: False when it is gone"},
    {"publish", stc_py_publish, METH_VARARGS, "publish a message to a topic: its message id"},
    {"store", stc_py_new_store, METH_VARARGS, "the store object of a resource"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef stc_py_serve_module = {
    PyModuleDef_HEAD_INIT, "_stc_serve", "the local host of stc-tui serve", -1, stc_py_serve_methods,
    NULL, NULL, NULL, NULL,
};

/* ---- helpers ------------------------------------------------------------------------ */

/* The pending Python exception as "Type: message" (allocated); clears it. */
static char *stc_host_exception(void)
{
    PyObject *type = NULL, *value = NULL, *tb = NULL;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    const char *tname = type && PyType_Check(type) ? ((PyTypeObject *)type)->tp_name : "Exception";
    PyObject *s = value ? PyObject_Str(value) : NULL;
    const char *msg = s ? PyUnicode_AsUTF8(s) : NULL;
    if (!msg)
        PyErr_Clear();
    char *out = msg && *msg ? stc_xasprintf("%s: %s", tname, msg) : stc_xstrdup(tname);
    Py_XDECREF(s);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return out;
}

/* Call helper `name` with a built tuple (taken); returns the result or NULL
 * with *err. */
static PyObject *stc_host_helper(const char *name, PyObject *args, char **err)
{
    PyObject *fn = PyDict_GetItemString(stc_host_ns, name); /* borrowed */
    PyObject *r = fn && args ? PyObject_CallObject(fn, args) : NULL;
    Py_XDECREF(args);
    if (!r && err) {
        char *why = stc_host_exception();
        *err = stc_xasprintf("%s: %s", name, why);
        free(why);
    } else if (!r) {
        PyErr_Clear();
    }
    return r;
}

int stc_host_start(const stc_host_hooks *hooks, stc_store *store, bool capture_logs, const char *runtime,
                   size_t runtime_len, char **err)
{
    stc_py_enter();
    stc_host_hooks_v = *hooks;
    stc_host_capture = capture_logs;
    stc_host_thread = PyThread_get_thread_ident();
    int rc = -1;
    PyObject *mod = PyModule_Create(&stc_py_serve_module);
    if (!mod || stc_pystore_init(mod, store, &stc_host_hooks_v) != 0)
        goto fail;
    stc_host_timeout_exc = PyErr_NewException("_stc_serve.Timeout", PyExc_BaseException, NULL);
    if (!stc_host_timeout_exc || PyModule_AddObjectRef(mod, "Timeout", stc_host_timeout_exc) != 0)
        goto fail;
    PyObject *modules = PyImport_GetModuleDict(); /* borrowed */
    if (PyDict_SetItemString(modules, "_stc_serve", mod) != 0)
        goto fail;
    stc_host_ns = PyDict_New();
    PyDict_SetItemString(stc_host_ns, "__builtins__", PyEval_GetBuiltins());
    PyObject *r = PyRun_String(HOST, Py_file_input, stc_host_ns, stc_host_ns);
    if (!r)
        goto fail;
    Py_DECREF(r);
    r = stc_host_helper("load_runtime", Py_BuildValue("(s#)", runtime, (Py_ssize_t)runtime_len), err);
    if (!r) {
        Py_XDECREF(mod);
        stc_py_leave();
        return -1;
    }
    Py_DECREF(r);
    stc_host_call_fn = PyDict_GetItemString(stc_host_ns, "call");
    Py_DECREF(mod);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&stc_wd_cv, &ca);
    pthread_condattr_destroy(&ca);
    stc_wd_quit = false;
    stc_wd_running = pthread_create(&stc_wd_thread, NULL, stc_wd_main, NULL) == 0;
    rc = 0;
    stc_py_leave();
    return rc;
fail:
    if (err) {
        char *why = stc_host_exception();
        *err = stc_xasprintf("cannot start the local host: %s", why);
        free(why);
    }
    Py_XDECREF(mod);
    stc_py_leave();
    return -1;
}

void stc_host_stop(void)
{
    if (stc_wd_running) {
        pthread_mutex_lock(&stc_wd_mu);
        stc_wd_quit = true;
        pthread_cond_signal(&stc_wd_cv);
        pthread_mutex_unlock(&stc_wd_mu);
        /* The watchdog may wait for the interpreter's lock. */
        Py_BEGIN_ALLOW_THREADS
        pthread_join(stc_wd_thread, NULL);
        Py_END_ALLOW_THREADS
        stc_wd_running = false;
        pthread_cond_destroy(&stc_wd_cv);
    }
}

int stc_host_bind(const char *kind, const char *name, char **err)
{
    stc_py_enter();
    PyObject *store = stc_pystore_new(kind, name);
    PyObject *r = store ? stc_host_helper("bind", Py_BuildValue("(ssN)", kind, name, store), err) : NULL;
    if (!store && err) {
        char *why = stc_host_exception();
        *err = stc_xasprintf("binding %s %s: %s", kind, name, why);
        free(why);
    }
    Py_XDECREF(r);
    stc_py_leave();
    return r ? 0 : -1;
}

int stc_host_setenv(const char *name, const char *value, char **err)
{
    stc_py_enter();
    PyObject *r = stc_host_helper("setenv", Py_BuildValue("(ss)", name, value), err);
    Py_XDECREF(r);
    stc_py_leave();
    return r ? 0 : -1;
}

int stc_host_define(unsigned gen, const char *unit, const char *handler, const char *service, const char *folder,
                    int timeout_s, int memory_mb, char **err)
{
    stc_py_enter();
    PyObject *r = stc_host_helper(
        "define", Py_BuildValue("(Issssii)", gen, unit, handler, service, folder, timeout_s, memory_mb), err);
    Py_XDECREF(r);
    stc_py_leave();
    return r ? 0 : -1;
}

void stc_host_drop(unsigned gen)
{
    stc_py_enter();
    PyObject *r = stc_host_helper("drop", Py_BuildValue("(I)", gen), NULL);
    Py_XDECREF(r);
    stc_py_leave();
}

static char *stc_host_text(PyObject *o)
{
    if (!o || o == Py_None)
        return NULL;
    Py_ssize_t n = 0;
    const char *s = PyUnicode_AsUTF8AndSize(o, &n);
    if (!s) {
        PyErr_Clear();
        return stc_xstrdup("?");
    }
    return stc_xstrndup(s, (size_t)n);
}

int stc_host_invoke(unsigned gen, const char *unit, const char *event, const char *request_id, stc_host_result *out)
{
    static uint64_t calls;
    memset(out, 0, sizeof *out);
    stc_py_enter();
    /* the timeout: the unit's, from its definition */
    PyObject *sources = PyDict_GetItemString(stc_host_ns, "_sources"); /* borrowed */
    PyObject *key = Py_BuildValue("(Is)", gen, unit);
    PyObject *src = sources && key ? PyDict_GetItem(sources, key) : NULL; /* borrowed */
    Py_XDECREF(key);
    long timeout = src && PyTuple_Check(src) ? PyLong_AsLong(PyTuple_GetItem(src, 3)) : 0;
    if (PyErr_Occurred())
        PyErr_Clear();
    uint64_t call = ++calls;
    if (timeout > 0)
        stc_wd_arm(call, stc_host_mono_ms() + (double)timeout * 1000.0);
    PyObject *r = PyObject_CallFunction(stc_host_call_fn, "IsssO", gen, unit, event, request_id ? request_id : "",
                                        stc_host_capture ? Py_True : Py_False);
    stc_wd_arm(0, 0);
    if (!r) {
        /* a timeout that arrived outside the call's try, or a bug */
        out->kind = STC_HOST_FAILED;
        out->message = stc_host_exception();
        stc_py_leave();
        return -1;
    }
    long kind = PyLong_AsLong(PyTuple_GetItem(r, 0));
    PyObject *a = PyTuple_GetItem(r, 1), *b = PyTuple_GetItem(r, 2);
    out->logs = stc_host_text(PyTuple_GetItem(r, 3));
    out->timed_out = PyObject_IsTrue(PyTuple_GetItem(r, 4)) == 1;
    if (kind == 0) {
        out->kind = STC_HOST_OK;
        out->json = stc_host_text(a);
    } else {
        out->kind = STC_HOST_ERROR;
        out->error = stc_host_text(a);
        out->message = stc_host_text(b);
        if (!out->message)
            out->message = stc_xstrdup("");
    }
    Py_DECREF(r);
    stc_py_leave();
    return 0;
}

void stc_host_result_free(stc_host_result *r)
{
    if (!r)
        return;
    free(r->json);
    free(r->error);
    free(r->message);
    free(r->logs);
    memset(r, 0, sizeof *r);
}
