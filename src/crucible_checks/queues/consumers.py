"""Collecting the worker command lines of a project, cached per file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crucible_checks.cache import FileCache, content_hash
from crucible_checks.files import SourceFile
from crucible_checks.project import Project
from crucible_checks.queues.consumer_files import file_kind, may_start_worker
from crucible_checks.queues.model import SourceProblem, Worker
from crucible_checks.queues.worker_lines import LineScan, scan_text
from crucible_checks.queues.yaml_workers import scan_yaml


@dataclass(frozen=True)
class WorkerScan:
    """Every worker command line found in a project, and the files that failed."""

    workers: tuple[Worker, ...]
    problems: tuple[SourceProblem, ...]


def collect_workers(project: Project, environment: Mapping[str, str]) -> WorkerScan:
    """Return the workers of every file that may start one."""
    cache = project.cache("queues.workers", sorted(environment.items()))
    workers: list[Worker] = []
    problems: list[SourceProblem] = []
    for file in project.files:
        kind = file_kind(file.relative)
        if kind is None:
            continue
        scan = cache.get(file)
        if scan is None:
            scan = _scan_file(project, file, kind, environment, cache)
        if scan is not None:
            workers.extend(scan.workers)
            problems.extend(scan.problems)
    return WorkerScan(tuple(workers), tuple(problems))


def _scan_file(
    project: Project,
    file: SourceFile,
    kind: str,
    environment: Mapping[str, str],
    cache: FileCache,
) -> LineScan | None:
    data = project.read_bytes(file)
    if data is None:
        return None
    digest = content_hash(data)
    cached: LineScan | None = cache.get_by_hash(file, digest)
    if cached is not None:
        return cached
    scan = LineScan([], [])
    if may_start_worker(kind, data):
        text = project.decode(file, data)
        if text is None:
            # Not cached, so every run decodes it again and reports it (CC002).
            return scan
        scan = scan_file_text(file.relative, text, kind, environment)
    cache.put(file, digest, scan)
    return scan


def scan_file_text(
    relative: str, text: str, kind: str, environment: Mapping[str, str]
) -> LineScan:
    """Return the workers a file's text starts, read in the format of ``kind``."""
    if kind == "yaml":
        return scan_yaml(relative, text, environment)
    return scan_text(relative, text, "shell" if kind == "script" else kind, environment)
