"""Test workflow: dict_merge (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, a: dict, b: dict, v: int):
        m = {**a, **b}
        n = {**a, "k": v}
        return [m, n]
