"""DDL for what a schema holds beside its tables: views, verbatim objects, partitions.

- **Views** are written in their own dialect as stored; for another engine sqlglot transpiles the
  query (``unsupported_level=RAISE``: a construct the target cannot express stops it) and a view
  that does not transpile is left out with a note naming it. Engines without materialized views
  get a plain view (the same rows, computed when read) and a note.
- **Verbatim objects** (triggers, functions, extensions, policies, ...) are written as stored on
  their own dialect and left out elsewhere, each with a note.
- Views and objects are written after the tables, ordered so each comes after what it depends on
  (functions before views before triggers where nothing says otherwise); extensions first of all.
- **Partitions** (PostgreSQL declarative partitioning): the partitioned table is created with its
  ``PARTITION BY``, each partition as a table of its own and then attached (``ALTER TABLE ...
  ATTACH PARTITION``), as ``pg_dump`` writes them. Engines without partitioning keep the
  partitioned table as a plain table (which then holds every row) and leave the partitions out.

>>> from dbmodel_kit.model.schema import View
>>> view_sql(View("v", "SELECT a::text AS t FROM x", dialect="postgresql"), "mysql")
('SELECT CAST(a AS CHAR) AS t FROM x', None)
"""

from __future__ import annotations

import heapq
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from ..dialects import Dialect, get_dialect
from ..model.naming import split_key
from ..model.schema import Schema, Verbatim, View

__all__ = ["AttachPartition", "CreateView", "DropView", "beside_tables", "comment_sql", "object_order", "view_notes",
           "view_sql", "without_partitions"]

#: Verbatim kinds created before views (a view may call them), and those after (they act on tables and views).
_EARLY = ("function", "aggregate", "procedure")
#: Verbatim kinds created before the tables (see :func:`extensions`, :func:`types`)
BEFORE_TABLES = ("extension", "type")


class AttachPartition(sa.schema.ExecutableDDLElement):
    """``ALTER TABLE parent ATTACH PARTITION child <bound>`` (PostgreSQL; no SQLAlchemy construct)."""

    inherit_cache = False

    def __init__(self, parent: sa.Table, child: sa.Table, bound: str) -> None:
        self.parent, self.child, self.bound = parent, child, bound


@compiles(AttachPartition)
def _attach(element: AttachPartition, compiler: Any, **kw: Any) -> str:
    p = compiler.preparer
    # the bound is the model's text (checked to start with FOR VALUES or be DEFAULT)
    return f"ALTER TABLE {p.format_table(element.parent)} ATTACH PARTITION {p.format_table(element.child)} " \
           f"{element.bound}"


class CreateView(sa.schema.ExecutableDDLElement):
    """``CREATE [MATERIALIZED] VIEW name [(columns)] AS query``: the name quoted by the dialect, the
    query text as stored (its own dialect) or as sqlglot transpiled it."""

    inherit_cache = False

    def __init__(self, key: str, query: str, materialized: bool = False, columns: tuple[str, ...] = (),
                 security_invoker: bool = False, check_option: str | None = None) -> None:
        self.key, self.query, self.materialized, self.columns = key, query, materialized, columns
        self.security_invoker, self.check_option = security_invoker, check_option

    @classmethod
    def of(cls, view: View, query: str, dialect: Dialect) -> CreateView:
        """The statement for ``view`` on ``dialect`` with ``query`` written for it (:func:`view_sql`):
        its column list only where the query does not name the columns so, and the options the
        engine has (:func:`view_notes` says which it has not)."""
        derived = View(view.name, view.query, view.dialect, schema=view.schema).columns
        return cls(view.key, query, view.materialized and dialect.materialized_views,
                   view.columns if view.columns != derived else (),
                   view.security_invoker and dialect.name in _SECURITY_INVOKER,
                   view.check_option if dialect.name in _CHECK_OPTION else None)


class DropView(sa.schema.ExecutableDDLElement):
    """``DROP [MATERIALIZED] VIEW name``."""

    inherit_cache = False

    def __init__(self, key: str, materialized: bool = False) -> None:
        self.key, self.materialized = key, materialized


def _name(compiler: Any, key: str) -> str:
    p = compiler.preparer
    namespace, name = split_key(key)
    return p.quote(name) if namespace is None else f"{p.quote_schema(namespace)}.{p.quote(name)}"


#: Engines with views that run with the querying user's rights, and with CHECK OPTION
#: (https://dev.mysql.com/doc/refman/8.0/en/create-view.html, https://www.postgresql.org/docs/15/sql-createview.html)
_SECURITY_INVOKER = frozenset({"mysql", "postgresql"})
_CHECK_OPTION = frozenset({"mysql", "postgresql"})


def view_notes(view: View, dialect: Dialect) -> list[str]:
    """What of ``view`` the engine does not carry (its options), one note each."""
    notes = []
    if view.security_invoker and dialect.name not in _SECURITY_INVOKER:
        notes.append(f"{dialect.name}: view {view.key}: security_invoker not kept ({dialect.name} views have no "
                     "owner rights)")
    if view.check_option and dialect.name not in _CHECK_OPTION:
        notes.append(f"{dialect.name}: view {view.key}: WITH {view.check_option.upper()} CHECK OPTION not kept "
                     f"({dialect.name} has none)")
    return notes


@compiles(CreateView)
def _create_view(element: CreateView, compiler: Any, **kw: Any) -> str:
    cols = f" ({', '.join(compiler.preparer.quote(c) for c in element.columns)})" if element.columns else ""
    kind = "MATERIALIZED VIEW" if element.materialized else "VIEW"
    head, options = "CREATE", ""
    if element.security_invoker:
        if compiler.dialect.name == "postgresql":
            options = " WITH (security_invoker = true)"
        else:
            head = "CREATE SQL SECURITY INVOKER"
    check = f" WITH {element.check_option.upper()} CHECK OPTION" if element.check_option else ""
    return f"{head} {kind} {_name(compiler, element.key)}{cols}{options} AS {element.query}{check}"


@compiles(DropView)
def _drop_view(element: DropView, compiler: Any, **kw: Any) -> str:
    return f"DROP {'MATERIALIZED VIEW' if element.materialized else 'VIEW'} {_name(compiler, element.key)}"


#: The schema an engine reads unqualified names from, by the dialect a view is written in.
_DEFAULT_SCHEMA = {"postgresql": "public", "duckdb": "main"}


def _not_on() -> dict[str, list[tuple[Any, str]]]:
    from sqlglot import exp

    def json_object_filter(tree: exp.Expression) -> bool:
        return any(isinstance(f.this, exp.JSONObjectAgg | exp.JSONBObjectAgg) for f in tree.find_all(exp.Filter))

    # sqlglot writes these unchanged for the target, which then refuses them: MySQL and MariaDB have
    # no aggregate FILTER clause (https://dev.mysql.com/doc/refman/8.0/en/aggregate-functions.html);
    # DuckDB's json_group_object, what jsonb_object_agg becomes, is a macro, which takes no FILTER
    # PostgreSQL and DuckDB refuse a column that is neither grouped nor aggregated; MySQL (without
    # ONLY_FULL_GROUP_BY, MariaDB's default) and SQLite take one and return any row's value
    # (https://www.postgresql.org/docs/15/sql-select.html#SQL-GROUPBY: grouped on the primary key is
    # taken there too, which needs the schema; such a view is left out, said so)
    ungrouped = (_ungrouped, "a column neither grouped nor aggregated (as MySQL and SQLite allow)")
    # an ORDER BY inside an aggregate's arguments (GROUP_CONCAT(x ORDER BY y)): SQLite takes it from
    # 3.44 on (https://sqlite.org/releaselog/3_44_0.html)
    ordered_aggregate = (lambda tree: any(isinstance(o.parent, exp.AggFunc) for o in tree.find_all(exp.Order)),
                         "an ORDER BY inside an aggregate's arguments (SQLite 3.44 and later only)")
    # DISTINCT in an aggregate ordered by what it does not aggregate: PostgreSQL and DuckDB refuse
    # it ("ORDER BY expressions must appear in argument list"); MySQL and SQLite take it
    distinct_order = (_distinct_ordered_apart, "an aggregate with DISTINCT ordered by an expression it does not "
                                               "aggregate")
    # spatial functions (ST_AsText, ST_Distance, ...): SQLite has none, DuckDB only in its spatial
    # extension, over its own GEOMETRY type (the kit stores geometry there as a BLOB)
    spatial = (lambda tree: any(str(f.name).upper().startswith("ST_") for f in tree.find_all(exp.Func)),
               "spatial (ST_...) functions")
    # PostgreSQL's ST_ functions are PostGIS's, which the kit does not assume (geometry is stored
    # as PostgreSQL's own point/polygon/path types: "function st_astext(point) does not exist")
    postgis = (spatial[0], "spatial (ST_...) functions (PostGIS's, which is not assumed)")
    return {"mysql": [(lambda tree: tree.find(exp.Filter) is not None, "an aggregate FILTER (WHERE ...) clause")],
            "duckdb": [(json_object_filter, "FILTER (WHERE ...) on json_group_object (a macro there)"), ungrouped,
                       distinct_order, spatial],
            "postgresql": [ungrouped, distinct_order, postgis],
            "sqlite": [ordered_aggregate, spatial]}


def _distinct_ordered_apart(tree: Any) -> bool:
    from sqlglot import exp

    for order in tree.find_all(exp.Order):
        if isinstance(order.parent, exp.AggFunc) and isinstance(order.this, exp.Distinct):
            args = {a.sql() for a in order.this.expressions}
            if any(o.this.sql() not in args for o in order.expressions):
                return True
    return False


def _ungrouped(tree: Any) -> bool:
    """Whether a SELECT of ``tree`` that groups (GROUP BY, or an aggregate) names a column outside
    its aggregates that is not among its GROUP BY expressions (a select alias named there counts as
    its expression)."""
    from sqlglot import exp

    for select in tree.find_all(exp.Select):
        group = select.args.get("group")
        aggregates = [a for e in select.expressions for a in e.find_all(exp.AggFunc)
                      if a.find_ancestor(exp.Select) is select]
        if group is None and not aggregates:
            continue
        aliases = {e.alias.lower(): e.this for e in select.expressions if isinstance(e, exp.Alias)}
        grouped: set[tuple[str, str]] = set()
        for g in (group.expressions if group is not None else []):
            if isinstance(g, exp.Column) and not g.table and g.name.lower() in aliases:
                g = aliases[g.name.lower()]
            for col in g.find_all(exp.Column):
                grouped.add((col.table.lower(), col.name.lower()))
        names = {n for _, n in grouped}
        for e in select.expressions:
            for col in e.find_all(exp.Column):
                if col.find_ancestor(exp.Select) is not select:
                    continue  # a subquery's own column
                if isinstance(col.find_ancestor(exp.AggFunc, exp.Select), exp.AggFunc):
                    continue  # inside an aggregate of this SELECT
                key = (col.table.lower(), col.name.lower())
                if key not in grouped and not (not col.table and key[1] in names) and \
                        not (key[0] and ("", key[1]) in grouped):
                    return True
    return False


_NOT_ON = _not_on()


#: Engines reading a name without a schema in a view's query in the connection's default schema, not
#: the view's own (https://dev.mysql.com/doc/refman/8.0/en/create-view.html: "Unqualified table or
#: view names in the SELECT statement are also interpreted with respect to the default database")
_QUERY_NAMES_IN_DEFAULT = frozenset({"mysql"})


def _in_own_schema(view: View, query: str, d: Dialect) -> str:
    """``query`` with the tables it names without a schema named in the view's own (a view of a
    named schema holds its query as written there: ``USE shop; CREATE VIEW v AS ... FROM orders``),
    where the engine would read them in the connection's default schema; as is elsewhere, or when
    sqlglot cannot read it."""
    if view.schema is None or d.name not in _QUERY_NAMES_IN_DEFAULT:
        return query
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(query, read=d.sqlglot)
    except sqlglot.errors.SqlglotError:  # a query sqlglot cannot read is written as it is
        return query
    own = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    bare = [t for t in tree.find_all(exp.Table) if not t.db and t.name and t.name.lower() not in own]
    if not bare:
        return query
    for t in bare:
        t.set("db", exp.to_identifier(view.schema))
    return tree.sql(d.sqlglot)


def view_sql(view: View, dialect: Dialect | str) -> tuple[str | None, str | None]:
    """The view's query for ``dialect`` and None, or None and why it cannot be written there."""
    import sqlglot
    from sqlglot.errors import ErrorLevel

    from ..model.types import _SQLGLOT_DIALECT

    d = get_dialect(dialect)
    if view.dialect == d.name:
        return _in_own_schema(view, view.query, d), None
    tree = view.tree
    if tree is None:
        return None, f"its {view.dialect} query is one sqlglot cannot read, so it cannot be transpiled"
    default = _DEFAULT_SCHEMA.get(view.dialect or "")
    if default is not None and any(t.db == default for t in tree.find_all(sqlglot.exp.Table)):
        # the source engine's default schema is the model's unnamed one: not a name on the target
        tree = tree.copy()
        for t in tree.find_all(sqlglot.exp.Table):
            if t.db == default and not t.catalog:
                t.set("db", None)
    for found, what in _NOT_ON.get(d.name, []):
        if found(tree):
            return None, f"its query uses {what}, which {d.name} does not take"
    from sqlglot import exp

    # a literal's character set (MySQL's _utf8'x') is the source engine's; the text is the same
    tree = tree.transform(lambda n: n.expression if isinstance(n, exp.Introducer) else n)
    try:
        return _in_own_schema(view, tree.sql(d.sqlglot, unsupported_level=ErrorLevel.RAISE), d), None
    except sqlglot.errors.SqlglotError as e:
        source = _SQLGLOT_DIALECT.get(view.dialect or "", "generic SQL")
        return None, f"its query does not transpile from {source} to {d.name}: {str(e).splitlines()[0]}"


#: What ``COMMENT ON`` calls each kind of object (PostgreSQL), and whether ``ON <table>`` follows.
_COMMENT_KINDS = {"function": ("FUNCTION", False), "procedure": ("PROCEDURE", False),
                  "aggregate": ("AGGREGATE", False), "extension": ("EXTENSION", False),
                  "trigger": ("TRIGGER", True), "policy": ("POLICY", True), "index": ("INDEX", False)}


def comment_sql(item: View | Verbatim, dialect: Dialect | str) -> str | None:
    """``COMMENT ON`` for a view's or object's comment, on an engine that keeps comments on them
    (PostgreSQL); None when there is none to write."""
    d = get_dialect(dialect)
    if item.comment is None or d.name != "postgresql":
        return None
    prep = d.compile_dialect().identifier_preparer
    text = "'" + item.comment.replace("'", "''") + "'"

    def name(key: str) -> str:
        namespace, bare = split_key(key)
        return prep.quote(bare) if namespace is None else f"{prep.quote_schema(namespace)}.{prep.quote(bare)}"

    if isinstance(item, View):
        kind = "MATERIALIZED VIEW" if item.materialized else "VIEW"
        return f"COMMENT ON {kind} {name(item.key)} IS {text}"
    if item.dialect != d.name or item.kind not in _COMMENT_KINDS:
        return None
    words, on_table = _COMMENT_KINDS[item.kind]
    if item.kind in ("function", "procedure", "aggregate"):
        target = item.key  # its own spelling: name(types)
    elif on_table:
        table = next((dep for dep in item.depends_on if item.name.endswith(f" on {split_key(dep)[1]}")), None)
        if table is None:
            return None
        target = f"{prep.quote(item.name[:-len(' on ' + split_key(table)[1])])} ON {name(table)}"
    else:
        target = name(item.key)
    return f"COMMENT ON {words} {target} IS {text}"


def beside_tables(schema: Schema) -> list[str]:
    """What a schema holds beside tables, columns and keys, one line each (``view v``,
    ``trigger last_updated on film (postgresql)``, ``partition p of t FOR VALUES ...``): what a
    format without views, verbatim SQL or partitioning (DBML, Mermaid, ORM models) says it leaves
    out. The SQL of each stays in the model (YAML) and in the DDL for its engine."""
    out = [f"{'materialized ' if v.materialized else ''}view {v.key}" for v in schema.views]
    out += [f"{o.kind} {o.key} ({o.dialect})" for o in schema.verbatim]
    for t in schema.tables:
        if t.partition_by:
            out.append(f"partitioning of {t.key}: PARTITION BY {t.partition_by}")
        if t.partition_of:
            out.append(f"partition {t.key} of {t.partition_of} {t.partition_bound or 'DEFAULT'}")
    return out


def without_partitions(schema: Schema, dialect: Dialect) -> tuple[Schema, list[tuple[str, str]]]:
    """``schema`` as an engine without partitioning holds it: partitioned tables plain, partitions
    (and foreign keys to them) left out, with ``(table, note)`` for each."""
    if dialect.partitions or not any(t.partition_by or t.partition_of for t in schema.tables):
        return schema, []
    notes: list[tuple[str, str]] = []
    gone = {t.key for t in schema.tables if t.partition_of is not None}
    tables = []
    for t in schema.tables:
        if t.key in gone:
            notes.append(("", f"{dialect.name}: partition {t.key} of {t.partition_of} left out: {dialect.name} has no "
                              f"declarative partitioning, so {t.partition_of} holds its rows"))
            continue
        if t.partition_by is not None:
            notes.append((t.key, f"{dialect.name}: {t.key} is a plain table (PARTITION BY {t.partition_by} not "
                                 "kept: no declarative partitioning)"))
        fks = tuple(fk for fk in t.foreign_keys if fk.ref_table not in gone)
        for fk in t.foreign_keys:
            if fk.ref_table in gone:
                notes.append((t.key, f"{dialect.name}: foreign key {fk.name} -> partition {fk.ref_table} left out"))
        tables.append(replace(t, partition_by=None, foreign_keys=fks))
    kept = tuple(t for t in tables)
    sequences = tuple(replace(q, owned_by=None) if q.owned_by and q.owned_by[0] in gone else q
                      for q in schema.sequences)
    return replace(schema, tables=kept, sequences=sequences), notes


def object_order(schema: Schema, dialect: Dialect) -> tuple[list[View | Verbatim], list[str]]:
    """The views and verbatim objects to create on ``dialect``, each after what it depends on,
    and a note for each one left out (another dialect's object, a view that does not transpile,
    or anything depending on something left out). Extensions come first: they are not listed
    here (see :func:`extensions`)."""
    first = before_tables(schema)
    early = {id(o) for o in first}
    items: list[View | Verbatim] = [*schema.views, *(o for o in schema.verbatim if id(o) not in early)]
    notes: list[str] = [f"{dialect.name}: {o.kind} {o.key} left out: {o.dialect} only (kept verbatim, not portable)"
                        for o in first if o.dialect != dialect.name]
    keep: dict[str, View | Verbatim] = {}
    for item in items:
        why = _why_not(item, dialect)
        if why is not None:
            notes.append(f"{dialect.name}: {_label(item)} left out: {why}")
        else:
            keep[_ident(item)] = item
    # (an object's key, not the words of its kind: "virtual table" is two)
    known = {t.key for t in schema.tables} | {x.key for x in keep.values()} | {
        o.key for o in first if o.dialect == dialect.name}
    # a dependency on something the engine does not get (left out above): leave the dependant out too
    changed = True
    while changed:
        changed = False
        for ident, item in list(keep.items()):
            missing = [dep for dep in item.depends_on if _is_ours(schema, dep) and dep not in known]
            if missing:
                del keep[ident]
                known.discard(item.key)
                notes.append(f"{dialect.name}: {_label(item)} left out: it depends on {', '.join(missing)}, "
                             "which is not created here")
                changed = True
    return _topological(list(keep.values())), notes


def extensions(schema: Schema, dialect: Dialect) -> list[Verbatim]:
    """The extensions of ``dialect`` the schema holds (created before anything else)."""
    return [o for o in schema.verbatim if o.kind == "extension" and o.dialect == dialect.name]


def before_tables(schema: Schema) -> list[Verbatim]:
    """The verbatim objects made before the tables, on any dialect, each after what it depends on
    (model order among equals): extensions, types kept as their SQL (PostgreSQL's composite and
    range types), and every object of its dialect one of those depends on (a range type's
    ``subtype_diff`` function), however far. The reverse order is the order to drop them in, after
    the tables."""
    by_key: dict[tuple[str, str], list[Verbatim]] = {}
    for o in schema.verbatim:
        by_key.setdefault((o.dialect, o.key), []).append(o)
    chosen = {id(o) for o in schema.verbatim if o.kind in BEFORE_TABLES}
    todo = [o for o in schema.verbatim if id(o) in chosen]
    while todo:
        item = todo.pop()
        for dep in item.depends_on:
            for o in by_key.get((item.dialect, dep), []):
                if id(o) not in chosen:
                    chosen.add(id(o))
                    todo.append(o)
    items = [o for o in schema.verbatim if id(o) in chosen]
    return [x for x in _topological(items) if isinstance(x, Verbatim)]


def types(schema: Schema, dialect: Dialect) -> list[Verbatim]:
    """What of :func:`before_tables` is made on ``dialect`` after enums and domains and before the
    tables whose columns have the types: the types kept as their SQL and what they depend on, each
    after what it depends on (extensions are made first of all: :func:`extensions`)."""
    return [o for o in before_tables(schema) if o.kind != "extension" and o.dialect == dialect.name]


def _why_not(item: View | Verbatim, dialect: Dialect) -> str | None:
    if isinstance(item, Verbatim):
        return None if item.dialect == dialect.name else f"{item.dialect} only (kept verbatim, not portable)"
    return view_sql(item, dialect)[1]


def _ident(item: View | Verbatim) -> str:
    return f"view {item.key}" if isinstance(item, View) else f"{item.kind} {item.key}"


def _label(item: View | Verbatim) -> str:
    if isinstance(item, View):
        return f"{'materialized ' if item.materialized else ''}view {item.key}"
    return f"{item.kind} {item.key}"


def _is_ours(schema: Schema, key: str) -> bool:
    """Whether ``key`` names something of the schema (a dependency on anything else is the engine's)."""
    return schema.has_table(key) or schema.has_view(key) or any(o.key == key for o in schema.verbatim)


def _topological(items: list[View | Verbatim]) -> list[View | Verbatim]:
    """Kahn's algorithm; among ready items functions come first, then views, then the rest, each
    in model order. A cycle (which the engine would refuse anyway) keeps model order."""
    keys = {i: item.key for i, item in enumerate(items)}
    by_key: dict[str, list[int]] = {}
    for i, key in keys.items():
        by_key.setdefault(key, []).append(i)
    waits = {i: {j for dep in item.depends_on for j in by_key.get(dep, []) if j != i} for i, item in enumerate(items)}
    users: dict[int, list[int]] = {i: [] for i in waits}
    for i, deps in waits.items():
        for j in deps:
            users[j].append(i)

    def rank(i: int) -> tuple[int, int]:
        item = items[i]
        phase = 0 if isinstance(item, Verbatim) and item.kind in _EARLY else 1 if isinstance(item, View) else 2
        return phase, i

    ready = [rank(i) for i, deps in waits.items() if not deps]
    heapq.heapify(ready)
    out: list[int] = []
    while ready:
        _, i = heapq.heappop(ready)
        out.append(i)
        for u in users[i]:
            waits[u].discard(i)
            if not waits[u]:
                heapq.heappush(ready, rank(u))
    out += [i for i in range(len(items)) if i not in set(out)]
    return [items[i] for i in out]
