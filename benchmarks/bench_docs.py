"""Docs checks against obsidiantools and a regex floor, on synthetic vaults.

The generator writes pages named like ``Topic 12 Queue.md`` in twenty folders,
linked as ``[[Topic 12 Queue]]``, so the default resolver and obsidiantools
resolve every name the same way. Each page has about six links, 2% of them to
pages that do not exist, and a tenth of the pages have a fenced code block with
a ``[[...]]`` that neither tool counts as a link. The timed obsidiantools run
writes its dead links to a file. The module checks that both tools report the
same dead links at each size obsidiantools runs at: 1k and 10k pages, since at
50k it would take several minutes. The quick mode uses one vault of 500 pages.

Rows: cold run (empty cache), warm run after one page changed, and the regex
floor (read every page, count ``[[`` with a regex) for 1k, 10k and 50k pages.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import harness

WORDS = ("Queue", "Worker", "Broker", "Retry", "Routing", "Signature", "Backoff")
LINKS_PER_PAGE = 6
DEAD_SHARE = 0.02
CODE_SHARE = 0.1

#: Writes the dead links obsidiantools finds to the file named by argv[2], so
#: the timed run also gives the list the two tools are compared on.
OBSIDIANTOOLS = (
    "import pathlib, sys, obsidiantools.api as o\n"
    "vault = o.Vault(pathlib.Path(sys.argv[1])).connect()\n"
    "text = '\\n'.join(sorted(vault.nonexistent_notes))\n"
    "pathlib.Path(sys.argv[2]).write_text(text, encoding='utf-8')\n"
)
REGEX_FLOOR = (
    "import pathlib, re, sys\n"
    "pattern = re.compile(r'\\[\\[')\n"
    "count = sum(len(pattern.findall(p.read_text('utf-8')))"
    " for p in pathlib.Path(sys.argv[1]).rglob('*.md'))\n"
    "print(count)\n"
)
CHECKS = "DOC001,DOC002,DOC003,DOC004,DOC005"
#: Pages of the one vault of the quick mode. CI runs every module's quick mode
#: within two minutes, and obsidiantools alone takes several seconds at 1k.
QUICK_SIZE = 500


def page_name(index: int) -> str:
    return f"Topic {index} {WORDS[index % len(WORDS)]}"


def make_vault(root: Path, pages: int, seed: int = 7) -> Path:
    """Write a synthetic vault of ``pages`` pages under ``root/docs``."""
    generator = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    for index in range(pages):
        folder = docs / f"area-{index % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{page_name(index)}.md").write_text(
            _page_text(generator, index, pages), encoding="utf-8"
        )
    (root / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nroots = ["docs"]\n', encoding="utf-8"
    )
    return root


def _page_text(generator: random.Random, index: int, pages: int) -> str:
    lines = [f"# {page_name(index)}", "", "Some prose about the migration.", ""]
    for number in range(LINKS_PER_PAGE):
        if generator.random() < DEAD_SHARE:
            target = f"Missing {index} {number} Note"
        else:
            target = page_name(generator.randrange(pages))
        lines.append(f"- See [[{target}]] for the details of step {number}.")
    if generator.random() < CODE_SHARE:
        lines += ["", "```markdown", "[[Not A Link]] inside code", "```"]
    return "\n".join(lines) + "\n"


def our_dead_links(root: Path) -> set[str]:
    completed = subprocess.run(
        [*_ours(root), "--no-cache", "--select", "DOC001", "--format", "concise"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        line.split("[[", 1)[1].split("]]", 1)[0]
        for line in completed.stdout.splitlines()
        if " DOC001 " in line
    }


def peer_command(root: Path) -> list[str]:
    """Return the obsidiantools run, which writes its dead links to `peer_output`."""
    return [
        sys.executable,
        "-c",
        OBSIDIANTOOLS,
        str(root / "docs"),
        str(peer_output(root)),
    ]


def peer_output(root: Path) -> Path:
    return root.with_name(f"{root.name}-obsidiantools.txt")


def peer_dead_links(root: Path) -> set[str]:
    """Return the dead links of the last `peer_command` run on ``root``."""
    text = peer_output(root).read_text(encoding="utf-8")
    return set(text.split("\n")) - {""}


def _ours(root: Path) -> list[str]:
    return harness.crucible_checks_command("run", str(root))


def run(quick: bool) -> list[dict[str, Any]]:
    sizes = (QUICK_SIZE,) if quick else (1_000, 10_000, 50_000)
    rows: list[dict[str, Any]] = []
    for size in sizes:
        root = make_vault(harness.work_dir(f"docs-vault-{size}"), size)
        rows += _measure_size(root, size, quick)
    return rows


def _measure_size(root: Path, size: int, quick: bool) -> list[dict[str, Any]]:
    peer = size <= 10_000 and _has_obsidiantools()
    peer_rows: list[dict[str, Any]] = []
    note = ""
    if peer:
        peer_rows = _peer(root, size, repeat=1 if quick or size >= 10_000 else 2)
        note = _compare_dead_links(root, size)
    repeat = 1 if quick or size >= 50_000 else 3
    rows = [
        _cold(root, size, repeat, note),
        _warm(root, size, repeat),
        harness.row(
            "docs checks, cold cache",
            "regex floor",
            size,
            harness.measure_command(
                [sys.executable, "-c", REGEX_FLOOR, str(root / "docs")], repeat=repeat
            ),
            unit="pages",
            note="read every page and find [[ with a regex",
            peer="",
        ),
    ]
    return rows + peer_rows


def _peer(root: Path, size: int, repeat: int) -> list[dict[str, Any]]:
    measurement = harness.measure_command(
        peer_command(root), repeat=repeat, timeout=900
    )
    return [
        harness.row(
            benchmark,
            "obsidiantools",
            size,
            measurement,
            unit="pages",
            note="no cache: every run parses every page",
        )
        for benchmark in (
            "docs checks, cold cache",
            "docs checks, warm after one change",
        )
    ]


def _compare_dead_links(root: Path, size: int) -> str:
    """Return the row note if both tools report the same dead links, else raise."""
    ours, theirs = our_dead_links(root), peer_dead_links(root)
    if ours != theirs:
        raise harness.BenchmarkError(
            f"dead links differ at {size} pages: only ours "
            f"{sorted(ours - theirs)[:5]}, only obsidiantools "
            f"{sorted(theirs - ours)[:5]}"
        )
    return f"both report the same {len(ours)} dead links"


def _cold(root: Path, size: int, repeat: int, note: str) -> dict[str, Any]:
    cache = root / ".crucible_checks_cache"
    measurement = harness.measure_command(
        [*_ours(root), "--select", CHECKS, "--format", "concise"],
        repeat=repeat,
        ok_codes=(0, 1),
        before_each=lambda: shutil.rmtree(cache, ignore_errors=True),
    )
    return harness.row(
        "docs checks, cold cache",
        harness.OUR_TOOL,
        size,
        measurement,
        unit="pages",
        note=note,
    )


def _warm(root: Path, size: int, repeat: int) -> dict[str, Any]:
    page = root / "docs" / "area-0" / f"{page_name(0)}.md"
    counter = iter(range(1_000_000))

    def change_one_page() -> None:
        with page.open("a", encoding="utf-8") as handle:
            handle.write(f"\nEdit {next(counter)} links [[{page_name(1)}]].\n")

    measurement = harness.measure_command(
        [*_ours(root), "--select", CHECKS, "--format", "concise"],
        repeat=repeat,
        warmup=1,
        ok_codes=(0, 1),
        before_each=change_one_page,
    )
    return harness.row(
        "docs checks, warm after one change",
        harness.OUR_TOOL,
        size,
        measurement,
        unit="pages",
        note="cache kept; one page appended to before each run",
    )


def _has_obsidiantools() -> bool:
    try:
        import obsidiantools  # noqa: F401 - only checks that the peer is installed.
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(
            f"{result['benchmark']:40} {result['tool']:16} {result['size']:>6} "
            f"{min(result['times']):8.2f} s  {result['peak_mb'] or 0:7.0f} MiB  "
            f"{result['note']}"
        )
