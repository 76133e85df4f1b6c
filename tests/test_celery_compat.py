"""Task lock, compatibility modes and the tasks command, on before/after projects."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from crucible_checks.celery.compat import CHANGE_KINDS
from crucible_checks.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "crucible-platform"

#: Each change kind as a pair of task modules: before (locked) and after.
CASES = {
    "CEL001": ("def old(a): ...", "def new(a): ..."),
    "CEL002": ("def job(a): ...", "def job(a, b): ..."),
    "CEL003": ("def job(a, b): ...", "def job(a): ..."),
    "CEL004": ("def job(a, b): ...", "def job(b, a): ..."),
    "CEL005": ("def job(a, lang): ...", "def job(a, language): ..."),
    "CEL006": ("def job(a, b): ...", "def job(a, b): ...  # bind"),
    "CEL007": ("def job(a): ...  # json", "def job(a): ...  # pickle"),
    "CEL008": ("def job(a): ...  # low", "def job(a): ...  # high"),
    "CEL009": ("def job(a): ...", "def job(a): ...\n\n@shared_task\ndef extra(): ..."),
    "CEL010": ("def job(a): ...", "def job(a, b=1): ..."),
    "CEL011": ("def job(a, b=1): ...", "def job(a, b): ..."),
    "CEL015": ("def job(a, b): ...", "def job(a, *, b): ..."),
    "CEL016": ("def job(a, *, b): ...", "def job(a, b): ..."),
    "CEL017": ("def job(a, b): ...", "def job(a, b, /): ..."),
    "CEL018": ("def job(a, b, /): ...", "def job(a, b): ..."),
}
EXPECTED = {
    # code: (BACKWARD, FORWARD)
    "CEL001": (True, False),
    "CEL002": (True, True),
    "CEL003": (True, True),
    "CEL004": (True, True),
    "CEL005": (True, True),
    "CEL006": (True, True),
    "CEL007": (True, True),
    "CEL008": (True, True),
    "CEL009": (False, True),
    "CEL010": (False, True),
    "CEL011": (True, False),
    "CEL015": (True, False),
    "CEL016": (False, True),
    "CEL017": (True, False),
    "CEL018": (False, True),
}


def _module(body: str) -> str:
    decorator = "@shared_task"
    if "# bind" in body:
        decorator = "@shared_task(bind=True)"
    for marker, option in (
        ("# json", "serializer='json'"),
        ("# pickle", "serializer='pickle'"),
        ("# low", "queue='low'"),
        ("# high", "queue='high'"),
    ):
        if marker in body:
            decorator = f"@shared_task({option})"
    return f"from celery import shared_task\n\n{decorator}\n{body}\n"


def _project(root: Path, body: str, mode: str) -> None:
    (root / "crucible-checks.toml").write_text(f'[celery]\ncompatibility = "{mode}"\n')
    (root / "tasks.py").write_text(_module(body))


def _codes(capsys: pytest.CaptureFixture[str], root: Path) -> list[str]:
    main(["run", str(root), "--select", "CEL0", "--no-cache"])
    lines = capsys.readouterr().out.splitlines()
    return [line.split(": ")[1].split()[0] for line in lines if ": CEL0" in line]


def test_change_kind_table_is_complete() -> None:
    assert set(CASES) == set(CHANGE_KINDS) == set(EXPECTED)
    for code, (backward, forward) in EXPECTED.items():
        assert (CHANGE_KINDS[code].backward, CHANGE_KINDS[code].forward) == (
            backward,
            forward,
        )


@pytest.mark.parametrize("mode", ["BACKWARD", "FORWARD", "FULL", "NONE"])
@pytest.mark.parametrize("code", sorted(CASES))
def test_change_kind_per_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], code: str, mode: str
) -> None:
    before, after = CASES[code]
    _project(tmp_path, before, mode)
    _lock(tmp_path, capsys)
    _project(tmp_path, after, mode)
    backward, forward = EXPECTED[code]
    expected = {
        "BACKWARD": backward,
        "FORWARD": forward,
        "FULL": backward or forward,
        "NONE": False,
    }[mode]
    codes = _codes(capsys, tmp_path)
    assert (code in codes) is expected
    # A renamed task is a removed task plus an added one.
    also = {"CEL009"} if code == "CEL001" else set()
    assert set(codes) <= {code} | also


def _lock(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    cwd = Path.cwd()
    os.chdir(root)
    try:
        assert main(["tasks", "lock"]) == 0
    finally:
        os.chdir(cwd)
    capsys.readouterr()


def test_bind_added_with_self_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, "def job(a, b): ...", "FULL")
    _lock(tmp_path, capsys)
    _project(tmp_path, "def job(self, a, b): ...  # bind", "FULL")
    assert _codes(capsys, tmp_path) == []


def test_seed_rename_is_warning_on_example(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["run", str(EXAMPLE), "--select", "CEL", "--no-cache"])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out == [
        "app/tasks.py:20:1: CEL005 task 'app.tasks.evaluate_code': parameter 'lang' "
        "renamed to 'language' (eval_id, code, lang) -> (eval_id, code, language) "
        "breaks BACKWARD compatibility: arguments passed by keyword no longer match "
        "(call sites checked, all positional: app/producer.py:24); keep the old "
        "name, or accept both names, until old messages drain",
        "app/tasks.py:20:1: CEL204 task 'app.tasks.evaluate_code' sets "
        "retry_backoff, retry_jitter but it retries only through a manual retry(), "
        "which waits countdown or default_retry_delay instead; use "
        "autoretry_for=(...) with retry_backoff, or pass countdown= to retry()",
        "Found 2 findings (2 warnings).",
    ]


def test_rename_with_keyword_call_is_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, "def job(a, lang): ...", "BACKWARD")
    _lock(tmp_path, capsys)
    _project(tmp_path, "def job(a, language): ...", "BACKWARD")
    (tmp_path / "producer.py").write_text(
        "from tasks import job\n\njob.delay(1, language='py')\n"
    )
    main(["run", str(tmp_path), "--select", "CEL005", "--no-cache"])
    out = capsys.readouterr().out
    assert "tasks.py:4:1: CEL005 " in out
    assert "(a call site passes it by keyword)" in out
    assert "Found 1 finding (1 error)." in out


def test_lock_file_sorted_and_stable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, "def b(x): ...\n\n@shared_task\ndef a(y=1, *, z): ...", "FULL")
    _lock(tmp_path, capsys)
    text = (tmp_path / "celery-tasks.lock.json").read_text()
    document = json.loads(text)
    assert list(document["tasks"]) == ["tasks.a", "tasks.b"]
    assert document["tasks"]["tasks.a"]["parameters"] == [
        {"default": "1", "kind": "positional", "name": "y"},
        {"kind": "keyword-only", "name": "z"},
    ]
    _lock(tmp_path, capsys)
    assert (tmp_path / "celery-tasks.lock.json").read_text() == text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "celery-tasks.lock.json:1:2: invalid JSON in lock file"),
        ('{"version": 1}', "lock file has no 'tasks' table"),
        ('{"version": 9, "tasks": {}}', "lock file version 9 is not supported"),
        (
            '{"version": 1, "tasks": {"t": {"parameters": [{"name": "a", '
            '"kind": "weird"}]}}}',
            "parameter 'a' has invalid kind 'weird'",
        ),
    ],
)
def test_malformed_lock_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    _project(tmp_path, "def job(a): ...", "BACKWARD")
    (tmp_path / "celery-tasks.lock.json").write_text(content)
    assert main(["run", str(tmp_path), "--select", "CEL0", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "regenerate it with 'crucible-checks tasks lock'" in err


def test_unknown_mode_is_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, "def job(a): ...", "SIDEWAYS")
    assert main(["run", str(tmp_path), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "'compatibility' must be one of 'BACKWARD', 'FORWARD', 'FULL', 'NONE'" in err


def test_skipped_file_tasks_not_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, "def job(a): ...", "BACKWARD")
    _lock(tmp_path, capsys)
    (tmp_path / "tasks.py").write_text(
        textwrap.dedent(
            """\
            from celery import shared_task

            @shared_task
            def job(a):
                match a:
                    case 1 if (x := 2:
                        pass
            """
        )
    )
    assert main(["run", str(tmp_path), "--select", "CEL", "--no-cache"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert out[0].startswith("tasks.py:6:")
    assert " CEL013 file skipped by the task index: syntax error" in out[0]
    assert out[1] == "Found 1 finding (1 warning)."


def test_against_git_revision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _project(tmp_path, "def job(a, lang): ...", "BACKWARD")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "one"], cwd=tmp_path, check=True)
    _project(tmp_path, "def job(a, language): ...", "BACKWARD")
    import os

    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        status = main(["tasks", "list", "--against", "HEAD"])
    finally:
        os.chdir(cwd)
    assert status == 1
    assert capsys.readouterr().out.splitlines() == [
        "CEL005 parameter-renamed: task 'tasks.job': parameter 'lang' renamed to "
        "'language'",
        "1 task change breaks BACKWARD compatibility.",
    ]


def test_list_mode_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path, "def job(a): ...", "BACKWARD")
    _lock(tmp_path, capsys)
    _project(tmp_path, "def job(a, b=1): ...", "BACKWARD")
    monkeypatch.chdir(tmp_path)
    assert main(["tasks", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "No task changes that break BACKWARD compatibility."
    )
    assert main(["tasks", "list", "--mode", "FULL"]) == 1
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "CEL010 optional-parameter-added: task 'tasks.job': parameter 'b' added",
        "1 task change breaks FULL compatibility.",
    ]
    assert main(["tasks", "lock", "--mode", "FULL"]) == 2
    assert capsys.readouterr().err == (
        "crucible-checks: error: tasks lock: --against and --mode apply to 'tasks "
        "list' only; the lock is written from the code as it is\n"
    )


#: The end of every CEL004 message under BACKWARD, with the reason and the safe way.
CEL004_BACKWARD = (
    "breaks BACKWARD compatibility: positional arguments land in the wrong "
    "parameters; keep the order, add new parameters at the end with defaults or "
    "as keyword-only parameters after '*', and keep a parameter you remove, with "
    "a default, until old messages drain"
)
CHARGE_ORDER = 'def charge_order(order_id, amount, currency="EUR"): ...'


def _changed_output(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    before: str,
    after: str,
    mode: str,
) -> list[str]:
    """Lock ``before``, change the task to ``after`` and return the run's output."""
    _project(root, before, mode)
    _lock(root, capsys)
    _project(root, after, mode)
    main(["run", str(root), "--select", "CEL0", "--no-cache"])
    return capsys.readouterr().out.splitlines()


def test_insert_before_positional_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    after = 'def charge_order(order_id, amount, coupon=None, currency="EUR"): ...'
    out = _changed_output(tmp_path, capsys, CHARGE_ORDER, after, "BACKWARD")
    assert out == [
        "tasks.py:4:1: CEL004 task 'tasks.charge_order': positional parameter "
        "'currency' moved from position 3 to 4 (order_id, amount, currency='EUR') "
        "-> (order_id, amount, coupon=None, currency='EUR') " + CEL004_BACKWARD,
        "Found 1 finding (1 error).",
    ]


@pytest.mark.parametrize(
    ("mode", "codes"),
    [
        ("BACKWARD", ["CEL004"]),
        ("FORWARD", ["CEL004", "CEL010"]),
        ("FULL", ["CEL004", "CEL010"]),
        ("NONE", []),
    ],
)
def test_insert_before_positional_per_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, codes: list[str]
) -> None:
    after = 'def charge_order(order_id, amount, coupon=None, currency="EUR"): ...'
    _project(tmp_path, CHARGE_ORDER, mode)
    _lock(tmp_path, capsys)
    _project(tmp_path, after, mode)
    assert _codes(capsys, tmp_path) == codes


@pytest.mark.parametrize(
    "after",
    [
        'def charge_order(order_id, amount, currency="EUR", coupon=None): ...',
        'def charge_order(order_id, amount, currency="EUR", *, coupon=None): ...',
        'def charge_order(order_id, amount, currency="EUR", *extra, coupon=None): ...',
    ],
    ids=["at-end", "keyword-only", "after-var-positional"],
)
def test_insert_moving_nothing_not_reordered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], after: str
) -> None:
    out = _changed_output(tmp_path, capsys, CHARGE_ORDER, after, "BACKWARD")
    assert out == ["All checks passed!"]
    _project(tmp_path, after, "FULL")
    assert _codes(capsys, tmp_path) == ["CEL010"]


def test_removal_under_kwargs_shifts_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = "def job(a, b, c): ..."
    out = _changed_output(
        tmp_path, capsys, before, "def job(a, c, **kwargs): ...", "BACKWARD"
    )
    assert out == [
        "tasks.py:4:1: CEL003 task 'tasks.job': parameter 'b' removed (a, b, c) -> "
        "(a, c, **kwargs) breaks BACKWARD compatibility: old messages still pass the "
        "argument and nothing absorbs it; old workers miss it when it had no "
        "default; keep the parameter, or accept *args/**kwargs, until old messages "
        "drain",
        "tasks.py:4:1: CEL004 task 'tasks.job': positional parameter 'c' moved from "
        "position 3 to 2 (a, b, c) -> (a, c, **kwargs) " + CEL004_BACKWARD,
        "Found 2 findings (2 errors).",
    ]


def test_removal_under_args_kwargs_shifts_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = "def job(a, b, c): ..."
    after = "def job(a, c, *args, **kwargs): ..."
    out = _changed_output(tmp_path, capsys, before, after, "BACKWARD")
    assert out == [
        "tasks.py:4:1: CEL004 task 'tasks.job': positional parameter 'c' moved from "
        "position 3 to 2 (a, b, c) -> (a, c, *args, **kwargs) " + CEL004_BACKWARD,
        "Found 1 finding (1 error).",
    ]


def test_insert_first_lists_every_move(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = "def job(a, b, c): ..."
    out = _changed_output(
        tmp_path, capsys, before, "def job(x, a, b, c): ...", "BACKWARD"
    )
    cel004 = [line for line in out if " CEL004 " in line]
    assert cel004 == [
        "tasks.py:4:1: CEL004 task 'tasks.job': positional parameter 'a' moved from "
        "position 1 to 2, 'b' from position 2 to 3 and 'c' from position 3 to 4 "
        "(a, b, c) -> (x, a, b, c) " + CEL004_BACKWARD
    ]


def test_swap_reports_positional_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _changed_output(
        tmp_path, capsys, "def job(a, b): ...", "def job(b, a): ...", "BACKWARD"
    )
    assert out == [
        "tasks.py:4:1: CEL004 task 'tasks.job': positional order (a, b) -> (b, a) "
        "(a, b) -> (b, a) " + CEL004_BACKWARD,
        "Found 1 finding (1 error).",
    ]


def test_rename_in_place_not_moved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, "def job(a, lang, c): ...", "FULL")
    _lock(tmp_path, capsys)
    _project(tmp_path, "def job(a, language, c): ...", "FULL")
    assert _codes(capsys, tmp_path) == ["CEL005"]


#: The end of each message, with the reason and the safe way, by code and mode.
MADE_KEYWORD_ONLY_END = (
    "compatibility: the new worker no longer takes it by position, so an old "
    "message that passes it by position raises TypeError, or *args takes the value"
)
MADE_KEYWORD_ONLY_SAFE = (
    "keep the parameter positional, with a default if producers may omit it, "
    "until old messages drain, then make it keyword-only"
)
MADE_POSITIONAL_END = (
    "compatibility: old workers take it only by keyword, so they reject a new "
    "message that passes it by position"
)
MADE_POSITIONAL_SAFE = (
    "pass it by keyword until every worker runs the new code, or deploy the "
    "workers before the producers that pass it by position"
)


def _kind_change_output(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    before: str,
    after: str,
    mode: str,
    producer: str = "",
) -> list[str]:
    """Lock ``before``, change the task to ``after``, optionally add a producer
    module with ``producer`` calls, and return the CEL0 findings of a run."""
    _project(root, before, mode)
    _lock(root, capsys)
    _project(root, after, mode)
    if producer:
        (root / "producer.py").write_text(f"from tasks import kw\n\n{producer}\n")
    main(["run", str(root), "--select", "CEL0", "--no-cache"])
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("mode", ["BACKWARD", "FULL"])
def test_made_keyword_only_positional_call_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    out = _kind_change_output(
        tmp_path,
        capsys,
        "def kw(a, b): ...",
        "def kw(a, *, b): ...",
        mode,
        "kw.delay(1, 2)",
    )
    assert out == [
        "tasks.py:4:1: CEL015 task 'tasks.kw': parameter 'b' changed from "
        f"positional (position 2) to keyword-only (a, b) -> (a, *, b) breaks {mode} "
        f"{MADE_KEYWORD_ONLY_END} (call sites that may pass it by position: "
        f"producer.py:3); {MADE_KEYWORD_ONLY_SAFE}",
        "Found 1 finding (1 error).",
    ]


@pytest.mark.parametrize("mode", ["BACKWARD", "FULL"])
def test_made_keyword_only_keyword_call_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    out = _kind_change_output(
        tmp_path,
        capsys,
        "def kw(a, b): ...",
        "def kw(a, *, b): ...",
        mode,
        "kw.delay(1, b=2)",
    )
    assert out == [
        "tasks.py:4:1: CEL015 task 'tasks.kw': parameter 'b' changed from "
        f"positional (position 2) to keyword-only (a, b) -> (a, *, b) breaks {mode} "
        f"{MADE_KEYWORD_ONLY_END} (call sites checked, none passes it by position: "
        f"producer.py:3); {MADE_KEYWORD_ONLY_SAFE}",
        "Found 1 finding (1 warning).",
    ]


@pytest.mark.parametrize("mode", ["FORWARD", "NONE"])
def test_made_keyword_only_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    out = _kind_change_output(
        tmp_path,
        capsys,
        "def kw(a, b): ...",
        "def kw(a, *, b): ...",
        mode,
        "kw.delay(1, 2)",
    )
    assert out == ["All checks passed!"]


@pytest.mark.parametrize("mode", ["FORWARD", "FULL"])
def test_made_positional_positional_call_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    out = _kind_change_output(
        tmp_path,
        capsys,
        "def kw(a, *, b): ...",
        "def kw(a, b): ...",
        mode,
        "kw.delay(1, 2)",
    )
    assert out == [
        "tasks.py:4:1: CEL016 task 'tasks.kw': parameter 'b' changed from "
        f"keyword-only to positional (position 2) (a, *, b) -> (a, b) breaks {mode} "
        f"{MADE_POSITIONAL_END} (call sites that may pass it by position: "
        f"producer.py:3); {MADE_POSITIONAL_SAFE}",
        "Found 1 finding (1 error).",
    ]


@pytest.mark.parametrize("mode", ["FORWARD", "FULL"])
def test_made_positional_keyword_call_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    out = _kind_change_output(
        tmp_path,
        capsys,
        "def kw(a, *, b): ...",
        "def kw(a, b): ...",
        mode,
        "kw.delay(1, b=2)",
    )
    assert out == [
        "tasks.py:4:1: CEL016 task 'tasks.kw': parameter 'b' changed from "
        f"keyword-only to positional (position 2) (a, *, b) -> (a, b) breaks {mode} "
        f"{MADE_POSITIONAL_END} (call sites checked, none passes it by position: "
        f"producer.py:3); {MADE_POSITIONAL_SAFE}",
        "Found 1 finding (1 warning).",
    ]


@pytest.mark.parametrize("mode", ["BACKWARD", "NONE"])
def test_made_positional_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    out = _kind_change_output(
        tmp_path,
        capsys,
        "def kw(a, *, b): ...",
        "def kw(a, b): ...",
        mode,
        "kw.delay(1, 2)",
    )
    assert out == ["All checks passed!"]


def test_kind_change_without_calls_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _kind_change_output(
        tmp_path, capsys, "def kw(a, b): ...", "def kw(a, *, b): ...", "BACKWARD"
    )
    assert out == [
        "tasks.py:4:1: CEL015 task 'tasks.kw': parameter 'b' changed from "
        "positional (position 2) to keyword-only (a, b) -> (a, *, b) breaks BACKWARD "
        f"{MADE_KEYWORD_ONLY_END} (call sites checked, none passes it by position: "
        f"none found); {MADE_KEYWORD_ONLY_SAFE}",
        "Found 1 finding (1 warning).",
    ]


@pytest.mark.parametrize(
    "producer",
    ["kw.delay(*values)", "kw.apply_async(args=values)", "chain(first.s(), kw.s(1))"],
    ids=["star-args", "args-variable", "chain"],
)
def test_made_positional_uncounted_call_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], producer: str
) -> None:
    calls = f"from celery import chain\nfrom tasks import first\n{producer}"
    before = "def kw(a, *, b): ...\n\n@shared_task\ndef first(): ..."
    after = "def kw(a, b): ...\n\n@shared_task\ndef first(): ..."
    out = _kind_change_output(tmp_path, capsys, before, after, "FORWARD", calls)
    cel016 = [line for line in out if " CEL016 " in line]
    assert len(cel016) == 1
    assert "(call sites that may pass it by position: producer.py:5)" in cel016[0]
    assert out[-1] == "Found 1 finding (1 error)."


def test_made_keyword_only_after_call_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _kind_change_output(
        tmp_path,
        capsys,
        "def kw(a, b, c=None): ...",
        "def kw(a, b, *, c=None): ...",
        "BACKWARD",
        "kw.delay(1, 2)",
    )
    assert out == [
        "tasks.py:4:1: CEL015 task 'tasks.kw': parameter 'c' changed from "
        "positional (position 3) to keyword-only (a, b, c=None) -> "
        "(a, b, *, c=None) breaks BACKWARD "
        f"{MADE_KEYWORD_ONLY_END} (call sites checked, none passes it by position: "
        f"producer.py:3); {MADE_KEYWORD_ONLY_SAFE}",
        "Found 1 finding (1 warning).",
    ]


def test_made_keyword_only_shifting_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _kind_change_output(
        tmp_path,
        capsys,
        "def kw(a, b, c): ...",
        "def kw(a, c, *, b): ...",
        "BACKWARD",
    )
    assert out == [
        "tasks.py:4:1: CEL004 task 'tasks.kw': positional parameter 'c' moved from "
        "position 3 to 2 (a, b, c) -> (a, c, *, b) " + CEL004_BACKWARD,
        "tasks.py:4:1: CEL015 task 'tasks.kw': parameter 'b' changed from "
        "positional (position 2) to keyword-only (a, b, c) -> (a, c, *, b) breaks "
        f"BACKWARD {MADE_KEYWORD_ONLY_END} (call sites checked, none passes it by "
        f"position: none found); {MADE_KEYWORD_ONLY_SAFE}",
        "Found 2 findings (1 error, 1 warning).",
    ]


@pytest.mark.parametrize(
    "before",
    ["def kw(a, b, /): ...", "def kw(a, b=1): ..."],
    ids=["positional-only", "with-default"],
)
def test_made_keyword_only_variants_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: str
) -> None:
    after = "def kw(a, *, b): ..." if "=" not in before else "def kw(a, *, b=1): ..."
    _project(tmp_path, before, "FULL")
    _lock(tmp_path, capsys)
    _project(tmp_path, after, "FULL")
    # Without the '/', 'a' is no longer positional-only either.
    also = ["CEL018"] if "/" in before else []
    assert _codes(capsys, tmp_path) == ["CEL015", *also]


def test_made_keyword_only_after_var_positional(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, "def kw(a, b=1): ...", "BACKWARD")
    _lock(tmp_path, capsys)
    _project(tmp_path, "def kw(a, *rest, b=1): ...", "BACKWARD")
    assert _codes(capsys, tmp_path) == ["CEL015"]


#: The middle and end of every CEL017 message under BACKWARD.
MADE_POSITIONAL_ONLY = (
    "(a, b) -> (a, b, /) breaks BACKWARD compatibility: the new worker no longer "
    "takes it by keyword, so an old message that passes it by keyword raises "
    "TypeError"
)
MADE_POSITIONAL_ONLY_SAFE = (
    "keep it a parameter that takes keywords until old messages drain, then move "
    "it before '/'"
)


def test_made_positional_only_by_call_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _kind_change_output(
        tmp_path,
        capsys,
        "def kw(a, b): ...",
        "def kw(a, b, /): ...",
        "BACKWARD",
        "kw.delay(1, b=2)",
    )
    assert out == [
        "tasks.py:4:1: CEL017 task 'tasks.kw': parameter 'a' became positional-only "
        f"{MADE_POSITIONAL_ONLY} (call sites checked, none passes it by keyword: "
        f"producer.py:3); {MADE_POSITIONAL_ONLY_SAFE}",
        "tasks.py:4:1: CEL017 task 'tasks.kw': parameter 'b' became positional-only "
        f"{MADE_POSITIONAL_ONLY} (call sites that may pass it by keyword: "
        f"producer.py:3); {MADE_POSITIONAL_ONLY_SAFE}",
        "Found 2 findings (1 error, 1 warning).",
    ]


@pytest.mark.parametrize("mode", ["FORWARD", "NONE"])
def test_made_positional_only_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    out = _kind_change_output(
        tmp_path, capsys, "def kw(a, b): ...", "def kw(a, b, /): ...", mode
    )
    assert out == ["All checks passed!"]


@pytest.mark.parametrize("mode", ["FORWARD", "FULL"])
def test_no_longer_positional_only_keyword_call_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    out = _kind_change_output(
        tmp_path, capsys, "def kw(a, /): ...", "def kw(a): ...", mode, "kw.delay(a=1)"
    )
    assert out == [
        "tasks.py:4:1: CEL018 task 'tasks.kw': parameter 'a' was positional-only "
        f"and now takes keywords too (a, /) -> (a) breaks {mode} compatibility: old "
        "workers take it only by position, so they reject a new message that "
        "passes it by keyword (call sites that may pass it by keyword: "
        "producer.py:3); pass it by position until every worker runs the new "
        "code, or deploy the workers before the producers that pass it by keyword",
        "Found 1 finding (1 error).",
    ]
