"""Test workflow: ifexp_calls (see tests/data/workflows/README.md)."""


class Service:
    def _a(self):
        return "a"

    def _b(self):
        return "b"

    async def _run(self, flag: bool):
        x = self._a() if flag else self._b()
        return x
