"""JSONata back end: slices with any step, of lists and strs (see README.md)."""


class Service:
    async def _run(self, xs: list, s: str, k):
        return [xs[::2], xs[1:8:3], xs[::-2], xs[-2::-1], xs[5:1:-2], xs[:-10:-1], xs[10:0:-3],
                s[::2], s[::-3], s[1:-1:2], xs[::k], s[::k], xs[1:3:1]]
