"""The static task index: tasks, signatures, options, call sites and settings."""

from __future__ import annotations

import textwrap
from pathlib import Path

from crucible_checks.celery.index import TaskIndex, task_index
from crucible_checks.celery.model import Expr, QueueDeclaration, RegexKey
from crucible_checks.run import RunOptions, build_project
from crucible_checks.session import Session


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def index_of(root: Path, config: str = "") -> TaskIndex:
    (root / "crucible-checks.toml").write_text(config)
    session = Session.create(start=root)
    return task_index(build_project(session, RunOptions(use_cache=False)))


def test_decorator_forms(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "proj/__init__.py": "",
            "proj/tasks.py": """
                import celery
                from celery import shared_task
                from proj.app import app

                @app.task
                def a(x): ...

                @app.task(name="custom.b", queue="high")
                def b(x, y=1): ...

                @shared_task
                def c(): ...

                @shared_task(bind=True)
                def d(self, eval_id): ...

                @celery.shared_task()
                def e(): ...

                def not_a_task(): ...
            """,
        },
    )
    index = index_of(tmp_path)
    assert sorted(index.names) == [
        "custom.b",
        "proj.tasks.a",
        "proj.tasks.c",
        "proj.tasks.d",
        "proj.tasks.e",
    ]
    b = index.named("custom.b")[0]
    assert b.function == "proj.tasks.b"
    assert b.options == {"queue": "high"}
    assert (b.path, b.line) == ("proj/tasks.py", 10)
    d = index.named("proj.tasks.d")[0]
    assert d.bind is True
    assert d.signature.render() == "(eval_id)"
    assert d.first_parameter == "self"


def test_parameter_kinds(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "t.py": """
                from celery import shared_task

                @shared_task
                def f(a, /, b, c=3, *args, d, e=None, **kwargs): ...
            """
        },
    )
    task = index_of(tmp_path).named("t.f")[0]
    assert task.signature.render() == "(a, /, b, c=3, *args, d, e=None, **kwargs)"
    kinds = [p.kind for p in task.signature.parameters]
    assert kinds == [
        "positional-only",
        "positional",
        "positional",
        "var-positional",
        "keyword-only",
        "keyword-only",
        "var-keyword",
    ]


def test_options_of_seed_retry_task(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/tasks.py": """
                from app.celery import app

                TIMEOUT = 60 * 10

                @app.task(
                    bind=True,
                    max_retries=3,
                    soft_time_limit=300,
                    time_limit=TIMEOUT,
                    retry_backoff=True,
                    retry_jitter=True,
                    autoretry_for=(IOError,),
                    acks_late=True,
                    serializer="json",
                    base=BaseTask,
                    default_retry_delay=30,
                    routing_key="eval.run",
                    priority=5,
                )
                def evaluate_code(self, eval_id, code, language):
                    raise self.retry(countdown=5)
            """
        },
    )
    task = index_of(tmp_path).named("app.tasks.evaluate_code")[0]
    assert task.options == {
        "max_retries": 3,
        "soft_time_limit": 300,
        "time_limit": 600,
        "retry_backoff": True,
        "retry_jitter": True,
        "autoretry_for": (Expr("IOError"),),
        "acks_late": True,
        "serializer": "json",
        "base": Expr("BaseTask"),
        "default_retry_delay": 30,
        "routing_key": "eval.run",
        "priority": 5,
    }
    assert [(r.receiver, r.line, r.countdown) for r in task.retry_calls] == [
        ("self", 22, 5)
    ]


def test_aliases_and_configured_decorators(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/core.py": """
                from functools import partial
                from celery import shared_task

                retrying_task = shared_task(bind=True, max_retries=5)
                low_task = partial(shared_task, queue="low")

                def traced_task(*args, **options):
                    def wrap(function):
                        return shared_task(acks_late=True, **options)(function)
                    return wrap
            """,
            "pkg/jobs.py": """
                from pkg.core import retrying_task, low_task, traced_task
                from pkg.util import project_task

                @retrying_task
                def one(self, x): ...

                @low_task(name="two")
                def two(y): ...

                @traced_task(queue="q")
                def three(): ...

                @project_task
                def four(z): ...

                @unrelated
                def five(): ...
            """,
        },
    )
    index = index_of(
        tmp_path, '[celery]\ntask-decorators = ["pkg.util.project_task"]\n'
    )
    assert sorted(index.names) == [
        "pkg.jobs.four",
        "pkg.jobs.one",
        "pkg.jobs.three",
        "two",
    ]
    one = index.named("pkg.jobs.one")[0]
    assert one.bind is True
    assert one.signature.render() == "(x)"
    assert one.options == {"max_retries": 5}
    assert index.named("two")[0].options == {"queue": "low"}
    assert index.named("pkg.jobs.three")[0].options == {
        "acks_late": True,
        "queue": "q",
    }


def test_task_classes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/svc/__init__.py": "",
            "src/svc/work.py": """
                from celery import Task

                class Base(Task):
                    max_retries = 2

                class Import(Task):
                    name = "svc.import"
                    queue = "imports"

                    def run(self, source, *, dry_run=False): ...

                class Export(Base):
                    def run(self, target): ...

                app.register_task(Import())
            """,
        },
    )
    index = index_of(tmp_path)
    assert sorted(index.names) == ["svc.import"]
    task = index.named("svc.import")[0]
    assert task.kind == "class"
    assert task.signature.render() == "(source, *, dry_run=False)"
    assert task.options == {"queue": "imports"}


def test_import_roots_name_tasks(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "services/api/app/tasks.py": """
                from celery import shared_task

                @shared_task
                def job(): ...
            """
        },
    )
    assert index_of(tmp_path).names == {"services.api.app.tasks.job"}
    configured = index_of(tmp_path, '[celery]\nimport-roots = ["services/api"]\n')
    assert configured.names == {"app.tasks.job"}


def test_call_sites_resolved(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/tasks.py": """
                from celery import shared_task

                @shared_task
                def run(a, b): ...
            """,
            "app/producer.py": """
                from celery import chain, signature
                from app.tasks import run
                from . import tasks

                def go(data, extra):
                    run.delay(1, b=2)
                    tasks.run.apply_async(args=(1,), kwargs={"b": 2}, countdown=10)
                    run.apply_async(args=data)
                    run.s(1).delay()
                    chain(run.s(1, 2), run.s(3))()
                    run.si(*extra)
                    signature("app.tasks.run", args=(1, 2), queue="high")
                    current_app.send_task("other.name", kwargs=extra)
            """,
        },
    )
    calls = [
        (c.line, c.method, c.target, c.positional, c.keywords, c.partial, c.options)
        for c in index_of(tmp_path).calls
        if c.path == "app/producer.py"
    ]
    assert sorted(calls) == [
        (7, "delay", "app.tasks.run", 1, ("b",), False, {}),
        (8, "apply_async", "app.tasks.run", 1, ("b",), False, {"countdown": 10}),
        (9, "apply_async", "app.tasks.run", None, (), False, {}),
        (10, "s", "app.tasks.run", 1, (), False, {}),
        (11, "s", "app.tasks.run", 1, (), True, {}),
        (11, "s", "app.tasks.run", 2, (), True, {}),
        (12, "si", "app.tasks.run", None, (), False, {}),
        (13, "signature", "app.tasks.run", 2, (), False, {"queue": "high"}),
        (14, "send_task", "other.name", 0, None, False, {}),
    ]


def test_app_config_sources(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/celery.py": """
                import re
                from celery import Celery
                from kombu import Queue

                app = Celery("app", broker="redis://127.0.0.1:6379/3",
                             task_default_queue="normal")
                app.conf.update(
                    task_routes=[
                        {"app.tasks.*": {"queue": "normal"}},
                        {re.compile(r"app\\.batch\\..*"): "batch"},
                    ],
                    task_queues=(
                        Queue("normal"),
                        Queue("high", queue_arguments={"x-max-priority": 10}),
                    ),
                )
                app.conf.broker_transport_options = {"visibility_timeout": 600}
                app.conf.beat_schedule = {
                    "cleanup": {"task": "app.tasks.cleanup", "schedule": 60.0},
                }
            """,
            "web/settings.py": """
                CELERY_TASK_ROUTES = {"web.tasks.send": {"queue": "mail"}}
            """,
        },
    )
    config = index_of(tmp_path).config
    assert config.broker_scheme == "redis"
    assert config.is_redis
    assert config.default_queue == "normal"
    assert config.visibility_timeout == 600.0
    assert [(r.key, r.queue) for r in config.routes] == [
        ("app.tasks.*", "normal"),
        (RegexKey(r"app\.batch\..*"), "batch"),
        ("web.tasks.send", "mail"),
    ]
    assert config.queues == [
        QueueDeclaration("normal", None, {}, 14),
        QueueDeclaration("high", None, {"x-max-priority": 10}, 15),
    ]
    assert [(e.entry, e.task) for e in config.beat_entries] == [
        ("cleanup", "app.tasks.cleanup")
    ]


def test_syntax_error_file_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.py": "from celery import shared_task\n\n@shared_task\ndef ok(): ...\n",
            "b.py": "from celery import shared_task\ndef broken(:\n",
        },
    )
    index = index_of(tmp_path)
    assert index.names == {"a.ok"}
    assert [(s.path, s.line) for s in index.skipped] == [("b.py", 2)]
    assert index.skipped[0].reason.startswith("syntax error")
