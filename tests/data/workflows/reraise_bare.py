"""Test workflow: reraise_bare (see tests/data/workflows/README.md)."""


class Service:
    def _step(self, n):
        return n

    async def _run(self, n: int):
        try:
            r = self._step(n)
        except ValueError:
            if n > 0:
                raise
            r = "swallowed"
        return r
