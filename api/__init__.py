"""One Center's web service (FastAPI). Calls ``graph``; ``graph`` never imports it."""

from api.app import create_app

__all__ = ["create_app"]
