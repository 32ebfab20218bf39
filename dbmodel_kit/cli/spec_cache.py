"""An on-disk cache of parsed schema files, for commands run again on an unchanged file.

Reading a 300-table PostgreSQL dump takes sqlglot about a second; a command run again on the same
file (``dbmodel erd`` after each edit of another file, a Makefile, CI) gets the parsed
:class:`~dbmodel_kit.model.schema.Schema` back from the cache in about 20 ms, without importing
sqlglot or PyYAML at all (issue 18, docs/benchmarks.md "ERD at scale"). As mypy's and ruff's
caches do, it lives in the user's cache directory:

* key: SHA-256 of the file's bytes, how it is read (format, SQL dialect, strictness), the kit's
  version and a fingerprint of the kit's own source files (path, size and modification time of
  each), and the Python version, so an upgrade or an edited kit never reads an older entry;
* value: the schema, pickled, with the lines the import printed on standard error (SQL statements
  not kept, notes), which a hit prints again, so the output is the same either way; an import that
  raised an error or issued a warning is not cached;
* safe against corruption: an entry is written to a temporary file and renamed into place (a killed
  run leaves no half entry), and holds the SHA-256 of its pickle, checked before unpickling; a bad
  entry is removed and the file read again. Writing problems (a read-only disk) are ignored;
* the directory (made private to the user, ``0700``) keeps the :data:`MAX_ENTRIES` most recently
  used entries; a directory another user owns or may write in is not used at all (entries are
  pickles, which run code when read).

``DBMODEL_CACHE=off`` (or ``0``, ``no``, ``false``) or ``--no-cache`` turn it off;
``DBMODEL_CACHE_DIR`` moves it (default: ``$XDG_CACHE_HOME/dbmodel-kit/schemas``, i.e.
``~/.cache/dbmodel-kit/schemas``; ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

#: Bumped when the layout of an entry changes.
FORMAT = b"dbmodel-kit schema cache 1\n"
#: Entries kept (least recently used removed first); a 300-table schema takes about 250 KB.
MAX_ENTRIES = 64
OFF = frozenset({"0", "off", "no", "false"})
T = TypeVar("T")


def enabled() -> bool:
    """Whether the cache is on (``DBMODEL_CACHE`` is not ``off``, ``0``, ``no`` or ``false``)."""
    return os.environ.get("DBMODEL_CACHE", "").strip().lower() not in OFF


def cache_dir() -> Path:
    """Where entries live: ``DBMODEL_CACHE_DIR``, else the platform's user cache directory."""
    given = os.environ.get("DBMODEL_CACHE_DIR")
    if given:
        return Path(given).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "dbmodel-kit" / "Cache" / "schemas"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "dbmodel-kit" / "schemas"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dbmodel-kit" / "schemas"


_FINGERPRINT: bytes | None = None


def code_fingerprint() -> bytes:
    """The kit's version and the path, size and modification time of each of its source files (a
    change to the reader or to the model's classes makes older entries unreachable)."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        from .. import __version__

        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{root}\0".encode())
        stack = [str(root)]
        while stack:
            folder = stack.pop()
            with os.scandir(folder) as entries:
                for entry in entries:  # (another order only misses, never hits wrongly)
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            stack.append(entry.path)
                    elif entry.name.endswith(".py"):
                        st = entry.stat()
                        digest.update(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        _FINGERPRINT = digest.digest()
    return _FINGERPRINT


def entry_key(data: bytes, how: tuple[str, ...]) -> str:
    """The entry's name for file contents ``data`` (or their digest) used as ``how`` says."""
    digest = hashlib.sha256(FORMAT + code_fingerprint())
    digest.update("\0".join(how).encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


def private(folder: Path) -> bool:
    """Whether ``folder`` is the user's own and no one else may write in it (on POSIX): entries are
    pickles, so one that another user could have put there is never read."""
    if os.name != "posix":
        return True
    try:
        st = folder.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def read(key: str, folder: Path | None = None) -> Any:
    """The value stored under ``key``, or None (no entry, or a bad one, which is removed)."""
    folder = folder or cache_dir()
    if not private(folder):
        return None
    path = folder / f"{key}.pickle"
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(FORMAT)
    digest, payload = blob[head:head + 32], blob[head + 32:]
    try:
        if blob[:head] != FORMAT or hashlib.sha256(payload).digest() != digest:
            raise ValueError("damaged entry")
        value = pickle.loads(payload)
    except Exception:  # a damaged or stale entry is a miss, never an error
        _remove(path)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # most recently used
    return value


def write(key: str, value: Any, folder: Path | None = None) -> None:
    """Store ``value`` under ``key`` (atomically; problems writing are ignored: it is a cache)."""
    folder = folder or cache_dir()
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not private(folder):
            return
        import tempfile  # a miss only (it imports random: 5 ms of a hit's start)

        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(FORMAT + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, folder / f"{key}.pickle")
        except BaseException:
            _remove(Path(tmp))
            raise
        _prune(folder)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        pass


def _prune(folder: Path) -> None:
    entries = []
    with os.scandir(folder) as found:
        for entry in found:
            if entry.name.endswith(".pickle") and not entry.name.startswith(".tmp-"):
                entries.append((entry.stat().st_mtime_ns, entry.path))
    entries.sort(reverse=True)
    for _, path in entries[MAX_ENTRIES:]:
        _remove(Path(path))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def cached(paths: Sequence[Path], how: tuple[str, ...], make: Callable[[], tuple[T, list[str]]],
           use: bool = True) -> tuple[T, list[str]]:
    """``make()`` (a ``(value, stderr lines)`` pair) for the files at ``paths`` read as ``how``
    says, from the cache when the files' bytes were read that way before. Not cached: what
    raised, and what issued a warning (a hit could not issue it again)."""
    if not (use and enabled()):
        return make()
    digest = hashlib.sha256()
    try:
        for path in paths:
            data = path.read_bytes()
            digest.update(b"%d\0" % len(data) + data)
    except OSError:
        return make()  # reading reports the problem
    key = entry_key(digest.digest(), how)
    hit = read(key)
    if isinstance(hit, tuple) and len(hit) == 2:
        return hit[0], list(hit[1])
    import warnings

    with warnings.catch_warnings(record=True) as issued:
        warnings.simplefilter("always")
        value, lines = make()
    for w in issued:  # issued again, as they were, outside the recording
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    if not issued:
        write(key, (value, list(lines)))
    return value, lines
