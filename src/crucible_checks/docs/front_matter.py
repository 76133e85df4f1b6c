"""Reading the front matter fields the docs checks use: aliases, slug, orphan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FrontMatter:
    """The front matter fields a page's name and orphan status depend on."""

    aliases: tuple[str, ...] = ()
    slug: str | None = None
    orphan: bool = False
    error: str | None = None


def read_front_matter(text: str) -> FrontMatter:
    """Return the fields of a YAML front matter block; invalid YAML sets ``error``."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        return FrontMatter(error=f"invalid YAML front matter: {_first_line(error)}")
    if not isinstance(data, dict):
        return FrontMatter()
    slug = data.get("slug", data.get("permalink"))
    return FrontMatter(
        aliases=_names(data.get("aliases", data.get("alias"))),
        slug=str(slug).strip("/") if isinstance(slug, (str, int)) and slug else None,
        orphan=data.get("orphan") is True,
    )


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(name.strip() for name in value.split(",") if name.strip())
    if isinstance(value, list):
        return tuple(str(item).strip() for item in value if item is not None)
    return ()


def _first_line(error: yaml.YAMLError) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
