"""Every stage of the kit on the real-schema corpus and on generated schemas (issue 17).

The stages are tests/stages.py's (DDL, apply + reflect on the four engines, the migration from an
empty schema, random evolutions up -> down -> up with rows, sample + run, advise, the exports
checked by each ecosystem's own checker, ERD, lint, review). Each runs on

- every file of ``../shared/datasets/schemas`` (imported as ``dbmodel`` imports it), and
- :data:`GENERATED` schemas drawn by ``strategies.real_schemas()`` with the fixed seed :data:`SEED`
  (the same schemas every run), each stage on as many of them as :data:`BUDGET` says.

The outcome is the stage x schema table in ``docs/compatibility.md`` (between the ``stage-matrix``
markers), checked here and rewritten by ``pytest tests/test_stages.py --update-golden``.

Budget (the whole suite should stay near 8 minutes on 2 cores): the stages that need no database
run on all generated schemas; those that make databases run on schemas merged
(``strategies.merge``) into groups, so one database holds many schemas and a server's per-database
cost is paid once per group (a group that fails is run again schema by schema, so the counts are
per schema); the random evolutions (create, seed, up, down, up, three reflections each) run on
fewer; ``advise`` (timed trials) on fewer still; sampling at 100k rows per table on a few.
``DBMODEL_STAGE_SCHEMAS=N`` and ``DBMODEL_STAGE_SEED=S`` run every stage on N schemas of seed S
(groups of the same size): the larger run of docs/compatibility.md (with ``--timeout=0``: one stage over
1,000 schemas takes longer than the suite's 900 s limit per test).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import stages
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hseed
from stages import CORPUS, Missing, check_many
from strategies import merge, real_schemas

from dbmodel_kit.model.schema import Schema

try:
    import fcntl
except ImportError:  # (Windows: each worker computes the cells it needs)
    fcntl = None  # type: ignore[assignment]

DOC = Path(__file__).parent.parent / "docs" / "compatibility.md"
BEGIN, END = "<!-- stage-matrix -->", "<!-- /stage-matrix -->"

SEED = int(os.environ.get("DBMODEL_STAGE_SEED", "17"))
LARGER = int(os.environ.get("DBMODEL_STAGE_SCHEMAS", "0"))
GENERATED = LARGER or 200

#: stage -> (how many of the generated schemas it runs on, how many are merged into one schema)
BUDGET: dict[str, tuple[int, int]] = {
    "ddl": (GENERATED, 1),
    "apply+reflect sqlite": (GENERATED, 20),
    "apply+reflect duckdb": (GENERATED, 20),
    "apply+reflect postgresql": (GENERATED, 20),
    "apply+reflect mysql": (GENERATED, 20),
    "diff from empty": (GENERATED, 20),
    "evolve sqlite": (40, 5),
    "evolve duckdb": (40, 5),
    "evolve postgresql": (20, 5),
    "evolve mysql": (20, 5),
    "sample+run": (100, 10),
    "sample 100k": (2, 1),
    "advise": (10, 5),
    "export sqlalchemy": (GENERATED, 20),
    "export prisma": (GENERATED, 1),
    "export typeorm": (GENERATED, 1),
    "export sql": (GENERATED, 20),
    "export dbml": (GENERATED, 10),
    "export mermaid": (GENERATED, 1),
    "erd": (GENERATED, 10),
    "lint": (GENERATED, 1),
    "review": (GENERATED, 5),
}
if LARGER:
    BUDGET = {k: (GENERATED, g) for k, (_, g) in BUDGET.items()}

#: (column of the matrix, stage) -> why it fails today: strict expected failures, each naming the
#: mechanism (an engine's limit is quoted in the engine's own words).
KNOWN: dict[tuple[str, str], str] = {}

#: the stages checked by a Node program (Prisma's engine, tsc): one run for many schemas
NODE_STAGES = ("export prisma", "export typeorm")


@contextlib.contextmanager
def _no_local_constants() -> Iterator[None]:
    """Hypothesis without the literals of the project's loaded modules.

    Hypothesis mixes into its draws the constants it finds in every *local* module in
    ``sys.modules`` (its ``_get_local_constants``), so the same seed drew other schemas in a process
    that had imported, say, ``dbmodel_kit.erd`` first (the stage matrix differed between a worker
    that ran test_erd_properties.py and one that did not). No public setting turns that off, so the
    pool is emptied here for the draw and its cache cleared around it (an internal of Hypothesis:
    if it moves, this fails loudly rather than drawing other schemas silently)."""
    from hypothesis.internal.conjecture import providers

    providers.CONSTANTS_CACHE.cache.clear()
    try:
        with mock.patch.object(providers, "_get_local_constants", providers.Constants):
            yield
    finally:
        providers.CONSTANTS_CACHE.cache.clear()


@functools.cache
def generated() -> tuple[Schema, ...]:
    """The generated schemas of this run: the first GENERATED distinct ones that ``real_schemas()``
    draws with SEED. Hypothesis tells draws apart by their choices, not by the value they make, and
    two choices can make one schema (an option the schema does not use, a mutation of an earlier
    draw): seed 17 made 194 distinct schemas in its first 200. So it draws a tenth more and a repeat
    is passed over (the order of the first draws, hence each schema's number, stays as it was)."""
    drawn: list[Schema] = []
    seen: set[Schema] = set()

    @hseed(SEED)
    @settings(max_examples=GENERATED + GENERATED // 10, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(real_schemas())
    def draw(schema: Schema) -> None:
        if schema not in seen and len(drawn) < GENERATED:
            seen.add(schema)
            drawn.append(schema)

    with _no_local_constants():
        draw()
    assert len(drawn) == GENERATED, f"seed {SEED} drew {len(drawn)} distinct schemas, not {GENERATED}"
    return tuple(drawn)


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.sql")) if CORPUS.is_dir() else []


@functools.cache
def corpus_schema(path: Path) -> Schema:
    """A corpus file as ``dbmodel`` imports it (the dialect from its name, as tests/corpus.py reads it)."""
    from corpus import READ_DIALECT, engine_of

    from dbmodel_kit.io.sql_import import read_sql

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_sql(path.read_text(encoding="utf-8"), dialect=READ_DIALECT[engine_of(path)],
                        source=path.name).schema


@dataclass(frozen=True)
class Result:
    """A stage's outcome on a set of schemas: how many ran, what failed (key -> message), or why it
    could not run here."""

    ran: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    missing: str = ""

    @property
    def ok(self) -> bool:
        return not self.missing and not self.failed


#: the merged groups of this process (ids of the schemas -> (the schemas, their merge)): the stages
#: with the same group size merge the same schemas, and one merged object lets them share its plan
#: from empty (stages.from_empty) and what the kit keeps per plan. The entry holds the schemas, so
#: their ids are not reused.
_MERGED: dict[tuple[int, ...], tuple[tuple[Schema, ...], Schema]] = {}


def _merged(group: tuple[Schema, ...]) -> Schema:
    key = tuple(map(id, group))
    if key not in _MERGED:
        if len(_MERGED) >= 256:  # (a larger run's groups: the oldest go)
            del _MERGED[next(iter(_MERGED))]
        _MERGED[key] = (group, merge(list(group)))
    return _MERGED[key][1]


def _run(stage: str, schemas: dict[str, Schema], group: int, folder: Path) -> Result:
    try:
        if stage in NODE_STAGES:
            out = check_many(stage, schemas, folder)
            return Result(len(out), tuple((k, v) for k, v in out.items() if v))
        failed: list[tuple[str, str]] = []
        keys = list(schemas)
        for start in range(0, len(keys), group):
            part = keys[start:start + group]
            whole = _merged(tuple(schemas[k] for k in part)) if len(part) > 1 else schemas[part[0]]
            outcome = stages.run_stage(stage, whole, folder / f"g{start}")
            if outcome is None:
                continue
            if len(part) == 1:
                failed.append((part[0], outcome))
                continue
            for k in part:  # which of the merged schemas fail, one by one
                alone = stages.run_stage(stage, schemas[k], folder / f"g{start}_{k}")
                if alone is not None:
                    failed.append((k, alone))
            if len(failed) == 0 or failed[-1][0] not in part:
                failed.append((f"group of {', '.join(part)}", outcome))  # only merged, they fail
        return Result(len(keys), tuple(failed))
    except Missing as e:
        return Result(missing=str(e))


def _once(cells: Sequence[tuple[str, Callable[[], Result]]]) -> list[Result]:
    """Each cell's ``compute()``, once per test run across pytest-xdist's workers: the cells are split
    over files (tests/test_stages*.py) that run on different workers, and the matrix test needs every
    cell. A cell is a lock file and a result file: a worker that takes the lock reads the result
    another worker recorded, or computes and records it (a crashed worker's lock is freed by the
    system). The cells no worker holds are taken first (a lock held elsewhere is passed over), then
    the others are waited for, so a worker does the work still to do rather than wait on the other
    for it. Outside xdist, or without ``fcntl``, each process computes. Either way a process keeps
    what it has (:data:`_DONE`)."""
    if stages.TIMES:
        cells = [(key, functools.partial(_timed, key, compute)) for key, compute in cells]
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run or fcntl is None:
        for key, compute in cells:
            if key not in _DONE:
                _DONE[key] = compute()
        return [_DONE[key] for key, _ in cells]
    folder = Path(tempfile.gettempdir()) / f"dbmodel_stages_{run}"
    folder.mkdir(exist_ok=True)
    for wait in (False, True):
        for key, compute in cells:
            if key not in _DONE:
                got = _cell_once(folder, key, compute, wait)
                if got is not None:
                    _DONE[key] = got
    return [_DONE[key] for key, _ in cells]


def _timed(key: str, compute: Callable[[], Result]) -> Result:
    """``compute()``, its wall and CPU seconds appended to DBMODEL_STAGE_TIMES (stages.TIMES)."""
    start = (time.perf_counter(), time.process_time())
    result = compute()
    line = {"cell": key, "wall": round(time.perf_counter() - start[0], 3),
            "cpu": round(time.process_time() - start[1], 3), "pid": os.getpid()}
    with open(str(stages.TIMES), "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")
    return result


#: the cells this process has computed or read (key -> result)
_DONE: dict[str, Result] = {}


def _cell_once(folder: Path, key: str, compute: Callable[[], Result], wait: bool) -> Result | None:
    """The cell's recorded result, or computed and recorded; None when another worker holds its lock
    and ``wait`` is false."""
    name = hashlib.sha256(f"{SEED}|{GENERATED}|{key}".encode()).hexdigest()[:24]
    with open(folder / f"{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        done = folder / f"{name}.json"
        if done.exists():
            d = json.loads(done.read_text(encoding="utf-8"))
            return Result(d["ran"], tuple(tuple(f) for f in d["failed"]), d["missing"])  # type: ignore[misc]
        result = compute()
        tmp = done.with_suffix(".part")
        tmp.write_text(json.dumps(dataclasses.asdict(result)), encoding="utf-8")
        tmp.replace(done)
        return result


#: a stage's generated schemas are computed in parts of about this many (a whole number of its
#: groups, so the merged groups are the same): the unit one worker takes, so that a worker needing a
#: stage another worker is running takes the parts not yet begun instead of waiting for them all
PART = 20


def _parts(stage: str) -> list[tuple[int, int]]:
    """The [start, end) ranges of the generated schemas ``stage`` runs on, part by part. The Node
    checkers (one Prisma engine, one tsc compilation for all schemas) run in one part."""
    count, group = BUDGET[stage]
    if stage in NODE_STAGES:
        return [(0, count)]
    size = max(group, PART // group * group)
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _generated_cells(stage: str) -> list[tuple[str, Callable[[], Result]]]:
    def compute(start: int, end: int) -> Result:
        schemas = {f"#{i}": generated()[i] for i in range(start, end)}
        with tempfile.TemporaryDirectory(prefix="dbmodel_stages_") as tmp:
            return _run(stage, schemas, BUDGET[stage][1], Path(tmp))
    return [(f"generated|{stage}|{BUDGET[stage]}|{start}:{end}", functools.partial(compute, start, end))
            for start, end in _parts(stage)]


def _corpus_cell(stage: str, path: Path) -> tuple[str, Callable[[], Result]]:
    """The cell of ``stage`` on corpus file ``path``. The Node checkers take every corpus file in
    one cell (one Prisma engine, one tsc compilation: their start is most of their cost, about
    10 s of tsc per file), whose failures are keyed by file (:func:`on_corpus` takes the file's)."""
    if stage in NODE_STAGES:
        def compute_all() -> Result:
            with tempfile.TemporaryDirectory(prefix="dbmodel_stages_") as tmp:
                return _run(stage, {p.stem: corpus_schema(p) for p in corpus_files()}, 1, Path(tmp))
        return f"corpus|{stage}|{CORPUS}", compute_all

    def compute() -> Result:
        with tempfile.TemporaryDirectory(prefix="dbmodel_stages_") as tmp:
            return _run(stage, {path.stem: corpus_schema(path)}, 1, Path(tmp))
    return f"corpus|{stage}|{path}", compute


@functools.cache
def on_generated(stage: str) -> Result:
    parts = _once(_generated_cells(stage))
    missing = next((r.missing for r in parts if r.missing), "")
    if missing:
        return Result(missing=missing)
    return Result(sum(r.ran for r in parts), tuple(f for r in parts for f in r.failed))


@functools.cache
def on_corpus(stage: str, path: Path) -> Result:
    result = _once([_corpus_cell(stage, path)])[0]
    if stage in NODE_STAGES and not result.missing:  # the cell of every file: this file's part
        return Result(1, tuple((k, v) for k, v in result.failed if k == path.stem))
    return result


def _explain(result: Result) -> str:
    return "\n".join(f"{k}: {stages.first_line(v)[:400]}" for k, v in result.failed[:6])


def corpus_cases() -> list[Any]:
    """test_stages_corpus.py's cases (their own file, so pytest-xdist's --dist loadfile runs them on
    another worker than the generated schemas)."""
    return [pytest.param(s, p, id=f"{p.stem}-{s.replace(' ', '-')}",
                         marks=[pytest.mark.xfail(reason=KNOWN[p.stem, s], strict=True)]
                         if (p.stem, s) in KNOWN else [])
            for p in corpus_files() for s in BUDGET]


def check_corpus(stage: str, path: Path) -> None:
    result = on_corpus(stage, path)
    if result.missing:
        pytest.skip(result.missing)
    assert result.ok, f"{stage} on {path.name}:\n{_explain(result)}"


#: the stages whose generated schemas run in test_stages_servers.py (the costliest: PostgreSQL's and
#: MariaDB's DDL), on another xdist worker than the rest
SERVER_STAGES = ("apply+reflect postgresql", "apply+reflect mysql", "diff from empty", "evolve postgresql",
                 "evolve mysql", "export sqlalchemy")


def generated_cases(servers: bool) -> list[Any]:
    return [pytest.param(s, id=s.replace(" ", "-"),
                         marks=[pytest.mark.xfail(reason=KNOWN["generated", s], strict=True)]
                         if ("generated", s) in KNOWN else [])
            for s in BUDGET if (s in SERVER_STAGES) == servers]


@pytest.mark.slow
@pytest.mark.parametrize("stage", generated_cases(servers=False))
def test_stage_on_generated_schemas(stage: str) -> None:
    """Each stage passes on every generated schema of its budget (the failing ones are named by their
    number; ``python tests/stages.py --stage STAGE --shrink REGEX`` finds the smallest)."""
    check_generated(stage)


def check_generated(stage: str) -> None:
    result = on_generated(stage)
    if LARGER:  # the larger run's record: every failure, not only the first of the assertion
        _report(stage, result)
    if result.missing:
        pytest.skip(result.missing)
    assert result.ran == BUDGET[stage][0]
    assert result.ok, f"{stage}: {len(result.failed)} of {result.ran} generated schemas fail:\n{_explain(result)}"


def _report(stage: str, result: Result) -> None:
    """Print a stage's outcome on the generated schemas, every failing schema with its message (seen
    with ``pytest -s``: the larger run's log)."""
    print(f"\n[stage] {stage}: {_cell(result, True) if not result.missing else 'skipped: ' + result.missing}",
          flush=True)
    for k, v in result.failed:
        print(f"[fail] {stage} {k}: {stages.first_line(v)[:1000]}", flush=True)


def test_generated_schemas_are_many_and_fixed() -> None:
    """The run draws GENERATED distinct schemas, the same ones every time (a fixed seed)."""
    schemas = generated()
    assert len(schemas) == GENERATED
    assert len(set(schemas)) == GENERATED  # by value: Schema's repr is a summary
    if not LARGER:
        assert GENERATED >= 200


def test_generated_schemas_do_not_depend_on_loaded_modules() -> None:
    """The same seed draws the same schemas whatever the process imported before (Hypothesis reads
    constants from loaded project modules; a worker that had imported dbmodel_kit.erd drew others)."""
    script = ("import sys, hashlib, importlib; sys.path.insert(0, 'tests'); [importlib.import_module(m) for m in "
              "sys.argv[1:]]; import test_stages; from dbmodel_kit.io import dumps; "
              "print(hashlib.sha256(''.join(dumps(s, 'yaml') for s in test_stages.generated()[:40]).encode())"
              ".hexdigest())")
    env = {**os.environ, "DBMODEL_STAGE_SCHEMAS": "40"}
    root = Path(__file__).parent.parent
    prints = {subprocess.run([sys.executable, "-c", script, *mods], cwd=root, env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
              for mods in ([], ["dbmodel_kit.erd", "dbmodel_kit.normalize", "test_erd_properties"])}
    assert len(prints) == 1, prints


def _cell(result: Result, total: bool) -> str:
    if result.missing:
        return "-"
    if total:
        passed = result.ran - len({k for k, _ in result.failed})
        return f"{passed}/{result.ran}" if result.ok else f"**{passed}/{result.ran}**"
    return "ok" if result.ok else "**fails**"


def matrix(columns: Sequence[Path]) -> str:
    """The stage x schema table, as Markdown (rows: stages; columns: corpus files, then the
    generated schemas as passed/ran)."""
    head = ["stage", *(p.stem for p in columns), f"generated (seed {SEED})"]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for stage in BUDGET:
        cells = [_cell(on_corpus(stage, p), False) for p in columns] + [_cell(on_generated(stage), True)]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


@pytest.mark.slow
def test_compatibility_doc_shows_the_stage_matrix(request: pytest.FixtureRequest) -> None:
    """docs/compatibility.md's stage matrix is what this run measured (--update-golden rewrites it)."""
    # every cell, from the last: the stage files take theirs from the first (stage by stage; corpus
    # file by file), so this test and the other worker meet in the middle instead of one waiting
    cells = [*(c for s in BUDGET for c in _generated_cells(s)), *(_corpus_cell(s, p) for p in corpus_files()
                                                                  for s in BUDGET)]
    _once(cells[::-1])
    if LARGER:  # a larger run: its matrix is printed (pytest -s), not compared
        print(f"\n{matrix(corpus_files())}", flush=True)
        return
    missing = {r.missing for s in BUDGET for r in [on_generated(s), *(on_corpus(s, p) for p in corpus_files())]
               if r.missing}
    if missing or not corpus_files():
        pytest.skip(f"the matrix would be partial: {'; '.join(sorted(missing)) or 'no corpus'}")
    table = matrix(corpus_files())
    text = DOC.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{table}\n{END}"
    if request.config.getoption("--update-golden"):
        if BEGIN in text:
            text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda m: block, text, flags=re.S)
        else:
            text = text.rstrip() + "\n\n" + _SECTION + block + "\n"
        DOC.write_text(text, encoding="utf-8")
        return
    assert BEGIN in text, f"{DOC} has no stage matrix; run pytest tests/test_stages.py --update-golden"
    current = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert current == table, f"{DOC}'s stage matrix is stale; run pytest tests/test_stages.py --update-golden"


_SECTION = """\
## Every stage on every schema

Made by `tests/test_stages.py`; `pytest tests/test_stages.py --update-golden` rewrites it. Rows
are the stages of `tests/stages.py` (each function's docstring says what it checks); columns are
the corpus files (as `dbmodel` imports them) and the schemas `tests/strategies.py`'s
`real_schemas()` draws with a fixed seed, as passed/ran. Bold cells fail.

"""
