"""Test workflow: nested_workflow (see tests/data/workflows/README.md)."""


class Service:
    def _prepare(self, x):
        return x

    async def _child(self, value):
        v = self._prepare(value)
        return v

    async def _run(self, x: int):
        r = await self._child(x)
        await self._child(value=r)
        return r
