"""Test workflow: try_else (see tests/data/workflows/README.md)."""


class Service:
    def _risky(self, n):
        return n

    async def _run(self, n: int):
        try:
            v = self._risky(n)
        except ValueError:
            status = "failed"
        else:
            status = "ok"
        return status
