"""Test workflow: in_operator (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, item: str, items: list, d: dict):
        r = []
        if item in items:
            r = "listed"
        elif "key" in d:
            r = "keyed"
        elif item not in ["x", "y"]:
            r = "other"
        else:
            r = "xy"
        return r
