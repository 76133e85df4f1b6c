"""Settings read from the environment, with local development defaults."""

from __future__ import annotations

import os

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_ENABLED = os.environ.get("CELERY_ENABLED", "1") == "1"
PREMIUM_USERS = frozenset(
    name for name in os.environ.get("PREMIUM_USERS", "").split(",") if name
)
