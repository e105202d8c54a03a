"""Test workflow: for_else (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, xs: list):
        for x in xs:
            if x < 0:
                result = "negative"
                break
        else:
            result = "all fine"
        return result
