/* test_tui_units.c - keys, keymap, theme, cells, rich text and list views. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "tui/cells.h"
#include "tui/jsonview.h"
#include "tui/keymap.h"
#include "tui/keys.h"
#include "tui/listview.h"
#include "tui/rich.h"
#include "tui/theme.h"
#include "tui/yamlview.h"

static void test_key_parse(void **st)
{
    (void)st;
    const char *s = "j<Down><C-c><Space><Lt>é<Enter><bogus>";
    assert_int_equal(stc_key_parse(&s), 'j');
    assert_int_equal(stc_key_parse(&s), STC_KEY_DOWN);
    assert_int_equal(stc_key_parse(&s), 3);
    assert_int_equal(stc_key_parse(&s), ' ');
    assert_int_equal(stc_key_parse(&s), '<');
    assert_int_equal(stc_key_parse(&s), 0xE9);
    assert_int_equal(stc_key_parse(&s), STC_KEY_ENTER);
    assert_int_equal(stc_key_parse(&s), -1);
    assert_string_equal(s, "<bogus>");
    const char *tab = "<C-i>";
    assert_int_equal(stc_key_parse(&tab), STC_KEY_TAB);
    char buf[16];
    assert_string_equal(stc_key_name(STC_KEY_PGDOWN, buf, sizeof buf), "<PgDown>");
    assert_string_equal(stc_key_name(3, buf, sizeof buf), "<C-c>");
    assert_string_equal(stc_key_name(0xE9, buf, sizeof buf), "é");
    assert_int_equal(stc_key_normalize(127), STC_KEY_BACKSPACE);
    assert_int_equal(stc_key_normalize('\r'), STC_KEY_ENTER);
}

/* Every key of keymap.def parses, and no two actions of overlapping scopes
 * share a key. */
static void test_keymap_table(void **st)
{
    (void)st;
    for (int a = 1; a < STC_ACT_COUNT; a++) {
        const char *p = stc_action_keys((stc_action)a);
        assert_true(*p);
        while (*p) {
            while (*p == ' ')
                p++;
            int k = stc_key_parse(&p);
            assert_true(k > 0);
            for (int b = 1; b < a; b++) {
                int sa = stc_action_scope((stc_action)a), sb = stc_action_scope((stc_action)b);
                if (sa != sb && sa && sb && !(sa & sb))
                    continue;
                if ((sa == 0) != (sb == 0))
                    continue; /* a pane binding may shadow a global one */
                const char *q = stc_action_keys((stc_action)b);
                while (*q) {
                    while (*q == ' ')
                        q++;
                    if (stc_key_parse(&q) == k)
                        fail_msg("key bound twice: %s and %s", stc_action_name((stc_action)a),
                                 stc_action_name((stc_action)b));
                }
            }
        }
    }
}

static void test_keymap_lookup(void **st)
{
    (void)st;
    assert_int_equal(stc_keymap_lookup('q', STC_SCOPE_METHODS), STC_ACT_QUIT);
    assert_int_equal(stc_keymap_lookup(3, STC_SCOPE_SOURCE), STC_ACT_QUIT);
    assert_int_equal(stc_keymap_lookup('j', STC_SCOPE_METHODS), STC_ACT_DOWN);
    assert_int_equal(stc_keymap_lookup(STC_KEY_DOWN, 0), STC_ACT_DOWN);
    /* G: run to the end in the simulator, the last line elsewhere */
    assert_int_equal(stc_keymap_lookup('G', STC_SCOPE_SIM), STC_ACT_SIM_RUN);
    assert_int_equal(stc_keymap_lookup('G', STC_SCOPE_METHODS), STC_ACT_LAST);
    assert_int_equal(stc_keymap_lookup(' ', STC_SCOPE_GRAPH), STC_ACT_SIM_STEP);
    assert_int_equal(stc_keymap_lookup(' ', STC_SCOPE_METHODS), STC_ACT_NONE);
    assert_int_equal(stc_keymap_lookup('O', STC_SCOPE_METHODS), STC_ACT_SORT);
    assert_int_equal(stc_keymap_lookup('O', STC_SCOPE_SOURCE), STC_ACT_NONE);
    /* the ASL tab folds as the Template tab does; 5 shows it from anywhere */
    assert_int_equal(stc_keymap_lookup('z', STC_SCOPE_ASL), STC_ACT_FOLD);
    assert_int_equal(stc_keymap_lookup('M', STC_SCOPE_ASL), STC_ACT_FOLD_ALL);
    /* ... and takes the simulator's keys as the Graph does, not the
     * Template's change keys */
    assert_int_equal(stc_keymap_lookup('c', STC_SCOPE_ASL), STC_ACT_SIM_CONTINUE);
    assert_int_equal(stc_keymap_lookup('G', STC_SCOPE_ASL), STC_ACT_SIM_RUN);
    assert_int_equal(stc_keymap_lookup('x', STC_SCOPE_ASL), STC_ACT_SIM_BREAK);
    assert_int_equal(stc_keymap_lookup('C', STC_SCOPE_ASL), STC_ACT_NONE);
    assert_int_equal(stc_keymap_lookup('5', STC_SCOPE_SOURCE), STC_ACT_TAB_ASL);
    assert_string_equal(stc_action_name(STC_ACT_SEARCH_NEXT), "search-next");
    assert_int_equal(stc_action_from_name("move-page-down"), STC_ACT_PAGE_DOWN);
    char buf[16];
    assert_string_equal(stc_action_bar_key(STC_ACT_SIM_STEP, buf, sizeof buf), "Space");
    assert_string_equal(stc_action_bar_key(STC_ACT_NEXT_PANE, buf, sizeof buf), "Tab");
}

static void test_theme_parse(void **st)
{
    (void)st;
    stc_theme t;
    stc_theme_default(&t);
    /* from default.theme: cursor black on cyan */
    assert_int_equal(t.el[STC_EL_CURSOR].fg, 0);
    assert_int_equal(t.el[STC_EL_CURSOR].bg, 6);
    stc_diags d = STC_DIAGS_INIT;
    const char *text = "# a comment\n"
                       "color cursor white red bold underline\n"
                       "colour title red blue\n"
                       "color nosuch red blue\n"
                       "color dim purple default\n"
                       "color hint red blue sparkly\n"
                       "color border\n"
                       "color mode_active color200 bright-green reverse\n";
    int bad = stc_theme_parse(&t, "my.theme", text, &d);
    assert_int_equal(bad, 5);
    assert_int_equal(d.count, 5);
    assert_string_equal(d.items[0].code, "STC953");
    assert_int_equal(d.items[0].line, 3);
    assert_string_equal(d.items[0].file, "my.theme");
    assert_string_equal(d.items[1].code, "STC950");
    assert_int_equal(d.items[1].line, 4);
    assert_int_equal(d.items[1].col, 7);
    assert_string_equal(d.items[2].code, "STC951");
    assert_int_equal(d.items[2].line, 5);
    assert_int_equal(d.items[2].col, 11);
    assert_string_equal(d.items[3].code, "STC952");
    assert_int_equal(d.items[3].line, 6);
    assert_string_equal(d.items[4].code, "STC953");
    assert_int_equal(d.items[4].line, 7);
    /* the good lines still apply */
    assert_int_equal(t.el[STC_EL_CURSOR].fg, 7);
    assert_int_equal(t.el[STC_EL_CURSOR].bg, 1);
    assert_int_equal(t.el[STC_EL_CURSOR].attrs, STC_ATTR_BOLD | STC_ATTR_UNDERLINE);
    assert_int_equal(t.el[STC_EL_MODE_ACTIVE].fg, 200);
    assert_int_equal(t.el[STC_EL_MODE_ACTIVE].bg, 10);
    assert_int_equal(t.el[STC_EL_MODE_ACTIVE].attrs, STC_ATTR_REVERSE);
    stc_diags_free(&d);
}

/* Every shipped theme parses cleanly; mono has no colour at all and names
 * every element. */
static void test_theme_builtin(void **st)
{
    (void)st;
    const char *const *names = stc_theme_builtin_names();
    int n = 0;
    for (; names[n]; n++) {
        stc_theme t;
        stc_theme_default(&t);
        stc_diags d = STC_DIAGS_INIT;
        assert_int_equal(stc_theme_parse(&t, names[n], stc_theme_builtin(names[n]), &d), 0);
        stc_diags_free(&d);
    }
    assert_true(n >= 4);
    assert_string_equal(names[0], "default");
    assert_non_null(stc_theme_builtin("light"));
    assert_non_null(stc_theme_builtin("high-contrast"));
    stc_theme t;
    stc_diags d = STC_DIAGS_INIT;
    assert_int_equal(stc_theme_load(&t, "mono", &d), 0);
    assert_int_equal(d.count, 0);
    for (int el = 0; el < STC_EL_COUNT; el++) {
        assert_int_equal(t.el[el].fg, -1);
        assert_int_equal(t.el[el].bg, -1);
    }
    assert_int_equal(t.el[STC_EL_CURSOR].attrs, STC_ATTR_REVERSE);
    assert_int_equal(stc_theme_load(&t, "no-such-theme", &d), -1);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].code, "STC954");
    stc_diags_free(&d);
    assert_int_equal(stc_element_from_name("badge_rest"), STC_EL_BADGE_REST);
    assert_string_equal(stc_element_name(STC_EL_PY_KEYWORD), "py_keyword");
#if defined(STC_TUI_HAVE_RENDER)
    assert_int_equal(stc_element_from_name("graph_box_task"), stc_element_of_style(STC_STYLE_BOX_TASK));
#endif
}

static void test_cells(void **st)
{
    (void)st;
    stc_cells *c = stc_cells_new(10, 2);
    /* CJK is two cells wide, a combining accent joins its letter, a control
     * character and invalid UTF-8 become U+FFFD */
    assert_int_equal(stc_cells_put(c, 0, 0, "a\xe4\xb8\xad" "e\xcc\x81" "\x01\xff", -1, 3), 6);
    assert_string_equal(stc_cells_at(c, 0, 0)->text, "a");
    assert_string_equal(stc_cells_at(c, 1, 0)->text, "中");
    assert_int_equal(stc_cells_at(c, 1, 0)->width, 2);
    assert_int_equal(stc_cells_at(c, 2, 0)->width, 0);
    assert_string_equal(stc_cells_at(c, 3, 0)->text, "e\xcc\x81");
    assert_string_equal(stc_cells_at(c, 4, 0)->text, "\xef\xbf\xbd");
    assert_string_equal(stc_cells_at(c, 5, 0)->text, "\xef\xbf\xbd");
    assert_int_equal(stc_cells_at(c, 5, 0)->style, 3);
    /* a wide character that does not fit at the edge leaves a space */
    assert_int_equal(stc_cells_put(c, 9, 1, "中", -1, 0), 1);
    assert_string_equal(stc_cells_at(c, 9, 1)->text, " ");
    /* overwriting half of a wide character blanks the other half */
    stc_cells_put(c, 2, 0, "x", -1, 0);
    assert_string_equal(stc_cells_at(c, 1, 0)->text, " ");
    char *text = stc_cells_to_text(c);
    assert_string_equal(text, "a xe\xcc\x81" "\xef\xbf\xbd\xef\xbf\xbd    \n          \n");
    free(text);
    assert_int_equal(stc_cells_width("中文ab"), 6);
    assert_int_equal(stc_cells_fit("中文ab", 3), 3);
    stc_cells_free(c);
}

static void test_rich_wrap(void **st)
{
    (void)st;
    stc_rich r = STC_RICH_INIT;
    stc_rich_add(&r, 1, "one two three ");
    stc_rich_add(&r, 2, "four\nfive");
    assert_int_equal(stc_rich_rows(&r, 9), 4);
    stc_cells *c = stc_cells_new(9, 4);
    stc_rich_draw(&r, c, 0, 0, 9, 4, 0, 2);
    char *text = stc_cells_to_text(c);
    assert_string_equal(text, "one two  \n  three  \n  four   \nfive     \n");
    free(text);
    assert_int_equal(stc_cells_at(c, 2, 2)->style, 2);
    stc_cells_free(c);
    stc_rich_free(&r);
}

static char *row_text(void *ctx, int row)
{
    return strdup(((const char **)ctx)[row]);
}

static void test_listview(void **st)
{
    (void)st;
    stc_listview lv = {.sel = -1};
    stc_listview_set_count(&lv, 10);
    assert_int_equal(lv.sel, 0);
    stc_listview_fit(&lv, 4);
    stc_listview_act(&lv, STC_ACT_PAGE_DOWN);
    assert_int_equal(lv.sel, 3);
    stc_listview_act(&lv, STC_ACT_DOWN);
    assert_int_equal(lv.sel, 4);
    assert_int_equal(lv.top, 1);
    stc_listview_act(&lv, STC_ACT_LAST);
    assert_int_equal(lv.sel, 9);
    assert_int_equal(lv.top, 6);
    const char *rows[10] = {"alpha", "Beta", "gamma", "delta", "beta2", "x", "y", "z", "w", "v"};
    assert_true(stc_listview_search(&lv, "BETA", 0, row_text, rows));
    assert_int_equal(lv.sel, 1);
    assert_true(stc_listview_search(&lv, "beta", 1, row_text, rows));
    assert_int_equal(lv.sel, 4);
    assert_true(stc_listview_search(&lv, "beta", -1, row_text, rows));
    assert_int_equal(lv.sel, 1);
    assert_false(stc_listview_search(&lv, "omega", 1, row_text, rows));
    assert_int_equal(lv.sel, 1);
}

/* A template in libyaml's block style: sections, entries, paths in the
 * notation of stc_template_diff(), fold ranges, block scalars. */
static void test_yamlview(void **st)
{
    (void)st;
    const char *text = "AWSTemplateFormatVersion: '2010-09-09'\n" /* 0 */
                       "Resources:\n"                              /* 1 */
                       "  Fn:\n"                                   /* 2 */
                       "    Type: AWS::Lambda::Function\n"         /* 3 */
                       "    Properties:\n"                         /* 4 */
                       "      MemorySize: 128\n"                   /* 5 */
                       "      Policies:\n"                         /* 6 */
                       "      - PolicyName: a\n"                   /* 7 */
                       "        Actions:\n"                        /* 8 */
                       "        - logs:PutLogEvents\n"             /* 9 */
                       "      - PolicyName: b\n"                   /* 10 */
                       "      Code: |\n"                           /* 11 */
                       "        def f(): pass\n"                   /* 12 */
                       "        x: 1\n"                            /* 13 */
                       "      'aws:Key': !Ref Fn\n"                /* 14 */
                       "  Queue:\n"                                /* 15 */
                       "    Type: AWS::SQS::Queue\n"               /* 16 */
                       "Outputs: {}\n";                            /* 17 */
    stc_yamlview v;
    stc_yamlview_parse(&v, text);
    assert_int_equal(v.n, 18);
    assert_string_equal(v.rows[0].section, "AWSTemplateFormatVersion");
    assert_null(v.rows[0].entry);
    assert_false(v.rows[0].header);
    assert_true(v.rows[1].header);
    assert_int_equal(v.rows[1].level, 0);
    assert_int_equal(v.rows[1].end, 16);
    assert_string_equal(v.rows[2].entry, "Fn");
    assert_string_equal(v.rows[2].path, "");
    assert_int_equal(v.rows[2].level, 1);
    assert_int_equal(v.rows[2].end, 14);
    assert_string_equal(v.rows[5].path, "Properties.MemorySize");
    assert_string_equal(v.rows[6].path, "Properties.Policies");
    assert_string_equal(v.rows[7].path, "Properties.Policies[0].PolicyName");
    assert_string_equal(v.rows[8].path, "Properties.Policies[0].Actions");
    assert_string_equal(v.rows[9].path, "Properties.Policies[0].Actions[0]");
    assert_string_equal(v.rows[10].path, "Properties.Policies[1].PolicyName");
    assert_string_equal(v.rows[11].path, "Properties.Code");
    assert_true(v.rows[12].block);
    assert_true(v.rows[13].block); /* "x: 1" inside the block is text, not a key */
    assert_string_equal(v.rows[13].path, "Properties.Code");
    assert_false(v.rows[14].block);
    assert_string_equal(v.rows[14].path, "Properties.aws:Key");
    assert_string_equal(v.rows[15].entry, "Queue");
    assert_int_equal(v.rows[15].end, 16);
    assert_string_equal(v.rows[17].section, "Outputs");
    assert_false(v.rows[17].header);
    assert_int_equal(stc_yamlview_find(&v, "Resources", "Queue"), 15);
    assert_int_equal(stc_yamlview_find(&v, "Resources", NULL), 1);
    assert_int_equal(stc_yamlview_find(&v, "Resources", "Nope"), -1);
    assert_true(stc_yamlview_path_under("Properties.Policies[0].PolicyName", "Properties.Policies"));
    assert_true(stc_yamlview_path_under("Properties.MemorySize", "Properties.MemorySize"));
    assert_false(stc_yamlview_path_under("Properties.MemorySizeX", "Properties.MemorySize"));
    stc_yamlview_free(&v);

    /* colours: "- Key: !Ref X" -> punct, key, punct, tag, string */
    const char *line = "  - Key: !Ref X";
    unsigned short sty[32];
    stc_yamlview_style(line, strlen(line), false, sty);
    assert_int_equal(sty[0], STC_EL_NORMAL);
    assert_int_equal(sty[2], STC_EL_YAML_PUNCT);
    assert_int_equal(sty[4], STC_EL_YAML_KEY);
    assert_int_equal(sty[6], STC_EL_YAML_KEY);
    assert_int_equal(sty[7], STC_EL_YAML_PUNCT);
    assert_int_equal(sty[9], STC_EL_YAML_TAG);
    assert_int_equal(sty[12], STC_EL_YAML_TAG);
    assert_int_equal(sty[14], STC_EL_YAML_STRING);
    line = "MemorySize: 128";
    stc_yamlview_style(line, strlen(line), false, sty);
    assert_int_equal(sty[12], STC_EL_YAML_NUMBER);
    line = "Enabled: false";
    stc_yamlview_style(line, strlen(line), false, sty);
    assert_int_equal(sty[9], STC_EL_YAML_NUMBER);
    line = "V: '3'";
    stc_yamlview_style(line, strlen(line), false, sty);
    assert_int_equal(sty[3], STC_EL_YAML_STRING);
    line = "x: 1";
    stc_yamlview_style(line, strlen(line), true, sty);
    assert_int_equal(sty[0], STC_EL_YAML_STRING);
    assert_int_equal(sty[3], STC_EL_YAML_STRING);
}

/* The ASL tab's rows (tui/jsonview.h): indents, one-line containers of
 * scalars, fold ranges, the state of every row (the innermost: a branch's
 * state inside its Parallel), colours per byte. */
static void test_jsonview(void **st)
{
    (void)st;
    cJSON *doc = cJSON_Parse("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Parallel\", \"Branches\": "
                             "[{\"StartAt\": \"B\", \"States\": {\"B\": {\"Type\": \"Pass\", \"End\": true}}}], "
                             "\"End\": true}}, \"x\": [1, \"s\"]}");
    assert_non_null(doc);
    stc_jsonview v;
    stc_jsonview_build(&v, doc);
    static const char *const want[] = {
        "{",
        "  \"StartAt\": \"A\",",
        "  \"States\": {",
        "    \"A\": {",
        "      \"Type\": \"Parallel\",",
        "      \"Branches\": [",
        "        {",
        "          \"StartAt\": \"B\",",
        "          \"States\": {",
        "            \"B\": {\"Type\": \"Pass\", \"End\": true}",
        "          }",
        "        }",
        "      ],",
        "      \"End\": true",
        "    }",
        "  },",
        "  \"x\": [1, \"s\"]",
        "}",
    };
    assert_int_equal(v.n, 18);
    for (int i = 0; i < v.n; i++)
        assert_string_equal(v.rows[i].text, want[i]);
    /* folds: the document, States, A, Branches, the branch, its States */
    assert_true(v.rows[0].header);
    assert_int_equal(v.rows[0].end, 17);
    assert_int_equal(v.rows[2].end, 15);
    assert_int_equal(v.rows[3].end, 14);
    assert_string_equal(v.rows[3].path, "States.A");
    assert_string_equal(v.rows[6].path, "States.A.Branches[0]");
    assert_false(v.rows[9].header); /* B fits on its line */
    assert_false(v.rows[16].header);
    /* states: A holds rows 3-14, B its one row inside them */
    assert_int_equal(v.nstates, 2);
    assert_int_equal(stc_jsonview_state_row(&v, "A"), 3);
    assert_int_equal(stc_jsonview_state_row(&v, "B"), 9);
    assert_int_equal(stc_jsonview_state_row(&v, "C"), -1);
    assert_null(stc_jsonview_state_at(&v, 2));
    assert_string_equal(stc_jsonview_state_at(&v, 4), "A");
    assert_string_equal(stc_jsonview_state_at(&v, 9), "B");
    assert_string_equal(stc_jsonview_state_at(&v, 10), "A");
    assert_string_equal(stc_jsonview_state_at(&v, 14), "A");
    assert_null(stc_jsonview_state_at(&v, 15));
    assert_int_equal(stc_jsonview_owner(&v, 4), 3);
    assert_int_equal(stc_jsonview_owner(&v, 9), 8);
    assert_int_equal(stc_jsonview_owner(&v, 16), 0);
    /* colours of  "x": [1, "s"] */
    const unsigned short *y = v.rows[16].sty;
    assert_int_equal(y[1], STC_EL_NORMAL);
    assert_int_equal(y[2], STC_EL_JSON_KEY);
    assert_int_equal(y[4], STC_EL_JSON_KEY);
    assert_int_equal(y[5], STC_EL_JSON_PUNCT);
    assert_int_equal(y[7], STC_EL_JSON_PUNCT);
    assert_int_equal(y[8], STC_EL_JSON_NUMBER);
    assert_int_equal(y[9], STC_EL_JSON_PUNCT);
    assert_int_equal(y[11], STC_EL_JSON_STRING);
    assert_int_equal(y[14], STC_EL_JSON_PUNCT);
    stc_jsonview_free(&v);
    cJSON_Delete(doc);
    /* expressions: {% %} anywhere, JSONPath under x.$ and *Path keys */
    doc = cJSON_Parse("{\"a\": \"{% $x %}\", \"b.$\": \"$.p\", \"InputPath\": \"$.q\", \"c\": \"$.r\"}");
    stc_jsonview_build(&v, doc);
    assert_int_equal(v.n, 1);
    const char *t = v.rows[0].text;
    assert_int_equal(v.rows[0].sty[strstr(t, "\"{%") - t], STC_EL_JSON_EXPR);
    assert_int_equal(v.rows[0].sty[strstr(t, "\"$.p") - t], STC_EL_JSON_EXPR);
    assert_int_equal(v.rows[0].sty[strstr(t, "\"$.q") - t], STC_EL_JSON_EXPR);
    assert_int_equal(v.rows[0].sty[strstr(t, "\"$.r") - t], STC_EL_JSON_STRING);
    stc_jsonview_free(&v);
    cJSON_Delete(doc);
    /* the lines of each state in a text as written (--asl): names
     * unescaped, an inner state after the one holding it */
    const char *text = "{\n"
                       "  \"StartAt\": \"A\",\n"
                       "  \"States\": {\n"
                       "    \"A\": {\"Type\": \"Parallel\", \"Branches\": [\n"
                       "      {\"StartAt\": \"B\", \"States\": {\n"
                       "        \"B \\\"q\\\"\": {\"Type\": \"Pass\", \"Comment\": \"{ [\",\n"
                       "          \"End\": true}}}],\n"
                       "      \"End\": true}\n"
                       "  }\n"
                       "}\n";
    stc_json_span *sp;
    int n = stc_jsonview_spans(text, &sp);
    assert_int_equal(n, 2);
    assert_string_equal(sp[0].name, "A");
    assert_int_equal(sp[0].first, 4);
    assert_int_equal(sp[0].last, 8);
    assert_string_equal(sp[1].name, "B \"q\"");
    assert_int_equal(sp[1].first, 6);
    assert_int_equal(sp[1].last, 7);
    stc_jsonview_spans_free(sp, n);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_parse),   cmocka_unit_test(test_keymap_table),
        cmocka_unit_test(test_keymap_lookup), cmocka_unit_test(test_theme_parse),
        cmocka_unit_test(test_theme_builtin), cmocka_unit_test(test_cells),
        cmocka_unit_test(test_rich_wrap),   cmocka_unit_test(test_listview), cmocka_unit_test(test_yamlview),
        cmocka_unit_test(test_jsonview),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
