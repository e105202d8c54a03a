"""What an Express workflow cannot do (test data: tests/aws/express_test.c).
Every workflow here is Express (express_limits.stc.yaml)."""
from asyncio import sleep


class Limits:
    def _check(self) -> bool:
        return True

    async def _long(self):
        await sleep(600)
        return 1

    async def _adds_up(self, n: int):
        await sleep(200)
        if n > 1:
            await sleep(50)
        await sleep(100)
        return n

    async def _one_branch(self, n: int):
        if n > 1:
            await sleep(400)
        return n

    async def _short(self, n: int):
        await sleep(100)
        if n > 1:
            await sleep(199)
        return n

    async def _nested(self):
        x = await self._short(1)
        return x

    async def _forever(self):
        while True:
            await sleep(60)
            self._check()
