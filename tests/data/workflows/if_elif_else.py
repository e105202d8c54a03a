"""Test workflow: if_elif_else (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, score: int):
        if score >= 90:
            grade = "A"
        elif score >= 75:
            grade = "B"
        elif score > 50:
            grade = "C"
        else:
            grade = "F"
        return grade
