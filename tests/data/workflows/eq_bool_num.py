"""Test workflow: eq_bool_num (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, v):
        return [v == 1, v == 0, v == True, v == "1", v == [1]]
