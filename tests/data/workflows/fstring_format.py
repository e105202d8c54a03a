"""Test workflow: fstring_format (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, name: str, n: int):
        a = f"{name}-{n}"
        b = f"{{literal}} {name}'s"
        c = "x" + name
        d = str(n)
        return [a, b, c, d]
