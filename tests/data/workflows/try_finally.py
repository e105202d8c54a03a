"""Test workflow: try_finally (see tests/data/workflows/README.md)."""


class Service:
    def _work(self):
        return "w"

    def _cleanup(self):
        return None

    async def _run(self):
        try:
            r = self._work()
        finally:
            self._cleanup()
        return r
