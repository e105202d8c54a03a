"""A small service with a near-miss method name, for the screen tests."""


class MemberService:
    def __init__(self, club: str = "chess"):
        self.club = club

    def register_member(self, name: str) -> dict:
        return {"name": name, "club": self.club}

    def regster_member(self, name: str) -> dict:
        return {"name": name}

    def list_members(self, limit: int = 10) -> list:
        return []
