"""JSONata back end: what Python raises when a list or dict method or
statement changes a value (pop, del, xs[i] = v, remove), caught by except
(see README.md)."""


class Service:
    async def _run(self, op: str, d: dict, k, xs: list, i, a):
        try:
            if op == "pop":
                d.pop(k)
            elif op == "pop_empty":
                xs.pop()
            elif op == "pop_index":
                xs.pop(i)
            elif op == "del":
                del d[k]
            elif op == "del_index":
                del xs[i]
            elif op == "set_index":
                xs[i] = 0
            elif op == "remove":
                xs.remove(a)
        except KeyError as e:
            return ["KeyError", str(e)]
        except IndexError as e:
            return ["IndexError", str(e)]
        except ValueError as e:
            return ["ValueError", str(e)]
        return ["ok", d, xs]
