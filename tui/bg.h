/* bg.h - the workbench's background work: one worker thread and a queue.
 *
 * Slow work that the screen can show later runs here instead of between two
 * keys: the Graph pane's layouts (render/layout.h: Graphviz and edge
 * routing) and the first template of the session (tui/tmpl.h). A job is
 * created on the main thread, runs once on the worker, and comes back to
 * the main thread through stc_bg_take(); a byte written to a pipe
 * (stc_bg_fd(), readable while a finished job waits) wakes the main loop.
 * Only the main thread submits, takes and frees jobs.
 *
 * Graphviz is not thread-safe and render/layout.c keeps process-wide state
 * during a build, so every stc_layout_build() in the workbench -- the
 * worker's and the Emit dialog's SVG drawings -- runs under
 * stc_render_lock(). The rest of render/ used on the main thread (drawing a
 * finished layout on a canvas, the viewport, SVG of a finished layout) reads
 * only the layout it is given and needs no lock.
 *
 * What a job reads must not change while it runs. Jobs borrow the compiled
 * service (a layout job its state machine and source map, the template job
 * the whole service) and only read it, as the main thread does; the app
 * waits for the template job and calls stc_bg_quiesce() before a compile
 * replaces the service, and stc_bg_free() before it frees it.
 *
 * stc_bg_free() drops the queued jobs, waits for the running one (a layout
 * cannot be interrupted), joins the worker and frees every job.
 */
#ifndef STC_TUI_BG_H
#define STC_TUI_BG_H

#include <stdbool.h>

enum {
    STC_BG_LAYOUT = 1,   /* a workflow's layout for the Graph pane */
    STC_BG_TEMPLATE = 2, /* the template of the current mode */
};

typedef struct stc_bg stc_bg;
typedef struct stc_bg_job stc_bg_job;

struct stc_bg_job {
    int kind;            /* STC_BG_* */
    unsigned generation; /* the app's compile generation it belongs to */
    char *name;          /* layout: the workflow (method) name; else NULL */
    bool compact;        /* layout: the compact options */
    void *data;          /* what run reads and writes */
    /* On the worker thread: do the work (reads and writes data only). */
    void (*run)(stc_bg_job *j);
    /* On the main thread: free data (done or not). NULL: free(data). */
    void (*free_data)(void *data);
    bool done;           /* run has finished */
    stc_bg_job *next;    /* the queue's link */
};

stc_bg *stc_bg_new(void);
void stc_bg_free(stc_bg *q);

/* A new job of `kind` (name copied; may be NULL), to fill in and submit. */
stc_bg_job *stc_bg_job_new(int kind, unsigned generation, const char *name, bool compact);
/* Free a job that was taken (or never submitted). */
void stc_bg_job_free(stc_bg_job *j);

/* Queue j (taken over) at the back, or at the front when `urgent`. The
 * worker thread starts with the first job. */
void stc_bg_submit(stc_bg *q, stc_bg_job *j, bool urgent);
/* Is a job of kind/generation/name/compact queued or running (not yet
 * taken)? With `urgent`, a queued one moves to the front. */
bool stc_bg_pending(stc_bg *q, int kind, unsigned generation, const char *name, bool compact, bool urgent);
/* Drop every queued job and wait for the running one (it is left to be
 * taken): after this no job reads anything until the next submit. */
void stc_bg_quiesce(stc_bg *q);

/* Tests (STC_BG_HOLD, tui/script.h): keep the queued jobs from running
 * until stc_bg_release(), or until something waits for them
 * (stc_bg_wait). Only before the first job ran. */
void stc_bg_hold(stc_bg *q);
bool stc_bg_held(stc_bg *q);
void stc_bg_release(stc_bg *q);

/* The next finished job (the caller owns it), or NULL. Never blocks. */
stc_bg_job *stc_bg_take(stc_bg *q);
/* Wait up to timeout_ms (-1: forever) until a finished job can be taken
 * (releasing a hold). Returns true when one can. */
bool stc_bg_wait(stc_bg *q, int timeout_ms);
/* Readable when a finished job waits to be taken (and, once, after the
 * last one was taken: stc_bg_take() then returns NULL); -1 when there is
 * no pipe. */
int stc_bg_fd(const stc_bg *q);
/* Jobs submitted and not yet taken. */
int stc_bg_count(const stc_bg *q);

/* The lock around every render/layout.c build (Graphviz) in the workbench. */
void stc_render_lock(void);
void stc_render_unlock(void);

#endif
