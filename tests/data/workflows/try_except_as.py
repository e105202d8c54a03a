"""Test workflow: try_except_as (see tests/data/workflows/README.md)."""


class Service:
    def _step(self):
        return 1

    async def _run(self):
        try:
            self._step()
        except Exception as e:
            raise e
        return "fine"
