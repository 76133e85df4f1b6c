"""PAR001: run the parity cases through both queues and report mismatches.

Off by default, because it starts a Redis server, a Celery worker thread and
the project's legacy worker, and imports the project's Celery app.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from crucible_checks.checks import OptionValue
from crucible_checks.errors import ConfigError, PluginError
from crucible_checks.findings import Finding
from crucible_checks.parity.cases import ParityCase, load_cases
from crucible_checks.parity.celery_worker import configure_app, start_thread_worker
from crucible_checks.parity.errors import ParityError
from crucible_checks.parity.imports import add_import_paths, resolve_celery_app
from crucible_checks.parity.info import PARITY_MISMATCH
from crucible_checks.parity.legacy_worker import start_legacy_worker
from crucible_checks.parity.redis_server import start_redis
from crucible_checks.parity.runner import ParityRunner
from crucible_checks.parity.spec import ParitySpec
from crucible_checks.project import Project

CELERY_URL_VARIABLES = ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")


class ParityCheck:
    """Compares the legacy queue and Celery on each configured case."""

    info = PARITY_MISMATCH

    def run(
        self, project: Project, options: Mapping[str, OptionValue]
    ) -> Iterable[Finding]:
        settings = project.family_options("parity")
        try:
            spec = ParitySpec.from_options(settings)
        except ParityError as error:
            raise ConfigError(f"{project.config.source}: {error}") from None
        cases, cases_path = _cases(project, settings)
        if not cases:
            return []
        try:
            return list(_run(project, settings, spec, cases, cases_path))
        except ParityError as error:
            raise PluginError("parity", str(error)) from None


def _cases(
    project: Project, settings: Mapping[str, OptionValue]
) -> tuple[list[ParityCase], str]:
    cases: list[ParityCase] = []
    path = str(settings["cases"])
    if path:
        try:
            cases = load_cases(project.root / path)
        except ParityError as error:
            raise ConfigError(str(error)) from None
    if project.pluginmanager is not None:
        hook = getattr(project.pluginmanager.hook, "crucible_checks_parity_cases", None)
        if hook is not None:
            for extra in hook(project=project):
                cases.extend(extra)
    config_path = project.config.path
    default = config_path.name if config_path else "pyproject.toml"
    return cases, path or default


def _run(
    project: Project,
    settings: Mapping[str, OptionValue],
    spec: ParitySpec,
    cases: list[ParityCase],
    cases_path: str,
) -> Iterator[Finding]:
    with _services(project, settings, spec) as runner:
        for case in cases:
            try:
                outcome = runner.run_case(case.fields, case.id)
            except ParityError as error:
                yield _finding(cases_path, case, spec, str(error))
                continue
            if not outcome.equal:
                yield _finding(cases_path, case, spec, outcome.report(spec.task))


def _finding(path: str, case: ParityCase, spec: ParitySpec, text: str) -> Finding:
    message = (
        text if text.startswith(spec.task) else f"{spec.task} case {case.id!r}: {text}"
    )
    return Finding(
        path,
        case.line,
        1,
        PARITY_MISMATCH.code,
        message,
        subject=f"{spec.task}:{case.id}",
    )


@contextmanager
def _services(
    project: Project, settings: Mapping[str, OptionValue], spec: ParitySpec
) -> Iterator[ParityRunner]:
    import redis

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = start_redis(folder / "redis")
        stack.callback(server.stop)
        url = f"{server.url}/0"
        # Celery reads its two variables before its own settings.
        names = [*_list(settings["url-env"]), *CELERY_URL_VARIABLES]
        stack.enter_context(_environment(dict.fromkeys(names, url)))
        paths = add_import_paths(project.root, _list(settings["import-paths"]))
        app = resolve_celery_app(str(settings["celery-app"]))
        configure_app(app, url, url)
        worker = start_thread_worker(app, [spec.task_queue])
        stack.callback(worker.stop)
        client = redis.Redis.from_url(url)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
        legacy = start_legacy_worker(
            str(settings["legacy-worker"]), folder, env, client
        )
        stack.callback(legacy.stop)
        yield ParityRunner(spec, client, app, legacy, worker.queues)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
