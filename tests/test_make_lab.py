"""`make lab` starts JupyterLab for whoever runs it, root included, and prints the URL to open.

The test runs `make serve` (what `make lab` runs once `make setup` has set up the environment) with
this interpreter's environment, on a free port, as the current user (root in CI containers, where
JupyterLab refuses to start without --allow-root), reads the URL it prints, fetches it, and stops
the server. A normal user's run on a fresh machine was checked by hand (see the issue's report).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_make_serve_prints_a_url_that_answers(tmp_path: Path) -> None:
    """The server starts (as root too), prints http://127.0.0.1:PORT/lab?token=..., and that URL answers."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "jupyter").exists():
        pytest.skip("jupyter is not installed next to this interpreter (the jupyter extra)")
    port = _free_port()
    state = tmp_path / "state"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    args = f"--port={port} --ServerApp.port_retries=0 --ServerApp.ip=127.0.0.1 --LabApp.news_url="
    proc = subprocess.Popen(["make", "--no-print-directory", "serve", f"VENV={bin_dir.parent}", f"LAB_ARGS={args}"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 90
        url = None
        assert proc.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=\w+", line)
            url = found.group(0) if found else None
        assert url is not None, "no URL printed:\n" + "".join(lines[-30:])
        assert "Running as root is not recommended" not in "".join(lines)
        status = None
        while status is None and time.monotonic() < deadline:  # the URL is printed just before it listens
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    status = response.status
            except OSError:
                time.sleep(0.5)
        assert status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
