"""Test workflow: task_discard (see tests/data/workflows/README.md)."""


class Service:
    def _log(self, message):
        print(message)

    async def _run(self, msg: str):
        self._log(msg)
        self._log(f"again: {msg}")
        return "logged"
