"""The CRUD bodies `stc-tui new` writes (docs/new.md), run the way the cloud runs
them: the module is generated, emitted with $STC_BIN, each function's package
unzipped and its handler.py imported under Debian's /usr/bin/python3 with the
shipped runtime in memory, and fed API Gateway HTTP API events. Expected
answers are worked out from the generated methods' contract: create gives a new
id and the item, get/update/delete answer 404 for a missing item, list answers
in key order, a nested item carries its parent's id, and with the parent listed
a child needs its parent and leaves with it. Run by ctest with STC_BIN and
STC_TEST_DATA set."""
import json
import os
import subprocess
import sys
import tempfile

from handler_harness import BIN, Tally, answer, cold_import, emit, http_event

WORK = tempfile.mkdtemp(prefix="stc-new-crud-")
T = Tally()
check = T.check

module = os.path.join(WORK, "library.py")
entities = "shelf(label),shelf/book(title:str,pages:int,tags:list),person(name,age:int)"
r = subprocess.run([BIN, "new", module, "--entities", entities], capture_output=True, text=True)
if r.returncode != 0:
    print("new failed (%d): %s" % (r.returncode, r.stderr))
    sys.exit(1)
out, manifest, folders = emit(WORK, module, "lib")
h = {name: cold_import(WORK, folder) for name, folder in folders.items()}


def call(fn, method, route, path, path_params=None, query="", body=None):
    ev = http_event(method, route, path, path_params=path_params, query=query,
                    body=json.dumps(body) if body is not None else None)
    return answer(h[fn].handler(ev, None))


# ---- shelves: create, get, list, update -----------------------------------------
status, shelf = call("create_shelf", "POST", "/shelves", "/shelves", body={"label": "fiction"})
check("create_shelf status", status, 200)
sid = shelf["shelf_id"]
check("a new id: 32 hex digits", (len(sid), all(c in "0123456789abcdef" for c in sid)), (32, True))
check("create_shelf item", shelf, {"shelf_id": sid, "label": "fiction"})
status, other = call("create_shelf", "POST", "/shelves", "/shelves", body={"label": "poetry"})
check("another shelf, another id", other["shelf_id"] != sid, True)
check("get_shelf", call("get_shelf", "GET", "/shelves/{shelf_id}", "/shelves/" + sid, {"shelf_id": sid}),
      (200, {"shelf_id": sid, "label": "fiction"}))
check("get_shelf missing: 404", call("get_shelf", "GET", "/shelves/{shelf_id}", "/shelves/nope", {"shelf_id": "nope"})[0],
      404)
status, shelves = call("list_shelves", "GET", "/shelves", "/shelves")
check("list_shelves: both, in key order", [s["shelf_id"] for s in shelves], sorted([sid, other["shelf_id"]]))
status, shelves = call("list_shelves", "GET", "/shelves", "/shelves", query="limit=1")
check("list_shelves?limit=1", [s["shelf_id"] for s in shelves], sorted([sid, other["shelf_id"]])[:1])
check("update_shelf", call("update_shelf", "PUT", "/shelves/{shelf_id}", "/shelves/" + sid, {"shelf_id": sid},
                           body={"label": "novels"}), (200, {"shelf_id": sid, "label": "novels"}))
check("update_shelf missing: 404", call("update_shelf", "PUT", "/shelves/{shelf_id}", "/shelves/nope",
                                        {"shelf_id": "nope"}, body={"label": "x"})[0], 404)
check("update_shelf without its field: 400", call("update_shelf", "PUT", "/shelves/{shelf_id}",
                                                  "/shelves/" + sid, {"shelf_id": sid}, body={})[0], 400)

# ---- books on a shelf (nested): the shelf must exist ------------------------------
route = "/shelves/{shelf_id}/books"
status, book = call("create_shelf_book", "POST", route, "/shelves/%s/books" % sid, {"shelf_id": sid},
                    body={"title": "Dune", "pages": 412, "tags": ["sf"]})
check("create_shelf_book status", status, 200)
bid = book["book_id"]
check("create_shelf_book item", book, {"shelf_id": sid, "book_id": bid, "title": "Dune", "pages": 412, "tags": ["sf"]})
check("a book under a missing shelf: 404", call("create_shelf_book", "POST", route, "/shelves/nope/books",
                                                {"shelf_id": "nope"}, body={"title": "x", "pages": 1, "tags": []})[0], 404)
check("pages must be an integer: 400", call("create_shelf_book", "POST", route, "/shelves/%s/books" % sid,
                                            {"shelf_id": sid}, body={"title": "x", "pages": "many", "tags": []})[0], 400)
status, b2 = call("create_shelf_book", "POST", route, "/shelves/%s/books" % sid, {"shelf_id": sid},
                  body={"title": "Emma", "pages": 474, "tags": []})
status, b3 = call("create_shelf_book", "POST", route, "/shelves/%s/books" % other["shelf_id"],
                  {"shelf_id": other["shelf_id"]}, body={"title": "Odes", "pages": 90, "tags": []})
item = route + "/{book_id}"
check("get_shelf_book", call("get_shelf_book", "GET", item, "/shelves/%s/books/%s" % (sid, bid),
                             {"shelf_id": sid, "book_id": bid})[1]["title"], "Dune")
check("a book asked under the wrong shelf: 404", call("get_shelf_book", "GET", item, "/x",
                                                      {"shelf_id": other["shelf_id"], "book_id": bid})[0], 404)
status, books = call("list_shelf_books", "GET", route, "/shelves/%s/books" % sid, {"shelf_id": sid})
check("list_shelf_books: this shelf's two, in key order", [b["book_id"] for b in books], sorted([bid, b2["book_id"]]))
check("update_shelf_book", call("update_shelf_book", "PUT", item, "/x", {"shelf_id": sid, "book_id": bid},
                                body={"title": "Dune", "pages": 500, "tags": ["sf", "classic"]}),
      (200, {"shelf_id": sid, "book_id": bid, "title": "Dune", "pages": 500, "tags": ["sf", "classic"]}))
check("delete_shelf_book", call("delete_shelf_book", "DELETE", item, "/x", {"shelf_id": sid, "book_id": b2["book_id"]}),
      (200, {"shelf_id": sid, "book_id": b2["book_id"], "title": "Emma", "pages": 474, "tags": []}))
check("deleted: 404", call("get_shelf_book", "GET", item, "/x", {"shelf_id": sid, "book_id": b2["book_id"]})[0], 404)
check("deleted twice: 404", call("delete_shelf_book", "DELETE", item, "/x",
                                 {"shelf_id": sid, "book_id": b2["book_id"]})[0], 404)

# ---- deleting a shelf deletes its books, and only its books ------------------------
check("delete_shelf", call("delete_shelf", "DELETE", "/shelves/{shelf_id}", "/x", {"shelf_id": sid}),
      (200, {"shelf_id": sid, "label": "novels"}))
check("its book went with it", call("get_shelf_book", "GET", item, "/x", {"shelf_id": sid, "book_id": bid})[0], 404)
status, books = call("list_shelf_books", "GET", route, "/x", {"shelf_id": other["shelf_id"]})
check("the other shelf keeps its book", [b["title"] for b in books], ["Odes"])

# ---- people: a second top-level entity, and the counts _report calls ----------------
status, ann = call("create_person", "POST", "/people", "/people", body={"name": "Ann", "age": 41})
check("create_person", (status, ann["name"], ann["age"]), (200, "Ann", 41))
check("_count_shelves", h["_count_shelves"].handler({}, None), 1)
check("_count_shelf_books", h["_count_shelf_books"].handler({}, None), 1)
check("_count_people", h["_count_people"].handler({}, None), 1)
T.finish()
