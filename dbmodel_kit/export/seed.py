"""Seed data as SQL: a few deterministic rows per table, parents first, keys pointing at parent rows.

Row values come from :func:`dbmodel_kit.model.samples.sample_value` (the same values ``migrate verify``
seeds with); each table becomes one ``INSERT`` built by SQLAlchemy on the dialect's own table objects
(:func:`dbmodel_kit.ddl.to_metadata`) and printed with literal values, so quoting and literal
syntax are SQLAlchemy's job.

>>> from dbmodel_kit.examples import ecommerce
>>> print(seed_sql(ecommerce(), "sqlite", rows=1).splitlines()[1][:40])
INSERT INTO users (id, email, password_h
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import sqlalchemy as sa

from ..ddl import sa_table, to_metadata
from ..dialects import Dialect, Spelled, get_dialect
from ..model.samples import sample_value, stored_geometry
from ..model.schema import Column, Schema, dependency_order

__all__ = ["seed_rows", "seed_sql"]


def seed_rows(schema: Schema, rows: int = 3) -> dict[str, list[dict[str, Any]]]:
    """``rows`` rows per table (by key: ``sales.orders``) in foreign-key order; a key closing a cycle
    or pointing at its own table is left NULL (such columns are nullable, or the table gets no rows)."""
    order, deferred = dependency_order(schema)
    skip = {(t.key, fk.name) for t, fk in deferred}
    out: dict[str, list[dict[str, Any]]] = {}
    for t in order:
        batch: list[dict[str, Any]] = []
        for i in range(rows):
            row = {c.name: sample_value(schema, t, c.name, i) for c in t.columns
                   if not c.generated and not (c.default is not None and c.default.kind == "identity"
                                               and t.primary_key != (c.name,))}
            ok = True
            for fk in t.foreign_keys:
                ref = schema.table(fk.ref_table).key
                if (t.key, fk.name) in skip or ref == t.key:
                    if not all(t.column(c).nullable for c in fk.columns):
                        ok = False
                    for c in fk.columns:
                        row[c] = None
                    continue
                parents = out.get(ref) or []
                if not parents:
                    ok = False
                    break
                parent = parents[i % len(parents)]
                for c, r in zip(fk.columns, fk.ref_columns, strict=True):
                    row[c] = parent[r]
            if ok:
                batch.append(row)
        out[t.key] = batch
    return out


def _bytes_literal(value: bytes, dialect: str) -> Any:
    """Bytes as a literal the engine reads as binary (:attr:`Dialect.bytes_literal`)."""
    from ..dialects import DIALECTS

    form = DIALECTS[dialect].bytes_literal if dialect in DIALECTS else "X'{hex}'"
    return sa.literal_column(form.format(hex=value.hex(), escaped="".join(f"\\x{b:02x}" for b in value)))


def _literal(value: Any, satype: sa.types.TypeEngine, dialect: str = "") -> Any:
    from sqlalchemy.dialects.postgresql import DOMAIN

    if isinstance(value, bytes):
        return _bytes_literal(value, dialect)
    if isinstance(satype, Spelled) and isinstance(value, datetime.date | datetime.time):
        # a type the kit spells itself (MySQL's DATETIME(6) ON UPDATE CURRENT_TIMESTAMP(6)) has no
        # literal renderer: the value's text, which the engine converts on assignment
        text = value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
        return sa.literal(text, sa.String())
    if dialect == "mysql" and isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # MySQL's TIMESTAMP takes no UTC offset in a literal ("Incorrect datetime value:
        # '2024-01-01 12:00:00+00:00'"): the same instant in UTC, without one
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    from sqlalchemy.dialects.mysql import YEAR

    if isinstance(satype, YEAR) and value is not None:
        # SQLAlchemy renders no literal of MySQL's YEAR (Sakila's film.release_year): the number,
        # which MySQL reads as the year
        return sa.literal(int(value), sa.Integer())
    if isinstance(satype, DOMAIN) and value is not None:
        # SQLAlchemy renders no literal of a domain: the base type's literal, which PostgreSQL
        # assigns to the domain column (checking the domain's rules)
        return sa.literal(_literal(value, satype.data_type, dialect), satype.data_type)
    if isinstance(value, list | tuple) and not isinstance(satype, sa.JSON):
        # SQLAlchemy renders no literal of an array: ARRAY[...] of its elements' literals, which
        # PostgreSQL and DuckDB (a list spelled ``VARCHAR[]``) both read
        from sqlalchemy.dialects.postgresql import array

        item = satype.item_type if isinstance(satype, sa.ARRAY) else sa.String()
        return array([_literal(v, item, dialect) for v in value], type_=item)
    if isinstance(value, uuid.UUID) and not isinstance(satype, sa.Uuid):
        return str(value)
    if isinstance(satype, sa.JSON) and value is not None:
        # SQLAlchemy has no literal renderer for JSON: the document goes in as a string literal,
        # which every engine converts on assignment to the JSON column
        return sa.literal(json.dumps(value, sort_keys=True), sa.String())
    if isinstance(satype, sa.String) and value is not None and not isinstance(value, str):
        return str(value)  # e.g. an interval on an engine that stores it as text
    if isinstance(value, str) and not isinstance(satype, sa.String):
        # text for a type SQLAlchemy renders no literal of (tsvector, inet, a spelled native type):
        # a quoted string, which the engine converts on assignment to the column
        return sa.literal(value, sa.String())
    return value


def _value_type(satype: sa.types.TypeEngine, column: Column, d: Dialect, schema: Schema) -> sa.types.TypeEngine:
    """The type a value of ``column`` is written as: its stored type, without MySQL's ``ON UPDATE``,
    which the DDL writes as part of the type (SQLAlchemy renders no literal of that spelling: Sakila's
    last_update, "No literal value renderer ... TIMESTAMP ON UPDATE CURRENT_TIMESTAMP")."""
    if column.on_update and d.on_update_now:
        from ..ddl import stored_type

        return stored_type(column.type, d, schema)[0]
    return satype


def _typed(value: Any, value_type: sa.types.TypeEngine, column_type: sa.types.TypeEngine) -> Any:
    """``value`` as a literal of ``value_type`` where that is not the column's own type."""
    if value_type is column_type or value is None or isinstance(value, sa.sql.ClauseElement):
        return value
    return sa.literal(value, value_type)


def seed_sql(schema: Schema, dialect: Dialect | str, rows: int = 3) -> str:
    """The seed rows as ``INSERT`` statements for ``dialect``."""
    from ..ddl.objects import without_partitions

    d = get_dialect(dialect)
    schema, _ = without_partitions(schema, d)  # (the tables the dialect holds)
    md = to_metadata(schema, d)
    compiler = d.compile_dialect()
    parts = [f"-- Seed data generated by dbmodel-kit: {rows} row(s) per table, dialect {d.name}"]
    for name, batch in seed_rows(schema, rows).items():
        parent = schema.table(name).partition_of
        if parent is not None:  # rows written to a partition must fall in its bounds: they go through its table
            parts.append(f"-- {name}: no rows of its own (a partition of {parent}: rows go in through {parent})")
            continue
        if not batch:
            parts.append(f"-- {name}: no rows (a required key cannot point at a seeded row)")
            continue
        table = sa_table(md, name)
        t = schema.table(name)
        types = {k: _value_type(table.c[k].type, t.column(k), d, schema) for k in table.c.keys()}  # noqa: SIM118 (a ColumnCollection)
        values = [{k: _typed(_literal(stored_geometry(v, t.column(k).type, d.name), types[k], d.name), types[k],
                             table.c[k].type) for k, v in row.items()} for row in batch]
        stmt = sa.insert(table).values(values)
        parts.append(str(stmt.compile(dialect=compiler, compile_kwargs={"literal_binds": True})) + ";")
    return "\n".join(parts) + "\n"
