"""Test workflow: while_calls (see tests/data/workflows/README.md)."""


class Service:
    def _poll(self, job):
        return False

    async def _run(self, job: str):
        tries = 0
        done = self._poll(job)
        while not done:
            tries += 1
            done = self._poll(job)
        return tries
