"""Async WebSocket handlers for the serve tests: each route starts its
workflow with the connection and the message's fields by name ($connect:
the query string's, as text), and the workflow answers through _say."""
from stc_runtime import post_to_connection


class Lobby:
    def __init__(self):
        pass

    def _say(self, url: str, connection_id: str, message: dict) -> bool:
        return post_to_connection(url, connection_id, message)

    async def on_connect(self, url: str, connection_id: str, nick: str = "guest") -> str:
        self._say(url, connection_id, {"welcome": nick, "url": url, "id": connection_id})
        return nick

    async def on_shout(self, url: str, connection_id: str, text: str, times: int = 1) -> int:
        self._say(url, connection_id, {"shout": text, "times": times, "me": connection_id})
        return times

    async def on_default(self, url: str, connection_id: str) -> bool:
        return self._say(url, connection_id, {"unrouted": True})
