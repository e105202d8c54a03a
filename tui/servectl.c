/* servectl.c - see servectl.h. */
#include "tui/servectl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

/* Requests kept (the oldest go first). */
#define STC_SERVECTL_KEEP 1000
/* How long a stop asked for may take before SIGKILL. */
#define STC_SERVECTL_STOP_MS 5000

struct stc_servectl {
    pid_t pid;             /* 0: none */
    int out_fd, err_fd;
    stc_buf out, err;      /* partial lines */
    char *url;
    char *error;           /* why it ended */
    char *last_err;        /* the last stderr line */
    stc_serve_req **reqs;  /* oldest first */
    size_t n, cap;
    cJSON *execs;          /* {arn: record} */
    bool stopping;         /* SIGINT sent by stc_servectl_stop_begin */
    bool killed;           /* ... and SIGKILL after STC_SERVECTL_STOP_MS */
    long long kill_at;     /* monotonic ms */
};

static long long stc_servectl_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

stc_servectl *stc_servectl_new(void)
{
    stc_servectl *s = stc_xcalloc(1, sizeof *s);
    s->out_fd = s->err_fd = -1;
    s->execs = cJSON_CreateObject();
    return s;
}

static void stc_serve_req_free(stc_serve_req *r)
{
    if (!r)
        return;
    free(r->kind);
    free(r->method);
    free(r->path);
    free(r->outcome);
    free(r->unit);
    free(r->time);
    cJSON_Delete(r->event);
    cJSON_Delete(r->response);
    free(r->logs);
    for (size_t i = 0; i < r->nexecutions; i++)
        free(r->executions[i]);
    free(r->executions);
    free(r);
}

static void stc_servectl_forget(stc_servectl *s)
{
    for (size_t i = 0; i < s->n; i++)
        stc_serve_req_free(s->reqs[i]);
    s->n = 0;
    cJSON_Delete(s->execs);
    s->execs = cJSON_CreateObject();
    free(s->url);
    free(s->error);
    free(s->last_err);
    s->url = s->error = s->last_err = NULL;
    stc_buf_clear(&s->out);
    stc_buf_clear(&s->err);
}

void stc_servectl_free(stc_servectl *s)
{
    if (!s)
        return;
    stc_servectl_stop(s);
    stc_servectl_forget(s);
    cJSON_Delete(s->execs);
    free(s->reqs);
    stc_buf_free(&s->out);
    stc_buf_free(&s->err);
    free(s);
}

bool stc_servectl_running(const stc_servectl *s)
{
    return s && s->pid > 0;
}

bool stc_servectl_stopping(const stc_servectl *s)
{
    return s && s->pid > 0 && s->stopping;
}

const char *stc_servectl_url(const stc_servectl *s)
{
    return s ? s->url : NULL;
}

const char *stc_servectl_error(const stc_servectl *s)
{
    return s ? s->error : NULL;
}

size_t stc_servectl_count(const stc_servectl *s)
{
    return s ? s->n : 0;
}

const stc_serve_req *stc_servectl_req(const stc_servectl *s, size_t newest_first)
{
    return newest_first < s->n ? s->reqs[s->n - 1 - newest_first] : NULL;
}

const cJSON *stc_servectl_execution(const stc_servectl *s, const char *arn)
{
    return arn ? cJSON_GetObjectItemCaseSensitive(s->execs, arn) : NULL;
}

static char *stc_json_str(const cJSON *o, const char *key)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return v ? stc_xstrdup(v) : NULL;
}

void stc_servectl_feed(stc_servectl *s, const char *line)
{
    cJSON *o = cJSON_Parse(line);
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "type"));
    if (!type) {
        cJSON_Delete(o);
        return;
    }
    if (strcmp(type, "execution") == 0) {
        const char *arn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "executionArn"));
        if (arn) {
            cJSON_DeleteItemFromObjectCaseSensitive(s->execs, arn);
            cJSON_AddItemToObject(s->execs, arn, cJSON_Duplicate(o, true));
        }
        cJSON_Delete(o);
        return;
    }
    bool trigger = strcmp(type, "trigger") == 0;
    if (!trigger && strcmp(type, "request") != 0 && strcmp(type, "websocket") != 0) {
        cJSON_Delete(o);
        return;
    }
    stc_serve_req *r = stc_xcalloc(1, sizeof *r);
    r->kind = stc_xstrdup(type);
    r->seq = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "seq"));
    r->method = trigger ? stc_xstrdup("TRIGGER") : stc_json_str(o, "method");
    r->path = stc_json_str(o, trigger ? "what" : "path");
    r->status = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "status"));
    if (r->status < 0)
        r->status = 0;
    r->outcome = stc_json_str(o, "outcome");
    r->unit = stc_json_str(o, "unit");
    double ms = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "ms"));
    r->ms = ms == ms ? ms : 0;
    r->time = stc_json_str(o, "time");
    r->event = cJSON_DetachItemFromObjectCaseSensitive(o, "event");
    r->response = cJSON_DetachItemFromObjectCaseSensitive(o, "response");
    r->logs = stc_json_str(o, "logs");
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(o, "executions");
    r->executions = stc_xcalloc((size_t)cJSON_GetArraySize(ex) + 1, sizeof *r->executions);
    for (const cJSON *e = cJSON_IsArray(ex) ? ex->child : NULL; e; e = e->next)
        if (cJSON_IsString(e))
            r->executions[r->nexecutions++] = stc_xstrdup(e->valuestring);
    if (!r->method)
        r->method = stc_xstrdup("?");
    if (!r->path)
        r->path = stc_xstrdup("");
    if (!r->unit)
        r->unit = stc_xstrdup("-");
    if (s->n == STC_SERVECTL_KEEP) {
        stc_serve_req_free(s->reqs[0]);
        memmove(s->reqs, s->reqs + 1, (s->n - 1) * sizeof *s->reqs);
        s->n--;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->reqs = stc_xrealloc(s->reqs, s->cap * sizeof *s->reqs);
    }
    s->reqs[s->n++] = r;
    cJSON_Delete(o);
}

cJSON *stc_servectl_replay_mocks(const cJSON *record)
{
    cJSON *m = cJSON_CreateObject();
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(record, "calls");
    for (const cJSON *c = cJSON_IsArray(calls) ? calls->child : NULL; c; c = c->next) {
        const char *fn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "function"));
        if (!fn)
            continue;
        cJSON *list = cJSON_GetObjectItemCaseSensitive(m, fn);
        if (!list)
            list = cJSON_AddArrayToObject(m, fn);
        cJSON *e = cJSON_CreateObject();
        const cJSON *ret = cJSON_GetObjectItemCaseSensitive(c, "return");
        if (ret) {
            cJSON_AddItemToObject(e, "return", cJSON_Duplicate(ret, true));
        } else {
            const char *raise = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "raise"));
            const char *cause = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "cause"));
            const char *err = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "error"));
            cJSON_AddStringToObject(e, "raise", raise ? raise : "States.Runtime");
            cJSON_AddStringToObject(e, "cause", raise ? (cause ? cause : "") : (err ? err : ""));
        }
        cJSON_AddItemToArray(list, e);
    }
    return m;
}

/* ---- the child ------------------------------------------------------------------- */

static void stc_servectl_close_fds(stc_servectl *s)
{
    if (s->out_fd >= 0)
        close(s->out_fd);
    if (s->err_fd >= 0)
        close(s->err_fd);
    s->out_fd = s->err_fd = -1;
}

int stc_servectl_start(stc_servectl *s, const char *exe, const char *path, const char *mode, const char *config,
                       int port, char **err)
{
    stc_servectl_stop(s);
    stc_servectl_forget(s);
    int out[2], errp[2];
    if (pipe(out) != 0) {
        *err = stc_xasprintf("cannot start serving: %s", strerror(errno));
        return -1;
    }
    if (pipe(errp) != 0) {
        *err = stc_xasprintf("cannot start serving: %s", strerror(errno));
        close(out[0]);
        close(out[1]);
        return -1;
    }
    char portbuf[16];
    snprintf(portbuf, sizeof portbuf, "%d", port);
    const char *argv[12] = {exe, "serve", path, "--port", portbuf, "--mode", mode, "--json"};
    int argc = 8;
    if (config) {
        argv[argc++] = "--config";
        argv[argc++] = config;
    }
    argv[argc] = NULL;
    for (int i = 0; i < 2; i++) { /* the workbench's other children do not inherit them */
        fcntl(out[i], F_SETFD, FD_CLOEXEC);
        fcntl(errp[i], F_SETFD, FD_CLOEXEC);
    }
    pid_t pid = fork();
    if (pid < 0) {
        *err = stc_xasprintf("cannot start serving: %s", strerror(errno));
        close(out[0]);
        close(out[1]);
        close(errp[0]);
        close(errp[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(errp[1], STDERR_FILENO);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        execv(exe, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    close(errp[1]);
    s->pid = pid;
    s->stopping = s->killed = false;
    s->out_fd = out[0];
    s->err_fd = errp[0];
    fcntl(s->out_fd, F_SETFL, fcntl(s->out_fd, F_GETFL) | O_NONBLOCK);
    fcntl(s->err_fd, F_SETFL, fcntl(s->err_fd, F_GETFL) | O_NONBLOCK);
    return 0;
}

/* Take the complete lines of buf; each goes to fn. */
static bool stc_servectl_lines(stc_servectl *s, stc_buf *buf, bool out)
{
    bool changed = false;
    char *start = buf->data;
    char *nl;
    while (start && (nl = memchr(start, '\n', buf->len - (size_t)(start - buf->data)))) {
        *nl = '\0';
        if (out) {
            if (!s->url && strncmp(start, "serving ", 8) == 0) {
                const char *on = strstr(start, " on ");
                const char *and = strstr(start, " and ");
                if (on && and && and > on)
                    s->url = stc_xstrndup(on + 4, (size_t)(and - on - 4));
            } else {
                stc_servectl_feed(s, start);
            }
            changed = true;
        } else if (*start) {
            free(s->last_err);
            s->last_err = stc_xstrdup(start);
        }
        start = nl + 1;
    }
    if (start) {
        size_t rest = buf->len - (size_t)(start - buf->data);
        memmove(buf->data, start, rest);
        buf->len = rest;
        buf->data[rest] = '\0';
    }
    return changed;
}

static bool stc_servectl_read(stc_servectl *s, int fd, stc_buf *buf, bool out)
{
    if (fd < 0)
        return false;
    char chunk[65536];
    bool changed = false;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0)
            break;
        stc_buf_add(buf, chunk, (size_t)n);
        changed |= stc_servectl_lines(s, buf, out);
    }
    return changed;
}

bool stc_servectl_poll(stc_servectl *s)
{
    if (!s || s->pid <= 0)
        return false;
    bool changed = stc_servectl_read(s, s->out_fd, &s->out, true);
    stc_servectl_read(s, s->err_fd, &s->err, false);
    int st = 0;
    if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
        stc_servectl_read(s, s->out_fd, &s->out, true);
        stc_servectl_read(s, s->err_fd, &s->err, false);
        s->pid = 0;
        stc_servectl_close_fds(s);
        free(s->error);
        s->error = NULL;
        bool asked = s->stopping && WIFEXITED(st) && WEXITSTATUS(st) == 0; /* not an error */
        if (s->killed)
            s->error = stc_xasprintf("serving did not stop within %d s: killed", STC_SERVECTL_STOP_MS / 1000);
        else if (!asked && WIFEXITED(st))
            s->error = stc_xasprintf("serving stopped (exit %d)%s%s", WEXITSTATUS(st), s->last_err ? ": " : "",
                                     s->last_err ? s->last_err : "");
        else if (!asked)
            s->error = stc_xasprintf("serving stopped (signal %d)", WTERMSIG(st));
        free(s->url);
        s->url = NULL;
        s->stopping = s->killed = false;
        changed = true;
    } else if (s->stopping && !s->killed && stc_servectl_now_ms() >= s->kill_at) {
        kill(s->pid, SIGKILL);
        s->killed = true;
    }
    return changed;
}

/* Poll until the child has ended, up to timeout_ms; true when it has. */
static bool stc_servectl_wait_end(stc_servectl *s, int timeout_ms)
{
    long long end = stc_servectl_now_ms() + timeout_ms;
    for (;;) {
        stc_servectl_poll(s);
        if (s->pid <= 0)
            return true;
        if (stc_servectl_now_ms() > end)
            return false;
        struct timespec d = {0, 20 * 1000000};
        nanosleep(&d, NULL);
    }
}

void stc_servectl_stop_begin(stc_servectl *s)
{
    if (!s || s->pid <= 0 || s->stopping)
        return;
    kill(s->pid, SIGINT);
    s->stopping = true;
    s->killed = false;
    s->kill_at = stc_servectl_now_ms() + STC_SERVECTL_STOP_MS;
    free(s->url); /* it takes no new requests */
    s->url = NULL;
}

void stc_servectl_stop(stc_servectl *s)
{
    if (!s || s->pid <= 0)
        return;
    stc_servectl_stop_begin(s);
    /* the poll sends SIGKILL at kill_at; a killed child ends at once */
    if (!stc_servectl_wait_end(s, STC_SERVECTL_STOP_MS + 5000)) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
        stc_servectl_close_fds(s);
        s->stopping = s->killed = false;
    }
    free(s->url);
    s->url = NULL;
}
