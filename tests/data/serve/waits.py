"""Workflows on the clock, for the serve tests: an async route that waits,
a function that starts a workflow through its proxy, a workflow that fails."""
from asyncio import sleep
from typing import MutableMapping


class Refused(Exception):
    pass


class WaitService:
    def __init__(self):
        self.marks: MutableMapping[str, dict] = {}

    async def create_nap(self, seconds: int, tag: str) -> dict:
        await sleep(seconds)
        self._mark(tag)
        return {"tag": tag, "slept": seconds}

    def create_job(self, tag: str) -> str:
        return self._work(tag)

    def get_mark(self, mark_id: str) -> dict:
        return self.marks[mark_id]

    def _mark(self, tag: str) -> None:
        self.marks[tag] = {"tag": tag}

    async def _work(self, tag: str) -> str:
        self._mark(tag)
        if tag == "bad":
            raise Refused("bad tag")
        return tag
