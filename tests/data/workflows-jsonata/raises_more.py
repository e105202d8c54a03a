"""JSONata back end: list.index and str.index, x = xs.pop() and x = d.pop(k[, default]),
and unpacking in a for loop: what Python raises, caught by except (see README.md)."""


class Service:
    async def _run(self, op: str, d: dict, k, xs: list, a):
        try:
            if op == "index":
                return ["ok", xs.index(a)]
            if op == "str_index":
                return ["ok", k.index(a)]
            if op == "pop_value":
                x = xs.pop()
                return ["ok", x, xs]
            if op == "pop_key":
                x = d.pop(k)
                return ["ok", x, d]
            if op == "pop_default":
                x = d.pop(k, a)
                return ["ok", x, d]
            if op == "pairs":
                out = []
                for p, q in xs:
                    out.append(q)
                return ["ok", out]
        except KeyError as e:
            return ["KeyError", str(e)]
        except IndexError as e:
            return ["IndexError", str(e)]
        except ValueError as e:
            return ["ValueError", str(e)]
        return None
