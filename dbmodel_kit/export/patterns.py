"""Production patterns for PostgreSQL, emitted from the model's flags (MySQL/MariaDB equivalents, and
notes where there are none: :mod:`.patterns_mysql`).

- ``Table.timestamps``: a ``BEFORE UPDATE`` trigger sets ``updated_at`` to ``now()``;
- ``Table.soft_delete``: each unique constraint becomes a unique index over live rows only
  (``WHERE deleted_at IS NULL``), so a deleted row no longer blocks its key;
- ``Table.audited``: an ``audit_log`` table and an ``AFTER INSERT OR UPDATE OR DELETE`` trigger
  that stores the old and new row as JSONB, who (``current_user``) and when;
- roles: a read-only role (``SELECT``) and an application role (``SELECT, INSERT, UPDATE,
  DELETE``) with exactly those grants on the model's tables;
- ``Column.sensitive``: ``pgcrypto`` with ``dbmodel_encrypt(text) -> bytea`` /
  ``dbmodel_decrypt(bytea) -> text`` (symmetric PGP, key from the ``app.encryption_key`` setting)
  for the application to store those values encrypted; the columns stay as the model types them;
- full-text search: ``search={"products": ("name", "description")}`` adds a generated
  ``search_vector`` tsvector column and a GIN index on it;
- materialized views: ``aggregates={"product_sales": "SELECT product_id, SUM(quantity) AS units
  FROM order_items GROUP BY product_id"}`` creates the view, a unique index on the GROUP BY
  columns (so it can refresh concurrently) and a ``refresh_<name>()`` function;
- row-level security: ``policies={"orders": "user_id = current_setting('app.user_id')::uuid"}``
  enables RLS on the table and creates a policy for the application role.

Tables, indexes and constraints are SQLAlchemy DDL constructs; trigger functions, triggers, roles,
grants and policies have no SQLAlchemy construct, so those statements are written here with every
identifier quoted by SQLAlchemy's PostgreSQL identifier preparer and expressions parsed and
rewritten by sqlglot (a malformed policy raises :class:`~dbmodel_kit.errors.ModelError`).

>>> from dbmodel_kit.examples import ecommerce
>>> sql = patterns_sql(ecommerce())
>>> sum("CREATE TRIGGER" in s for s in sql)
4
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import sqlglot
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable, DropConstraint

from ..ddl import quote_key, sa_table, to_metadata
from ..errors import ModelError
from ..model.naming import split_key
from ..model.schema import Schema

__all__ = ["AUDIT_TABLE", "patterns_sql"]

AUDIT_TABLE = "audit_log"
_PG = postgresql.psycopg.dialect(paramstyle="named")
_q = _PG.identifier_preparer.quote


def _qk(key: str) -> str:
    """A table's (or view's) key as PostgreSQL names it: ``sales.orders``, quoted part by part."""
    return quote_key(_PG.identifier_preparer, key)


def _namespaces(keys: list[str]) -> list[str]:
    """The schemas ``keys`` live in, ``public`` (the default) first, each once."""
    out = ["public"]
    for key in keys:
        namespace = split_key(key)[0]
        if namespace is not None and namespace not in out:
            out.append(namespace)
    return out


def _compile(construct: object) -> str:
    return str(construct.compile(dialect=_PG)).strip()  # type: ignore[attr-defined]


def _expr(text: str, where: str) -> str:
    try:
        return sqlglot.transpile(text, read="postgres", write="postgres")[0]
    except sqlglot.errors.ParseError as e:
        raise ModelError(f"policy expression {text!r} does not parse: {e}", where=where) from None


def _audit_table() -> sa.Table:
    md = sa.MetaData()
    return sa.Table(
        AUDIT_TABLE, md,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("table_name", sa.Text, nullable=False),
        sa.Column("operation", sa.Text, nullable=False),
        sa.Column("row_old", postgresql.JSONB),
        sa.Column("row_new", postgresql.JSONB),
        sa.Column("changed_by", sa.Text, nullable=False, server_default=sa.text("current_user")),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    )


def _search(schema: Schema, md: sa.MetaData, name: str, columns: tuple[str, ...], config: str) -> list[str]:
    if not schema.has_table(name) or not columns:
        raise ModelError(f"full-text search on unknown table {name!r} or without columns", where=name)
    t = schema.table(name)
    table = sa_table(md, t)
    missing = [c for c in columns if c not in table.c]
    if missing:
        raise ModelError(f"full-text search names unknown column(s) {', '.join(missing)}", where=name)
    text: sa.ColumnElement[Any] = sa.func.coalesce(sa.cast(table.c[columns[0]], sa.Text), sa.literal_column("''"))
    for c in columns[1:]:
        text = text.op("||")(sa.literal_column("' '")).op("||")(
            sa.func.coalesce(sa.cast(table.c[c], sa.Text), sa.literal_column("''")))
    quoted = sqlglot.exp.Literal.string(config).sql("postgres")
    regconfig: sa.ColumnElement[Any] = sa.literal_column(quoted + "::regconfig")
    vector = sa.func.to_tsvector(regconfig, text)
    # a stand-in table holding only the new column: CreateColumn and Index compile against it
    holder = sa.Table(t.name, sa.MetaData(),
                      sa.Column("search_vector", postgresql.TSVECTOR, sa.Computed(vector, persisted=True)),
                      schema=t.schema)
    column = str(CreateColumn(holder.c.search_vector).compile(dialect=_PG)).strip()
    add = f"ALTER TABLE {_qk(t.key)} ADD COLUMN {column}"
    index = sa.Index(f"ix_{t.name}_search_vector", holder.c.search_vector, postgresql_using="gin")
    return [add, _compile(CreateIndex(index))]


def _aggregate(name: str, query: str) -> list[str]:
    try:
        tree = sqlglot.parse_one(query, read="postgres")
    except sqlglot.errors.ParseError as e:
        raise ModelError(f"aggregate {name!r} does not parse: {e}", where=name) from None
    group = tree.args.get("group")
    if not isinstance(tree, sqlglot.exp.Select) or group is None:
        raise ModelError(f"aggregate {name!r} must be a SELECT ... GROUP BY (its key)", where=name)
    keys = [e.alias_or_name for e in group.expressions]
    # a key (``reports.sales``) puts the view and its refresh function in that schema; the index
    # goes where its view is
    namespace, bare = split_key(name)
    refresh = f"{namespace}.refresh_{bare}" if namespace is not None else f"refresh_{bare}"
    return [f"CREATE MATERIALIZED VIEW {_qk(name)} AS {tree.sql('postgres')}",
            f"CREATE UNIQUE INDEX {_q('ux_' + bare)} ON {_qk(name)} ({', '.join(_q(k) for k in keys)})",
            f"CREATE OR REPLACE FUNCTION {_qk(refresh)}() RETURNS void LANGUAGE sql AS $$\n"
            f"  REFRESH MATERIALIZED VIEW CONCURRENTLY {_qk(name)}\n$$"]


def patterns_sql(schema: Schema, *, app_role: str = "app", readonly_role: str = "app_readonly",
                 policies: Mapping[str, str] | None = None, search: Mapping[str, tuple[str, ...]] | None = None,
                 aggregates: Mapping[str, str] | None = None, search_config: str = "english") -> list[str]:
    """The statements (no trailing ``;``) that add the production patterns to a database already
    holding ``schema`` (run after the migration, as the owner)."""
    md = to_metadata(schema, "postgresql")
    out: list[str] = []
    stamped = [t for t in schema.tables if t.timestamps and t.has_column("updated_at")]
    if stamped:
        out.append("CREATE OR REPLACE FUNCTION dbmodel_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                   "BEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND\n$$")
    for t in stamped:
        out.append(f"CREATE TRIGGER {_q('trg_' + t.name + '_updated_at')} BEFORE UPDATE ON {_qk(t.key)} "
                   "FOR EACH ROW EXECUTE FUNCTION dbmodel_set_updated_at()")
    for t in schema.tables:
        if not (t.soft_delete and t.has_column("deleted_at")):
            continue
        table = sa_table(md, t)
        for u in t.uniques:
            constraint = next(c for c in table.constraints if c.name == u.name)
            out.append(_compile(DropConstraint(constraint)))
            index = sa.Index(u.name, *[table.c[c] for c in u.columns], unique=True,
                             postgresql_where=table.c["deleted_at"].is_(None))
            out.append(_compile(CreateIndex(index)))
    audited = [t for t in schema.tables if t.audited]
    if audited:
        out.append(_compile(CreateTable(_audit_table())))
        # SECURITY DEFINER: the application role writes audit rows only through the trigger
        out.append("CREATE OR REPLACE FUNCTION dbmodel_audit() RETURNS trigger LANGUAGE plpgsql "
                   "SECURITY DEFINER SET search_path = pg_catalog, public AS $$\n"
                   "BEGIN\n"
                   f"  INSERT INTO {_q(AUDIT_TABLE)} (table_name, operation, row_old, row_new, changed_by)\n"
                   "  VALUES (TG_ARGV[0], TG_OP,\n"
                   "          CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END,\n"
                   "          CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END,\n"
                   "          session_user);\n"
                   "  RETURN NULL;\n"
                   "END\n$$")
    for t in audited:
        # the trigger passes the table's key (sales.orders), which TG_TABLE_NAME would give without its schema
        key = sqlglot.exp.Literal.string(t.key).sql("postgres")
        out.append(f"CREATE TRIGGER {_q('trg_' + t.name + '_audit')} AFTER INSERT OR UPDATE OR DELETE "
                   f"ON {_qk(t.key)} FOR EACH ROW EXECUTE FUNCTION dbmodel_audit({key})")
    if any(c.sensitive for t in schema.tables for c in t.columns):
        out.append("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        out.append("CREATE OR REPLACE FUNCTION dbmodel_encrypt(value text) RETURNS bytea LANGUAGE sql AS $$\n"
                   "  SELECT pgp_sym_encrypt(value, current_setting('app.encryption_key'))\n$$")
        out.append("CREATE OR REPLACE FUNCTION dbmodel_decrypt(value bytea) RETURNS text LANGUAGE sql AS $$\n"
                   "  SELECT pgp_sym_decrypt(value, current_setting('app.encryption_key'))\n$$")
    for name, columns in (search or {}).items():
        out += _search(schema, md, name, tuple(columns), search_config)
    for name, query in (aggregates or {}).items():
        out += _aggregate(name, query)
    tables = ", ".join(_qk(t.key) for t in schema.tables)
    views = ", ".join(_qk(n) for n in (aggregates or {}))
    for role in (readonly_role, app_role):
        out.append(f"CREATE ROLE {_q(role)} NOLOGIN")
        for namespace in _namespaces([*(t.key for t in schema.tables), *(aggregates or {})]):
            out.append(f"GRANT USAGE ON SCHEMA {_q(namespace)} TO {_q(role)}")
    if tables:
        out.append(f"GRANT SELECT ON {tables} TO {_q(readonly_role)}")
        out.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {_q(app_role)}")
    if audited:
        out.append(f"GRANT SELECT ON {_q(AUDIT_TABLE)} TO {_q(readonly_role)}")
    if views:
        out.append(f"GRANT SELECT ON {views} TO {_q(readonly_role)}, {_q(app_role)}")
    for name, expression in (policies or {}).items():
        if not schema.has_table(name):
            raise ModelError(f"policy for unknown table {name!r}", where=name)
        where = _expr(expression, f"{name}.policy")
        t = schema.table(name)
        out.append(f"ALTER TABLE {_qk(t.key)} ENABLE ROW LEVEL SECURITY")
        out.append(f"CREATE POLICY {_q('pol_' + t.name + '_' + app_role)} ON {_qk(t.key)} FOR ALL TO {_q(app_role)} "
                   f"USING ({where}) WITH CHECK ({where})")
    return out
