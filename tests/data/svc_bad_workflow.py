"""Test service whose workflow cannot compile (a call of print inside it, in
either dialect): simulate and graph must print the diagnostic and exit 1."""


class BadService:
    def _score(self, x: int) -> int:
        return x

    async def _rank(self, xs: list) -> list:
        ranked = print(xs)
        return ranked
