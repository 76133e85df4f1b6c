"""The Celery task family plugin: signatures, references and task policy.

It imports metadata only. Each check's code is imported when the check first
runs, and the ``tasks`` command's code when the command runs.
"""

from __future__ import annotations

from crucible_checks.celery import rules
from crucible_checks.celery.command import TasksCommand
from crucible_checks.celery.settings import OPTIONS
from crucible_checks.checks import Check, DeferredCheck, Family
from crucible_checks.commands import Command
from crucible_checks.hookspecs import hookimpl

_COMPAT = "crucible_checks.celery.compat_checks"
_INDEX = "crucible_checks.celery.index_checks"
_CALLS = "crucible_checks.celery.call_checks"
_POLICY = "crucible_checks.celery.policy_checks"
_REGISTRY = "crucible_checks.celery.registry_check"


@hookimpl
def crucible_checks_families() -> list[Family]:
    return [
        Family(
            "celery",
            "Celery task signatures, task references and task policy.",
            OPTIONS,
        )
    ]


@hookimpl
def crucible_checks_checks() -> list[Check]:
    return [
        DeferredCheck(rules.TASK_REMOVED, f"{_COMPAT}:TaskRemoved"),
        DeferredCheck(
            rules.REQUIRED_PARAMETER_ADDED, f"{_COMPAT}:RequiredParameterAdded"
        ),
        DeferredCheck(rules.PARAMETER_REMOVED, f"{_COMPAT}:ParameterRemoved"),
        DeferredCheck(rules.PARAMETERS_REORDERED, f"{_COMPAT}:ParametersReordered"),
        DeferredCheck(rules.PARAMETER_RENAMED, f"{_COMPAT}:ParameterRenamed"),
        DeferredCheck(rules.BIND_CHANGED, f"{_COMPAT}:BindChanged"),
        DeferredCheck(rules.SERIALIZER_CHANGED, f"{_COMPAT}:SerializerChanged"),
        DeferredCheck(rules.QUEUE_CHANGED, f"{_COMPAT}:QueueChanged"),
        DeferredCheck(rules.TASK_ADDED, f"{_COMPAT}:TaskAdded"),
        DeferredCheck(
            rules.OPTIONAL_PARAMETER_ADDED, f"{_COMPAT}:OptionalParameterAdded"
        ),
        DeferredCheck(rules.DEFAULT_REMOVED, f"{_COMPAT}:DefaultRemoved"),
        DeferredCheck(
            rules.PARAMETER_MADE_KEYWORD_ONLY, f"{_COMPAT}:ParameterMadeKeywordOnly"
        ),
        DeferredCheck(
            rules.PARAMETER_MADE_POSITIONAL, f"{_COMPAT}:ParameterMadePositional"
        ),
        DeferredCheck(
            rules.PARAMETER_MADE_POSITIONAL_ONLY,
            f"{_COMPAT}:ParameterMadePositionalOnly",
        ),
        DeferredCheck(
            rules.PARAMETER_NO_LONGER_POSITIONAL_ONLY,
            f"{_COMPAT}:ParameterNoLongerPositionalOnly",
        ),
        DeferredCheck(rules.DUPLICATE, f"{_INDEX}:DuplicateTaskName"),
        DeferredCheck(rules.SKIPPED, f"{_INDEX}:PythonFileSkipped"),
        DeferredCheck(rules.CALL_MISMATCH, f"{_CALLS}:TaskCallMismatch"),
        DeferredCheck(rules.UNKNOWN_TASK, f"{_CALLS}:UnknownTaskName"),
        DeferredCheck(rules.DEAD_ROUTE, f"{_CALLS}:UnmatchedTaskRoute"),
        DeferredCheck(rules.TIME_LIMITS, f"{_POLICY}:SoftTimeLimitNotBelowTimeLimit"),
        DeferredCheck(rules.RETRY_WITHOUT_BIND, f"{_POLICY}:RetryWithoutBind"),
        DeferredCheck(rules.BOUND_WITHOUT_SELF, f"{_POLICY}:BoundTaskWithoutSelf"),
        DeferredCheck(
            rules.BACKOFF_WITHOUT_AUTORETRY, f"{_POLICY}:BackoffWithoutAutoretry"
        ),
        DeferredCheck(rules.MAX_RETRIES_UNUSED, f"{_POLICY}:MaxRetriesWithoutRetry"),
        DeferredCheck(
            rules.DELAY_OVER_VISIBILITY, f"{_POLICY}:DelayExceedsVisibilityTimeout"
        ),
        DeferredCheck(rules.REDIS_PRIORITY, f"{_POLICY}:RedisPriorityScale"),
        DeferredCheck(rules.AMQP_NO_MAX_PRIORITY, f"{_POLICY}:QueueWithoutMaxPriority"),
        DeferredCheck(rules.REGISTRY_MISMATCH, f"{_REGISTRY}:AppRegistryMismatch"),
    ]


@hookimpl
def crucible_checks_commands() -> list[Command]:
    return [TasksCommand()]
