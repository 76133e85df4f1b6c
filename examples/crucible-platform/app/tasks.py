"""Celery tasks of the platform."""

from __future__ import annotations

from typing import Any

from app.celery_app import app
from app.evaluation import TemporaryError, execute_evaluation
from app.storage import delete_expired_results


@app.task(
    bind=True,
    max_retries=3,
    soft_time_limit=300,
    time_limit=600,
    retry_backoff=True,
    retry_jitter=True,
)
def evaluate_code(self: Any, eval_id: str, code: str, language: str) -> dict[str, Any]:
    """Evaluate one submission, retrying when the sandbox is busy."""
    try:
        return execute_evaluation(eval_id, code, language)
    except TemporaryError as exc:
        raise self.retry(exc=exc) from exc


@app.task(queue="maintenance")
def purge_expired_results() -> int:
    """Delete legacy result records older than their time to live."""
    return delete_expired_results()
