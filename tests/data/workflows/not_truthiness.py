"""Test workflow: not_truthiness (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, x):
        if not x:
            return "empty"
        else:
            return "full"
