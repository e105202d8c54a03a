/* test_util.c - util.h and diag.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/diag.h"
#include "core/util.h"

static void test_utf8(void **state)
{
    (void)state;
    size_t bad = 0;
    assert_true(stc_utf8_valid("abc", 3, &bad));
    assert_true(stc_utf8_valid("\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80", 9, &bad));
    assert_false(stc_utf8_valid("ab\xff", 3, &bad));
    assert_int_equal(bad, 2);
    assert_false(stc_utf8_valid("a\xc3", 2, &bad)); /* truncated */
    assert_int_equal(bad, 1);
    assert_false(stc_utf8_valid("\xc0\xaf", 2, &bad)); /* overlong '/' */
    assert_int_equal(bad, 0);
    assert_false(stc_utf8_valid("\xed\xa0\x80", 3, &bad)); /* surrogate */
    assert_int_equal(stc_utf8_count("\xc3\xa9x", 3), 2);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(stc_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(stc_edit_distance("", "abc"), 3);
    assert_int_equal(stc_edit_distance("regster", "register"), 1);
    assert_int_equal(stc_edit_distance("same", "same"), 0);
}

static void test_buf(void **state)
{
    (void)state;
    stc_buf b = STC_BUF_INIT;
    assert_string_equal(stc_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        stc_buf_printf(&b, "%d,", i % 10);
    assert_int_equal(b.len, 2000);
    char *s = stc_buf_take(&b);
    assert_int_equal(strncmp(s, "0,1,2,", 6), 0);
    assert_null(b.data);
    free(s);
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_name_index(void **state)
{
    (void)state;
    stc_name_index ix = {0};
    assert_int_equal(stc_name_index_find(&ix, "a"), -1); /* empty: no table yet */
    assert_int_equal(stc_name_index_add(&ix, "get_person"), 0);
    assert_int_equal(stc_name_index_add(&ix, "list_people"), 1);
    /* A repeated name gets its own position but lookups find the first. */
    assert_int_equal(stc_name_index_add(&ix, "get_person"), 0);
    assert_int_equal(ix.n, 3);
    assert_int_equal(stc_name_index_find(&ix, "get_person"), 0);
    assert_int_equal(stc_name_index_find(&ix, "list_people"), 1);
    assert_int_equal(stc_name_index_find(&ix, "get_people"), -1);
    assert_int_equal(stc_name_index_find(&ix, NULL), -1);
    /* Grow well past the first table (32 slots) and the first array (16). */
    static char names[500][8];
    for (int i = 0; i < 500; i++) {
        snprintf(names[i], sizeof names[i], "n%d", i);
        assert_int_equal(stc_name_index_add(&ix, names[i]), 3 + i);
    }
    for (int i = 0; i < 500; i++)
        assert_int_equal(stc_name_index_find(&ix, names[i]), 3 + i);
    assert_int_equal(stc_name_index_find(&ix, "n500"), -1);
    assert_true(ix.nslots > 2 * ix.n);
    stc_name_index_free(&ix);
    assert_int_equal(ix.n, 0);

    /* As a set: insert adds only new names, in order. */
    assert_false(stc_name_index_insert(&ix, NULL));
    assert_true(stc_name_index_insert(&ix, "x"));
    assert_true(stc_name_index_insert(&ix, "y"));
    assert_false(stc_name_index_insert(&ix, "x"));
    assert_int_equal(ix.n, 2);
    assert_string_equal(ix.names[0], "x");
    assert_string_equal(ix.names[1], "y");
    stc_name_index_free(&ix);
}

static void test_format_uint(void **state)
{
    (void)state;
    char t[24];
    assert_int_equal(stc_format_uint(0, false, t), 1);
    assert_string_equal(t, "0");
    assert_int_equal(stc_format_uint(0, true, t), 2); /* -0, as printf's "%.0f" of -0.0 */
    assert_string_equal(t, "-0");
    assert_int_equal(stc_format_uint(1234567890, true, t), 11);
    assert_string_equal(t, "-1234567890");
    assert_int_equal(stc_format_uint(18446744073709551615ull, false, t), 20);
    assert_string_equal(t, "18446744073709551615");
    assert_int_equal(stc_format_uint(18446744073709551615ull, true, t), 21);
    assert_string_equal(t, "-18446744073709551615");
}

static void test_atomic_write(void **state)
{
    (void)state;
    char dir[] = "/tmp/stc-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = stc_xasprintf("%s/out.txt", dir);
    char *err = NULL;
    assert_int_equal(stc_file_write_atomic(path, "one", 3, &err), 0);
    assert_int_equal(stc_file_write_atomic(path, "two!", 4, &err), 0);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(stc_file_read(path, &data, &len, &err), 0);
    assert_int_equal(len, 4);
    assert_string_equal(data, "two!");
    free(data);
    assert_int_equal(count_entries(dir), 1); /* no temporary left */
    /* A target inside a missing folder: an error, nothing written. */
    char *bad = stc_xasprintf("%s/missing/out.txt", dir);
    assert_int_equal(stc_file_write_atomic(bad, "x", 1, &err), -1);
    assert_non_null(strstr(err, "cannot write"));
    free(err);
    err = NULL;
    /* Reading a folder is refused. */
    assert_int_equal(stc_file_read(dir, &data, &len, &err), -1);
    assert_non_null(strstr(err, "is a directory"));
    free(err);
    unlink(path);
    rmdir(dir);
    free(path);
    free(bad);
}

static void test_diag_print(void **state)
{
    (void)state;
    stc_diags d = STC_DIAGS_INIT;
    stc_diag *dg = stc_diag_add(&d, STC_SEV_ERROR, "s.py", 2, 6, "STC203", "'lambda' cannot run here");
    stc_diag_set_hint(dg, "move it into _compute(...)");
    stc_diag_add(&d, STC_SEV_WARNING, "s.py", 1, 1, "STC130", "first");
    stc_diags_sort(&d);
    assert_string_equal(d.items[0].code, "STC130");
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    stc_diag_print_one(&d.items[1], f, "line one\n\tx = lambda: 1\n");
    fclose(f);
    assert_string_equal(out, "s.py:2:6: error: STC203 'lambda' cannot run here\n"
                             "    2 | \tx = lambda: 1\n"
                             "      | \t    ^\n"
                             "      = hint: move it into _compute(...)\n");
    free(out);
    assert_int_equal(stc_diags_count(&d, STC_SEV_ERROR), 1);
    assert_true(stc_diags_has_errors(&d));
    stc_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_name_index),
        cmocka_unit_test(test_format_uint),
        cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_diag_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
