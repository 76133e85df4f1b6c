"""Entry point of a child process that runs a project's legacy queue loop."""

from __future__ import annotations

import sys

from crucible_checks.parity.errors import ParityError
from crucible_checks.parity.imports import resolve


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m crucible_checks.parity.legacy_main MODULE:FUNCTION")
        return 2
    try:
        loop = resolve(argv[0], "legacy worker")
    except ParityError as error:
        # One line, because the parent quotes this log in its error message.
        print(error, file=sys.stderr)
        return 2
    loop()
    print(f"legacy worker {argv[0]} returned; a queue loop should run until stopped")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
