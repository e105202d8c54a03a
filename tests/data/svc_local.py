"""Test service for `stc-tui simulate --run-local` (tests/promise/simulate_service.sh).

Importing it leaves a marker file when SVC_LOCAL_MARKER names one, so the test
can tell whether the module was executed (it must be only with --run-local)."""
import os

import yaml  # third-party, from Debian's dist-packages (python3-yaml): --run-local must find it

assert yaml.safe_load("a: 1") == {"a": 1}

_marker = os.environ.get("SVC_LOCAL_MARKER")
if _marker:
    with open(_marker, "a", encoding="utf-8") as f:
        f.write("imported\n")


class QuotaExceeded(Exception):
    pass


class LocalService:
    def __init__(self, greeting: str = "hello", limit: int = 3):
        self.greeting = greeting
        self.limit = limit
        self.seen = []

    def _greet(self, name: str) -> str:
        print("greeting", name)  # a Lambda's print goes to its log: stderr here
        self.seen.append(name)
        return f"{self.greeting}, {name}"

    def _count(self) -> int:
        return len(self.seen)

    def _check(self, n: int) -> bool:
        if n > self.limit:
            raise QuotaExceeded(f"{n} greetings, limit {self.limit}")
        return True

    def _lookup(self, key: str) -> str:
        return {"a": "alpha"}[key]

    def _raw(self) -> set:
        return {1}

    async def _welcome(self, names: list) -> dict:
        greetings = [self._greet(name) for name in names]
        count = self._count()
        self._check(count)
        return {"greetings": greetings, "count": count}

    async def _welcome_twice(self, names: list) -> dict:
        first = await self._welcome(names)
        second = await self._welcome(names)
        return {"first": first, "second": second}

    async def _find(self, key: str) -> str:
        try:
            value = self._lookup(key)
        except KeyError:
            return "missing"
        return value

    async def _raw_result(self) -> list:
        value = self._raw()
        return value
