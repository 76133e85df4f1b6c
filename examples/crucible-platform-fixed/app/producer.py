"""The submission API: writes each job to the legacy queue and to Celery."""

from __future__ import annotations

import json
import uuid

from app import settings
from app.storage import redis_client
from app.tasks import evaluate_code


def is_premium(user: str | None = None) -> bool:
    """Return whether ``user`` has a premium account."""
    return user is not None and user in settings.PREMIUM_USERS


def submit_evaluation(code: str, language: str, user: str | None = None) -> dict[str, str]:
    """Queue one evaluation on the legacy list and, in shadow mode, on Celery."""
    eval_id = str(uuid.uuid4())
    message = {"eval_id": eval_id, "code": code, "language": language}
    redis_client.lpush("evaluation_queue", json.dumps(message))
    if settings.CELERY_ENABLED:
        evaluate_code.apply_async(
            args=[eval_id, code, language],
            queue="high" if is_premium(user) else "normal",
        )
    return {"eval_id": eval_id}
