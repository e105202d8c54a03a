"""Object and schedule triggers, for the serve tests: prefix and suffix
filters, removals, a workflow target, schedules with and without input."""
from typing import MutableMapping


class EventService:
    def __init__(self):
        self.files: MutableMapping[str, bytes] = {}
        self.log: MutableMapping[str, dict] = {}

    def create_file(self, key: str, text: str) -> dict:
        self.files[key] = text.encode("utf-8")
        return {"key": key}

    def delete_file(self, file_id: str) -> None:
        del self.files[file_id]

    def list_logs(self) -> dict:
        return {key: value for key, value in self.log.items()}

    def _on_created(self, key: str, size: int, etag: str, bucket: str) -> None:
        self.log["created:" + key] = {"size": size, "etag": etag, "bucket": bucket}

    def _on_removed(self, key: str) -> None:
        self.log["removed:" + key] = {}

    def _tick(self, time: str, note: str = "none") -> None:
        self.log["tick:" + note] = {"time": time}

    def _record(self, key: str, size: int) -> None:
        self.log["audit:" + key] = {"size": size}

    async def _audit(self, key: str, size: int) -> int:
        self._record(key, size)
        return size
