"""Load/save speed of the file formats (YAML, DBML, SQL import) on growing schemas.

What is timed: ``dumps(schema, fmt)`` and ``loads(text, fmt)`` for YAML and DBML, and SQL import
of the PostgreSQL DDL (``dumps(schema, "sql")``, written by dbmodel_kit.ddl) for renamed copies
of ``examples.large()`` (20 tables each). YAML is what ``Model(path=...)`` writes after every
edit, so its write time is the one a person could feel.

Run from the repository root::

    .venv/bin/python bench/formats.py            # prints and updates docs/benchmarks.md
    .venv/bin/python bench/formats.py --no-write # prints only

Target: for 100 tables, rewriting the YAML after an edit (the autosave, which runs after every
edit) takes <= 250 ms. Reading happens once per opened file and has no target; it is reported.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import yaml
from _doc import write_section

from dbmodel_kit.examples import large
from dbmodel_kit.io import dumps, loads
from dbmodel_kit.io.yaml_format import _BLOCKS
from dbmodel_kit.model.ops import AddColumn
from dbmodel_kit.model.schema import Column, Enum, Schema

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:formats -->", "<!-- /bench:formats -->"
TARGET_MS_100 = 250.0


def copies(n: int) -> Schema:
    """``n`` renamed copies of the 20-table example (constraint names re-derived per copy)."""
    base = large()
    tables, enums = [], []
    for k in range(n):
        renamed = {e.name: f"{e.name}_{k}" for e in base.enums}
        enums += [Enum(renamed[e.name], e.values, e.comment) for e in base.enums]
        for t in base.tables:
            columns = tuple(replace(c, type=replace(c.type, enum=renamed[c.type.enum])) if c.type.kind == "enum"
                            else c for c in t.columns)
            tables.append(replace(
                t, name=f"{t.name}_{k}", columns=columns,
                foreign_keys=tuple(replace(fk, name="", ref_table=f"{fk.ref_table}_{k}") for fk in t.foreign_keys),
                indexes=tuple(replace(ix, name="" if ix.name.startswith(("ix_", "ux_")) else f"{ix.name}_{k}")
                              for ix in t.indexes),
                uniques=tuple(replace(u, name="") for u in t.uniques),
                checks=tuple(replace(c, name="" if c.name.startswith("ck_") and "dates" not in c.name
                                     else f"{c.name}_{k}") for c in t.checks)))
    return Schema(tuple(tables), tuple(enums), name="bench")


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: imports, caches
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def run(sizes: list[int], repeat: int) -> dict:
    rows = []
    for n in sizes:
        schema = copies(n)
        row: dict[str, object] = {"tables": len(schema.tables)}
        for fmt in ("yaml", "dbml"):
            text = dumps(schema, fmt)
            assert loads(text, fmt) == schema or fmt == "dbml"

            def write_cold(fmt: str = fmt, schema: Schema = schema) -> None:
                _BLOCKS.clear()  # the YAML writer's per-table cache; DBML has none
                dumps(schema, fmt)

            row[f"{fmt}_write_ms"] = round(median_ms(write_cold, repeat), 1)
            row[f"{fmt}_read_ms"] = round(median_ms(lambda fmt=fmt, text=text: loads(text, fmt), repeat), 1)
            row[f"{fmt}_kib"] = round(len(text.encode()) / 1024, 1)
        counter = iter(range(10**6))

        def autosave(schema: Schema = schema, counter: Iterator[int] = counter) -> None:
            edited = AddColumn(schema.tables[0].name, Column(f"new_{next(counter)}", "text")).apply(schema)
            dumps(edited, "yaml")

        dumps(schema, "yaml")
        row["yaml_edit_ms"] = round(median_ms(autosave, repeat), 1)
        sql = dumps(schema, "sql", dialect="postgresql")
        row["sql_read_ms"] = round(median_ms(lambda sql=sql: loads(sql, "sql", dialect="postgres"), repeat), 1)
        rows.append(row)
    at_100 = next((r for r in rows if r["tables"] == 100), None)
    return {
        "rows": rows,
        "target_ms_100_tables": TARGET_MS_100,
        "target_met": at_100 is not None and at_100["yaml_edit_ms"] <= TARGET_MS_100,  # type: ignore[operator]
        "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.system()}",
    }


def markdown(result: dict) -> str:
    lines = [
        "## File formats (io)",
        "",
        f"Target: for 100 tables, the YAML rewrite after an edit <= {TARGET_MS_100:.0f} ms "
        "(`Model(path=...)` writes the YAML after every edit; reading has no target): "
        + ("**met**." if result["target_met"] else "**not met**."),
        "",
        "| tables | YAML write (first) | YAML write after an edit | YAML read | YAML size | DBML write "
        "| DBML read (pydbml) | SQL import (PostgreSQL DDL) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(f"| {r['tables']} | {r['yaml_write_ms']:.1f} ms | {r['yaml_edit_ms']:.1f} ms | {r['yaml_read_ms']:.1f} ms "
          f"| {r['yaml_kib']:.1f} KiB "
          f"| {r['dbml_write_ms']:.1f} ms | {r['dbml_read_ms']:.1f} ms | {r['sql_read_ms']:.1f} ms |"
          for r in result["rows"]),
        "",
        f"Medians; Python {result['python']} on {result['machine']}, PyYAML with libyaml: "
        f"{'yes' if result['libyaml'] else 'no'}. Schemas are renamed copies of `examples.large()`. "
        "The first YAML write includes the writer's self-check (each table block is read back and "
        "compared); later writes reuse the blocks of unchanged tables.",
        "Command: `.venv/bin/python bench/formats.py`",
    ]
    return "\n".join(lines)


def write(text: str) -> None:
    write_section("formats", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 25],
                        help="copies of the 20-table example (default: 20, 100, 500 tables)")
    parser.add_argument("--repeat", type=int, default=5)
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
