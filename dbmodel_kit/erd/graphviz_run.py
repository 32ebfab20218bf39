"""Running Graphviz: ``dot -K<engine> -T<format>`` as a child process, and what can go wrong.

Light on purpose (no model, no DOT builder): ``dbmodel erd`` on an unchanged input gets its DOT
source from its cache and needs only this to lay it out. The ``graphviz`` Python package is not
used: it ran the same command, and importing it cost 20 ms of the command's start (issue 18).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
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
    without importing that package (20 ms of a ``dbmodel erd`` process's start; issue 18)."""
    done = _run(_command(format, engine, neato_no_op), source)
    return done.stdout, _warnings(done)


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
