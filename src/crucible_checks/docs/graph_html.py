"""The page graph as one self-contained HTML page: no network, no external script."""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources

from crucible_checks.docs.graph_export import DocGraph, NodeKind

#: Flags of a node in the page's data; the viewer script reads the same bits.
MISSING_FLAG = 1
ORPHAN_FLAG = 2

_PLACEHOLDER = re.compile(r"\{\{(title|css|data|script)\}\}")


def render_html(graph: DocGraph, title: str = "Docs graph") -> str:
    """Return the viewer page with the graph's data and the viewer script inlined."""
    parts = {
        "title": html.escape(title),
        "css": _asset("graph.css"),
        "data": _script_json(_viewer_data(graph)),
        "script": _asset("graph.js"),
    }
    # One pass over the template, so text inserted for one placeholder is
    # never read as another placeholder.
    return _PLACEHOLDER.sub(lambda match: parts[match.group(1)], _asset("graph.html"))


def _viewer_data(graph: DocGraph) -> dict[str, list[object]]:
    index = {node.id: position for position, node in enumerate(graph.nodes)}
    nodes: list[object] = [
        [node.id, node.title, node.path, _flags(node.kind, node.orphan)]
        for node in graph.nodes
    ]
    edges: list[object] = []
    for source, target, _count in graph.edge_rows:
        edges.extend((index[source], index[target]))
    return {"nodes": nodes, "edges": edges}


def _flags(kind: NodeKind, orphan: bool) -> int:
    flags = MISSING_FLAG if kind is NodeKind.MISSING else 0
    return flags | (ORPHAN_FLAG if orphan else 0)


def _script_json(value: object) -> str:
    """Return JSON that is safe inside a ``<script>`` element.

    Escaping ``<``, ``>`` and ``&`` as ``\\u003c``... keeps a title such as
    ``</script><img ...>`` from ending the element; JSON.parse reads them back.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _asset(name: str) -> str:
    return (
        resources.files("crucible_checks.docs")
        .joinpath("assets")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
