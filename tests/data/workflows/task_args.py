"""Test workflow: task_args (see tests/data/workflows/README.md)."""


class Service:
    def _add(self, a, b, c=100):
        return a + b + c

    async def _run(self, x: int, y: int):
        r = self._add(x, b=y)
        s = self._add(y, x, c=1)
        return [r, s]
