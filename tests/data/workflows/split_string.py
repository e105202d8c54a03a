"""Test workflow: split_string (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, csv: str):
        parts = csv.split(",")
        words = csv.split(" ")
        return [parts, words, len(parts)]
