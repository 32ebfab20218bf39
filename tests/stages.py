"""Every stage of the kit, run on one schema: what tests/test_stages.py runs on the corpus
(../shared/datasets/schemas), hand-written fixtures and generated schemas, and what writes the
stage x schema matrix of docs/compatibility.md.

A stage is a function ``(schema, Work) -> None`` that raises when the stage fails on that schema
(an exception from the kit, or an AssertionError saying what differs). Stages that need a server
or a tool raise :class:`Missing` when it is not there; the test turns that into a skip with the
reason. ``python tests/stages.py --help`` runs them outside pytest (the larger run in the docs).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlglot import exp

from dbmodel_kit.model.schema import Default, Schema

TESTS = Path(__file__).parent
ROOT = TESTS.parent
CORPUS = Path(os.environ.get("DBMODEL_CORPUS", ROOT.parent / "shared" / "datasets" / "schemas"))
if not CORPUS.is_dir():  # a worktree of /work/wt/NAME: the shared folder is two levels up
    CORPUS = ROOT.parent.parent / "shared" / "datasets" / "schemas"
POSTGRES_URL = os.environ.get("DBMODEL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MYSQL_URL = os.environ.get("DBMODEL_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
NODE = shutil.which("node")
JS = TESTS / "js"


class Missing(Exception):
    """A server or tool the stage needs is not here (the test skips, saying which)."""


@dataclass
class Work:
    """Where a stage may write (a fresh folder per schema) and the databases it may create."""

    dir: Path
    made: list[tuple[str, str]] = field(default_factory=list)

    def url(self, engine: str) -> str:
        """A fresh, empty database on ``engine`` (dropped by :meth:`close`)."""
        name = f"dbmodel_stage_{uuid.uuid4().hex[:12]}"
        if engine in ("sqlite", "duckdb"):
            return f"{engine}:///{self.dir / f'{name}.{engine}'}"
        base = sa.make_url(POSTGRES_URL if engine == "postgresql" else MYSQL_URL)
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f"CREATE DATABASE {name}"))  # a generated name, no user input
        except sa.exc.OperationalError as e:
            raise Missing(f"{engine} server not reachable at {base.render_as_string(hide_password=True)}: "
                          f"{str(e).splitlines()[0][:120]}") from None
        finally:
            admin.dispose()
        self.made.append((engine, name))
        return base.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        for engine, name in self.made:
            admin = sa.create_engine(sa.make_url(POSTGRES_URL if engine == "postgresql" else MYSQL_URL),
                                     isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                force = " WITH (FORCE)" if engine == "postgresql" else ""
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}{force}"))
            admin.dispose()
        self.made.clear()


@contextlib.contextmanager
def work(folder: Path) -> Iterator[Work]:
    folder.mkdir(parents=True, exist_ok=True)
    w = Work(folder)
    try:
        yield w
    finally:
        w.close()


# -- the stages ------------------------------------------------------------------------------------

def _differences(want: Schema, got: Schema) -> str:
    """What differs between two schemas, item by item (for an assertion message)."""
    lines = []
    if want.enums != got.enums:
        lines.append(f"enums: want {want.enums}, got {got.enums}")
    for name in sorted(set(want.table_names) | set(got.table_names)):
        a = want.table(name) if want.has_table(name) else None
        b = got.table(name) if got.has_table(name) else None
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"table {name}: {'missing' if b is None else 'unexpected'}")
            continue
        if a.column_names != b.column_names:
            lines.append(f"{name} columns: want {a.column_names}, got {b.column_names}")
        for ca, cb in zip(a.columns, b.columns, strict=False):
            for f in ("type", "nullable", "default", "generated", "comment"):
                if getattr(ca, f) != getattr(cb, f):
                    lines.append(f"{name}.{ca.name} {f}: want {getattr(ca, f)!r}, got {getattr(cb, f)!r}")
        for f in ("primary_key", "foreign_keys", "indexes", "uniques", "checks", "comment"):
            x, y = getattr(a, f), getattr(b, f)
            if x != y:
                if isinstance(x, tuple) and isinstance(y, tuple):
                    x, y = [i for i in x if i not in y], [i for i in y if i not in x]
                lines.append(f"{name} {f}: want {x}, got {y}")
    for f in ("views", "sequences", "domains", "verbatim"):  # schema-level objects, by key
        x, y = getattr(want, f), getattr(got, f)
        if x != y:
            lines.append(f"{f}: want {[i for i in x if i not in y]}, got {[i for i in y if i not in x]}")
    return "\n".join(lines[:8]) or "(equal)"


def assert_same(want: Schema, got: Schema, what: str) -> None:
    if want != got:
        raise AssertionError(f"{what} differs:\n{_differences(want, got)}")


#: the plan from an empty schema of the schemas the stages ran on lately (id -> (schema, plan)):
#: the stages that need one (diff from empty, the exports, lint, review) share it, and with it what
#: the kit keeps per plan (its SQL per dialect, its reverse: ``Plan.kept``), instead of each
#: planning and writing the same migration again. The entry holds the schema, so its id is not reused.
_FROM_EMPTY: dict[int, tuple[Schema, Any]] = {}


def from_empty(schema: Schema) -> Any:
    """``diff(Schema(), schema)``, once per schema object among the last 64."""
    from dbmodel_kit.migrate import diff

    hit = _FROM_EMPTY.get(id(schema))
    if hit is None or hit[0] is not schema:
        if len(_FROM_EMPTY) >= 64:
            del _FROM_EMPTY[next(iter(_FROM_EMPTY))]
        hit = _FROM_EMPTY[id(schema)] = (schema, diff(Schema(), schema))
    return hit[1]


def stage_ddl(schema: Schema, w: Work) -> None:
    """DDL text for each dialect."""
    from dbmodel_kit.ddl import create_sql

    for d in ("postgresql", "mysql", "sqlite", "duckdb"):
        create_sql(schema, d)


def _apply_reflect(engine: str) -> Callable[[Schema, Work], None]:
    def stage(schema: Schema, w: Work) -> None:
        from dbmodel_kit.ddl import apply
        from dbmodel_kit.ddl.limits import storable
        from dbmodel_kit.io.reflect import reflect

        url = w.url(engine)
        apply(schema, url)
        assert_same(storable(schema, engine), reflect(url), f"reflect after apply on {engine}")

    stage.__doc__ = f"DDL applied on {engine}, reflected back: equal to the model as {engine} stores it."
    return stage


def stage_diff(schema: Schema, w: Work) -> None:
    """The migration from an empty schema, applied by the kit on SQLite and PostgreSQL (where
    the server is here), reflects back equal to the model."""
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.io.reflect import reflect
    from dbmodel_kit.migrate import to_sql
    from dbmodel_kit.migrate.apply import apply

    plan = from_empty(schema)
    assert plan.new == schema
    for d in ("postgresql", "mysql", "sqlite", "duckdb"):
        to_sql(plan, d)
    for engine in ("sqlite", "duckdb", "postgresql"):
        try:
            url = w.url(engine)
        except Missing:
            continue
        apply(plan, url, record=False)
        assert_same(storable(schema, engine), reflect(url), f"reflect after the migration on {engine}")


def evolution(schema: Schema, seed: int = 0, length: int = 4) -> Any:
    """A random plan of ``length`` edits to ``schema``, aimed at the rebuild paths: the tables it
    edits are first those with a self-reference or incoming foreign keys (DuckDB and SQLite rebuild
    them), then any. Edits: rename a referenced table or a key column, drop a NOT NULL, widen a
    type, add a column (nullable, or NOT NULL with a default), drop a check, an index, a foreign key
    or a nullable column, add an index, change a comment. An edit the model refuses on this schema
    is drawn again (at most ``4 * length`` draws)."""
    import random

    from dbmodel_kit.errors import ModelError
    from dbmodel_kit.migrate import Plan
    from dbmodel_kit.model import ops as o
    from dbmodel_kit.model.schema import Column, Index
    from dbmodel_kit.model.types import DataType

    rnd = random.Random(seed)
    wider = {"smallint": "integer", "integer": "bigint", "real": "double"}
    current, ops, n = schema, [], 0
    for _ in range(4 * length):
        if len(ops) >= length or not current.tables:
            break
        linked = [t for t in current.tables if any(True for _ in current.referencing(t.name))]
        t = rnd.choice(linked if linked and rnd.random() < 0.7 else list(current.tables))
        keys = set(t.primary_key) | {c for fk in t.foreign_keys for c in fk.columns} | {
            c for _, fk in current.referencing(t.name) for c in fk.ref_columns}
        plain = [c for c in t.columns if c.name not in keys and not c.generated]
        # a dropped column comes back on down NULL or at its default in every row: not one a unique
        # set holds (the rows would collide), as its data is gone (the plan says lossy)
        in_unique = {c for u in t.uniques for c in u.columns} | {c for ix in t.indexes if ix.unique for c in ix.columns}
        def droppable(t: Any = t, plain: list[Any] = plain, in_unique: set[str] = in_unique) -> list[Any]:
            return [c for c in plain if c.nullable and c.name not in in_unique]
        n += 1
        kind = rnd.choice(["rename_table", "rename_key", "nullable", "widen", "add_nullable", "add_default",
                           "drop_check", "drop_index", "drop_fk", "drop_column", "add_index", "comment"])
        op: Any = None
        if kind == "rename_table":
            op = o.RenameTable(t.name, f"{t.name} v{n}")
        elif kind == "rename_key" and t.primary_key:
            op = o.RenameColumn(t.name, t.primary_key[0], f"{t.primary_key[0]}_{n}")
        elif kind == "nullable" and [c for c in plain if not c.nullable]:
            op = o.AlterColumn(t.name, rnd.choice([c for c in plain if not c.nullable]).name, nullable=True)
        elif kind == "widen" and [c for c in plain if c.type.kind in wider]:
            c = rnd.choice([c for c in plain if c.type.kind in wider])
            op = o.AlterColumn(t.name, c.name, type=DataType(wider[c.type.kind]))
        elif kind == "add_nullable":
            op = o.AddColumn(t.name, Column(f"added {n}", DataType("varchar", 40)))
        elif kind == "add_default":
            op = o.AddColumn(t.name, Column(f"added_{n}", DataType("integer"), nullable=False,
                                            default=Default("literal", n)))
        elif kind == "drop_check" and t.checks:
            op = o.DropCheck(t.name, rnd.choice(t.checks).name)
        elif kind == "drop_index" and t.indexes:
            op = o.DropIndex(t.name, rnd.choice(t.indexes).name)
        elif kind == "drop_fk" and t.foreign_keys:
            op = o.DropForeignKey(t.name, rnd.choice(t.foreign_keys).name)
        elif kind == "drop_column" and droppable(t) and len(t.columns) > 2:
            op = o.DropColumn(t.name, rnd.choice(droppable(t)).name)
        elif kind == "add_index" and plain:
            c = rnd.choice(plain)
            if c.type.kind not in ("text", "json", "bytes", "interval"):
                op = o.AddIndex(t.name, Index((c.name,), name=f"ix evolved {n}"))
        elif kind == "comment":
            op = o.AlterTable(t.name, comment=f"evolved {n}")
        if op is None:
            continue
        try:
            current = op.apply(current)
        except ModelError:
            continue
        ops.append(op)
    return Plan.from_ops(schema, ops)


def _evolve(engine: str) -> Callable[[Schema, Work], None]:
    def stage(schema: Schema, w: Work) -> None:
        from dbmodel_kit.migrate.apply import fingerprint, verify

        plan = evolution(schema, seed=int(fingerprint(schema)[:8], 16))
        v = verify(plan, url=w.url(engine))
        if not v.ok:
            raise AssertionError(f"{'; '.join(plan.describe())}\n{v}")

    stage.__doc__ = (f"A random evolution (:func:`evolution`) goes up -> down -> up on {engine} with rows seeded "
                     "in every table: the schema equals the model after each step, rows are kept (and come "
                     "back unchanged after down when the plan is lossless).")
    return stage


def workload(schema: Schema, limit: int = 60) -> Any:
    """A workload a designer would write first: each foreign key's join and, per table, the rows
    with a value in a column, sorted (built as sqlglot trees)."""
    from dbmodel_kit.workload import Workload

    def col(table: str, name: str) -> exp.Column:
        return exp.column(name, table=table, quoted=True)

    w = Workload()
    n = 0
    for t in schema.tables:
        for fk in t.foreign_keys:
            if n >= limit:
                return w
            if fk.ref_table == t.name:
                continue
            on = exp.and_(*(exp.EQ(this=col("c", a), expression=col("p", b))
                            for a, b in zip(fk.columns, fk.ref_columns, strict=True)))
            q = exp.select(exp.Count(this=exp.Star())).from_(exp.table_(t.name, quoted=True).as_("c")).join(
                exp.table_(fk.ref_table, quoted=True).as_("p"), on=on)
            n += 1
            w = w.add(f"q{n}_join", q.sql(), weight=10)
        c = t.columns[-1]
        q = (exp.select(*(exp.column(x.name, quoted=True) for x in t.columns[:3]))
             .from_(exp.table_(t.name, quoted=True))
             .where(exp.Not(this=exp.Is(this=exp.column(c.name, quoted=True), expression=exp.Null())))
             .order_by(exp.column(t.columns[0].name, quoted=True)).limit(10))
        n += 1
        w = w.add(f"q{n}_filter", q.sql(), weight=5)
    return w


SAMPLE_ROWS = 40


def _sample(schema: Schema, w: Work, engine: str) -> Any:
    from dbmodel_kit.workload import sample

    path = w.dir / f"sample_{uuid.uuid4().hex[:8]}.{engine}"
    return sample(schema, {t.name: SAMPLE_ROWS for t in schema.tables}, path=path, seed=1, progress=False)


def stage_sample(schema: Schema, w: Work) -> None:
    """``sample`` fills every table (SAMPLE_ROWS rows each) on SQLite and DuckDB with every
    constraint declared, then ``run`` times the workload on both with no query failing."""
    from dbmodel_kit.workload import run

    for engine in ("sqlite", "duckdb"):
        db = _sample(schema, w, engine)
        short = {t: n for t, n in db.counts().items() if n != SAMPLE_ROWS}
        assert not short, f"{engine}: tables with other than {SAMPLE_ROWS} rows: {short}"
        wl = workload(db.schema)  # (the tables the engine holds: no partitions where it has no partitioning)
        if len(wl):
            report = run(wl, db, repeat=1, explain=False)
            assert not report.errors, f"{engine}: run: {report.errors}"


LARGE_ROWS = 100_000


def stage_sample_large(schema: Schema, w: Work) -> None:
    """``sample`` puts LARGE_ROWS rows in every table of a DuckDB file (verified fill: every key,
    unique, foreign key, NOT NULL and CHECK of the model checked over the whole tables), then
    ``run`` times the workload with no query failing. A table whose unique key's type and CHECKs
    hold fewer distinct values (a smallint key: 65,536) is asked for that many
    (``workload.sample.rows_that_fit``): asked for more explicitly, ``sample`` refuses."""
    from dbmodel_kit.workload import run, sample
    from dbmodel_kit.workload.sample import rows_that_fit

    want = rows_that_fit(schema, {t.name: LARGE_ROWS for t in schema.tables})
    db = sample(schema, want, path=w.dir / "large.duckdb", seed=1, progress=False)
    short = {t: n for t, n in db.counts().items() if n != want.get(t, LARGE_ROWS)}
    assert not short, f"tables with other than the rows asked ({LARGE_ROWS}, or what fits): {short}"
    wl = workload(db.schema)
    if len(wl):
        report = run(wl, db, repeat=1, explain=False)
        assert not report.errors, f"run: {report.errors}"


def stage_advise(schema: Schema, w: Work) -> None:
    """``advise`` on a SQLite sample (one round, one timed run) and on a DuckDB sample."""
    from dbmodel_kit.advisor import advise

    for engine in ("sqlite", "duckdb"):
        db = _sample(schema, w, engine)
        wl = workload(db.schema)  # (the tables the engine holds)
        if not len(wl):
            return
        if engine == "sqlite":
            advise(schema, wl, db, repeat=1, rounds=1, parallel=False, progress=False)
        else:
            advise(schema, wl, db, repeat=1)


def _load_module(source: str, path: Path) -> Any:
    import importlib.util

    path.write_text(source, encoding="utf-8")
    name = f"_stage_models_{uuid.uuid4().hex[:8]}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # string annotations resolve in the module's namespace
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def stage_export_sqlalchemy(schema: Schema, w: Work) -> None:
    """The SQLAlchemy export: every file renders; models.py imports, its mappers configure, and
    ``create_all`` on SQLite and PostgreSQL gives the catalog our own DDL gives."""

    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.export import files
    from dbmodel_kit.io.reflect import reflect

    for engine in ("sqlite", "postgresql"):
        try:
            url = w.url(engine)
        except Missing:
            continue
        out = files(schema, "sqlalchemy", dialect=engine, plan=from_empty(schema))
        module = _load_module(out["models.py"], w.dir / f"models_{engine}_{uuid.uuid4().hex[:6]}.py")
        module.Base.registry.configure()  # its own mappers only (not those other tests left behind)
        e = sa.create_engine(url)
        try:
            module.Base.metadata.create_all(e)
        finally:
            e.dispose()
        assert_same(storable(schema, engine), reflect(url), f"create_all of models.py on {engine}")


def stage_export_prisma(schema: Schema, w: Work) -> None:
    """The Prisma export renders and Prisma's own engine validates schema.prisma."""
    problems = check_many("export prisma", {"schema": schema}, w.dir)
    if problems["schema"]:
        raise AssertionError(problems["schema"])


def stage_export_typeorm(schema: Schema, w: Work) -> None:
    """The TypeORM export renders and tsc (strict) compiles its TypeScript."""
    problems = check_many("export typeorm", {"schema": schema}, w.dir)
    if problems["schema"]:
        raise AssertionError(problems["schema"])


def stage_export_sql(schema: Schema, w: Work) -> None:
    """The plain-SQL export: up.sql runs on SQLite and DuckDB, and down.sql empties them again."""
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.export import files
    from dbmodel_kit.io.reflect import reflect

    out = files(schema, "sql", plan=from_empty(schema))
    for engine in ("sqlite", "duckdb"):
        url = w.url(engine)
        run_script(out[f"{engine}/up.sql"], url)
        # (the tables the engine holds: no partitions where it has no partitioning)
        assert len(reflect(url).tables) == len(storable(schema, engine).tables), \
            f"{engine}: up.sql made another set of tables"
        run_script(out[f"{engine}/down.sql"], url)
        left = [t for t in reflect(url).table_names if not t.startswith("dbmodel_")]
        assert not left, f"{engine}: down.sql left {left}"


def run_script(script: str, url: str) -> None:
    """Run an SQL script the way the engine's own client would (SQLite executescript, DuckDB's
    execute of the whole text)."""
    path = url.split(":///", 1)[1]
    if url.startswith("sqlite"):
        import sqlite3

        con = sqlite3.connect(path)
        try:
            con.executescript(script)
        finally:
            con.close()
    else:
        import duckdb

        con = duckdb.connect(path)
        try:
            con.execute(script)
        finally:
            con.close()


def stage_export_dbml(schema: Schema, w: Work) -> None:
    """The DBML export reads back with the same tables, columns, keys and foreign keys (each column's
    type as DBML carries it: ``io.dbml.dbml_type``, the rest said in a comment), and a second round
    trip is a fixed point."""
    from dbmodel_kit.export import files
    from dbmodel_kit.io import loads
    from dbmodel_kit.io.dbml import dbml_type

    text = files(schema, "dbml")["schema.dbml"]
    back = loads(text, "dbml")
    for t in schema.tables:
        b = back.table(t.name)
        assert [(c.name, c.type, c.nullable) for c in b.columns] == [
            (c.name, dbml_type(c.type), c.nullable) for c in t.columns], f"dbml: columns of {t.name}"
        assert b.primary_key == t.primary_key, f"dbml: primary key of {t.name}"
        assert [(f.columns, f.ref_table, f.ref_columns) for f in b.foreign_keys] == [
            (f.columns, f.ref_table, f.ref_columns) for f in t.foreign_keys], f"dbml: foreign keys of {t.name}"
    assert loads(files(back, "dbml")["schema.dbml"], "dbml") == back, "dbml: a second round trip changes the schema"


def stage_export_mermaid(schema: Schema, w: Work) -> None:
    """The Mermaid export renders one entity per table."""
    from dbmodel_kit.export import files

    text = files(schema, "mermaid")["erd.mmd"]
    assert text.startswith("erDiagram") or "erDiagram" in text.splitlines()[0:3]


def stage_erd(schema: Schema, w: Work) -> None:
    """The ERD renders to SVG with Graphviz."""
    from dbmodel_kit.erd import render_svg

    svg = render_svg(schema)
    assert "<svg" in svg


def stage_lint(schema: Schema, w: Work) -> None:
    """Lint runs every rule on the model, and migration lint runs on the plan from nothing."""
    from dbmodel_kit.lint import lint
    from dbmodel_kit.migrate.lint import lint as lint_plan

    lint(schema)
    for d in ("postgresql", "mysql", "sqlite", "duckdb"):
        lint_plan(from_empty(schema), d)


def stage_review(schema: Schema, w: Work) -> None:
    """The review of the change from nothing renders as HTML and Markdown for the four dialects."""
    from dbmodel_kit.review import review

    r = review(from_empty(schema), dialects=("postgresql", "mysql", "sqlite", "duckdb"))
    assert "<html" in r.to_html().lower()
    assert r.to_markdown()


# -- the checkers of other ecosystems, batched: one node process for many schemas -------------------

def _need_node(*packages: str) -> None:
    if NODE is None or not all((JS / "node_modules" / p).is_dir() for p in packages):
        raise Missing(f"node and {', '.join(packages)} (npm ci --prefix tests/js)")


def prisma_validate(schemas: dict[str, str], folder: Path) -> dict[str, str]:
    """Prisma's engine on each ``{key: schema.prisma text}``: the keys it rejects, with its message."""
    _need_node("@prisma/prisma-schema-wasm")
    folder.mkdir(parents=True, exist_ok=True)
    listing = folder / f"prisma_{uuid.uuid4().hex[:8]}.json"
    listing.write_text(json.dumps(schemas), encoding="utf-8")
    done = subprocess.run([NODE or "node", str(JS / "prisma_check_many.js"), str(listing)], capture_output=True,
                          text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise AssertionError(f"prisma_check_many.js failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def typescript_check(projects: dict[str, dict[str, str]], folder: Path) -> dict[str, str]:
    """tsc (strict) over the TypeScript files of each ``{key: {path: text}}``, one compilation for
    all: the keys with errors, with tsc's messages."""
    _need_node("typescript", "typeorm", "reflect-metadata")
    root = folder / f"ts_{uuid.uuid4().hex[:8]}"
    root.mkdir(parents=True)
    (root / "node_modules").symlink_to(JS / "node_modules", target_is_directory=True)
    (root / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "target": "ES2021", "module": "commonjs", "strict": True, "skipLibCheck": True, "noEmit": True,
        "types": ["node"], "esModuleInterop": True, "experimentalDecorators": True, "emitDecoratorMetadata": True,
        "strictPropertyInitialization": False}, "include": ["p*/**/*.ts"]}))
    keys = {}
    for i, (key, made) in enumerate(projects.items()):
        keys[f"p{i}"] = key
        for rel, text in made.items():
            if rel.endswith(".ts"):
                path = root / f"p{i}" / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    # run in the project folder: tsc names each file relative to the working directory (pN/...)
    done = subprocess.run([NODE or "node", str(JS / "node_modules" / "typescript" / "bin" / "tsc"), "-p", str(root)],
                          capture_output=True, text=True, timeout=900, check=False, cwd=root)
    errors: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        m = re.match(r"^(p\d+)/", line)
        if m:
            errors.setdefault(keys[m.group(1)], []).append(line)
        elif line.strip() and errors:
            errors[list(errors)[-1]].append(line)
    if done.returncode != 0 and not errors:
        raise AssertionError(f"tsc failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    return {k: "\n".join(v[:10]) for k, v in errors.items()}


def _render(target: str, schemas: dict[str, Schema]) -> tuple[dict[str, dict[str, str]], dict[str, str | None]]:
    """The export files of each schema, and the outcome of those that do not render."""
    from dbmodel_kit.export import files

    made: dict[str, dict[str, str]] = {}
    failed: dict[str, str | None] = {}
    for key, schema in schemas.items():
        try:
            made[key] = files(schema, target, plan=from_empty(schema))
        except Exception as e:  # rendering failed: that is the outcome
            failed[key] = f"{type(e).__name__}: {e}"
    return made, failed


def check_many(stage: str, schemas: dict[str, Schema], folder: Path) -> dict[str, str | None]:
    """The outcome of ``stage`` on each schema: None when it passed, else what went wrong. The
    export checkers of Node ecosystems run once for all (one Prisma engine, one tsc compilation);
    other stages run schema by schema. Raises :class:`Missing` when a server or tool is not here."""
    folder.mkdir(parents=True, exist_ok=True)
    if stage == "export prisma":
        made, out = _render("prisma", schemas)
        problems = prisma_validate({k: f["schema.prisma"] for k, f in made.items()}, folder) if made else {}
        return {**out, **{k: problems.get(k) for k in made}}
    if stage == "export typeorm":
        made, out = _render("typeorm", schemas)
        problems = typescript_check(made, folder) if made else {}
        return {**out, **{k: problems.get(k) for k in made}}
    return {k: run_stage(stage, s, folder / f"s{i}") for i, (k, s) in enumerate(schemas.items())}


#: every stage, in pipeline order: name -> function (the matrix's rows)
STAGES: dict[str, Callable[[Schema, Work], None]] = {
    "ddl": stage_ddl,
    "apply+reflect sqlite": _apply_reflect("sqlite"),
    "apply+reflect duckdb": _apply_reflect("duckdb"),
    "apply+reflect postgresql": _apply_reflect("postgresql"),
    "apply+reflect mysql": _apply_reflect("mysql"),
    "diff from empty": stage_diff,
    "evolve sqlite": _evolve("sqlite"),
    "evolve duckdb": _evolve("duckdb"),
    "evolve postgresql": _evolve("postgresql"),
    "evolve mysql": _evolve("mysql"),
    "sample+run": stage_sample,
    "sample 100k": stage_sample_large,
    "advise": stage_advise,
    "export sqlalchemy": stage_export_sqlalchemy,
    "export prisma": stage_export_prisma,
    "export typeorm": stage_export_typeorm,
    "export sql": stage_export_sql,
    "export dbml": stage_export_dbml,
    "export mermaid": stage_export_mermaid,
    "erd": stage_erd,
    "lint": stage_lint,
    "review": stage_review,
}


#: ``DBMODEL_STAGE_TIMES=path``: each run of a stage appends a JSON line to ``path`` (stage, tables,
#: wall and CPU seconds of this process, outcome): where the stage matrix's time goes
TIMES = os.environ.get("DBMODEL_STAGE_TIMES")


def run_stage(stage: str, schema: Schema, folder: Path) -> str | None:
    """Run one stage; None when it passed, else the first line of what went wrong (Missing is raised)."""
    start = (time.perf_counter(), time.process_time())
    outcome: str | None = "missing"
    try:
        with work(folder) as w:
            try:
                STAGES[stage](schema, w)
            except Missing:
                raise
            except Exception as e:  # the stage failed: its message is the outcome
                text = str(e).strip() or type(e).__name__
                outcome = f"{type(e).__name__}: {text}"
                return outcome
        outcome = None
        return None
    finally:
        if TIMES:
            line = {"stage": stage, "tables": len(schema.tables), "wall": round(time.perf_counter() - start[0], 3),
                    "cpu": round(time.process_time() - start[1], 3), "ok": outcome is None,
                    "pid": os.getpid()}
            with open(TIMES, "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")


def first_line(text: str) -> str:
    return text.splitlines()[0] if text else text


def shrink(stage: str, match: str, examples: int, seed: int, folder: Path) -> str | None:
    """The smallest generated schema (hypothesis shrinking) on which ``stage`` fails with a message
    matching ``match``, as YAML; None when none of ``examples`` schemas fails so."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed
    from strategies import real_schemas
    from test_stages import _no_local_constants

    from dbmodel_kit.io import dumps

    pattern = re.compile(match)
    found: list[Schema] = []

    @hseed(seed)
    @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(real_schemas())
    def check(schema: Schema) -> None:
        outcome = run_stage(stage, schema, folder / uuid.uuid4().hex[:8])
        if outcome is not None and pattern.search(outcome):
            found[:] = [schema]
            raise AssertionError(outcome)

    try:
        with _no_local_constants():  # as the stage tests draw: the seed alone decides
            check()
    except AssertionError:
        return dumps(found[0], "yaml")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    import argparse
    import tempfile

    from dbmodel_kit.io import load

    p = argparse.ArgumentParser(description="run the kit's stages on schema files, or find the smallest "
                                            "generated schema a stage fails on")
    p.add_argument("files", nargs="*")
    p.add_argument("--stage", action="append", help="a stage name (repeatable; default: all)")
    p.add_argument("--shrink", metavar="REGEX", help="draw schemas until --stage fails with a message matching "
                                                    "REGEX, shrink it and print it as YAML")
    p.add_argument("--examples", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.shrink is not None:
        with tempfile.TemporaryDirectory() as tmp:
            text = shrink(args.stage[0], args.shrink, args.examples, args.seed, Path(tmp))
        print(text or f"no failure matching {args.shrink!r} in {args.examples} schemas")
        return 0 if text else 1
    bad = 0
    for f in args.files:
        schema = load(f)
        for stage in args.stage or list(STAGES):
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    outcome = run_stage(stage, schema, Path(tmp))
                except Missing as e:
                    outcome = f"skipped: {e}"
                bad += outcome is not None and not outcome.startswith("skipped")
                print(f"{f}: {stage}: {outcome or 'ok'}", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
