"""Test workflow: raise_uncaught (see tests/data/workflows/README.md)."""

class TooMany(Exception):
    pass


class Service:
    async def _run(self, who: str, n: int):
        if n > 2:
            raise TooMany(f"{who} asked for {n}")
        if n < 0:
            raise ValueError
        return n
