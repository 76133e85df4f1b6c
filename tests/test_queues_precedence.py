"""The installed Celery's routing precedence, observed on a real Redis and worker.

The queue checks assume a task's own ``queue=`` option wins over a matching
``task_routes`` entry (`DECORATOR_BEATS_ROUTES`); this test sends a task and
reads, inside a real worker, which queue delivered it.
"""

from __future__ import annotations

import functools
import socket
import uuid
from collections.abc import Iterator

import pytest

from crucible_checks.queues.routing import DECORATOR_BEATS_ROUTES
from tests.conftest import skip_unless

celery = pytest.importorskip("celery")
redis = pytest.importorskip("redis")
kombu = pytest.importorskip("kombu")

from celery.contrib.testing.worker import start_worker  # noqa: E402 - after importorskip

#: A Redis database no other test of the queue checks uses.
REDIS_URL = "redis://127.0.0.1:6379/13"
#: Queue names of this process alone, so two test runs on one Redis never
#: see each other's messages.
OWN = f"own-{uuid.uuid4().hex[:8]}"
ROUTED = f"routed-{uuid.uuid4().hex[:8]}"


def _redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def clean_redis() -> Iterator[redis.Redis]:
    skip_unless(_redis_running(), "Redis is not running on 127.0.0.1:6379")
    client = redis.Redis.from_url(REDIS_URL)
    client.delete(OWN, ROUTED)
    yield client
    client.delete(OWN, ROUTED)
    client.close()


@functools.cache
def _app() -> celery.Celery:
    app = celery.Celery("precedence", broker=REDIS_URL, backend=REDIS_URL)
    app.conf.task_queues = [kombu.Queue(OWN), kombu.Queue(ROUTED)]

    @app.task(name="precedence.delivered_by", queue=OWN, bind=True)
    def delivered_by(self: celery.Task) -> str:
        return str(self.request.delivery_info.get("routing_key"))

    @app.task(name="precedence.routed_only", bind=True)
    def routed_only(self: celery.Task) -> str:
        return str(self.request.delivery_info.get("routing_key"))

    app.conf.task_routes = {
        "precedence.delivered_by": {"queue": ROUTED},
        "precedence.routed_only": {"queue": ROUTED},
    }
    return app


def test_message_waits_in_the_task_queue(clean_redis: redis.Redis) -> None:
    app = _app()
    app.tasks["precedence.delivered_by"].delay()
    assert clean_redis.llen(OWN) == 1
    assert clean_redis.llen(ROUTED) == 0


def test_worker_receives_from_task_queue(clean_redis: redis.Redis) -> None:
    app = _app()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        own = app.tasks["precedence.delivered_by"].delay().get(timeout=20)
        routed = app.tasks["precedence.routed_only"].delay().get(timeout=20)
        explicit = (
            app.tasks["precedence.delivered_by"]
            .apply_async(queue=ROUTED)
            .get(timeout=20)
        )
    assert routed == ROUTED
    assert explicit == ROUTED
    assert own == (OWN if DECORATOR_BEATS_ROUTES else ROUTED)
