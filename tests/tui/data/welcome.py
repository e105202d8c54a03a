"""A module with no mocks file beside it: in the workbench's simulator each
Task asks for its value (tests/tui/scripts/ask.script)."""
from asyncio import sleep


class WelcomeService:
    def _send_email(self, address: str) -> bool:
        return True

    def _mark_active(self, person_id: str) -> None:
        pass

    async def _welcome(self, person_id: str, email: str) -> str:
        ok = self._send_email(email)
        if not ok:
            await sleep(5)
            ok = self._send_email(email)
        self._mark_active(person_id)
        return "done"
