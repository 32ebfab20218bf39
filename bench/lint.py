"""Lint speed: `lint(schema)` on growing schemas, and `dbmodel lint` end to end.

The designer re-runs lint after every edit, so lint must stay interactive: the target is
<= 50 ms for a 100-table schema (median of repeated runs, warm process) and linear growth.
Schemas are copies of `examples.large()` (20 tables, every feature) with renamed tables.

    .venv/bin/python bench/lint.py              # prints and updates docs/benchmarks.md
    .venv/bin/python bench/lint.py --no-write   # prints only
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _doc import write_section  # noqa: E402

from dbmodel_kit import Schema, examples  # noqa: E402
from dbmodel_kit.lint import lint  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:lint -->", "<!-- /bench:lint -->"
TARGET_MS_100 = 50.0


def copies(n: int) -> Schema:
    """``n`` renamed copies of the 20-table example (so 20*n tables), constraint names regenerated."""
    base = examples.large()
    tables = []
    for k in range(n):
        for t in base.tables:
            tables.append(replace(
                t, name=f"{t.name}_{k}",
                foreign_keys=tuple(replace(fk, name="", ref_table=f"{fk.ref_table}_{k}") for fk in t.foreign_keys),
                indexes=tuple(replace(ix, name="") for ix in t.indexes),
                uniques=tuple(replace(u, name="") for u in t.uniques),
                checks=tuple(replace(c, name="") for c in t.checks)))
    return Schema(tuple(tables), base.enums)


def time_lint(schema: Schema, repeat: int) -> tuple[float, int]:
    lint(schema)  # warm: imports, reserved-word tables
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        report = lint(schema)
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), len(report)


def time_cli(repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of `dbmodel lint`, in ms. CPU time is
    the steadier figure on a shared machine, where wall time includes waiting for a core."""
    script = Path(sys.executable).with_name("dbmodel")
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([script, "lint", ROOT / "examples" / "ecommerce.yaml"], capture_output=True, check=True)
        walls.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def run(sizes: list[int], repeat: int) -> dict:
    rows = []
    for n in sizes:
        schema = copies(n)
        ms, findings = time_lint(schema, repeat)
        rows.append({"tables": len(schema.tables), "median_ms": round(ms, 2), "findings": findings})
    per_100 = next((r["median_ms"] for r in rows if r["tables"] == 100), None)
    return {
        "rows": rows,
        "cli_ms": [round(v) for v in time_cli(5)],
        "target_ms_100_tables": TARGET_MS_100,
        "target_met": per_100 is not None and per_100 <= TARGET_MS_100,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.system()}",
    }


def markdown(result: dict) -> str:
    lines = [
        "## Model lint",
        "",
        f"Target: `lint(schema)` <= {TARGET_MS_100:.0f} ms for 100 tables (the designer re-lints after every edit): "
        + ("**met**." if result["target_met"] else "**not met**."),
        "",
        "| tables | median lint time | findings |",
        "| ---: | ---: | ---: |",
        *(f"| {r['tables']} | {r['median_ms']:.1f} ms | {r['findings']} |" for r in result["rows"]),
        "",
        f"`dbmodel lint examples/ecommerce.yaml` end to end (new process, imports included): "
        f"{result['cli_ms'][0]} ms wall, {result['cli_ms'][1]} ms CPU (medians of 5).",
        f"Python {result['python']} on {result['machine']}; schemas are renamed copies of `examples.large()`.",
        "Command: `.venv/bin/python bench/lint.py`",
    ]
    return "\n".join(lines)


def write(text: str) -> None:
    write_section("lint", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 25, 50],
                        help="copies of the 20-table example (default: 20, 100, 500, 1000 tables)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    result = run(args.sizes, args.repeat)
    print(json.dumps(result, indent=2))
    text = markdown(result)
    print(text)
    if not args.no_write:
        write(text)
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
