"""near_miss.py with the near-miss name fixed (used by the reload test)."""


class MemberService:
    def __init__(self, club: str = "chess"):
        self.club = club

    def register_member(self, name: str) -> dict:
        return {"name": name, "club": self.club}

    def unregister_member(self, member_id: str) -> None:
        return None

    def list_members(self, limit: int = 10) -> list:
        return []
