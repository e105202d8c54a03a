/* app.h - the workbench application: the compiled service, the panes, the
 * layout, focus, dialogs, the prompt and the status line.
 *
 * Panes (tui/pane_*.c) fill a `struct stc_pane_ops` each and are listed in
 * tui/panes.def. They draw into a cell buffer of their own size and handle
 * actions; they never read keys or call curses. A handler returns flags:
 * STC_PANE_HANDLED | STC_PANE_REDRAW | STC_PANE_RESIZE.
 *
 * The app owns the service (and, after a reload that did not compile, the
 * broken one whose diagnostics are shown over the last good view), the
 * template of the current mode (tui/tmpl.h, built on load -- by the
 * background worker, after the first frame -- reload and mode change), the workbench's own diagnostics (theme problems, the last emit),
 * every pane state and the dialog. Panes read shared state from the struct below and change it only
 * through the stc_app_* functions.
 */
#ifndef STC_TUI_APP_H
#define STC_TUI_APP_H

#include <stdbool.h>

#include "core/service.h"
#include "tui/cells.h"
#include "tui/keymap.h"
#include "tui/rich.h"
#include "tui/theme.h"
#include "tui/tmpl.h"

enum {
    STC_PANE_HANDLED = 1,
    STC_PANE_REDRAW = 2,
    STC_PANE_RESIZE = 4,
};

typedef enum stc_pane_id {
#define PANE(id, ops) STC_PANE_##id,
#include "tui/panes.def"
#undef PANE
    STC_PANE_COUNT
} stc_pane_id;

typedef struct stc_app stc_app;
struct stc_bg_job;

typedef struct stc_pane_ops {
    const char *name; /* the frame or tab title */
    int scope;        /* STC_SCOPE_* of its key bindings */
    bool tab;         /* lives in the tabbed slot at the top right */
    bool focusable;
    void *(*create)(stc_app *app);
    void (*destroy)(void *st);
    /* The service, the mode or the selection changed: rebuild rows. */
    void (*reload)(void *st, stc_app *app);
    /* Draw into `c` (the inside of the frame). */
    void (*draw)(void *st, stc_app *app, stc_cells *c, bool focused);
    int (*action)(void *st, stc_app *app, stc_action a);
    /* A click at (x, y) inside the frame. */
    int (*click)(void *st, stc_app *app, int x, int y);
    /* Search rows for q: dir 0 from the selection, 1 next, -1 previous.
     * Returns true when found (and selected). */
    bool (*search)(void *st, stc_app *app, const char *q, int dir);
    /* Describe the selection for the Explain pane. */
    void (*explain)(void *st, stc_app *app, stc_rich *out);
    /* An extra title after the name ("Methods (by kind)"), or NULL. */
    const char *(*title)(void *st, stc_app *app);
    /* No input for a while (interactive loop only): do work deferred from
     * the first frame so the key that shows the pane does not pay for it.
     * Must not change what is drawn. NULL: nothing to do. */
    void (*idle)(void *st, stc_app *app);
    /* A frame is on the screen (the first one, and every one after): queue
     * work for the background worker (tui/bg.h) so later keys find it
     * done. Must not block. NULL: nothing to queue. */
    void (*warm)(void *st, stc_app *app);
    /* A background job finished (main thread): take it when it is this
     * pane's (return true; the app frees the job afterwards), and set
     * app->needs_redraw when the screen changes. */
    bool (*bg_done)(void *st, stc_app *app, struct stc_bg_job *j);
    /* The pane is on the screen and shows a placeholder for background work
     * it is waiting for. */
    bool (*busy)(void *st, stc_app *app);
} stc_pane_ops;

typedef struct stc_pane {
    const stc_pane_ops *ops;
    void *st;
    int x, y, w, h; /* the frame, including its border; w == 0 when hidden */
} stc_pane;

typedef struct stc_dialog stc_dialog;
struct stc_simctl;
struct cJSON;
struct stc_workflow;

#define STC_APP_MODES 4

struct stc_app {
    /* what was asked */
    char *path;   /* the module, or NULL with --asl */
    char *config; /* --config, or NULL */
    char *query_language; /* the dialect of every workflow: --query-language or the J key
                             (over the per-workflow settings), or NULL: each workflow's
                             setting (query_language in SERVICE.stc.yaml, else jsonata) */
    bool query_language_key; /* ... chosen by J */
    char *asl_path;
    int mode;     /* index into stc_app_mode_names */
    int prev_mode; /* the mode before the last `m` (-1: none yet) */
    /* what was compiled */
    stc_service *svc;    /* the last good view (never NULL after the first load) */
    stc_service *broken; /* the newest compile when it failed to parse, else NULL */
    stc_diags ui_diags;  /* the workbench's own: theme lines */
    stc_diags emit_diags; /* the last emit's problems (tui/emitdlg.c) */
    unsigned generation; /* bumped on every compile */
    stc_tmpl tmpl;       /* the template of `mode` built from svc, and the
                            changes since prev_mode */
    double compile_ms;   /* wall time of the last compile (template included) */
    struct stc_bg *bg;   /* the background worker (tui/bg.h) */
    bool tmpl_deferred;  /* the template of this compile is built by the worker ... */
    bool tmpl_queued;    /* ... and was queued (after the first frame) */
    /* look */
    stc_theme theme;
    bool colour;
    bool utf8;
    /* layout and panes */
    int width, height;
    stc_pane panes[STC_PANE_COUNT];
    stc_pane_id focus;
    stc_pane_id tab;          /* the pane shown in the tabbed slot */
    stc_pane_id explain_from; /* the pane the Explain pane describes */
    int banner_rows;          /* rows of the broken-module banner */
    /* shared selection */
    int unit;           /* selected unit index in svc->units, -1 */
    int span_first;     /* source lines lit as the selection's (0: none) */
    int span_last;
    int mark_line;      /* the source line of the selected state (0: none) */
    unsigned follow;    /* bumped when the source pane should scroll to span_first */
    int source_line;    /* the source cursor's line (1-based) ... */
    unsigned source_moved; /* ... bumped whenever the user moves it */
    unsigned source_moved_seen;
    char *workflow;     /* the workflow shown in the graph and simulated (method name) */
    char *state;        /* its selected state (Graph and ASL tabs), or NULL ... */
    unsigned state_moved; /* ... bumped whenever it changes */
    struct stc_simctl *sim;
    struct stc_servectl *serve; /* the module served by S (tui/servectl.h) */
    bool serve_stop_asked;      /* S (or a new mode) stopped it: say so when it has ended */
    bool serve_again;           /* ... then serve again (the new mode) */
    struct cJSON *asl_doc; /* --asl: the state machine */
    char *asl_text;        /* --asl: its text, shown in the source pane */
    struct stc_json_span *asl_spans; /* --asl: the lines of each state in it (tui/jsonview.h) */
    int nasl_spans;
    /* input state */
    char *search;       /* the last search */
    bool prompt_on;
    char prompt_label[256];
    char prompt_text[512];
    void (*prompt_done)(stc_app *app, const char *text);
    void (*prompt_cancel)(stc_app *app); /* Esc, or NULL */
    stc_dialog *dialog;
    char *emit_dir;     /* the emit folder the user typed (NULL: the default) ... */
    int emit_dir_mode;  /* ... for this mode (another mode uses its default) */
    struct stc_emitdlg *emitdlg; /* what the open emit dialog will write */
    struct stc_mockdlg *mockdlg; /* the mocks picker's files (tui/mockdlg.h) */
    char *message;      /* shown in the key bar line until the next key */
    int message_el;
    struct stc_learnui *learn; /* learn mode (tui/learnui.h) while it is open, else NULL */
    bool learn_only;    /* `stc-tui learn`: leaving learn mode quits */
    bool learn_reset;   /* --reset: start learn mode without the saved progress */
    char *learn_seed;   /* --seed: the order of learn mode's questions, or NULL */
    bool quit;
    bool needs_redraw;
};

extern const char *const stc_app_mode_names[STC_APP_MODES];

/* Options of stc_tui_main, parsed. */
typedef struct stc_app_options {
    const char *path;
    const char *mode;
    const char *theme;
    const char *config;
    const char *asl;
    const char *query_language; /* "jsonata" / "jsonpath", or NULL */
    bool learn;             /* `stc-tui learn`: open in learn mode, quit when leaving it */
    bool learn_reset;
    const char *learn_seed;
} stc_app_options;

/* Create the app: load the theme, compile the module, create the panes.
 * Does not touch the screen. Returns NULL with *err when the module cannot
 * be read at all. */
stc_app *stc_app_new(const stc_app_options *opt, bool colour, char **err);
void stc_app_free(stc_app *app);

/* Compile the module again (reload or mode change) and refresh the panes. */
void stc_app_compile(stc_app *app);

/* Handle one key or mouse event. */
void stc_app_key(stc_app *app, int key);
void stc_app_click(stc_app *app, int x, int y);
void stc_app_wheel(stc_app *app, int x, int y, int dir);
/* The terminal is now w x h. */
void stc_app_resize(stc_app *app, int w, int h);
/* No input for a while: let the panes do deferred work (pane ops idle). */
void stc_app_idle(stc_app *app);
/* A frame was drawn: queue background work (the first template, the
 * panes' warm ops). Never blocks. */
void stc_app_after_frame(stc_app *app);
/* Take the finished background jobs and hand them to their owners; never
 * blocks. app->needs_redraw says whether the screen changed. */
void stc_app_background(stc_app *app);
/* Does the screen show a placeholder for background work (the template
 * being built, a layout on its way to the shown Graph tab)? */
bool stc_app_busy(stc_app *app);
/* Wait (drawing nothing) until the screen shows no such placeholder; false
 * when it still does after timeout_ms. True at once while held. */
bool stc_app_settle(stc_app *app, int timeout_ms);
/* Screen tests: hold the background work (nothing runs, placeholders stay)
 * or let it go (tui/bg.h stc_bg_hold). */
void stc_app_background_hold(stc_app *app, bool hold);
/* Wait for the template when the worker is still building it (the first
 * one of a session is built after the first frame); a compile waits too,
 * since the job reads the service. */
void stc_app_wait_template(stc_app *app);
/* The descriptor that is readable when a background job has finished (-1:
 * none). */
int stc_app_wake_fd(const stc_app *app);

/* Render the whole screen into `c` (resized to the app's size by the caller). */
void stc_app_render(stc_app *app, stc_cells *c);

/* --- for panes ------------------------------------------------------- */
const char *stc_app_mode(const stc_app *app);
/* The diagnostics to show: the broken compile's when there is one, else the
 * view's; then the workbench's own. Returns the count; *out[i] borrowed. */
size_t stc_app_diags(const stc_app *app, const stc_diag ***out);
/* The source text of the view (NULL with --asl and nothing loaded). */
const char *stc_app_source(const stc_app *app);
/* Select unit `index` (-1 none): lights its source lines (and scrolls the
 * source there when `scroll`) and tells the panes. */
void stc_app_select_unit(stc_app *app, int index, bool scroll);
/* Light lines first..last in the source and scroll there (first 0: none). */
void stc_app_show_lines(stc_app *app, int first, int last, int mark);
/* Select state `name` of the shown workflow (NULL: none) for the panes
 * that show states (Graph, ASL), which follow it when drawn; with `lines`,
 * light its Python lines in the source (through the source map) and mark
 * the first. */
void stc_app_select_state(stc_app *app, const char *name, bool lines);
/* The innermost state of the shown workflow on source line `line`
 * (borrowed), or NULL: through the source map, or with --asl the lines of
 * the state's entry in the file. */
const char *stc_app_state_at_line(stc_app *app, int line);
/* Explain state `name` of the shown workflow: its type, the Python it
 * comes from, the call it makes, the variables it reads and assigns
 * (render/aslvars.h), a breakpoint on it. */
void stc_app_explain_state(stc_app *app, const char *name, stc_rich *out);
/* Focus a pane (the tabbed slot switches to it when it is a tab). */
void stc_app_focus(stc_app *app, stc_pane_id id);
/* Status message (copied), shown until the next key. */
void stc_app_message(stc_app *app, int el, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The badge text and element of a unit ("REST", "WF" for async internal units). */
const char *stc_app_badge(const stc_unit_info *u, int *el);
/* The unit whose lines hold source line `line`, or -1. */
int stc_app_unit_at(const stc_app *app, int line);
/* Worst severity of the diagnostics inside unit u's lines: -1 none. */
int stc_app_unit_severity(const stc_app *app, const stc_unit_info *u);
/* Open a dialog over the panes: `body` is taken over (left empty);
 * `on_enter` (may be NULL) runs on Enter, then the dialog closes. */
void stc_app_dialog(stc_app *app, const char *title, stc_rich *body, const char *footer,
                    void (*on_enter)(stc_app *app));
void stc_app_close_dialog(stc_app *app);
/* Give the open dialog its own keys: `on_key` sees every key first (with
 * its action in the ANY scope) and returns true when it used it. */
void stc_app_dialog_keys(stc_app *app, bool (*on_key)(stc_app *app, int key, stc_action a));
/* Cycle to the next mode: recompile, rebuild the template and mark what
 * changed since the mode before. */
void stc_app_next_mode(stc_app *app);
/* J: compile every workflow to the other query language than the shown
 * workflow's (JSONata <-> JSONPath), over their settings (as
 * --query-language does); everything is rebuilt and a running simulation
 * starts again on the new machine. */
void stc_app_toggle_language(stc_app *app);
/* The query language the title shows: the one chosen (--query-language or
 * J), else the service's setting; *others (may be NULL) receives how many
 * workflows are compiled to the other one (settings per workflow). */
stc_query_language stc_app_language(const stc_app *app, int *others);
/* The query language SERVICE.stc.yaml gives method `method` (NULL: the
 * service), JSONata without a file; *in_file (may be NULL): the file sets
 * it (for the method, its mode or its defaults) rather than the default. */
stc_query_language stc_app_language_setting(const stc_app *app, const char *method, bool *in_file);
/* Explain: "<label>JSONPath  (J, over query_language: jsonata of
 * SERVICE.stc.yaml)" -- the query language workflow `method` is compiled
 * to and why (the default, its setting, --query-language or J); nothing
 * when it is not a workflow. */
void stc_app_explain_language(stc_app *app, const char *method, const char *label, stc_rich *out);
/* "JSONata" / "JSONPath" */
const char *stc_app_language_name(stc_query_language q);
/* The workflow to draw and simulate: its ASL (NULL when it did not
 * compile), its name in *name (NULL: none) and its source map in *wf (NULL
 * with --asl). */
const struct cJSON *stc_app_workflow(stc_app *app, const char **name, const struct stc_workflow **wf);
/* Simulator actions (s, Space, b, G, c, x, r, i, o) from the graph or the
 * simulator pane; `state` is the graph's selected state (for x). Returns
 * pane flags (0 for other actions). */
int stc_app_sim_action(stc_app *app, stc_action a, const char *state);
/* Draw the frames of n rectangles (x, y, w, h), sharing borders where they
 * meet, in the workbench's border style (full-screen views: tui/learnui.c). */
void stc_app_draw_frames(stc_app *app, stc_cells *c, const int (*rects)[4], int n);
/* Open the prompt at the bottom line; `done` gets the text on Enter. A
 * label wider than the line allows is cut with an ellipsis. Esc closes it
 * (and calls app->prompt_cancel when the caller set it after this call). */
void stc_app_prompt(stc_app *app, const char *label, const char *initial,
                    void (*done)(stc_app *app, const char *text));

/* The pane ops, defined in tui/pane_*.c. */
#define PANE(id, ops) extern const stc_pane_ops ops;
#include "tui/panes.def"
#undef PANE

#endif
