"""Test workflow: try_except (see tests/data/workflows/README.md)."""

class PaymentDeclined(Exception):
    pass


class Service:
    def _charge(self, amount):
        return "receipt"

    async def _run(self, amount: int):
        try:
            receipt = self._charge(amount)
        except PaymentDeclined:
            return "declined"
        except (KeyError, ValueError):
            return "bad input"
        return receipt
