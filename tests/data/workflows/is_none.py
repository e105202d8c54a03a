"""Test workflow: is_none (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, v):
        if v is None:
            return "none"
        if v is True:
            return "true"
        return "value"
