"""Test workflow: sleep_literal (see tests/data/workflows/README.md)."""

import asyncio
from asyncio import sleep


class Service:
    async def _run(self, name: str):
        await sleep(5)
        await asyncio.sleep(0)
        return f"woke {name}"
