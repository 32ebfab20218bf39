"""Kit time to import the biggest file of the real-schema corpus and to reflect the database it makes.

The corpus is ``../shared/datasets/schemas`` beside the repository (``$DBMODEL_CORPUS`` overrides;
in a ``/work/wt/NAME`` worktree it is two levels up). The biggest file is applied to a fresh
database with its engine's own client (as tests/test_corpus.py does), then

- **import**: ``read_sql`` of the file's text (what ``dbmodel convert FILE --from-dialect D`` does
  after reading the file), and
- **reflect**: ``reflect(url)`` of the database (what ``dbmodel reflect URL`` does before writing),

each timed in this process (median of several runs after a warm-up, so imports and caches are not
counted). Target: each <= 1 s. Run from the repository root::

    .venv/bin/python bench/real_schemas.py            # prints and updates docs/benchmarks.md
    .venv/bin/python bench/real_schemas.py --no-write # prints only
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from _doc import write_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

TARGET_S = 1.0


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """(median, best) wall seconds and the median CPU seconds of this process, of ``repeat`` runs
    after one warm-up run (on a shared machine the wall time is mostly waiting; the CPU time is the
    kit's own work; a reflection's wait for the server is in neither)."""
    fn()
    runs, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(runs), min(runs), statistics.median(cpu)


def run(repeat: int) -> dict:
    import corpus as C

    from dbmodel_kit.io.reflect import reflect
    from dbmodel_kit.io.sql_import import read_sql

    files = C.corpus_files()
    if not files:
        raise SystemExit(f"no corpus at {C.CORPUS}")
    path = max(files, key=lambda p: p.stat().st_size)
    engine = C.engine_of(path)
    text = path.read_text(encoding="utf-8")
    dbs = C.Databases(Path(tempfile.mkdtemp(prefix="dbmodel_bench_")))
    try:
        url = C.apply_native(path, dbs.fresh(engine), dbs)
        result = read_sql(text, dialect=C.READ_DIALECT[engine], source=path.name)
        import_s = timed(lambda: read_sql(text, dialect=C.READ_DIALECT[engine], source=path.name), repeat)

        def reflect_once() -> object:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return reflect(url)

        reflected = reflect_once()
        reflect_s = timed(reflect_once, repeat)
    finally:
        dbs.close()
    return {
        "file": path.name, "engine": engine, "kib": round(path.stat().st_size / 1024, 1),
        "tables": len(result.schema.tables),
        "objects": len(result.schema.views) + len(result.schema.verbatim),
        "reflected_objects": len(reflected.views) + len(reflected.verbatim),  # type: ignore[attr-defined]
        "reflected_tables": len(reflected.tables),  # type: ignore[attr-defined]
        "import_s": import_s, "reflect_s": reflect_s, "repeat": repeat,
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def markdown(r: dict) -> str:
    # kit time: the wall time on an idle machine; on a loaded one the CPU time of this process is the
    # kit's share (the median wall time is given beside it)
    ok = r["import_s"][2] <= TARGET_S and r["reflect_s"][2] <= TARGET_S
    load = f", load average {r['load']:.1f} at start" if r["load"] is not None else ""
    return "\n".join([
        "## Real schemas: import and reflect (`bench/real_schemas.py`)",
        "",
        f"Target: importing the biggest corpus file and reflecting the database it makes each take <= "
        f"{TARGET_S:.0f} s of kit time: " + ("**met**." if ok else "**not met**."),
        "",
        "| file | engine | size | tables | views + other objects | import wall (median / best) | import CPU "
        "| reflect wall (median / best) | reflect CPU |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {r['file']} | {r['engine']} | {r['kib']} KiB | {r['tables']} imported, {r['reflected_tables']} reflected "
        f"| {r['objects']} imported, {r['reflected_objects']} reflected "
        f"| {r['import_s'][0] * 1000:.0f} / {r['import_s'][1] * 1000:.0f} ms | {r['import_s'][2] * 1000:.0f} ms "
        f"| {r['reflect_s'][0] * 1000:.0f} / {r['reflect_s'][1] * 1000:.0f} ms | {r['reflect_s'][2] * 1000:.0f} ms |",
        "",
        f"Kit time is this process's CPU time (the target is judged on it; the wall time waits for the shared "
        "cores and, for reflect, for the server). "
        f"Medians of {r['repeat']} runs after a warm-up, in one process (Python {r['python']}, {r['cpus']} shared "
        f"cores{load}). Import is `read_sql` of the file's text; reflect is `reflect(url)` of the database the "
        "file made when applied with the engine's own client.",
        "Command: `.venv/bin/python bench/real_schemas.py`",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    text = markdown(run(args.repeat))
    print(text)
    if not args.no_write:
        write_section("real_schemas", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
