"""A service that cannot start without its parameter, for the serve tests:
the function's cold start fails until STC_PARAM_TOKEN is set."""


class TokenService:
    def __init__(self, token: str):
        self.token = token

    def get_token(self, token_id: str) -> dict:
        if token_id == "boom":
            raise ValueError("boom")
        return {"id": token_id, "token": self.token}
