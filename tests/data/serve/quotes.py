"""An Express workflow behind a route, for the serve tests: the route answers
with the execution's output, or with the error document of its failure."""
from asyncio import sleep
from typing import MutableMapping


class QuoteRefused(Exception):
    pass


class QuoteService:
    def __init__(self):
        self.prices: MutableMapping[str, dict] = {}

    def create_price(self, item: str, unit: int) -> dict:
        self.prices[item] = {"unit": unit}
        return {"item": item, "unit": unit}

    def _price(self, item: str, qty: int) -> int:
        if qty <= 0:
            raise QuoteRefused("quantity must be positive")
        if item == "boom":
            raise ValueError("boom")
        return self.prices[item]["unit"] * qty

    async def create_quote(self, item: str, qty: int, wait: int = 0) -> dict:
        await sleep(wait)
        total = self._price(item, qty)
        return {"item": item, "total": total}
