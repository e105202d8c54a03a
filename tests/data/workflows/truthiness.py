"""Test workflow: truthiness (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, x):
        if x:
            return "yes"
        return "no"
