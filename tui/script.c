/* script.c - see script.h. */
#include "tui/script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/servectl.h"

void stc_script_frame(stc_app *app)
{
    int w, h;
    stc_screen_size(&w, &h);
    if (w != app->width || h != app->height)
        stc_app_resize(app, w, h);
    stc_cells *c = stc_cells_new(w, h);
    stc_app_render(app, c);
    stc_screen_draw(c);
    stc_cells_free(c);
    app->needs_redraw = false;
    stc_app_after_frame(app);
}

/* Screens saved by a script do not depend on how fast the worker is: the
 * commands that look at the screen wait for the background work it shows
 * (the template being built, a layout on its way to the Graph tab). Keys
 * never wait, as in the interactive loop. */
enum { STC_SCRIPT_SETTLE_MS = 60000 };

static int stc_script_settle(stc_app *app, const char *cmd, char **err)
{
    if (stc_app_settle(app, STC_SCRIPT_SETTLE_MS))
        return 0;
    *err = stc_xasprintf("'%s': the background work (layouts, template) did not finish within %d s", cmd,
                         STC_SCRIPT_SETTLE_MS / 1000);
    return -1;
}

static int stc_script_save(char *(*dump)(void), const char *file, char **err)
{
    char *text = dump();
    char *werr = NULL;
    int r = stc_file_write_atomic(file, text, strlen(text), &werr);
    free(text);
    if (r != 0) {
        *err = werr;
        return -1;
    }
    return 0;
}

static int stc_script_copy(const char *dest, const char *src, char **err)
{
    char *text;
    size_t len;
    if (stc_file_read(src, &text, &len, err) != 0)
        return -1;
    int r = stc_file_write_atomic(dest, text, len, err);
    free(text);
    return r;
}

/* Poll the served module (S) as the workbench's loop does, up to
 * timeout_ms, until it is ready and has answered `requests` requests, or
 * (requests < 0) until it has stopped. False on the timeout, or when it
 * ended while it was awaited ready. */
static bool stc_script_serve_until(stc_app *app, int requests, int timeout_ms)
{
    for (int waited = 0;; waited += 20) {
        stc_app_background(app);
        bool running = stc_servectl_running(app->serve);
        if (requests < 0 ? !running
                         : stc_servectl_url(app->serve) && (int)stc_servectl_count(app->serve) >= requests)
            return true;
        if ((requests >= 0 && !running) || waited >= timeout_ms)
            return false;
        struct timespec d = {0, 20 * 1000000};
        nanosleep(&d, NULL);
    }
}

static int stc_script_command(stc_app *app, stc_watch *watch, char *line, char **err)
{
    char *argv[4] = {0};
    int argc = 0;
    for (char *tok = strtok(line, " \t"); tok && argc < 4; tok = strtok(NULL, " \t"))
        argv[argc++] = tok;
    const char *cmd = argv[0];
    bool looks = strcmp(cmd, ":save-display") == 0 || strcmp(cmd, ":save-attrs") == 0 ||
                 strcmp(cmd, ":click") == 0 || strcmp(cmd, ":wheel-up") == 0 || strcmp(cmd, ":wheel-down") == 0 ||
                 strcmp(cmd, ":wait") == 0;
    if (looks && stc_script_settle(app, cmd, err) != 0)
        return -1;
    if (strcmp(cmd, ":release") == 0 && argc == 1) {
        stc_app_background_hold(app, false);
        return 0;
    }
    if (strcmp(cmd, ":wait") == 0 && argc == 1) {
        if (app->needs_redraw)
            stc_script_frame(app);
        return 0;
    }
    if (strcmp(cmd, ":save-display") == 0 && argc == 2) {
        stc_script_frame(app);
        return stc_script_save(stc_screen_dump_text, argv[1], err);
    }
    if (strcmp(cmd, ":save-attrs") == 0 && argc == 2) {
        stc_script_frame(app);
        return stc_script_save(stc_screen_dump_attrs, argv[1], err);
    }
    if (strcmp(cmd, ":resize") == 0 && argc == 3) {
        int w = atoi(argv[1]), h = atoi(argv[2]);
        if (w <= 0 || h <= 0) {
            *err = stc_xstrdup("':resize' needs a width and a height");
            return -1;
        }
        stc_screen_resize(w, h);
        stc_app_resize(app, w, h);
        stc_script_frame(app);
        return 0;
    }
    if (strcmp(cmd, ":touch") == 0 && argc == 2) {
        FILE *f = fopen(argv[1], "a");
        if (!f) {
            *err = stc_xasprintf("cannot touch '%s': %s", argv[1], strerror(errno));
            return -1;
        }
        fclose(f);
        return 0;
    }
    if (strcmp(cmd, ":write-file") == 0 && argc == 3)
        return stc_script_copy(argv[1], argv[2], err);
    if (strcmp(cmd, ":wait-served") == 0 && argc == 2) {
        /* the served module (S) is ready and has answered N requests; what
         * follows them in its log (their executions) is read too. The
         * workbench polls it as its loop does (a new mode serves again
         * once the old server has stopped). */
        int want = atoi(argv[1]);
        if (!stc_script_serve_until(app, want, 30000)) {
            *err = stc_xasprintf("':wait-served': no %s requests within 30 s (%s)", argv[1],
                                 stc_servectl_error(app->serve) ? stc_servectl_error(app->serve) : "still waiting");
            return -1;
        }
        struct timespec d = {0, 300 * 1000000};
        nanosleep(&d, NULL);
        stc_app_background(app);
        stc_script_frame(app);
        return 0;
    }
    if (strcmp(cmd, ":wait-serve-stopped") == 0 && argc == 1) {
        /* the served module that S stopped has ended */
        if (!stc_script_serve_until(app, -1, 30000)) {
            *err = stc_xstrdup("':wait-serve-stopped': still serving after 30 s");
            return -1;
        }
        stc_script_frame(app);
        return 0;
    }
    if (strcmp(cmd, ":wait-reload") == 0 && argc == 1) {
        if (!stc_watch_changed(watch, 10000)) {
            *err = stc_xstrdup("':wait-reload': the module did not change within 10 s");
            return -1;
        }
        stc_app_compile(app);
        stc_script_frame(app);
        return 0;
    }
    if ((strcmp(cmd, ":click") == 0 || strcmp(cmd, ":wheel-up") == 0 || strcmp(cmd, ":wheel-down") == 0) &&
        argc == 3) {
        int x = atoi(argv[1]), y = atoi(argv[2]);
        if (cmd[1] == 'c')
            stc_app_click(app, x, y);
        else
            stc_app_wheel(app, x, y, cmd[7] == 'u' ? -1 : 1);
        stc_script_frame(app);
        return 0;
    }
    *err = stc_xasprintf("unknown command or wrong arguments '%s'", cmd);
    return -1;
}

int stc_script_run(stc_app *app, stc_watch *watch, const char *path, char **err)
{
    char *text;
    size_t len;
    if (stc_file_read(path, &text, &len, err) != 0)
        return -1;
    const char *hold = getenv("STC_BG_HOLD");
    if (hold && *hold)
        stc_app_background_hold(app, true);
    stc_script_frame(app);
    int lineno = 0, status = 0;
    char *p = text;
    while (p && *p && !app->quit) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        lineno++;
        char *line = p;
        p = eol ? eol + 1 : NULL;
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = '\0';
        if (!*line || line[0] == '#')
            continue;
        stc_app_background(app); /* what the worker finished meanwhile */
        char *cerr = NULL;
        if (line[0] == ':') {
            if (stc_script_command(app, watch, line, &cerr) != 0) {
                *err = stc_xasprintf("%s:%d: %s", path, lineno, cerr);
                free(cerr);
                status = -1;
                break;
            }
            continue;
        }
        const char *k = line;
        while (*k && !app->quit) {
            int key = stc_key_parse(&k);
            if (key < 0) {
                *err = stc_xasprintf("%s:%d: unknown key at '%s'", path, lineno, k);
                status = -1;
                break;
            }
            stc_app_key(app, key);
            stc_script_frame(app);
        }
        if (status)
            break;
    }
    free(text);
    return status;
}
