"""Test workflow: for_break_continue (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, names: list, wanted: str):
        found = None
        checked = 0
        for name in names:
            if name == "skip":
                continue
            checked += 1
            if name == wanted:
                found = name
                break
        return {"found": found, "checked": checked}
