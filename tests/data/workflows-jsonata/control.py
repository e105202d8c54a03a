"""JSONata back end: and/or return an operand, Python truthiness, chained comparisons,
dict.get, a call only on the branch Python takes (see README.md)."""


class Service:
    def _fetch(self, key):
        return {"status": "ok", "items": [0]}

    async def _run(self, a, b, limit: int):
        r = self._fetch(a)
        first = r["items"][0]
        pick = a or b
        both = a and b
        truthy = "yes" if r["items"][1:] else "no"
        zero_list = bool([0])
        within = 0 < limit <= 10
        label = "big" if limit > 5 else self._fetch("x")["status"]
        return {"first": first, "pick": pick, "both": both, "truthy": truthy,
                "zero_list": zero_list, "within": within, "label": label,
                "default": r.get("missing", "none"), "status": r.get("status")}
