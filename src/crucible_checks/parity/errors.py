"""Errors of the parity fixtures, each naming what failed and what to do."""

from __future__ import annotations


class ParityError(Exception):
    """A parity service or job failed; the message names which and why."""


class ServiceStartError(ParityError):
    """A Redis server or a worker did not start."""


class ParityTimeout(ParityError):
    """A result did not arrive in time."""


class JobFailed(ParityError):
    """A job failed on one of the two paths."""
