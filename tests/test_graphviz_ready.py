"""A Graphviz process started ahead of the next drawing (``graphviz_run.keep_ready``, which the
Designer's ERD turns on): it draws exactly what a new process draws, is used only where it was
started (same process, working directory and environment), and a dead one changes nothing."""

from __future__ import annotations

import os
import shutil
import sys
import time

import pytest

from dbmodel_kit.erd import graphviz_run as gr
from dbmodel_kit.erd._gen import synthetic
from dbmodel_kit.erd.render import cached_dot

pytestmark = [pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed"),
              pytest.mark.skipif(sys.platform == "win32", reason="not kept ready on Windows")]

CMD = ("dot", "-Kdot", "-Tsvg")


@pytest.fixture
def ready(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gr._Ready, "DELAY", 0.0)
    gr.keep_ready(True)
    yield gr._READY
    gr.keep_ready(False)


def waiting(ready: gr._Ready, cmd: tuple[str, ...] = CMD):  # type: ignore[no-untyped-def]
    """The process waiting for ``cmd`` (waits up to 10 s for the timer to start it)."""
    for _ in range(1000):
        with ready.lock:
            entry = ready.waiting.get(cmd)
        if entry is not None:
            return entry[0]
        time.sleep(0.01)
    raise AssertionError(f"no process waiting for {cmd}")


@pytest.fixture(scope="module")
def source() -> str:
    return cached_dot(synthetic(12), theme="light", collapse_m2m=False)


def test_a_ready_process_draws_what_a_new_one_draws(ready: gr._Ready, source: str) -> None:
    gr.keep_ready(False)
    fresh, _ = gr.layout(source)
    gr.keep_ready(True)
    gr.layout(source)  # starts the next one
    for _ in range(3):
        proc = waiting(ready)
        out, problems = gr.layout(source)
        assert proc.returncode == 0  # it was the one used (and it has ended)
        assert (out, problems) == (fresh, [])
    # another command has its own process; the first one's stays
    gr.layout("digraph { a -> b }", "json0", "neato")
    neato = waiting(ready, ("dot", "-Kneato", "-Tjson0"))
    assert waiting(ready) is not neato


def test_a_process_from_another_environment_or_folder_is_not_used(ready: gr._Ready, source: str,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path) -> None:  # type: ignore[no-untyped-def]
    gr.layout(source)
    before = waiting(ready)
    monkeypatch.setenv("DBMODEL_READY_TEST", "1")  # Graphviz reads its environment (GVBINDIR, fonts...)
    out, _ = gr.layout(source)
    assert out.startswith(b"<?xml")
    assert before.returncode not in (None, 0)  # ended unused (killed)
    after = waiting(ready)
    assert after is not before
    monkeypatch.chdir(tmp_path)  # relative image paths in a graph resolve against it
    gr.layout(source)
    assert after.returncode not in (None, 0)


def test_a_dead_ready_process_changes_nothing(ready: gr._Ready, source: str) -> None:
    gr.layout(source)
    proc = waiting(ready)
    proc.kill()
    proc.wait()
    out, problems = gr.layout(source)  # a new process draws instead
    assert out.startswith(b"<?xml")
    assert problems == []
    # one that dies while drawing (after the check): a new process draws instead too
    victim = waiting(ready)
    take = ready.take

    def killed_after_take(cmd: list[str]):  # type: ignore[no-untyped-def]
        got = take(cmd)
        assert got is victim
        got.kill()
        got.wait()
        return got

    ready.take = killed_after_take  # type: ignore[method-assign]
    try:
        out2, _ = gr.layout(source)
    finally:
        del ready.take
    assert out2 == out


def test_graphviz_errors_still_raise(ready: gr._Ready) -> None:
    gr.layout("digraph { a }")
    waiting(ready)
    with pytest.raises(gr.ModelError, match="Graphviz failed to lay out the ERD"):
        gr.layout("digraph { a -> }")


def test_missing_dot_still_says_how_to_install(ready: gr._Ready, source: str, tmp_path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    gr.layout(source)
    waiting(ready)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(gr.GraphvizNotFound):
        gr.layout(source)
    time.sleep(0.2)  # the timer's start fails quietly: nothing waits
    assert CMD not in ready.waiting


def test_keep_ready_off_ends_the_waiting_processes(ready: gr._Ready, source: str) -> None:
    gr.layout(source)
    proc = waiting(ready)
    gr.keep_ready(False)
    assert proc.returncode is not None
    assert not ready.waiting
    gr.layout(source)
    time.sleep(0.2)
    assert not ready.waiting


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_does_not_use_the_parents_process(ready: gr._Ready, source: str) -> None:
    gr.layout(source)
    proc = waiting(ready)
    pid = os.fork()
    if pid == 0:  # the child: nothing waiting for it, and its drawing comes from its own process
        code = 1
        try:
            if not gr._READY.waiting and gr.layout(source)[0].startswith(b"<?xml"):
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert proc.poll() is None  # the parent's process still waits, for the parent
    assert waiting(ready) is proc
