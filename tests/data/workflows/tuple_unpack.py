"""Test workflow: tuple_unpack (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, a: int, b: int):
        a, b = b, a
        x, y = [a, 1]
        return [a, b, x, y]
