"""A warm run reports what a run without the cache reports, after any edits.

Hypothesis writes a small vault, or a small celery project, and applies a
sequence of edits to it. After each edit the test runs the checks with the
cache and without it (``use_cache=False``, which ``--no-cache`` sets), and
compares the findings. Every write moves the file's modification time on by
10 s: an edit that keeps both the size and the modification time is invisible
to a cache keyed by them, as in ruff and mypy.
"""

from __future__ import annotations

import dataclasses
import json
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from celery_helpers import write_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crucible_checks.cli import main
from crucible_checks.run import RunOptions, run_checks
from crucible_checks.session import Session

DOCS_CONFIG = '[tool.crucible-checks]\nroots = ["docs"]\n'
#: Pages that every vault starts with, and that links name.
LINKED_NAMES = ("index", "Alpha", "Beta", "sub/Delta")
#: Pages that a vault may start with or gain. With "alpha", [[Alpha]] is ambiguous.
EXTRA_NAMES = ("alpha", "Gamma Page", "sub/index")
PAGE_NAMES = LINKED_NAMES + EXTRA_NAMES
HEADINGS = ("Intro", "Setup", "Usage Notes")
BLOCK_IDS = ("b1", "b2")
ALIASES = ("Al", "Shared", "Gamma Page")
SLUGS = ("first", "alpha", "sub/delta")
ATTACHMENTS = ("img.png", "sub/doc.pdf")
#: Link targets that name no page, file or alias.
MISSING_NAMES = ("Missing", "ghost")
#: Where the modification times of written files start, in seconds.
FIRST_MTIME = 1_600_000_000
#: Settings of the property tests. With 40 and 30 examples both tests take 9
#: to 15 s on a 2-core machine. One run caught one of four one-line bugs
#: planted in the link summary and in the stored findings' key in 10 of 20
#: trials, so a bug of that kind may need a few runs to show.
DOCS_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CELERY_SETTINGS = settings(DOCS_SETTINGS, max_examples=30)


class Files:
    """Files under a root, each write moving the modification time on."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = FIRST_MTIME

    def write(self, relative: str, data: bytes) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.touch(relative)

    def touch(self, relative: str) -> None:
        self.clock += 10
        os.utime(self.root / relative, (self.clock, self.clock))


def run_json(root: Path, select: str, *extra: str) -> tuple[int, list[Any]]:
    """Run the checks ``select`` on ``root``; return exit status and findings."""
    output = root.parent / f"{root.name}-findings.json"
    arguments = ["run", str(root), "--select", select, "--format", "json"]
    status = main([*arguments, "--output-file", str(output), *extra])
    findings: list[Any] = json.loads(output.read_text())
    return status, findings


def assert_warm_equals_cold(root: Path, select: str) -> None:
    """Assert that a run with the cache finds what a run without it finds.

    Both runs share one session, which a run builds from the config and the
    installed plugins, as `crucible_checks.run.run` does for each call.
    """
    session = Session.create(start=root)
    options = RunOptions(paths=[root], select=select.split(","))
    warm = run_checks(session, options).findings
    cold = run_checks(session, dataclasses.replace(options, use_cache=False))
    assert warm == cold.findings


# Docs vaults.


@dataclass(frozen=True)
class LinkSpec:
    """A link of one of the forms `render_link` writes, to a page ``name``."""

    form: int
    name: str
    part: str


@dataclass(frozen=True)
class SectionSpec:
    heading: str
    links: tuple[LinkSpec, ...]
    block_id: str | None


@dataclass(frozen=True)
class PageSpec:
    front_matter: tuple[str, ...]
    title: bool
    sections: tuple[SectionSpec, ...]
    marker: bool


LINK_FORMS = 10


def render_link(link: LinkSpec, source: str) -> str:
    """Return one link of the page ``source`` as Markdown text."""
    base = link.name.rsplit("/", 1)[-1]
    relative = posixpath.relpath(link.name + ".md", posixpath.dirname(source) or ".")
    relative = relative.replace(" ", "%20")
    forms = (
        f"[[{base}]]",
        f"[[{base}#{link.part}]]",
        f"[[{base}#^{BLOCK_IDS[len(link.part) % len(BLOCK_IDS)]}]]",
        f"[[{link.part}]]",
        f"![[{ATTACHMENTS[len(link.part) % len(ATTACHMENTS)]}]]",
        f"[text]({relative})",
        f"[text]({relative}#{link.part.lower().replace(' ', '-')})",
        f"[[{link.name}|shown]]",
        "[up](../../outside.md)",
        "[folder](sub/)",
    )
    return forms[link.form]


def render_page(page: PageSpec, source: str) -> str:
    parts = []
    if page.front_matter:
        parts.append("---\n" + "\n".join(page.front_matter) + "\n---\n")
    if page.title:
        parts.append(f"# {source.rsplit('/', 1)[-1]}\n")
    for section in page.sections:
        links = " ".join(render_link(link, source) for link in section.links)
        block = f" ^{section.block_id}" if section.block_id else ""
        parts.append(f"## {section.heading}\n\nText {links} about Beta.{block}\n")
    if page.marker:
        parts.append(
            "<!-- crucible-checks:backlinks:begin -->\n## Backlinks\n\n"
            "<!-- crucible-checks:backlinks:end -->\n"
        )
    return "\n".join(parts)


link_specs = st.builds(
    LinkSpec,
    st.integers(0, LINK_FORMS - 1),
    st.sampled_from(LINKED_NAMES + MISSING_NAMES),
    st.sampled_from(HEADINGS + ALIASES + SLUGS),
)
front_matter_lines = st.sampled_from(
    [f"slug: {slug}" for slug in SLUGS]
    + [f"aliases: [{alias}]" for alias in ALIASES]
    + ["orphan: true", "aliases: [unclosed", "aliases: [[nested]]"]
)
page_specs = st.builds(
    PageSpec,
    st.lists(front_matter_lines, max_size=2, unique=True).map(tuple),
    st.booleans(),
    st.lists(
        st.builds(
            SectionSpec,
            st.sampled_from(HEADINGS),
            st.lists(link_specs, min_size=1, max_size=3).map(tuple),
            st.sampled_from((*BLOCK_IDS, None)),
        ),
        min_size=1,
        max_size=3,
    ).map(tuple),
    st.booleans(),
)

#: An edit: its kind, a page name or index, and what it writes.
Edit = tuple[str, Any, Any]
#: Edits that keep every page's names and anchors come more often, because
#: only they take the warm run's path that reads the changed pages alone.
vault_edits = st.one_of(
    st.tuples(st.just("append"), st.integers(0, 20), link_specs),
    st.tuples(st.just("append"), st.integers(0, 20), link_specs),
    st.tuples(st.just("unlink"), st.integers(0, 20), st.none()),
    st.tuples(st.just("touch"), st.integers(0, 20), st.none()),
    st.tuples(st.just("block"), st.integers(0, 20), st.none()),
    st.tuples(st.just("write"), st.sampled_from(PAGE_NAMES), page_specs),
    st.tuples(st.just("heading"), st.integers(0, 20), st.sampled_from(HEADINGS)),
    st.tuples(st.just("delete"), st.integers(0, 20), st.none()),
    st.tuples(st.just("rename"), st.integers(0, 20), st.sampled_from(PAGE_NAMES)),
    st.tuples(st.just("undecodable"), st.integers(0, 20), st.none()),
    st.tuples(st.just("undecodable"), st.integers(0, 20), st.none()),
    st.tuples(st.just("attachment"), st.sampled_from(ATTACHMENTS), st.none()),
)


class Vault(Files):
    """A vault under ``root/docs`` that `apply` edits."""

    def pages(self) -> list[str]:
        docs = self.root / "docs"
        return sorted(path.relative_to(docs).as_posix() for path in docs.rglob("*.md"))

    def apply(self, edit: Edit) -> None:
        kind, where, value = edit
        if kind == "write":
            self.write_page(where + ".md", value)
        elif kind == "attachment":
            path = self.root / "docs" / where
            if path.exists():
                path.unlink()
            else:
                self.write(f"docs/{where}", b"attachment")
        else:
            pages = self.pages()
            if pages:
                self.change_page(kind, pages[where % len(pages)], value)

    def write_page(self, page: str, spec: PageSpec) -> None:
        self.write(f"docs/{page}", render_page(spec, page).encode())

    def change_page(self, kind: str, page: str, value: Any) -> None:
        relative = f"docs/{page}"
        path = self.root / relative
        if kind == "append":
            text = path.read_bytes() + f"More {render_link(value, page)}\n".encode()
            self.write(relative, text)
        elif kind == "unlink":
            self.write(relative, path.read_bytes().replace(b"[[", b"[", 1))
        elif kind == "block":
            # Rename a block id, in the page's links too.
            first, second = (f"^{block_id}".encode() for block_id in BLOCK_IDS)
            text = path.read_bytes()
            if first in text:
                text = text.replace(first, second)
            else:
                text = text.replace(second, first)
            self.write(relative, text)
        elif kind == "heading":
            text = path.read_bytes().replace(b"## ", f"## {value} ".encode(), 1)
            self.write(relative, text)
        elif kind == "delete":
            path.unlink()
        elif kind == "rename":
            target = self.root / "docs" / f"{value}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
        elif kind == "touch":
            self.touch(relative)
        elif kind == "undecodable":
            self.write(relative, b"# Page\n\n\xff\xfe [[Alpha]]\n")


@DOCS_SETTINGS
@given(
    initial=st.fixed_dictionaries(dict.fromkeys(LINKED_NAMES, page_specs)),
    extra=st.dictionaries(st.sampled_from(EXTRA_NAMES), page_specs),
    edits=st.lists(vault_edits, min_size=1, max_size=10),
)
def test_docs_warm_run_equals_cold(
    tmp_path_factory: pytest.TempPathFactory,
    initial: dict[str, PageSpec],
    extra: dict[str, PageSpec],
    edits: list[Edit],
) -> None:
    root = tmp_path_factory.mktemp("vault")
    vault = Vault(root)
    vault.write("pyproject.toml", DOCS_CONFIG.encode())
    vault.write(f"docs/{ATTACHMENTS[0]}", b"attachment")
    for name, spec in {**initial, **extra}.items():
        vault.write_page(name + ".md", spec)
    # CC002 reports the pages that cannot be decoded.
    assert_warm_equals_cold(root, "DOC,CC002")
    for edit in edits:
        vault.apply(edit)
        assert_warm_equals_cold(root, "DOC,CC002")


# Celery projects.

TASK_NAMES = ("fetch", "send", "cleanup")
TASK_OPTIONS = (
    "bind=True",
    "max_retries=3",
    "soft_time_limit=600, time_limit=300",
    "name='proj.tasks.send'",
    "queue='low'",
)
PARAMETERS = ("url", "to", "timeout=5")
ARGUMENTS = ('"a"', "1", "timeout=2", "to=1")


@dataclass(frozen=True)
class TaskSpec:
    name: str
    decorator: str
    options: tuple[str, ...]
    parameters: tuple[str, ...]
    retries: bool


@dataclass(frozen=True)
class CallSpec:
    form: int
    task: str
    arguments: tuple[str, ...]


def render_tasks(tasks: Sequence[TaskSpec]) -> str:
    lines = ["from celery import shared_task", "from proj.celery import app", ""]
    for task in tasks:
        parameters = sorted(task.parameters, key=lambda name: "=" in name)
        if "bind=True" in task.options:
            parameters.insert(0, "self")
        body = "self.retry()" if task.retries and parameters[:1] == ["self"] else "1"
        lines += [
            "",
            f"@{task.decorator}({', '.join(task.options)})",
            f"def {task.name}({', '.join(parameters)}):",
            f"    return {body}",
            "",
        ]
    return "\n".join(lines)


def render_calls(calls: Sequence[CallSpec]) -> str:
    lines = [
        "from proj.celery import app",
        f"from proj.tasks import {', '.join(TASK_NAMES)}",
        "",
    ]
    for call in calls:
        arguments = ", ".join(call.arguments)
        forms = (
            f"{call.task}.delay({arguments})",
            f"{call.task}.apply_async(args=[{arguments}], countdown=7200)",
            f"app.send_task('proj.tasks.{call.task}')",
            f"app.send_task('proj.tasks.{call.task}x')",
            f"# a comment naming {call.task}",
        )
        lines.append(forms[call.form])
    return "\n".join(lines) + "\n"


task_specs = st.lists(
    st.builds(
        TaskSpec,
        st.sampled_from(TASK_NAMES),
        st.sampled_from(("shared_task", "app.task")),
        st.lists(st.sampled_from(TASK_OPTIONS), max_size=2, unique=True).map(tuple),
        st.lists(st.sampled_from(PARAMETERS), max_size=2, unique=True).map(tuple),
        st.booleans(),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda task: task.name,
)
call_specs = st.lists(
    st.builds(
        CallSpec,
        st.integers(0, 4),
        st.sampled_from(TASK_NAMES),
        st.lists(st.sampled_from(ARGUMENTS), max_size=2, unique=True).map(tuple),
    ),
    max_size=4,
)
CELERY_APP = 'from celery import Celery\n\napp = Celery("proj", broker="{broker}")\n'
#: Edits of the tasks and the lock come more often, because only together do
#: they change the findings of the compatibility checks.
celery_edits = st.one_of(
    st.tuples(st.just("tasks"), task_specs, st.none()),
    st.tuples(st.just("tasks"), task_specs, st.none()),
    st.tuples(st.just("lock"), st.none(), st.none()),
    st.tuples(st.just("calls"), call_specs, st.none()),
    st.tuples(st.just("broker"), st.sampled_from(("redis://h", "amqp://h")), st.none()),
    st.tuples(st.just("comment"), st.sampled_from(("tasks", "calls")), st.none()),
    st.tuples(st.just("prepend"), st.sampled_from(("tasks", "calls")), st.none()),
    st.tuples(st.just("touch"), st.sampled_from(("tasks", "calls")), st.none()),
    st.tuples(st.just("syntax-error"), st.sampled_from(("tasks", "calls")), st.none()),
    st.tuples(st.just("lock"), st.none(), st.none()),
    st.tuples(st.just("unlock"), st.none(), st.none()),
    st.tuples(st.just("package"), st.none(), st.none()),
    st.tuples(
        st.just("mode"), st.sampled_from(("BACKWARD", "FULL", "NONE")), st.none()
    ),
)
MODULES = {"tasks": "proj/tasks.py", "calls": "proj/producer.py"}
LOCK_FILE = "celery-tasks.lock.json"


class CeleryProject(Files):
    """A project with tasks, calls of them and maybe a lock, that `apply` edits."""

    def lock(self) -> None:
        cwd = Path.cwd()
        os.chdir(self.root)
        try:
            assert main(["tasks", "lock"]) == 0
        finally:
            os.chdir(cwd)
        self.touch(LOCK_FILE)

    def apply(self, edit: Edit) -> None:
        kind, value, _ = edit
        if kind == "tasks":
            self.write(MODULES["tasks"], render_tasks(value).encode())
        elif kind == "calls":
            self.write(MODULES["calls"], render_calls(value).encode())
        elif kind == "broker":
            self.write("proj/celery.py", CELERY_APP.format(broker=value).encode())
        elif kind in ("comment", "prepend", "syntax-error"):
            self.change_module(kind, MODULES[value])
        elif kind == "touch":
            self.touch(MODULES[value])
        elif kind == "lock":
            self.lock()
        elif kind == "unlock":
            (self.root / LOCK_FILE).unlink(missing_ok=True)
        elif kind == "package":
            self.toggle_package()
        elif kind == "mode":
            config = f'[celery]\ncompatibility = "{value}"\n'
            self.write("crucible-checks.toml", config.encode())

    def change_module(self, kind: str, relative: str) -> None:
        text = (self.root / relative).read_bytes()
        if kind == "comment":
            text += b"# A comment.\n"
        elif kind == "prepend":
            text = b"# A new first line.\n" + text
        else:
            text += b"def broken(:\n    pass\n"
        self.write(relative, text)

    def toggle_package(self) -> None:
        marker = self.root / "proj" / "__init__.py"
        if marker.exists():
            marker.unlink()
        else:
            self.write("proj/__init__.py", b"")


@CELERY_SETTINGS
@given(
    tasks=task_specs,
    calls=call_specs,
    locked=st.booleans(),
    edits=st.lists(celery_edits, max_size=6),
)
def test_celery_warm_run_equals_cold(
    tmp_path_factory: pytest.TempPathFactory,
    tasks: list[TaskSpec],
    calls: list[CallSpec],
    locked: bool,
    edits: list[Edit],
) -> None:
    root = tmp_path_factory.mktemp("celery")
    project = CeleryProject(root)
    write_project(root, {"proj/__init__.py": ""})
    project.write("proj/celery.py", CELERY_APP.format(broker="redis://h").encode())
    project.write(MODULES["tasks"], render_tasks(tasks).encode())
    project.write(MODULES["calls"], render_calls(calls).encode())
    if locked:
        project.lock()
    assert_warm_equals_cold(root, "CEL")
    for edit in edits:
        project.apply(edit)
        assert_warm_equals_cold(root, "CEL")


# Suppression comments.

SUPPRESSION_FILES = {
    "pyproject.toml": (
        '[tool.crucible-checks]\n[tool.crucible-checks.docs]\nroot = "docs"\n'
    ),
    "docs/other.md": "---\norphan: true\n---\n# Other\n\nSee [[index]].\n",
    "proj/__init__.py": "",
    "proj/tasks.py": (
        "from celery import shared_task\n\n\n@shared_task\ndef fetch(url):\n"
        "    return url\n"
    ),
}


def finding_lines(root: Path, select: str, *extra: str) -> list[str]:
    """Return the exit status of a run and ``path:line: code`` of each finding."""
    status, findings = run_json(root, select, *extra)
    lines = [f"{item['path']}:{item['line']}: {item['code']}" for item in findings]
    return [f"status {status}", *lines]


@pytest.mark.parametrize(
    ("relative", "text", "suppressed", "code"),
    [
        (
            "docs/index.md",
            "# Home\n\nSee [[Gone]].\n",
            "# Home\n\n<!-- crucible-checks-disable-next-line DOC001 -->\n"
            "See [[Gone]].\n",
            "DOC001",
        ),
        (
            "proj/producer.py",
            "from proj.tasks import fetch\n\nfetch.delay()\n",
            "from proj.tasks import fetch\n\nfetch.delay()  # noqa: CEL101\n",
            "CEL101",
        ),
    ],
)
def test_suppression_edits_between_warm_runs(
    tmp_path: Path, relative: str, text: str, suppressed: str, code: str
) -> None:
    files = Files(tmp_path)
    for name, content in {**SUPPRESSION_FILES, relative: text}.items():
        files.write(name, content.encode())
    # CC001 reports a suppression comment that suppresses nothing.
    select = f"{code[:3]},CC001"
    reported = ["status 1", f"{relative}:3: {code}"]
    assert finding_lines(tmp_path, select) == reported
    files.write(relative, suppressed.encode())
    assert finding_lines(tmp_path, select) == ["status 0"]
    assert finding_lines(tmp_path, select, "--no-cache") == ["status 0"]
    files.write(relative, text.encode())
    assert finding_lines(tmp_path, select) == reported
    assert finding_lines(tmp_path, select, "--no-cache") == reported
