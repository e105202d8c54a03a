"""Test workflow: and_short_circuit (see tests/data/workflows/README.md)."""


class Service:
    def _check(self, x):
        return True

    async def _run(self, ready: bool, x: int):
        if ready and self._check(x):
            return "go"
        return "wait"
