"""Functions that take too long, for the serve tests (timeouts in slow.stc.yaml)."""
import time


class SlowService:
    def __init__(self, pause: float = 1.5):
        self.pause = pause

    def get_item(self, item_id: str) -> dict:
        if item_id == "loop":
            while True:
                pass
        if item_id == "pause":
            time.sleep(self.pause)
        return {"id": item_id}
