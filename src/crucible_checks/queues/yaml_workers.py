"""Finding worker command lines in docker-compose files and Kubernetes manifests.

Compose runs ``entrypoint`` followed by ``command``; Kubernetes runs
``command`` followed by ``args``. Both accept a string (compose splits it as a
shell would) or a list of words. The YAML node tree is read, not the loaded
data, so each worker keeps the line of its command.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import yaml

from crucible_checks.queues.model import Location, SourceProblem
from crucible_checks.queues.worker_command import (
    SplitError,
    find_worker,
    split_command,
)
from crucible_checks.queues.worker_lines import LineScan, make_worker, scan_text

_COMMAND_KEYS = ("entrypoint", "command", "args")


def scan_yaml(relative: str, text: str, environment: Mapping[str, str]) -> LineScan:
    """Return the workers of every compose service or container in a YAML file."""
    if "{{" in text or "{%" in text:
        # A Helm or Jinja template is YAML only after rendering, so its lines
        # are read as plain command lines instead.
        return scan_text(relative, text, "shell", environment)
    scan = LineScan([], [])
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as error:
        scan.problems.append(_yaml_problem(relative, error))
        return scan
    for document in documents:
        if document is not None:
            for name, mapping in _mappings(document, ""):
                _scan_mapping(scan, relative, name, mapping, environment)
    return scan


def _yaml_problem(relative: str, error: yaml.YAMLError) -> SourceProblem:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    reason = f"invalid YAML: {problem}; fix the file or exclude it"
    return SourceProblem(Location(relative, line, column), reason)


def _mappings(node: yaml.Node, name: str) -> Iterator[tuple[str, yaml.MappingNode]]:
    """Yield every mapping in the tree with the key it sits under."""
    if isinstance(node, yaml.MappingNode):
        yield name, node
        for key, value in node.value:
            key_name = key.value if isinstance(key, yaml.ScalarNode) else name
            yield from _mappings(value, str(key_name))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _mappings(item, name)


def _scan_mapping(
    scan: LineScan,
    relative: str,
    name: str,
    mapping: yaml.MappingNode,
    environment: Mapping[str, str],
) -> None:
    fields = {
        key.value: value
        for key, value in mapping.value
        if isinstance(key, yaml.ScalarNode) and key.value in (*_COMMAND_KEYS, "name")
    }
    parts = [fields[key] for key in _COMMAND_KEYS if key in fields]
    if not parts:
        return
    where = Location(
        relative, parts[0].start_mark.line + 1, parts[0].start_mark.column + 1
    )
    try:
        words = [word for part in parts for word in _node_words(part, environment)]
    except SplitError as error:
        scan.problems.append(SourceProblem(where, str(error)))
        return
    options = find_worker(words, environment)
    if options is None:
        return
    label = (
        fields["name"].value
        if isinstance(fields.get("name"), yaml.ScalarNode)
        else name
    )
    scan.workers.append(make_worker(where, str(label), " ".join(words), options))


def _node_words(node: yaml.Node, environment: Mapping[str, str]) -> list[str]:
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value)
        return split_command(text) if text else []
    if isinstance(node, yaml.SequenceNode):
        return [
            str(item.value) for item in node.value if isinstance(item, yaml.ScalarNode)
        ]
    raise SplitError("the command is a mapping; expected a string or a list")
