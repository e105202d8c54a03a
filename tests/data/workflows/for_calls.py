"""Test workflow: for_calls (see tests/data/workflows/README.md)."""


class Service:
    def _square(self, n):
        return n * n

    async def _run(self, ns: list):
        out = []
        last = None
        for n in ns:
            last = self._square(n)
        return last
