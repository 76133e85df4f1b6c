"""The HTML graph viewer, opened in headless Chromium through selenium."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crucible_checks.docs.graph_export import DocGraph, GraphEdge, GraphNode, NodeKind
from crucible_checks.docs.graph_html import render_html
from tests.conftest import skip_unless

HOSTILE = "<img src=x onerror=alert(1)>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
CANVAS_IMAGE = "document.getElementById('graph').toDataURL()"


def small_graph() -> DocGraph:
    return DocGraph.build(
        [
            GraphNode("index", "Home", "docs/index.md"),
            GraphNode("setup", "Setup Guide", "docs/setup.md"),
            GraphNode("queues", "Queues", "docs/queues.md"),
            GraphNode("hostile", HOSTILE, "docs/hostile.md", orphan=True),
            GraphNode("gone", "gone", kind=NodeKind.MISSING),
        ],
        [
            GraphEdge("index", "setup"),
            GraphEdge("index", "queues"),
            GraphEdge("setup", "queues"),
            GraphEdge("queues", "gone"),
            GraphEdge("hostile", "setup"),
        ],
    )


def test_page_loads_nothing_from_network() -> None:
    page = render_html(small_graph())
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page)


def test_page_escapes_titles() -> None:
    page = render_html(small_graph(), title="</title><script>alert(2)</script>")
    assert "<img" not in page
    assert "<script>alert(2)" not in page
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;</title>" in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page


def test_page_data_cannot_close_script() -> None:
    graph = DocGraph.build([GraphNode("x", "</script><b>bold</b>", "x.md")], [])
    page = render_html(graph)
    assert page.count("</script>") == 2


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    skip_unless(
        CHROMIUM is not None and CHROMEDRIVER is not None,
        "Chromium and chromedriver are not installed "
        "(Debian: apt-get install chromium chromium-driver)",
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1200,800",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def open_graph(driver, path: Path, graph: DocGraph) -> None:  # type: ignore[no-untyped-def]
    path.write_text(render_html(graph, "Test docs"), encoding="utf-8")
    driver.get(path.as_uri())
    wait_for(driver, "return document.body.dataset.layout === 'done'")


def wait_for(driver, script: str, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not driver.execute_script(script):
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        time.sleep(0.05)


def search(driver, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(query)
    titles: list[str] = driver.execute_script(
        "return Array.from(document.querySelectorAll('#results button'))"
        ".map((button) => button.firstChild.textContent)"
    )
    return titles


def texts(driver, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, selector)]


def canvas_image(driver) -> str:  # type: ignore[no-untyped-def]
    return str(driver.execute_script(f"return {CANVAS_IMAGE}"))


def severe_logs(driver) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE"
    ]


def test_search_shows_neighbours(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_graph(browser, tmp_path / "graph.html", small_graph())
    summary = browser.find_element(By.ID, "summary").text
    assert summary == "4 pages, 5 linked pairs, 1 orphan, 1 missing page"
    assert search(browser, "setup") == ["Setup Guide"]
    browser.find_element(By.ID, "search").send_keys(Keys.ENTER)
    assert browser.find_element(By.ID, "details-title").text == "Setup Guide"
    assert browser.find_element(By.ID, "details-path").text == "docs/setup.md"
    assert texts(browser, "#incoming button") == [HOSTILE, "Home"]
    assert texts(browser, "#outgoing button") == ["Queues"]
    browser.find_element(By.CSS_SELECTOR, "#outgoing button").click()
    assert browser.find_element(By.ID, "details-title").text == "Queues"
    assert texts(browser, "#outgoing button") == ["gone"]
    assert browser.find_element(By.ID, "details-kind").text == ""
    browser.find_element(By.CSS_SELECTOR, "#outgoing button").click()
    assert browser.find_element(By.ID, "details-kind").text == (
        "missing page: dead links point here"
    )
    assert severe_logs(browser) == []


def test_summary_singular_and_zero(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    one_of_each = DocGraph.build(
        [
            GraphNode("index", "Home", "docs/index.md", orphan=True),
            GraphNode("gone", "gone", kind=NodeKind.MISSING),
        ],
        [GraphEdge("index", "gone")],
    )
    open_graph(browser, tmp_path / "one.html", one_of_each)
    summary = browser.find_element(By.ID, "summary").text
    assert summary == "1 page, 1 linked pair, 1 orphan, 1 missing page"
    none_linked = DocGraph.build([GraphNode("index", "Home", "docs/index.md")], [])
    open_graph(browser, tmp_path / "none.html", none_linked)
    summary = browser.find_element(By.ID, "summary").text
    assert summary == "1 page, 0 linked pairs, 0 orphans, 0 missing pages"
    assert severe_logs(browser) == []


def test_hostile_title_renders_as_text(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    open_graph(browser, tmp_path / "graph.html", small_graph())
    assert search(browser, "onerror") == [HOSTILE]
    browser.find_element(By.CSS_SELECTOR, "#results button").click()
    assert browser.find_element(By.ID, "details-title").text == HOSTILE
    assert browser.find_element(By.ID, "details-kind").text == (
        "orphan: no other page links here"
    )
    assert browser.find_elements(By.TAG_NAME, "img") == []
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - reading it raises without an alert.


def test_pan_and_zoom_move_view(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    open_graph(browser, tmp_path / "graph.html", small_graph())
    before = canvas_image(browser)
    browser.find_element(By.ID, "zoom-in").click()
    wait_for(browser, f"return {CANVAS_IMAGE} !== {before!r}")
    zoomed = canvas_image(browser)
    canvas = browser.find_element(By.ID, "graph")
    drag = ActionChains(browser).move_to_element_with_offset(canvas, 10, 10)
    drag.click_and_hold().move_by_offset(120, 60).release().perform()
    wait_for(browser, f"return {CANVAS_IMAGE} !== {zoomed!r}")
    browser.find_element(By.ID, "zoom-fit").click()
    assert severe_logs(browser) == []


def test_screenshot_shows_graph(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_graph(browser, tmp_path / "graph.html", small_graph())
    shot = tmp_path / "graph.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width == 1200
    assert height == browser.execute_script("return window.innerHeight")
    coloured = browser.execute_script(
        """
        const canvas = document.getElementById('graph');
        const pixels = canvas.getContext('2d')
            .getImageData(0, 0, canvas.width, canvas.height).data;
        let blue = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 2] > 150 && pixels[i] < 100) blue++;
        }
        return blue;
        """
    )
    assert coloured > 100
