"""Test workflow: assert_stmt (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, x: int):
        assert x > 0, "x must be positive"
        assert x != 7
        return x
