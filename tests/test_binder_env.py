"""Binder, rebuilt here: a fresh virtual environment from exactly the files in ``binder/`` runs every notebook.

Binder itself (repo2docker) cannot run in CI, so this test does what it does, in its order: a
fresh venv of the Python that ``runtime.txt`` names, ``pip install -r binder/requirements.txt``,
the repository copied in, ``binder/postBuild`` run from it; then every notebook in ``notebooks/``
is executed with nbclient by the venv's own Jupyter stack and kernel. A notebook that needs
something ``binder/`` does not install fails here. (``apt.txt`` is checked by tests/test_binder.py:
the system packages it names, Graphviz, are the ones this machine has.)

pip's cache is reused (``PIP_CACHE_DIR`` or pip's default), so a warm run takes about a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "node_modules", "__pycache__", "*.egg-info", "build", "dist",
                              ".ipynb_checkpoints", "test-artifacts", ".env", ".env-*", "data", "*.duckdb*",
                              ".hypothesis", ".mypy_cache", ".ruff_cache", ".pytest_cache")

#: Run inside the Binder venv: execute each notebook with that venv's nbclient and kernel, print
#: one JSON line per notebook (its name and the first error, or null).
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
    print(json.dumps({"notebook": path.name, "error": error}), flush=True)
"""


def _python_for_runtime() -> str:
    version = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    base = getattr(sys, "_base_executable", sys.executable)
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return base
    other = shutil.which(f"python{version}")
    if other is None:
        pytest.skip(f"binder/runtime.txt wants Python {version}; no python{version} on PATH")
    return other


def _env(venv: Path) -> dict[str, str]:
    """This process's environment without its own venv: the Binder venv's bin first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    ours = str(Path(sys.executable).parent)
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != ours]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *path])
    env["VIRTUAL_ENV"] = str(venv)
    return env


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    tail = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, f"{' '.join(cmd)} failed ({done.returncode}):\n{tail}"
    return done


def test_every_notebook_runs_in_the_binder_environment(tmp_path):
    """A venv built only from binder/ (requirements.txt, then postBuild) runs every notebook without error."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz (binder/apt.txt) is not installed on this machine: apt-get install graphviz")
    repo, venv = tmp_path / "repo", tmp_path / "venv"
    shutil.copytree(ROOT, repo, ignore=SKIP)
    _run([_python_for_runtime(), "-m", "venv", str(venv)])
    env = _env(venv)
    python = str(venv / "bin" / "python")
    _run([python, "-m", "pip", "install", "-q", "-r", str(repo / "binder" / "requirements.txt")], env=env, cwd=repo)
    _run(["bash", str(repo / "binder" / "postBuild")], env=env, cwd=repo)

    # the install is the copy's, not this checkout's
    where = _run([python, "-c", "import dbmodel_kit, dbmodel_kit.widgets; print(dbmodel_kit.__file__)"],
                 env=env, cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(repo), where

    notebooks = repo / "notebooks"
    expected = sorted(p.name for p in notebooks.glob("*.ipynb"))
    out = _run([python, "-c", RUNNER, str(notebooks)], env=env, cwd=notebooks, timeout=900).stdout
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [r["notebook"] for r in results] == expected
    failed = {r["notebook"]: r["error"] for r in results if r["error"]}
    assert not failed, "notebooks failing in the Binder environment:\n" + "\n\n".join(
        f"{name}:\n{error}" for name, error in failed.items())
