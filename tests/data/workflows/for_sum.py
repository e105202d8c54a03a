"""Test workflow: for_sum (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, xs: list):
        total = 0
        count = 0
        for x in xs:
            total += x
            count += 1
        return [total, count]
