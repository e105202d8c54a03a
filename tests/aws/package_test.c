/* package_test.c - the slicer, the deterministic zip, the digest and its rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "core/aws/handler.h"
#include "core/aws/package.h"
#include "core/aws/slice.h"
#include "core/parse.h"
#include "core/service.h"
#include "core/util.h"

static char *data_path(const char *rel)
{
    const char *root = getenv("STC_TEST_DATA");
    assert_non_null(root);
    return stc_xasprintf("%s/%s", root, rel);
}

__attribute__((noinline)) static char *read_text(const char *path, size_t *len)
{
    char *text = NULL, *err = NULL;
    if (stc_file_read(path, &text, len, &err) != 0)
        fail_msg("%s", err);
    return text;
}

static stc_service *compile_text(const char *name, const char *text)
{
    stc_service *svc = stc_service_compile_source(name, text, strlen(text), NULL);
    assert_false(stc_diags_has_errors(&svc->diags));
    return svc;
}

/* ---- digest ------------------------------------------------------------ */

static void test_digest_framing(void **state)
{
    (void)state;
    /* printf hello > a.txt; : > b.py; sha256sum a.txt b.py | sha256sum */
    stc_package_file files[] = {{"a.txt", "hello", 5, NULL}, {"b.py", "", 0, NULL}};
    char hex[65];
    stc_package_digest(files, 2, hex);
    assert_string_equal(hex, "89757dfd4f81b7823d0836852211f23533ad68cfdcf735e948a0684a22ed43ac");
    /* A file's hash given in advance is used as it is: here the right one
     * (sha256sum of the empty file), then a wrong one. */
    stc_package_file known[] = {
        {"a.txt", "hello", 5, NULL},
        {"b.py", "", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}};
    char hex3[65];
    stc_package_digest(known, 2, hex3);
    assert_string_equal(hex3, hex);
    known[1].sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
    stc_package_digest(known, 2, hex3);
    assert_string_not_equal(hex3, hex);
    /* Moving a byte between a name and the contents changes the digest. */
    stc_package_file moved[] = {{"a.tx", "thello", 6, NULL}, {"b.py", "", 0, NULL}};
    char hex2[65];
    stc_package_digest(moved, 2, hex2);
    assert_string_not_equal(hex, hex2);
}

/* ---- zip ----------------------------------------------------------------- */

static void check_zip(const unsigned char *zip, size_t len, const stc_package_file *files, size_t n)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(zip, len, 0, &ze);
    assert_non_null(src);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    assert_non_null(za);
    assert_int_equal(zip_get_num_entries(za, 0), (zip_int64_t)n);
    for (size_t i = 0; i < n; i++) {
        zip_stat_t st;
        assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
        assert_string_equal(st.name, files[i].name);
        assert_int_equal(st.size, files[i].len);
        assert_int_equal(st.comp_method, ZIP_CM_DEFLATE);
        struct tm tm;
        localtime_r(&st.mtime, &tm);
        assert_int_equal(tm.tm_year, 100);
        assert_int_equal(tm.tm_mon, 0);
        assert_int_equal(tm.tm_mday, 1);
        assert_int_equal(tm.tm_hour, 0);
        assert_int_equal(tm.tm_min, 0);
        assert_int_equal(tm.tm_sec, 0);
        zip_uint8_t opsys;
        zip_uint32_t attr;
        assert_int_equal(zip_file_get_external_attributes(za, i, 0, &opsys, &attr), 0);
        assert_int_equal(opsys, ZIP_OPSYS_UNIX);
        assert_int_equal(attr >> 16, 0100644);
        char *buf = stc_xmalloc(files[i].len + 1);
        zip_file_t *zf = zip_fopen_index(za, i, 0);
        assert_non_null(zf);
        assert_int_equal(zip_fread(zf, buf, files[i].len), (zip_int64_t)files[i].len);
        zip_fclose(zf);
        assert_memory_equal(buf, files[i].data, files[i].len);
        free(buf);
    }
    zip_close(za);
    zip_error_fini(&ze);
}

static void test_zip_deterministic(void **state)
{
    (void)state;
    stc_package_file files[] = {{"handler.py", "import service\n", 15, NULL},
                                {"service.py", "x = 1\n" "y = 2\n", 12, NULL},
                                {"stc_runtime.py", "", 0, NULL}};
    unsigned char *z1, *z2, *z3;
    size_t l1, l2, l3;
    char *err = NULL;
    assert_int_equal(stc_package_zip(files, 3, &z1, &l1, &err), 0);
    assert_int_equal(stc_package_zip(files, 3, &z2, &l2, &err), 0);
    assert_int_equal(l1, l2);
    assert_memory_equal(z1, z2, l1);
    check_zip(z1, l1, files, 3);
    /* Another time zone gives the same bytes (DOS times are local times). */
    const char *tz = getenv("TZ");
    char *saved = tz ? stc_xstrdup(tz) : NULL;
    setenv("TZ", "America/New_York", 1);
    tzset();
    assert_int_equal(stc_package_zip(files, 3, &z3, &l3, &err), 0);
    assert_int_equal(l1, l3);
    assert_memory_equal(z1, z3, l1);
    check_zip(z3, l3, files, 3);
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    free(z1);
    free(z2);
    free(z3);
}

/* ---- slicing --------------------------------------------------------------- */

static const char expected_add_stock[] =
    "# stc-tui: ShopService.add_stock and what it needs, sliced from the service module.\n"
    "\n"
    "from queue import Queue\n"
    "from typing import MutableMapping, Optional\n"
    "PREFIX = \"item-\"\n"
    "\n"
    "\n"
    "class OutOfStock(Exception):\n"
    "    pass\n"
    "\n"
    "\n"
    "def label(item_id: int) -> str:\n"
    "    return PREFIX + str(item_id)\n"
    "\n"
    "\n"
    "class ShopService:\n"
    "    LIMIT = 3\n"
    "\n"
    "    def __init__(self, shop: str, ratio: float = 1.5, currency: str = \"EUR\"):\n"
    "        self.stock: MutableMapping[int, dict] = {}\n"
    "        self.images: MutableMapping[str, bytes] = {}\n"
    "        self.jobs: Queue = Queue()\n"
    "        self.shop = shop\n"
    "        self.ratio = ratio\n"
    "        self.currency = currency\n"
    "\n"
    "    def __repr__(self):\n"
    "        return f\"ShopService({self.shop!r})\"\n"
    "\n"
    "    def __price(self, count: int) -> float:\n"
    "        return self.__round(count * self.ratio)\n"
    "\n"
    "    def __round(self, x: float) -> float:\n"
    "        return round(x, 2)\n"
    "\n"
    "    def add_stock(self, item_id: int, count: int) -> dict:\n"
    "        if count <= 0:\n"
    "            raise OutOfStock(f\"count must be positive, not {count}\")\n"
    "        entry = {\"label\": label(item_id), \"count\": count, \"price\": self.__price(count)}\n"
    "        self.stock[item_id] = entry\n"
    "        self.jobs.put({\"item\": item_id})\n"
    "        entry[\"audit\"] = self._audit(item_id)\n"
    "        entry[\"execution\"] = self._restock(item_id, count)\n"
    "        return entry\n";

static const char expected_search_items[] =
    "# stc-tui: ShopService.search_items and what it needs, sliced from the service module.\n"
    "\n"
    "from queue import Queue\n"
    "from typing import MutableMapping, Optional\n"
    "PREFIX = \"item-\"\n"
    "\n"
    "\n"
    "class ShopService:\n"
    "    LIMIT = 3\n"
    "\n"
    "    def __init__(self, shop: str, ratio: float = 1.5, currency: str = \"EUR\"):\n"
    "        self.stock: MutableMapping[int, dict] = {}\n"
    "        self.images: MutableMapping[str, bytes] = {}\n"
    "        self.jobs: Queue = Queue()\n"
    "        self.shop = shop\n"
    "        self.ratio = ratio\n"
    "        self.currency = currency\n"
    "\n"
    "    def __repr__(self):\n"
    "        return f\"ShopService({self.shop!r})\"\n"
    "\n"
    "    def search_items(self, tags: list[str], max_price: float = 10.0, in_stock: bool = False,\n"
    "                     limit: Optional[int] = None) -> dict:\n"
    "        # The answer echoes the converted query parameters.\n"
    "        return {\"tags\": tags, \"max_price\": max_price, \"in_stock\": in_stock, \"limit\": limit,\n"
    "                \"shop\": self.shop, \"currency\": self.currency}\n";

static void test_slice_shop(void **state)
{
    (void)state;
    char *path = data_path("aws/data/package_shop.py");
    stc_service *svc = stc_service_compile_file(path, NULL);
    assert_false(stc_diags_has_errors(&svc->diags));

    stc_slice s;
    assert_int_equal(stc_slice_unit(svc, stc_service_unit(svc, "add_stock"), &s), 0);
    assert_string_equal(s.text, expected_add_stock);
    assert_int_equal(s.len, strlen(expected_add_stock));
    const char *methods[] = {"__init__", "__repr__", "__price", "__round", "add_stock"};
    assert_int_equal(s.nmethods, STC_ARRAY_LEN(methods));
    for (size_t i = 0; i < s.nmethods; i++)
        assert_string_equal(s.methods[i]->name, methods[i]);
    assert_int_equal(s.ncalls, 2);
    assert_string_equal(s.calls[0]->method->name, "_audit");
    assert_int_equal(s.calls[0]->unit, STC_UNIT_LAMBDA);
    assert_string_equal(s.calls[1]->method->name, "_restock");
    assert_int_equal(s.calls[1]->unit, STC_UNIT_STATE_MACHINE);
    assert_int_equal(s.nresources, 2);
    assert_string_equal(s.resources[0].attr, "stock");
    assert_int_equal(s.resources[0].kind, STC_SLICE_TABLE);
    assert_string_equal(s.resources[0].key_type, "int");
    assert_string_equal(s.resources[1].attr, "jobs");
    assert_int_equal(s.resources[1].kind, STC_SLICE_QUEUE);
    stc_slice_free(&s);

    assert_int_equal(stc_slice_unit(svc, stc_service_unit(svc, "search_items"), &s), 0);
    assert_string_equal(s.text, expected_search_items);
    assert_int_equal(s.ncalls, 0);
    assert_int_equal(s.nresources, 0);
    stc_slice_free(&s);

    /* get_image touches the bucket; _audit the table. */
    assert_int_equal(stc_slice_unit(svc, stc_service_unit(svc, "get_image"), &s), 0);
    assert_int_equal(s.nresources, 1);
    assert_string_equal(s.resources[0].attr, "images");
    assert_int_equal(s.resources[0].kind, STC_SLICE_BUCKET);
    stc_slice_free(&s);
    assert_int_equal(stc_slice_unit(svc, stc_service_unit(svc, "_audit"), &s), 0);
    assert_int_equal(s.nresources, 1);
    assert_string_equal(s.resources[0].attr, "stock");
    stc_slice_free(&s);

    stc_slice_resource *all;
    assert_int_equal(stc_slice_init_resources(svc->module, &all), 3);
    assert_string_equal(all[2].attr, "jobs");
    free(all);
    stc_service_free(svc);
    free(path);
}

/* One slicer shared by every unit, forward and then backward, gives the same
 * slices as a fresh slice per unit: its per-unit marks and its memos must not
 * leak from one unit into the next. add_stock keeps helpers (__price calls
 * __round) that search_items does not; _audit and get_image touch different
 * resources. */
static void check_shared_slicer(const char *rel)
{
    char *path = data_path(rel);
    stc_service *svc = stc_service_compile_file(path, NULL);
    assert_false(stc_diags_has_errors(&svc->diags));
    stc_slicer *sl = stc_slicer_new(svc);
    assert_non_null(sl);
    size_t checked = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < svc->nunits; k++) {
            const stc_unit_info *u = &svc->units[pass ? svc->nunits - 1 - k : k];
            if (!u->method)
                continue;
            stc_slice a, b;
            assert_int_equal(stc_slice_unit(svc, u, &a), 0);
            assert_int_equal(stc_slicer_unit(sl, u, &b), 0);
            assert_string_equal(a.text, b.text);
            assert_int_equal(a.len, b.len);
            assert_int_equal(a.nmethods, b.nmethods);
            for (size_t i = 0; i < a.nmethods; i++)
                assert_ptr_equal(a.methods[i], b.methods[i]);
            assert_int_equal(a.ncalls, b.ncalls);
            for (size_t i = 0; i < a.ncalls; i++)
                assert_ptr_equal(a.calls[i], b.calls[i]);
            assert_int_equal(a.nresources, b.nresources);
            for (size_t i = 0; i < a.nresources; i++)
                assert_string_equal(a.resources[i].attr, b.resources[i].attr);
            stc_slice_free(&a);
            stc_slice_free(&b);
            checked++;
        }
    assert_true(checked >= 8);
    stc_slicer_free(sl);
    stc_service_free(svc);
    free(path);
}

static void test_shared_slicer(void **state)
{
    (void)state;
    check_shared_slicer("aws/data/package_shop.py");
    check_shared_slicer("../examples/people.py");
    check_shared_slicer("../examples/orders.py");
    check_shared_slicer("../examples/chat.py");
    check_shared_slicer("../examples/photos.py");
}

static void test_slice_decorated_and_nested(void **state)
{
    (void)state;
    const char *src =
        "import functools\n"
        "# a comment that does not ship\n"
        "def traced(f):\n"
        "    return f\n"
        "\n"
        "class Svc:\n"
        "    def __init__(self):\n"
        "        self.n = 1\n"
        "\n"
        "    @staticmethod\n"
        "    def util(x):\n"
        "        return x\n"
        "\n"
        "    @traced\n"
        "    def get_thing(self, thing_id: str) -> str:\n"
        "        return self.util(thing_id)\n";
    stc_service *svc = compile_text("svc.py", src);
    stc_slice s;
    assert_int_equal(stc_slice_unit(svc, stc_service_unit(svc, "get_thing"), &s), 0);
    assert_string_equal(s.text,
                        "# stc-tui: Svc.get_thing and what it needs, sliced from the service module.\n"
                        "\n"
                        "import functools\n"
                        "\n"
                        "\n"
                        "def traced(f):\n"
                        "    return f\n"
                        "\n"
                        "\n"
                        "class Svc:\n"
                        "    def __init__(self):\n"
                        "        self.n = 1\n"
                        "\n"
                        "    @staticmethod\n"
                        "    def util(x):\n"
                        "        return x\n"
                        "\n"
                        "    @traced\n"
                        "    def get_thing(self, thing_id: str) -> str:\n"
                        "        return self.util(thing_id)\n");
    stc_slice_free(&s);
    stc_service_free(svc);
}

/* ---- digests follow what ships ------------------------------------------- */

typedef struct {
    char name[64];
    char sha[65];
    char key[160];
} fn_digest;

static size_t digests_of(const char *text, fn_digest *out, size_t max)
{
    stc_service *svc = compile_text("people.py", text);
    stc_diags d = STC_DIAGS_INIT;
    stc_package *p;
    assert_int_equal(stc_package_build(svc, &d, &p), 0);
    assert_true(p->nfunctions <= max);
    for (size_t i = 0; i < p->nfunctions; i++) {
        snprintf(out[i].name, sizeof out[i].name, "%s", p->functions[i].name);
        memcpy(out[i].sha, p->functions[i].sha256, 65);
        snprintf(out[i].key, sizeof out[i].key, "%s", p->functions[i].s3_key);
        /* The key is the service, the function and 16 digits of the digest. */
        char *want = stc_xasprintf("PeopleService/%s-%.16s.zip", p->functions[i].name, p->functions[i].sha256);
        assert_string_equal(p->functions[i].s3_key, want);
        free(want);
        char *key = stc_package_s3_key(svc, p->functions[i].name);
        assert_string_equal(key, p->functions[i].s3_key);
        free(key);
        /* The digest is over the files, recomputed here. */
        char hex[65];
        stc_package_digest(p->functions[i].files, p->functions[i].nfiles, hex);
        assert_string_equal(hex, p->functions[i].sha256);
    }
    size_t n = p->nfunctions;
    assert_null(stc_package_s3_key(svc, "_onboard")); /* a state machine: no zip */
    assert_null(stc_package_s3_key(svc, "__init__"));
    stc_package_free(p);
    stc_diags_free(&d);
    stc_service_free(svc);
    return n;
}

/* Replace the first occurrence of `from` in `text` by `to` (allocated). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t off = (size_t)(at - text);
    stc_buf b = STC_BUF_INIT;
    stc_buf_add(&b, text, off);
    stc_buf_puts(&b, to);
    stc_buf_puts(&b, text + off + strlen(from));
    return stc_buf_take(&b);
}

/* Which functions' digests differ between the original and `changed`,
 * as a space-separated list; keys must differ exactly when digests do. */
static char *changed_functions(const fn_digest *base, size_t n, const char *changed)
{
    fn_digest now[16];
    assert_int_equal(digests_of(changed, now, 16), n);
    stc_buf b = STC_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(now[i].name, base[i].name);
        bool sha = strcmp(now[i].sha, base[i].sha) != 0;
        bool key = strcmp(now[i].key, base[i].key) != 0;
        assert_int_equal(sha, key);
        if (sha)
            stc_buf_printf(&b, "%s%s", b.len ? " " : "", now[i].name);
    }
    return stc_buf_take(&b);
}

/* The shared slicer's closure: helpers reached out of source order (the
 * kept methods still come out in source order, between the class-level
 * statements), module-level defs reached through other defs (both defs of a
 * repeated name), exception classes, and calls and resources in first use
 * order. */
static const char reach_src[] =
    "\"\"\"Module doc.\"\"\"\n"
    "import json\n"
    "from typing import MutableMapping, Optional\n"
    "from queue import Queue\n"
    "\n"
    "LIMIT = 3\n"
    "\n"
    "\n"
    "def h():\n"
    "    return LIMIT\n"
    "\n"
    "\n"
    "def g():\n"
    "    return h()\n"
    "\n"
    "\n"
    "def f():\n"
    "    return g()\n"
    "\n"
    "\n"
    "def f():\n"
    "    return g() + 1\n"
    "\n"
    "\n"
    "def unused():\n"
    "    return 0\n"
    "\n"
    "\n"
    "class Boom(Exception):\n"
    "    pass\n"
    "\n"
    "\n"
    "class Other(Exception):\n"
    "    pass\n"
    "\n"
    "\n"
    "def uses_other():\n"
    "    raise Other()\n"
    "\n"
    "\n"
    "def deco(fn):\n"
    "    return fn\n"
    "\n"
    "\n"
    "@deco\n"
    "class Shop:\n"
    "    \"\"\"Class doc.\"\"\"\n"
    "    RATE = 2\n"
    "\n"
    "    def __init__(self, prefix: str = \"p\"):\n"
    "        self.items: MutableMapping[str, dict] = {}\n"
    "        self.blobs: MutableMapping[str, bytes] = {}\n"
    "        self.jobs: Queue = Queue()\n"
    "        self.prefix = prefix\n"
    "\n"
    "    def __z_helper(self, x):\n"
    "        return self.__y_helper(x) + f()\n"
    "\n"
    "    def __y_helper(self, x):\n"
    "        return self.__x_helper(x)\n"
    "\n"
    "    TAX = 5\n"
    "\n"
    "    def __x_helper(self, x):\n"
    "        if x:\n"
    "            raise Boom()\n"
    "        return uses_other\n"
    "\n"
    "    def __repr__(self):\n"
    "        return self.__w_helper()\n"
    "\n"
    "    def __w_helper(self):\n"
    "        return \"w\"\n"
    "\n"
    "    def get_item(self, item_id: str) -> dict:\n"
    "        self.jobs.put(item_id)\n"
    "        return {\"v\": self.__z_helper(item_id), \"i\": self.items.get(item_id), \"c\": self._count(1)}\n"
    "\n"
    "    def _count(self, n: int) -> int:\n"
    "        self.blobs[\"x\"] = b\"\"\n"
    "        return n + self.__x_helper(0)\n"
    "\n"
    "    async def _flow(self, n: int) -> int:\n"
    "        k = self._count(n)\n"
    "        return k\n"
    "\n"
    "    def put_item(self, item_id: str, name: str, label: Optional[str] = None) -> dict:\n"
    "        self._flow(1)\n"
    "        self.items[item_id] = {\"name\": name}\n"
    "        return self.get_item(item_id)\n"
    "\n"
    "    def on_message(self, url: str, connection_id: str, text: str) -> None:\n"
    "        self.items[connection_id] = {\"t\": text, \"j\": json.dumps(h())}\n"
    "\n"
    "    def list_items(self, limit: int = 10, **kw) -> list:\n"
    "        return [self.__y_helper(1), self.__z_helper(2)]\n";

static const char *slice_method_names(const stc_slice *s, stc_buf *b)
{
    b->len = 0;
    for (size_t i = 0; i < s->nmethods; i++)
        stc_buf_printf(b, "%s%s", i ? " " : "", s->methods[i]->name);
    return stc_buf_cstr(b);
}

static void test_slice_reach(void **state)
{
    (void)state;
    stc_service *svc = compile_text("shop.py", reach_src);
    stc_slicer *sl = stc_slicer_new(svc);
    stc_buf names = STC_BUF_INIT;
    stc_slice s;
    for (int pass = 0; pass < 2; pass++) { /* a second time: the memos must not change anything */
        assert_int_equal(stc_slicer_unit(sl, stc_service_unit(svc, "get_item"), &s), 0);
        assert_string_equal(s.text,
                            "# stc-tui: Shop.get_item and what it needs, sliced from the service module.\n"
                            "\n"
                            "import json\n"
                            "from typing import MutableMapping, Optional\n"
                            "from queue import Queue\n"
                            "LIMIT = 3\n"
                            "\n"
                            "\n"
                            "def h():\n"
                            "    return LIMIT\n"
                            "\n"
                            "\n"
                            "def g():\n"
                            "    return h()\n"
                            "\n"
                            "\n"
                            "def f():\n"
                            "    return g()\n"
                            "\n"
                            "\n"
                            "def f():\n"
                            "    return g() + 1\n"
                            "\n"
                            "\n"
                            "class Boom(Exception):\n"
                            "    pass\n"
                            "\n"
                            "\n"
                            "class Other(Exception):\n"
                            "    pass\n"
                            "\n"
                            "\n"
                            "def uses_other():\n"
                            "    raise Other()\n"
                            "\n"
                            "\n"
                            "def deco(fn):\n"
                            "    return fn\n"
                            "\n"
                            "\n"
                            "@deco\n"
                            "class Shop:\n"
                            "    RATE = 2\n"
                            "\n"
                            "    def __init__(self, prefix: str = \"p\"):\n"
                            "        self.items: MutableMapping[str, dict] = {}\n"
                            "        self.blobs: MutableMapping[str, bytes] = {}\n"
                            "        self.jobs: Queue = Queue()\n"
                            "        self.prefix = prefix\n"
                            "\n"
                            "    def __z_helper(self, x):\n"
                            "        return self.__y_helper(x) + f()\n"
                            "\n"
                            "    def __y_helper(self, x):\n"
                            "        return self.__x_helper(x)\n"
                            "\n"
                            "    TAX = 5\n"
                            "\n"
                            "    def __x_helper(self, x):\n"
                            "        if x:\n"
                            "            raise Boom()\n"
                            "        return uses_other\n"
                            "\n"
                            "    def __repr__(self):\n"
                            "        return self.__w_helper()\n"
                            "\n"
                            "    def __w_helper(self):\n"
                            "        return \"w\"\n"
                            "\n"
                            "    def get_item(self, item_id: str) -> dict:\n"
                            "        self.jobs.put(item_id)\n"
                            "        return {\"v\": self.__z_helper(item_id), \"i\": self.items.get(item_id), \"c\": self._count(1)}\n");
        assert_int_equal(s.len, strlen(s.text));
        assert_string_equal(slice_method_names(&s, &names),
                            "__init__ __z_helper __y_helper __x_helper __repr__ __w_helper get_item");
        assert_int_equal(s.nresources, 2);
        assert_string_equal(s.resources[0].attr, "jobs");
        assert_string_equal(s.resources[1].attr, "items");
        assert_int_equal(s.ncalls, 1);
        assert_string_equal(s.calls[0]->method->name, "_count");
        stc_slice_free(&s);

        assert_int_equal(stc_slicer_unit(sl, stc_service_unit(svc, "_count"), &s), 0);
        assert_string_equal(slice_method_names(&s, &names), "__init__ __x_helper __repr__ __w_helper _count");
        assert_null(strstr(s.text, "def f():"));
        assert_non_null(strstr(s.text, "def uses_other():"));
        assert_int_equal(s.nresources, 1);
        assert_string_equal(s.resources[0].attr, "blobs");
        assert_int_equal(s.ncalls, 0);
        stc_slice_free(&s);

        assert_int_equal(stc_slicer_unit(sl, stc_service_unit(svc, "list_items"), &s), 0);
        assert_string_equal(slice_method_names(&s, &names),
                            "__init__ __z_helper __y_helper __x_helper __repr__ __w_helper list_items");
        assert_non_null(strstr(s.text, "def f():\n    return g() + 1\n"));
        assert_null(strstr(s.text, "unused"));
        assert_int_equal(s.nresources, 0);
        stc_slice_free(&s);

        assert_int_equal(stc_slicer_unit(sl, stc_service_unit(svc, "put_item"), &s), 0);
        assert_int_equal(s.ncalls, 2);
        assert_string_equal(s.calls[0]->method->name, "_flow");
        assert_string_equal(s.calls[1]->method->name, "get_item");
        assert_int_equal(s.nresources, 1);
        assert_string_equal(s.resources[0].attr, "items");
        stc_slice_free(&s);

        assert_int_equal(stc_slicer_unit(sl, stc_service_unit(svc, "on_message"), &s), 0);
        assert_non_null(strstr(s.text, "def h():"));
        assert_null(strstr(s.text, "def g():"));
        stc_slice_free(&s);
    }
    stc_buf_free(&names);
    stc_slicer_free(sl);
    stc_service_free(svc);
}

static void test_digest_rules(void **state)
{
    (void)state;
    char *path = data_path("../examples/people.py");
    size_t len;
    char *src = read_text(path, &len);
    fn_digest base[16];
    size_t n = digests_of(src, base, 16);
    const char *names[] = {"register_person", "get_person", "list_people", "update_person",
                           "unregister_person", "_send_email", "_mark_active"};
    assert_int_equal(n, STC_ARRAY_LEN(names));
    for (size_t i = 0; i < n; i++)
        assert_string_equal(base[i].name, names[i]);

    /* Same input, same digests. */
    char *same = changed_functions(base, n, src);
    assert_string_equal(same, "");
    free(same);

    struct {
        const char *from, *to, *want;
    } cases[] = {
        /* one function's code */
        {"        return True\n", "        return False\n", "_send_email"},
        /* a comment inside a method ships with it */
        {"        return self.people[person_id]\n",
         "        # look it up\n        return self.people[person_id]\n", "get_person"},
        /* comments and blank lines between statements do not ship */
        {"    def get_person(", "    # reading\n\n    def get_person(", ""},
        {"class OnboardingFailed", "# errors\nclass OnboardingFailed", ""},
        /* docstrings of the module and the class do not ship */
        {"A people registry", "The people registry", ""},
        /* code only a state machine uses is in no Lambda package */
        {"class OnboardingFailed(Exception):\n    pass\n",
         "class OnboardingFailed(Exception):\n    code = 7\n", ""},
        {"        ok = self._send_email(email)\n        tries = 1\n",
         "        ok = self._send_email(email)\n        tries = 1  # first\n", ""},
        /* __init__ ships everywhere */
        {"max_tries: int = 3", "max_tries: int = 4",
         "register_person get_person list_people update_person unregister_person _send_email _mark_active"},
        /* an import ships everywhere */
        {"from uuid import uuid4\n", "from uuid import uuid4\nimport json\n",
         "register_person get_person list_people update_person unregister_person _send_email _mark_active"},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(cases); i++) {
        char *changed = replace(src, cases[i].from, cases[i].to);
        char *got = changed_functions(base, n, changed);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu (%s): changed [%s], want [%s]", i, cases[i].to, got, cases[i].want);
        free(got);
        free(changed);
    }
    free(src);
    free(path);
}

static void test_package_files(void **state)
{
    (void)state;
    char *path = data_path("../examples/chat.py");
    stc_service *svc = stc_service_compile_file(path, NULL);
    stc_diags d = STC_DIAGS_INIT;
    stc_package *p;
    assert_int_equal(stc_package_build(svc, &d, &p), 0);
    assert_string_equal(p->service, "ChatService");
    assert_int_equal(p->nfunctions, 5);
    const stc_package_function *f = stc_package_find(p, "on_message");
    assert_non_null(f);
    assert_int_equal(f->nfiles, 3);
    assert_string_equal(f->files[0].name, "handler.py");
    assert_string_equal(f->files[1].name, "service.py");
    assert_string_equal(f->files[2].name, "stc_runtime.py");
    /* chat.py imports post_to_connection from the runtime it ships. */
    assert_non_null(strstr(f->files[1].data, "from stc_runtime import post_to_connection\n"));
    assert_non_null(strstr(f->files[2].data, "def post_to_connection(url, connection_id, data):"));
    assert_non_null(strstr(f->files[0].data, "\"kind\": \"websocket\""));
    assert_non_null(strstr(f->files[0].data, "{\"attr\": \"connections\", \"kind\": \"table\", "
                                             "\"env\": \"STC_TABLE_CONNECTIONS\", \"key_type\": \"str\"}"));
    assert_string_equal(f->zip_name + strlen(f->zip_name) - 4, ".zip");
    check_zip(f->zip, f->zip_len, f->files, f->nfiles);
    assert_null(stc_package_find(p, "__init__"));
    stc_package_free(p);
    stc_diags_free(&d);
    stc_service_free(svc);
    free(path);

    char *env = stc_handler_env_name(STC_ENV_FUNCTION, "_send_email");
    assert_string_equal(env, "STC_FUNCTION__SEND_EMAIL");
    free(env);
}

static void test_no_service(void **state)
{
    (void)state;
    stc_service *svc = stc_service_compile_source("empty.py", "x = 1\n", 6, NULL);
    stc_diags d = STC_DIAGS_INIT;
    stc_package *p = NULL;
    assert_int_equal(stc_package_build(svc, &d, &p), -1);
    assert_null(p);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].code, "STC700");
    stc_diags_free(&d);
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digest_framing),
        cmocka_unit_test(test_zip_deterministic),
        cmocka_unit_test(test_slice_shop),
        cmocka_unit_test(test_slice_decorated_and_nested),
        cmocka_unit_test(test_shared_slicer),
        cmocka_unit_test(test_slice_reach),
        cmocka_unit_test(test_digest_rules),
        cmocka_unit_test(test_package_files),
        cmocka_unit_test(test_no_service),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stc_py_finalize();
    return rc;
}
