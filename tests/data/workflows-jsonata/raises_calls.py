"""JSONata back end: exceptions from expressions around calls: on a call's
result, in a call's arguments (the call is not made), beside a Map, in the
returned value (see README.md)."""


class Service:
    def _get(self, k):
        return {"a": 1}

    def _put(self, v):
        return v

    async def _run(self, d: dict, k: str, xs: list):
        try:
            r = self._get(k)
            v = r[k]
            w = self._put(d[k])
            out = [self._put(x) for x in xs]
            return [v, w, out, xs[0]]
        except KeyError as e:
            return ["KeyError", str(e)]
        except IndexError as e:
            return ["IndexError", str(e)]
