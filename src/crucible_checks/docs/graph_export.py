"""The page graph of a docs folder and its JSON, Graphviz DOT and Mermaid forms."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crucible_checks.docs.orphans import is_exempt
from crucible_checks.docs.resolve import MISSING, PAGE
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
        return cls._from_counts(by_id, counts)

    @classmethod
    def _from_counts(
        cls, by_id: dict[str, GraphNode], counts: dict[tuple[str, str], int]
    ) -> DocGraph:
        """Return the graph of checked nodes and edge counts, both sorted."""
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
    # Edges are counted here rather than built and merged by `DocGraph.build`:
    # a 10k-page vault has 60k links, and every end is a node by construction.
    counts: dict[tuple[str, str], int] = {}
    missing: dict[str, GraphNode] = {}
    for source in vault.pages:
        for _link, resolution in vault.outgoing(source):
            status = resolution.status
            if status == PAGE:
                target = resolution.paths[0]
                if target == source:
                    continue
            elif status == MISSING:
                target = MISSING_PREFIX + resolution.name
                if target not in missing:
                    missing[target] = GraphNode(
                        target, resolution.name, kind=NodeKind.MISSING
                    )
            else:
                continue
            key = (source, target)
            counts[key] = counts.get(key, 0) + 1
    linked = {target for _source, target in counts}
    by_id = {
        path: GraphNode(
            path,
            page.title,
            path,
            orphan=path not in linked and not is_exempt(vault, page),
        )
        for path, page in vault.pages.items()
    }
    by_id.update(missing)
    return DocGraph._from_counts(by_id, counts)


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
    """Return `to_json_data` as ``json.dumps(..., indent=2, ensure_ascii=False)``
    writes it, plus a final newline.

    The text is assembled here: with ``indent`` set, the standard library
    encodes in Python instead of C, several times slower on a 60k-edge graph.
    """
    missing = missing_ids(graph)
    nodes = [
        _NODE_JSON.format(
            _encode_string(node.id),
            _encode_string(node.title),
            _encode_string(node.path) if node.path else "null",
            _encode_string(node.kind.value),
            _BOOLEAN[node.orphan],
        )
        for node in graph.nodes
    ]
    edges = [
        _EDGE_JSON.format(
            _encode_string(edge.source),
            _encode_string(edge.target),
            str(edge.count),
            _BOOLEAN[edge.target in missing],
        )
        for edge in graph.edges
    ]
    return f'{{\n  "nodes": {_json_list(nodes)},\n  "edges": {_json_list(edges)}\n}}\n'


#: One node and one edge as the indenting encoder lays them out in the list.
_NODE_JSON = (
    '    {{\n      "id": {},\n      "title": {},\n      "path": {},\n'
    '      "kind": {},\n      "orphan": {}\n    }}'
)
_EDGE_JSON = (
    '    {{\n      "source": {},\n      "target": {},\n      "count": {},\n'
    '      "dead": {}\n    }}'
)
_BOOLEAN = {False: "false", True: "true"}
#: The string encoder ``json.dumps`` uses with ``ensure_ascii=False``.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring


def _json_list(items: list[str]) -> str:
    if not items:
        return "[]"
    return "[\n" + ",\n".join(items) + "\n  ]"


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
