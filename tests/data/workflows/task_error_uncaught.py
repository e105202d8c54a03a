"""Test workflow: task_error_uncaught (see tests/data/workflows/README.md)."""


class Service:
    def _charge(self, amount):
        return "ok"

    async def _run(self, amount: int):
        r = self._charge(amount)
        return r
