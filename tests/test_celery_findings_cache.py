"""Stored findings: a warm run reports what a cold run reports, and old stores
or changed inputs never return stale findings."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from celery_helpers import write_project

from crucible_checks.cli import main

FILES = {
    "proj/__init__.py": "",
    "proj/celery.py": """
        from celery import Celery

        app = Celery("proj", broker="redis://localhost")
        app.conf.task_routes = {"proj.tasks.gone": {"queue": "low"}}
    """,
    "proj/tasks.py": """
        from celery import Task, shared_task

        from proj.celery import app


        @shared_task(bind=True)
        def cleanup():
            return None


        @app.task(soft_time_limit=600, time_limit=300)
        def fetch(url):
            return url


        @shared_task(max_retries=3)
        def send(to):
            return to


        class Report(Task):
            name = "proj.report"

            def run(self, day):
                return day


        @shared_task(name="proj.report")
        def report_again(day):
            return day
    """,
    "proj/producer.py": """
        from proj.celery import app
        from proj.tasks import fetch

        fetch.delay("a", "b")
        app.send_task("proj.tasks.fetc")
        fetch.apply_async(args=["a"], countdown=7200)
    """,
    "proj/broken.py": "from celery import shared_task\n\n\ndef broken(:\n    pass\n",
}

EXPECTED = [
    "proj/broken.py:4:12: CEL013 file skipped by the task index: syntax error: "
    "invalid syntax; its tasks are not checked (fix the file or run with a Python "
    "that supports its syntax)",
    "proj/celery.py:4:25: CEL103 task_routes key 'proj.tasks.gone' matches no task, "
    "so it routes nothing; did you mean 'proj.tasks.send'?",
    "proj/producer.py:5:1: CEL102 send_task() names task 'proj.tasks.fetc', which "
    "no module defines; did you mean 'proj.tasks.fetch'?",
    "proj/producer.py:6:1: CEL101 apply_async() of task 'proj.tasks.fetch': missing "
    "required argument 'timeout'; the task takes (url, timeout)",
    "proj/producer.py:6:1: CEL206 countdown=7200 s is longer than the Redis "
    "visibility_timeout of 3600 s, so the message is delivered again and the task "
    "runs twice; raise broker_transport_options['visibility_timeout'] or shorten "
    "the delay",
    "proj/tasks.py:7:1: CEL203 task 'proj.tasks.cleanup' has bind=True but no "
    "parameter for the task instance (); add self as the first parameter",
    "proj/tasks.py:12:1: CEL002 task 'proj.tasks.fetch': parameter 'timeout' added "
    "(url) -> (url, timeout) breaks BACKWARD compatibility: old messages lack the "
    "argument; old workers reject the new one; add the parameter at the end "
    "with a default (or keyword-only, after '*'), deploy the workers, then "
    "update the producers",
    "proj/tasks.py:12:1: CEL201 task 'proj.tasks.fetch': soft_time_limit=600 is not "
    "below time_limit=300, so the worker process is killed as soon as "
    "SoftTimeLimitExceeded is raised and cleanup never finishes; set "
    "soft_time_limit lower",
    "proj/tasks.py:17:1: CEL205 task 'proj.tasks.send' sets max_retries but never "
    "retries (no autoretry_for, no retry() call); add autoretry_for or remove "
    "max_retries",
    "proj/tasks.py:29:1: CEL012 task name 'proj.report' is also registered at "
    "proj/tasks.py:21; Celery keeps only one of them, so give one another name=",
]


def _project(root: Path) -> Path:
    """Write the project, lock its tasks, then add a required parameter."""
    write_project(root, FILES)
    _lock(root)
    tasks = root / "proj" / "tasks.py"
    text = tasks.read_text().replace("def fetch(url):", "def fetch(url, timeout):")
    tasks.write_text(text)
    return root


def _lock(root: Path) -> None:
    cwd = Path.cwd()
    os.chdir(root)
    try:
        assert main(["tasks", "lock"]) == 0
    finally:
        os.chdir(cwd)


def _run(capsys: pytest.CaptureFixture[str], root: Path, *options: str) -> list[str]:
    capsys.readouterr()
    main(["run", str(root), "--select", "CEL", "--format", "concise", *options])
    lines = capsys.readouterr().out.splitlines()
    return [line for line in lines if ": CEL" in line]


def _stored(root: Path) -> list[Path]:
    return sorted((root / ".crucible_checks_cache").glob("celery.findings.*.pickle"))


def test_warm_run_matches_cold_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    cold = _run(capsys, root, "--no-cache")
    assert cold == EXPECTED
    assert _run(capsys, root) == cold
    assert len(_stored(root)) == 24
    assert _run(capsys, root) == cold
    with (root / "proj" / "tasks.py").open("a") as handle:
        handle.write("# A comment changes no task.\n")
    assert _run(capsys, root) == cold


def test_moved_lines_recompute_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _run(capsys, root)
    tasks = root / "proj" / "tasks.py"
    tasks.write_text("# A new first line.\n" + tasks.read_text())
    warm = _run(capsys, root)
    assert warm == _run(capsys, root, "--no-cache")
    assert warm != EXPECTED
    moved = [line for line in warm if " CEL203 " in line]
    assert moved == [EXPECTED[5].replace("proj/tasks.py:7:1:", "proj/tasks.py:8:1:")]


def test_lock_change_recomputes_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    assert " CEL002 " in "\n".join(_run(capsys, root))
    _lock(root)
    warm = _run(capsys, root)
    assert warm == [line for line in EXPECTED if " CEL002 " not in line]
    assert warm == _run(capsys, root, "--no-cache")


def test_settings_change_recomputes_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    _run(capsys, root)
    config = root / "crucible-checks.toml"
    config.write_text('[celery]\nexternal-tasks = ["proj.tasks.fetc"]\n')
    warm = _run(capsys, root)
    assert warm == [line for line in EXPECTED if " CEL102 " not in line]


@pytest.mark.parametrize(
    "content",
    [
        b"not a pickle",
        b"",
        pickle.dumps(("a key of an older format", ["not a finding"])),
        pickle.dumps(["no key"]),
        # A class from a module that this version of the tool does not have.
        b"ccrucible_checks.celery.old_findings\nFinding\n.",
    ],
)
def test_older_stores_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    root = _project(tmp_path)
    _run(capsys, root)
    stored = [*_stored(root), root / ".crucible_checks_cache" / "celery.index.pickle"]
    for path in stored:
        path.write_bytes(content)
    assert _run(capsys, root) == EXPECTED
    assert _run(capsys, root) == EXPECTED


def test_unreadable_lock_fails_every_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_project(tmp_path, FILES, 'lock-file = "locks"\n')
    (root / "locks").mkdir()
    for _ in range(2):
        status = main(["run", str(root), "--select", "CEL002"])
        assert status == 2
        assert "locks: cannot read lock file" in capsys.readouterr().err
