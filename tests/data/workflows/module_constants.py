"""Test workflow: module_constants (see tests/data/workflows/README.md)."""

LIMIT = 3
GREETING = "hello"


class Service:
    async def _run(self, n: int):
        if n > LIMIT:
            return GREETING
        return [LIMIT, n]
