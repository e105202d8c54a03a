"""Test workflow: gather_parallel (see tests/data/workflows/README.md)."""

from asyncio import gather


class Service:
    def _f(self, x):
        return x

    def _g(self, y):
        return y

    async def _run(self, x: int, y: str):
        a, b = await gather(self._f(x), self._g(y=y))
        both = await gather(self._f(1), self._g(2))
        return {"a": a, "b": b, "both": both}
