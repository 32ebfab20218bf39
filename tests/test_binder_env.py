"""Binder, rebuilt here: a fresh virtual environment from exactly the files in ``binder/`` runs every
notebook; and every notebook, executed and saved, reads completely without a kernel.

Binder itself (repo2docker) cannot run in CI, so this file does what it does, in its order: a
fresh venv of the Python that ``runtime.txt`` names, ``pip install -r binder/requirements.txt``,
the repository copied in, ``binder/postBuild`` run from it; then every notebook in ``notebooks/``
is executed with nbclient by the venv's own Jupyter stack and kernel, and saved. A notebook that
needs something ``binder/`` does not install fails here. (``apt.txt`` is checked by
tests/test_binder.py: the system packages it names, Graphviz, are the ones this machine has.)

The same execution feeds the static check (:func:`notebook_checks.problems`, tested in
tests/test_notebooks_static.py): each saved notebook is read output by output as GitHub or
nbviewer shows it. Where no Binder environment can be built (no Python of ``runtime.txt``'s
version here), the Binder test skips and the notebooks are executed in this environment instead,
for the static check.

pip installs without compiling every installed module to bytecode (``PIP_COMPILE=0``): the modules
the notebooks import are compiled when first imported, and written, so the later kernels read them
(about 20 s of CPU less than compiling all of them at install). The venv, its packages and the copy
of the repository are new each run (pip's cache is used when there is one).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from notebook_checks import KNOWN, problems

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (dev extra)")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "node_modules", "__pycache__", "*.egg-info", "build", "dist",
                              ".ipynb_checkpoints", "test-artifacts", ".env", ".env-*", "data", "*.duckdb*",
                              ".hypothesis", ".mypy_cache", ".ruff_cache", ".pytest_cache")

#: Run by the environment's own Python: execute each notebook of folder argv[1] with that
#: environment's nbclient and kernel, save it to folder argv[2] under the same name, and print one
#: JSON line per notebook (its name and the first error, or null).
RUNNER = r"""
import json, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

for path in sorted(Path(sys.argv[1]).glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    error = None
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as e:
        error = str(e)[-1500:]
    except Exception as e:  # a kernel that died or a cell that timed out: this notebook's failure
        error = f"{type(e).__name__}: {e}"[-1500:]
    nbformat.write(nb, Path(sys.argv[2]) / path.name)
    print(json.dumps({"notebook": path.name, "error": error}), flush=True)
"""


@dataclass(frozen=True)
class Runs:
    """Every notebook executed once and saved. ``binder``: the Binder venv's Python, ``results``
    and ``saved`` what it did; or why it was not built (``skipped``: a piece this machine lacks;
    ``failed``: the step that failed, with its output). ``static`` and ``static_saved``: what the
    static check reads, the Binder venv's run, or, where the Binder venv was not built or a
    notebook failed in it, a run in this environment (the static check is about the saved outputs,
    not about what Binder installs)."""

    binder: str | None
    skipped: str
    failed: str
    results: list[dict[str, str | None]]
    repo: Path
    env: dict[str, str]
    static: list[dict[str, str | None]]
    static_saved: Path


def _python_for_runtime() -> str | None:
    version = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    base = getattr(sys, "_base_executable", sys.executable)
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return base
    return shutil.which(f"python{version}")


def _env(venv: Path) -> dict[str, str]:
    """This process's environment without its own venv: the Binder venv's bin first on PATH."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE")}
    ours = str(Path(sys.executable).parent)
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != ours]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *path])
    env["VIRTUAL_ENV"] = str(venv)
    # No bytecode compiled at install (binder/postBuild's pip and its build environment too; the
    # variable is the option's own name: pip reads PIP_NO_COMPILE=1 as "--no-compile" *off*). The
    # modules the notebooks import are compiled once, by the first process that imports them: the
    # venv's processes write their bytecode (as in Binder), whether or not ours may.
    env["PIP_COMPILE"] = "0"
    return env


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    tail = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, f"{' '.join(cmd)} failed ({done.returncode}):\n{tail}"
    return done


def _execute(python: str, notebooks: Path, saved: Path, env: dict[str, str]) -> list[dict[str, str | None]]:
    """Execute every notebook in ``notebooks`` with ``python``'s nbclient, save them to ``saved``."""
    saved.mkdir()
    out = _run([python, "-c", RUNNER, str(notebooks), str(saved)], env=env, cwd=notebooks, timeout=900).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


class Unavailable(Exception):
    """This machine lacks a piece the Binder venv needs (the message says which)."""


def _build_binder(repo: Path, venv: Path) -> tuple[str, dict[str, str]]:
    """The Binder venv, built from repo/binder as repo2docker builds it: its Python and environment."""
    if shutil.which("dot") is None:
        raise Unavailable("Graphviz (binder/apt.txt) is not installed on this machine: apt-get install graphviz")
    runtime = _python_for_runtime()
    if runtime is None:
        raise Unavailable(f"binder/runtime.txt wants {(BINDER / 'runtime.txt').read_text().strip()}; "
                          "no such python on PATH")
    _run([runtime, "-m", "venv", str(venv)])
    env = _env(venv)
    python = str(venv / "bin" / "python")
    _run([python, "-m", "pip", "install", "-q", "-r", str(repo / "binder" / "requirements.txt")], env=env, cwd=repo)
    _run(["bash", str(repo / "binder" / "postBuild")], env=env, cwd=repo)
    return python, env


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Build the Binder venv from a copy of the repository and execute every notebook in it; execute
    them here too only if the venv could not be built or a notebook failed in it."""
    tmp = tmp_path_factory.mktemp("binder")
    repo = tmp / "repo"
    shutil.copytree(ROOT, repo, ignore=SKIP)
    binder, skipped, failed, env, results = None, "", "", dict(os.environ), []
    try:
        binder, env = _build_binder(repo, tmp / "venv")
    except Unavailable as e:
        skipped = str(e)
    except AssertionError as e:  # the step that failed, with its output
        failed = str(e)
    else:
        results = _execute(binder, repo / "notebooks", tmp / "executed", env)
    static, static_saved = results, tmp / "executed"
    if binder is None or any(r["error"] for r in results):
        static_saved = tmp / "executed-here"
        shutil.copytree(ROOT / "notebooks", tmp / "here", ignore=SKIP)
        static = _execute(sys.executable, tmp / "here", static_saved, dict(os.environ))
    return Runs(binder, skipped, failed, results, repo, env, static, static_saved)


def test_every_notebook_runs_in_the_binder_environment(runs: Runs, tmp_path: Path) -> None:
    """A venv built only from binder/ (requirements.txt, then postBuild) runs every notebook without error."""
    if runs.skipped:
        pytest.skip(runs.skipped)
    assert runs.binder is not None, f"the Binder venv could not be built:\n{runs.failed}"
    # the install is the copy's, not this checkout's
    where = _run([runs.binder, "-c", "import dbmodel_kit, dbmodel_kit.widgets; print(dbmodel_kit.__file__)"],
                 env=runs.env, cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(runs.repo), where

    assert [r["notebook"] for r in runs.results] == [p.name for p in NOTEBOOKS]
    failed = {r["notebook"]: r["error"] for r in runs.results if r["error"]}
    assert not failed, "notebooks failing in the Binder environment:\n" + "\n\n".join(
        f"{name}:\n{error}" for name, error in failed.items())


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(reason=KNOWN[p.name], strict=True))
                                  if p.name in KNOWN else p for p in NOTEBOOKS], ids=[p.name for p in NOTEBOOKS])
def test_executed_notebook_reads_without_a_kernel(runs: Runs, path: Path) -> None:
    """The notebook runs top to bottom and every output it saves has a static, readable form."""
    error = next((r["error"] for r in runs.static if r["notebook"] == path.name), "it was not executed")
    assert error is None, f"{path.name} did not run top to bottom:\n{error}"
    found = problems(nbformat.read(runs.static_saved / path.name, as_version=4))
    assert not found, f"{path.name}:\n" + "\n".join(found)
