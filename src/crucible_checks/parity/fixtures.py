"""Pytest fixtures that run jobs through a legacy Redis queue and Celery.

Registered as its own ``pytest11`` entry point, so the fixtures are always
available. Celery and redis-py are imported only when a fixture needs them.
The project's settings come from ``[tool.crucible-checks.parity]`` in the
pyproject.toml (or crucible-checks.toml) at or above pytest's rootdir.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crucible_checks.checks import Family, OptionValue
from crucible_checks.config import load_config
from crucible_checks.errors import CrucibleError
from crucible_checks.parity.cases import ParityCase, load_cases
from crucible_checks.parity.celery_worker import (
    ChildWorker,
    ThreadWorker,
    configure_app,
    start_child_worker,
    start_thread_worker,
)
from crucible_checks.parity.dual_write import DualWriteReport, verify_dual_write
from crucible_checks.parity.errors import ParityError, ParityTimeout
from crucible_checks.parity.imports import (
    add_import_paths,
    resolve,
    resolve_celery_app,
)
from crucible_checks.parity.legacy_worker import LegacyWorker, start_legacy_worker
from crucible_checks.parity.options import PARITY_OPTIONS
from crucible_checks.parity.redis_server import start_redis
from crucible_checks.parity.runner import CaseOutcome, ParityRunner
from crucible_checks.parity.spec import ParitySpec
from crucible_checks.parity.stats import TaskStats, summary_lines
from crucible_checks.selection import family_options

STATS_KEY = pytest.StashKey[dict[str, TaskStats]]()
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
REDIS_URL_ENV = "CRUCIBLE_PARITY_REDIS_URL"
BROKER_ENV = "CELERY_BROKER_URL"
BACKEND_ENV = "CELERY_RESULT_BACKEND"
WORKER_OUTPUT_KEY = "crucible_parity_stats"
# Keys that kombu's Redis transport keeps for queue bindings; deleting them
# between tests would leave a running worker's queues unbound.
KEPT_KEY_PATTERN = b"_kombu.binding"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("crucible-parity", "queue parity fixtures")
    group.addoption(
        "--parity-redis-url",
        help="Use this Redis server (redis://HOST:PORT) instead of starting one; "
        "the tests delete the keys of the database they use, so never point it "
        f"at a server holding data; also read from ${REDIS_URL_ENV}.",
    )
    group.addoption(
        "--parity-broker",
        choices=("redis", "rabbitmq"),
        help="Celery broker of the parity fixtures (default: redis).",
    )
    group.addoption(
        "--parity-amqp-url", help=f"RabbitMQ URL (default {DEFAULT_AMQP_URL})."
    )
    parser.addini(
        "parity_redis_url", "Redis server for the parity fixtures.", default=""
    )
    parser.addini("parity_broker", "Celery broker: redis or rabbitmq.", default="redis")
    parser.addini("parity_amqp_url", "RabbitMQ URL.", default=DEFAULT_AMQP_URL)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[STATS_KEY] = {}
    config.addinivalue_line(
        "markers",
        "parity_cases(source): parity cases for the parity_case fixture, as a "
        "TOML file path or a list of dicts of job fields",
    )


def _setting(config: pytest.Config, name: str, env: str | None = None) -> str:
    value = config.getoption(f"--parity-{name.replace('_', '-')}")
    if value:
        return str(value)
    if env and os.environ.get(env):
        return os.environ[env]
    return str(config.getini(f"parity_{name}"))


@pytest.fixture(scope="session")
def parity_options(pytestconfig: pytest.Config) -> dict[str, OptionValue]:
    """The ``[tool.crucible-checks.parity]`` options, with defaults filled in."""
    try:
        project = load_config(pytestconfig.rootpath)
        options = family_options(Family("parity", "", PARITY_OPTIONS), project)
    except CrucibleError as error:
        pytest.fail(str(error), pytrace=False)
    add_import_paths(project.root, _strings(options["import-paths"]))
    options["root"] = str(project.root)
    return options


@pytest.fixture(scope="session")
def parity_redis_url(
    pytestconfig: pytest.Config,
    tmp_path_factory: pytest.TempPathFactory,
    parity_options: dict[str, OptionValue],
) -> Iterator[str]:
    """URL of a private Redis database for this session (and xdist worker)."""
    external = _setting(pytestconfig, "redis_url", REDIS_URL_ENV)
    server = None
    if external:
        url = _database_url(external, _xdist_index(pytestconfig) + 1)
    else:
        try:
            server = start_redis(tmp_path_factory.mktemp("redis"))
        except ParityError as error:
            pytest.fail(str(error), pytrace=False)
        url = f"{server.url}/0"
    saved = {name: os.environ.get(name) for name in _strings(parity_options["url-env"])}
    os.environ.update(dict.fromkeys(saved, url))
    yield url
    _restore_environment(saved)
    if server is not None:
        server.stop()


@pytest.fixture
def parity_redis(parity_redis_url: str) -> Iterator[Any]:
    """A redis-py client on the session's database, emptied before each test."""
    import redis

    client = redis.Redis.from_url(parity_redis_url)
    _clear(client)
    yield client
    client.close()


@pytest.fixture(scope="session")
def parity_broker_url(
    pytestconfig: pytest.Config, parity_redis_url: str
) -> Iterator[str]:
    """Broker URL of the Celery app: the test Redis, or RabbitMQ when chosen.

    Celery reads $CELERY_BROKER_URL and $CELERY_RESULT_BACKEND before its
    own settings, so both are set to the test services for the session.
    """
    url = parity_redis_url
    if _setting(pytestconfig, "broker") == "rabbitmq":
        url = _setting(pytestconfig, "amqp_url")
    values = {BROKER_ENV: url, BACKEND_ENV: parity_redis_url}
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    yield url
    _restore_environment(saved)


@pytest.fixture(scope="session")
def parity_celery_app(
    parity_options: dict[str, OptionValue],
    parity_redis_url: str,
    parity_broker_url: str,
) -> Any:
    """The project's Celery app, pointed at the test broker and backend."""
    reference = str(parity_options["celery-app"])
    if not reference:
        pytest.fail("set celery-app in [tool.crucible-checks.parity]", pytrace=False)
    try:
        app = resolve_celery_app(reference)
    except ParityError as error:
        pytest.fail(str(error), pytrace=False)
    configure_app(app, parity_broker_url, parity_redis_url)
    return app


@pytest.fixture
def parity_worker_factory(
    parity_celery_app: Any,
    parity_options: dict[str, OptionValue],
    parity_redis_url: str,
    parity_broker_url: str,
    tmp_path: Path,
) -> Iterator[Callable[..., Any]]:
    """Start Celery workers on named queues for one test.

    ``pool="threads"`` (the default) runs the worker in a thread of the test
    process. ``pool="prefork"`` starts a ``celery worker`` child process,
    which is the only pool that enforces time limits.
    """
    workers: list[Any] = []

    def start(queues: list[str], pool: str = "threads", concurrency: int = 2) -> Any:
        worker: ChildWorker | ThreadWorker
        try:
            if pool == "prefork":
                worker = start_child_worker(
                    str(parity_options["celery-app"]),
                    parity_broker_url,
                    parity_redis_url,
                    queues,
                    tmp_path,
                    concurrency=concurrency,
                    env=_child_env(parity_options, parity_redis_url),
                )
            else:
                worker = start_thread_worker(
                    parity_celery_app, queues, concurrency, pool
                )
        except ParityError as error:
            pytest.fail(str(error), pytrace=False)
        workers.append(worker)
        return worker

    yield start
    for worker in reversed(workers):
        worker.stop()


@pytest.fixture(scope="session")
def parity_celery_worker(
    parity_celery_app: Any, parity_options: dict[str, OptionValue]
) -> Iterator[Any]:
    """A thread worker for the session, consuming the configured task-queue."""
    queues = [str(parity_options["task-queue"])]
    try:
        worker = start_thread_worker(parity_celery_app, queues, concurrency=8)
    except ParityError as error:
        pytest.fail(str(error), pytrace=False)
    yield worker
    worker.stop()


@pytest.fixture
def parity_legacy_factory(
    parity_options: dict[str, OptionValue], parity_redis_url: str, tmp_path: Path
) -> Iterator[Callable[..., LegacyWorker]]:
    """Start the project's legacy loop (or ``reference``) for one test."""
    workers: list[LegacyWorker] = []

    def start(reference: str | None = None) -> LegacyWorker:
        loop = reference or str(parity_options["legacy-worker"])
        if not loop:
            pytest.fail(
                "set legacy-worker in [tool.crucible-checks.parity]", pytrace=False
            )
        env = _child_env(parity_options, parity_redis_url)
        try:
            worker = start_legacy_worker(
                loop, tmp_path, env, _redis_client(parity_redis_url)
            )
        except ParityError as error:
            pytest.fail(str(error), pytrace=False)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture(scope="session")
def parity_legacy_worker(
    parity_options: dict[str, OptionValue],
    parity_redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LegacyWorker]:
    """The project's legacy loop, running for the whole session."""
    loop = str(parity_options["legacy-worker"])
    if not loop:
        pytest.fail("set legacy-worker in [tool.crucible-checks.parity]", pytrace=False)
    folder = tmp_path_factory.mktemp("legacy")
    try:
        worker = start_legacy_worker(
            loop,
            folder,
            _child_env(parity_options, parity_redis_url),
            _redis_client(parity_redis_url),
        )
    except ParityError as error:
        pytest.fail(str(error), pytrace=False)
    yield worker
    worker.stop()


class QueueParity:
    """Runs cases through both paths; `check` fails the test on a mismatch."""

    def __init__(self, runner: ParityRunner, stats: dict[str, TaskStats]) -> None:
        self.runner = runner
        self.stats = stats

    @property
    def spec(self) -> ParitySpec:
        return self.runner.spec

    def run(self, case: ParityCase | dict[str, Any], in_flight: int = 1) -> CaseOutcome:
        """Run one case and return both results and their differences."""
        return self.run_many([case], in_flight)[0]

    def run_many(
        self, cases: list[ParityCase | dict[str, Any]], in_flight: int = 8
    ) -> list[CaseOutcome]:
        """Run cases with up to ``in_flight`` jobs submitted at a time."""
        counts = self.stats.setdefault(self.spec.task, TaskStats())
        fields = [
            case.fields if isinstance(case, ParityCase) else case for case in cases
        ]
        ids = [case.id if isinstance(case, ParityCase) else "" for case in cases]
        counts.cases += len(cases)
        failure = ""
        try:
            outcomes = self.runner.run_cases(fields, ids, in_flight)
        except ParityTimeout as error:
            counts.timeouts += 1
            failure = str(error)
        except ParityError as error:
            counts.errors += 1
            failure = str(error)
        if failure:
            pytest.fail(failure, pytrace=False)
        for outcome in outcomes:
            counts.equal += outcome.equal
            counts.different += not outcome.equal
        return outcomes

    def check(self, case: ParityCase | dict[str, Any]) -> CaseOutcome:
        """Run one case and fail the test with a diff unless both results agree."""
        outcome = self.run(case)
        if not outcome.equal:
            pytest.fail(outcome.report(self.spec.task), pytrace=False)
        return outcome


@pytest.fixture
def queue_parity(
    pytestconfig: pytest.Config,
    parity_options: dict[str, OptionValue],
    parity_redis: Any,
    parity_celery_app: Any,
    parity_celery_worker: Any,
    parity_legacy_worker: LegacyWorker,
) -> QueueParity:
    """Compare the legacy queue and Celery on the configured task."""
    try:
        spec = ParitySpec.from_options(parity_options)
    except ParityError as error:
        pytest.fail(str(error), pytrace=False)
    stats = pytestconfig.stash[STATS_KEY]
    runner = ParityRunner(
        spec,
        parity_redis,
        parity_celery_app,
        parity_legacy_worker,
        parity_celery_worker.queues,
        known_noise=stats.setdefault(spec.task, TaskStats()).noise,
    )
    return QueueParity(runner, stats)


class DualWrite:
    """Calls a producer once and asserts the legacy and Celery messages."""

    def __init__(self, redis: Any, options: dict[str, OptionValue]) -> None:
        self.redis = redis
        self.options = options

    def verify(
        self,
        *args: Any,
        producer: Callable[..., Any] | str | None = None,
        expected_queue: str | None = None,
        **kwargs: Any,
    ) -> DualWriteReport:
        target = producer or str(self.options["producer"])
        if isinstance(target, str):
            target = _resolve_or_fail(target, "producer")
        try:
            spec = ParitySpec.from_options(self.options)
        except ParityError as error:
            pytest.fail(str(error), pytrace=False)
        report = verify_dual_write(
            self.redis, spec, target, args, kwargs, expected_queue
        )
        if not report.ok:
            pytest.fail(
                "dual write failed:\n  " + "\n  ".join(report.problems), pytrace=False
            )
        return report


@pytest.fixture
def dual_write(
    parity_redis: Any, parity_celery_app: Any, parity_options: dict[str, OptionValue]
) -> DualWrite:
    """Verify a dual-write producer; use it with no worker consuming its queues."""
    return DualWrite(parity_redis, parity_options)


@pytest.fixture
def parity_case(request: pytest.FixtureRequest) -> ParityCase:
    """One parity case, parametrized from the parity_cases marker or config."""
    case: ParityCase = request.param
    return case


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "parity_case" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("parity_cases")
    try:
        cases = _cases_for(metafunc.config, marker)
    except ParityError as error:
        raise pytest.UsageError(str(error)) from None
    metafunc.parametrize(
        "parity_case", cases, ids=[case.id for case in cases], indirect=True
    )


def _cases_for(config: pytest.Config, marker: pytest.Mark | None) -> list[ParityCase]:
    source: Any = marker.args[0] if marker and marker.args else None
    if isinstance(source, list):
        return [
            ParityCase(str(item.get("id", f"case-{index + 1}")), dict(item))
            for index, item in enumerate(source)
        ]
    root = config.rootpath
    if source is None:
        project = load_config(root)
        table = project.family_tables.get("parity", {})
        source = table.get("cases")
        root = project.root
        if not source:
            raise ParityError(
                "parity_case needs a parity_cases marker or 'cases' in "
                "[tool.crucible-checks.parity]"
            )
    return load_cases(root / str(source))


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        stats = session.config.stash.get(STATS_KEY, {})
        workeroutput[WORKER_OUTPUT_KEY] = {
            task: counts.to_json() for task, counts in stats.items()
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Add an xdist worker's parity counts to the controller's."""
    data = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY, {})
    stats = node.config.stash[STATS_KEY]
    for task, counts in data.items():
        stats.setdefault(task, TaskStats()).merge(counts)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    stats = config.stash.get(STATS_KEY, {})
    if not stats:
        return
    terminalreporter.write_sep("=", "queue parity")
    for line in summary_lines(stats):
        terminalreporter.write_line(line)


def _redis_client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, decode_responses=True)


def _resolve_or_fail(reference: str, what: str) -> Any:
    try:
        return resolve(reference, what)
    except ParityError as error:
        pytest.fail(str(error), pytrace=False)


def _strings(value: OptionValue) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _child_env(options: dict[str, OptionValue], redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(dict.fromkeys(_strings(options["url-env"]), redis_url))
    root = Path(str(options["root"]))
    paths = [
        str((root / folder).resolve()) for folder in _strings(options["import-paths"])
    ]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    return env


def _xdist_index(config: pytest.Config) -> int:
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else -1


def _database_url(url: str, database: int) -> str:
    """Return ``url`` with its database set to ``database`` (0 to 15)."""
    base = url.rstrip("/")
    head, _, tail = base.rpartition("/")
    if tail.isdigit() and head.count("/") >= 2:
        base = head
    return f"{base}/{database % 16}"


def _clear(client: Any) -> None:
    keys = [
        key
        for key in client.scan_iter(count=1000)
        if not key.startswith(KEPT_KEY_PATTERN)
    ]
    if keys:
        client.delete(*keys)


def _restore_environment(saved: dict[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
