"""WebSocket replies to clients that are there and to clients that have gone,
for the serve tests."""
from typing import MutableMapping

from stc_runtime import post_to_connection


class Denied(Exception):
    pass


class RelayService:
    def __init__(self):
        self.peers: MutableMapping[str, dict] = {}

    def on_connect(self, url: str, connection_id: str, name: str = "anon") -> None:
        if name == "mallory":
            raise Denied("mallory may not connect")
        self.peers[connection_id] = {"name": name, "url": url, "gone": False}

    def on_disconnect(self, url: str, connection_id: str) -> None:
        peer = self.peers[connection_id]
        peer["gone"] = True
        self.peers[connection_id] = peer

    def on_send(self, url: str, connection_id: str, to: str, text: str) -> None:
        delivered = post_to_connection(url, to, {"from": connection_id, "text": text})
        post_to_connection(url, connection_id, {"delivered": delivered})

    def list_peers(self) -> list:
        return [dict(peer, id=key) for key, peer in self.peers.items()]
