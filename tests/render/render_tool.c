/* render_tool - draw an ASL file (path or stdin) on stdout, for debugging and
 * golden files: render_tool [--ascii] [--compact] [--svg] [--dot] [FILE] */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/util.h"
#include "render/draw.h"
#include "render/layout.h"
#include "render/svg.h"

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    bool ascii = false, svg = false, dot = false;
    stc_layout_options opt = {0};
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--ascii") == 0)
            ascii = true;
        else if (strcmp(argv[i], "--compact") == 0)
            opt.compact = true;
        else if (strcmp(argv[i], "--svg") == 0)
            svg = true;
        else if (strcmp(argv[i], "--dot") == 0)
            dot = opt.want_dot = true;
        else
            path = argv[i];
    }
    stc_buf in = STC_BUF_INIT;
    if (path) {
        char *text, *err;
        size_t len;
        if (stc_file_read(path, &text, &len, &err) != 0) {
            fprintf(stderr, "%s\n", err);
            free(err);
            return 3;
        }
        stc_buf_add(&in, text, len);
        free(text);
    } else {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
            stc_buf_add(&in, chunk, n);
    }
    cJSON *asl = cJSON_Parse(stc_buf_cstr(&in));
    stc_buf_free(&in);
    stc_diags diags = STC_DIAGS_INIT;
    stc_layout *l = stc_layout_build(asl, &opt, &diags);
    stc_diags_print(&diags, stderr, NULL);
    int rc = 1;
    if (l) {
        if (dot) {
            fputs(l->dot, stdout);
        } else if (svg) {
            char *s = stc_svg_render(l, NULL);
            fputs(s, stdout);
            free(s);
        } else {
            stc_draw_options dopt = {.ascii = ascii};
            stc_canvas *c = stc_draw_canvas(l, &dopt);
            char *t = stc_canvas_to_text(c, 0, 0, c->width, c->height);
            fputs(t, stdout);
            free(t);
            stc_canvas_free(c);
        }
        rc = 0;
    }
    stc_layout_free(l);
    stc_diags_free(&diags);
    cJSON_Delete(asl);
    return rc;
}
