"""Start-up cost: the celery plugin imports metadata, its checks import the index."""

from __future__ import annotations

from pathlib import Path

from celery_helpers import write_project

from crucible_checks.celery import plugin
from crucible_checks.checks import DeferredCheck
from tests.conftest import run_probe

#: Modules that only a celery check or the ``tasks`` command may import.
HEAVY = (
    "crucible_checks.celery.index",
    "crucible_checks.celery.model",
    "crucible_checks.celery.scan",
    "crucible_checks.celery.compat",
    "crucible_checks.celery.lock_actions",
    "tarfile",
)

PROBE = f"""
import sys
from crucible_checks.cli import main
status = main(sys.argv[1:])
imported = sorted(name for name in {HEAVY!r} if name in sys.modules)
print(status, imported, file=sys.stderr)
"""


def heavy_imports(*arguments: str) -> str:
    """Return the exit status and the modules the probe prints."""
    return run_probe(PROBE, *arguments)


def test_list_imports_no_celery_code() -> None:
    assert heavy_imports("list") == "0 []"


def test_rule_imports_no_celery_code() -> None:
    assert heavy_imports("rule", "CEL005") == "0 []"


TASKS = """
from celery import shared_task


@shared_task(bind=True)
def cleanup():
    return None
"""


def test_warm_run_imports_no_index(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"app/tasks.py": TASKS})
    arguments = ("run", str(root), "--select", "CEL")
    assert heavy_imports(*arguments) == (
        "1 ['crucible_checks.celery.compat', 'crucible_checks.celery.index', "
        "'crucible_checks.celery.model', 'crucible_checks.celery.scan']"
    )
    assert heavy_imports(*arguments) == "1 []"
    with (root / "app" / "tasks.py").open("a") as handle:
        handle.write("# A comment changes no task.\n")
    assert heavy_imports(*arguments) == (
        "1 ['crucible_checks.celery.model', 'crucible_checks.celery.scan']"
    )


def test_deferred_checks_keep_their_info() -> None:
    checks = plugin.crucible_checks_checks()
    assert all(isinstance(check, DeferredCheck) for check in checks)
    for check in checks:
        assert isinstance(check, DeferredCheck)
        loaded = check.load()
        assert loaded.info is check.info, check.target


def test_deferred_checks_in_code_order() -> None:
    codes = [check.info.code for check in plugin.crucible_checks_checks()]
    assert codes == [
        *(f"CEL{number:03d}" for number in range(1, 12)),
        "CEL015",
        "CEL016",
        "CEL017",
        "CEL018",
        "CEL012",
        "CEL013",
        "CEL101",
        "CEL102",
        "CEL103",
        *(f"CEL{number}" for number in range(201, 209)),
        "CEL014",
    ]
