"""Test workflow: defaults (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, name: str, times: int = 2, tag: str = "t"):
        return [name, times, tag]
