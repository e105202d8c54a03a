"""JSONata back end: arithmetic with Python's meaning (see README.md)."""


class Service:
    async def _run(self, a: int, b: int, x: float):
        return {"mul": a * b, "div": a / b, "floordiv": a // b, "mod": a % b, "pow": a ** 2,
                "neg_mod": -a % b, "round": round(x), "round1": round(x, 1), "abs": abs(a - b * 3)}
