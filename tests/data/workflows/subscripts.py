"""Test workflow: subscripts (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, d: dict, xs: list, i: int):
        first = xs[0]
        last = xs[-1]
        at = xs[i]
        inner = d["a"]["b"]
        return [first, last, at, inner]
