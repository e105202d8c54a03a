"""JSONata back end: sets where their order does not show: sorted, len, in, max,
sum, bool of set(...), set displays and set comprehensions (see README.md)."""


class Service:
    async def _run(self, xs: list, words: list, x):
        return [sorted(set(xs)), len(set(xs)), x in set(xs), x not in {1, 2}, len({w.lower() for w in words}),
                sorted({w[0] for w in words if w}, reverse=True), max(set(xs)), sum(set(xs)), bool(set(xs))]
