"""Test workflow: fall_off_end (see tests/data/workflows/README.md)."""


class Service:
    def _touch(self, key):
        return key

    async def _run(self, key: str):
        self._touch(key)
