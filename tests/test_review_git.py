"""The README's `.gitattributes` recipe: git shows model changes as DDL or as the migration."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dbmodel_kit import Model
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.io import dumps, load

ROOT = Path(__file__).resolve().parents[1]


def _recipe() -> list[str]:
    """The shell lines of the README's ``## Reviewing changes`` code block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reviewing changes", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Reviewing changes section has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _git(repo: Path, *args: str, env: dict[str, str]) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    if shutil.which("dbmodel", path=env["PATH"]) is None:
        pytest.skip("the dbmodel command is not installed in this environment")
    path = tmp_path / "repo"
    path.mkdir()
    _git(path, "init", "-q", env=env)
    Model(ecommerce()).save(path / "shop.yaml")
    _git(path, "add", "shop.yaml", env=env)
    _git(path, "commit", "-qm", "base", env=env)
    Model(path=path / "shop.yaml").add_column("products", "rating_avg", "decimal(3,2)")
    return path, env


def test_yaml_is_stable_across_saves(tmp_path):
    """Loading a saved model and saving it again gives the same bytes (no reordering noise)."""
    first = tmp_path / "a.yaml"
    Model(ecommerce()).save(first)
    assert dumps(load(first), "yaml") == first.read_text(encoding="utf-8")


def test_textconv_line_shows_ddl(repo):
    """With the README's textconv line, `git diff` of a model file is a diff of its DDL."""
    path, env = repo
    lines = _recipe()
    for line in (lines[0], next(x for x in lines if "textconv" in x)):
        subprocess.run(["bash", "-c", line], cwd=path, env=env, check=True)
    out = _git(path, "diff", "shop.yaml", env=env)
    assert "+\trating_avg NUMERIC(3, 2), " in out


def test_diff_command_line_shows_the_migration(repo):
    """With the README's diff.command line, `git diff` of a model file prints the migration SQL."""
    path, env = repo
    lines = _recipe()
    for line in (lines[0], next(x for x in lines if "diff.dbmodel.command" in x)):
        subprocess.run(["bash", "-c", line], cwd=path, env=env, check=True)
    out = _git(path, "diff", "shop.yaml", env=env)
    assert "ALTER TABLE products ADD COLUMN rating_avg NUMERIC(3, 2);" in out
