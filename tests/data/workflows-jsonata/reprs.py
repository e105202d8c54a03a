"""JSONata back end: str() and f-strings of lists and dicts are their repr(), repr() and
{x!r}, {x!s} (see README.md)."""


class Service:
    async def _run(self, xs: list, d: dict, s: str, x):
        return [str(xs), f"{d}", repr(s), f"{s!r}-{x!r}-{x!s}", str(x), repr(d)]
