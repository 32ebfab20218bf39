"""The Binder files: requirements that match pyproject.toml, Graphviz from apt, and an install step."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
BINDER = ROOT / "binder"


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["jupyter"]]
    return {canonicalize_name(r.name): r for r in reqs}


def test_requirements_are_declared_dependencies_with_the_same_floor():
    """Every line of binder/requirements.txt is a runtime or [jupyter] dependency of pyproject.toml, same specifier."""
    declared = _declared()
    lines = [line.strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    reqs = [Requirement(line) for line in lines if line and not line.startswith("#")]
    assert reqs, "binder/requirements.txt lists nothing"
    for req in reqs:
        name = canonicalize_name(req.name)
        assert name in declared, f"{req.name} is not a dependency in pyproject.toml"
        assert req.specifier == declared[name].specifier, f"{req.name}: {req.specifier} != {declared[name].specifier}"


def test_apt_installs_graphviz_and_runtime_matches_python_floor():
    """apt.txt installs Graphviz (the `dot` program) and runtime.txt picks a Python pyproject allows."""
    assert "graphviz" in (BINDER / "apt.txt").read_text().split()
    runtime = (BINDER / "runtime.txt").read_text().strip()
    version = runtime.removeprefix("python-")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    from packaging.specifiers import SpecifierSet

    assert version in SpecifierSet(requires)


def test_post_build_installs_the_package_from_the_repository():
    """postBuild is an executable bash script that fails fast and installs the repository with [jupyter]."""
    post = BINDER / "postBuild"
    text = post.read_text()
    assert text.startswith("#!/bin/bash\n")
    assert os.access(post, os.X_OK)
    assert "set -euo pipefail" in text
    assert 'pip install --no-cache-dir -e ".[jupyter]"' in text
