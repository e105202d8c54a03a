"""Test workflow: augassign (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, start: int):
        total = start
        total += 5
        total -= 2
        total = total + 10
        return total
