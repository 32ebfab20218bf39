"""``Model``: the one mutable, observable handle on a changing :class:`~.schema.Schema`.

Everything that edits goes through :meth:`Model.apply`; undo is the inverse of the last
operation; subscribers (widgets, autosave) hear every change.

>>> m = Model()
>>> _ = m.add_table("users", id="uuid pk", email="varchar(255) unique not null")
>>> _ = m.add_column("users", "name", "text")
>>> m.history()
['add table users', 'add column users.name text']
>>> _ = m.undo(); m.schema.table("users").column_names
('id', 'email')
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import ModelError
from . import ops as o
from .schema import Check, Column, Enum, ForeignKey, Index, Schema, Unique
from .spec import build_table, parse_column


@dataclass(frozen=True)
class Change:
    """What a subscriber hears: the operation, the schema before and after, and how it came."""

    op: o.Operation
    before: Schema
    after: Schema
    action: Literal["apply", "undo", "redo"]


Subscriber = Callable[[Change], None]


def _split_dotted(ref: str) -> tuple[str, str]:
    table, sep, column = ref.rpartition(".")
    if not sep or not table or not column:
        raise ModelError(f"write the column as table.column, not {ref!r}")
    return table, column


class Model:
    """A schema being designed: ``apply`` operations, ``undo``/``redo``, ``subscribe`` to changes.

    ``Model(path="shop.yaml")`` loads that file if it exists and writes it again after every
    change (atomically: a temporary file renamed over the old one), so nothing is lost when
    the kernel dies.
    """

    def __init__(self, schema: Schema | None = None, *, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        if schema is None and self.path is not None and self.path.exists():
            from ..io import load

            schema = load(self.path)
        self._schema = schema if schema is not None else Schema()
        self._done: list[tuple[o.Operation, Schema]] = []
        self._undone: list[tuple[o.Operation, Schema]] = []
        self._subscribers: list[Subscriber] = []
        self._batch: list[o.Operation] | None = None

    # -- state -----------------------------------------------------------------------------
    @property
    def schema(self) -> Schema:
        return self._schema

    @property
    def log(self) -> list[o.Operation]:
        """The operations applied so far, oldest first (undone ones are not in it)."""
        return [op for op, _ in self._done]

    def history(self) -> list[str]:
        """The log in plain language: ``['add table users', 'rename column users.mail -> email']``."""
        return [op.describe() for op in self.log]

    def checkpoint(self) -> int:
        """A mark in the log; :meth:`ops_since` gives what was applied after it."""
        return len(self._done)

    def ops_since(self, checkpoint: int) -> list[o.Operation]:
        if not 0 <= checkpoint <= len(self._done):
            raise ModelError(f"checkpoint {checkpoint} is not in this model's log (0..{len(self._done)})")
        return self.log[checkpoint:]

    def schema_at(self, checkpoint: int) -> Schema:
        """The schema as it was at ``checkpoint``."""
        if checkpoint == len(self._done):
            return self._schema
        self.ops_since(checkpoint)
        return self._done[checkpoint][1]

    def plan_since(self, checkpoint: int = 0) -> Any:
        """The migration plan (:class:`dbmodel_kit.migrate.Plan`) of the edits since ``checkpoint``:
        the logged operations themselves, so renames and splits stay exact."""
        from ..migrate.diff import plan_since

        return plan_since(self, checkpoint)

    def review(self, base: Any = 0, **kwargs: Any) -> Any:
        """A :class:`dbmodel_kit.review.Review` of the edits since ``base`` (a checkpoint, or a
        schema / schema file to compare with); ``kwargs`` as :func:`dbmodel_kit.review.review`."""
        from ..review.bundle import review_model

        return review_model(self, base, **kwargs)

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    # -- changing --------------------------------------------------------------------------
    def apply(self, op: o.Operation) -> Schema:
        """Apply ``op``; on a ModelError nothing changes and the error is raised."""
        if not isinstance(op, o.Operation):
            raise ModelError(f"Model.apply takes an operation, not {type(op).__name__}")
        if self._batch is not None:
            # inside `with model.batch()`: check now, commit as one step at the end
            op.apply(self._preview())
            self._batch.append(op)
            return self._preview()
        before = self._schema
        after = op.apply(before)
        self._schema = after
        self._done.append((op, before))
        self._undone.clear()
        self._notify(Change(op, before, after, "apply"))
        return after

    def _preview(self) -> Schema:
        schema = self._schema
        for op in self._batch or ():
            schema = op.apply(schema)
        return schema

    @contextmanager
    def batch(self, label: str = "") -> Iterator[Model]:
        """Group the edits made inside the block into one step (one undo, one log entry).

        If the block raises, none of its edits is applied.
        """
        if self._batch is not None:
            raise ModelError("batches do not nest")
        self._batch = []
        try:
            yield self
        except BaseException:
            self._batch = None
            raise
        ops, self._batch = self._batch, None
        if ops:
            self.apply(ops[0] if len(ops) == 1 and not label else o.Batch(tuple(ops), label=label))

    def undo(self) -> Schema:
        if not self._done:
            raise ModelError("nothing to undo")
        op, before = self._done.pop()
        after = self._schema
        self._schema = before
        self._undone.append((op, before))
        self._notify(Change(op.inverse(before), after, before, "undo"))
        return before

    def redo(self) -> Schema:
        if not self._undone:
            raise ModelError("nothing to redo")
        op, before = self._undone.pop()
        after = op.apply(before)
        self._schema = after
        self._done.append((op, before))
        self._notify(Change(op, before, after, "redo"))
        return after

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(change)`` after every change; returns a function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)
        return unsubscribe

    def _notify(self, change: Change) -> None:
        # the views first, then the file: writing a 40-table schema as YAML takes longer than
        # drawing its ERD without Graphviz, and the person is waiting for the drawing; a failed
        # save still raises from the edit, after the views show the schema the model now holds
        for callback in list(self._subscribers):
            try:
                callback(change)
            except Exception as e:  # a broken view must not break the model
                warnings.warn(f"subscriber {callback!r} failed: {e!r}", RuntimeWarning, stacklevel=3)
        if self.path is not None:
            self.save()

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the schema (YAML by default) atomically to ``path`` or the model's own path."""
        from ..io import dumps, format_for

        target = Path(path) if path is not None else self.path
        if target is None:
            raise ModelError("this model has no path; pass one: model.save('shop.yaml')")
        text = dumps(self._schema, format_for(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    # -- builders: pleasant one-liners that make operations --------------------------------
    def add_table(self, table: str, /, *, comment: str | None = None, group: str | None = None,
                  primary_key: tuple[str, ...] | list[str] = (), **columns: str | Column) -> Schema:
        """``m.add_table("users", id="uuid pk", email="varchar(255) unique not null")``.

        Column specs use the mini-language of :mod:`dbmodel_kit.model.spec`. Columns whose names
        are not Python identifiers, or are called ``comment``, ``group`` or ``primary_key``, go
        through :meth:`add_table_from` with a dict.
        """
        return self.add_table_from(table, columns, comment=comment, group=group, primary_key=primary_key)

    def add_table_from(self, name: str, columns: dict[str, str | Column], **options: Any) -> Schema:
        return self.apply(o.AddTable(build_table(name, columns, **options)))

    def drop_table(self, name: str) -> Schema:
        return self.apply(o.DropTable(name))

    def rename_table(self, name: str, new_name: str) -> Schema:
        return self.apply(o.RenameTable(name, new_name))

    def add_column(self, table: str, name: str, spec: str | Column, position: int | None = None) -> Schema:
        """``m.add_column("users", "name", "text not null default ''")``; FKs, unique, checks included."""
        if isinstance(spec, Column):
            return self.apply(o.AddColumn(table, spec, position))
        parsed = parse_column(name, spec)
        extra: list[o.Operation] = []
        if parsed.primary_key:
            was = self._schema.table(table)
            extra.append(o.SetPrimaryKey(table, (*was.primary_key, name), was.primary_key_deferrable))
        if parsed.unique:
            extra.append(o.AddUnique(table, Unique((name,))))
        if parsed.references is not None:
            extra.append(o.AddForeignKey(table, parsed.references))
        add = o.AddColumn(table, parsed.column, position)
        # name each check now, so the logged operation (and any migration made from it) is explicit
        preview = add.apply(self._schema)
        for ck in parsed.checks:
            op = o.AddCheck(table, ck)
            op = o.AddCheck(table, op.resolved(preview))
            preview = op.apply(preview)
            extra.append(op)
        if not extra:
            return self.apply(add)
        return self.apply(o.Batch((add, *extra), label=f"add column {table}.{name} {parsed.column.type}"))

    def drop_column(self, table: str, column: str) -> Schema:
        return self.apply(o.DropColumn(table, column))

    def rename_column(self, ref: str, new_name: str, *, table: str | None = None) -> Schema:
        """``m.rename_column("products.title", "name")`` (or ``table=`` with a bare column)."""
        tname, column = (table, ref) if table else _split_dotted(ref)
        return self.apply(o.RenameColumn(tname, column, new_name))

    def alter_column(self, ref: str, **changes: Any) -> Schema:
        """``m.alter_column("products.price", type="decimal(12,2)", nullable=False)``."""
        table, column = _split_dotted(ref)
        return self.apply(o.AlterColumn(table, column, **changes))

    def set_primary_key(self, table: str, *columns: str, deferrable: str | None = None) -> Schema:
        """``deferrable``: ``immediate`` or ``deferred`` (the key checked at commit, PostgreSQL)."""
        return self.apply(o.SetPrimaryKey(table, columns, deferrable))

    def add_foreign_key(self, ref: str, target: str, *, on_delete: str | None = None,
                        on_update: str | None = None, name: str = "", deferrable: str | None = None) -> Schema:
        """``m.add_foreign_key("orders.user_id", "users")`` or ``("order_items.(order_id,line)", ...)``.

        ``ref`` is ``table.column`` or ``table.(a,b)``; ``target`` is ``table`` (its key) or
        ``table.column`` / ``table.(a,b)``; ``deferrable``: ``immediate`` or ``deferred`` (checked at commit).
        """
        table, cols = _table_cols(ref)
        if "." in target:
            ref_table, ref_cols = _table_cols(target)
        else:
            ref_table, ref_cols = target, ()
        fk = ForeignKey(cols, ref_table, ref_cols, name=name, on_delete=on_delete, on_update=on_update,
                        deferrable=deferrable)
        return self.apply(o.AddForeignKey(table, fk))

    def add_index(self, table: str, *columns: str, unique: bool = False, where: str | None = None,
                  method: str | None = None, include: tuple[str, ...] = (), name: str = "") -> Schema:
        return self.apply(o.AddIndex(table, Index(columns, name=name, unique=unique, where=where,
                                                  method=method, include=include)))

    def add_unique(self, table: str, *columns: str, name: str = "", deferrable: str | None = None) -> Schema:
        return self.apply(o.AddUnique(table, Unique(columns, name=name, deferrable=deferrable)))

    def add_check(self, table: str, expression: str, name: str = "") -> Schema:
        op = o.AddCheck(table, Check(expression, name=name))
        return self.apply(o.AddCheck(table, op.resolved(self._schema)))

    def add_enum(self, name: str, *values: str, comment: str | None = None) -> Schema:
        return self.apply(o.AddEnum(Enum(name, values, comment)))

    # -- display ---------------------------------------------------------------------------
    def designer(self, **options: Any) -> Any:
        """Open the Designer widget on this model (needs the ``jupyter`` extra: ipywidgets, anywidget)."""
        from ..widgets.designer import Designer  # Jupyter layer, imported only when asked for

        return Designer(self, **options)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return self._schema._repr_mimebundle_(include, exclude)

    def _repr_svg_(self) -> str | None:
        return self._schema._repr_svg_()

    def __repr__(self) -> str:
        where = f" path={str(self.path)!r}" if self.path else ""
        return f"<Model {len(self._schema.tables)} tables, {len(self._done)} edits{where}>"


def _table_cols(ref: str) -> tuple[str, tuple[str, ...]]:
    table, sep, rest = ref.partition(".(")
    if sep:
        if not rest.endswith(")"):
            raise ModelError(f"unclosed column list in {ref!r}")
        return table, tuple(c.strip() for c in rest[:-1].split(",") if c.strip())
    t, c = _split_dotted(ref)
    return t, (c,)
