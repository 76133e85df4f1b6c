"""The collector threshold a run raises for its duration, and restores."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

import crucible_checks
from crucible_checks.docs import vault as vault_module
from crucible_checks.run import GC_THRESHOLD


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_run_raises_then_restores_threshold(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    default_thresholds: tuple[int, int, int],
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nroots = ["docs"]\n'
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Index\n\nSee [[gone]].\n")
    seen: list[tuple[int, int, int]] = []
    build = vault_module.build_vault

    def recording_build(project: crucible_checks.Project) -> vault_module.Vault:
        seen.append(gc.get_threshold())
        return build(project)

    monkeypatch.setattr(vault_module, "build_vault", recording_build)
    result = crucible_checks.run(start=tmp_path, select=["DOC001"], use_cache=False)
    assert [finding.code for finding in result.findings] == ["DOC001"]
    assert seen == [(GC_THRESHOLD, 10, 10)]
    assert gc.get_threshold() == default_thresholds
