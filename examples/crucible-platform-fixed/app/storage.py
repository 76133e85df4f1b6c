"""The Redis client and the legacy result records."""

from __future__ import annotations

import json
import time
from typing import Any

import redis

from app import settings

RESULT_KEY = "evaluation:{eval_id}:result"
RESULT_INDEX = "evaluation:results"
RESULT_TTL_SECONDS = 3600

redis_client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)


def store_result(record: dict[str, Any]) -> None:
    """Store a legacy result record where clients poll for it."""
    key = RESULT_KEY.format(eval_id=record["eval_id"])
    pipeline = redis_client.pipeline()
    pipeline.set(key, json.dumps(record), ex=RESULT_TTL_SECONDS)
    pipeline.zadd(RESULT_INDEX, {key: time.time()})
    pipeline.execute()


def delete_expired_results() -> int:
    """Remove index entries whose records have expired; return how many."""
    cutoff = time.time() - RESULT_TTL_SECONDS
    return int(redis_client.zremrangebyscore(RESULT_INDEX, "-inf", cutoff))
