"""Shared test helpers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crucible_checks.cache import KEY_FILE_VARIABLE, read_cache_file, write_cache_bytes
from crucible_checks.cli import main

pytest_plugins = ["pytester"]

REQUIRE_SYSTEM = os.environ.get("CRUCIBLE_CHECKS_REQUIRE_SYSTEM") == "1"


def skip_unless(available: bool, reason: str) -> None:
    """Skip the test when a system component is missing, or fail it where CI
    sets CRUCIBLE_CHECKS_REQUIRE_SYSTEM=1 and so provides every component."""
    if available:
        return
    if REQUIRE_SYSTEM:
        pytest.fail(f"{reason} (CRUCIBLE_CHECKS_REQUIRE_SYSTEM=1 requires it)")
    pytest.skip(reason)


PLUGINS = Path(__file__).parent / "plugins"


@pytest.fixture(autouse=True, scope="session")
def signing_key_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the key that signs cache files in a temporary folder, out of the
    user's own cache folder; child processes inherit it."""
    path = tmp_path_factory.getbasetemp() / "cache-key"
    previous = os.environ.get(KEY_FILE_VARIABLE)
    os.environ[KEY_FILE_VARIABLE] = str(path)
    yield path
    if previous is None:
        del os.environ[KEY_FILE_VARIABLE]
    else:
        os.environ[KEY_FILE_VARIABLE] = previous


def load_json_cache(path: Path) -> Any:
    """Return what a signed JSON file of the cache folder stores."""
    return json.loads(bytes(read_cache_file(path)))


def store_json_cache(path: Path, value: object) -> None:
    """Replace a JSON file of the cache folder with ``value``, signed."""
    write_cache_bytes(path, json.dumps(value).encode())


@dataclass(frozen=True)
class Outcome:
    """The exit status and output of one in-process command-line call."""

    status: int
    out: str
    err: str


@pytest.fixture
def textlint(monkeypatch: pytest.MonkeyPatch) -> str:
    """Put the test plugin ``textlint_plugin`` on sys.path and return its name."""
    monkeypatch.syspath_prepend(str(PLUGINS))
    return "textlint_plugin"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """Run ``crucible-checks`` in-process and return its status and output."""

    def invoke(*arguments: str) -> Outcome:
        status = main(list(arguments))
        captured = capsys.readouterr()
        return Outcome(status, captured.out, captured.err)

    return invoke


def run_probe(probe: str, *arguments: str) -> str:
    """Run ``probe`` with ``arguments`` in a fresh interpreter and return the
    last line it wrote to stderr: this test process has imported everything."""
    completed = subprocess.run(
        [sys.executable, "-c", probe, *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stderr.strip().splitlines()[-1]
