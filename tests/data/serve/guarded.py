"""A WebSocket service whose connections are authorized at $connect, for the
serve tests: every route takes `caller`, the identity $connect's
authorization found, and tells the client what it got."""
from typing import MutableMapping

from stc_runtime import post_to_connection


class GuardedService:
    def __init__(self):
        self.callers: MutableMapping[str, dict] = {}

    def on_connect(self, url: str, connection_id: str, caller: dict = None) -> None:
        self.callers[connection_id] = {"connect": caller}

    def on_whoami(self, url: str, connection_id: str, caller: dict = None) -> None:
        post_to_connection(url, connection_id, {"caller": caller, "at_connect": self.callers[connection_id]["connect"]})

    def on_disconnect(self, url: str, connection_id: str, caller: dict = None) -> None:
        seen = self.callers[connection_id]
        seen["disconnect"] = caller
        self.callers[connection_id] = seen

    def list_callers(self) -> dict:
        return dict(self.callers)
