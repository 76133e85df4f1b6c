"""Submitting jobs through both paths, waiting for both results, comparing.

Up to ``in_flight`` jobs travel at once: as soon as one job has both of its
results, the next is sent. Each poll reads every awaited result with one
MGET for the legacy keys and one for the Celery result keys, so waiting
costs two round trips per poll however many jobs are in flight.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crucible_checks.parity.celery_results import (
    CeleryResults,
    Meta,
    is_ready,
    succeeded,
)
from crucible_checks.parity.compare import Difference, diff, render
from crucible_checks.parity.errors import JobFailed, ParityTimeout
from crucible_checks.parity.flight import Flight, Job
from crucible_checks.parity.legacy_worker import LegacyWorker
from crucible_checks.parity.spec import ParitySpec

# Seconds between polls while nothing arrives: the first wait is short
# because a toy job takes well under a millisecond, later waits back off.
FIRST_POLL_DELAY = 0.0005
MAX_POLL_DELAY = 0.005


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
    """Runs jobs through a legacy Redis list and a Celery task.

    ``redis`` must reach the server the legacy worker uses; the Celery app's
    result backend must be Redis.
    """

    spec: ParitySpec
    redis: Any
    app: Any
    legacy_worker: LegacyWorker | None = None
    worker_queues: Sequence[str] = ()
    # Noise learned so far for this task. Like Diffy, noise is pooled per
    # task, because one pair of runs can agree on a noisy field by chance.
    known_noise: set[str] = field(default_factory=set)
    _results: CeleryResults | None = field(default=None, init=False, repr=False)

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
        """Run cases with up to ``in_flight`` jobs in flight at a time.

        The first failure or timeout raises a ParityError and abandons the
        jobs still in flight.
        """
        if in_flight < 1:
            raise ValueError(f"in_flight must be at least 1, got {in_flight}")
        jobs = [self.new_job(fields) for fields in cases]
        ids = [
            (case_ids[index] if index < len(case_ids) else "")
            or str(job.get(self.spec.job_id_field, ""))
            for index, job in enumerate(jobs)
        ]
        flights = self._fly(jobs, in_flight)
        if self.spec.calibrate:
            self._learn_noise(flights)
        noise = sorted(self.known_noise)
        compare = self.spec.compare.ignoring(noise)
        return [
            CaseOutcome(
                case_id,
                flight.job,
                flight.legacy[0],
                flight.celery,
                diff(flight.legacy[0], flight.celery, compare),
                noise,
            )
            for case_id, flight in zip(ids, flights, strict=True)
        ]

    def _learn_noise(self, flights: list[Flight]) -> None:
        """Add the fields that differ between a job's two legacy runs to noise."""
        for flight in flights:
            first, second = flight.legacy
            differences = diff(first, second, self.spec.compare)
            self.known_noise.update(difference.path for difference in differences)

    def _fly(self, jobs: list[Job], in_flight: int) -> list[Flight]:
        self._raise_if_legacy_unusable()
        if self._results is None:
            self._results = CeleryResults.of(self.app)
        waiting = deque(enumerate(jobs))
        active: list[Flight] = []
        finished: list[Flight] = []
        delay = FIRST_POLL_DELAY
        while waiting or active:
            while (
                waiting
                and len(active) < in_flight
                and not self._shares_result_key(waiting[0][1], active)
            ):
                active.append(self._launch(*waiting.popleft()))
            arrived = self._poll(active)
            finished.extend(flight for flight in active if flight.done)
            active = [flight for flight in active if not flight.done]
            if arrived:
                delay = FIRST_POLL_DELAY
                continue
            self._raise_if_stuck(active)
            time.sleep(delay)
            delay = min(delay * 2, MAX_POLL_DELAY)
        finished.sort(key=lambda flight: flight.index)
        return finished

    def _shares_result_key(self, job: Job, active: list[Flight]) -> bool:
        """Tell whether a job in flight uses the legacy result key of ``job``.

        Two cases with the same job id share a key, so the second waits.
        """
        key = self._result_key(job)
        return any(flight.legacy_key == key for flight in active)

    def _launch(self, index: int, job: Job) -> Flight:
        missing = [name for name in self.spec.task_args if name not in job]
        if missing:
            raise JobFailed(
                f"job {job} has no field {', '.join(missing)} for {self.spec.task}"
            )
        assert self._results is not None
        args = [job[name] for name in self.spec.task_args]
        task_id = self._results.send(self.spec.task, args, self.spec.task_queue)
        key = self._result_key(job)
        pipeline = self.redis.pipeline(transaction=False)
        self._push_legacy(pipeline, key, job)
        pipeline.execute()
        deadline = time.monotonic() + self.spec.timeout
        runs = 2 if self.spec.calibrate else 1
        return Flight(index, job, key, task_id, deadline, deadline, runs)

    def _push_legacy(self, pipeline: Any, key: str, job: Job) -> None:
        pipeline.delete(key)
        pipeline.lpush(self.spec.legacy_queue, json.dumps(job))

    def _poll(self, active: list[Flight]) -> bool:
        """Read every awaited result once; return whether any arrived."""
        legacy = [flight for flight in active if flight.waits_for_legacy]
        celery = [flight for flight in active if flight.waits_for_celery]
        arrived = self._poll_legacy(legacy) if legacy else False
        if celery and self._poll_celery(celery):
            arrived = True
        return arrived

    def _poll_legacy(self, flights: list[Flight]) -> bool:
        raws = self.redis.mget([flight.legacy_key for flight in flights])
        stored = [
            (f, raw) for f, raw in zip(flights, raws, strict=True) if raw is not None
        ]
        if not stored:
            return False
        pipeline = self.redis.pipeline(transaction=False)
        pipeline.delete(*(flight.legacy_key for flight, _ in stored))
        for flight, raw in stored:
            flight.legacy.append(_parse_legacy(raw, flight.legacy_key))
            flight.legacy_runs_left -= 1
            if flight.legacy_runs_left:
                # The calibration run: the same job again, with a fresh wait.
                self._push_legacy(pipeline, flight.legacy_key, flight.job)
                flight.legacy_deadline = time.monotonic() + self.spec.timeout
        pipeline.execute()
        if self.legacy_worker is not None:
            self.legacy_worker.served += len(stored)
        return True

    def _poll_celery(self, flights: list[Flight]) -> bool:
        assert self._results is not None
        metas = self._results.fetch([flight.task_id for flight in flights])
        ready = []
        for flight, meta in zip(flights, metas, strict=True):
            if meta is None:
                continue
            flight.celery_state = str(meta.get("status"))
            if is_ready(meta):
                flight.celery = self._celery_value(flight.job, meta)
                ready.append(flight.task_id)
        self._results.forget(ready)
        return bool(ready)

    def _celery_value(self, job: Job, meta: Meta) -> Any:
        value = meta.get("result")
        if not succeeded(meta):
            raise JobFailed(
                f"Celery task {self.spec.task} failed for job "
                f"{job.get(self.spec.job_id_field)}: {type(value).__name__}: {value}"
            )
        _require_json(value, f"result of Celery task {self.spec.task}")
        return value

    def _raise_if_legacy_unusable(self) -> None:
        """Fail at once when the legacy worker is known not to serve jobs."""
        if self.legacy_worker is None:
            return
        failure = self.legacy_worker.failure()
        if failure:
            raise JobFailed(failure)
        if self.legacy_worker.not_popping:
            raise ParityTimeout(
                f"not run: legacy worker {self.legacy_worker.reference} "
                f"{self.legacy_worker.not_popping}, so it is not popping that list"
            )

    def _raise_if_stuck(self, active: list[Flight]) -> None:
        """Raise when the legacy worker died or a result is overdue."""
        if self.legacy_worker is not None:
            failure = self.legacy_worker.failure()
            if failure:
                raise JobFailed(failure)
        now = time.monotonic()
        for flight in active:
            if flight.waits_for_legacy and now >= flight.legacy_deadline:
                raise ParityTimeout(self._legacy_timeout_message(flight.legacy_key))
        for flight in active:
            if flight.waits_for_celery and now >= flight.celery_deadline:
                raise ParityTimeout(self._celery_timeout_message(flight.celery_state))

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
            worker = self.legacy_worker
            if worker is not None and not worker.served:
                # A worker that never served a job and left this one queued
                # for the whole timeout will not serve the next either.
                worker.not_popping = (
                    f"left an earlier job on {self.spec.legacy_queue!r} for the "
                    f"whole {self.spec.timeout:g} s timeout"
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
