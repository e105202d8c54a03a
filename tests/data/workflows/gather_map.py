"""Test workflow: gather_map (see tests/data/workflows/README.md)."""

from asyncio import gather


class Service:
    def _label(self, prefix, item):
        return prefix + item

    async def _run(self, prefix: str, items: list):
        labels = await gather(*[self._label(prefix, item) for item in items])
        return labels
