"""Test workflow: bare_return (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, flag):
        if flag:
            return
        return 1
