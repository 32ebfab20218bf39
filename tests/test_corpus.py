"""The real-schema corpus, step by step (tests/corpus.py finds it and reads catalogs).

For each file of ``../shared/datasets/schemas``:

- ``native``: the file applies to a fresh database with the engine's own client;
- ``import``: ``dbmodel`` imports it without flags (what it does not keep is listed, not an error);
- ``ddl``: the kit's DDL for the same dialect applies to another fresh database;
- ``catalog``: the two catalogs are equal object by object, read with the engine's catalog queries;
- ``reflect``: ``dbmodel reflect`` of the native database equals the import (``dbmodel diff``: 0 steps);
- one step per other engine: the model's DDL for it applies to a fresh database there, or
  ``dbmodel ddl`` refuses with a message naming each object it cannot carry.

The outcome of every step is the schema x step table in ``docs/compatibility.md`` (between the
``import-matrix`` markers), checked here and rewritten by ``pytest --update-golden``. Steps that
fail for a known reason are expected failures naming it (:data:`GAPS`), strict, so closing a gap
shows up as a failure to update this table.
"""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from corpus import (
    CORPUS,
    ENGINES,
    READ_DIALECT,
    Databases,
    Unavailable,
    apply_native,
    catalog,
    corpus_files,
    differences,
    engine_of,
    mysql_lock,
)

from dbmodel_kit import ModelError

pytestmark = pytest.mark.skipif(not corpus_files(), reason=f"the schema corpus is not here ({CORPUS}); "
                                "it lives in ../shared/datasets/schemas beside the repository")

DOC = Path(__file__).parent.parent / "docs" / "compatibility.md"
BEGIN, END = "<!-- import-matrix -->", "<!-- /import-matrix -->"
STEPS = ("native", "import", "ddl", "catalog", "reflect", *(f"to {e}" for e in ENGINES))

#: (file stem, step) -> why it fails today. Every entry is an expected failure (strict).
GAPS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Outcome:
    ok: bool
    cell: str  # what the table shows
    detail: str = ""  # what an assertion shows
    skipped: str = ""  # why the step could not run here
    unavailable: bool = False  # a server or client program is missing (the matrix would be partial)


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."


@functools.cache
def run(path: Path) -> dict[str, Outcome]:
    """Every step on one corpus file (each database made here is dropped at the end)."""
    from dbmodel_kit.ddl import apply, create_sql
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.io.reflect import reflect
    from dbmodel_kit.io.sql_import import SqlImportError, read_sql
    from dbmodel_kit.migrate import diff

    engine = engine_of(path)
    out: dict[str, Outcome] = {}
    dbs = Databases(Path(tempfile.mkdtemp(prefix="dbmodel_corpus_")))

    def skip_rest(reason: str, unavailable: bool = False) -> dict[str, Outcome]:
        for step in STEPS:
            out.setdefault(step, Outcome(False, "skipped", skipped=reason, unavailable=unavailable))
        return out

    lock = mysql_lock() if engine == "mysql" else contextlib.nullcontext()
    try:
        with lock:
            try:
                native = apply_native(path, dbs.fresh(engine), dbs)
            except Unavailable as e:
                return skip_rest(str(e), unavailable=True)
            except Exception as e:  # the file itself does not apply: nothing else can be judged
                out["native"] = Outcome(False, "fails", f"{type(e).__name__}: {e}")
                return skip_rest("the native apply failed")
            want = catalog(native)
            out["native"] = Outcome(True, f"{len(want)} objects")

            try:
                result = read_sql(path.read_text(encoding="utf-8"), dialect=READ_DIALECT[engine], source=path.name)
            except SqlImportError as e:
                out["import"] = Outcome(False, f"{sum(p.level == 'error' for p in e.problems)} errors", str(e))
                return skip_rest("the import failed")
            schema = result.schema
            lost = len(result.not_kept)
            out["import"] = Outcome(True, f"ok, {lost} not kept" if lost else "ok, all kept",
                                    "\n".join(p.at(path.name) for p in result.not_kept))

            kit = dbs.fresh(engine)
            try:
                apply(schema, kit)
                out["ddl"] = Outcome(True, "applies")
            except Exception as e:
                out["ddl"] = Outcome(False, "fails", f"{type(e).__name__}: {e}")
            if out["ddl"].ok:
                diffs = differences(want, catalog(kit))
                out["catalog"] = Outcome(not diffs, "equal" if not diffs else f"{len(diffs)} differ",
                                         "\n".join(diffs[:60]))
            else:
                out["catalog"] = Outcome(False, "skipped", skipped="the kit's DDL did not apply")

            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # reflection notes are its own test's business
                    reflected = reflect(native)
                # the import as the engine stores it (DuckDB keeps no VARCHAR length, ...): what a
                # reflection can give back at best
                plan = diff(storable(schema, engine), reflected)
                steps = len(plan)
                out["reflect"] = Outcome(steps == 0, "0 steps" if steps == 0 else f"{steps} steps",
                                         "\n".join(str(op) for op in list(plan)[:40]))
            except Exception as e:
                out["reflect"] = Outcome(False, "fails", f"{type(e).__name__}: {e}")

        for other in ENGINES:
            step = f"to {other}"
            if other == engine:
                out[step] = Outcome(True, "(native)")
                continue
            try:
                sql = create_sql(schema, other)
            except ModelError as e:
                out[step] = Outcome(True, "refused, names each object", str(e))
                continue
            try:
                url = dbs.fresh(other)
            except Unavailable as e:
                out[step] = Outcome(False, "skipped", skipped=str(e), unavailable=True)
                continue
            try:
                apply(schema, url)
                out[step] = Outcome(True, "applies")
            except Exception as e:
                out[step] = Outcome(False, "fails", f"{type(e).__name__}: {_short(e, 400)}\n{sql[:2000]}")
    finally:
        dbs.close()
        shutil.rmtree(dbs.dir, ignore_errors=True)  # the folder of its SQLite/DuckDB files
    return out


CASES = [pytest.param(p, s, id=f"{p.stem}-{s.replace(' ', '-')}",
                      marks=[pytest.mark.xfail(reason=GAPS[(p.stem, s)], strict=True)] if (p.stem, s) in GAPS else [])
         for p in corpus_files() for s in STEPS]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "step"), CASES)
def test_corpus_step(path: Path, step: str) -> None:
    """Each step of each corpus file succeeds (see the module docstring for what each checks)."""
    outcome = run(path)[step]
    if outcome.skipped:
        pytest.skip(f"{path.name} {step}: {outcome.skipped}")
    assert outcome.ok, f"{path.name} {step}: {outcome.cell}\n{outcome.detail}"


def matrix() -> str:
    """The schema x step table, as Markdown."""
    lines = ["| schema | " + " | ".join(STEPS) + " |", "|---" * (len(STEPS) + 1) + "|"]
    for path in corpus_files():
        outcomes = run(path)
        cells = []
        for step in STEPS:
            o = outcomes[step]
            mark = "" if o.ok or o.skipped else "**"
            cells.append("-" if o.skipped else f"{mark}{o.cell}{mark}")
        lines.append(f"| {path.stem} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


@pytest.mark.slow
def test_compatibility_doc_shows_this_run(request: pytest.FixtureRequest) -> None:
    """docs/compatibility.md's import matrix is what this run measured (--update-golden rewrites it)."""
    if any(o.unavailable for p in corpus_files() for o in run(p).values()):
        pytest.skip("some engine is not here, so the matrix would be partial")
    table = matrix()
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    block = f"{BEGIN}\n{table}\n{END}"
    if request.config.getoption("--update-golden"):
        if BEGIN in text and END in text:
            text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda m: block, text, flags=re.S)
        else:
            text = (text.rstrip() + "\n\n" if text else "# Compatibility\n\n") + _SECTION + block + "\n"
        DOC.write_text(text, encoding="utf-8")
        return
    assert BEGIN in text, f"{DOC} has no import matrix; run pytest --update-golden"
    current = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert current == table, f"{DOC}'s import matrix is stale; run pytest tests/test_corpus.py --update-golden"


_SECTION = """\
## Real schemas: import, write back, reflect, carry to the other engines

Made by `tests/test_corpus.py` over every file of `../shared/datasets/schemas` (the corpus README
says where each comes from); `pytest tests/test_corpus.py --update-golden` rewrites it. Steps:
**native** the file applies with the engine's own client (objects in its catalog); **import**
`dbmodel` reads it without flags (how many statements or clauses it reports as not kept);
**ddl** the kit's DDL for the same engine applies to a fresh database; **catalog** the two
catalogs, read with the engine's own catalog queries, are equal object by object (or how many
objects differ); **reflect** `dbmodel reflect` of the native database against the import as
that engine stores it (`dbmodel diff` steps); **to ENGINE** the model's DDL applies on another engine, or `dbmodel ddl`
refuses naming what it cannot carry. Bold cells fail.

"""
