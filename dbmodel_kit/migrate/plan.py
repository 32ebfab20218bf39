"""``Plan``: ordered operations from one schema to another, each classified for its reverse.

A plan is built from a start schema and operations (from a :class:`~dbmodel_kit.model.Model`
log or from :func:`~dbmodel_kit.migrate.diff.diff`). Every operation is applied to the running
schema while the plan is built, so a plan that exists is a valid path; the reverse plan is
derived from each operation's ``inverse`` (never written by hand).

>>> from dbmodel_kit.model import Model
>>> m = Model(); _ = m.add_table("users", id="integer pk", mail="text")
>>> cp = m.checkpoint(); _ = m.rename_column("users.mail", "email"); _ = m.drop_column("users", "email")
>>> plan = Plan.from_ops(m.schema_at(cp), m.ops_since(cp))
>>> [(s.describe(), s.reversibility) for s in plan.steps]
[('rename column users.mail -> email', 'lossless'), ('drop column users.email', 'lossy')]
>>> plan.reverse().new == plan.old
True
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..errors import ModelError
from ..model import ops as o
from ..model.schema import Schema, Table
from ..model.types import INTEGER_KINDS, NUMERIC_KINDS, TEXT_KINDS, DataType

Reversibility = Literal["lossless", "lossy", "impossible"]
LEVELS: tuple[Reversibility, ...] = ("lossless", "lossy", "impossible")


@dataclass(frozen=True)
class Suggestion:
    """A rename the structural diff thinks likely but did not apply (pass it back as a hint)."""

    kind: Literal["table", "column"]
    old: str
    new: str
    reason: str

    @property
    def hint(self) -> dict[str, str]:
        """The ``hints`` entry that makes this rename exact: ``{"users.mail": "users.email"}``."""
        return {self.old: self.new}

    def __str__(self) -> str:
        return f"{self.old} -> {self.new}? ({self.reason}; pass hints={self.hint!r} to rename)"


@dataclass(frozen=True)
class Step:
    """One operation of a plan, the schemas around it, and how well its reverse restores data."""

    op: o.Operation
    before: Schema = field(repr=False)
    after: Schema = field(repr=False)
    reversibility: Reversibility
    reason: str

    def describe(self) -> str:
        return self.op.describe()

    @property
    def inverse(self) -> o.Operation:
        """The operation that undoes this step (raises ModelError when impossible)."""
        if self.reversibility == "impossible":
            raise ModelError(f"step {self.describe()!r} cannot be reversed: {self.reason}")
        return self.op.inverse(self.before)


class Plan:
    """Ordered steps from ``old`` to ``new``, rename ``suggestions`` and the plan's provenance."""

    def __init__(self, old: Schema, steps: Sequence[Step], *, suggestions: Iterable[Suggestion] = (),
                 source: tuple[str, str] = ("old", "new")) -> None:
        self.old = old
        self.steps = tuple(steps)
        self.new = self.steps[-1].after if self.steps else old
        self.suggestions = tuple(suggestions)
        self.source = source

    @property
    def source(self) -> tuple[str, str]:
        """Where the plan goes from and to (file names, model names, or database URLs with their
        secrets hidden: the source is written into migration headers, revisions and reviews)."""
        return self._source

    @source.setter
    def source(self, value: tuple[str, str]) -> None:
        from ..urls import redact_url

        old, new = value
        self._source = (redact_url(old), redact_url(new))

    @classmethod
    def from_ops(cls, old: Schema, ops: Iterable[o.Operation], **kwargs: Any) -> Plan:
        """Apply ``ops`` to ``old`` one by one (batches are flattened into their parts)."""
        steps: list[Step] = []
        schema = old
        for op in flatten(ops):
            after = op.apply(schema)
            level, reason = classify(op, schema)
            steps.append(Step(op, schema, after, level, reason))
            schema = after
        return cls(old, steps, **kwargs)

    # -- views -----------------------------------------------------------------------------
    @property
    def ops(self) -> list[o.Operation]:
        return [s.op for s in self.steps]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.steps)

    def __bool__(self) -> bool:
        return bool(self.steps)

    @property
    def reversibility(self) -> Reversibility:
        """The worst classification of any step (``lossless`` for an empty plan)."""
        return max((s.reversibility for s in self.steps), key=LEVELS.index, default="lossless")

    def reverse(self) -> Plan:
        """The plan from ``new`` back to ``old``, derived from each step's inverse (made once per
        plan: :meth:`kept`)."""
        def make() -> Plan:
            inverses = [s.inverse for s in reversed(self.steps)]
            return Plan.from_ops(self.new, inverses, source=(self.source[1], self.source[0]))
        return self.kept("reverse", make)

    def kept(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()`` once per ``key`` for this plan (its reverse, its SQL per dialect), so the
        exports, the review and the stages that need the same text write it once.

        A plan's steps are not edited in place, but its attributes can be set again (``source``
        is, by the CLI and the review): what was kept holds the ``old``, ``steps`` and
        ``source`` it was made from, and is made again when one of them is another."""
        memo = self.__dict__.get("_kept")
        if memo is None or memo[0] is not self.old or memo[1] is not self.steps or memo[2] != self._source:
            memo = self._kept = (self.old, self.steps, self._source, {})
        values: dict[Hashable, Any] = memo[3]
        if key not in values:
            values[key] = make()
        return values[key]

    def describe(self) -> list[str]:
        return [s.describe() for s in self.steps]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description: steps with their reversibility, suggestions, provenance."""
        from .emit import op_to_json

        return {
            "from": self.source[0], "to": self.source[1],
            "steps": [{"op": op_to_json(s.op), "describe": s.describe(), "reversibility": s.reversibility,
                       "reason": s.reason} for s in self.steps],
            "suggestions": [{"kind": g.kind, "old": g.old, "new": g.new, "reason": g.reason}
                            for g in self.suggestions],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=str)

    # -- delegation to the other modules (kept here so a plan is the one handle) -----------
    def lint(self, dialect: str = "postgresql", *, safe: bool = False) -> list[Any]:
        from .lint import lint

        return lint(self, dialect, safe=safe)

    def to_sql(self, dialect: str, *, safe: bool = False) -> str:
        from .emit import to_sql

        return to_sql(self, dialect, safe=safe)

    def to_alembic(self, **kwargs: Any) -> str:
        from .emit import to_alembic

        return to_alembic(self, **kwargs)

    def apply(self, url: str, **kwargs: Any) -> Any:
        from .apply import apply

        return apply(self, url, **kwargs)

    def __repr__(self) -> str:
        return (f"<Plan {len(self.steps)} steps {self.source[0]} -> {self.source[1]}, "
                f"{self.reversibility}, {len(self.suggestions)} suggestions>")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{i}</td><td>{html.escape(s.describe())}</td><td>{s.reversibility}</td>"
            f"<td>{html.escape(s.reason)}</td></tr>" for i, s in enumerate(self.steps, 1))
        sugg = "".join(f"<li>{html.escape(str(g))}</li>" for g in self.suggestions)
        return (f"<b>Plan {html.escape(self.source[0])} &rarr; {html.escape(self.source[1])}</b>"
                f"<table><tr><th>#</th><th>step</th><th>reverse</th><th>why</th></tr>{rows}</table>"
                + (f"<p>Suggested renames (not applied):</p><ul>{sugg}</ul>" if sugg else ""))


def flatten(ops: Iterable[o.Operation]) -> list[o.Operation]:
    """Batches replaced by their parts (composite data transforms stay whole)."""
    out: list[o.Operation] = []
    for op in ops:
        if type(op) is o.Batch:
            out.extend(flatten(op.ops))
        else:
            out.append(op)
    return out


# -- reversibility -------------------------------------------------------------------------

#: bytes of each integer kind (every integer kind of the model: DuckDB's TINYINT and HUGEINT too)
_BYTES = {"tinyint": 1, "smallint": 2, "integer": 4, "bigint": 8, "hugeint": 16}


def _integer_digits(t: DataType) -> int:
    """Decimal digits the largest value of an integer type has (bigint 19, bigint unsigned 20)."""
    bits = 8 * _BYTES[t.kind]
    return len(str(2 ** bits - 1 if t.unsigned else 2 ** (bits - 1) - 1))


def widens(old: DataType, new: DataType) -> bool:
    """Whether every value of ``old`` fits ``new`` unchanged (so the reverse keeps the rows).

    >>> widens(DataType.parse("varchar(50)"), DataType.parse("text"))
    True
    >>> widens(DataType.parse("bigint"), DataType.parse("integer"))
    False
    >>> widens(DataType.parse("hugeint"), DataType.parse("decimal(39,0)"))
    True
    """
    if old == new:
        return True
    if old.kind in TEXT_KINDS and new.kind in TEXT_KINDS:
        if new.kind == "text":
            return True
        if old.kind == "text":
            return False
        return (new.length or 0) >= (old.length or 0) and not (old.kind == "varchar" and new.kind == "char")
    if old.kind in INTEGER_KINDS and new.kind in INTEGER_KINDS:
        if new.unsigned and not old.unsigned:  # negative values do not fit
            return False
        wider = _BYTES[new.kind] > _BYTES[old.kind]
        return wider or (_BYTES[new.kind] == _BYTES[old.kind] and new.unsigned == old.unsigned)
    if old.kind in INTEGER_KINDS and new.kind == "decimal":
        if new.unsigned and not old.unsigned:
            return False
        return new.precision is None or (new.precision - (new.scale or 0)) >= _integer_digits(old)
    if old.kind == "decimal" and new.kind == "decimal":
        if new.precision is None:
            return True
        if old.precision is None:
            return False
        return new.scale is not None and (new.scale >= (old.scale or 0)
                                          and new.precision - new.scale >= old.precision - (old.scale or 0))
    if old.kind == "real" and new.kind == "double":
        return True
    if old.kind in NUMERIC_KINDS | {"boolean", "date", "uuid"} and new.kind == "text":
        return True
    return old.kind == "timestamp" and new.kind == "timestamptz"


def classify(op: o.Operation, before: Schema) -> tuple[Reversibility, str]:
    """How well ``op``'s reverse restores the data, and why."""
    custom = getattr(op, "reversibility", None)
    if callable(custom):
        return custom(before)  # type: ignore[no-any-return]
    try:
        op.inverse(before)
    except (ModelError, NotImplementedError) as e:
        return "impossible", f"no inverse: {e}"
    rule = _RULES.get(type(op))
    return rule(op, before) if rule else ("lossless", "schema-only change; the reverse restores it")


def _drop_table(op: o.DropTable, before: Schema) -> tuple[Reversibility, str]:
    return "lossy", f"the reverse re-creates {op.table} empty: its rows cannot come back"


def _drop_column(op: o.DropColumn, before: Schema) -> tuple[Reversibility, str]:
    return "lossy", f"the reverse re-adds {op.table}.{op.column} empty (NULL or its default): its data cannot come back"


def _alter_column(op: o.AlterColumn, before: Schema) -> tuple[Reversibility, str]:
    col = before.table(op.table).column(op.column)
    if op.type is not o.KEEP and not widens(col.type, op.type):
        return "lossy", f"{col.type} -> {op.type} may truncate or fail on values that do not fit"
    if op.type is not o.KEEP:
        return "lossless", f"{col.type} -> {op.type} widens: every value fits and converts back"
    return "lossless", "the reverse restores the column's old definition"


def _alter_enum(op: o.AlterEnum, before: Schema) -> tuple[Reversibility, str]:
    removed = [v for v in before.enum(op.name).values if v not in op.values]
    if removed:
        return "lossy", f"values {', '.join(removed)} are removed: rows holding them cannot keep them"
    return "lossless", "only adds or reorders values"


def _add_table(op: o.AddTable, before: Schema) -> tuple[Reversibility, str]:
    return "lossless", "new, empty table: the reverse drops it before any old data depends on it"


def _add_column(op: o.AddColumn, before: Schema) -> tuple[Reversibility, str]:
    return "lossless", "new column: the reverse drops it and every old row keeps its data"


def _replace_object(op: o.ReplaceObject, before: Schema) -> tuple[Reversibility, str]:
    old = before.object(op.kind, op.name, op.dialect)
    from .diff import altered_in_place

    if not altered_in_place(old, op.object):
        return "lossless", "the reverse restores the object's old definition"
    from ..io.pg_objects import composite_changes

    lost = [c.name for c in composite_changes(old.sql, op.object.sql) or () if c.action in ("drop", "alter")]
    if lost:
        return "lossy", (f"attributes {', '.join(dict.fromkeys(lost))} of type {op.name} are dropped or change type: "
                         "the reverse cannot bring their values back")
    return "lossless", f"new attributes of type {op.name}: the reverse drops them and every value is back"


_RULES: dict[type[o.Operation], Any] = {
    o.DropTable: _drop_table, o.DropColumn: _drop_column, o.AlterColumn: _alter_column,
    o.AlterEnum: _alter_enum, o.AddTable: _add_table, o.AddColumn: _add_column, o.ReplaceObject: _replace_object,
}


def same(a: Schema, b: Schema) -> bool:
    """Whether ``a`` and ``b`` hold the same tables and enums, order aside (cheaper than comparing
    :func:`canonical` values: no new schema is built and validated)."""
    if {e.key: e for e in a.enums} != {e.key: e for e in b.enums}:
        return False
    if {d.key: d for d in a.domains} != {d.key: d for d in b.domains}:
        return False
    if {q.key: q for q in a.sequences} != {q.key: q for q in b.sequences}:
        return False
    views_a, views_b = {v.key: v for v in a.views}, {v.key: v for v in b.views}
    if views_a.keys() != views_b.keys() or not all(same_object(v, views_b[k]) for k, v in views_a.items()):
        return False
    objs_a = {(x.kind, x.key, x.dialect): x for x in a.verbatim}
    objs_b = {(x.kind, x.key, x.dialect): x for x in b.verbatim}
    if objs_a.keys() != objs_b.keys() or not all(same_object(x, objs_b[k]) for k, x in objs_a.items()):
        return False
    if set(a.table_names) != set(b.table_names):
        return False
    return all(t is b.table(t.key) or _table_key(t) == _table_key(b.table(t.key)) for t in a.tables)


def same_object(a: Any, b: Any) -> bool:
    """Whether two views or verbatim objects of one key are the same: equal, or meaning the same
    where an engine gives back another text than was written (PostgreSQL's ``pg_get_viewdef``,
    ``pg_get_functiondef``...: :func:`dbmodel_kit.io.pg_objects.meaning`)."""
    if a == b:
        return True
    if getattr(a, "dialect", None) == getattr(b, "dialect", None) == "postgresql":
        from ..io.pg_objects import meaning

        return bool(meaning(a) == meaning(b))
    return False


def _table_key(t: Table) -> tuple[Any, ...]:
    by_name = lambda items: tuple(sorted(items, key=lambda x: x.name))
    return (by_name(t.columns), t.primary_key, by_name(t.foreign_keys), by_name(t.indexes), by_name(t.uniques),
            by_name(t.checks), t.comment, t.group, t.timestamps, t.soft_delete, t.audited, t.partition_by,
            t.partition_of, t.partition_bound)


def canonical(schema: Schema) -> Schema:
    """``schema``'s tables, columns, enums and constraints sorted by name, without its name and
    comment (so equality ignores order, which engines do not all keep); a sequence's numbers that
    are the engine's defaults unset (``start=1, increment=1`` is the sequence a catalog shows as
    plain, io.sql_types.plain_sequence)."""
    from ..io.sql_types import plain_sequence

    def table(t: Table) -> Table:
        return replace(t, columns=tuple(sorted(t.columns, key=lambda c: c.name)),
                       foreign_keys=tuple(sorted(t.foreign_keys, key=lambda x: x.name)),
                       indexes=tuple(sorted(t.indexes, key=lambda x: x.name)),
                       uniques=tuple(sorted(t.uniques, key=lambda x: x.name)),
                       checks=tuple(sorted(t.checks, key=lambda x: x.name)))

    return Schema(tables=tuple(sorted((table(t) for t in schema.tables), key=lambda t: t.key)),
                  enums=tuple(sorted(schema.enums, key=lambda e: e.key)),
                  domains=tuple(sorted(schema.domains, key=lambda d: d.key)),
                  sequences=tuple(sorted((plain_sequence(q) for q in schema.sequences), key=lambda q: q.key)),
                  views=tuple(sorted(schema.views, key=lambda v: v.key)),
                  verbatim=tuple(sorted(schema.verbatim, key=lambda x: (x.kind, x.key, x.dialect))))


__all__ = ["LEVELS", "Plan", "Reversibility", "Step", "Suggestion", "canonical", "classify", "flatten", "same",
           "widens"]
