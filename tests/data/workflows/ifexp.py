"""Test workflow: ifexp (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, n: int):
        label = "big" if n > 10 else "small"
        return label
