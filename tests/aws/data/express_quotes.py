"""Price quotes answered while the client waits (an Express workflow), and an
audit trail that is Express in prod only (test data: tests/aws/express_test.c)."""
from asyncio import sleep


class QuoteRefused(Exception):
    pass


class QuoteService:
    def _price(self, item: str, qty: int) -> int:
        if qty <= 0:
            raise QuoteRefused("quantity must be positive")
        return 3 * qty

    def _discount(self, total: int) -> int:
        return total // 10

    async def create_quote(self, item: str, qty: int) -> dict:
        total = self._price(item, qty)
        off = self._discount(total)
        return {"item": item, "total": total, "discount": off}

    async def _audit(self, item: str) -> str:
        await sleep(10)
        return item

    async def _report(self, item: str) -> str:
        seen = await self._audit(item)
        return seen
