"""JSONata back end: round(x, n) and .Nf / .N% round the exact binary value, half to
even, as Python does (see README.md)."""


class Service:
    async def _run(self, xs: list):
        return [[round(x, 2), f"{x:.2f}", round(x), round(x, 1), f"{x:.1%}", f"{x:,.3f}", f"{x:08.2f}"] for x in xs]
