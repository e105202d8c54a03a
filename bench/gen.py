#!/usr/bin/env python3
"""Synthetic service modules for the benchmarks (bench/run) and the fuzz seeds.

    bench/gen.py N [--workflows W] [--statements S] [-o FILE]

N methods in one service class, spread over every kind of the naming
convention (shared/naming-convention.md): __init__ with resources, REST verbs
of every group (plain, nested and action routes), WebSocket handlers,
internal functions, helpers, ignored dunders, near-miss (unclassified) names,
and W async workflows (default N/10) of S statement blocks each (default 12).
The blocks cycle through assignment, Task calls, while loops with sleep,
if/elif/else, for loops, gather (Parallel), a Map over a list, and
try/except/raise, so the workflow compiler sees every construct it
translates. Names are unique, so routes never conflict; the output depends
only on the arguments (no randomness).
"""
import argparse
import sys

LETTERS = "abcdefghijklmnopqrstuvwxyz"

# (verb, needs an <entity>_id parameter, extra parameters)
REST_SHAPES = [
    ("create", False, "name: str, size: int = 1"),
    ("get", True, ""),
    ("list", False, "limit: int = 10"),
    ("update", True, "name: str"),
    ("patch", True, "label: Optional[str] = None"),
    ("delete", True, ""),
    ("approve", True, "note: str = \"\""),
    ("search", False, "query: str, year: int = 2024"),
]


def word(i):
    """A distinct lowercase word for index i (no digits: entities pluralize)."""
    s = ""
    i += 26 * 26  # at least three letters
    while i:
        s = LETTERS[i % 26] + s
        i //= 26
    return "ent" + s


def gen(n, workflows, statements):
    out = []
    w = out.append
    w('"""Synthetic service: %d methods, %d workflows of %d blocks (bench/gen.py)."""'
      % (n, workflows, statements))
    w("from asyncio import gather, sleep")
    w("from typing import MutableMapping, Optional")
    w("")
    w("")
    w("class Declined(Exception):")
    w("    pass")
    w("")
    w("")
    w("class BenchService:")
    w("    def __init__(self, prefix: str = \"bench\", tries: int = 3):")
    w("        self.items: MutableMapping[str, dict] = {}")
    w("        self.events: MutableMapping[str, dict] = {}")
    w("        self.prefix = prefix")
    w("        self.tries = tries")
    w("")
    rest_budget = n - 1 - workflows
    if rest_budget < 0:
        rest_budget = 0
    # The non-workflow methods, in a fixed cycle of kinds. Internal
    # functions come often: the workflows call them.
    cycle = ["rest", "fn", "rest", "ws", "fn", "rest", "helper", "fn", "dunder", "near"]
    nfn = 0
    counts = {}
    for k in range(rest_budget):
        kind = cycle[k % len(cycle)]
        counts[kind] = counts.get(kind, 0) + 1
        i = counts[kind] - 1
        if kind == "rest":
            verb, has_id, extra = REST_SHAPES[i % len(REST_SHAPES)]
            ent = word(i)
            params = []
            if has_id:
                params.append("%s_id: str" % ent)
            if extra:
                params.append(extra)
            if i % 5 == 4 and not has_id and verb == "create":
                # nested route: /parents/{parent_id}/children
                ent = "owner_" + ent
                params.insert(0, "owner_id: str")
            w("    def %s_%s(self%s) -> dict:" % (verb, ent, "".join(", " + p for p in params)))
            if has_id:
                w("        item = self.items.get(%s_id, {})" % ent.split("_")[-1])
                w("        return {\"id\": %s_id, \"item\": item}" % ent.split("_")[-1])
            else:
                w("        self.items[self.prefix + \"%s\"] = {\"kind\": \"%s\"}" % (ent, verb))
                w("        return {\"ok\": True, \"count\": len(self.items)}")
        elif kind == "ws":
            w("    def on_%s(self, url: str, connection_id: str, text: str = \"\") -> None:"
              % word(i))
            w("        self.events[connection_id] = {\"url\": url, \"text\": text}")
        elif kind == "fn":
            w("    def _fn%d(self, key: str, amount: int = 1) -> dict:" % nfn)
            if nfn % 3 == 0:
                w("        self.items[key] = {\"amount\": amount}")
            w("        return {\"key\": key, \"ok\": amount > %d, \"n\": amount + %d}"
              % (nfn % 4, nfn))
            nfn += 1
        elif kind == "helper":
            w("    def __helper_%s(self, s: str) -> str:" % word(i))
            w("        return s.strip().lower()")
        elif kind == "dunder":
            w("    def __x%s__(self) -> str:" % word(i))
            w("        return \"%s\"" % word(i))
        else:  # near-miss verb: unclassified, a warning with a hint
            w("    def regster_%s(self, name: str) -> None:" % word(i))
            w("        pass")
        w("")
    if nfn == 0:
        w("    def _fn0(self, key: str, amount: int = 1) -> dict:")
        w("        return {\"key\": key, \"ok\": amount > 0, \"n\": amount}")
        w("")
        nfn = 1
    for j in range(workflows):
        name = ("_flow%d" % j) if j % 2 else ("submit_%s" % word(10000 + j))
        w("    async def %s(self, key: str, count: int = 3, keys: list[str] = []) -> dict:" % name)
        w("        total = 0")
        w("        status = \"new\"")
        for s in range(statements):
            f = (j * 7 + s) % nfn
            g = (f + 1) % nfn
            shape = (j + s) % 8
            v = "v%d" % s
            if shape == 0:
                w("        %s = self._fn%d(key, count)" % (v, f))
                w("        total += 1")
            elif shape == 1:
                w("        %s = self._fn%d(key)" % (v, f))
                w("        tries = 0")
                w("        while not %s[\"ok\"]:" % v)
                w("            if tries >= 3:")
                w("                raise Declined(f\"gave up on {key}\")")
                w("            await sleep(%d)" % (1 + s % 5))
                w("            %s = self._fn%d(key, tries)" % (v, g))
                w("            tries += 1")
            elif shape == 2:
                w("        if count > %d:" % (s % 4))
                w("            status = \"big\"")
                w("            total = total + %d" % (s + 1))
                w("        elif count == %d:" % (s % 4))
                w("            status = \"same\"")
                w("        else:")
                w("            status = \"small\"")
                w("            total = total - 1")
            elif shape == 3:
                w("        %s_a, %s_b = await gather(self._fn%d(key), self._fn%d(key, count))"
                  % (v, v, f, g))
                w("        status = %s_a[\"key\"]" % v)
            elif shape == 4:
                w("        try:")
                w("            %s = self._fn%d(key, count)" % (v, f))
                w("        except Declined:")
                w("            status = \"declined\"")
                w("        except Exception as e:")
                w("            status = \"failed\"")
            elif shape == 5:
                w("        for k in keys:")
                w("            %s = self._fn%d(k, total)" % (v, f))
                w("            if k == key:")
                w("                break")
                w("            total += 1")
            elif shape == 6:
                w("        %s = [self._fn%d(k) for k in keys]" % (v, f))
                w("        total = total + len(%s)" % v)
            else:
                w("        msg = f\"{key}-{status}-{total}\"")
                w("        if \"x\" in keys:")
                w("            await sleep(%d)" % (s + 1))
        w("        return {\"key\": key, \"status\": status, \"total\": total}")
        w("")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="methods in the service class")
    ap.add_argument("--workflows", type=int, default=None, help="async methods (default N/10)")
    ap.add_argument("--statements", type=int, default=12, help="statement blocks per workflow")
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    wf = a.workflows if a.workflows is not None else max(1, a.n // 10)
    text = gen(a.n, wf, a.statements)
    if a.output == "-":
        sys.stdout.write(text)
    else:
        with open(a.output, "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
