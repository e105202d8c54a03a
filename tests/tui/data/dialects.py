"""Two workflows for reviewing a translation in both query languages: the
configuration (dialects.stc.yaml) compiles _greet to JSONPath, _tally takes
the default (JSONata); J in the workbench compiles both to the other one."""


class DialectService:
    async def _tally(self, scores: list[int]) -> int:
        total = 0
        for s in scores:
            if s > 10:
                total = total + s
        return total

    async def _greet(self, name: str) -> str:
        if name == "":
            return "nobody"
        return "hello " + name
