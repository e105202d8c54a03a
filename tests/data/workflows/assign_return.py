"""Test workflow: assign_return (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, a: int, s: str):
        x = a
        y: str = s
        z = [1, x]
        return {"a": x, "b": y, "n": z, "c": None}
