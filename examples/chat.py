"""A chat room over WebSocket: connect, send, disconnect, and read the history
over HTTP. Replies go back through the connection's callback URL."""
import time
from typing import MutableMapping

from stc_runtime import post_to_connection


class ChatService:
    def __init__(self, room: str = "lobby", history_size: int = 100):
        self.connections: MutableMapping[str, dict] = {}
        self.messages: MutableMapping[str, dict] = {}
        self.room = room
        self.history_size = history_size

    def on_connect(self, url: str, connection_id: str) -> None:
        self.connections[connection_id] = {"url": url, "joined": time.time()}

    def on_disconnect(self, url: str, connection_id: str) -> None:
        del self.connections[connection_id]

    def on_message(self, url: str, connection_id: str, text: str) -> None:
        message = {"from": connection_id, "text": text, "at": time.time()}
        self.messages[str(len(self.messages))] = message
        for other in self.connections:
            post_to_connection(url, other, message)

    def on_default(self, url: str, connection_id: str) -> None:
        post_to_connection(url, connection_id, {"error": "unknown action; send {\"action\": \"message\"}"})

    def list_messages(self, limit: int = 50) -> list:
        return list(self.messages.values())[-limit:]
