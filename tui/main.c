/* main.c - stc_tui_main(): the workbench entry point called by cli/main.c
 * when the first argument is not a subcommand. Options: --mode M,
 * --theme NAME, --config FILE, --asl FILE, then SERVICE.py. With STC_SCRIPT
 * set, keys come from that script and the screen is headless. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "tui/app.h"
#include "tui/keymap.h"
#include "tui/screen.h"
#include "tui/script.h"
#include "tui/tui.h"
#include "tui/watch.h"

static volatile sig_atomic_t stc_tui_stop;

static void stc_tui_on_signal(int sig)
{
    (void)sig;
    stc_tui_stop = 1;
}

static int stc_tui_run(const stc_app_options *opt);

static int stc_tui_usage(const char *what, const char *arg)
{
    fprintf(stderr, "stc-tui: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
    fputs("usage: stc-tui [--mode M] [--theme NAME] [--config FILE] SERVICE.py\n"
          "       stc-tui --asl FILE.asl.json\n",
          stderr);
    return STC_TUI_EXIT_USAGE;
}

/* Wait up to timeout_ms for input on the terminal or a finished background
 * job: 1 input (or a signal: curses may have a resize), 2 a job, 0 neither. */
static int stc_tui_wait(int wake_fd, int timeout_ms)
{
    struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
    int r = poll(p, wake_fd >= 0 ? 2 : 1, timeout_ms);
    if (r < 0)
        return errno == EINTR ? 1 : 0;
    if (r == 0)
        return 0;
    if (p[0].revents)
        return 1;
    return 2;
}

static double stc_tui_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void stc_tui_loop(stc_app *app, stc_watch *watch)
{
    stc_script_frame(app);
    double last_input = stc_tui_now_ms();
    while (!app->quit && !stc_tui_stop) {
        stc_event ev;
        /* what curses already holds first, then wait for the terminal or
         * the worker (tui/bg.h) */
        int got = stc_screen_read(&ev, 0);
        if (!got) {
            int w = stc_tui_wait(stc_app_wake_fd(app), 100);
            if (w == 1)
                got = stc_screen_read(&ev, 0);
            else if (stc_tui_now_ms() - last_input >= 100)
                stc_app_idle(app); /* no key for 100 ms */
        }
        if (got) {
            last_input = stc_tui_now_ms();
            switch (ev.type) {
            case STC_EVENT_KEY:
                if (stc_keymap_lookup(ev.key, 0) == STC_ACT_REDRAW)
                    stc_screen_invalidate();
                stc_app_key(app, ev.key);
                break;
            case STC_EVENT_CLICK: stc_app_click(app, ev.x, ev.y); break;
            case STC_EVENT_WHEEL_UP: stc_app_wheel(app, ev.x, ev.y, -1); break;
            case STC_EVENT_WHEEL_DOWN: stc_app_wheel(app, ev.x, ev.y, 1); break;
            case STC_EVENT_RESIZE: {
                int w, h;
                stc_screen_size(&w, &h);
                stc_app_resize(app, w, h);
                break;
            }
            case STC_EVENT_NONE: break;
            }
        }
        stc_app_background(app); /* layouts and the template that came back */
        if (stc_watch_changed(watch, 0))
            stc_app_compile(app);
        if (app->needs_redraw && !app->quit)
            stc_script_frame(app);
    }
}

int stc_tui_main(int argc, char **argv)
{
    stc_app_options o = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--mode") == 0     ? &o.mode
                            : strcmp(a, "--theme") == 0  ? &o.theme
                            : strcmp(a, "--config") == 0 ? &o.config
                            : strcmp(a, "--asl") == 0    ? &o.asl
                            : strcmp(a, "--query-language") == 0 ? &o.query_language
                                                         : NULL;
        if (slot) {
            if (i + 1 >= argc)
                return stc_tui_usage("this option needs a value:", a);
            *slot = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return stc_tui_usage("unknown option", a);
        } else if (!o.path) {
            o.path = a;
        } else {
            return stc_tui_usage("unexpected argument", a);
        }
    }
    if (o.mode && strcmp(o.mode, "dev") != 0 && strcmp(o.mode, "test") != 0 &&
        strcmp(o.mode, "stage") != 0 && strcmp(o.mode, "prod") != 0)
        return stc_tui_usage("unknown mode (use dev, test, stage or prod):", o.mode);
    if (o.query_language && strcmp(o.query_language, "jsonata") != 0 &&
        strcmp(o.query_language, "jsonpath") != 0)
        return stc_tui_usage("unknown query language (use jsonata or jsonpath):", o.query_language);
    if (!o.path && !o.asl)
        return stc_tui_usage("no module given", NULL);
    if (o.path && o.asl)
        return stc_tui_usage("give either a module or --asl FILE, not both:", o.path);
    return stc_tui_run(&o);
}

int stc_tui_learn(const char *path, const char *theme, const char *seed, bool reset)
{
    stc_app_options o = {.path = path, .theme = theme, .learn = true, .learn_seed = seed, .learn_reset = reset};
    return stc_tui_run(&o);
}

/* The workbench (or learn mode) on the options given, once they are valid. */
static int stc_tui_run(const stc_app_options *opt)
{
    stc_app_options o = *opt;
    const char *check = o.path ? o.path : o.asl;
    if (check && access(check, R_OK) != 0) {
        char *text = NULL, *err = NULL;
        size_t len;
        if (stc_file_read(check, &text, &len, &err) != 0) {
            fprintf(stderr, "stc-tui: %s\n", err);
            free(err);
            return STC_TUI_EXIT_IO;
        }
        free(text);
    }
    const char *script = getenv("STC_SCRIPT");
    bool headless = script && *script;
    if (!headless && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        fprintf(stderr, "stc-tui: %s needs a terminal; for scripts use a batch command (stc-tui --help) or STC_SCRIPT\n",
                o.learn ? "learn mode" : "the workbench");
        return STC_TUI_EXIT_USAGE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stc_tui_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    char *err = NULL;
    if (stc_screen_open(headless, &err) != 0) {
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
        return STC_TUI_EXIT_USAGE;
    }
    const char *nc = getenv("NO_COLOR");
    bool colour = stc_screen_has_colour() && !(nc && *nc);
    stc_app *app = stc_app_new(&o, colour, &err);
    if (!app) {
        stc_screen_close();
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
        return STC_TUI_EXIT_IO;
    }
    stc_screen_set_theme(&app->theme, colour);
    int w, h;
    stc_screen_size(&w, &h);
    stc_app_resize(app, w, h);
    char *werr = NULL;
    /* learn mode copies what it needs from the module when it opens */
    stc_watch *watch = o.path && !o.learn ? stc_watch_new(o.path, &werr) : NULL;
    if (werr) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "no live reload: %s", werr);
        free(werr);
    }
    int status = STC_TUI_EXIT_OK;
    if (headless) {
        if (stc_script_run(app, watch, script, &err) != 0)
            status = STC_TUI_EXIT_USAGE;
    } else {
        stc_tui_loop(app, watch);
    }
    stc_watch_free(watch);
    stc_app_free(app);
    stc_screen_close();
    if (err) {
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
    }
    return status;
}
