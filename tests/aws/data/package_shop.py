"""A shop: fixture of the packaging tests (slicing, handlers, digests)."""
from queue import Queue
from typing import MutableMapping, Optional

PREFIX = "item-"


class OutOfStock(Exception):
    pass


class Unused:
    pass


def label(item_id: int) -> str:
    return PREFIX + str(item_id)


def unused_function():
    return Unused()


class ShopService:
    """The service class: its docstring does not ship."""
    LIMIT = 3

    def __init__(self, shop: str, ratio: float = 1.5, currency: str = "EUR"):
        self.stock: MutableMapping[int, dict] = {}
        self.images: MutableMapping[str, bytes] = {}
        self.jobs: Queue = Queue()
        self.shop = shop
        self.ratio = ratio
        self.currency = currency

    def __repr__(self):
        return f"ShopService({self.shop!r})"

    def __price(self, count: int) -> float:
        return self.__round(count * self.ratio)

    def __round(self, x: float) -> float:
        return round(x, 2)

    def __unused_helper(self) -> None:
        pass

    def search_items(self, tags: list[str], max_price: float = 10.0, in_stock: bool = False,
                     limit: Optional[int] = None) -> dict:
        # The answer echoes the converted query parameters.
        return {"tags": tags, "max_price": max_price, "in_stock": in_stock, "limit": limit,
                "shop": self.shop, "currency": self.currency}

    def put_image(self, image_id: str, data: str) -> None:
        self.images[image_id] = data.encode()

    def get_image(self, image_id: str) -> str:
        return self.images[image_id].decode()

    def add_stock(self, item_id: int, count: int) -> dict:
        if count <= 0:
            raise OutOfStock(f"count must be positive, not {count}")
        entry = {"label": label(item_id), "count": count, "price": self.__price(count)}
        self.stock[item_id] = entry
        self.jobs.put({"item": item_id})
        entry["audit"] = self._audit(item_id)
        entry["execution"] = self._restock(item_id, count)
        return entry

    def _audit(self, item_id: int) -> str:
        return f"audited {item_id} ({len(self.stock)} items)"

    async def _restock(self, item_id: int, count: int) -> str:
        note = self._audit(item_id)
        return note
