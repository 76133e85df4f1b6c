"""Queue checks on generated Celery projects of 1k and 10k Python files.

Each generated module defines two tasks and sends to a queue chosen from eight
with ``apply_async(queue=...)``, a tenth of them through a conditional
expression; every fiftieth module pushes to a Redis list. A Procfile and a
compose file start workers for six of the eight queues, so the run must
report the other two (QUE001) and the one list that nothing reads (QUE003);
the module checks those findings before timing.

Rows: cold run (``--no-cache``) and warm run (cache filled, one file touched),
and a floor that only parses every file with ``ast.parse``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import harness

QUEUES = ("mail", "sms", "reports", "billing", "search", "media", "orphan", "lost")
CONSUMED = QUEUES[:6]
PARSE_FLOOR = (
    "import ast, pathlib, sys\n"
    "for path in pathlib.Path(sys.argv[1]).rglob('*.py'):\n"
    "    ast.parse(path.read_text('utf-8'))\n"
)


def _module(index: int) -> str:
    queue = QUEUES[index % len(QUEUES)]
    lines = [
        "from app.celery_app import app",
        "",
        f'QUEUE = "{queue}"',
        "",
        "@app.task",
        f"def task_{index}(value):",
        "    return value",
        "",
        f'@app.task(queue="{CONSUMED[index % len(CONSUMED)]}")',
        f"def other_{index}(value):",
        "    return value",
        "",
        "def send(value, urgent):",
        f"    task_{index}.apply_async(args=[value], queue=QUEUE)",
    ]
    if index % 10 == 0:
        lines.append(
            f'    other_{index}.apply_async(queue="mail" if urgent else "sms")'
        )
    if index % 50 == 0:
        lines.append(f'    app.redis.lpush("jobs-{index % 100}", value)')
        lines.append('    app.redis.brpop("jobs-0")')
    return "\n".join(lines) + "\n"


def generate(root: Path, files: int) -> None:
    """Write a project with ``files`` Python modules in folders of 100."""
    (root / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nselect = ["QUE001", "QUE003"]\n'
    )
    app = root / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "celery_app.py").write_text(
        'from celery import Celery\napp = Celery("app")\n'
    )
    for index in range(files):
        folder = app / f"part{index // 100}"
        if index % 100 == 0:
            folder.mkdir()
            (folder / "__init__.py").write_text("")
        (folder / f"module{index}.py").write_text(_module(index))
    worker = "celery -A app.celery_app worker -Q {} -c 2"
    (root / "Procfile").write_text(
        "".join(f"{q}: {worker.format(q)}\n" for q in CONSUMED[:3])
    )
    services = "".join(
        f"  {q}:\n    command: {worker.format(q)}\n" for q in CONSUMED[3:]
    )
    (root / "docker-compose.yml").write_text("services:\n" + services)


def _verify(root: Path, files: int) -> None:
    import subprocess

    argv = harness.crucible_checks_command("run", str(root), "--no-cache")
    completed = subprocess.run(argv, capture_output=True, text=True, check=False)
    found = completed.stdout.splitlines()[:-1]
    codes = sorted(line.split(": ", 1)[1].split("'")[1] for line in found)
    expected = sorted(["orphan", "lost"] + (["jobs-50"] if files > 50 else []))
    if codes != expected:
        raise harness.BenchmarkError(f"unexpected findings: {completed.stdout[-2000:]}")


def run(quick: bool) -> list[dict[str, Any]]:
    sizes = (500,) if quick else (1000, 10000)
    repeat = 1 if quick else 3
    rows: list[dict[str, Any]] = []
    for size in sizes:
        root = harness.work_dir(f"queues-{size}")
        generate(root, size)
        _verify(root, size)
        command = harness.crucible_checks_command("run", str(root))
        cold = harness.measure_command(
            [*command, "--no-cache"], repeat=repeat, ok_codes=(1,)
        )
        rows.append(
            harness.row(
                "queue checks, cold", "crucible-checks", size, cold, unit="files"
            )
        )
        touched = root / "app" / "part0" / "module1.py"
        text = touched.read_text()

        def touch(path: Path = touched, content: str = text) -> None:
            path.write_text(content)

        warm = harness.measure_command(
            command, repeat=repeat, warmup=1, ok_codes=(1,), before_each=touch
        )
        rows.append(
            harness.row(
                "queue checks, warm", "crucible-checks", size, warm, unit="files"
            )
        )
        floor = harness.measure_command(
            [sys.executable, "-c", PARSE_FLOOR, str(root)], repeat=repeat
        )
        rows.append(
            harness.row(
                "queue checks, cold",
                "ast.parse floor",
                size,
                floor,
                unit="files",
                note="parses every file and does nothing else",
            )
        )
    return rows


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
