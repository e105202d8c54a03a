"""Test workflow: sleep_variable (see tests/data/workflows/README.md)."""

from asyncio import sleep


class Service:
    async def _run(self, delay: int):
        await sleep(delay)
        return delay
