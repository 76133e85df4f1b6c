"""The Celery application: Redis as broker and result backend."""

from __future__ import annotations

from celery import Celery

from app import settings

app = Celery(
    "crucible",
    broker=settings.CELERY_BROKER_URL,
    backend=settings.CELERY_RESULT_BACKEND,
    include=["app.tasks"],
)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=3600,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    # A route, not a queue= task option: Celery 5.7 deprecates that option.
    task_routes={"app.tasks.purge_expired_results": {"queue": "maintenance"}},
)
