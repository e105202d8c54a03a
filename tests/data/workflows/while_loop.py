"""Test workflow: while_loop (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, limit: int):
        i = 0
        total = 0
        while i < limit:
            i += 1
            if i == 3:
                continue
            if i > 6:
                break
            total += i
        return {"i": i, "total": total}
