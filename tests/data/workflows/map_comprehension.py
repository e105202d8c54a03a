"""Test workflow: map_comprehension (see tests/data/workflows/README.md)."""


class Service:
    def _double(self, x):
        return 2 * x

    async def _run(self, xs: list):
        doubled = [self._double(x) for x in xs]
        return doubled
