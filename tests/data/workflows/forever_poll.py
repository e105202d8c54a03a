"""Test workflow: forever_poll (see tests/data/workflows/README.md).

`while True:` with a sleep on every round and no break or return: the machine
continues as new every few hundred rounds, carrying its variables; only an
exception ends it. The cases run past two restarts."""
from asyncio import sleep


class Stop(Exception):
    pass


class Service:
    def _poll(self, rounds):
        return 1

    async def _run(self, limit: int, total: int = 0):
        rounds = 0
        while True:
            got = self._poll(rounds)
            total = total + got
            rounds += 1
            if rounds == limit:
                raise Stop(f"{rounds} rounds, total {total}")
            await sleep(30)
