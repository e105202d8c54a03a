"""Test workflow: bool_values (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, given, fallback: str):
        name = given or fallback
        both = given and fallback
        neither = not given
        return [name, both, neither]
