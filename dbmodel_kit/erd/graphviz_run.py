"""Running Graphviz: ``dot -K<engine> -T<format>`` as a child process, and what can go wrong.

Light on purpose (no model, no DOT builder): ``dbmodel erd`` on an unchanged input gets its DOT
source from its cache and needs only this to lay it out. The ``graphviz`` Python package is not
used: it ran the same command, and importing it cost 20 ms of the command's start (issue 18).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from ..errors import ModelError

#: Which side of a row an edge leaves (child) and enters (parent), per rankdir: parents rank
#: first, so with LR they sit to the left and the edge runs from the child's west side to the
#: parent's east side. With TB/BT (parents above) no side suits every pair; edges still leave and
#: enter rows sideways, because an edge that dot lets attach anywhere on a row's cell leaves it
#: through the rows above or below, and the eye can no longer tell which row it belongs to.
SIDES: dict[str, tuple[str, str]] = {"LR": ("w", "e"), "RL": ("e", "w"), "TB": ("w", "e"), "BT": ("w", "e")}

#: Graphviz layout engines the ERD accepts (ports and HTML labels work in each).
ENGINES = ("dot", "neato", "fdp", "sfdp", "circo", "twopi", "osage")

INSTALL_HINT = (
    "the Graphviz 'dot' program is not installed (or not on PATH), and the ERD needs it to lay out "
    "the drawing. Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`sudo dnf install graphviz` (Fedora), `brew install graphviz` (macOS), "
    "`conda install -c conda-forge graphviz` (conda), or see https://graphviz.org/download/. "
    "Without it, to_dot() and to_mermaid() still work."
)


class GraphvizNotFound(ModelError):
    """The ``dot`` executable is missing; the message says how to install it."""


class GraphvizWarning(UserWarning):
    """Graphviz printed a warning while laying out an ERD."""


def layout(source: str, format: str = "svg", engine: str = "dot",
           neato_no_op: int | None = None) -> tuple[bytes, list[str]]:
    """Run Graphviz on DOT ``source``: ``(output bytes, warning lines)``. Not cached.
    ``neato_no_op``: ``neato -n`` level (2: every node's ``pos`` is final; only edges are routed).

    ``dot -K<engine> -T<format>`` runs as a child process, as the ``graphviz`` package would run it,
    without importing that package (20 ms of a ``dbmodel erd`` process's start; issue 18). After
    :func:`keep_ready`, the process is one started ahead of time (see there)."""
    cmd = _command(format, engine, neato_no_op)
    proc = _READY.take(cmd) if _READY.on else None
    if proc is None:
        done = _run(cmd, source)
    else:
        done = _finish(proc, cmd, source)
    if _READY.on:
        _READY.later(cmd)
    return done.stdout, _warnings(done)


def keep_ready(on: bool = True) -> None:
    """Keep a Graphviz process started ahead of the next :func:`layout` with the same command (the
    live ERD's: it redraws after every edit). A ``dot`` process spends a third of a 40-table
    drawing's CPU starting (loading its libraries and plugins, reading its configuration) before it
    reads a byte of input; started a moment after each drawing, it has done that by the next edit,
    which then waits only for the drawing itself. Each process still draws one graph and exits, so
    the drawing is byte for byte what a new ``dot`` draws (a ``dot`` fed one graph after another
    keeps state from one to the next: its second drawing of the same graph differs from its first).
    A process is used only with the working directory and environment it was started with, and
    only by the process that started it; else, or if it has died, a new one runs as before. Not on
    Windows (a waiting process would hold its working directory there). ``keep_ready(False)``
    ends the waiting processes."""
    if sys.platform == "win32":
        return
    _READY.on = on
    if not on:
        _READY.clear()


class _Ready:
    """At most one waiting Graphviz process per command line (see :func:`keep_ready`)."""

    #: seconds after a drawing before its successor starts: the edit's drawing reaches the page
    #: and the other panels redraw first, instead of sharing the CPU with a process's start
    DELAY = 0.15

    def __init__(self) -> None:
        self.on = False
        self.lock = threading.Lock()
        self.waiting: dict[tuple[str, ...], tuple[subprocess.Popen[bytes], str, dict[str, str], int]] = {}

    def take(self, cmd: list[str]) -> subprocess.Popen[bytes] | None:
        with self.lock:
            entry = self.waiting.pop(tuple(cmd), None)
        if entry is None:
            return None
        proc, cwd, env, pid = entry
        try:
            same = pid == os.getpid() and cwd == os.getcwd() and env == os.environ
        except OSError:  # the working directory is gone
            same = False
        if same and proc.poll() is None:
            return proc
        _end(proc)
        return None

    def later(self, cmd: list[str]) -> None:
        timer = threading.Timer(self.DELAY, self.start, (list(cmd),))
        timer.daemon = True
        timer.start()

    def start(self, cmd: list[str]) -> None:
        key = tuple(cmd)
        with self.lock:
            if not self.on or key in self.waiting:
                return
        try:
            cwd, env = os.getcwd(), dict(os.environ)
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    startupinfo=_startupinfo())
        except OSError:  # no Graphviz (any more): the next layout() says so
            return
        with self.lock:
            if self.on and key not in self.waiting:
                self.waiting[key] = (proc, cwd, env, os.getpid())
                return
        _end(proc)

    def clear(self) -> None:
        with self.lock:
            entries, self.waiting = list(self.waiting.values()), {}
        for proc, *_ in entries:
            _end(proc)

    def forget(self) -> None:
        """In a forked child: the waiting processes are the parent's, not to be used or ended here."""
        self.waiting = {}
        self.lock = threading.Lock()


def _end(proc: subprocess.Popen[bytes]) -> None:
    """End a waiting process that will not be used (it has read nothing: closing its input ends it)."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        proc.kill()
        proc.communicate(timeout=5)


_READY = _Ready()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_READY.forget)
atexit.register(_READY.clear)


def layout_to_file(source: str, path: Path, format: str = "svg", engine: str = "dot",
                   neato_no_op: int | None = None) -> list[str]:
    """:func:`layout` with Graphviz writing the drawing into ``path`` itself (``-o``), so its
    megabytes never pass through Python (10 ms of CPU for a 2.4 MB SVG); the warning lines. It
    writes a temporary file beside ``path``, renamed into place: a failed run leaves ``path`` as it was."""
    tmp = _new_file(path)
    try:
        done = _run([*_command(format, engine, neato_no_op), "-o", str(tmp)], source)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return _warnings(done)


def _new_file(path: Path) -> Path:
    """A new empty file beside ``path`` (created with the mode ``open()`` gives, so the drawing has it
    once renamed), named after this process. Not :mod:`tempfile`: importing it (and :mod:`random`)
    took 10 ms of ``dbmodel erd``'s start."""
    for n in range(100):
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{n}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:  # left by a killed run of a process with the same id
            continue
        return tmp
    raise ModelError(f"cannot make a temporary file beside {str(path)!r}")


def _command(format: str, engine: str, neato_no_op: int | None) -> list[str]:
    cmd = ["dot", f"-K{engine}", f"-T{format}"]
    if neato_no_op:
        cmd.append(f"-n{neato_no_op:d}")
    return cmd


def _run(cmd: list[str], source: str) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(cmd, input=source.encode("utf-8"), capture_output=True, check=False,
                              startupinfo=_startupinfo())
    except FileNotFoundError:
        raise GraphvizNotFound(INSTALL_HINT) from None
    except OSError as e:
        raise ModelError(f"cannot run Graphviz's dot: {e.strerror or e}") from None
    return _checked(done)


def _finish(proc: subprocess.Popen[bytes], cmd: list[str], source: str) -> subprocess.CompletedProcess[bytes]:
    """:func:`_run` with a process started earlier with ``cmd`` (see :func:`keep_ready`)."""
    try:
        out, err = proc.communicate(source.encode("utf-8"))
    except BaseException:
        _end(proc)
        raise
    if proc.returncode:  # ended while it waited, or failed: a new process tells which (and says why)
        return _run(cmd, source)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _checked(done: subprocess.CompletedProcess[bytes]) -> subprocess.CompletedProcess[bytes]:
    if done.returncode:
        detail = done.stderr.decode("utf-8", "replace").strip() or f"dot exited with {done.returncode}"
        raise ModelError(f"Graphviz failed to lay out the ERD: {detail}")
    return done


def _warnings(done: subprocess.CompletedProcess[bytes]) -> list[str]:
    return [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]


def _startupinfo() -> Any:
    """On Windows, no console window flashing up for each run (as the ``graphviz`` package does)."""
    if sys.platform != "win32" or not hasattr(subprocess, "STARTUPINFO"):
        return None
    info = subprocess.STARTUPINFO()  # type: ignore[attr-defined]
    info.dwFlags |= subprocess.STARTF_USESHOWWINDOW  # type: ignore[attr-defined]
    info.wShowWindow = subprocess.SW_HIDE  # type: ignore[attr-defined]
    return info
