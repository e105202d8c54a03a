"""Test workflow: forever_watch (see tests/data/workflows/README.md).

Runs forever: no cases file (Python would never return). test_forever.c runs
it in the simulator under a transition bound and counts the restarts."""
from asyncio import sleep


class Service:
    def _check(self, url):
        return True

    async def _run(self, url: str, seen: int = 0):
        while True:
            await sleep(60)
            up = self._check(url)
            seen += 1
