"""Shelves counted and labelled on request, by callers the mode authorizes (test data:
tests/aws/nag_cli.sh, tests/aws/starter_handler_test.py)."""


class ShelfMissing(Exception):
    pass


class ShelfService:
    def __init__(self, printer_token: str, printer: str = "zebra") -> None:
        self.shelves: dict[str, dict] = {}
        self.printer = printer
        self.printer_token = printer_token

    def create_shelf(self, name: str, caller: dict = None) -> dict:
        shelf = {"name": name, "owner": caller["sub"] if caller else None}
        self.shelves[name] = shelf
        return shelf

    def get_shelf(self, shelf_id: str) -> dict:
        return self.shelves[shelf_id]

    def list_shelves(self, limit: int = 10) -> list:
        return list(self.shelves.values())[:limit]

    async def recount_shelf(self, shelf_id: str, depth: int = 1, caller: dict = None) -> dict:
        found = self._count(shelf_id, depth)
        return {"shelf": shelf_id, "found": found, "by": caller}

    def _count(self, shelf_id: str, depth: int) -> int:
        if shelf_id not in self.shelves:
            raise ShelfMissing(shelf_id)
        return depth

    async def list_shelf_labels(self, shelf_id: str, fmt: str = "text", caller: dict = None) -> str:
        return fmt
