/* bg.c - see bg.h. */
#include "tui/bg.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

struct stc_bg {
    pthread_mutex_t mu;
    pthread_cond_t work;  /* the worker waits here for jobs */
    pthread_cond_t ready; /* the main thread waits here for finished ones */
    stc_bg_job *queue, *queue_tail; /* waiting to run */
    stc_bg_job *running;
    stc_bg_job *done, *done_tail;   /* finished, not yet taken */
    atomic_int ndone;               /* their number: stc_bg_take() looks without the lock */
    int pipe[2];
    bool started, stop;
    bool no_thread; /* pthread_create failed: jobs run in stc_bg_submit() */
    bool held;      /* stc_bg_hold(): no worker until stc_bg_release() */
    pthread_t thread;
};

static pthread_mutex_t stc_render_mu = PTHREAD_MUTEX_INITIALIZER;

void stc_render_lock(void)
{
    pthread_mutex_lock(&stc_render_mu);
}

void stc_render_unlock(void)
{
    pthread_mutex_unlock(&stc_render_mu);
}

stc_bg *stc_bg_new(void)
{
    stc_bg *q = stc_xcalloc(1, sizeof *q);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->ready, &ca);
    pthread_condattr_destroy(&ca);
    q->pipe[0] = q->pipe[1] = -1;
    if (pipe(q->pipe) == 0) {
        for (int i = 0; i < 2; i++) {
            fcntl(q->pipe[i], F_SETFL, fcntl(q->pipe[i], F_GETFL) | O_NONBLOCK);
            fcntl(q->pipe[i], F_SETFD, FD_CLOEXEC);
        }
    } else {
        q->pipe[0] = q->pipe[1] = -1; /* no wake-ups: stc_bg_take() still works when polled */
    }
    return q;
}

stc_bg_job *stc_bg_job_new(int kind, unsigned generation, const char *name, bool compact)
{
    stc_bg_job *j = stc_xcalloc(1, sizeof *j);
    j->kind = kind;
    j->generation = generation;
    j->name = name ? stc_xstrdup(name) : NULL;
    j->compact = compact;
    return j;
}

void stc_bg_job_free(stc_bg_job *j)
{
    if (!j)
        return;
    if (j->free_data)
        j->free_data(j->data);
    else
        free(j->data);
    free(j->name);
    free(j);
}

static void stc_bg_free_list(stc_bg_job *j)
{
    while (j) {
        stc_bg_job *next = j->next;
        stc_bg_job_free(j);
        j = next;
    }
}

/* The worker yields to the main thread when both want a CPU: keys first.
 * (On Linux a thread has its own nice value; elsewhere this does nothing.) */
enum { STC_BG_NICE = 3 };

/* A job that has run goes to the done list, for stc_bg_take (q->mu held). */
static void stc_bg_finish_locked(stc_bg *q, stc_bg_job *j)
{
    j->done = true;
    if (q->done_tail)
        q->done_tail->next = j;
    else
        q->done = j;
    q->done_tail = j;
    atomic_fetch_add(&q->ndone, 1);
}

static void *stc_bg_main(void *arg)
{
    stc_bg *q = arg;
#if defined(__linux__) && defined(SYS_gettid)
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), STC_BG_NICE);
#endif
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->queue && !q->stop)
            pthread_cond_wait(&q->work, &q->mu);
        if (q->stop)
            break;
        stc_bg_job *j = q->queue;
        q->queue = j->next;
        if (!q->queue)
            q->queue_tail = NULL;
        j->next = NULL;
        q->running = j;
        pthread_mutex_unlock(&q->mu);
        j->run(j);
        pthread_mutex_lock(&q->mu);
        q->running = NULL;
        stc_bg_finish_locked(q, j);
        pthread_cond_broadcast(&q->ready);
        /* the wake-up outside the lock: a worker that loses its CPU in the
         * system call must not hold up the main thread (it runs at a lower
         * priority). A byte written after the main thread took the job only
         * wakes it once for nothing. */
        pthread_mutex_unlock(&q->mu);
        if (q->pipe[1] >= 0) {
            char b = 1;
            ssize_t w = write(q->pipe[1], &b, 1); /* a full pipe already wakes the reader */
            (void)w;
        }
        pthread_mutex_lock(&q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* Start the worker for the queued jobs (q->mu held). */
static void stc_bg_start_locked(stc_bg *q)
{
    if (q->held || !q->queue)
        return;
    if (!q->started && !q->no_thread) {
        q->started = pthread_create(&q->thread, NULL, stc_bg_main, q) == 0;
        q->no_thread = !q->started;
    }
    if (q->no_thread) {
        /* no worker: run the queue here, so nothing waits for ever */
        while (q->queue) {
            stc_bg_job *r = q->queue;
            q->queue = r->next;
            r->next = NULL;
            r->run(r);
            stc_bg_finish_locked(q, r);
        }
        q->queue_tail = NULL;
        return;
    }
    pthread_cond_signal(&q->work);
}

void stc_bg_submit(stc_bg *q, stc_bg_job *j, bool urgent)
{
    pthread_mutex_lock(&q->mu);
    j->next = NULL;
    j->done = false;
    if (urgent) {
        j->next = q->queue;
        q->queue = j;
        if (!q->queue_tail)
            q->queue_tail = j;
    } else {
        if (q->queue_tail)
            q->queue_tail->next = j;
        else
            q->queue = j;
        q->queue_tail = j;
    }
    stc_bg_start_locked(q);
    pthread_mutex_unlock(&q->mu);
}

void stc_bg_hold(stc_bg *q)
{
    pthread_mutex_lock(&q->mu);
    if (!q->started && !q->no_thread)
        q->held = true;
    pthread_mutex_unlock(&q->mu);
}

bool stc_bg_held(stc_bg *q)
{
    pthread_mutex_lock(&q->mu);
    bool h = q->held;
    pthread_mutex_unlock(&q->mu);
    return h;
}

void stc_bg_release(stc_bg *q)
{
    pthread_mutex_lock(&q->mu);
    q->held = false;
    stc_bg_start_locked(q);
    pthread_mutex_unlock(&q->mu);
}

static bool stc_bg_match(const stc_bg_job *j, int kind, unsigned generation, const char *name, bool compact)
{
    return j->kind == kind && j->generation == generation && j->compact == compact &&
           ((!j->name && !name) || (j->name && name && strcmp(j->name, name) == 0));
}

bool stc_bg_pending(stc_bg *q, int kind, unsigned generation, const char *name, bool compact, bool urgent)
{
    bool found = false;
    pthread_mutex_lock(&q->mu);
    if (q->running && stc_bg_match(q->running, kind, generation, name, compact))
        found = true;
    for (stc_bg_job *j = q->done; j && !found; j = j->next)
        found = stc_bg_match(j, kind, generation, name, compact);
    stc_bg_job *prev = NULL;
    for (stc_bg_job *j = q->queue; j && !found; prev = j, j = j->next) {
        if (!stc_bg_match(j, kind, generation, name, compact))
            continue;
        found = true;
        if (urgent && prev) { /* to the front */
            prev->next = j->next;
            if (q->queue_tail == j)
                q->queue_tail = prev;
            j->next = q->queue;
            q->queue = j;
        }
    }
    pthread_mutex_unlock(&q->mu);
    return found;
}

void stc_bg_quiesce(stc_bg *q)
{
    pthread_mutex_lock(&q->mu);
    stc_bg_job *drop = q->queue;
    q->queue = q->queue_tail = NULL;
    while (q->running)
        pthread_cond_wait(&q->ready, &q->mu);
    pthread_mutex_unlock(&q->mu);
    stc_bg_free_list(drop);
}

stc_bg_job *stc_bg_take(stc_bg *q)
{
    char buf[64];
    if (atomic_load(&q->ndone) == 0) {
        /* nothing finished: no lock (called before every key); the bytes
         * of the jobs taken are read here, and a job finished meanwhile is
         * seen by the second look (its byte may have been read) */
        if (q->pipe[0] >= 0)
            while (read(q->pipe[0], buf, sizeof buf) > 0)
                ;
        if (atomic_load(&q->ndone) == 0)
            return NULL;
    }
    pthread_mutex_lock(&q->mu);
    stc_bg_job *j = q->done;
    if (j) {
        q->done = j->next;
        if (!q->done)
            q->done_tail = NULL;
        j->next = NULL;
        atomic_fetch_sub(&q->ndone, 1);
    }
    pthread_mutex_unlock(&q->mu);
    return j;
}

bool stc_bg_wait(stc_bg *q, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    if (timeout_ms >= 0) {
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&q->mu);
    q->held = false; /* nothing would come otherwise */
    stc_bg_start_locked(q);
    while (!q->done && (q->queue || q->running) && q->started) {
        if (timeout_ms < 0)
            pthread_cond_wait(&q->ready, &q->mu);
        else if (pthread_cond_timedwait(&q->ready, &q->mu, &until) == ETIMEDOUT)
            break;
    }
    bool ready = q->done != NULL;
    pthread_mutex_unlock(&q->mu);
    return ready;
}

int stc_bg_fd(const stc_bg *q)
{
    return q ? q->pipe[0] : -1;
}

int stc_bg_count(const stc_bg *q)
{
    int n = 0;
    stc_bg *m = (stc_bg *)q;
    pthread_mutex_lock(&m->mu);
    for (const stc_bg_job *j = q->queue; j; j = j->next)
        n++;
    for (const stc_bg_job *j = q->done; j; j = j->next)
        n++;
    n += q->running != NULL;
    pthread_mutex_unlock(&m->mu);
    return n;
}

void stc_bg_free(stc_bg *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->stop = true;
    stc_bg_job *queued = q->queue;
    q->queue = q->queue_tail = NULL;
    pthread_cond_broadcast(&q->work);
    pthread_mutex_unlock(&q->mu);
    stc_bg_free_list(queued);
    if (q->started)
        pthread_join(q->thread, NULL); /* after the running job, if any */
    stc_bg_free_list(q->done);
    stc_bg_free_list(q->running); /* NULL: the worker finishes the job it runs */
    for (int i = 0; i < 2; i++)
        if (q->pipe[i] >= 0)
            close(q->pipe[i]);
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->ready);
    pthread_mutex_destroy(&q->mu);
    free(q);
}
