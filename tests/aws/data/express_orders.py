"""Two Express routes under one collection, so that the REST API's path
resources are shared (test data: tests/aws/express_cli.sh)."""


class OrderRejected(Exception):
    pass


class ExpressOrders:
    def _store(self, items: list) -> str:
        if not items:
            raise OrderRejected("an order needs items")
        return "o-1"

    def _approve(self, order_id: str, note: str) -> bool:
        return True

    async def create_order(self, items: list) -> dict:
        order_id = self._store(items)
        return {"order_id": order_id, "items": items}

    async def approve_order(self, order_id: str, note: str = "") -> bool:
        ok = self._approve(order_id, note)
        return ok
