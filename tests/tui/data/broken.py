"""near_miss.py after a bad edit: a missing colon (used by the reload test)."""


class MemberService:
    def __init__(self, club: str = "chess"):
        self.club = club

    def register_member(self, name: str) -> dict
        return {"name": name, "club": self.club}
