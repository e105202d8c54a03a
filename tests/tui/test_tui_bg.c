/* test_tui_bg.c - the background worker (tui/bg.h): jobs run one at a time
 * in queue order (urgent ones first), come back through stc_bg_take() with
 * the wake-up pipe readable when one waits, can be held and
 * released, are dropped by stc_bg_quiesce() (the running one finishes) and
 * by stc_bg_free() with a job still running (no hang, no leak: the ASan
 * build runs this too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/bg.h"

/* what the jobs ran, in order (written by the worker, read after a wait) */
static char ran[64];
static int nran;
static atomic_int started; /* jobs that began to run */

typedef struct job_data {
    char tag;
    int sleep_ms;
    int *freed; /* counts free_data calls */
} job_data;

static void job_run(stc_bg_job *j)
{
    job_data *d = j->data;
    atomic_fetch_add(&started, 1);
    if (d->sleep_ms) {
        struct timespec ts = {d->sleep_ms / 1000, (long)(d->sleep_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    ran[nran++] = d->tag;
}

static void job_free(void *data)
{
    job_data *d = data;
    if (d->freed)
        (*d->freed)++;
    free(d);
}

static stc_bg_job *job(char tag, int sleep_ms, int *freed)
{
    char name[2] = {tag, 0};
    stc_bg_job *j = stc_bg_job_new(STC_BG_LAYOUT, 1, name, false);
    job_data *d = calloc(1, sizeof *d);
    d->tag = tag;
    d->sleep_ms = sleep_ms;
    d->freed = freed;
    j->data = d;
    j->run = job_run;
    j->free_data = job_free;
    return j;
}

static bool readable(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, timeout_ms) == 1;
}

static void reset(void)
{
    memset(ran, 0, sizeof ran);
    nran = 0;
    atomic_store(&started, 0);
}

/* Until the first job runs (a busy machine may take a while to start it). */
static void wait_started(void)
{
    struct timespec ts = {0, 1000000L};
    for (int i = 0; i < 10000 && atomic_load(&started) == 0; i++)
        nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&started), 1);
}

static void test_order_and_take(void **st)
{
    (void)st;
    reset();
    stc_bg *q = stc_bg_new();
    stc_bg_hold(q); /* queue everything before anything runs */
    assert_true(stc_bg_held(q));
    stc_bg_submit(q, job('a', 0, NULL), false);
    stc_bg_submit(q, job('b', 0, NULL), false);
    stc_bg_submit(q, job('c', 0, NULL), false);
    stc_bg_submit(q, job('u', 0, NULL), true);                     /* urgent: first */
    assert_true(stc_bg_pending(q, STC_BG_LAYOUT, 1, "c", false, true)); /* c moves to the front */
    assert_false(stc_bg_pending(q, STC_BG_LAYOUT, 1, "c", true, false));
    assert_false(stc_bg_pending(q, STC_BG_LAYOUT, 2, "c", false, false));
    assert_int_equal(stc_bg_count(q), 4);
    assert_null(stc_bg_take(q));
    assert_false(readable(stc_bg_fd(q), 0));
    stc_bg_release(q);
    int got = 0;
    char order[8] = {0};
    while (got < 4) {
        assert_true(stc_bg_wait(q, 10000));
        /* the worker writes its byte just after it files the job */
        assert_true(readable(stc_bg_fd(q), 5000));
        stc_bg_job *j;
        while ((j = stc_bg_take(q))) {
            assert_true(j->done);
            order[got++] = j->name[0];
            stc_bg_job_free(j);
        }
    }
    assert_string_equal(order, "cuab");
    assert_string_equal(ran, "cuab");
    assert_int_equal(stc_bg_count(q), 0);
    assert_false(stc_bg_wait(q, 0)); /* nothing queued: no waiting */
    stc_bg_free(q);
}

static void test_quiesce(void **st)
{
    (void)st;
    reset();
    int freed = 0;
    stc_bg *q = stc_bg_new();
    stc_bg_submit(q, job('s', 300, &freed), false); /* slow: still running at the quiesce */
    stc_bg_submit(q, job('x', 0, &freed), false);
    stc_bg_submit(q, job('y', 0, &freed), false);
    wait_started();
    stc_bg_quiesce(q); /* x and y dropped, s finished */
    assert_int_equal(freed, 2);
    assert_string_equal(ran, "s");
    stc_bg_job *j = stc_bg_take(q);
    assert_non_null(j);
    assert_string_equal(j->name, "s");
    stc_bg_job_free(j);
    assert_int_equal(freed, 3);
    assert_null(stc_bg_take(q));
    stc_bg_free(q);
}

static void test_free_while_running(void **st)
{
    (void)st;
    reset();
    int freed = 0;
    stc_bg *q = stc_bg_new();
    stc_bg_submit(q, job('r', 200, &freed), false);
    for (int i = 0; i < 5; i++)
        stc_bg_submit(q, job('q', 200, &freed), false);
    wait_started();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    stc_bg_free(q); /* waits for r only */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    assert_int_equal(freed, 6);
    assert_string_equal(ran, "r");
    assert_true(ms < 1000); /* not the 1.2 s of every job */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_take),
        cmocka_unit_test(test_quiesce),
        cmocka_unit_test(test_free_while_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
