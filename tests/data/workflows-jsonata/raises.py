"""JSONata back end: the exceptions Python raises from expressions, raised
under Python's class names and caught by except (see README.md)."""


class Service:
    async def _run(self, op: str, d: dict, k, xs: list, i, a, b, s):
        try:
            if op == "key":
                v = d[k]
            elif op == "index":
                v = xs[i]
            elif op == "str_index":
                v = s[i]
            elif op == "div":
                v = a / b
            elif op == "floordiv":
                v = a // b
            elif op == "mod":
                v = a % b
            elif op == "float_div":
                v = 1.5 / b
            elif op == "int":
                v = int(s)
            elif op == "float":
                v = float(s)
            elif op == "unpack":
                p, q = list(xs)
                v = [q, p]
            elif op == "concat":
                v = s + a
            elif op == "add":
                v = a + s
            elif op == "len":
                v = len(a)
            elif op == "less":
                v = a < s
            elif op == "min":
                v = min(xs)
            elif op == "each":
                v = [d[x] for x in xs]
            else:
                v = None
        except KeyError as e:
            return ["KeyError", str(e)]
        except IndexError as e:
            return ["IndexError", str(e)]
        except ZeroDivisionError as e:
            return ["ZeroDivisionError", str(e)]
        except ValueError as e:
            return ["ValueError", f"{e}"]
        except TypeError as e:
            return ["TypeError", str(e)]
        return ["ok", v]
