"""Reading the front matter fields the docs checks use: aliases, slug, orphan.

Front matter that is not valid YAML, or whose fields have the wrong type, is
invalid: `read_front_matter` then returns none of its fields and an error with
its position, and the page is checked as if it had no front matter.

Only the fields read here are checked, and each must be a scalar or a flat
list of scalars. YAML aliases (``*name``) share the anchored value instead of
copying it, so loading costs no more than the text's size. A field that
contains nested lists, or strings longer in total than the text (which only
aliases can make), is rejected before anything walks or converts it to text.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Values a name may be: YAML reads ``- 404`` as an integer, ``- 2024-01-02``
#: as a date. ``bool`` is a subclass of ``int``.
_NAME_TYPES = (str, int, float, datetime.date)
_TYPE_NAMES = (
    (bool, "a boolean"),
    (str, "a string"),
    (int, "an integer"),
    (float, "a number"),
    (datetime.date, "a date"),
    (bytes, "binary data"),
    (list, "a list"),
    (dict, "a mapping"),
    (set, "a set"),
)


@dataclass(frozen=True)
class FrontMatter:
    """The front matter fields a page's name and orphan status depend on.

    ``error`` describes invalid front matter, and ``error_line`` and
    ``error_column`` (0-based, within the front matter text) locate it.
    """

    aliases: tuple[str, ...] = ()
    slug: str | None = None
    orphan: bool = False
    error: str | None = None
    error_line: int = 0
    error_column: int = 0


class _InvalidField(Exception):
    """A field read from front matter has a value the checks cannot use."""

    def __init__(self, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


def read_front_matter(text: str) -> FrontMatter:
    """Return the fields of a YAML front matter block, or its error."""
    try:
        # The pure-Python loader checks the characters here already.
        loader = _Loader(text)
    except yaml.YAMLError as error:
        return _unmarked_error(text, error)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        return _yaml_error(text, error)
    except yaml.YAMLError as error:
        return _unmarked_error(text, error)
    except RecursionError:
        # Only the pure-Python loader recurses per nesting level. libyaml,
        # behind CSafeLoader, rejects deep nesting with a YAML error.
        return FrontMatter(error="YAML error: values nested too deeply")
    except (ValueError, OverflowError, TypeError) as error:
        # A value YAML parses but Python cannot build, such as the date
        # 2024-13-45 or an integer of more than 4300 digits.
        reason = str(error).split(";")[0].split(":")[0] or type(error).__name__
        return FrontMatter(error=f"YAML error: invalid value: {reason}")
    finally:
        loader.dispose()
    if data is None:
        return FrontMatter()
    try:
        return _fields(data, node, len(text))
    except _InvalidField as invalid:
        mark = invalid.node.start_mark
        return FrontMatter(
            error=invalid.message, error_line=mark.line, error_column=mark.column
        )


def _yaml_error(text: str, error: yaml.MarkedYAMLError) -> FrontMatter:
    problem = error.problem or "invalid YAML"
    if error.context:
        problem = f"{problem} {error.context}"
    mark = error.problem_mark
    if error.context_mark is not None and (
        mark is None or mark.index >= len(text.rstrip())
    ):
        # The text ended inside a construct: the context mark is where it
        # starts, which is where the fix goes.
        mark = error.context_mark
    return FrontMatter(
        error=f"YAML error: {problem}",
        error_line=0 if mark is None else mark.line,
        error_column=0 if mark is None else mark.column,
    )


def _fields(data: object, node: yaml.Node, size: int) -> FrontMatter:
    if not isinstance(data, dict):
        raise _InvalidField(
            "front matter must be a mapping of field names to values, not "
            + _type_name(data),
            node,
        )
    aliases_key = "aliases" if "aliases" in data else "alias"
    slug_key = "slug" if "slug" in data else "permalink"
    orphan = data.get("orphan")
    if orphan is not None and not isinstance(orphan, bool):
        raise _InvalidField(
            f"'orphan' must be true or false, not {_type_name(orphan)}",
            _key_node(node, "orphan"),
        )
    return FrontMatter(
        aliases=_names(data.get(aliases_key), _key_node(node, aliases_key), size),
        slug=_slug(data.get(slug_key), _key_node(node, slug_key), slug_key),
        orphan=orphan is True,
    )


def _names(value: object, node: yaml.Node, size: int) -> tuple[str, ...]:
    """Return the names of an ``aliases`` value: a comma-separated string or a
    list of names."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(name.strip() for name in value.split(",") if name.strip())
    if isinstance(value, _NAME_TYPES):
        return (str(value),)
    if not isinstance(value, list):
        raise _InvalidField(
            "'aliases' must be a string or a list of strings, not " + _type_name(value),
            node,
        )
    names = []
    length = 0
    for number, item in enumerate(value, start=1):
        if item is None:
            continue
        if not isinstance(item, _NAME_TYPES):
            raise _InvalidField(
                f"'aliases' item {number} must be a string, not {_type_name(item)}",
                node,
            )
        if isinstance(item, str):
            name = item.strip()
            length += len(name)
        else:
            name = str(item)
        if length > size:
            # A YAML string is never longer than its text, so only aliases
            # (*name) get here. Each copy would be kept and compared apart.
            raise _InvalidField(
                "'aliases' repeats YAML anchors (*name) into more text than the "
                "front matter contains; write each name once",
                node,
            )
        names.append(name)
    return tuple(names)


def _slug(value: object, node: yaml.Node, key: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _InvalidField(f"'{key}' must be a string, not {_type_name(value)}", node)
    return str(value).strip("/") or None


def _key_node(node: yaml.Node, key: str) -> yaml.Node:
    """Return the last node of a top-level key (the loaded mapping keeps the
    last value), else the mapping's node.

    A value node would not do: the value of ``aliases: *names`` is the node
    where ``&names`` was defined, maybe far from the field.
    """
    found = node
    if isinstance(node, yaml.MappingNode):
        for key_node, _value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found = key_node
    return found


def _type_name(value: object) -> str:
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _unmarked_error(text: str, error: yaml.YAMLError) -> FrontMatter:
    """Return the error of a YAML error without marks, such as a character
    YAML does not allow, located by its character index when it has one."""
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    position = error.position if isinstance(error, yaml.reader.ReaderError) else 0
    line_start = text.rfind("\n", 0, position) + 1
    return FrontMatter(
        error=f"YAML error: {message}",
        error_line=text.count("\n", 0, position),
        error_column=position - line_start,
    )
