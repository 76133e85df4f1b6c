"""The legacy queue and Celery agree on every evaluation case."""

from __future__ import annotations


def test_case_parity(queue_parity, parity_case):
    outcome = queue_parity.check(parity_case)
    assert outcome.legacy["eval_id"] == outcome.job["eval_id"]


def test_noise_is_timing_only(queue_parity, parity_case):
    outcome = queue_parity.run(parity_case)
    assert set(outcome.noise) <= {"duration_ms", "finished_at"}


def test_submission_writes_both_queues(dual_write):
    report = dual_write.verify("2 * 21", "arith")
    assert report.legacy_messages[0]["code"] == "2 * 21"


def test_premium_submission_goes_to_high(dual_write, monkeypatch):
    from app import settings

    monkeypatch.setattr(settings, "PREMIUM_USERS", frozenset({"ada"}))
    dual_write.verify("1 + 1", "arith", user="ada", expected_queue="high")


def test_many_jobs_in_flight(queue_parity):
    cases = [{"code": f"{n} * {n}", "language": "arith"} for n in range(40)]
    outcomes = queue_parity.run_many(cases, in_flight=8)
    assert [o.celery["output"] for o in outcomes] == [n * n for n in range(40)]
    assert all(o.equal for o in outcomes)
