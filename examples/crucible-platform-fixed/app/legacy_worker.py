"""The legacy queue worker: one BRPOP loop over a Redis list."""

from __future__ import annotations

import json
import logging

from app.evaluation import TemporaryError, execute_evaluation
from app.storage import redis_client, store_result

logger = logging.getLogger(__name__)


def process_task(raw_message: str) -> None:
    """Evaluate one queued message and store its result record."""
    message = json.loads(raw_message)
    try:
        record = execute_evaluation(
            message["eval_id"], message["code"], message["language"]
        )
    except TemporaryError:
        logger.warning("sandbox busy, requeueing evaluation %s", message["eval_id"])
        redis_client.lpush("evaluation_queue", raw_message)
        return
    store_result(record)


def main() -> None:
    """Serve the legacy queue until the process is stopped."""
    logging.basicConfig(level=logging.INFO)
    logger.info("legacy worker listening on Redis list 'evaluation_queue'")
    while True:
        # A bounded wait keeps the read under the client's socket timeout.
        popped = redis_client.brpop("evaluation_queue", timeout=1)
        if popped is None:
            continue
        _key, raw_message = popped
        process_task(raw_message)


if __name__ == "__main__":
    main()
