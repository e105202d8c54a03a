"""A queue whose consumer fails for some messages, for the serve tests: the
failed ones come back (receive_count 2), a poison one keeps coming back."""
from asyncio import Queue
from typing import MutableMapping


class Retry(Exception):
    pass


class WorkService:
    def __init__(self):
        self.jobs: Queue[dict] = Queue()
        self.results: MutableMapping[str, dict] = {}

    def create_task(self, name: str) -> dict:
        self.jobs.put_nowait({"name": name})
        return {"queued": name}

    def get_result(self, result_id: str) -> dict:
        return self.results[result_id]

    def _run(self, message: dict, receive_count: int) -> None:
        name = message["name"]
        if name.startswith("flaky") and receive_count < 2:
            raise Retry("try again")
        if name.startswith("poison"):
            raise Retry("never")
        self.results[name] = {"name": name, "receive_count": receive_count}
