"""A photo library driven by events: an upload lands in the object store,
its object-created trigger indexes it and queues a thumbnail job, a queue
trigger makes the thumbnails, a nightly scheduled workflow trims the
library, and an SNS topic can pin photos. The triggers are declared in
photos.stc.yaml beside this module (docs/triggers.md)."""
from asyncio import Queue
from typing import MutableMapping, Optional


class PhotoService:
    def __init__(self, thumbnail_bytes: int = 1024):
        self.photos: MutableMapping[str, bytes] = {}
        self.thumbnails: MutableMapping[str, bytes] = {}
        self.index: MutableMapping[str, dict] = {}
        self.jobs: Queue[dict] = Queue()
        self.thumbnail_bytes = thumbnail_bytes

    def upload_photo(self, name: str, data: str) -> dict:
        self.photos[name] = data.encode("utf-8")
        return {"name": name, "size": len(data)}

    def list_photos(self) -> list:
        return sorted(self.index.values(), key=lambda p: p["key"])

    def _on_photo_created(self, key: str, size: int) -> None:
        self.index[key] = {"key": key, "size": size, "pinned": False}
        self.jobs.put_nowait({"key": key})

    def _on_photo_removed(self, key: str) -> None:
        if key in self.index:
            del self.index[key]
        if key in self.thumbnails:
            del self.thumbnails[key]

    def _make_thumbnail(self, message: dict) -> str:
        key = message["key"]
        self.thumbnails[key] = self.photos[key][: self.thumbnail_bytes]
        return key

    def _on_announcement(self, message: dict, subject: Optional[str] = None) -> None:
        entry = self.index[message["pin"]]
        entry["pinned"] = True
        self.index[message["pin"]] = entry

    def _count_extra(self, keep: int) -> int:
        return max(0, len(self.index) - keep)

    def _delete_oldest(self) -> str:
        key = min(k for k, v in self.index.items() if not v["pinned"])
        del self.photos[key]
        return key

    async def _nightly_cleanup(self, keep: int = 100) -> int:
        extra = self._count_extra(keep)
        removed = 0
        while removed < extra:
            self._delete_oldest()
            removed += 1
        return removed
