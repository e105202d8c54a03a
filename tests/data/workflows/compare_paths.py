"""Test workflow: compare_paths (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, a, b):
        if a == b:
            return "equal"
        if a < b:
            return "less"
        return "other"
