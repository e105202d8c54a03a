"""Every store operation the serve tests compare between the in-memory stores,
the SQLite state and the runtime's own memory mode: a missing key, key order,
membership, sizes, copies, queue order and emptiness."""
from asyncio import Queue
from queue import Empty
from typing import MutableMapping


class StoreService:
    def __init__(self):
        self.items: MutableMapping[str, dict] = {}
        self.counts: MutableMapping[int, dict] = {}
        self.blobs: MutableMapping[str, bytes] = {}
        self.work: Queue[dict] = Queue()

    def create_run(self, size: int) -> list:
        out = []
        try:
            self.items["missing"]
        except KeyError as e:
            out.append(["missing", repr(e)])
        for k in ["b", "é", "A", "10", "9", "a"]:
            self.items[k] = {"k": k}
        out.append(["keys", list(self.items)])
        out.append(["len", len(self.items)])
        out.append(["in", "a" in self.items, "zz" in self.items, 5 in self.items])
        for i in [10, -1, 3]:
            self.counts[i] = {"i": i}
        out.append(["ints", list(self.counts)])
        big = bytes(range(256)) * (size // 256)
        self.blobs["big"] = big
        out.append(["blob", len(self.blobs["big"]), self.blobs["big"] == big])
        self.blobs["empty"] = b""
        out.append(["empty", self.blobs["empty"] == b"", len(self.blobs)])
        del self.blobs["empty"]
        try:
            del self.blobs["empty"]
        except KeyError:
            out.append(["del-missing"])
        value = self.items["a"]
        value["changed"] = True
        out.append(["copy", self.items["a"]])
        for i in range(3):
            self.work.put_nowait({"n": i})
        out.append(["qsize", self.work.qsize(), self.work.empty()])
        out.append(["get", self.work.get_nowait(), self.work.get_nowait(), self.work.get_nowait()])
        try:
            self.work.get_nowait()
        except Empty as e:
            out.append(["empty-queue", type(e).__name__])
        return out

    def list_items(self) -> list:
        return [[k, v] for k, v in self.items.items()]
