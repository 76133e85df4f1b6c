"""The queue checks under hostile input: odd encodings, bad files, bad settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Outcome

Cli = Callable[..., Outcome]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nroots = ["app"]\n'
    )
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_byte_order_mark_python_file(cli: Cli, project: Path) -> None:
    (project / "app/producer.py").write_bytes(
        b'\xef\xbb\xbfimport redis\nclient = redis.Redis()\nclient.lpush("jobs", 1)\n'
    )
    outcome = cli("run", "--select", "QUE")
    assert outcome.status == 1
    assert outcome.out == (
        "app/producer.py:3:14: QUE003 Redis list 'jobs' is written but never read; "
        "the keys that are read are none; make the worker pop this key or the "
        "producer push to one it pops\n"
        "Found 1 finding (1 error).\n"
    )


def test_invalid_utf8_worker_file_warm_cache(cli: Cli, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nroots = ["docker-compose.yml"]\n'
    )
    (project / "docker-compose.yml").write_bytes(
        b"services:\n  w:\n    command: celery -A app worker -Q caf\xe9\n"
    )
    expected = (
        "docker-compose.yml:1:1: CC002 file skipped: invalid UTF-8 at byte 55 "
        "(line 3); save it as UTF-8\n"
        "Found 1 finding (1 error).\n"
    )
    for _ in ("cold", "warm"):
        outcome = cli("run", "--select", "QUE,CC002")
        assert outcome.status == 1
        assert outcome.out == expected
