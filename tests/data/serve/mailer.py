"""Bindings the way the design's authors write services, for the serve tests:
a store on a table, another on a bucket under a prefix, a channel on an
existing topic (mailer.stc.yaml), and a function subscribed to that topic."""
from typing import Optional

from caios.abc.mutable_mapping import MutableMapping
from caios.protocol.channel import Channel
from jdict import jdict


class Mailer:
    def __init__(self, outbox: str, seen: str, notices: jdict) -> None:
        self._outbox = MutableMapping.get_mapping(outbox)
        self._seen = MutableMapping.get_mapping(seen)
        self._notices = Channel.get_channel(notices)

    def create_notice(self, notice_id: str, text: str) -> str:
        """Keep the notice, publish it; the message id."""
        self._outbox[notice_id] = jdict(text=text)
        return self._notices.send(jdict(id=notice_id, text=text), subject="notice " + notice_id)

    def get_receipt(self, notice_id: str) -> dict:
        """What the subscriber saw of a notice."""
        return self._seen[notice_id]

    def _on_notice(self, message: dict, subject: Optional[str], topic: str, message_id: str) -> None:
        self._seen[message["id"]] = jdict(text=message["text"], subject=subject, topic=topic, message_id=message_id)
