"""Edit -> ERD update latency of the Designer, kernel-side, on a 50-table schema.

What is timed, with a :class:`~dbmodel_kit.widgets.designer.Designer` open on the schema: from
``model.apply(op)`` to the moment the re-rendered SVG (Graphviz ``dot``) is set on the ERD widget,
which is when it is sent to the page; and until ``apply`` returns, after every panel redrew and
lint re-ran. The browser's own drawing is not included (a DOM innerHTML swap).

Run from the repository root::

    .venv/bin/python bench/designer.py            # prints and updates docs/benchmarks.md
    .venv/bin/python bench/designer.py --no-write # prints only

Target: median <= 200 ms for an edit on the 50-table schema.

Then where the kernel's CPU goes in the edit the browser benchmark makes (``bench/designer_browser.py``:
Add column clicked in the Designer on a 40-table schema), stage by stage: the form and the name
check, the model operation, the DOT build, Graphviz (the ``dot`` process's own CPU, from
``RUSAGE_CHILDREN``; the part it spent starting before the edit, when the ERD had it started
ahead, apart), the SVG's JSON encoding, and what runs after the SVG is sent (the other panels,
lint); and Graphviz on the same DOT source on its own, in the process's smallest form (``dot`` on
a one-node graph) for comparison. Edits are a person's pace apart (``PACE``), outside the timing.
CPU time, not wall clock: the machine is shared.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _doc import write_section

from dbmodel_kit import Model
from dbmodel_kit.erd import clear_cache, graphviz_run, layout, render_svg, to_dot
from dbmodel_kit.erd._gen import synthetic
from dbmodel_kit.model import ops as o
from dbmodel_kit.model.schema import Column, Index
from dbmodel_kit.model.types import DataType
from dbmodel_kit.widgets.designer import Designer

ROOT = Path(__file__).resolve().parents[1]
# the module (dbmodel_kit.erd exports a function of the same name)
erd_render = importlib.import_module("dbmodel_kit.erd.render")
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:designer -->", "<!-- /bench:designer -->"
TARGET_MS = 200.0
#: seconds between two edits, outside what is timed (more than graphviz_run's start-ahead delay)
PACE = 0.3


def edits(model: Model, n: int) -> list[o.Operation]:
    """``n`` different single edits spread over the schema (each one gives a new schema value)."""
    tables = list(model.schema.tables)
    out: list[o.Operation] = []
    for i in range(n):
        t = tables[(i * 7) % len(tables)]
        kind = i % 4
        if kind == 0:
            out.append(o.AddColumn(t.name, Column(f"bench_col_{i}", DataType("varchar", length=40))))
        elif kind == 1:
            out.append(o.AddIndex(t.name, Index((t.columns[1].name,), name=f"ix_bench_{i}")))
        elif kind == 2:
            out.append(o.AlterTable(t.name, comment=f"bench comment {i}"))
        else:
            out.append(o.AddColumn(t.name, Column(f"bench_flag_{i}", DataType("boolean"), nullable=False,
                                                  default=False)))
    return out


def _ms(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {"median": round(statistics.median(values), 1),
            "p95": round(values[max(0, int(len(values) * 0.95) - 1)], 1),
            "max": round(values[-1], 1)}


def run(n_tables: int = 50, n_edits: int = 40) -> dict[str, object]:
    schema = synthetic(n_tables)
    model = Model(schema)
    designer = Designer(model)
    designer.select(schema.tables[0].name)
    clear_cache()  # every edit below makes a schema the caches have never seen

    # the moment the new SVG is set on the widget (and so sent to the page)
    shown: list[float] = []
    designer.erd.view.observe(lambda _change: shown.append(time.perf_counter()), names=["svg"])

    erd_ms, apply_ms, render_ms, encode_ms = [], [], [], []
    for op in edits(model, n_edits):
        # a person's pace: the Graphviz process the ERD starts after each drawing is ready for the
        # next edit (graphviz_run.keep_ready) instead of starting during it
        time.sleep(PACE)
        before_svg = designer.erd.view.svg
        shown.clear()
        t0 = time.perf_counter()
        model.apply(op)
        apply_ms.append((time.perf_counter() - t0) * 1000)
        if designer.erd.view.svg == before_svg or not shown:
            raise RuntimeError(f"the ERD did not change after {op.describe()}")
        erd_ms.append((shown[0] - t0) * 1000)
        # outside a kernel the widget's comm sends nothing; what a kernel adds is encoding the
        # state update as JSON (the zmq send itself is a memory copy)
        t0 = time.perf_counter()
        json.dumps({"method": "update", "state": {"svg": designer.erd.view.svg}})
        encode_ms.append((time.perf_counter() - t0) * 1000)
        # the share of that spent drawing: the same DOT build + Graphviz layout, bypassing the caches
        t0 = time.perf_counter()
        layout(to_dot(model.schema, theme="light", collapse_m2m=False))
        render_ms.append((time.perf_counter() - t0) * 1000)

    undo_ms = []
    for _ in range(10):
        t0 = time.perf_counter()
        model.undo()
        undo_ms.append((time.perf_counter() - t0) * 1000)
    designer.close()
    return {
        "tables": n_tables, "edits": n_edits,
        "edit_to_erd_ms": _ms(erd_ms),
        "edit_all_panels_ms": _ms(apply_ms),
        "render_only_ms": _ms(render_ms),
        "encode_ms": _ms(encode_ms),
        "undo_ms (render cache warm)": _ms(undo_ms),
        "svg_kb": round(len(render_svg(model.schema, theme="light", collapse_m2m=False)) / 1024, 1),
        "target_met": statistics.median(erd_ms) <= TARGET_MS,
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        # other work on the machine slows the `dot` subprocess; say how busy it was
        "load_1min": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None,
    }


def _cpu() -> float:
    """CPU seconds of this process and of the children it has waited for (``dot``)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _child_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


STAGES = (
    ("form -> operation, name check (before the model changes)", "form"),
    ("model operation (`op.apply`)", "op"),
    ("ERD: DOT build (per-table caches)", "dot_build"),
    ("ERD: Graphviz `dot` process (its CPU once the edit began)", "dot"),
    ("ERD: the rest until the SVG is set on the widget", "erd_rest"),
    ("JSON-encoding the SVG update", "encode"),
    ("**kernel CPU until the SVG is sent**", "to_svg"),
    ("after the SVG: the other panels, lint", "after"),
    ("**kernel CPU, the whole edit**", "total"),
    ("before the edit: the `dot` process's start (started ahead, waiting for its input)", "dot_ready"),
)


def _waited_cpu(pid: int) -> float | None:
    """CPU a process has used so far, in seconds (Linux: /proc/<pid>/schedstat, in ns)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def stages(n_tables: int = 40, n_edits: int = 20) -> dict[str, object]:
    """CPU per stage of an Add column click in the Designer (medians over ``n_edits``)."""
    model = Model(synthetic(n_tables))
    designer = Designer(model, table=model.schema.table_names[0])
    form = designer.tables
    marks: dict[str, float] = {}
    spans: dict[str, float] = {}

    def timed(name: str, func: object, clock: object = _cpu) -> object:
        def wrapper(*args: object, **kwargs: object) -> object:
            c0 = clock()  # type: ignore[operator]
            try:
                return func(*args, **kwargs)  # type: ignore[operator]
            finally:
                spans[name] = spans.get(name, 0.0) + clock() - c0  # type: ignore[operator]
        return wrapper

    original = (erd_render._cached_layout, erd_render.layout, Model._notify)
    erd_render._cached_layout = timed("dot_build", original[0])  # type: ignore[assignment]
    erd_render.layout = timed("dot", original[1], _child_cpu)  # type: ignore[assignment]
    # the CPU the ready process (graphviz_run.keep_ready) spent starting, before the edit took it
    ready = graphviz_run._READY
    take = ready.take

    def taken(cmd: list[str]) -> object:
        proc = take(cmd)
        spent = _waited_cpu(proc.pid) if proc is not None else 0.0
        spans["dot_ready"] = spans.get("dot_ready", 0.0) + (spent or 0.0)
        return proc
    ready.take = taken  # type: ignore[method-assign]

    def notify(self: Model, change: object) -> None:
        marks["notify"] = _cpu()
        original[2](self, change)  # type: ignore[arg-type]
    Model._notify = notify  # type: ignore[method-assign]
    designer.erd.view.observe(lambda _c: marks.setdefault("svg", _cpu()), names=["svg"])
    rows: dict[str, list[float]] = {key: [] for _, key in STAGES}
    try:
        for i in range(n_edits + 1):
            form.col_name.value = f"bench_col_{i}"
            time.sleep(PACE)
            marks.clear()
            spans.clear()
            c0 = _cpu()
            form.add_column.click()
            c1 = _cpu()
            if "svg" not in marks:
                raise RuntimeError("the ERD did not change after Add column")
            c_enc = time.process_time()
            json.dumps({"method": "update", "state": {"svg": designer.erd.view.svg}})
            encode = time.process_time() - c_enc
            if not i:
                continue  # the first edit warms the caches
            # the ready process's CPU is counted when it ends (RUSAGE_CHILDREN), so in the edit's
            # figures; what it spent before the edit is taken out of the edit's own path
            ahead = spans.get("dot_ready", 0.0)
            to_svg = marks["svg"] - c0 + encode - ahead
            got = {"form": marks["notify"] - c0, "dot_build": spans["dot_build"],
                   "dot": spans["dot"] - ahead, "encode": encode, "to_svg": to_svg, "after": c1 - marks["svg"],
                   "total": c1 - c0 + encode, "dot_ready": ahead}
            # apply() is op.apply then _notify: the op is what lies between the form and the notify
            # (timed apart by applying the same operation to the same schema once more)
            op = model._done[-1][0]
            before = model._done[-1][1]
            c_op = time.process_time()
            op.apply(before)
            got["op"] = time.process_time() - c_op
            got["form"] -= got["op"]
            got["erd_rest"] = to_svg - encode - got["form"] - got["op"] - got["dot_build"] - got["dot"]
            for key, value in got.items():
                rows[key].append(value * 1000)
    finally:
        erd_render._cached_layout, erd_render.layout, Model._notify = original  # type: ignore[assignment,method-assign]
        del ready.take
        designer.close()
        graphviz_run.keep_ready(False)  # below: a new process for each drawing

    # Graphviz alone on the same DOT source, and a dot process that has nothing to draw
    source = erd_render.cached_dot(model.schema, theme="light", collapse_m2m=False)

    def dot_cpu(text: str) -> float:
        samples = []
        for _ in range(9):
            c0 = _child_cpu()
            layout(text)
            samples.append((_child_cpu() - c0) * 1000)
        return round(statistics.median(samples), 1)

    # a model with a path (the README's way) also writes its file after every edit, after the views
    with tempfile.TemporaryDirectory() as folder:
        saving = Model(synthetic(n_tables), path=Path(folder) / "model.yaml")
        saves = []
        for i in range(n_edits):
            table = saving.schema.table_names[i % n_tables]
            c0 = time.process_time()
            saving.apply(o.AddColumn(table, Column(f"bench_col_{i}", DataType("varchar", length=40))))
            saves.append((time.process_time() - c0) * 1000)

    def waiting_cpu() -> float | None:
        """CPU a `dot -Tsvg` process spends before it reads its input (what starting it ahead saves)."""
        samples = []
        for _ in range(9):
            proc = subprocess.Popen(["dot", "-Kdot", "-Tsvg"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            time.sleep(0.3)
            spent = _waited_cpu(proc.pid)
            proc.communicate(b"")
            if spent is None:
                return None
            samples.append(spent * 1000)
        return round(statistics.median(samples), 1)

    return {"tables": n_tables, "edits": n_edits, "autosave_ms": round(statistics.median(saves), 1),
            "dot_waiting_ms": waiting_cpu(),
            "stages_ms": {key: round(statistics.median(v), 1) for key, v in rows.items()},
            "dot_alone_ms": dot_cpu(source), "dot_empty_ms": dot_cpu("digraph { a }"),
            "load_1min": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None}


def stages_markdown(r: dict[str, object]) -> str:
    st = r["stages_ms"]
    assert isinstance(st, dict)
    lines = [
        "",
        f"Where the kernel's CPU goes in the browser benchmark's edit (Add column clicked in the Designer, "
        f"{r['tables']} tables, median of {r['edits']} edits {PACE} s apart; CPU, the `dot` process's included):",
        "",
        "| stage | median CPU ms |",
        "| --- | ---: |",
        *(f"| {label} | {st[key]} |" for label, key in STAGES),
        "",
        f"Graphviz alone on the same DOT source: {r['dot_alone_ms']} ms CPU per drawing, of which a `dot` process "
        f"with nothing to draw (start-up, plugins, exit) takes {r['dot_empty_ms']} ms; "
        + (f"{r['dot_waiting_ms']} ms of the start comes before it reads its input, which the Designer's ERD has "
           "done ahead of each edit (`graphviz_run.keep_ready`: a process started after each drawing waits for the "
           "next; the last row), so the edit's own path no longer includes it. " if r.get("dot_waiting_ms") else "")
        + "A model with a path "
        f"(`Model(path=\"shop.yaml\")`) also writes the file after every edit, after the views have redrawn: "
        f"{r['autosave_ms']} ms CPU per edit for the model operation and the YAML (each table's YAML block is "
        f"cached; only the edited table is written again). Load average {r['load_1min']}.",
    ]
    return "\n".join(lines)


def markdown(result: dict[str, object]) -> str:
    def row(label: str, key: str) -> str:
        v = result[key]
        assert isinstance(v, dict)
        return f"| {label} | {v['median']} | {v['p95']} | {v['max']} |"

    return "\n".join([
        f"Designer: edit -> ERD update, kernel-side, {result['tables']}-table schema "
        f"(`dbmodel_kit.erd._gen.synthetic({result['tables']})`), {result['edits']} different edits "
        f"(add column, add index, table comment, add NOT NULL column). Target: median <= {TARGET_MS:.0f} ms "
        f"({'met' if result['target_met'] else 'NOT met'}).",
        "",
        "| step | median ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: |",
        row("edit -> new SVG set on the ERD widget", "edit_to_erd_ms"),
        row("`model.apply(op)` returns (ERD + every panel redrawn, lint re-run)", "edit_all_panels_ms"),
        row("of which: DOT build + Graphviz layout alone (no cache)", "render_only_ms"),
        row("JSON-encoding the SVG update for the page (not in the rows above)", "encode_ms"),
        row("`model.undo()` (the earlier drawing comes from the render cache)", "undo_ms (render cache warm)"),
        "",
        f"SVG size {result['svg_kb']} KiB; Python {result['python']} on {result['machine']}, "
        f"{result['cpus']} CPUs, load average {result['load_1min']} during the run. Wall clock: on a busy "
        "machine the `dot` process waits for a core; the CPU figures below do not grow with the load.",
        "Command: `.venv/bin/python bench/designer.py`",
    ])


def write(text: str) -> None:
    write_section("designer", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    result = run(args.tables, args.edits)
    print(json.dumps(result, indent=2))
    split = stages(40, 20)
    print(json.dumps(split, indent=2))
    head, command = markdown(result).rsplit("\n", 1)
    text = f"{head}\n{stages_markdown(split)}\n{command}"
    print(text)
    if not args.no_write:
        write(text)
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
