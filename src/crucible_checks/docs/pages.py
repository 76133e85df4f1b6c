"""Reading the page records of a run: from the cache, else parsed in parallel."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from crucible_checks.cache import content_hash
from crucible_checks.docs.plain_pages import read_plain_page
from crucible_checks.docs.records import PageRecord
from crucible_checks.docs.settings import DocsSettings
from crucible_checks.files import SourceFile
from crucible_checks.parallel import MIN_PARALLEL_ITEMS, map_parallel
from crucible_checks.project import MAX_FILE_SIZE, Project

CACHE_NAMESPACE = "docs-pages"
#: Raise when `PageRecord` or the parser changes, so old cache entries are dropped.
RECORD_VERSION = 8
#: Pages a worker reads before sending their records back.
_WORKER_CHUNK = 200


def read_records(
    project: Project,
    settings: DocsSettings,
    files: Sequence[SourceFile] | None = None,
) -> dict[str, PageRecord]:
    """Return the record of every readable page under the docs root, or of
    the pages among ``files`` only.

    A page that cannot be read or decoded is left out; `project.read_text`
    records it as an unreadable-file finding.
    """
    cache = project.cache(CACHE_NAMESPACE, [RECORD_VERSION, settings.alias_first])
    records: dict[str, PageRecord] = {}
    missing: list[SourceFile] = []
    for file in page_files(project, settings) if files is None else files:
        cached = cache.get(file)
        if cached is None:
            missing.append(file)
        else:
            records[file.relative] = cached
    if len(missing) >= MIN_PARALLEL_ITEMS:
        missing = _read_in_workers(project, settings, missing, records)
    _read_here(project, settings, missing, records)
    return records


def _read_in_workers(
    project: Project,
    settings: DocsSettings,
    files: list[SourceFile],
    records: dict[str, PageRecord],
) -> list[SourceFile]:
    """Read and parse pages in worker processes, which read the files
    themselves; return the pages they could not read, for `_read_here`."""
    cache = project.cache(CACHE_NAMESPACE, [RECORD_VERSION, settings.alias_first])
    readable = [file for file in files if file.size <= MAX_FILE_SIZE]
    items = [(file.location, settings.alias_first) for file in readable]
    left = [file for file in files if file.size > MAX_FILE_SIZE]
    # Small chunks keep each worker's memory low: at 50k pages, a worker
    # holding a quarter of the records doubles what it costs.
    results = map_parallel(_read_page, items, max_chunk=_WORKER_CHUNK)
    for file, (digest, record) in zip(readable, results, strict=True):
        if record is None:
            left.append(file)  # Read again here, to report why it failed.
        else:
            cache.put(file, digest, record)
            records[file.relative] = record
    return left


def _read_page(item: tuple[str, bool]) -> tuple[str, PageRecord | None]:
    """Return the content hash and record of the page at a path, or no
    record when it cannot be read or decoded."""
    location, alias_first = item
    try:
        data = Path(location).read_bytes()
        if b"\0" in data[:8192]:
            return "", None
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return "", None
    record = read_plain_page(text, alias_first)
    if record is None:
        record = _parse((text, alias_first))
    return content_hash(data), record


def _read_here(
    project: Project,
    settings: DocsSettings,
    files: list[SourceFile],
    records: dict[str, PageRecord],
) -> None:
    """Read pages in this process, and parse the ones with markup beyond the
    line scan in worker processes."""
    cache = project.cache(CACHE_NAMESPACE, [RECORD_VERSION, settings.alias_first])
    pending: list[tuple[SourceFile, str, str]] = []
    for file in files:
        data = project.read_bytes(file)
        if data is None:
            continue
        digest = content_hash(data)
        cached = cache.get_by_hash(file, digest)
        if cached is not None:
            records[file.relative] = cached
            continue
        text = project.decode(file, data)
        if text is None:
            continue
        # A plain page is read here: the line scan costs less than sending
        # the page to a worker process and its record back.
        record = read_plain_page(text, settings.alias_first)
        if record is None:
            pending.append((file, digest, text))
        else:
            cache.put(file, digest, record)
            records[file.relative] = record
    items = [(text, settings.alias_first) for _file, _digest, text in pending]
    for (file, digest, _text), record in zip(
        pending, map_parallel(_parse, items), strict=True
    ):
        cache.put(file, digest, record)
        records[file.relative] = record


def _parse(item: tuple[str, bool]) -> PageRecord:
    # Imported here: markdown-it and PyYAML load only when a page needs parsing.
    from crucible_checks.docs.parser import parse_page

    text, alias_first = item
    return parse_page(text, alias_first)


def page_files(project: Project, settings: DocsSettings) -> list[SourceFile]:
    return [
        file
        for file in project.files_with_suffix(".md")
        if settings.docs_path(file.relative) is not None
    ]
