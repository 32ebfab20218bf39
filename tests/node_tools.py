"""What the export tests need to check generated TypeScript with the Node ecosystem's own tools: the
packages `make setup` installs into tests/js (`npm ci --prefix tests/js`), a skip marker naming what is
missing, a scratch project tsc can compile, and tsc itself."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

JS = Path(__file__).parent / "js"
NODE = shutil.which("node")
MODULES = JS / "node_modules"

#: compiler options every generated project is checked with (strict, CommonJS, Node's types)
COMPILER_OPTIONS = {"target": "ES2021", "module": "commonjs", "strict": True, "skipLibCheck": True,
                    "outDir": "dist", "types": ["node"], "esModuleInterop": True}


def requires_node(*packages: str, what: str) -> pytest.MarkDecorator:
    """Skip, saying why, unless node and every package in tests/js/node_modules are there."""
    return pytest.mark.skipif(NODE is None or not all((MODULES / p).is_dir() for p in packages),
                              reason=f"{what} missing: needs node and `npm ci --prefix tests/js`")


def node_project(path: Path, **options: Any) -> Path:
    """Make ``path`` a project tsc compiles: node_modules linked to tests/js's, a tsconfig.json with
    COMPILER_OPTIONS plus ``options``."""
    (path / "node_modules").symlink_to(MODULES, target_is_directory=True)
    (path / "tsconfig.json").write_text(json.dumps({"compilerOptions": {**COMPILER_OPTIONS, **options}}))
    return path


def tsc(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """tsc -p ``path`` (with ``args``, e.g. --noEmit)."""
    return subprocess.run([NODE or "node", str(MODULES / "typescript" / "bin" / "tsc"), "-p", str(path), *args],
                          capture_output=True, text=True, timeout=120, check=False)
