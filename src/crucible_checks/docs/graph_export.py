"""The page graph of a docs folder and its JSON, Graphviz DOT and Mermaid forms."""

from __future__ import annotations

import enum
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING

from crucible_checks.docs.resolve import MISSING, PAGE
from crucible_checks.output import escape_line

if TYPE_CHECKING:
    from crucible_checks.docs.link_graph import LinkGraph


class NodeKind(str, enum.Enum):
    """Whether a node is an existing page or the target of dead links."""

    PAGE = "page"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A page, or a missing page that dead links point to.

    ``id`` is the page's path relative to the project root; for a missing page
    it is ``missing:`` and the dead link's target. ``path`` is empty for a
    missing page.
    """

    id: str
    title: str
    path: str = ""
    kind: NodeKind = NodeKind.PAGE
    orphan: bool = False


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """The links from one page to another; ``count`` links share this edge."""

    source: str
    target: str
    count: int = 1


#: An edge as ``(source, target, count)``.
EdgeRow = tuple[str, str, int]


@dataclass(frozen=True)
class DocGraph:
    """Nodes sorted by id and edges sorted by source and target.

    The edges are kept as plain `EdgeRow` tuples, which the exports read. The
    10k-page benchmark vault has 60k edges, and building a `GraphEdge` for
    each took longer than writing the JSON. `edges` builds them on first use.
    """

    nodes: tuple[GraphNode, ...]
    edge_rows: tuple[EdgeRow, ...]

    @cached_property
    def edges(self) -> tuple[GraphEdge, ...]:
        return tuple(GraphEdge(*row) for row in self.edge_rows)

    @classmethod
    def build(cls, nodes: Iterable[GraphNode], edges: Iterable[GraphEdge]) -> DocGraph:
        """Return a graph, merging repeated edges and checking their ends exist."""
        by_id = {node.id: node for node in nodes}
        counts: dict[tuple[str, str], int] = {}
        for edge in edges:
            for end in (edge.source, edge.target):
                if end not in by_id:
                    raise ValueError(f"edge {edge} names unknown node {end!r}")
            key = (edge.source, edge.target)
            counts[key] = counts.get(key, 0) + edge.count
        return cls(
            nodes=tuple(by_id[key] for key in sorted(by_id)),
            edge_rows=tuple((s, t, n) for (s, t), n in sorted(counts.items())),
        )


FORMATS = ("json", "dot", "mermaid", "html")
MISSING_PREFIX = "missing:"


def page_graph(graph: LinkGraph) -> DocGraph:
    """Return the page graph of a vault: pages, missing pages and the links.

    Self-links, ambiguous links and links to attachments make no edge. A dead
    link makes an edge to a missing page, whose id is ``missing:`` and the
    name it was looked up by.
    """
    # Edges are counted per source here rather than built and merged by
    # `DocGraph.build`: a 10k-page vault has 60k links, and every end is a
    # node by construction.
    counts: dict[str, dict[str, int]] = {}
    missing: dict[str, GraphNode] = {}
    for source, links in graph.links.items():
        targets: dict[str, int]
        if links.statuses.count(PAGE) == len(links.statuses):
            # Most pages link to pages only, and to each page once: count
            # their links with calls that loop in C.
            paths = links.paths
            if len(set(paths)) == len(paths):
                targets = dict.fromkeys(paths, 1)
            else:
                targets = Counter(paths)
            targets.pop(source, None)
            if targets:
                counts[source] = targets
            continue
        targets = {}
        for status, path, name in zip(
            links.statuses, links.paths, links.names, strict=True
        ):
            if status == PAGE:
                target = path
                if target == source:
                    continue
            elif status == MISSING:
                target = MISSING_PREFIX + name
                if target not in missing:
                    missing[target] = GraphNode(target, name, kind=NodeKind.MISSING)
            else:
                continue
            targets[target] = targets.get(target, 0) + 1
        if targets:
            counts[source] = targets
    linked = set(chain.from_iterable(counts.values()))
    by_id = {
        path: GraphNode(
            path, page.title, path, orphan=path not in linked and not page.exempt
        )
        for path, page in graph.pages.items()
    }
    by_id.update(missing)
    edges = tuple(
        (source, target, count)
        for source in sorted(counts)
        for target, count in sorted(counts[source].items())
    )
    return DocGraph(tuple(by_id[key] for key in sorted(by_id)), edges)


def missing_ids(graph: DocGraph) -> frozenset[str]:
    return frozenset(n.id for n in graph.nodes if n.kind is NodeKind.MISSING)


def to_json_data(graph: DocGraph) -> dict[str, object]:
    """Return the graph as plain data: nodes, edges and what marks them."""
    missing = missing_ids(graph)
    return {
        "nodes": [
            {
                "id": node.id,
                "title": node.title,
                "path": node.path or None,
                "kind": node.kind.value,
                "orphan": node.orphan,
            }
            for node in graph.nodes
        ],
        "edges": [
            {
                "source": source,
                "target": target,
                "count": count,
                "dead": target in missing,
            }
            for source, target, count in graph.edge_rows
        ],
    }


def to_json(graph: DocGraph) -> str:
    """Return `to_json_data` as ``json.dumps(..., indent=2, ensure_ascii=False)``
    writes it, plus a final newline.

    The text is assembled here: with ``indent`` set, the standard library
    encodes in Python instead of C, several times slower on a 60k-edge graph.
    """
    # Each node id is encoded once, then looked up for every edge end. Each
    # item starts with the ",\n" that follows the item before it.
    ids = {node.id: _encode_string(node.id) for node in graph.nodes}
    missing = missing_ids(graph)
    nodes = [
        f",\n    {{\n"
        f'      "id": {ids[node.id]},\n'
        f'      "title": {_encode_string(node.title)},\n'
        f'      "path": {_encode_string(node.path) if node.path else "null"},\n'
        f'      "kind": "{node.kind.value}",\n'
        f'      "orphan": {"true" if node.orphan else "false"}\n'
        f"    }}"
        for node in graph.nodes
    ]
    edges = [
        f",\n    {{\n"
        f'      "source": {ids[source]},\n'
        f'      "target": {ids[target]},\n'
        f'      "count": {count},\n'
        f'      "dead": {"true" if target in missing else "false"}\n'
        f"    }}"
        for source, target, count in graph.edge_rows
    ]
    # One join copies the 10 MB of a 10k-page graph once; joining each list
    # and then the parts would copy it twice more.
    return "".join(
        [
            '{\n  "nodes": ',
            *_json_list(nodes),
            ',\n  "edges": ',
            *_json_list(edges),
            "\n}\n",
        ]
    )


#: The string encoder ``json.dumps`` uses with ``ensure_ascii=False``.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring


def _json_list(items: list[str]) -> list[str]:
    """Return the pieces of a JSON list whose encoded items each start with
    ``",\n"``: the first item follows the ``[`` without the comma."""
    if not items:
        return ["[]"]
    return ["[", items[0][1:], *items[1:], "\n  ]"]


def to_dot(graph: DocGraph) -> str:
    """Return Graphviz DOT: missing pages dashed red, orphans filled yellow."""
    lines = [
        "digraph docs {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded"];',
    ]
    for node in graph.nodes:
        attributes = [f"label={_dot_quote(node.title)}"]
        if node.kind is NodeKind.MISSING:
            attributes.append('style="rounded,dashed", color=red, fontcolor=red')
        elif node.orphan:
            attributes.append('style="rounded,filled", fillcolor="#fff3b0"')
        if node.path:
            attributes.append(f"tooltip={_dot_quote(node.path)}")
        lines.append(f"  {_dot_quote(node.id)} [{', '.join(attributes)}];")
    for source, target, count in graph.edge_rows:
        label = f" [label={count}]" if count > 1 else ""
        lines.append(f"  {_dot_quote(source)} -> {_dot_quote(target)}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    """Quote a DOT ID: ``"`` and a backslash need escaping, and control
    characters are shown as escapes such as ``\\x1b``."""
    flat = escape_line(text.replace("\r", " ").replace("\n", " "))
    escaped = flat.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def to_mermaid(graph: DocGraph) -> str:
    """Return a Mermaid flowchart; node ids are ``n0``, ``n1``... in node order."""
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes)}
    missing = missing_ids(graph)
    lines = ["flowchart LR"]
    for node in graph.nodes:
        shape = ('(["', '"])') if node.kind is NodeKind.MISSING else ('["', '"]')
        lines.append(f"  {ids[node.id]}{shape[0]}{_mermaid_text(node.title)}{shape[1]}")
    for source, target, _count in graph.edge_rows:
        arrow = "-.->" if target in missing else "-->"
        lines.append(f"  {ids[source]} {arrow} {ids[target]}")
    lines.append("  classDef missing stroke:#c00,stroke-dasharray:4 3,color:#c00;")
    lines.append("  classDef orphan fill:#fff3b0;")
    for name, members in (
        ("missing", [n for n in graph.nodes if n.kind is NodeKind.MISSING]),
        ("orphan", [n for n in graph.nodes if n.orphan]),
    ):
        if members:
            lines.append(f"  class {','.join(ids[n.id] for n in members)} {name};")
    return "\n".join(lines) + "\n"


_MERMAID_ENTITIES = {char: f"#{ord(char)};" for char in '#"<>&`'}


def _mermaid_text(text: str) -> str:
    """Escape a label with Mermaid's ``#code;`` entities, so markup stays text."""
    flat = escape_line(text.replace("\r", " ").replace("\n", " "))
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in flat)
