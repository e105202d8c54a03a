"""Test workflow: json_funcs (see tests/data/workflows/README.md)."""

import json


class Service:
    async def _run(self, text: str, data: dict):
        parsed = json.loads(text)
        dumped = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return {"k": parsed["k"], "dumped": dumped}
