"""Hooks of the docs family that a project's plugin may implement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crucible_checks.hookspecs import hookspec

if TYPE_CHECKING:
    from crucible_checks.docs.records import Link
    from crucible_checks.docs.resolve import Resolution
    from crucible_checks.docs.vault import Vault


@hookspec(firstresult=True)
def crucible_checks_docs_resolve(
    link: Link, source: str, vault: Vault
) -> Resolution | None:
    """Resolve a wiki link of the page ``source`` (a project-relative path).

    Return a `Resolution`, or None to leave the link to the next plugin and
    finally to the configured resolver. The first non-None answer wins.
    """
