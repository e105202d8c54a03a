"""Orders per person: nested resources, an action verb, and a fulfilment
workflow that checks stock and address in parallel, charges the card,
prints a label per item and ships."""
from asyncio import gather
from typing import MutableMapping
from uuid import uuid4


class PaymentDeclined(Exception):
    pass


class OrderService:
    def __init__(self, currency: str = "EUR"):
        self.orders: MutableMapping[str, dict] = {}
        self.currency = currency

    def create_person_order(self, person_id: str, items: list[str]) -> dict:
        order = {"id": str(uuid4()), "person_id": person_id, "items": items, "status": "new"}
        self.orders[order["id"]] = order
        return order

    def list_person_orders(self, person_id: str) -> list:
        return [o for o in self.orders.values() if o["person_id"] == person_id]

    def get_person_order(self, person_id: str, order_id: str) -> dict:
        return self.orders[order_id]

    def approve_order(self, order_id: str, note: str = "") -> dict:
        order = self.orders[order_id]
        order["status"] = "approved"
        order["note"] = note
        self.orders[order_id] = order
        return order

    async def submit_payment(self, order_id: str, amount: float) -> dict:
        result = await self._fulfil(order_id, amount)
        return result

    def _check_stock(self, order_id: str) -> bool:
        return bool(self.orders[order_id]["items"])

    def _shipping_address(self, order_id: str) -> str:
        return "1 Main Street"

    def _order_items(self, order_id: str) -> list:
        return self.orders[order_id]["items"]

    def _charge_card(self, order_id: str, amount: float) -> str:
        if amount <= 0:
            raise PaymentDeclined("amount must be positive")
        return f"receipt-{order_id}"

    def _print_label(self, order_id: str, item: str) -> str:
        return f"{order_id}/{item}"

    def _notify(self, order_id: str, message: str) -> None:
        print(order_id, message)

    async def _fulfil(self, order_id: str, amount: float) -> dict:
        in_stock, address = await gather(self._check_stock(order_id), self._shipping_address(order_id))
        if not in_stock:
            return {"order_id": order_id, "status": "out_of_stock"}
        try:
            receipt = self._charge_card(order_id, amount)
        except PaymentDeclined:
            self._notify(order_id, "payment declined")
            return {"order_id": order_id, "status": "declined"}
        items = self._order_items(order_id)
        labels = [self._print_label(order_id, item) for item in items]
        return {"order_id": order_id, "status": "shipped", "receipt": receipt,
                "address": address, "labels": labels}
