"""Damaged, shared and stale cache folders.

Whatever the cache folder contains, a run reports what a run without the
cache reports, and exits with status 1 for its findings, never with an error.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crucible_checks.cache import KEY_FILE_VARIABLE, read_cache_file
from crucible_checks.cli import main
from crucible_checks.plugin_entries import PluginEntry, plugin_entries
from tests.conftest import load_json_cache, store_json_cache

CACHE = ".crucible_checks_cache"
SELECT = "DOC,CEL,CC"
PROJECT = {
    "pyproject.toml": (
        '[tool.crucible-checks]\n[tool.crucible-checks.docs]\nroot = "docs"\n'
    ),
    "docs/index.md": "# Home\n\nSee [[Setup]], [[Queue#Retries]] and [[Gone]].\n",
    "docs/Setup.md": (
        "---\naliases: [Install]\n---\n# Setup\n\nBack to [[index]]. ^b1\n"
    ),
    "docs/Queue.md": (
        "# Queue\n\n## Retries\n\nSee [[Setup#^b1]] and [y](missing.md).\n"
    ),
    "docs/Lonely.md": "# Lonely\n\nSee [[Install]].\n",
    "docs/img.png": "png",
    "proj/__init__.py": "",
    "proj/celery.py": 'from celery import Celery\n\napp = Celery("proj", broker="redis://h")\n',
    "proj/tasks.py": (
        "from celery import shared_task\n\n\n@shared_task(bind=True)\n"
        "def cleanup():\n    return None\n\n\n@shared_task\ndef fetch(url):\n"
        "    return url\n"
    ),
    "proj/producer.py": (
        "from proj.tasks import fetch\n\nfetch.delay()  # noqa: CEL101\n"
        "fetch.delay(1, 2)\n"
    ),
}
#: Text appended by `edit_project`: a wiki link name no run resolved before,
#: and a call that changes the task index's facts.
PAGE_EDIT = ("docs/Queue.md", "More [[Brand New Name]] and [[Lonely]].\n")
CALL_EDIT = ("proj/producer.py", "fetch.delay(1, 2, 3)\n")
#: Globs of the cache files, one for each file or family of shard files.
CACHE_FILES = (
    "docs-summary.pickle",
    "docs-summary-pages.pickle",
    "docs-links.pickle",
    "docs-pages.*.pickle",
    "celery.[0-9]*.pickle",
    "celery.findings.*.pickle",
    "celery.index.pickle",
    "suppression.*.pickle",
)
Outcome = tuple[int, list[object], str]


def write_project(root: Path) -> None:
    for relative, text in PROJECT.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def append(path: Path, text: str) -> None:
    """Append ``text`` and move the modification time on, so the stat differs."""
    before = path.stat().st_mtime_ns
    with path.open("a") as file:
        file.write(text)
    os.utime(path, ns=(before + 10**9, before + 10**9))


def edit_project(root: Path) -> None:
    for relative, text in (PAGE_EDIT, CALL_EDIT):
        append(root / relative, text)


def run_cli(root: Path, *extra: str) -> Outcome:
    """Run the checks in a child process and return status, findings and stderr."""
    command = [sys.executable, "-m", "crucible_checks.cli", "run", str(root)]
    completed = subprocess.run(
        [*command, "--select", SELECT, "--format", "json", *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return completed.returncode, json.loads(completed.stdout or "[]"), completed.stderr


def run_here(root: Path, *extra: str) -> tuple[int, list[object]]:
    """Run the checks in this process and return status and findings. A run
    that fails before writing its findings has none."""
    output = root.parent / f"{root.name}-findings.json"
    output.unlink(missing_ok=True)
    arguments = ["run", str(root), "--select", SELECT, "--format", "json"]
    status = main([*arguments, "--output-file", str(output), *extra])
    findings: list[object] = json.loads(output.read_text()) if output.exists() else []
    return status, findings


@pytest.fixture(scope="module")
def warm_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a project whose cache two runs filled, to be copied, not changed."""
    root = tmp_path_factory.mktemp("warm") / "project"
    write_project(root)
    run_here(root)
    run_here(root)
    return root


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory, warm_project: Path) -> object:
    """Return what a run without the cache reports after `edit_project`."""
    root = tmp_path_factory.mktemp("cold") / "project"
    shutil.copytree(warm_project, root)
    edit_project(root)
    status, findings = run_here(root, "--no-cache")
    assert status == 1
    return status, findings


def copy_project(source: Path, target: Path) -> Path:
    # copytree keeps modification times, which the cache compares.
    shutil.copytree(source, target)
    return target


def cache_files(root: Path, pattern: str) -> list[Path]:
    found = sorted((root / CACHE).glob(pattern))
    assert found, f"no cache file matches {pattern}"
    return found


def replace_with_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


DAMAGES: dict[str, Callable[[Path], object]] = {
    "empty": lambda path: path.write_bytes(b""),
    "truncated": lambda path: path.write_bytes(
        path.read_bytes()[: path.stat().st_size // 2]
    ),
    "text": lambda path: path.write_bytes(b"not a pickle\n"),
    "pickle of None": lambda path: path.write_bytes(pickle.dumps(None)),
    "pickle of a pair": lambda path: path.write_bytes(pickle.dumps((1, 2))),
    "folder": replace_with_folder,
}


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("pattern", [*CACHE_FILES, "entry-points.json", "*"])
def test_damaged_cache_file_ignored(
    tmp_path: Path, warm_project: Path, expected: object, pattern: str, damage: str
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    for path in cache_files(root, pattern):
        DAMAGES[damage](path)
    edit_project(root)
    assert run_here(root) == expected
    assert run_here(root) == expected


def replace_with_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def test_fifo_in_place_of_cache_files(
    tmp_path: Path, warm_project: Path, expected: object
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    for pattern in (*CACHE_FILES, "entry-points.json"):
        for path in cache_files(root, pattern):
            replace_with_fifo(path)
    edit_project(root)
    # In a child process with a time limit: reading a FIFO with no writer
    # would wait for ever.
    status, findings, stderr = run_cli(root)
    assert (status, findings) == expected
    assert stderr == "Found 6 findings (6 errors).\n"
    assert run_here(root) == expected


class _Marker:
    """Unpickled, it creates the file at ``path``: the proof a run loaded it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.path,))


@pytest.mark.parametrize("signed", ["unsigned", "forged signature"])
def test_cache_file_from_elsewhere_never_unpickled(
    tmp_path: Path, warm_project: Path, expected: object, signed: str
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    marker = tmp_path / "unpickled"
    planted = pickle.dumps((_Marker(marker), 1, 2, 3))
    if signed == "forged signature":
        planted = b"crucible-checks cache 1\n" + planted + bytes(32)
    for pattern in CACHE_FILES:
        for path in cache_files(root, pattern):
            path.write_bytes(planted)
    edit_project(root)
    assert run_here(root) == expected
    assert not marker.exists()


def test_cache_of_another_key_counts_as_empty(
    tmp_path: Path,
    warm_project: Path,
    expected: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    monkeypatch.setenv(KEY_FILE_VARIABLE, str(tmp_path / "another-key"))
    edit_project(root)
    # A child process, since this one keeps the key it read first.
    status, findings, _stderr = run_cli(root)
    assert (status, findings) == expected
    assert (tmp_path / "another-key").stat().st_size == 32


def _signed(key: bytes, payload: bytes) -> bytes:
    """Return ``payload`` as a cache file signed with ``key``."""
    signature = hashlib.blake2b(payload, key=key, digest_size=32).digest()
    return b"crucible-checks cache 1\n" + payload + signature


@pytest.mark.parametrize("variable", ["XDG_CACHE_HOME", KEY_FILE_VARIABLE])
def test_key_inside_project_not_trusted(
    tmp_path: Path,
    warm_project: Path,
    expected: object,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    key = bytes(range(32))
    (root / "crucible-checks").mkdir()
    (root / "crucible-checks" / "cache-key").write_bytes(key)
    marker = tmp_path / "unpickled"
    planted = _signed(key, pickle.dumps((_Marker(marker), 1, 2, 3)))
    for pattern in CACHE_FILES:
        for path in cache_files(root, pattern):
            path.write_bytes(planted)
    edit_project(root)
    monkeypatch.delenv(KEY_FILE_VARIABLE)
    relative = "." if variable == "XDG_CACHE_HOME" else "crucible-checks/cache-key"
    monkeypatch.setenv(variable, relative)
    monkeypatch.chdir(root)
    status, findings, _stderr = run_cli(root)
    assert (status, findings) == expected
    assert not marker.exists()


@pytest.mark.parametrize("kind", ["fifo", "too long", "endless"])
def test_unusable_key_file_left_alone(
    tmp_path: Path,
    warm_project: Path,
    expected: object,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    key_file = tmp_path / "key"
    if kind == "fifo":
        os.mkfifo(key_file)
    elif kind == "too long":
        key_file.write_bytes(b"a file of someone else, not a key\n")
    else:
        key_file = Path("/dev/zero")
    monkeypatch.setenv(KEY_FILE_VARIABLE, str(key_file))
    edit_project(root)
    status, findings, _stderr = run_cli(root)
    assert (status, findings) == expected
    if kind == "too long":
        assert key_file.read_bytes() == b"a file of someone else, not a key\n"


def test_cache_folder_link_not_written_through(
    tmp_path: Path, warm_project: Path, expected: object
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(root / CACHE)
    (root / CACHE).symlink_to(elsewhere)
    edit_project(root)
    assert run_here(root) == expected
    assert run_here(root) == expected
    assert list(elsewhere.iterdir()) == []


#: A pickle frame header that claims 2**64 - 1 bytes: `pickle.loads` raises
#: OverflowError for it, as for some other junk and bit flips.
OVERFLOWING_PICKLE = b"\x80\x05\x95" + b"\xff" * 8


@pytest.mark.parametrize("pattern", CACHE_FILES)
def test_overflowing_cache_file_ignored(
    tmp_path: Path, warm_project: Path, expected: object, pattern: str
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    for path in cache_files(root, pattern):
        path.write_bytes(OVERFLOWING_PICKLE)
    edit_project(root)
    assert run_here(root) == expected
    assert run_here(root) == expected


def test_cache_folder_that_is_a_file(
    tmp_path: Path, warm_project: Path, expected: object
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    shutil.rmtree(root / CACHE)
    (root / CACHE).write_text("a file where the cache folder goes\n")
    edit_project(root)
    assert run_here(root) == expected
    assert run_here(root) == expected
    assert (root / CACHE).read_text() == "a file where the cache folder goes\n"


def make_read_only(folder: Path) -> Callable[[], object]:
    """Make ``folder`` unwritable and return a function that undoes it.

    Root ignores file modes, so as root this sets the immutable flag, and
    skips the test where ``chattr +i`` fails.
    """
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    try:
        subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("root ignores file modes, and chattr +i failed")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_cache_folder(
    tmp_path: Path, warm_project: Path, expected: object
) -> None:
    root = copy_project(warm_project, tmp_path / "project")
    before = sorted(path.name for path in (root / CACHE).iterdir())
    undo = make_read_only(root / CACHE)
    try:
        edit_project(root)
        assert run_here(root) == expected
        assert run_here(root) == expected
        assert sorted(path.name for path in (root / CACHE).iterdir()) == before
    finally:
        undo()


def load_every_cache_file(folder: Path) -> None:
    """Read each finished cache file to its end, and raise if one is cut short."""
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".tmp") or path.suffix not in (".pickle", ".json"):
            continue
        # Raises unless the file is whole: its signature covers every byte.
        payload = read_cache_file(path)
        if path.suffix == ".json":
            json.loads(bytes(payload))
            continue
        file = io.BytesIO(payload)
        unpickler = pickle.Unpickler(file)
        unpickler.load()
        # The pages file contains a header, then chunks that end with None.
        if path.name == "docs-summary-pages.pickle":
            while unpickler.load() is not None:
                pass
        assert file.read() == b"", path.name


def test_parallel_runs_share_cache_folder(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write_project(root)
    edits = [PAGE_EDIT, CALL_EDIT, ("docs/Setup.md", "See [[Queue#Nowhere]].\n")]
    for relative, text in [("docs/index.md", ""), *edits]:
        append(root / relative, text)
        command = [sys.executable, "-m", "crucible_checks.cli", "run", str(root)]
        command += ["--select", SELECT, "--format", "json"]
        runs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        outputs = [(run.communicate(timeout=120)[0], run.returncode) for run in runs]
        cold = run_cli(root, "--no-cache")
        for output, status in outputs:
            assert (status, json.loads(output)) == cold[:2]
        load_every_cache_file(root / CACHE)
        assert run_cli(root)[:2] == cold[:2]


@pytest.mark.parametrize("delay", [0.2, 0.5, 0.8])
def test_killed_run_leaves_whole_files(tmp_path: Path, delay: float) -> None:
    root = tmp_path / "project"
    write_project(root)
    run_here(root)
    edit_project(root)
    command = [sys.executable, "-m", "crucible_checks.cli", "run", str(root)]
    child = subprocess.Popen([*command, "--select", SELECT], stdout=subprocess.PIPE)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.communicate()
    load_every_cache_file(root / CACHE)
    assert run_here(root) == run_here(root, "--no-cache")


# The plugin entry points kept in the cache folder.

GROUP = "crucible_checks"


def test_entry_points_rewritten_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    metadata = site / "demo-0.1.dist-info"
    metadata.mkdir(parents=True)
    (metadata / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: demo\nVersion: 0.1\n"
    )
    entry_points = metadata / "entry_points.txt"
    entry_points.write_text("[console_scripts]\ndemo = json:main\n")
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    cache = tmp_path / "cache"
    cache.mkdir()
    assert PluginEntry("demo", "json") not in plugin_entries(GROUP, cache)
    # As setuptools' egg_info does for a package installed in develop mode.
    entry_points.write_text(
        "[console_scripts]\ndemo = json:main\n\n[crucible_checks]\ndemo = json\n"
    )
    assert PluginEntry("demo", "json") in plugin_entries(GROUP, cache)


def test_no_cache_run_ignores_stored_entry_points(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write_project(root)
    # The second run finds the cache folder and stores the entry points.
    run_here(root)
    run_here(root)
    expected = run_here(root, "--no-cache")
    stored_file = root / CACHE / "entry-points.json"
    stored = load_json_cache(stored_file)
    # The entry points of an older install, stored under a key that matches.
    stored["entries"] = [["core", "crucible_checks.core_plugin", None]]
    store_json_cache(stored_file, stored)
    assert run_here(root, "--no-cache") == expected


# A cache folder shared by two Python versions, as tox or nox environments do.

#: Valid from Python 3.12 on (PEP 695), a syntax error before.
NEW_SYNTAX = "type Payload = dict[str, int]\n"


def other_python() -> str | None:
    """Return a Python on the other side of 3.12 that imports this package
    (with this environment's packages), or None."""
    current = sys.version_info >= (3, 12)
    pyenv = Path.home() / ".pyenv" / "versions"
    candidates = [shutil.which(f"python3.{minor}") for minor in range(10, 15)]
    candidates += [str(path) for path in sorted(pyenv.glob("3.1[0-9]*/bin/python3"))]
    for candidate in candidates:
        if candidate is None:
            continue
        command = [
            candidate,
            "-c",
            "import sys, crucible_checks.cli; print(sys.version_info >= (3, 12))",
        ]
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=other_environment(),
            check=False,
        )
        if completed.returncode == 0 and completed.stdout.strip() != str(current):
            return candidate
    return None


def other_environment() -> dict[str, str]:
    source = Path(__file__).parents[1] / "src"
    paths = [str(source), sysconfig.get_paths()["purelib"]]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def test_cache_shared_by_two_pythons(tmp_path: Path) -> None:
    python = other_python()
    if python is None:
        pytest.skip("no second Python on the other side of 3.12 imports the package")
    root = tmp_path / "project"
    write_project(root)
    append(root / "proj" / "tasks.py", NEW_SYNTAX)
    command = [python, "-m", "crucible_checks.cli", "run", str(root), "--select", "CEL"]
    subprocess.run(command, env=other_environment(), capture_output=True, check=False)
    assert run_here(root) == run_here(root, "--no-cache")
