"""rekg's HTTP API (FastAPI). ``create_app()`` builds it; ``rekg serve`` runs it."""

from api.app import create_app

__all__ = ["create_app"]
