"""Test workflow: len_range (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, xs: list, n: int):
        size = len(xs)
        idx = []
        total = 0
        for i in range(1, n):
            total += i
        for k in range(3):
            total += k
        return {"size": size, "total": total}
