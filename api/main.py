"""Module-level app for ``uvicorn api.main:app`` (settings from onecenter.toml / environment)."""

from api.app import create_app

app = create_app()
