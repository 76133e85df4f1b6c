"""The on-disk cache of per-file results, as ruff keeps one.

An entry is found by path, size and modification time. When those changed, the
file is read again, and a content hash that still matches reuses the entry.
Each family stores its entries in one file that is replaced atomically. So two
runs that share the folder never see half a file, and the last one to finish wins.

Every file of the cache folder is signed with a key kept outside the project,
in the user's cache folder, and a file whose signature does not match is never
unpickled. A cache folder that came with a cloned repository, written by
someone else, therefore counts as empty: unpickling it could run any code.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import hmac
import os
import pickle
import stat
import zlib
from collections.abc import Callable, Container
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, cast

from crucible_checks.atomic import write_atomic_with
from crucible_checks.files import SourceFile

_README = "Cache of crucible-checks; safe to delete.\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by crucible-checks.\n"
)


def content_hash(data: bytes) -> str:
    """Return the hash that confirms a cached entry matches a file's content."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


#: Exceptions that loading a damaged or foreign cache file may raise. A
#: crafted pickle can also overflow a size or run out of memory. Each of them
#: means "no cache", never a failed run.
DAMAGED_CACHE_ERRORS = (
    OSError,
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    OverflowError,
    MemoryError,
)


def open_cache_file(path: Path) -> BinaryIO:
    """Open a file of the cache folder for reading, or raise OSError when it
    is not a regular file.

    The open does not wait, so a FIFO or a device in place of a cache file
    counts as a damaged cache instead of stopping the run.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


#: The first bytes of every cache file; the signature is the last bytes.
_MAGIC = b"crucible-checks cache 1\n"
_SIGNATURE_SIZE = 32
_KEY_SIZE = 32
#: The environment variable that names the key file, in place of the one in
#: the user's cache folder.
KEY_FILE_VARIABLE = "CRUCIBLE_CHECKS_KEY_FILE"


def read_cache_file(path: Path) -> memoryview:
    """Return what a cache file stores, or raise ValueError when its
    signature does not match the key of this user; see `open_cache_file`."""
    with open_cache_file(path) as file:
        data = file.read()
    if len(data) < len(_MAGIC) + _SIGNATURE_SIZE or not data.startswith(_MAGIC):
        raise ValueError(f"{path}: not a cache file of crucible-checks")
    payload = memoryview(data)[len(_MAGIC) : -_SIGNATURE_SIZE]
    if not hmac.compare_digest(_sign(payload), data[-_SIGNATURE_SIZE:]):
        raise ValueError(f"{path}: written with another key")
    return payload


def write_cache_file(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Replace a cache file atomically with what ``write`` writes, signed.

    A lost cache file is rebuilt by the next run, so the write needs no fsync.
    """
    signature = _signer()

    def signed(file: BinaryIO) -> None:
        file.write(_MAGIC)
        write(cast(BinaryIO, _SigningWriter(file, signature)))
        file.write(signature.digest())

    write_atomic_with(path, signed, durable=False)


def write_cache_bytes(path: Path, data: bytes) -> None:
    """Replace a cache file with ``data``, signed; see `write_cache_file`."""
    write_cache_file(path, lambda file: file.write(data))


class _SigningWriter:
    """A file that signs what passes through it on its way to ``file``."""

    def __init__(self, file: BinaryIO, signature: hashlib.blake2b) -> None:
        self.file = file
        self.signature = signature

    def write(self, data: bytes) -> int:
        self.signature.update(data)
        return self.file.write(data)


def _sign(payload: memoryview) -> bytes:
    signature = _signer()
    signature.update(payload)
    return signature.digest()


def _signer() -> hashlib.blake2b:
    return hashlib.blake2b(key=_signing_key(), digest_size=_SIGNATURE_SIZE)


@functools.cache
def _signing_key() -> bytes:
    """Return this user's signing key, creating the key file if there is none.

    Without a usable key file, the key lives for this process only: caches
    written by other runs then count as empty, and the run is only slower.
    An existing file that is not a key is never overwritten.
    """
    path = _key_path()
    if path is None:
        return os.urandom(_KEY_SIZE)
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        return os.urandom(_KEY_SIZE)
    try:
        _create_key_file(path)
        return _read_key(path)
    except (OSError, ValueError):
        return os.urandom(_KEY_SIZE)


def _key_path() -> Path | None:
    """Return where the key lives, or None when there is no safe place.

    A relative path could put the key inside the project being checked,
    where a cloned repository could bring its own key, so it is ignored.
    """
    explicit = os.environ.get(KEY_FILE_VARIABLE, "")
    if explicit:
        return Path(explicit) if Path(explicit).is_absolute() else None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not Path(base).is_absolute():
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # No home folder to keep it in.
            return None
    folder = Path(base)
    return folder / "crucible-checks" / "cache-key" if folder.is_absolute() else None


def _create_key_file(path: Path) -> None:
    """Write a new key to ``path`` unless a file is there already.

    The key goes to a temporary file that is then linked into place, so a
    reader never sees half a key and two first runs agree on one key.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(os.urandom(_KEY_SIZE))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _read_key(path: Path) -> bytes:
    """Return the key in ``path``, or raise OSError or ValueError when the
    file is not a key."""
    with open_cache_file(path) as file:
        key = file.read(_KEY_SIZE + 1)
    if len(key) != _KEY_SIZE:
        raise ValueError(f"{path}: not a key of {_KEY_SIZE} bytes")
    return key


#: Entries are split over this many files, so a run that changed a few files
#: rewrites a few small files instead of the whole cache.
SHARDS = 16

#: An entry: size, modification time in ns, content hash, and the value.
_Entry = tuple[int, int, str, Any]


class FileCache:
    """Per-file values of one family, valid for one tool version and settings key."""

    def __init__(self, folder: Path | None, namespace: str, key: str) -> None:
        self.folder = folder
        self.namespace = namespace
        self.key = key
        # Each shard loads on first use: a warm run that looks at a few
        # files reads a few shards, not every entry.
        self._shards: list[dict[str, _Entry] | None] = [None] * SHARDS
        self._seen: set[str] = set()
        self._dirty: set[int] = set()

    @property
    def path(self) -> Path | None:
        """Return the first shard's file, or None when caching is off."""
        return None if self.folder is None else self._shard_path(0)

    def get(self, file: SourceFile) -> Any | None:
        """Return the value stored for ``file`` if its size and mtime match."""
        entry = self._shard(file.relative).get(file.relative)
        if entry is None or entry[0] != file.size or entry[1] != file.mtime_ns:
            return None
        self._seen.add(file.relative)
        return entry[3]

    def get_by_hash(self, file: SourceFile, digest: str) -> Any | None:
        """Return the stored value if the content hash matches, refreshing the stat."""
        entry = self._shard(file.relative).get(file.relative)
        if entry is None or entry[2] != digest:
            return None
        self.put(file, digest, entry[3])
        return entry[3]

    def put(self, file: SourceFile, digest: str, value: Any) -> None:
        index = _shard_index(file.relative)
        self._shard(file.relative)[file.relative] = (
            file.size,
            file.mtime_ns,
            digest,
            value,
        )
        self._seen.add(file.relative)
        self._dirty.add(index)

    def save(self, present: Container[str] | None = None) -> None:
        """Write the shards that changed, dropping the files not seen in this
        run, or only those not ``present`` in the project when given: a warm
        run may look at the changed files alone. A shard this run did not
        load is left as it is."""
        if self.folder is None:
            return
        for index, shard in enumerate(self._shards):
            if shard is None:
                continue
            stale = [
                relative
                for relative in shard
                if relative not in self._seen
                and (present is None or relative not in present)
            ]
            for relative in stale:
                del shard[relative]
            if stale:
                self._dirty.add(index)
        try:
            _prepare_folder(self.folder)
            for index in sorted(self._dirty):
                # Pickled straight into the file: a shard of a 50k-page vault
                # is megabytes, which need not be built in memory first.
                stored = (self.key, self._shards[index] or {})
                write_cache_file(
                    self._shard_path(index),
                    partial(pickle.dump, stored, protocol=pickle.HIGHEST_PROTOCOL),
                )
        except OSError:
            return  # A read-only checkout still runs, only without a cache.
        self._dirty.clear()

    def _shard(self, relative: str) -> dict[str, _Entry]:
        index = _shard_index(relative)
        shard = self._shards[index]
        if shard is None:
            shard = self._shards[index] = self._load(index)
        return shard

    def _shard_path(self, index: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{self.namespace}.{index:02d}.pickle"

    def _load(self, index: int) -> dict[str, _Entry]:
        if self.folder is None:
            return {}
        try:
            key, entries = pickle.loads(read_cache_file(self._shard_path(index)))
        except DAMAGED_CACHE_ERRORS:
            return {}
        except (AttributeError, ImportError, IndexError):
            return {}  # Written by another version of the tool.
        if key != self.key or not isinstance(entries, dict):
            return {}
        return entries


def _shard_index(relative: str) -> int:
    return zlib.crc32(relative.encode("utf-8", "surrogateescape")) % SHARDS


def prepare_folder(folder: Path) -> None:
    """Create the cache folder, with its .gitignore, CACHEDIR.TAG and README."""
    _prepare_folder(folder)


def _prepare_folder(folder: Path) -> None:
    if folder.is_symlink():
        # It may lead out of the project, and nothing is written through it.
        raise OSError(errno.ELOOP, "cache folder is a symbolic link", str(folder))
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".gitignore").write_text("*\n")
    (folder / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG)
    (folder / "README").write_text(_README)
