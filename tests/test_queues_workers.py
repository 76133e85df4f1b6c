"""Worker command lines in every format a project keeps them in."""

from __future__ import annotations

from pathlib import Path

import pytest

from crucible_checks.queues.consumers import scan_file_text
from crucible_checks.queues.worker_command import find_worker, split_command


def queues_of(relative: str, text: str, kind: str, **environment: str) -> list:
    scan = scan_file_text(relative, text, kind, environment)
    assert scan.problems == []
    return [(w.location.line, w.queues, w.excluded, w.unknown) for w in scan.workers]


@pytest.mark.parametrize(
    ("command", "queues"),
    [
        ("celery -A app worker -Q a", ("a",)),
        ("celery -A app worker -Q a,b -c 2", ("a", "b")),
        ("celery -A app worker -Qa,b", ("a", "b")),
        ("celery -A app worker --queues=a,b", ("a", "b")),
        ("celery -A app worker --queues a", ("a",)),
        ('celery -A app worker -Q "a,b"', ("a", "b")),
        ("celery -A app worker -Q 'a, b'", ("a", "b")),
        ("python -m celery -A app worker -Q a", ("a",)),
        ("/venv/bin/celery --app=app worker -Q a", ("a",)),
        ("celery worker -A app -Q a", ("a",)),
        ("celery -A celery worker -Q a", ("a",)),
        ("exec celery -A app worker -Q ${QUEUES:-a,b}", ("a", "b")),
        ("celery -A app worker -Q ${QUEUES-a}", ("a",)),
        ("celery -A app worker", None),
        ("cd /srv && celery -A app worker -Q a && echo done", ("a",)),
    ],
)
def test_queue_option_forms(command: str, queues: tuple[str, ...] | None) -> None:
    options = find_worker(split_command(command), {})
    assert options is not None
    assert options.queues == queues
    assert options.unknown == ""


@pytest.mark.parametrize(
    "command",
    [
        "celery -A app beat",
        "celery -A app flower --port=5555",
        "gunicorn app:wsgi",
        "echo worker; celery -A app beat",
    ],
)
def test_not_a_worker(command: str) -> None:
    assert find_worker(split_command(command), {}) is None


def test_exclude_queues_and_concurrency() -> None:
    options = find_worker(
        split_command("celery -A app worker -X a,b --autoscale=10,3"), {}
    )
    assert options is not None
    assert options.queues is None
    assert options.excluded == ("a", "b")
    assert options.concurrency == "autoscale 10,3"


def test_unset_variable_is_unknown() -> None:
    options = find_worker(split_command("celery -A app worker -Q $QUEUES"), {})
    assert options is not None
    assert options.queues is None
    assert options.unknown.startswith("queues come from $QUEUES, which has no value")


def test_configured_variable_is_used() -> None:
    words = split_command("celery -A app worker -Q ${QUEUES}")
    options = find_worker(words, {"QUEUES": "x,y"})
    assert options is not None
    assert options.queues == ("x", "y")


def test_procfile_skips_other_processes() -> None:
    text = (
        "web: gunicorn app:wsgi\n"
        "# worker: celery -A app worker -Q old\n"
        "worker: celery -A app worker -Q a -c 4\n"
        "beat: celery -A app beat\n"
    )
    assert queues_of("Procfile", text, "procfile") == [(3, ("a",), (), "")]


def test_procfile_line_without_name() -> None:
    scan = scan_file_text("Procfile", "celery -A app worker -Q a\n", "procfile", {})
    assert scan.workers == []
    assert [(p.location.line, p.reason) for p in scan.problems] == [
        (1, "line is not a Procfile entry 'name: command'")
    ]


def test_compose_string_list_and_entrypoint() -> None:
    text = """\
services:
  string:
    command: celery -A app worker -Q a
  listed:
    command: ["celery", "-A", "app", "worker", "--queues", "b"]
  entry:
    entrypoint: ["celery", "-A", "app"]
    command: worker -Q c
  shell:
    command: sh -c "celery -A app worker -Q 'd,e'"
  web:
    command: gunicorn app
"""
    assert queues_of("docker-compose.yml", text, "yaml") == [
        (3, ("a",), (), ""),
        (5, ("b",), (), ""),
        (7, ("c",), (), ""),
        (10, ("d", "e"), (), ""),
    ]


def test_kubernetes_command_and_args() -> None:
    text = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
---
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: worker
          command: ["celery"]
          args: ["-A", "app", "worker", "-Q", "k8s"]
"""
    scan = scan_file_text("deploy/worker.yaml", text, "yaml", {})
    assert [(w.name, w.location.line, w.queues) for w in scan.workers] == [
        ("worker", 12, ("k8s",))
    ]


def test_invalid_yaml_is_a_problem() -> None:
    text = "services:\n  worker:\n    command: celery -A app worker\n  bad: [\n"
    scan = scan_file_text("docker-compose.yml", text, "yaml", {})
    assert scan.workers == []
    assert len(scan.problems) == 1
    problem = scan.problems[0]
    assert (problem.location.path, problem.location.line) == ("docker-compose.yml", 5)
    assert problem.reason.startswith("invalid YAML: ")


def test_helm_template_read_as_lines() -> None:
    text = (
        "containers:\n"
        "  - command: {{ .Values.command }}\n"
        "    args: celery -A app worker -Q {{ .Values.queues }}\n"
    )
    scan = scan_file_text("chart/templates/worker.yaml", text, "yaml", {})
    assert scan.problems == []
    assert [(w.location.line, w.queues) for w in scan.workers] == [(3, None)]
    assert scan.workers[0].unknown.startswith("queues come from the template")


def test_shell_script_with_assignment_and_continuation() -> None:
    text = (
        "#!/bin/sh\n"
        "QUEUES=mail,sms\n"
        "exec celery -A app worker \\\n"
        '    -Q "$QUEUES" \\\n'
        "    -c 8\n"
    )
    scan = scan_file_text("bin/worker", text, "script", {})
    assert [(w.location.line, w.queues, w.concurrency) for w in scan.workers] == [
        (3, ("mail", "sms"), "8")
    ]


def test_shell_unclosed_quote_is_a_problem() -> None:
    scan = scan_file_text("run.sh", "celery -A app worker -Q 'a\n", "shell", {})
    assert scan.workers == []
    assert [(p.location.line, p.reason) for p in scan.problems] == [
        (1, "cannot split the command line: No closing quotation")
    ]


def test_makefile_recipe() -> None:
    text = "QUEUES ?= reports\nworker:\n\t@celery -A app worker -Q $(QUEUES)\n"
    assert queues_of("Makefile", text, "make") == [(3, ("reports",), (), "")]


def test_systemd_unit() -> None:
    text = (
        "[Service]\n"
        "ExecStart=/opt/venv/bin/celery -A app worker -Q systemd --concurrency 2\n"
    )
    assert queues_of("deploy/worker.service", text, "systemd") == [
        (2, ("systemd",), (), "")
    ]


def test_supervisord_program() -> None:
    text = "[program:worker]\ncommand=celery -A app worker -Q supervised\n"
    assert queues_of("supervisord.conf", text, "supervisord") == [
        (2, ("supervised",), (), "")
    ]


def test_dockerfile_exec_form() -> None:
    text = 'FROM python:3.12\nCMD ["celery", "-A", "app", "worker", "-Q", "docker"]\n'
    assert queues_of("Dockerfile", text, "dockerfile") == [(2, ("docker",), (), "")]


def test_project_finds_every_format(tmp_path: Path) -> None:
    from crucible_checks.queues.consumer_files import file_kind

    names = {
        "Procfile": "procfile",
        "Procfile.dev": "procfile",
        "docker-compose.yml": "yaml",
        "k8s/worker.yaml": "yaml",
        "Makefile": "make",
        "build/rules.mk": "make",
        "Dockerfile.worker": "dockerfile",
        "scripts/start.sh": "shell",
        "bin/worker": "script",
        "deploy/worker.service": "systemd",
        "deploy/supervisord.conf": "supervisord",
        "app/tasks.py": None,
        "README.md": None,
    }
    assert {name: file_kind(name) for name in names} == names
