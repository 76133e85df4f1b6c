"""Submitting jobs through both paths, waiting for both results, comparing."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crucible_checks.parity.compare import Difference, diff, render
from crucible_checks.parity.errors import JobFailed, ParityError, ParityTimeout
from crucible_checks.parity.legacy_worker import LegacyWorker
from crucible_checks.parity.spec import ParitySpec

Job = dict[str, Any]


@dataclass
class CaseOutcome:
    """The two results of one case and how they compare."""

    case_id: str
    job: Job
    legacy: Any
    celery: Any
    differences: list[Difference]
    noise: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.differences

    def report(self, task: str) -> str:
        lines = [f"{task} case {self.case_id!r}: {render(self.differences)}"]
        if self.noise:
            lines.append("  ignored as noise: " + ", ".join(self.noise))
        return "\n".join(lines)


@dataclass
class ParityRunner:
    """Runs jobs through a legacy Redis list and a Celery task."""

    spec: ParitySpec
    redis: Any
    app: Any
    legacy_worker: LegacyWorker | None = None
    worker_queues: Sequence[str] = ()
    # Noise learned so far for this task. Like Diffy, noise is pooled per
    # task, because one pair of runs can agree on a noisy field by chance.
    known_noise: set[str] = field(default_factory=set)

    def new_job(self, fields: Mapping[str, Any]) -> Job:
        job = {key: value for key, value in fields.items() if key != "id"}
        job.setdefault(self.spec.job_id_field, uuid.uuid4().hex)
        return job

    def run_case(self, fields: Mapping[str, Any], case_id: str = "") -> CaseOutcome:
        """Run one case through both paths and compare the results."""
        return self.run_cases([fields], [case_id], in_flight=1)[0]

    def run_cases(
        self,
        cases: Sequence[Mapping[str, Any]],
        case_ids: Sequence[str] = (),
        in_flight: int = 8,
    ) -> list[CaseOutcome]:
        """Run cases with up to ``in_flight`` jobs submitted at a time."""
        outcomes = []
        for start in range(0, len(cases), in_flight):
            batch = [
                self.new_job(fields) for fields in cases[start : start + in_flight]
            ]
            ids = [
                (case_ids[start + index] if start + index < len(case_ids) else "")
                or _case_id(job, self.spec.job_id_field)
                for index, job in enumerate(batch)
            ]
            outcomes.extend(self._run_batch(batch, ids))
        return outcomes

    def _run_batch(self, jobs: list[Job], ids: list[str]) -> list[CaseOutcome]:
        deadline = time.monotonic() + self.spec.timeout
        pending = [self.submit_celery(job) for job in jobs]
        try:
            for job in jobs:
                self.submit_legacy(job)
            legacy = [self.wait_legacy(job, deadline) for job in jobs]
            celery = [
                self.wait_celery(job, result, deadline)
                for job, result in zip(jobs, pending, strict=True)
            ]
        except ParityError:
            for result in pending:
                if result.backend is not None:
                    _drop_pending(result)
            raise
        if self.spec.calibrate:
            for noisy in self._calibrate(jobs, legacy):
                self.known_noise.update(noisy)
        noise = sorted(self.known_noise)
        compare = self.spec.compare.ignoring(noise)
        return [
            CaseOutcome(case_id, job, left, right, diff(left, right, compare), noise)
            for case_id, job, left, right in zip(ids, jobs, legacy, celery, strict=True)
        ]

    def _calibrate(self, jobs: list[Job], first: list[Any]) -> list[list[str]]:
        """Run the legacy path again; fields that changed are noise."""
        deadline = time.monotonic() + self.spec.timeout
        for job in jobs:
            self.submit_legacy(job)
        second = [self.wait_legacy(job, deadline) for job in jobs]
        return [
            [difference.path for difference in diff(one, two, self.spec.compare)]
            for one, two in zip(first, second, strict=True)
        ]

    def submit_legacy(self, job: Job) -> None:
        self.redis.delete(self._result_key(job))
        self.redis.lpush(self.spec.legacy_queue, json.dumps(job))

    def submit_celery(self, job: Job) -> Any:
        missing = [name for name in self.spec.task_args if name not in job]
        if missing:
            raise JobFailed(
                f"job {job} has no field {', '.join(missing)} for {self.spec.task}"
            )
        args = [job[name] for name in self.spec.task_args]
        return self.app.send_task(self.spec.task, args=args, queue=self.spec.task_queue)

    def wait_legacy(self, job: Job, deadline: float) -> Any:
        """Poll the result key until the legacy worker stores the result."""
        key = self._result_key(job)
        delay = 0.0005
        while True:
            raw = self.redis.get(key)
            if raw is not None:
                self.redis.delete(key)
                return _parse_legacy(raw, key)
            if self.legacy_worker is not None and (
                failure := self.legacy_worker.failure()
            ):
                raise JobFailed(failure)
            if time.monotonic() >= deadline:
                raise ParityTimeout(self._legacy_timeout_message(key))
            time.sleep(delay)
            delay = min(delay * 2, 0.005)

    def wait_celery(self, job: Job, result: Any, deadline: float) -> Any:
        """Wait for the Celery result; fail with the queue and task named."""
        from celery.exceptions import TimeoutError as CeleryTimeout

        try:
            value = result.get(
                timeout=max(deadline - time.monotonic(), 0.001), propagate=False
            )
        except CeleryTimeout:
            message = self._celery_timeout_message(result.state)
            _drop_pending(result)
            raise ParityTimeout(message) from None
        if result.failed():
            raise JobFailed(
                f"Celery task {self.spec.task} failed for job "
                f"{job.get(self.spec.job_id_field)}: {type(value).__name__}: {value}"
            )
        result.forget()
        _require_json(value, f"result of Celery task {self.spec.task}")
        return value

    def _result_key(self, job: Job) -> str:
        try:
            return self.spec.result_key.format(**job)
        except KeyError as error:
            raise JobFailed(
                f"result-key {self.spec.result_key!r} names field {error}, "
                f"which job {job} does not have"
            ) from None

    def _legacy_timeout_message(self, key: str) -> str:
        waiting = self.redis.llen(self.spec.legacy_queue)
        message = (
            f"legacy worker stored no result at {key!r} within {self.spec.timeout:g} s "
            f"of the job's LPUSH to {self.spec.legacy_queue!r}"
        )
        if waiting:
            message += (
                f"; {waiting} message(s) still wait on {self.spec.legacy_queue!r}, "
                "so the worker is not popping that list"
            )
        return message

    def _celery_timeout_message(self, state: str) -> str:
        message = (
            f"Celery task {self.spec.task} sent to queue {self.spec.task_queue!r} "
            f"returned no result within {self.spec.timeout:g} s (state {state})"
        )
        if self.worker_queues and self.spec.task_queue not in self.worker_queues:
            consumed = ", ".join(repr(queue) for queue in self.worker_queues)
            message += f"; the worker consumes only {consumed}"
        return message


def _drop_pending(result: Any) -> None:
    """Unsubscribe from a result that never came, while Redis still answers.

    Otherwise the result's finalizer unsubscribes when it is collected, which
    may be after the test Redis has stopped, and Celery then retries the
    connection for about 20 s.
    """
    result.backend.remove_pending_result(result)
    result.backend = None


def _case_id(job: Job, id_field: str) -> str:
    return str(job.get(id_field, ""))


def _parse_legacy(raw: bytes | str, key: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError as error:
        raise JobFailed(f"legacy result at {key!r} is not JSON: {error}") from None


def _require_json(value: Any, what: str) -> None:
    try:
        json.dumps(value, allow_nan=True)
    except (TypeError, ValueError) as error:
        raise JobFailed(f"{what} is not JSON-serialisable: {error}") from None
