"""The page graph's JSON, DOT and Mermaid exports, parsed back."""

from __future__ import annotations

import json
import re

import pydot
import pytest

from crucible_checks.docs.graph_export import (
    DocGraph,
    GraphEdge,
    GraphNode,
    NodeKind,
    to_dot,
    to_json,
    to_json_data,
    to_mermaid,
)

HOSTILE = '<img src=x onerror=alert(1)> "quoted" #1 & `tick` back\\slash'


@pytest.fixture
def graph() -> DocGraph:
    return DocGraph.build(
        [
            GraphNode("index", "Home", "docs/index.md"),
            GraphNode("guides/setup", "Setup Guide", "docs/guides/setup.md"),
            GraphNode("lonely", HOSTILE, "docs/lonely.md", orphan=True),
            GraphNode("nowhere", "nowhere", kind=NodeKind.MISSING),
        ],
        [
            GraphEdge("index", "guides/setup"),
            GraphEdge("index", "guides/setup"),
            GraphEdge("guides/setup", "index"),
            GraphEdge("guides/setup", "nowhere"),
        ],
    )


def test_build_merges_repeated_edges(graph: DocGraph) -> None:
    assert graph.edges == (
        GraphEdge("guides/setup", "index", 1),
        GraphEdge("guides/setup", "nowhere", 1),
        GraphEdge("index", "guides/setup", 2),
    )


def test_build_rejects_unknown_end() -> None:
    with pytest.raises(ValueError, match="'ghost'"):
        DocGraph.build([GraphNode("a", "A")], [GraphEdge("a", "ghost")])


def test_json_round_trip(graph: DocGraph) -> None:
    data = json.loads(to_json(graph))
    assert [node["id"] for node in data["nodes"]] == [
        "guides/setup",
        "index",
        "lonely",
        "nowhere",
    ]
    lonely = data["nodes"][2]
    assert lonely == {
        "id": "lonely",
        "title": HOSTILE,
        "path": "docs/lonely.md",
        "kind": "page",
        "orphan": True,
    }
    assert data["nodes"][3]["kind"] == "missing"
    assert data["nodes"][3]["path"] is None
    assert data["edges"] == [
        {"source": "guides/setup", "target": "index", "count": 1, "dead": False},
        {"source": "guides/setup", "target": "nowhere", "count": 1, "dead": True},
        {"source": "index", "target": "guides/setup", "count": 2, "dead": False},
    ]


def test_json_matches_standard_encoder(graph: DocGraph) -> None:
    unusual = DocGraph.build(
        [
            GraphNode("a\u2028b", "tab\tline\nnul\x00 \u00e9 \U0001f600", "a.md"),
            GraphNode('q"', "\\", kind=NodeKind.MISSING),
        ],
        [GraphEdge("a\u2028b", 'q"', 3)],
    )
    for case in (graph, unusual, DocGraph.build([], [])):
        expected = json.dumps(to_json_data(case), indent=2, ensure_ascii=False)
        assert to_json(case) == expected + "\n"


# pydot's parser still calls pyparsing names that pyparsing 3.3 deprecates.
@pytest.mark.filterwarnings("ignore::DeprecationWarning:pydot.dot_parser")
def test_dot_parses_back(graph: DocGraph) -> None:
    (parsed,) = pydot.graph_from_dot_data(to_dot(graph))
    nodes = {node.get_name().strip('"'): node for node in parsed.get_nodes()}
    assert set(nodes) >= {"index", "guides/setup", "lonely", "nowhere"}
    label = nodes["lonely"].get("label")
    assert label == '"' + HOSTILE.replace("\\", "\\\\").replace('"', '\\"') + '"'
    assert "filled" in nodes["lonely"].get("style")
    assert "dashed" in nodes["nowhere"].get("style")
    assert nodes["nowhere"].get("color") == "red"
    edges = {
        (edge.get_source().strip('"'), edge.get_destination().strip('"')): edge
        for edge in parsed.get_edges()
    }
    assert set(edges) == {
        ("guides/setup", "index"),
        ("guides/setup", "nowhere"),
        ("index", "guides/setup"),
    }
    assert edges["index", "guides/setup"].get("label") == "2"


_MERMAID_NODE = re.compile(r"^  (n\d+)(\[\"|\(\[\")(.*?)(\"\]|\"\]\))$")
_MERMAID_EDGE = re.compile(r"^  (n\d+) (-->|-\.->) (n\d+)$")
_MERMAID_CLASS = re.compile(r"^  class ([n\d,]+) (\w+);$")


def _read_mermaid(text: str) -> tuple[dict[str, str], set[tuple[str, str, str]], dict]:
    """Read the flowchart subset the exporter writes; fail on any other line."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    labels: dict[str, str] = {}
    edges: set[tuple[str, str, str]] = set()
    classes: dict[str, set[str]] = {}
    for line in lines[1:]:
        if node := _MERMAID_NODE.match(line):
            entities = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), node[3])
            labels[node[1]] = entities
        elif edge := _MERMAID_EDGE.match(line):
            edges.add((edge[1], edge[2], edge[3]))
        elif member := _MERMAID_CLASS.match(line):
            classes[member[2]] = set(member[1].split(","))
        else:
            assert line.startswith("  classDef "), line
    return labels, edges, classes


def test_mermaid_parses_back(graph: DocGraph) -> None:
    text = to_mermaid(graph)
    labels, edges, classes = _read_mermaid(text)
    assert labels == {
        "n0": "Setup Guide",
        "n1": "Home",
        "n2": HOSTILE,
        "n3": "nowhere",
    }
    assert edges == {("n0", "-->", "n1"), ("n0", "-.->", "n3"), ("n1", "-->", "n0")}
    assert classes == {"missing": {"n3"}, "orphan": {"n2"}}
    assert "<img" not in text
    assert '"quoted"' not in text


VAULT = {
    "index.md": "# Home\n\nSee [[guide]] and [[Not Written]] and [[guide]].\n",
    "guide.md": "# Guide\n\nBack [[index]].\n",
    "lonely.md": "# Lonely `<b>`\n\nNobody links here.\n",
}


@pytest.fixture
def vault(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.crucible-checks]\nroots = ["docs"]\n', encoding="utf-8"
    )
    (tmp_path / "docs").mkdir()
    for name, text in VAULT.items():
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_graph_command_json(vault, cli) -> None:  # type: ignore[no-untyped-def]
    outcome = cli("docs", "graph", "--format", "json")
    assert outcome.status == 0
    data = json.loads(outcome.out)
    assert data["nodes"] == [
        {
            "id": "docs/guide.md",
            "title": "Guide",
            "path": "docs/guide.md",
            "kind": "page",
            "orphan": False,
        },
        {
            "id": "docs/index.md",
            "title": "Home",
            "path": "docs/index.md",
            "kind": "page",
            "orphan": False,
        },
        {
            "id": "docs/lonely.md",
            "title": "Lonely <b>",
            "path": "docs/lonely.md",
            "kind": "page",
            "orphan": True,
        },
        {
            "id": "missing:not-written",
            "title": "not-written",
            "path": None,
            "kind": "missing",
            "orphan": False,
        },
    ]
    assert data["edges"] == [
        {
            "source": "docs/guide.md",
            "target": "docs/index.md",
            "count": 1,
            "dead": False,
        },
        {
            "source": "docs/index.md",
            "target": "docs/guide.md",
            "count": 2,
            "dead": False,
        },
        {
            "source": "docs/index.md",
            "target": "missing:not-written",
            "count": 1,
            "dead": True,
        },
    ]


@pytest.mark.filterwarnings("ignore::DeprecationWarning:pydot.dot_parser")
def test_graph_command_dot_and_mermaid(vault, cli) -> None:  # type: ignore[no-untyped-def]
    dot = cli("docs", "graph", "--format", "dot").out
    (parsed,) = pydot.graph_from_dot_data(dot)
    edges = {
        (edge.get_source().strip('"'), edge.get_destination().strip('"'))
        for edge in parsed.get_edges()
    }
    assert edges == {
        ("docs/guide.md", "docs/index.md"),
        ("docs/index.md", "docs/guide.md"),
        ("docs/index.md", "missing:not-written"),
    }
    labels, mermaid_edges, classes = _read_mermaid(
        cli("docs", "graph", "--format", "mermaid").out
    )
    assert labels == {
        "n0": "Guide",
        "n1": "Home",
        "n2": "Lonely <b>",
        "n3": "not-written",
    }
    assert mermaid_edges == {
        ("n0", "-->", "n1"),
        ("n1", "-->", "n0"),
        ("n1", "-.->", "n3"),
    }
    assert classes == {"missing": {"n3"}, "orphan": {"n2"}}


def test_graph_command_html_file(vault, cli) -> None:  # type: ignore[no-untyped-def]
    outcome = cli("docs", "graph", "--format", "html", "-o", "out/graph.html")
    assert outcome.status == 0
    assert outcome.out == "Wrote out/graph.html: 4 nodes, 3 edges.\n"
    page = (vault / "out" / "graph.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Lonely \\u003cb\\u003e" in page
