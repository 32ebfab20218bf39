"""Fuzz harness for issue 22: hostile identifiers and random evolutions on the four engines.

Two areas, each case counted as tried / ok / refused / failed / traceback / hang:

- **names**: hostile identifiers (quotes, backticks, brackets, ``;``, ``--``, ``/*``, unicode,
  emoji, spaces, reserved words, case twins, long names) used as table, column, index, check and
  enum names, in batches applied beside a canary table. A name is *ok* when every engine stores it
  and reflection gives it back exactly (``reflect == storable``), *refused* when the model or
  ``ddl`` for that dialect refuses it with a ModelError before any SQL runs; anything an engine
  refuses at apply time is *failed*, any other exception a *traceback*. After every batch the
  canary table must hold its row and no table but the model's may exist (an *injection*).
- **evolutions**: random sequences of edits of the e-commerce example (added columns of every
  kind, NOT NULL without default, volatile defaults, renames followed by a table of the old name,
  type and nullability changes, CHECKs and UNIQUEs the rows break, enum changes, FKs, drops),
  verified up -> down -> up with seeded rows (``migrate.apply.verify``). *ok* when verify passes,
  *refused* when the plan is refused before any statement runs (``migrate.apply.Refused``,
  or a step the dialect cannot run, said at emit time), else *failed* / *traceback*.

Each case runs under a time limit (SIGALRM): one over it is a *hang*. The CI part runs in
``tests/test_fuzz_hostile.py``; a larger run::

    .venv/bin/python tests/fuzz_hostile.py --names 5000 --evolutions 1000 --seed 1

prints the table per area and engine and every case that was not ok or refused.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import signal
import sys
import tempfile
import traceback
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dbmodel_kit.errors import ModelError

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306/test"
ENGINES = ("sqlite", "duckdb", "postgresql", "mysql")
OUTCOMES = ("ok", "refused", "failed", "traceback", "hang")


class Hang(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Raise :class:`Hang` after ``seconds`` (main thread only; SIGALRM)."""
    def fire(signum: int, frame: Any) -> None:
        raise Hang(f"over {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class Report:
    """Outcomes per (area, engine), and the cases that were neither ok nor refused."""

    counts: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    bad: list[str] = field(default_factory=list)
    injections: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    #: print each case as it ends (on standard error), for long runs
    live: bool = False

    def add(self, area: str, engine: str, outcome: str, case: str = "", detail: str = "") -> None:
        self.counts[area, engine][outcome] += 1
        if self.live:
            print(f"{area} {engine} {outcome}" + (f": {case}: {detail[:300]}" if outcome != "ok" else ""),
                  file=sys.stderr, flush=True)
        if outcome == "refused":
            self.reasons[_reason(detail)] += 1
        elif outcome != "ok":
            self.bad.append(f"{area} {engine} {outcome}: {case}: {detail}")

    def tried(self, area: str) -> int:
        return sum(sum(c.values()) for (a, _), c in self.counts.items() if a == area)

    def failures(self) -> list[str]:
        return self.bad + ([f"{self.injections} injection(s)"] if self.injections else [])

    def table(self) -> str:
        head = f"{'area':12} {'engine':11} " + " ".join(f"{o:>9}" for o in ("tried", *OUTCOMES))
        rows = [head]
        for (area, engine), c in sorted(self.counts.items()):
            rows.append(f"{area:12} {engine:11} {sum(c.values()):>9} " + " ".join(f"{c[o]:>9}" for o in OUTCOMES))
        rows.append(f"injections: {self.injections}")
        return "\n".join(rows)


def _reason(text: str) -> str:
    """A refusal's kind, for the summary (its first clause, names and numbers left out)."""
    import re

    rules = sorted(set(re.findall(r"\(lint ([A-Z]{2}\d{3})", text)))
    if rules:
        return "refused before any statement: " + ", ".join(rules)
    head = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\d+", "_", text.split(":")[0] if ":" in text[:80] else text[:80])
    return head.strip()[:80]


# -- scratch databases ------------------------------------------------------------------------

class Scratch:
    """Empty databases on one engine: a new file per case for SQLite/DuckDB, one server database
    per engine emptied between cases (PostgreSQL: its schema re-created; MariaDB: dropped and made
    again under the same generated name)."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind, self.folder, self.n = kind, folder, 0
        self.admin: sa.Engine | None = None
        self.url: str | None = None

    def available(self) -> str | None:
        """None when usable, else why not (a server not reachable)."""
        if self.kind in ("sqlite", "duckdb"):
            return None
        base = POSTGRES_URL if self.kind == "postgresql" else MYSQL_URL
        try:
            self.admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
            with self.admin.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except Exception as e:  # any failure to connect means "server not here"
            return f"{self.kind} not reachable: {type(e).__name__}"
        self.name = f"dbmodel_fuzz_{uuid.uuid4().hex[:10]}"
        self.url = sa.make_url(base).set(database=self.name).render_as_string(hide_password=False)
        with self.admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {self.name}"))  # generated name, no user input
        return None

    def new(self) -> str:
        self.n += 1
        if self.kind == "sqlite":
            return f"sqlite:///{self.folder / f's{self.n}.sqlite'}"
        if self.kind == "duckdb":
            return f"duckdb:///{self.folder / f'd{self.n}.duckdb'}"
        assert self.admin is not None
        assert self.url is not None
        if self.kind == "postgresql":
            engine = sa.create_engine(self.url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            engine.dispose()
        else:
            with self.admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {self.name}"))
                conn.execute(sa.text(f"CREATE DATABASE {self.name}"))
        return self.url

    def close(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as conn:
            force = " WITH (FORCE)" if self.kind == "postgresql" else ""
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {self.name}{force}"))
        self.admin.dispose()


@contextlib.contextmanager
def scratches(engines: Sequence[str], report: Report) -> Iterator[dict[str, Scratch]]:
    with tempfile.TemporaryDirectory(prefix="dbmodel_fuzz_") as tmp:
        made: dict[str, Scratch] = {}
        try:
            for kind in engines:
                s = Scratch(kind, Path(tmp))
                why = s.available()
                if why is None:
                    made[kind] = s
                else:
                    print(f"fuzz: skipping {why}", file=sys.stderr)
            yield made
        finally:
            for s in made.values():
                s.close()


def _dispose(url: str) -> None:
    """Close pooled connections to a file database before it is removed (DuckDB locks its file)."""


# -- hostile identifiers -----------------------------------------------------------------------

_PIECES = [
    '"', "'", "`", "[", "]", ";", "--", "/*", "*/", "\\", "%", "%s", "?", ":name", "$1", "{}", "()", ",", ".",
    " ", "  ", "\t", "é", "名前", "🎉", "\u200d", "\u202e", "e\u0301", "ß", "İ", "Ω", "ǅ", "\u00a0", "#", "@", "!",
    "=", "<>", "&", "|", "^", "~", "+", "*", "/", "0", "1e5", "NULL", "x", "_", "$",
]
_RESERVED = ["select", "order", "user", "group", "table", "from", "where", "check", "index", "key", "primary",
             "references", "default", "null", "true", "false", "limit", "offset", "desc", "column", "constraint",
             "schema", "database", "rowid", "oid", "ctid", "_rowid_", "current_date", "all", "and", "as"]
_INJECT = ['x"; DROP TABLE canary; --', "x`; DROP TABLE canary; --", "x'); DROP TABLE canary; --",
           "x]; DROP TABLE canary; --", "x/* */; DROP TABLE canary", "x\"\"; DELETE FROM canary; --",
           "a\"b", "a``b", "a''b", "end\\", "\\\"", "x\"\ny", "x\rDROP TABLE canary"]


def hostile_names(n: int, seed: int) -> list[str]:
    """``n`` distinct hostile names: fixed injections, reserved words, case twins, long names and
    random joins of hostile pieces (seeded)."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()

    def put(name: str) -> None:
        if name not in seen and len(out) < n:
            seen.add(name)
            out.append(name)

    for name in _INJECT:
        put(name)
    for word in _RESERVED:
        put(word)
        put(word.upper())
        put(word.title())
    for length in (62, 63, 64, 65, 100, 255):
        put("n" * length)
        put("é" * (length // 2))
    while len(out) < n:
        k = rng.randint(1, 5)
        parts = [rng.choice(_PIECES) if rng.random() < 0.6 else rng.choice(_RESERVED) for _ in range(k)]
        name = "".join(parts)
        if rng.random() < 0.2:
            name = name.upper()
        if rng.random() < 0.1:
            name = name * rng.randint(2, 20)
        put(name)
    return out


def names_schema(names: Sequence[str], batch: int) -> tuple[Any, dict[str, str]]:
    """A schema using each name as a table name and a column name (with an index, a CHECK and a
    foreign key to the canary named after them); returns it with the names the model refused
    (name -> error)."""
    from dbmodel_kit.model import Check, Column, DataType, ForeignKey, Index, Schema, Table
    from dbmodel_kit.model import ops as o

    canary = Table("canary", columns=(Column("id", DataType("integer")), Column("v", DataType("varchar", 20))),
                   primary_key=("id",))
    schema = Schema((canary,))
    refused: dict[str, str] = {}
    for i, name in enumerate(names):
        col = name if name not in ("id", "canary_id") else f"{name}_2"
        try:
            t = Table(name, columns=(Column("id", DataType("integer")), Column(col, DataType("varchar", 20)),
                                     Column("canary_id", DataType("integer"))),
                      primary_key=("id",), indexes=(Index((col,)),), checks=(Check(f"id >= {i}"),),
                      foreign_keys=(ForeignKey(("canary_id",), "canary", ("id",)),))
            schema = o.AddTable(t).apply(schema)
        except ModelError as e:
            refused[name] = str(e).splitlines()[0]
        except Exception as e:
            refused[name] = f"TRACEBACK {_tb(e)}"
    return schema, refused


def run_names(names: Sequence[str], engines: dict[str, Scratch], report: Report, *, batch: int = 50,
              limit: int = 120) -> None:
    """Apply the names in batches beside a canary on every engine; a batch that fails is halved until
    each part passes or is one name, so each failure is one name's (see :func:`_bad_or_split`; a batch
    ``ddl`` refuses: see :func:`_ddl_refused_batch`)."""
    for start in range(0, len(names), batch):
        chunk = names[start:start + batch]
        _names_batch(chunk, engines, report, limit, split=len(chunk) > 1)


def _names_batch(chunk: Sequence[str], engines: dict[str, Scratch], report: Report, limit: int,
                 split: bool) -> None:
    from dbmodel_kit.ddl import create_sql

    schema, refused = names_schema(chunk, 0)
    for name, why in refused.items():
        for kind in engines:
            report.add("names", kind, "traceback" if why.startswith("TRACEBACK") else "refused", repr(name),
                       f"model: {why}")
    kept = [n for n in chunk if n not in refused]
    if not kept:
        return
    for kind, scratch in engines.items():
        try:
            create_sql(schema, kind)
        except ModelError as e:
            if split:
                _ddl_refused_batch(kept, kind, scratch, report, limit)
            else:
                report.add("names", kind, "refused", repr(kept[0]), f"ddl: {str(e).splitlines()[0]}")
            continue
        except Exception as e:
            _bad_or_split(kept, kind, scratch, report, limit, split, "traceback", _tb(e))
            continue
        try:
            with time_limit(limit):
                problem = _apply_and_compare(schema, scratch)
        except Hang as e:
            _bad_or_split(kept, kind, scratch, report, limit, split, "hang", str(e))
            continue
        except Exception as e:
            outcome = "failed" if isinstance(e, ModelError | sa.exc.DBAPIError) else "traceback"
            _bad_or_split(kept, kind, scratch, report, limit, split, outcome, _tb(e))
            continue
        if problem and problem.startswith("injection") and not split:
            report.injections += 1
            report.add("names", kind, "failed", repr(kept[0]), problem)
        elif problem:
            _bad_or_split(kept, kind, scratch, report, limit, split, "failed", problem)
        else:
            for _n in kept:
                report.add("names", kind, "ok")


def _ddl_refused_batch(kept: Sequence[str], kind: str, scratch: Scratch, report: Report, limit: int) -> None:
    """``ddl`` refused a batch for ``kind``: which names it refuses is found by ``ddl`` on each name
    alone (no SQL runs), and the names it takes are applied together again, as a batch that ddl never
    refused is. When no name alone is refused (only some names together are, e.g. two cut to one
    length), the batch is halved until each part passes or is one name. Each name's outcome is its
    own, as when every name was applied alone, but the server makes a database per part instead of
    one per name (MariaDB refuses names in every batch: 882 databases were 10)."""
    from dbmodel_kit.ddl import create_sql

    taken: list[str] = []
    for n in kept:
        try:
            create_sql(names_schema([n], 0)[0], kind)
        except Exception:  # reported there: refused (a ModelError) or a traceback
            _names_batch([n], {kind: scratch}, report, limit, split=False)
        else:
            taken.append(n)
    if len(taken) < len(kept):
        if taken:
            _names_batch(taken, {kind: scratch}, report, limit, split=len(taken) > 1)
        return
    half = len(taken) // 2
    for part in (taken[:half], taken[half:]):
        _names_batch(part, {kind: scratch}, report, limit, split=len(part) > 1)


def _bad_or_split(kept: Sequence[str], kind: str, scratch: Scratch, report: Report, limit: int, split: bool,
                  outcome: str, detail: str) -> None:
    """A batch failed on ``kind``: one name's failure is reported; a batch is halved and each half
    applied again, down to single names, so every failure reported is one name's and every name in a
    part that passes is ok, as in a batch that passes. (Retrying each name of the batch alone cost a
    database per name: on SQLite and DuckDB, which fold the case of table names, a batch holding
    ``select`` and ``SELECT`` fails, and 2 such batches of 100 were 200 databases; halved they are
    about 30.)"""
    if split:
        half = len(kept) // 2
        for part in (kept[:half], kept[half:]):
            _names_batch(part, {kind: scratch}, report, limit, split=len(part) > 1)
    else:
        report.add("names", kind, outcome, repr(kept[0]), detail)


def _apply_and_compare(schema: Any, scratch: Scratch) -> str | None:
    """Apply on a fresh database with a row in the canary; None when the reflection is exactly
    what the engine stores of the model and the canary is untouched."""
    from dbmodel_kit.ddl import apply, create_engine
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.ddl.names import physical
    from dbmodel_kit.io.reflect import reflect
    from dbmodel_kit.migrate.plan import canonical

    url = scratch.new()
    engine = create_engine(url)
    try:
        apply(schema, engine)
        canary = sa.table("canary", sa.column("id"), sa.column("v"))
        with engine.begin() as conn:
            conn.execute(canary.insert().values(id=1, v="alive"))
        got = canonical(reflect(engine))
        # as the engine stores it: its type limits, and names cut or scoped as it cuts and scopes them
        want = canonical(physical(storable(schema, scratch.kind), scratch.kind)[0])
        with engine.connect() as conn:
            rows = conn.execute(sa.select(canary.c.id, canary.c.v)).fetchall()
        if [tuple(r) for r in rows] != [(1, "alive")]:
            return f"injection: the canary holds {rows!r}"
        if set(got.table_names) - set(want.table_names):
            return f"injection: tables no model holds: {sorted(set(got.table_names) - set(want.table_names))!r}"
        if got != want:
            return "round trip differs: " + _delta(want, got)
        return None
    finally:
        engine.dispose()


def _delta(want: Any, got: Any) -> str:
    wn, gn = set(want.table_names), set(got.table_names)
    if wn != gn:
        return f"tables only in the model {sorted(wn - gn)!r}, only in the database {sorted(gn - wn)!r}"
    for t in want.tables:
        g = got.table(t.name)
        if g != t:
            for attr in ("columns", "primary_key", "indexes", "checks", "uniques", "foreign_keys", "comment"):
                if getattr(g, attr) != getattr(t, attr):
                    return f"{t.name!r}.{attr}: model {getattr(t, attr)!r} database {getattr(g, attr)!r}"[:600]
    return "enums or other objects differ"


def _tb(e: BaseException) -> str:
    last = traceback.extract_tb(e.__traceback__)[-1:] if e.__traceback__ else []
    where = f" at {last[0].filename.split('/')[-1]}:{last[0].lineno}" if last else ""
    return f"{type(e).__name__}{where}: {str(e).splitlines()[0][:300] if str(e) else ''}"


# -- random evolutions ------------------------------------------------------------------------

_NEW_TYPES = ("integer", "bigint", "varchar(40)", "text", "boolean", "date", "decimal(8,2)", "timestamptz",
              "uuid", "smallint", "double")
_CONST = {"integer": "7", "bigint": "7", "smallint": "7", "varchar(40)": "'n/a'", "text": "''",
          "boolean": "false", "date": "'2024-01-01'", "decimal(8,2)": "0", "double": "1.5",
          "timestamptz": "'2024-01-01 00:00:00+00'", "uuid": "'00000000-0000-0000-0000-000000000000'"}
_VOLATILE = {"timestamptz": "now()", "uuid": "uuid()", "date": "current_date"}


def _plain_columns(schema: Any, t: Any) -> list[Any]:
    """Columns no key, FK or index expression depends on (safe to drop, rename, retype)."""
    keyed = set(t.primary_key)
    for fk in t.foreign_keys:
        keyed |= set(fk.columns)
    for _, fk in schema.referencing(t.name):
        keyed |= set(fk.ref_columns)
    return [c for c in t.columns if c.name not in keyed]


def _edit(m: Any, rng: random.Random, n: int) -> str:
    """One random edit of ``m`` (raises ModelError when the model refuses it); returns its kind."""
    from dbmodel_kit.model import ops as o

    s = m.schema
    t = rng.choice(s.tables)
    plain = _plain_columns(s, t)
    kind = rng.choice(["add_nullable", "add_default", "add_required", "add_volatile", "add_unique_col",
                       "add_checked_col", "drop_column", "rename_column", "rename_table", "rename_and_replace",
                       "widen", "narrow", "set_not_null", "drop_not_null", "change_default", "add_index",
                       "add_unique_index", "drop_index", "add_check_ok", "add_check_broken", "add_unique",
                       "enum_add", "enum_remove", "add_table_fk", "drop_table", "add_fk", "drop_check",
                       "drop_unique", "new_enum_column"])
    name = f"f{n}"
    typ = rng.choice(_NEW_TYPES)
    if kind == "add_nullable":
        m.add_column(t.name, name, typ)
    elif kind == "add_default":
        m.add_column(t.name, name, f"{typ} not null default {_CONST[typ]}")
    elif kind == "add_required":
        m.add_column(t.name, name, f"{typ} not null")
    elif kind == "add_volatile":
        typ = rng.choice(sorted(_VOLATILE))
        m.add_column(t.name, name, f"{typ} {'not null ' if rng.random() < 0.5 else ''}default {_VOLATILE[typ]}")
    elif kind == "add_unique_col":
        m.add_column(t.name, name, f"{rng.choice(('integer', 'varchar(40)', 'uuid'))} unique")
    elif kind == "add_checked_col":
        m.add_column(t.name, name, "integer default 5 check (" + name + " >= 0)")
    elif kind == "drop_column" and plain:
        c = rng.choice(plain)
        m.drop_column(t.name, c.name)
    elif kind == "rename_column" and plain:
        c = rng.choice(plain)
        m.rename_column(f"{t.name}.{c.name}", f"{c.name}_{n}")
    elif kind == "rename_table":
        m.rename_table(t.name, f"{t.name}_{n}")
    elif kind == "rename_and_replace":
        # a table renamed, then a new table under the old name with the same constraint shapes
        old = t.name
        m.rename_table(old, f"{old}_old{n}")
        if rng.random() < 0.5:  # the same table again: its index and constraint names meet the renamed one's
            m.apply(o.AddTable(t))
        else:
            m.add_table(old, id="integer pk", code="varchar(20) not null unique",
                        amount="integer check (amount >= 0)")
            m.add_index(old, "amount")
    elif kind in ("widen", "narrow") and plain:
        c = rng.choice(plain)
        k = c.type.kind
        if k in ("varchar", "char") and c.type.length:
            size = c.type.length * 2 if kind == "widen" else max(1, c.type.length // 10)
            m.alter_column(f"{t.name}.{c.name}", type=f"{k}({size})")
        elif k in ("integer", "smallint") and kind == "widen":
            m.alter_column(f"{t.name}.{c.name}", type="bigint")
        elif k == "decimal" and kind == "widen":
            m.alter_column(f"{t.name}.{c.name}", type=f"decimal({(c.type.precision or 10) + 4},{c.type.scale or 0})")
        else:
            return "noop"
    elif kind == "set_not_null":
        nullable = [c for c in plain if c.nullable]
        if not nullable:
            return "noop"
        c = rng.choice(nullable)
        m.alter_column(f"{t.name}.{c.name}", nullable=False)
    elif kind == "drop_not_null":
        required = [c for c in plain if not c.nullable]
        if not required:
            return "noop"
        m.alter_column(f"{t.name}.{c.name}" if (c := rng.choice(required)) else "", nullable=True)
    elif kind == "change_default":
        cands = [c for c in plain if c.type.kind in ("integer", "varchar", "boolean", "text")]
        if not cands:
            return "noop"
        c = rng.choice(cands)
        value = {"integer": 3, "varchar": "'x'", "boolean": True, "text": "'y'"}[c.type.kind]
        m.alter_column(f"{t.name}.{c.name}", default=value if rng.random() < 0.8 else None)
    elif kind in ("add_index", "add_unique_index"):
        cands = [c for c in t.columns if c.type.kind not in ("text", "json", "bytes")]
        if not cands:
            return "noop"
        cols = rng.sample(cands, k=min(len(cands), rng.randint(1, 2)))
        m.add_index(t.name, *[c.name for c in cols], unique=kind == "add_unique_index")
    elif kind == "drop_index" and t.indexes:
        m.apply(o.DropIndex(t.name, rng.choice(t.indexes).name))
    elif kind in ("add_check_ok", "add_check_broken"):
        nums = [c for c in t.columns if c.type.kind in ("integer", "decimal", "smallint", "bigint")]
        if not nums:
            return "noop"
        c = rng.choice(nums)
        q = f'"{c.name}"'
        m.add_check(t.name, f"{q} >= 0 OR {q} IS NULL" if kind == "add_check_ok" else f"{q} < -1000")
    elif kind == "add_unique":
        cands = [c for c in t.columns if c.type.kind not in ("text", "json", "bytes")]
        if not cands:
            return "noop"
        m.add_unique(t.name, rng.choice(cands).name)
    elif kind in ("enum_add", "enum_remove") and s.enums:
        e = rng.choice(s.enums)
        values = list(e.values)
        if kind == "enum_add":
            values.insert(rng.randint(0, len(values)), f"v{n}")
        elif len(values) > 1:
            values.remove(rng.choice(values))
        m.apply(o.AlterEnum(e.name, tuple(values)))
    elif kind == "add_table_fk":
        ref = rng.choice(s.tables)
        cols: dict[str, str] = {"id": "integer pk", "label": "varchar(30) not null"}
        if len(ref.primary_key) == 1:
            pk = ref.column(ref.primary_key[0])
            cols["ref"] = f"{pk.type} references {ref.name}"
        m.add_table(name, **cols)
    elif kind == "drop_table":
        if any(True for _ in s.referencing(t.name)):
            return "noop"
        m.drop_table(t.name)
    elif kind == "add_fk":
        ref = rng.choice(s.tables)
        if len(ref.primary_key) != 1:
            return "noop"
        pk = ref.column(ref.primary_key[0])
        m.add_column(t.name, name, f"{pk.type} references {ref.name}")
    elif kind == "drop_check" and t.checks:
        m.apply(o.DropCheck(t.name, rng.choice(t.checks).name))
    elif kind == "drop_unique" and t.uniques:
        m.apply(o.DropUnique(t.name, rng.choice(t.uniques).name))
    elif kind == "new_enum_column":
        m.add_enum(f"e{n}", "a", "b", "c")
        m.add_column(t.name, name, f"enum(e{n}) not null default 'b'")
    else:
        return "noop"
    return kind


def evolution(seed: int, length: int | None = None) -> tuple[Any, list[str]]:
    """A plan of random edits of the e-commerce example (seeded), and the edits' kinds."""
    from dbmodel_kit.examples import ecommerce
    from dbmodel_kit.model import Model

    rng = random.Random(seed)
    m = Model(ecommerce())
    cp = m.checkpoint()
    kinds: list[str] = []
    for n in range(length or rng.randint(1, 4)):
        try:
            kinds.append(_edit(m, rng, n))
        except ModelError:
            kinds.append("model-refused")
    return m.plan_since(cp), kinds


def run_evolutions(seeds: Sequence[int], engines: dict[str, Scratch], report: Report, *, limit: int = 120,
                   on_case: Callable[[int, str, str], None] | None = None) -> None:
    from dbmodel_kit.migrate.apply import Refused, verify

    for seed in seeds:
        try:
            plan, kinds = evolution(seed)
        except Exception as e:
            for kind in engines:
                report.add("evolutions", kind, "traceback", f"seed {seed}", "building the plan: " + _tb(e))
            continue
        case = f"seed {seed} [{', '.join(kinds)}]"
        for kind, scratch in engines.items():
            outcome, detail = "ok", ""
            try:
                with time_limit(limit):
                    result = verify(plan, url=scratch.new())
                if not result.ok:
                    outcome, detail = "failed", "; ".join(result.problems)[:600]
            except Hang as e:
                outcome, detail = "hang", str(e)
            except Refused as e:
                outcome, detail = "refused", str(e).splitlines()[0]
            except ModelError as e:
                outcome, detail = "failed", str(e).splitlines()[0][:600]
            except Exception as e:
                outcome, detail = "traceback", _tb(e)
            report.add("evolutions", kind, outcome, case, detail)
            if on_case is not None:
                on_case(seed, kind, outcome)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--names", type=int, default=1000, help="hostile identifiers to try (default 1000)")
    p.add_argument("--evolutions", type=int, default=200, help="random evolutions to verify (default 200)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--engines", default=",".join(ENGINES))
    p.add_argument("--limit", type=int, default=120, help="seconds before a case counts as a hang")
    p.add_argument("--quiet", action="store_true", help="no line per case on standard error")
    args = p.parse_args(argv)
    report = Report(live=not args.quiet)
    with scratches(args.engines.split(","), report) as engines:
        if args.names:
            run_names(hostile_names(args.names, args.seed), engines, report, limit=args.limit)
        if args.evolutions:
            run_evolutions(range(args.seed * 100_000, args.seed * 100_000 + args.evolutions), engines, report,
                           limit=args.limit)
    print(report.table())
    print("refusals by kind:")
    for why, k in report.reasons.most_common(20):
        print(f"  {k:6} {why}")
    for line in report.failures():
        print(line)
    return 1 if report.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
