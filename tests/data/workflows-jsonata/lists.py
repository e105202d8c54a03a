"""JSONata back end: comprehensions, list and dict methods as rebinding, built-ins (see README.md)."""


class Service:
    async def _run(self, xs: list, d: dict):
        evens = [x * 2 for x in xs if x % 2 == 0]
        out = []
        for i, x in enumerate(xs):
            if x > 2:
                out.append([i, x])
        counts = {}
        for w in ["a", "b", "a"]:
            counts[w] = counts.get(w, 0) + 1
        del d["drop"]
        d["new"] = len(xs)
        pairs = [[k, v] for k, v in d.items()]
        return {"evens": evens, "out": out, "counts": counts, "d": d, "pairs": pairs,
                "sorted": sorted(xs, reverse=True), "bykey": sorted(xs, key=lambda v: -v),
                "total": sum(xs), "lo": min(xs), "hi": max(xs), "any": any(x > 3 for x in xs),
                "all": all(x > 0 for x in xs), "nested": [xs, [1]], "rng": list(range(1, 10, 3)),
                "zipped": [list(p) for p in zip(xs, xs)], "rev": list(reversed(xs)),
                "in": 3 in xs, "notin": "q" in d, "plus": xs + [9], "neg": xs[-1]}
