"""Test workflow: except_hierarchy (see tests/data/workflows/README.md)."""

class AppError(Exception):
    pass


class PaymentDeclined(AppError):
    pass


class Service:
    def _pay(self):
        return 1

    async def _run(self):
        try:
            self._pay()
        except AppError:
            return "app error"
        except LookupError:
            return "lookup"
        return "paid"
