"""Test service whose workflow cannot compile (a lambda inside it): simulate
and graph must print the diagnostic and exit 1."""


class BadService:
    def _score(self, x: int) -> int:
        return x

    async def _rank(self, xs: list) -> list:
        ranked = sorted(xs, key=lambda x: -x)
        return ranked
