"""The relationship editor: foreign keys from the selected table, and many-to-many junction tables.

A foreign key is chosen as child columns (existing ones, or a new column typed like the parent's
key) and a parent table whose key is preselected; cardinality one-to-one adds a unique
constraint on the child columns. A many-to-many link between two tables becomes one junction
table with a composite key and two cascading foreign keys, created in one step.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..errors import ModelError
from ..model import ops as o
from ..model.schema import Column, ForeignKey, Index, Schema, Table, Unique
from ._common import NONE, Feedback, Panel, button, or_none, row, set_options, set_tags, with_class

ACTIONS = (("no action", NONE), ("cascade", "CASCADE"), ("set null", "SET NULL"), ("restrict", "RESTRICT"),
           ("set default", "SET DEFAULT"))
CARDINALITY = (("many-to-one", "many"), ("one-to-one", "one"))


def singular(name: str) -> str:
    """A table name's singular, for naming key columns (``categories`` -> ``category``).

    English plural rules only, on purpose: it names a default the person can still change.

    >>> [singular(n) for n in ("categories", "addresses", "orders", "status", "staff")]
    ['category', 'address', 'order', 'status', 'staff']
    """
    if name.endswith("ies") and len(name) > 3:
        return name[:-3] + "y"
    if name.endswith(("ses", "xes", "ches", "shes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith(("ss", "us", "is")):
        return name[:-1]
    return name


def junction(schema: Schema, left: str, right: str, name: str = "") -> o.Batch:
    """One step that creates a junction table linking ``left`` and ``right`` many-to-many.

    Its key is (left key columns, right key columns); both foreign keys cascade on delete, and
    an index on the right-hand columns serves lookups from that side (the key's prefix serves
    the left side). The table is named ``<left singular>_<right>`` unless ``name`` is given.

    >>> from dbmodel_kit.examples import ecommerce
    >>> step = junction(ecommerce(), "products", "categories")
    >>> step.describe()
    'add junction table product_categories linking products and categories (many-to-many)'
    >>> [op.describe() for op in step.ops]  # doctest: +NORMALIZE_WHITESPACE
    ['add table product_categories', 'add index ix_product_categories_category_id on
      product_categories(category_id)']
    """
    lt, rt = schema.table(left), schema.table(right)
    for t in (lt, rt):
        if not t.primary_key:
            raise ModelError(f"table {t.name!r} has no primary key, so a junction table cannot reference it")
    name = name.strip() or f"{singular(left)}_{right}"
    if schema.has_table(name):
        raise ModelError(f"table {name!r} already exists")

    def key_columns(t: Table, prefix: str) -> list[Column]:
        return [Column(f"{prefix}_{c}", t.column(c).type, nullable=False) for c in t.primary_key]

    lcols = key_columns(lt, singular(left))
    rcols = key_columns(rt, ("related_" if left == right else "") + singular(right))
    lnames, rnames = tuple(c.name for c in lcols), tuple(c.name for c in rcols)
    table = Table(
        name, columns=(*lcols, *rcols), primary_key=(*lnames, *rnames),
        foreign_keys=(ForeignKey(lnames, left, lt.primary_key, on_delete="CASCADE"),
                      ForeignKey(rnames, right, rt.primary_key, on_delete="CASCADE")),
        comment=f"Links {left} and {right} (many-to-many).", group=lt.group,
    )
    return o.Batch((o.AddTable(table), o.AddIndex(name, Index(rnames))),
                   label=f"add junction table {name} linking {left} and {right} (many-to-many)")


class RelationshipEditor(Panel):
    """Add and drop the selected table's foreign keys; create many-to-many junction tables."""

    title = "Relations"

    def build(self) -> list[w.Widget]:
        self.heading = w.HTML()
        self.child_columns = with_class(w.TagsInput(allowed_tags=[], allow_duplicates=False,
                                                    placeholder="child columns, in key order"),
                                        "dbm-fk-columns")
        self.new_column = with_class(w.Text(description="or new", placeholder="new column, e.g. customer_id",
                                            layout=w.Layout(width="20em", max_width="100%")), "dbm-fk-new-column")
        self.required = with_class(w.Checkbox(value=True, description="required (not null)", indent=False,
                                              layout=w.Layout(width="auto")), "dbm-fk-required")
        self.parent = with_class(w.Dropdown(options=[], description="parent",
                                            layout=w.Layout(width="18em", max_width="100%")), "dbm-fk-parent")
        self.parent_columns = with_class(w.TagsInput(allowed_tags=[], allow_duplicates=False,
                                                     placeholder="parent key"), "dbm-fk-parent-columns")
        self.cardinality = with_class(w.Dropdown(options=CARDINALITY, value="many", description="cardinality",
                                                 layout=w.Layout(width="18em", max_width="100%")),
                                      "dbm-fk-cardinality")
        self.on_delete = with_class(w.Dropdown(options=ACTIONS, value=NONE, description="on delete",
                                               layout=w.Layout(width="15em", max_width="100%")), "dbm-fk-on-delete")
        self.on_update = with_class(w.Dropdown(options=ACTIONS, value=NONE, description="on update",
                                               layout=w.Layout(width="15em", max_width="100%")), "dbm-fk-on-update")
        self.add_fk = button("Add foreign key", "dbm-add-fk", style="success", icon="link")
        self.fk_msg = Feedback()
        self.parent.observe(self._on_parent, names=["value"])
        self.add_fk.on_click(lambda _: self.run(self.fk_msg, self._add_fk, then=self._clear_fk_form))

        self.foreign_keys = with_class(w.Select(options=[], rows=5, layout=w.Layout(width="100%")), "dbm-fks")
        self.drop_fk = button("Drop foreign key", "dbm-drop-fk", style="danger", icon="unlink")
        self.drop_msg = Feedback()
        self.drop_fk.on_click(lambda _: self.run(self.drop_msg, self._drop_fk))

        self.m2m_left = with_class(w.Dropdown(options=[], description="link",
                                              layout=w.Layout(width="15em", max_width="100%")), "dbm-m2m-left")
        self.m2m_right = with_class(w.Dropdown(options=[], description="with",
                                               layout=w.Layout(width="15em", max_width="100%")), "dbm-m2m-right")
        self.m2m_name = with_class(w.Text(description="table", placeholder="default: left_right",
                                          layout=w.Layout(width="18em", max_width="100%")), "dbm-m2m-name")
        self.add_m2m = button("Create junction table", "dbm-add-m2m", style="success", icon="table")
        self.m2m_msg = Feedback()
        self.add_m2m.on_click(lambda _: self.run(self.m2m_msg, self._add_m2m,
                                                 then=lambda: setattr(self.m2m_name, "value", "")))
        self.tags_field(self.child_columns, self.fk_msg)
        self.tags_field(self.parent_columns, self.fk_msg)
        return [
            self.heading,
            w.HTML("<b>New foreign key</b> <small>(from the selected table)</small>"),
            self.child_columns,
            row(self.new_column, self.required),
            self.parent,
            self.parent_columns,
            self.cardinality,
            row(self.on_delete, self.on_update),
            self.add_fk,
            self.fk_msg,
            w.HTML("<b>Foreign keys</b>"),
            self.foreign_keys,
            self.drop_fk,
            self.drop_msg,
            w.HTML("<b>Many-to-many</b>"),
            row(self.m2m_left, self.m2m_right),
            self.m2m_name,
            self.add_m2m,
            self.m2m_msg,
        ]

    def refresh(self) -> None:
        schema = self.model.schema
        name = self.table
        names = list(schema.table_names)
        with self.quiet():
            set_options(self.parent, names, self.parent.value)
            set_options(self.m2m_left, names, self.m2m_left.value if self.m2m_left.value else name)
            set_options(self.m2m_right, names, self.m2m_right.value)
            self.add_fk.disabled = self.drop_fk.disabled = not name
            if not name:
                self.heading.value = "<i>No table selected.</i>"
                set_tags(self.child_columns, [])
                set_options(self.foreign_keys, [])
                return
            t = schema.table(name)
            self.heading.value = f"<b>Relationships of <code>{name}</code></b>"
            set_tags(self.child_columns, t.column_names, self.child_columns.value)
            fks = [(self._fk_label(fk), fk.name) for fk in t.foreign_keys]
            fks += [(f"← {child.name}({', '.join(fk.columns)})  [{fk.name}]", f"{child.name}\x00{fk.name}")
                    for child, fk in schema.referencing(name) if child.name != name]
            set_options(self.foreign_keys, fks, self.foreign_keys.value)
        self._on_parent()

    @staticmethod
    def _fk_label(fk: ForeignKey) -> str:
        actions = "".join(f" on {k} {v.lower()}" for k, v in (("delete", fk.on_delete), ("update", fk.on_update))
                          if v)
        return f"→ ({', '.join(fk.columns)}) → {fk.ref_table}({', '.join(fk.ref_columns)}){actions}  [{fk.name}]"

    def _on_parent(self, _change: Any = None) -> None:
        """Preselect the parent's primary key as the referenced columns."""
        parent = self.parent.value
        if not parent or not self.model.schema.has_table(parent):
            set_tags(self.parent_columns, [])
            return
        t = self.model.schema.table(parent)
        keep = self.parent_columns.value if _change is None else ()
        set_tags(self.parent_columns, t.column_names, keep or t.primary_key)

    def _clear_fk_form(self) -> None:
        """Empty the new-foreign-key form (after an add, or when another table is selected)."""
        self.child_columns.value = []
        self.new_column.value = ""
        self.required.value = True
        self.cardinality.value = "many"
        self.on_delete.value = self.on_update.value = NONE

    def _on_select(self, _change: dict[str, Any]) -> None:
        """Another table: the form and the messages were about the last one."""
        self.clear_messages()
        with self.quiet():
            self._clear_fk_form()
            self.m2m_name.value = ""
        self.refresh()

    # -- operations ----------------------------------------------------------------------------
    def _add_fk(self) -> o.Operation:
        schema = self.model.schema
        if not self.table:
            raise ModelError("select the child table first")
        child = schema.table(self.table)
        if not self.parent.value:
            raise ModelError("choose the parent table")
        parent = schema.table(self.parent.value)
        ref_columns = tuple(self.parent_columns.value) or parent.primary_key
        if not ref_columns:
            raise ModelError(f"{parent.name} has no primary key; choose the parent columns")
        columns = tuple(self.child_columns.value)
        ops: list[o.Operation] = []
        new = self.new_column.value.strip()
        if new:
            if columns:
                raise ModelError("choose existing child columns or name a new one, not both")
            if len(ref_columns) != 1:
                raise ModelError(f"{parent.name}'s key has {len(ref_columns)} columns; add the child columns "
                                 "first, then choose them")
            ptype = parent.column(ref_columns[0]).type
            ops.append(o.AddColumn(child.name, Column(new, ptype, nullable=not self.required.value)))
            columns = (new,)
        if not columns:
            raise ModelError("choose the child columns (or name a new column)")
        fk = ForeignKey(columns, parent.name, ref_columns, on_delete=or_none(self.on_delete.value),
                        on_update=or_none(self.on_update.value))
        ops.append(o.AddForeignKey(child.name, fk))
        if self.cardinality.value == "one" and not child.is_unique(columns):
            ops.append(o.AddUnique(child.name, Unique(columns)))
        if len(ops) == 1:
            return ops[0]
        kind = "one-to-one" if self.cardinality.value == "one" else "many-to-one"
        return o.Batch(tuple(ops), label=f"add {kind} {child.name}({', '.join(columns)}) -> {parent.name}")

    def _drop_fk(self) -> o.Operation:
        picked = self.foreign_keys.value
        if not picked:
            raise ModelError("pick a foreign key to drop")
        table, _, name = picked.rpartition("\x00")
        return o.DropForeignKey(table or self.table, name)

    def _add_m2m(self) -> o.Operation:
        left, right = self.m2m_left.value, self.m2m_right.value
        if not left or not right:
            raise ModelError("choose both tables to link")
        return junction(self.model.schema, left, right, self.m2m_name.value)
