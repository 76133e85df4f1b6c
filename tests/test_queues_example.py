"""The bundled platform example: its two routing bugs, and its fixed variant."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import Outcome

Cli = Callable[..., Outcome]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_shipped_example_routing_bugs(cli: Cli) -> None:
    outcome = cli(
        "run", str(EXAMPLES / "crucible-platform"), "--no-cache", "--select", "QUE"
    )
    assert outcome.status == 1
    assert outcome.out.splitlines() == [
        "Procfile:2:1: QUE002 queue 'evaluation' is consumed by the worker at "
        "Procfile:2, docker-compose.yml:17 but no producer sends to it; remove it "
        "from -Q or add it to 'external-queues' if another service sends to it",
        "app/producer.py:22:24: QUE003 Redis list 'evaluation_queue' is written but "
        "never read; the keys that are read are 'queue'; make the worker pop this "
        "key or the producer push to one it pops",
        "app/producer.py:26:19: QUE001 queue 'high' has no consumer: sent from "
        "app/producer.py:26 (queue= of a call to app.tasks.evaluate_code); the "
        "workers consume batch, evaluation, maintenance; start a worker with -Q "
        "high or send to one of those queues",
        "app/producer.py:26:19: QUE001 queue 'normal' has no consumer: sent from "
        "app/producer.py:26 (queue= of a call to app.tasks.evaluate_code); the "
        "workers consume batch, evaluation, maintenance; start a worker with -Q "
        "normal or send to one of those queues",
        "Found 4 findings (3 errors, 1 warning).",
    ]


def test_fixed_example_is_clean(cli: Cli) -> None:
    outcome = cli(
        "run",
        str(EXAMPLES / "crucible-platform-fixed"),
        "--no-cache",
        "--select",
        "QUE",
    )
    assert outcome.out == "All checks passed!\n"
    assert outcome.status == 0


def test_queues_command_table(cli: Cli) -> None:
    outcome = cli("queues", str(EXAMPLES / "crucible-platform"), "--format", "table")
    assert outcome.status == 0
    assert outcome.out.splitlines() == [
        "queue        producers                        consumers"
        "                                      concurrency",
        "-----------  -------------------------------  "
        "---------------------------------------------  -----------",
        "batch        - (no producer)                  batch-worker, "
        "celery-batch-worker              2 + 2",
        "evaluation   - (no producer)                  evaluation-worker, "
        "celery-worker               4 + 4",
        "high         app.tasks.evaluate_code          - (none)"
        "                                       -",
        "maintenance  app.tasks.purge_expired_results  maintenance-worker, "
        "celery-maintenance-worker  1 + 1",
        "normal       app.tasks.evaluate_code          - (none)"
        "                                       -",
        "",
        "Redis lists:",
        "  evaluation_queue: written at app/producer.py:22; read at -",
        "  queue: written at app/legacy_worker.py:23; read at app/legacy_worker.py:34",
    ]


def test_queues_command_mermaid(cli: Cli) -> None:
    outcome = cli(
        "queues", str(EXAMPLES / "crucible-platform-fixed"), "--format", "mermaid"
    )
    assert outcome.status == 0
    lines = outcome.out.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  p_app_tasks_evaluate_code["app.tasks.evaluate_code"]' in lines
    assert '  q_high[["high"]]' in lines
    assert '  w_evaluation_worker("evaluation-worker -c 4")' in lines
    assert "  p_app_tasks_evaluate_code --> q_high" in lines
    assert "  q_high --> w_evaluation_worker" in lines
    assert not any(line.startswith("  class ") for line in lines)
