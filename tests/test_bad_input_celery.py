"""The Celery family under hostile input: broken locks, odd revisions and names.

Each test states the behaviour a user may expect. The tests marked xfail fail
today. Strict xfail reports them as failures once the behaviour is fixed, and
then the mark must go.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.celery_helpers import write_project
from tests.conftest import Outcome

Cli = Callable[..., Outcome]

TASKS = """
from celery import shared_task


@shared_task
def add(x, y):
    return x + y


@shared_task(name="émoji.タスク.🚀")
def unicode_named(value):
    return value
"""

#: A lock entry of ``tasks.add`` as `tasks lock` writes it.
ADD_ENTRY = (
    '{"bind": false, "function": "tasks.add", "path": "tasks.py", '
    '"parameters": [{"kind": "positional", "name": "x"}, '
    '{"kind": "positional", "name": "y"}], "queue": null, "serializer": null}'
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_project(tmp_path, {"tasks.py": TASKS})


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *arguments],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _commit_all(root: Path) -> None:
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "start")


def _assert_usage_error(outcome: Outcome) -> None:
    assert outcome.status == 2
    assert outcome.err.startswith("crucible-checks: error: ")
    assert "internal error" not in outcome.err
    assert outcome.err.count("\n") == 1


# the lock file


def test_lock_round_trips_unicode_names(project: Path, cli: Cli) -> None:
    assert cli("tasks", "lock").status == 0
    locked = json.loads((project / "celery-tasks.lock.json").read_text())
    assert sorted(locked["tasks"]) == ["tasks.add", "émoji.タスク.🚀"]
    outcome = cli("tasks", "list")
    assert outcome.status == 0
    assert outcome.out.splitlines() == [
        "tasks.add(x, y)  tasks.py:5",
        "émoji.タスク.🚀(value)  tasks.py:10",
        "No task changes that break BACKWARD compatibility.",
    ]


def test_lock_file_folder_rejected(project: Path, cli: Cli) -> None:
    (project / "celery-tasks.lock.json").mkdir()
    for command in (("tasks", "lock"), ("tasks", "list"), ("run", ".")):
        outcome = cli(*command)
        _assert_usage_error(outcome)
        assert outcome.err.startswith(
            "crucible-checks: error: celery-tasks.lock.json: cannot read lock file: "
        )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("", "celery-tasks.lock.json:1:1: invalid JSON in lock file"),
        ('{"tasks": []}', "celery-tasks.lock.json: lock file has no 'tasks' table"),
        (
            '{"version": 1, "tasks": {"tasks.add": null}}',
            "celery-tasks.lock.json:1: task 'tasks.add' must be a table",
        ),
        (
            '{"version": 1, "tasks": {"tasks.add": {"bind": false}}}',
            "celery-tasks.lock.json:1: task 'tasks.add' has no 'parameters' list",
        ),
    ],
)
def test_malformed_lock_named(
    project: Path, cli: Cli, document: str, message: str
) -> None:
    (project / "celery-tasks.lock.json").write_text(document)
    outcome = cli("run", ".", "--no-cache")
    _assert_usage_error(outcome)
    assert outcome.err.startswith(f"crucible-checks: error: {message}")


@pytest.mark.parametrize(
    "document",
    [
        '{"version": 1, "tasks": {"tasks.add": {}, "tasks.add": ' + ADD_ENTRY + "}}",
        '{"version": 1, "tasks": {"tasks.add": ' + ADD_ENTRY + '}, "tasks": {}}',
    ],
)
def test_duplicate_lock_key_rejected(project: Path, cli: Cli, document: str) -> None:
    (project / "celery-tasks.lock.json").write_text(document)
    outcome = cli("run", ".", "--no-cache")
    _assert_usage_error(outcome)
    assert "celery-tasks.lock.json" in outcome.err
    assert "duplicate" in outcome.err


def test_duplicate_lock_parameter_rejected(project: Path, cli: Cli) -> None:
    entry = ADD_ENTRY.replace('"name": "y"', '"name": "x"')
    (project / "celery-tasks.lock.json").write_text(
        '{"version": 1, "tasks": {"tasks.add": ' + entry + "}}"
    )
    outcome = cli("run", ".", "--no-cache")
    _assert_usage_error(outcome)
    assert "'x'" in outcome.err


def test_boolean_lock_version_rejected(project: Path, cli: Cli) -> None:
    (project / "celery-tasks.lock.json").write_text('{"version": true, "tasks": {}}')
    outcome = cli("run", ".", "--no-cache")
    _assert_usage_error(outcome)
    assert "version True" in outcome.err


_LONG_VERSION_ERROR = (
    "crucible-checks: error: celery-tasks.lock.json: lock file version "
    "<an integer of 5000 digits> is not supported (expected 1); fix it or "
    "regenerate it with 'crucible-checks tasks lock'\n"
)


@pytest.mark.parametrize(
    "command", [("tasks", "list"), ("run", ".", "--no-cache"), ("tasks", "lock")]
)
def test_long_integer_lock_version_rejected(
    project: Path, cli: Cli, command: tuple[str, ...]
) -> None:
    # Python's int() rejects more than 4300 digits by default.
    document = '{"version":' + "9" * 5000 + ',"tasks":{}}'
    (project / "celery-tasks.lock.json").write_text(document)
    outcome = cli(*command)
    if command == ("tasks", "lock"):
        # Written from the code, the lock replaces the invalid one.
        assert outcome.status == 0
        assert outcome.out == (
            "Replaced the invalid lock file: celery-tasks.lock.json: lock file "
            "version <an integer of 5000 digits> is not supported (expected 1).\n"
            "Wrote 2 tasks to celery-tasks.lock.json.\n"
        )
        assert outcome.err == ""
        return
    assert outcome.status == 2
    assert outcome.err == _LONG_VERSION_ERROR
    # Nothing is printed before the error, so no task list looks valid.
    assert outcome.out == ""


def test_long_integer_lock_field_rejected(project: Path, cli: Cli) -> None:
    entry = ADD_ENTRY.replace('"bind": false', '"bind": -' + "1" * 5000)
    (project / "celery-tasks.lock.json").write_text(
        '{"version": 1, "tasks": {"tasks.add": ' + entry + "}}"
    )
    outcome = cli("run", ".", "--no-cache")
    assert outcome.status == 2
    assert outcome.err == (
        "crucible-checks: error: celery-tasks.lock.json:1: task 'tasks.add': "
        "'bind' must be true or false; fix it or regenerate it with "
        "'crucible-checks tasks lock'\n"
    )


_TRUNCATED_LOCK = '{"version": 1, "tasks": {"app.x": {"parameters": 5'


def test_lock_replaces_invalid_lock_file(project: Path, cli: Cli) -> None:
    lock = project / "celery-tasks.lock.json"
    lock.write_text(_TRUNCATED_LOCK)
    outcome = cli("tasks", "lock")
    assert outcome.status == 0
    assert outcome.out == (
        "Replaced the invalid lock file: celery-tasks.lock.json:1:51: invalid "
        "JSON in lock file (Expecting ',' delimiter).\n"
        "Wrote 2 tasks to celery-tasks.lock.json.\n"
    )
    assert outcome.err == ""
    assert sorted(json.loads(lock.read_text())["tasks"]) == [
        "tasks.add",
        "émoji.タスク.🚀",
    ]
    assert cli("tasks", "list").status == 0


def test_lock_replaces_non_utf8_lock_file(project: Path, cli: Cli) -> None:
    lock = project / "celery-tasks.lock.json"
    lock.write_bytes(b'{"version": 1, "tasks": {"\xff": {}}}')
    outcome = cli("tasks", "lock")
    assert outcome.status == 0
    assert outcome.out.splitlines()[0] == (
        "Replaced the invalid lock file: celery-tasks.lock.json: lock file is "
        "not valid UTF-8 ('utf-8' codec can't decode byte 0xff in position 26: "
        "invalid start byte)."
    )
    assert sorted(json.loads(lock.read_text())["tasks"]) == [
        "tasks.add",
        "émoji.タスク.🚀",
    ]


def test_lock_keeps_invalid_lock_with_skipped_file(project: Path, cli: Cli) -> None:
    (project / "broken.py").write_text(
        "from celery import shared_task\n\n@shared_task\ndef broken(:\n"
    )
    lock = project / "celery-tasks.lock.json"
    lock.write_text(_TRUNCATED_LOCK)
    outcome = cli("tasks", "lock")
    assert outcome.status == 2
    assert outcome.out == ""
    assert outcome.err == (
        "crucible-checks: error: celery-tasks.lock.json:1:51: invalid JSON in "
        "lock file (Expecting ',' delimiter). 'tasks lock' keeps the locked "
        "tasks of skipped files (broken.py), so it does not replace an invalid "
        "lock file; fix the lock file or those files, or delete "
        "celery-tasks.lock.json to drop their tasks, then run "
        "'crucible-checks tasks lock' again\n"
    )
    assert lock.read_text() == _TRUNCATED_LOCK


@pytest.mark.parametrize("command", [("tasks", "list"), ("run", ".", "--no-cache")])
def test_deeply_nested_lock_rejected(
    project: Path, cli: Cli, command: tuple[str, ...]
) -> None:
    depth = 100_000
    (project / "celery-tasks.lock.json").write_text(
        '{"version": 1, "tasks": ' + "[" * depth + "]" * depth + "}"
    )
    outcome = cli(*command)
    _assert_usage_error(outcome)
    assert outcome.err.startswith("crucible-checks: error: celery-tasks.lock.json")
    assert "RecursionError" not in outcome.err


@pytest.mark.parametrize("outside", ["../outside.lock.json", "{tmp}/outside.lock.json"])
def test_lock_file_outside_rejected(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, outside: str
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    lock_file = outside.format(tmp=tmp_path.as_posix())
    write_project(root, {"tasks.py": TASKS}, f'lock-file = "{lock_file}"\n')
    monkeypatch.chdir(root)
    outcome = cli("tasks", "lock")
    _assert_usage_error(outcome)
    assert not (tmp_path / "outside.lock.json").exists()


@pytest.mark.parametrize("lock_file", ["", "."])
def test_lock_file_folder_setting_named(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, lock_file: str
) -> None:
    write_project(tmp_path, {"tasks.py": TASKS}, f'lock-file = "{lock_file}"\n')
    monkeypatch.chdir(tmp_path)
    outcome = cli("tasks", "lock")
    _assert_usage_error(outcome)
    assert "lock-file" in outcome.err


# tasks list --against


def test_against_outside_git(project: Path, cli: Cli) -> None:
    outcome = cli("tasks", "list", "--against", "HEAD")
    _assert_usage_error(outcome)
    assert outcome.err.startswith(
        "crucible-checks: error: --against HEAD: git failed: fatal: not a git "
        "repository"
    )


def test_against_unknown_revision(project: Path, cli: Cli) -> None:
    _commit_all(project)
    outcome = cli("tasks", "list", "--against", "no-such-revision")
    _assert_usage_error(outcome)
    assert outcome.err == (
        "crucible-checks: error: --against no-such-revision: git failed: fatal: "
        "not a valid object name: no-such-revision\n"
    )


def test_against_option_injection(project: Path, cli: Cli, tmp_path: Path) -> None:
    _commit_all(project)
    written = tmp_path / "written.tar"
    outcome = cli("tasks", "list", f"--against=--output={written}")
    _assert_usage_error(outcome)
    assert not written.exists()


def test_against_empty_revision_rejected(project: Path, cli: Cli) -> None:
    _commit_all(project)
    outcome = cli("tasks", "list", "--against", "")
    _assert_usage_error(outcome)
    assert "--against" in outcome.err


def test_against_tree_with_absolute_symlink(project: Path, cli: Cli) -> None:
    (project / "hostname").symlink_to("/etc/hostname")
    _commit_all(project)
    (project / "tasks.py").write_text(TASKS.replace("(x, y)", "(x, z)"))
    outcome = cli("tasks", "list", "--against", "HEAD")
    assert outcome.err == ""
    assert outcome.status == 1
    assert outcome.out.splitlines()[-2:] == [
        "CEL005 parameter-renamed: task 'tasks.add': parameter 'y' renamed to 'z'",
        "1 task change breaks BACKWARD compatibility.",
    ]


def test_against_tree_with_outside_link_and_archive_name(
    project: Path, cli: Cli
) -> None:
    (project / "parent").symlink_to("../..")
    (project / "tree.tar").write_bytes(b"not an archive")
    _commit_all(project)
    (project / "tasks.py").write_text(TASKS.replace("(x, y)", "(x, z)"))
    outcome = cli("tasks", "list", "--against", "HEAD")
    assert outcome.err == ""
    assert outcome.status == 1
    assert outcome.out.splitlines()[-2:] == [
        "CEL005 parameter-renamed: task 'tasks.add': parameter 'y' renamed to 'z'",
        "1 task change breaks BACKWARD compatibility.",
    ]


# task names computed from module constants

CONSTANT_NAMED = """
from celery import shared_task

PREFIX = "proj.tasks"


@shared_task(name=f"{PREFIX}.formatted")
def formatted(x):
    return x


@shared_task(name=PREFIX + ".joined")
def joined(x):
    return x
"""


def test_constant_task_name_locked(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, {"proj/__init__.py": "", "proj/tasks.py": CONSTANT_NAMED})
    monkeypatch.chdir(tmp_path)
    assert cli("tasks", "lock").status == 0
    locked = json.loads((tmp_path / "celery-tasks.lock.json").read_text())
    assert sorted(locked["tasks"]) == ["proj.tasks.formatted", "proj.tasks.joined"]


def test_constant_task_name_keeps_cel102(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = "from celery import current_app\n\ncurrent_app.send_task('proj.gone')\n"
    write_project(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/tasks.py": CONSTANT_NAMED,
            "proj/caller.py": caller,
        },
    )
    monkeypatch.chdir(tmp_path)
    outcome = cli("run", ".", "--select", "CEL102", "--no-cache")
    assert outcome.status == 1
    assert outcome.out.splitlines()[0].startswith(
        "proj/caller.py:3:1: CEL102 send_task() names task 'proj.gone', which no "
        "module defines"
    )


# unusual task code that must not crash the index

ODD_TASKS = """
from celery import Celery
from celery.schedules import crontab

from proj.names import QUEUE

app = Celery("proj", broker="redis://127.0.0.1:6379/0")


def make_routes():
    return {"proj.tasks.*": {"queue": QUEUE}}


app.conf.task_routes = make_routes()
app.conf.beat_schedule = {
    "minutely": {"task": "proj.tasks.add", "schedule": crontab(minute="*/1")},
    "gone": {"task": "proj.tasks.gone", "schedule": crontab(hour=0)},
    "no-task": {"schedule": crontab()},
    "not-a-string": {"task": 42, "schedule": crontab()},
}


@(lambda function: app.task(function))
def via_lambda(x):
    return x


def decorator():
    return app.task(bind=True)


@decorator()
def via_call_result(self, x):
    return x


@app.task
def add(x, y):
    return x + y


name = "proj.tasks.add"
app.send_task(f"{name}", args=[1, 2])
app.send_task(f"proj.tasks.{'add'}", args=[1, 2, 3])
app.send_task(f"")
"""


def test_odd_task_code_indexed(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/tasks.py": ODD_TASKS,
            "proj/names.py": "from proj.other import OTHER\nQUEUE = 'q' + OTHER\n",
            "proj/other.py": "from proj.names import QUEUE\nOTHER = 'x'\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    outcome = cli("run", ".", "--select", "CEL", "--no-cache")
    assert outcome.err == ""
    assert outcome.out.splitlines() == [
        "proj/tasks.py:16:5: CEL102 beat_schedule entry 'gone' names task "
        "'proj.tasks.gone', which no module defines; did you mean 'proj.tasks.add'?",
        "proj/tasks.py:43:1: CEL101 send_task() of task 'proj.tasks.add': 3 "
        "positional arguments given, at most 2; the task takes (x, y)",
        "proj/tasks.py:44:1: CEL102 send_task() names task '', which no module defines",
        "Found 3 findings (3 errors).",
    ]
    assert outcome.status == 1


def test_deep_and_huge_files_skipped(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = "from celery import shared_task\n\n\n@shared_task\ndef {name}(x):\n"
    files = {
        "nested.py": header.format(name="nested")
        + "    return "
        + "(" * 5000
        + "x"
        + ")" * 5000
        + "\n",
        "chain.py": header.format(name="chain")
        + "    return "
        + " + ".join(["x"] * 100_000)
        + "\n",
    }
    write_project(tmp_path, files)

    with (tmp_path / "huge.py").open("w") as huge:
        huge.write(header.format(name="huge") + "    return x\n")
        huge.write("# padding\n" * (21 * 1024 * 1024 // 10))
    monkeypatch.chdir(tmp_path)

    outcome = cli("run", ".", "--select", "CEL013,CC002", "--no-cache")
    lines = outcome.out.splitlines()
    assert outcome.status == 1
    assert lines[0].startswith(
        "chain.py:1:1: CEL013 file skipped by the task index: cannot parse: "
    )
    assert lines[1] == (
        "huge.py:1:1: CC002 file skipped: file is larger than 20 MiB; exclude it "
        "or split it"
    )
    assert lines[2].startswith(
        "nested.py:6:212: CEL013 file skipped by the task index: syntax error: too "
        "many nested parentheses"
    )
    assert lines[3] == "Found 3 findings (1 error, 2 warnings)."
