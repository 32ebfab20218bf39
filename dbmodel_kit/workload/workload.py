"""A workload: named SQL queries with weights (executions per minute) and optional parameter sets.

In a ``.sql`` file a comment line starts each query and carries its name and weight; an optional
``-- params:`` line holds JSON parameter sets for ``:name`` placeholders::

    -- name: recent_orders  weight: 120
    -- params: [{"user_id": "..."}, {"user_id": "..."}]
    SELECT id, total FROM orders WHERE user_id = :user_id ORDER BY created_at DESC LIMIT 20;

>>> w = Workload.from_sql("-- name: n  weight: 3\\nSELECT 1 AS one;")
>>> w["n"].weight, w["n"].kind
(3.0, 'read')
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from ..errors import ModelError
from ..model import naming
from ..model.schema import Schema

_HEADER = re.compile(r"^\s*--\s*name\s*:\s*(?P<name>[A-Za-z_][\w.-]*)(?P<rest>.*)$")
_PARAMS = re.compile(r"^\s*--\s*params\s*:\s*(?P<json>.+)$")
_KV = re.compile(r"(\w+)\s*:\s*([^\s]+)")
WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Merge)


@dataclass(frozen=True)
class Query:
    """One named query: its SQL, weight (per minute), parameter sets and where it was written."""

    name: str
    sql: str
    weight: float = 1.0
    params: tuple[Any, ...] = ()
    line: int | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ModelError("a query needs a name")
        try:
            weight = float(self.weight)
        except (TypeError, ValueError):
            raise ModelError(f"weight must be a number, not {self.weight!r}", where=self.where) from None
        if weight < 0:
            raise ModelError(f"weight must be >= 0, not {weight}", where=self.where)
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "sql", self.sql.strip().rstrip(";").strip())
        if isinstance(self.params, Mapping):
            object.__setattr__(self, "params", (dict(self.params),))
        else:
            object.__setattr__(self, "params", tuple(self.params or ()))

    @property
    def where(self) -> str:
        place = f"{self.source}:{self.line}" if self.source and self.line else (
            f"line {self.line}" if self.line else None)
        return f"{place}: query {self.name}" if place else f"query {self.name}"

    @cached_property
    def tree(self) -> exp.Expression:
        """The parsed statement; :class:`ModelError` naming the query and line on a syntax error."""
        from sqlglot.errors import ErrorLevel

        from ..inputs import recursion_room, sql_tokens

        first = (self.line or 0) + 1  # the query starts on the line after its header
        try:
            tokens = sql_tokens(self.sql, None, self.source, first_line=first)
        except ModelError as e:
            where = e.where if e.where and e.where != self.source else None
            raise ModelError(e.message, where=f"{where}: query {self.name}" if where else self.where) from None
        try:
            with recursion_room():
                parser = sqlglot.Dialect.get_or_raise(None).parser(error_level=ErrorLevel.RAISE)
                trees = [t for t in parser.parse(tokens, self.sql) if t is not None]
        except RecursionError:  # past what check_nesting measures (a long chain of prefix operators)
            raise ModelError("the query is nested too deeply to read", where=self.where) from None
        except sqlglot.errors.ParseError as e:
            err = e.errors[0] if e.errors else {}
            line = (self.line or 1) + err.get("line", 1) - 1 + (1 if self.line else 0)
            place = f"{self.source}:{line}" if self.source else f"line {line}"
            raise ModelError(f"syntax error: {err.get('description', e)} near {err.get('highlight', '')!r}",
                             where=f"{place}: query {self.name}") from None
        if len(trees) != 1:
            raise ModelError(f"holds {len(trees)} statements; write one per query", where=self.where)
        return trees[0]

    @property
    def kind(self) -> str:
        """``write`` for INSERT/UPDATE/DELETE/MERGE, else ``read``."""
        return "write" if isinstance(self.tree, WRITES) else "read"

    def placeholders(self) -> list[str]:
        return [p.name for p in self.tree.find_all(exp.Placeholder) if p.name]

    def for_engine(self, dialect: str) -> str:
        """The statement written for an engine (``:name`` becomes ``$name`` on DuckDB); written once per
        engine (the advisor runs a statement many times: writing it each time was 1.3 s of TPC-H's advice)."""
        written = self.__dict__.setdefault("_for_engine", {})  # (a frozen dataclass: its own cache, as .tree)
        if dialect not in written:
            written[dialect] = self.tree.sql(dialect)
        return written[dialect]

    def to_sql(self) -> str:
        head = f"-- name: {self.name}  weight: {self.weight:g}"
        if self.params:
            head += "\n-- params: " + json.dumps(list(self.params), default=str)
        return f"{head}\n{self.sql};\n"


@dataclass(frozen=True)
class Problem:
    """Something wrong with a query against the model."""

    query: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Workload:
    """An ordered set of :class:`Query` with unique names."""

    queries: tuple[Query, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "queries", tuple(self.queries))
        seen: set[str] = set()
        for q in self.queries:
            if q.name in seen:
                raise ModelError(f"two queries are named {q.name!r}", where=q.where)
            seen.add(q.name)

    # -- building -------------------------------------------------------------------------
    @classmethod
    def from_sql(cls, text: str, source: str | None = None) -> Workload:
        """Read the ``.sql`` format: each query after a ``-- name: x  weight: n`` line."""
        from ..inputs import check_text

        check_text(text, source or "<workload>", kind="workload", what="workload")
        blocks: list[dict[str, Any]] = []
        lines = text.splitlines()
        for no, line in enumerate(lines, start=1):
            m = _HEADER.match(line)
            if m:
                meta = dict(_KV.findall(m.group("rest")))
                unknown = set(meta) - {"weight"}
                if unknown:
                    place = f"{source}:{no}" if source else f"line {no}"
                    raise ModelError(f"unknown header field {sorted(unknown)[0]!r} (known: name, weight)", where=place)
                blocks.append({"name": m.group("name"), "weight": meta.get("weight", 1), "line": no,
                               "body": [], "params": ()})
                continue
            p = _PARAMS.match(line)
            if p and blocks and not any(s.strip() for s in blocks[-1]["body"]):
                place = f"{source}:{no}" if source else f"line {no}"
                try:
                    params = json.loads(p.group("json"))
                except json.JSONDecodeError as e:
                    raise ModelError(f"params is not JSON: {e.msg}", where=place) from None
                except RecursionError:  # the json module's own depth check
                    raise ModelError("params is nested too deeply", where=place) from None
                blocks[-1]["params"] = params if isinstance(params, list) else [params]
                continue
            if blocks:
                blocks[-1]["body"].append(line)
            elif line.strip() and not line.strip().startswith("--"):
                place = f"{source}:{no}" if source else f"line {no}"
                raise ModelError("SQL before the first '-- name:' header", where=place)
        queries = []
        for b in blocks:
            body = "\n".join(b["body"]).strip()
            if not body:
                raise ModelError("has no SQL", where=f"{source}:{b['line']}: query {b['name']}" if source
                                 else f"line {b['line']}: query {b['name']}")
            queries.append(Query(b["name"], body, b["weight"], tuple(b["params"]), b["line"], source))
        return cls(tuple(queries))

    @classmethod
    def from_file(cls, path: str | Path) -> Workload:
        """Read a workload file (UTF-8; a bad byte, a NUL byte or a file over the size limit is a
        ModelError naming the place)."""
        from ..inputs import read_text

        return cls.from_sql(read_text(path, "workload", what="workload"), source=str(path))

    def add(self, name: str, sql: str, weight: float = 1.0, params: Sequence[Any] | Mapping[str, Any] = ()) -> Workload:
        """A new workload with one more query.

        >>> Workload().add("one", "SELECT 1").names
        ('one',)
        """
        return Workload((*self.queries, Query(name, sql, weight, params)))  # type: ignore[arg-type]

    def replace(self, name: str, **changes: Any) -> Workload:
        """A new workload with query ``name`` changed (sql, weight, params)."""
        from dataclasses import replace

        self[name]
        return Workload(tuple(replace(q, **changes) if q.name == name else q for q in self.queries))

    def to_sql(self) -> str:
        return "\n".join(q.to_sql() for q in self.queries)

    # -- reading --------------------------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(q.name for q in self.queries)

    def __getitem__(self, name: str) -> Query:
        for q in self.queries:
            if q.name == name:
                return q
        raise ModelError(f"no query named {name!r} (queries: {', '.join(self.names) or 'none'})")

    def __iter__(self) -> Iterator[Query]:
        return iter(self.queries)

    def __len__(self) -> int:
        return len(self.queries)

    def problems(self, schema: Schema | None = None) -> list[Problem]:
        """Syntax errors, and with ``schema`` unknown tables and columns, one per finding."""
        out: list[Problem] = []
        for q in self.queries:
            try:
                tree = q.tree
            except ModelError as e:
                out.append(Problem(q.name, e.where or q.where, e.message))
                continue
            if schema is not None:
                out.extend(Problem(q.name, q.where, m) for m in unknown_names(tree, schema))
        return out

    def check(self, schema: Schema | None = None) -> Workload:
        """Raise :class:`ModelError` listing every problem (see :meth:`problems`); else return self."""
        problems = self.problems(schema)
        if problems:
            raise ModelError("; ".join(map(str, problems)))
        return self

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(q.name)}</td><td>{q.weight:g}</td><td>{q.kind if _ok(q) else '?'}"
                       f"</td><td><code>{html.escape(q.sql)}</code></td></tr>" for q in self.queries)
        return f"<table><tr><th>query</th><th>weight/min</th><th>kind</th><th>SQL</th></tr>{rows}</table>"


def _ok(q: Query) -> bool:
    try:
        return q.tree is not None
    except ModelError:
        return False


#: the schema a bare name is in (PostgreSQL's public, DuckDB's main): public.orders is the model's orders
_DEFAULT_SCHEMAS = ("public", "main")


def reference_key(t: exp.Table) -> str:
    """The key a query's table reference spells: ``sales.orders``, or the bare name for a table of
    the default schema written bare or as ``public.orders`` / ``main.orders``."""
    return naming.qualify(None if t.db in _DEFAULT_SCHEMAS else (t.db or None), t.name)


def table_key(t: exp.Table, schema: Schema) -> str | None:
    """The key of the model table a query's table reference names (``sales.orders`` for
    ``sales.orders``; a bare ``orders`` is the default schema's, as the engine's search path reads
    it), or None when the model has no such table."""
    for key in (naming.qualify(t.db or None, t.name), *((t.name,) if t.db in _DEFAULT_SCHEMAS else ())):
        if schema.has_table(key):
            return schema.table(key).key
    return None


def unknown_names(tree: exp.Expression, schema: Schema) -> list[str]:
    """Tables and columns a statement names that the model does not have.

    >>> from dbmodel_kit.examples import ecommerce
    >>> unknown_names(sqlglot.parse_one("SELECT o.totl FROM orders o JOIN userz u ON u.id = o.user_id"), ecommerce())
    ['unknown table userz', 'unknown column o.totl (orders has no column totl)']
    """
    out: list[str] = []
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    aliases: dict[str, str | None] = {}
    for t in tree.find_all(exp.Table):
        if t.name in ctes:
            aliases[t.alias_or_name] = None
            continue
        key = table_key(t, schema)
        if key is None:
            msg = f"unknown table {exp.table_name(t)}"
            if msg not in out:
                out.append(msg)
            aliases[t.alias_or_name] = None
            continue
        aliases[t.alias_or_name] = key
    for sub in tree.find_all(exp.Subquery):
        if sub.alias:
            aliases[sub.alias] = None
    selected = {a.alias for a in tree.find_all(exp.Alias)}
    known_tables = [n for n in aliases.values() if n is not None]
    derived = any(v is None for v in aliases.values())
    for col in tree.find_all(exp.Column):
        if isinstance(col.this, exp.Star):
            continue
        name = col.name
        if col.table:
            if col.table not in aliases:
                msg = f"unknown table or alias {col.table} in {col.table}.{name}"
            else:
                real = aliases[col.table]
                if real is None or schema.table(real).has_column(name):
                    continue
                msg = f"unknown column {col.table}.{name} ({real} has no column {name})"
        else:
            if name in selected or derived or any(schema.table(t).has_column(name) for t in known_tables):
                continue
            if not known_tables:
                continue
            msg = f"unknown column {name} (not in {', '.join(dict.fromkeys(known_tables))})"
        if msg not in out:
            out.append(msg)
    return out


def as_workload(value: Workload | str | Path | Iterable[Query]) -> Workload:
    """A :class:`Workload` from a workload, a ``.sql`` path, SQL text in the file format, or queries."""
    if isinstance(value, Workload):
        return value
    if isinstance(value, Path) or (isinstance(value, str) and value.endswith(".sql") and "\n" not in value):
        return Workload.from_file(value)
    if isinstance(value, str):
        return Workload.from_sql(value)
    return Workload(tuple(value))
