"""The Crucible evaluation platform: a legacy Redis queue and its Celery successor."""

from app.celery_app import app

__all__ = ["app"]
