"""Celery tasks of the platform."""

from __future__ import annotations

from typing import Any

from app.celery_app import app
from app.evaluation import TemporaryError, execute_evaluation
from app.storage import delete_expired_results


@app.task(
    autoretry_for=(TemporaryError,),
    max_retries=3,
    soft_time_limit=300,
    time_limit=600,
    retry_backoff=True,
    retry_jitter=True,
)
def evaluate_code(eval_id: str, code: str, language: str) -> dict[str, Any]:
    """Evaluate one submission; Celery retries with backoff when the sandbox is busy."""
    return execute_evaluation(eval_id, code, language)


@app.task
def purge_expired_results() -> int:
    """Delete legacy result records older than their time to live."""
    return delete_expired_results()
