"""The page graph of a docs folder and its JSON, Graphviz DOT and Mermaid forms."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass

from crucible_checks.docs.orphans import is_exempt
from crucible_checks.docs.resolve import MISSING
from crucible_checks.docs.vault import Vault


class NodeKind(str, enum.Enum):
    """Whether a node is an existing page or the target of dead links."""

    PAGE = "page"
    MISSING = "missing"


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class GraphEdge:
    """The links from one page to another; ``count`` links share this edge."""

    source: str
    target: str
    count: int = 1


@dataclass(frozen=True)
class DocGraph:
    """Nodes sorted by id and edges sorted by source and target."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]

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
            edges=tuple(GraphEdge(s, t, n) for (s, t), n in sorted(counts.items())),
        )


FORMATS = ("json", "dot", "mermaid", "html")
MISSING_PREFIX = "missing:"


def page_graph(vault: Vault) -> DocGraph:
    """Return the page graph of a vault: pages, missing pages and the links.

    Self-links, ambiguous links and links to attachments make no edge. A dead
    link makes an edge to a missing page, whose id is ``missing:`` and the
    name it was looked up by.
    """
    backlinks = vault.backlinks()
    nodes = [
        GraphNode(
            path,
            page.title,
            path,
            orphan=path not in backlinks and not is_exempt(vault, page),
        )
        for path, page in vault.pages.items()
    ]
    edges = [
        GraphEdge(source, target)
        for source, target, _link in vault.edges()
        if source != target
    ]
    missing: dict[str, GraphNode] = {}
    for source in vault.pages:
        for _link, resolution in vault.outgoing(source):
            if resolution.status == MISSING:
                node_id = MISSING_PREFIX + resolution.name
                missing.setdefault(
                    node_id, GraphNode(node_id, resolution.name, kind=NodeKind.MISSING)
                )
                edges.append(GraphEdge(source, node_id))
    return DocGraph.build([*nodes, *missing.values()], edges)


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
                "source": edge.source,
                "target": edge.target,
                "count": edge.count,
                "dead": edge.target in missing,
            }
            for edge in graph.edges
        ],
    }


def to_json(graph: DocGraph) -> str:
    return json.dumps(to_json_data(graph), indent=2, ensure_ascii=False) + "\n"


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
    for edge in graph.edges:
        label = f" [label={edge.count}]" if edge.count > 1 else ""
        lines.append(
            f"  {_dot_quote(edge.source)} -> {_dot_quote(edge.target)}{label};"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    """Quote a DOT ID; only ``"`` needs escaping, and a backslash before it."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r", " ").replace("\n", " ")
    return f'"{escaped}"'


def to_mermaid(graph: DocGraph) -> str:
    """Return a Mermaid flowchart; node ids are ``n0``, ``n1``... in node order."""
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes)}
    missing = missing_ids(graph)
    lines = ["flowchart LR"]
    for node in graph.nodes:
        shape = ('(["', '"])') if node.kind is NodeKind.MISSING else ('["', '"]')
        lines.append(f"  {ids[node.id]}{shape[0]}{_mermaid_text(node.title)}{shape[1]}")
    for edge in graph.edges:
        arrow = "-.->" if edge.target in missing else "-->"
        lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
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
    flat = text.replace("\r", " ").replace("\n", " ")
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in flat)
