"""JSONata back end: an exception Python raises from an expression and
nobody catches fails the execution with Python's class name and str(e)
(see README.md)."""


class Service:
    async def _run(self, op: str, d: dict, k, xs: list, i, a, b, s):
        if op == "key":
            return d[k]
        if op == "index":
            x = xs[i]
            return x
        if op == "mod":
            return a % b
        if op == "int":
            n = int(s)
            return n + 1
        if op == "concat":
            return s + a
        if op == "unpack":
            p, q, r = xs
            return r
        if op == "and":
            return a and d[k]
        if op == "any":
            return any(d[x] > 0 for x in xs)
        return None
