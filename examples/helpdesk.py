"""A help desk over WebSocket. A question starts a workflow (the async
on_ask): it looks the question up in the FAQ, and while there is no answer
yet it tells the asker it is looking, waits and looks again, a few times.
Whatever it finds goes back to the asker through the connection: the
workflow calls the internal function _reply, which calls post_to_connection.
Answers are written over HTTP: PUT /answers/{question}."""
from asyncio import sleep
from typing import MutableMapping, Optional

from stc_runtime import post_to_connection


class HelpDesk:
    def __init__(self):
        self.faq: MutableMapping[str, str] = {}

    def put_answer(self, question: str, answer: str) -> dict:
        """Answer a question (or change its answer)."""
        self.faq[question.strip().lower()] = answer
        return {"question": question, "answer": answer}

    def _lookup(self, question: str) -> Optional[str]:
        """The FAQ's answer to the question, or None."""
        return self.faq.get(question.strip().lower())

    def _reply(self, url: str, connection_id: str, message: dict) -> bool:
        """Send a message to one WebSocket client; False when it has gone."""
        return post_to_connection(url, connection_id, message)

    async def on_ask(self, url: str, connection_id: str, question: str, patience: int = 3) -> str:
        """The WebSocket route "ask" starts this workflow with the message's fields."""
        answer = self._lookup(question)
        tries = 0
        while answer is None:
            if tries >= patience:
                self._reply(url, connection_id, {"question": question, "answer": None})
                return "unanswered"
            if tries == 0:
                self._reply(url, connection_id, {"question": question, "status": "looking"})
            await sleep(30)
            answer = self._lookup(question)
            tries += 1
        self._reply(url, connection_id, {"question": question, "answer": answer})
        return "answered"
