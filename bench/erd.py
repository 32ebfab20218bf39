"""ERD benchmark: time from an edit to a new SVG, split into DOT build and ``dot`` layout, beside
ERAlchemy rendering the same schema in the same run.

For each size (20, 50, 150, 300 generated tables, ~8 columns and ~1.5 FKs per table,
``dbmodel_kit.erd._gen.synthetic``):

* edit -> SVG: ``model.apply(AddColumn(...))`` on a different table each time, then the DOT
  build (``cached_dot``, a miss) and the layout (``render_svg``, a render-cache miss that runs
  ``dot``); median of EDITS edits. Wall time and the ``dot`` process's CPU time.
* cold: the first DOT build of a schema nothing has seen (no per-table caches).
* unchanged schema: ``render_svg`` again (a cache hit), and the cost of hashing the schema value
  (the cache key).
* ERAlchemy 1.7 (its own venv, ``bench/.env``, created here): the same schema applied to a
  SQLite file (``dbmodel_kit.ddl.apply``), rendered to SVG by ERAlchemy's own pipeline:
  reflection (``all_to_intermediary``), DOT text, ``dot`` layout through the ``graphviz``
  package. ERAlchemy always starts from the database; a user of it waits for all three.

Targets (issue 3): edit -> SVG <= 150 ms at 50 tables and <= 2 s at 300; DOT build <= 10% of
layout; faster than ERAlchemy at every size. Writes its section of docs/benchmarks.md.

Usage: ``.venv/bin/python bench/erd.py [--quick]``
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _doc import write_section  # noqa: E402

from dbmodel_kit.ddl import apply  # noqa: E402
from dbmodel_kit.erd import cached_dot, clear_cache, render_svg, to_dot  # noqa: E402
from dbmodel_kit.erd._gen import synthetic  # noqa: E402
from dbmodel_kit.model import Column, DataType, Model, ops  # noqa: E402

SIZES = (20, 50, 150, 300)
EDITS = 7
ERALCHEMY_RUNS = 3
ENV = ROOT / "bench" / ".env"
DOCS = ROOT / "docs" / "benchmarks.md"
ERALCHEMY_VERSION = "1.7.0"

# Runs inside bench/.env: ERAlchemy's render_er pipeline, phase by phase (same calls as
# eralchemy.main.render_er -> intermediary_to_schema with the graphviz package).
ERALCHEMY_RUN = r"""
import json, resource, sys, time
from eralchemy.main import all_to_intermediary, _intermediary_to_dot
from graphviz import Source
url, runs = sys.argv[1], int(sys.argv[2])
out = []
for _ in range(runs):
    t0 = time.perf_counter()
    tables, relationships = all_to_intermediary(url)
    t1 = time.perf_counter()
    dot = _intermediary_to_dot(tables, relationships)
    t2 = time.perf_counter()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    svg = Source(dot, engine="dot").pipe(format="svg")
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t3 = time.perf_counter()
    assert svg.startswith(b"<?xml")
    out.append({"reflect": t1 - t0, "dot": t2 - t1, "layout": t3 - t2,
                "layout_cpu": (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime),
                "tables": len(tables), "relationships": len(relationships)})
print(json.dumps(out))
"""


def ensure_eralchemy() -> Path:
    """bench/.env with ERAlchemy (never a dependency of the project)."""
    python = ENV / "bin" / "python"
    if not python.exists():
        venv.create(ENV, with_pip=True)
    check = subprocess.run([str(python), "-c", "import eralchemy, graphviz"], capture_output=True)
    if check.returncode:
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"eralchemy=={ERALCHEMY_VERSION}", "graphviz"],
                       check=True)
    return python


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def bench_ours(n: int) -> dict[str, float]:
    schema = synthetic(n)
    clear_cache()
    t0 = time.perf_counter()
    to_dot(schema)
    cold_dot = time.perf_counter() - t0
    hashes = []
    for _ in range(5):
        copy = replace(schema)  # a fresh, equal value: hash computed from scratch
        t0 = time.perf_counter()
        hash(copy)
        hashes.append(time.perf_counter() - t0)
    model = Model(schema)
    render_svg(model.schema)  # the drawing before the first edit
    apply_t, dot_t, layout_t, layout_cpu, total, total_cpu = [], [], [], [], [], []
    for i in range(EDITS):
        table = schema.tables[(i * 7919) % n].name
        op = ops.AddColumn(table, Column(f"bench_extra_{i}", DataType.parse("varchar(40)")))
        p0, c0 = time.process_time(), children_cpu()
        t0 = time.perf_counter()
        model.apply(op)
        t1 = time.perf_counter()
        cached_dot(model.schema)
        t2 = time.perf_counter()
        cpu0 = children_cpu()
        svg = render_svg(model.schema)
        cpu1 = children_cpu()
        t3 = time.perf_counter()
        total_cpu.append(time.process_time() - p0 + cpu1 - c0)
        assert f"bench_extra_{i}" in svg
        apply_t.append(t1 - t0)
        dot_t.append(t2 - t1)
        layout_t.append(t3 - t2)
        layout_cpu.append(cpu1 - cpu0)
        total.append(t3 - t0)
    t0 = time.perf_counter()
    render_svg(model.schema)
    hit = time.perf_counter() - t0
    med = statistics.median
    return {"tables": n, "fks": sum(len(t.foreign_keys) for t in schema.tables),
            "apply": ms(med(apply_t)), "dot": ms(med(dot_t)), "layout": ms(med(layout_t)),
            "layout_cpu": ms(med(layout_cpu)), "total": ms(med(total)), "total_cpu": ms(med(total_cpu)),
            "cold_dot": ms(cold_dot),
            "hit": ms(hit), "hash": ms(med(hashes)), "svg_kb": round(len(svg) / 1024)}


def bench_eralchemy(python: Path, n: int, tmp: Path) -> dict[str, float]:
    db = tmp / f"synthetic_{n}.sqlite"
    apply(synthetic(n), f"sqlite:///{db}")
    out = subprocess.run([str(python), "-c", ERALCHEMY_RUN, f"sqlite:///{db}", str(ERALCHEMY_RUNS)],
                         capture_output=True, text=True, check=True)
    runs = json.loads(out.stdout.strip().splitlines()[-1])
    med = statistics.median
    return {"reflect": ms(med(r["reflect"] for r in runs)), "dot": ms(med(r["dot"] for r in runs)),
            "layout": ms(med(r["layout"] for r in runs)), "layout_cpu": ms(med(r["layout_cpu"] for r in runs)),
            "total": ms(med(r["reflect"] + r["dot"] + r["layout"] for r in runs)),
            "relationships": runs[0]["relationships"]}


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def write_docs(rows: list[tuple[dict, dict]], command: str) -> None:
    by_n = {ours["tables"]: (ours, era) for ours, era in rows}
    t50, t300 = by_n[50][0]["total"], by_n[300][0]["total"]
    dot_share = max(o["dot"] / o["layout"] for o, _ in rows)
    faster = all(o["total"] < e["total"] for o, e in rows)
    faster_layout = all(o["layout"] < e["layout"] for o, e in rows)
    lines = [
        "## Live ERD",
        "",
        f"Targets: edit -> new SVG <= 150 ms at 50 tables ({t50:.0f} ms: {verdict(t50 <= 150)}) and <= 2 s at "
        f"300 ({t300:.0f} ms: {verdict(t300 <= 2000)}); DOT build <= 10% of layout after an edit (worst "
        f"{dot_share:.0%}: {verdict(dot_share <= 0.10)}); faster than ERAlchemy at every size "
        f"({verdict(faster)} end to end; layout alone {'also faster' if faster_layout else 'not always faster'}).",
        "",
        "Edit -> SVG is `model.apply(AddColumn)` on a different table each time, then the DOT build and the "
        f"`dot` layout (median of {EDITS} edits). ERAlchemy {ERALCHEMY_VERSION} renders the same schema applied to "
        "SQLite, through its own pipeline: reflection, DOT text, `dot` (median of "
        f"{ERALCHEMY_RUNS}). Times are wall clock; the CPU figures in brackets (the `dot` process's, and for "
        "edit -> SVG ours plus `dot`'s) do not grow when other work shares the machine, so they show what an "
        "idle machine would take; the targets are judged on wall clock.",
        "",
        "| tables | FKs | apply | DOT build | `dot` layout (CPU) | **edit -> SVG** (CPU) | DOT / layout | "
        "ERAlchemy reflect | ERAlchemy DOT | ERAlchemy `dot` (CPU) | **ERAlchemy total** | SVG |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for o, e in rows:
        lines.append(
            f"| {o['tables']} | {o['fks']} | {o['apply']} ms | {o['dot']} ms | {o['layout']} ms ({o['layout_cpu']} ms) "
            f"| **{o['total']} ms** ({o['total_cpu']} ms) | {o['dot'] / o['layout']:.1%} | {e['reflect']} ms "
            f"| {e['dot']} ms | {e['layout']} ms ({e['layout_cpu']} ms) | **{e['total']} ms** | {o['svg_kb']} KiB |")
    lines += [
        "",
        "Cache: an unchanged schema is never laid out again. Rendering it again (a cache hit) and hashing the "
        "schema value (the cache key; a fresh copy, so nothing is memoised) cost:",
        "",
        "| tables | cache hit | hash of the schema value | cold DOT build (no per-table caches) |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for o, _ in rows:
        lines.append(f"| {o['tables']} | {o['hit']} ms | {o['hash']} ms | {o['cold_dot']} ms |")
    lines += [
        "",
        "After an edit only the touched table's label is rebuilt: node labels, badges and edge lines are "
        "cached per table object, and an edit shares every untouched `Table` object with the previous "
        "schema. The cold build (first drawing of a schema) is the figure in the last column.",
        "",
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; Graphviz "
        f"{subprocess.run(['dot', '-V'], capture_output=True, text=True).stderr.strip()}; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end of the run.",
        f"Command: `{command}`",
    ]
    write_section("erd", "\n".join(lines))


def main(argv: list[str]) -> int:
    global EDITS, ERALCHEMY_RUNS
    quick = "--quick" in argv
    if quick:
        EDITS, ERALCHEMY_RUNS = 3, 1
    python = ensure_eralchemy()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            ours = bench_ours(n)
            era = bench_eralchemy(python, n, Path(tmp))
            print(json.dumps({"ours": ours, "eralchemy": era}), flush=True)
            rows.append((ours, era))
    if not quick:
        write_docs(rows, ".venv/bin/python bench/erd.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
