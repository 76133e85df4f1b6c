"""The options of the parity family, read from ``[tool.crucible-checks.parity]``."""

from __future__ import annotations

from crucible_checks.checks import Option

PARITY_OPTIONS = (
    Option(
        "celery-app", str, "", "Import path of the Celery app, as 'module:attribute'."
    ),
    Option(
        "legacy-worker",
        str,
        "",
        "The legacy BRPOP loop as 'module:function', called with no arguments "
        "in a child process whose REDIS_URL points at the test Redis.",
    ),
    Option("legacy-queue", str, "", "Redis list the legacy path pushes jobs onto."),
    Option(
        "result-key",
        str,
        "",
        "Redis key where the legacy worker stores a job's JSON result; "
        "fields of the job fill placeholders such as '{eval_id}'.",
    ),
    Option("task", str, "", "Name of the Celery task that replaces the legacy path."),
    Option(
        "task-args",
        list,
        [],
        "Job fields passed to the task as positional arguments, in order.",
    ),
    Option("task-queue", str, "celery", "Celery queue the parity jobs are sent to."),
    Option(
        "job-id-field",
        str,
        "job_id",
        "Job field that holds the job id; each case gets a fresh id.",
    ),
    Option(
        "producer",
        str,
        "",
        "Dual-write producer as 'module:function', for the dual-write check.",
    ),
    Option(
        "ignore",
        list,
        [],
        "Key paths left out of the comparison, such as 'finished_at' or 'items.*.id'.",
    ),
    Option(
        "float-tolerance", float, 0.0, "Largest absolute difference of equal floats."
    ),
    Option(
        "unordered",
        list,
        [],
        "Key paths of lists compared without regard to order ('.' is the root).",
    ),
    Option(
        "calibrate",
        bool,
        False,
        "Run the legacy path twice per case and ignore the fields that differ.",
    ),
    Option("timeout", float, 10.0, "Seconds to wait for each result."),
    Option(
        "cases",
        str,
        "",
        "TOML file of parity cases: [[case]] tables of job fields, relative to "
        "the project root.",
    ),
    Option(
        "url-env",
        list,
        ["REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"],
        "Environment variables set to the test Redis URL before the project is "
        "imported and in the legacy worker's environment.",
    ),
    Option(
        "import-paths",
        list,
        ["."],
        "Folders, relative to the project root, put on sys.path to import the project.",
    ),
)
