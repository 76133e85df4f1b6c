"""Structural comparison of legacy and Celery results."""

from __future__ import annotations

from crucible_checks.parity.compare import CompareOptions, diff, render


def test_equal_results_have_no_differences():
    result = {"status": "ok", "output": [1, 2], "meta": {"lang": "arith"}}
    assert diff(result, dict(result), CompareOptions()) == []


def test_int_and_float_differ_when_exact():
    differences = diff({"output": 3}, {"output": 3.0}, CompareOptions())
    assert [d.describe() for d in differences] == ["output: legacy 3 != celery 3.0"]


def test_float_tolerance_accepts_close_values():
    options = CompareOptions(float_tolerance=0.01)
    assert diff({"x": 1.0}, {"x": 1.005}, options) == []
    assert [d.path for d in diff({"x": 1.0}, {"x": 1.02}, options)] == ["x"]


def test_ignored_paths_with_wildcards():
    legacy = {"id": 1, "items": [{"id": 5, "v": "a"}], "at": 1.5}
    celery = {"id": 2, "items": [{"id": 6, "v": "a"}], "at": 9.5}
    options = CompareOptions(ignore=("id", "at", "items.*.id"))
    assert diff(legacy, celery, options) == []


def test_unordered_lists_sort_after_ignoring():
    legacy = {"items": [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}]}
    celery = {"items": [{"id": 9, "v": "b"}, {"id": 8, "v": "a"}]}
    options = CompareOptions(ignore=("items.*.id",), unordered=("items",))
    assert diff(legacy, celery, options) == []


def test_root_list_unordered():
    assert diff([3, 1, 2], [1, 2, 3], CompareOptions(unordered=(".",))) == []
    assert diff([3, 1, 2], [1, 2, 3], CompareOptions()) != []


def test_missing_keys_and_items_render():
    text = render(diff({"a": 1, "l": [1, 2]}, {"b": None, "l": [1]}, CompareOptions()))
    assert text.splitlines() == [
        "3 differences between the legacy and the Celery result:",
        "  a: only in legacy: 1",
        "  b: only in celery: null",
        "  l.1: only in legacy: 2",
    ]


def test_bool_is_not_a_number():
    assert [d.path for d in diff({"ok": True}, {"ok": 1}, CompareOptions())] == ["ok"]
