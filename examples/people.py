"""A people registry: create, read, list and remove people, and an onboarding
workflow that retries a welcome e-mail until it goes through."""
from asyncio import sleep
from typing import MutableMapping, Optional
from uuid import uuid4


class OnboardingFailed(Exception):
    pass


class PeopleService:
    def __init__(self, sender: str = "welcome@example.com", max_tries: int = 3):
        self.people: MutableMapping[str, dict] = {}
        self.sender = sender
        self.max_tries = max_tries

    def register_person(self, name: str, age: int, email: Optional[str] = None) -> dict:
        person_id = str(uuid4())
        person = {"id": person_id, "name": name, "age": age, "email": email, "active": False}
        self.people[person_id] = person
        return person

    def get_person(self, person_id: str) -> dict:
        return self.people[person_id]

    def list_people(self, limit: int = 10) -> list:
        return list(self.people.values())[:limit]

    def update_person(self, person_id: str, name: str, age: int) -> dict:
        person = self.people[person_id]
        person.update(name=name, age=age)
        self.people[person_id] = person
        return person

    def unregister_person(self, person_id: str) -> None:
        del self.people[person_id]

    def _send_email(self, address: str) -> bool:
        print(f"mail from {self.sender} to {address}")
        return True

    def _mark_active(self, person_id: str) -> None:
        person = self.people[person_id]
        person["active"] = True
        self.people[person_id] = person

    async def _onboard(self, person_id: str, email: str) -> str:
        ok = self._send_email(email)
        tries = 1
        while not ok:
            if tries >= 3:
                raise OnboardingFailed(f"could not reach {email}")
            await sleep(10)
            ok = self._send_email(email)
            tries += 1
        self._mark_active(person_id)
        return "done"
