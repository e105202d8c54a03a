"""Fixture for tests/aws/triggers_*: scheduled functions (no input, input
plus the time) and a workflow started by object events."""
from typing import MutableMapping, Optional


class ClockService:
    def __init__(self):
        self.files: MutableMapping[str, bytes] = {}
        self.ticks: MutableMapping[str, dict] = {}

    def _tick(self, time: str) -> str:
        self.ticks[time] = {"at": time}
        return time

    def _report(self, days: int, time: Optional[str] = None) -> dict:
        return {"days": days, "time": time, "ticks": len(self.ticks)}

    def _sweep(self) -> int:
        return len(self.ticks)

    def _size_of(self, key: str) -> int:
        return len(self.files[key])

    async def _archive(self, key: str, size: int, bucket: str) -> int:
        stored = self._size_of(key)
        return stored
