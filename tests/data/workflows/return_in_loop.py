"""Test workflow: return_in_loop (see tests/data/workflows/README.md)."""


class Service:
    def _lookup(self, key):
        return None

    async def _run(self, keys: list):
        for key in keys:
            v = self._lookup(key)
            if v is not None:
                return v
        return "none found"
