"""A poll that sleeps 100 s per round until n reaches 3: n = 0 runs three
rounds (its third sleep ends at 300 s, the Express limit), n = 2 one round
(100 s). Express in prod only (test data: tests/aws/express_cli.sh)."""
from asyncio import sleep


class SlowService:
    def _ready(self, n: int) -> bool:
        return n >= 3

    async def _poll(self, n: int) -> int:
        rounds = 0
        while not self._ready(n):
            await sleep(100)
            n += 1
            rounds += 1
        return rounds
