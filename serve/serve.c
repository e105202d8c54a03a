/* serve.c - see serve.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "serve/serve.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/parse.h"
#include "core/util.h"
#include "serve/auth.h"
#include "serve/bus.h"
#include "serve/front.h"
#include "serve/gen.h"
#include "serve/store.h"
#include "serve/worker.h"

static volatile sig_atomic_t stc_serve_stop;
static stc_front *volatile stc_serve_front;

/* The first signal starts an orderly stop; a second one leaves at once. */
static void stc_serve_on_signal(int sig)
{
    (void)sig;
    if (stc_serve_stop) {
        static const char msg[] = "stc-tui: stopping now\n";
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
            /* nothing more can be done */
        }
        _exit(130);
    }
    stc_serve_stop = 1;
    stc_front_wake(stc_serve_front);
}

static bool stc_serve_config_io(const stc_service *svc)
{
    for (size_t i = 0; i < svc->diags.count; i++)
        if (strcmp(svc->diags.items[i].code, "STC528") == 0)
            return true;
    return svc->io_error;
}

/* "http://HOST:PORT" with IPv6 addresses in brackets. */
static char *stc_serve_authority(const char *host, int port)
{
    return strchr(host, ':') ? stc_xasprintf("[%s]:%d", host, port) : stc_xasprintf("%s:%d", host, port);
}

int stc_serve_run(const stc_serve_options *o)
{
    stc_service *broken = NULL;
    stc_gen *g = stc_gen_compile(1, o->path, o->mode, o->config, &broken);
    if (!g) {
        if (o->print_diags)
            o->print_diags(broken);
        int status = stc_serve_config_io(broken) ? STC_SERVE_IO : STC_SERVE_INPUT;
        stc_service_free(broken);
        return status;
    }
    if (g->svc->diags.count && o->print_diags)
        o->print_diags(g->svc); /* warnings */
    char *err = NULL;
    stc_store *store = stc_store_open(o->state, &err);
    if (!store) {
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
        stc_gen_unref(g);
        return STC_SERVE_IO;
    }
    if (stc_py_init_main(&err) != 0) {
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
        stc_store_close(store);
        stc_gen_unref(g);
        return STC_SERVE_IO;
    }
    stc_bus bus;
    stc_bus_init(&bus);
    bus.json = o->json;
    /* The worker thread runs Python from here on. */
    stc_py_enter();
    PyThreadState *main_state = PyEval_SaveThread();
    stc_py_leave();
    int status = STC_SERVE_OK;
    stc_auth_env_load(); /* before the threads: they share the keys */
    stc_worker *w = stc_worker_start(o, &bus, g, store, &err);
    stc_front *f = NULL;
    if (!w) {
        fprintf(stderr, "stc-tui: %s: %s\n", o->path, err);
        free(err);
        status = STC_SERVE_INPUT;
    } else if (!(f = stc_front_new(o->host, o->port, &bus, &err))) {
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
        stc_bus_to_worker(&bus, stc_msg_new(STC_MSG_DRAIN));
        stc_worker_join(w);
        status = STC_SERVE_IO;
    } else {
        char *auth = stc_serve_authority(o->host, stc_front_port(f));
        stc_worker_set_domain(w, auth);
        stc_serve_front = f;
        stc_serve_stop = 0;
        struct sigaction sa, old_int, old_term;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = stc_serve_on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        printf("serving %s on http://%s and ws://%s/\n", o->path, auth, auth);
        fflush(stdout);
        free(auth);
        stc_front_run(f, &stc_serve_stop);
        stc_worker_join(w);
        stc_serve_front = NULL;
        stc_front_free(f);
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    stc_py_enter();
    PyEval_RestoreThread(main_state);
    stc_py_leave();
    stc_bus_destroy(&bus);
    return status;
}
