"""Test workflow: pass_stmt (see tests/data/workflows/README.md)."""


class Service:
    async def _run(self, x):
        if x:
            pass
        else:
            pass
        pass
        return "after pass"
