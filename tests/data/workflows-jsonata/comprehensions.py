"""JSONata back end: comprehensions with more than one for, with conditions between
(see README.md)."""


class Service:
    async def _run(self, xs: list, d: dict):
        return [[(x, y) for x in xs if x for y in range(x) if y % 2 == 0],
                {f"{k}{v}": v for k in d for v in d[k]},
                [y for x in xs for y in [x, -x]],
                sorted({x * y for x in xs for y in xs}),
                [[a, b] for a, b in [[1, 2], [3, 4]] for _ in range(2)]]
