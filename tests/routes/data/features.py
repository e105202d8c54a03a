"""Every route feature at once, for the OpenAPI validator."""
from typing import Optional, Union


class CatalogService:
    """A catalogue of products in categories."""

    def create_category(self, name: str, tags: list[str] = []) -> dict:
        """Create a category."""
        return {}

    def list_categories(self, limit: int = 20, prefix: Optional[str] = None) -> list[dict]:
        return []

    def get_category(self, category_id: str) -> dict:
        return {}

    def patch_category(self, category_id: str, name: str | None = None, meta: dict[str, int] = {}) -> dict:
        return {}

    def delete_category(self, category_id: str, force: bool = False) -> None:
        pass

    def list_category_products(self, category_id: str, page: int = 1) -> list:
        return []

    def get_category_product(self, category_id: str, product_id: int) -> dict:
        return {}

    def create_category_product(self, category_id: str, title: str, price: float,
                                sizes: Optional[list[int]] = None, code: Union[int, str] = 0) -> dict:
        return {}

    def publish_category_product(self, category_id: str, product_id: int, when=None) -> dict:
        return {}

    def archive_category(self, id: str, reason: str = "") -> dict:
        return {}

    async def upload_catalogue(self, url: str, dry_run: bool = False) -> str:
        return "done"

    async def delete_products(self, older_than: float) -> int:
        return 0

    def on_connect(self, url, connection_id):
        pass

    def on_subscribe_updates(self, url, connection_id, category_id: str):
        pass

    def _notify(self, text):
        pass
