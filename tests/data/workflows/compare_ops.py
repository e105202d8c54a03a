"""Test workflow: compare_ops (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, x: int, s: str):
        digit = 0 <= x < 10
        not_three = x != 3
        late = s == "a" or s > "m"
        big = x >= 100
        return {"digit": digit, "not_three": not_three, "late": late, "big": big}
