"""From a schema (and what to compare it with) to what the drawing shows.

The steps, in order: merge in what the comparison removed, choose the tables to draw (include,
exclude, focus and depth), decide which junction tables collapse into many-to-many edges, then
build one :class:`Node` per table (rows, badges, tooltips, statuses) and one :class:`Edge` per
relationship. The DOT builder (:mod:`.dot`) and Mermaid exporter read this, never the schema.

>>> from dbmodel_kit.examples import large
>>> v = build_view(large(), focus="tickets", depth=1)
>>> sorted(n.name for n in v.nodes if not n.stub)
['customers', 'employees', 'tags', 'ticket_comments', 'tickets']
>>> sorted(n.label for n in v.nodes if n.stub)
['addresses', 'audit_events', 'contracts', 'departments', 'project_members', 'time_entries']
>>> [e.id for e in v.edges if e.kind == "m2m"]
['m2m:ticket_tags']
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .._cache import IdentityCache
from ..errors import ModelError
from ..model.schema import Column, ForeignKey, Schema, Table, dependency_order
from .changes import ADDED, REMOVED, RENAMED, Changes, compute_changes
from .notation import ARROWS, Badge, cardinality, is_identifying, is_junction, table_badges

_NODES = IdentityCache()
_EDGES = IdentityCache()

#: Stubs for cut-off neighbours beyond this many per table fold into one "+N more" stub.
MAX_STUBS_PER_TABLE = 5


@dataclass(frozen=True, slots=True)
class Row:
    """One column row."""

    column: str
    label: str            # what the name cell says ("old -> new" for a rename)
    type: str
    key: str              # "PK", "FK", "PK FK" or ""
    badges: tuple[Badge, ...]
    tooltip: str
    type_tooltip: str
    status: str = ""
    port: str = ""


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Node:
    """One table box (or a stub standing for tables cut off the view)."""

    name: str
    label: str
    tooltip: str
    rows: tuple[Row, ...] = ()
    hidden: int = 0       # columns left out by compact mode
    notes: tuple[tuple[str, str], ...] = ()
    status: str = ""
    group: str | None = None
    stub: bool = False
    position: tuple[int, int] | None = None  # the table's pinned place (points), when the person placed it


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Edge:
    """A relationship line from the child's FK column to the parent's key column."""

    id: str
    kind: str             # "fk", "m2m" or "stub"
    tail: str
    tail_port: str
    head: str
    head_port: str
    arrowtail: str
    arrowhead: str
    identifying: bool
    status: str
    tooltip: str
    label: str = ""
    self_loop: bool = False
    columns: tuple[str, ...] = ()  # the child's FK columns
    backward: bool = False  # closes an FK cycle: the parent is drawn to the right of the child


@dataclass
class View:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    #: table-to-table pairs (parent, child, weight) that steady the layout
    ranks: list[tuple[str, str, int]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    title: str | None = None


def port(column: str) -> str:
    """The HTML-label port of a column: the name itself when it is a plain identifier, else a
    short hash (ports may not contain ``:`` and are easier to read in DOT when plain).

    >>> port("user_id"), port("order id")
    ('user_id', 'c_e8fa7f55be')
    """
    if column.isidentifier() and column.isascii():
        return column
    return "c_" + hashlib.sha1(column.encode()).hexdigest()[:10]


def _patterns(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _type_text(col: Column) -> str:
    return col.type.enum or "enum" if col.type.kind == "enum" else str(col.type)


def build_view(schema: Schema, *, compare: Any = None, focus: str | Sequence[str] | None = None,
               depth: int = 1, include: str | Sequence[str] | None = None,
               exclude: str | Sequence[str] | None = None, compact: bool = False,
               collapse_m2m: bool = True) -> View:
    """The drawing's content: see the module docstring."""
    if depth < 0:
        raise ModelError(f"depth must be 0 or more, not {depth}")
    changes = compute_changes(schema, compare) if compare is not None else Changes()
    tables = _merged_tables(schema, changes)
    by_name = {t.key: t for t in tables}
    fks = _all_fks(tables, by_name, changes)

    chosen = _select(by_name, fks, include, exclude)
    # pure junctions that may fold into one many-to-many edge (never when the diff marks them)
    junctions = {name for name in chosen if collapse_m2m and is_junction(by_name[name])
                 and not _status(changes, name) and not changes.notes.get(name)
                 and not any(changes.fk_status.get((name, fk.name)) for fk in by_name[name].foreign_keys)}
    cut: dict[str, list[str]] = {}
    if focus is not None:
        chosen, cut = _focus(chosen, fks, _patterns(focus), depth, by_name, junctions)
    junctions = {j for j in junctions if j in chosen and all(fk.ref_table in chosen for fk in by_name[j].foreign_keys)}

    view = View(title=schema.name)
    referenced: dict[str, set[str]] = {}
    for _child, fk, _ in fks:
        referenced.setdefault(fk.ref_table, set()).update(fk.ref_columns)
    # several schemas (namespaces): each is a box of its own, subject areas inside it named after it
    namespaced = len({t.schema for t in tables}) > 1
    for t in tables:
        if t.key in chosen and t.key not in junctions:
            refs = referenced.get(t.key, set())
            if compare is None:  # nothing to mark: reuse the node built for this very table value
                node_key = (compact, frozenset(refs) if compact else None, namespaced)
                node = _NODES.get(t, node_key, partial(_node, t, changes, compact, refs, namespaced))
            else:
                node = _node(t, changes, compact, refs, namespaced)
            view.nodes.append(node)
            if node.group and node.group not in view.groups:
                view.groups.append(node.group)

    stub_nodes: dict[str, Node] = {}
    rank_weight: dict[tuple[str, str], int] = {}
    # an FK cycle (departments <-> employees) cannot rank every parent left of its child; the
    # FKs that close cycles (those created last) rank nothing and are drawn the other way round
    backward = {(t.key, fk.name) for t, fk in dependency_order(schema)[1]}
    for child, fk, status in fks:
        if child.key in junctions:
            continue
        if child.key not in chosen and fk.ref_table not in chosen:
            continue
        back = (child.key, fk.name) in backward
        if child.key in chosen and fk.ref_table in chosen:
            if compare is None:
                view.edges.append(_EDGES.get(child, (fk, back), partial(_fk_edge, child, fk, "", back)))
            else:
                view.edges.append(_fk_edge(child, fk, status, back))
            if child.key != fk.ref_table and not back:
                key = (fk.ref_table, child.key)
                rank_weight[key] = rank_weight.get(key, 0) + 1
            continue
        # one end is cut off by focus: draw a stub for it (include/exclude cut silently)
        inside, outside = (child.key, fk.ref_table) if child.key in chosen else (fk.ref_table, child.key)
        if outside not in cut.get(inside, ()):
            continue
        stub = _stub_for(inside, outside, cut[inside], by_name, stub_nodes)
        edge = _fk_edge(child, fk, status)
        if inside == child.key:
            edge = _replace(edge, head=stub, head_port="", kind="stub")
        else:
            edge = _replace(edge, tail=stub, tail_port="", kind="stub")
        view.edges.append(edge)
        key = (edge.head, edge.tail)
        rank_weight[key] = rank_weight.get(key, 0) + 1
    view.nodes.extend(stub_nodes.values())
    for name in sorted(junctions, key=list(by_name).index):
        edge = _m2m_edge(by_name[name])
        if (edge.head, edge.tail) in rank_weight:  # the two parents are already ranked the other way
            edge = _replace(edge, tail=edge.head, tail_port=edge.head_port, head=edge.tail, head_port=edge.tail_port)
        elif edge.tail != edge.head:
            rank_weight[(edge.tail, edge.head)] = rank_weight.get((edge.tail, edge.head), 0) + 1
        view.edges.append(edge)
    view.ranks = [(p, c, w) for (p, c), w in rank_weight.items()]
    _add_views(view, schema, chosen, namespaced, compare is None and focus is None and include is None)
    return view


def _add_views(view: View, schema: Schema, chosen: set[str], namespaced: bool, all_views: bool) -> None:
    """A box per view of the schema (its columns, no keys) with a dotted line to each table or
    view it reads; with a focus or include, only views reading something drawn."""
    drawn = {n.name for n in view.nodes}
    for v in schema.views:
        reads = [d for d in v.depends_on if d in drawn or schema.has_view(d)]
        if not all_views and not any(d in chosen for d in v.depends_on):
            continue
        kind = "materialized view" if v.materialized else "view"
        rows = tuple(Row(c, c, "", "", (), f"{v.key}.{c}", "") for c in v.columns)
        tip = [f"{v.key} ({kind})"] + ([v.comment] if v.comment else [])
        tip += [f"written in {v.dialect}"] if v.dialect else []
        group = (v.schema or "default schema") if namespaced else None
        view.nodes.append(Node(v.key, f"{v.key} ({kind})", "\n".join(tip), rows, group=group))
        if group and group not in view.groups:
            view.groups.append(group)
        drawn.add(v.key)
        for d in reads:
            view.edges.append(Edge(f"reads:{v.key}->{d}", "reads", v.key, "", d, "", "none", "vee", False, "",
                                   f"{v.key} reads {d}"))

def _replace(edge: Edge, **changes: Any) -> Edge:
    from dataclasses import replace

    return replace(edge, **changes)


def _status(changes: Changes, table: str) -> str:
    return changes.table_status.get(table, "")


def _merged_tables(schema: Schema, changes: Changes) -> list[Table]:
    """The new schema's tables plus the removed ones (at their old position, for a stable layout)."""
    tables = list(schema.tables)
    for removed, pos in changes.removed_tables:
        t = removed if isinstance(removed, Table) else _name_only_table(removed)
        changes.table_status[t.key] = REMOVED
        tables.insert(len(tables) if pos is None else min(pos, len(tables)), t)
    return tables


_UNKNOWN = "\x00unknown"  # the comment marking a stand-in column of a table known only by name


def _name_only_table(name: str) -> Table:
    """A dropped table known only by its name (from ops with no old schema); its one stand-in
    column (a Table needs one) is not drawn."""
    from ..model.types import DataType

    return Table(name, columns=(Column("?", DataType("text"), comment=_UNKNOWN),))


def _all_fks(tables: list[Table], by_name: dict[str, Table],
             changes: Changes) -> list[tuple[Table, ForeignKey, str]]:
    """Every foreign key to draw with its status, removed ones included when both ends are drawn."""
    out = []
    for t in tables:
        table_status = _status(changes, t.key)
        for fk in t.foreign_keys:
            if fk.ref_table not in by_name:
                continue  # a removed table's FK to another removed-and-unknown table
            status = REMOVED if table_status == REMOVED else changes.fk_status.get((t.key, fk.name), "")
            if table_status == ADDED:
                status = ADDED
            out.append((t, fk, status))
        for fk in changes.removed_fks.get(t.key, ()):
            ref = fk.ref_table
            if ref in by_name and all(_has_row(t, c, changes) for c in fk.columns) and all(
                    _has_row(by_name[ref], c, changes) for c in fk.ref_columns):
                out.append((t, fk, REMOVED))
    return out


def _has_row(t: Table, column: str, changes: Changes) -> bool:
    return t.has_column(column) or any(
        (c if isinstance(c, str) else c.name) == column for c, _ in changes.removed_columns.get(t.key, ()))


def _select(by_name: dict[str, Table], fks: list[tuple[Table, ForeignKey, str]],
            include: Any, exclude: Any) -> set[str]:
    names = list(by_name)
    inc, exc = _patterns(include), _patterns(exclude)
    for pattern in inc:
        if not fnmatch.filter(names, pattern):
            raise ModelError(f"include pattern {pattern!r} matches no table")
    return {n for n in names if (not inc or any(fnmatch.fnmatchcase(n, p) for p in inc))
            and not any(fnmatch.fnmatchcase(n, p) for p in exc)}


def _focus(chosen: set[str], fks: list[tuple[Table, ForeignKey, str]], focus: Iterable[str], depth: int,
           by_name: dict[str, Table], junctions: set[str]) -> tuple[set[str], dict[str, list[str]]]:
    """Tables within ``depth`` FK hops of ``focus`` (walking either direction; a junction that
    folds into an M:N edge is one hop between its parents), and for each table on the rim the
    neighbours that were cut off."""
    starts = []
    for pattern in focus:
        hits = [n for n in by_name if fnmatch.fnmatchcase(n, pattern)]
        if not hits:
            raise ModelError(f"focus: no table matches {pattern!r} (tables: {', '.join(by_name)})")
        starts += hits
    neighbours: dict[str, list[str]] = {}
    rim: dict[str, list[str]] = {}  # what a table loses when a neighbour is cut (junctions count)
    for t, fk, _ in fks:
        if t.key in chosen and fk.ref_table in chosen and t.key != fk.ref_table:
            rim.setdefault(fk.ref_table, []).append(t.key)
            rim.setdefault(t.key, []).append(fk.ref_table)
            if t.key not in junctions:
                neighbours.setdefault(t.key, []).append(fk.ref_table)
                neighbours.setdefault(fk.ref_table, []).append(t.key)
    for j in junctions:
        a, b = (fk.ref_table for fk in by_name[j].foreign_keys)
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    dist = {s: 0 for s in starts if s in chosen}
    frontier = list(dist)
    for d in range(1, depth + 1):
        nxt = []
        for n in frontier:
            for m in neighbours.get(n, ()):
                if m not in dist:
                    dist[m] = d
                    nxt.append(m)
        frontier = nxt
    for j in junctions:  # a folded junction is drawn when both its parents are
        if all(fk.ref_table in dist for fk in by_name[j].foreign_keys):
            dist.setdefault(j, depth)
    cut: dict[str, list[str]] = {}
    for n in dist:
        outside = list(dict.fromkeys(m for m in rim.get(n, ()) if m not in dist))
        if outside:
            cut[n] = outside
    return set(dist), cut


def _stub_for(inside: str, outside: str, cut: list[str], by_name: dict[str, Table],
              stubs: dict[str, Node]) -> str:
    """The stub node standing for ``outside`` next to ``inside`` (shared between tables)."""
    if len(cut) <= MAX_STUBS_PER_TABLE or cut.index(outside) < MAX_STUBS_PER_TABLE - 1:
        name = f"stub:{outside}"
        if name not in stubs:
            t = by_name[outside]
            stubs[name] = Node(name, outside, f"{outside} ({len(t.columns)} columns) is outside this view; "
                               "focus on it or raise depth to draw it", stub=True)
        return name
    rest = cut[MAX_STUBS_PER_TABLE - 1:]
    name = f"stub:{inside}:more"
    if name not in stubs:
        stubs[name] = Node(name, f"+{len(rest)} more", "outside this view: " + ", ".join(rest), stub=True)
    return name


def _cluster(t: Table, namespaced: bool) -> str | None:
    """The box a table is drawn in: its subject area, inside its schema when there are several."""
    if not namespaced:
        return t.group
    schema = t.schema or "default schema"
    return f"{schema} \u00b7 {t.group}" if t.group else schema


def _node(t: Table, changes: Changes, compact: bool, referenced: set[str], namespaced: bool = False) -> Node:
    status = _status(changes, t.key)
    old = changes.table_old_name.get(t.key)
    label = f"{old} \u2192 {t.key}" if old else t.key
    tip = [t.key + (f" (was {old})" if old else "")]
    if t.comment:
        tip.append(t.comment)
    flags = [f for f in ("timestamps", "soft_delete", "audited") if getattr(t, f)]
    if flags:
        tip.append("patterns: " + ", ".join(flags).replace("_", " "))
    if t.group:
        tip.append(f"subject area: {t.group}")
    if status:
        tip.append(f"[{status}]")
    rows: list[Row] = []
    for c in t.columns:
        cstatus = REMOVED if status == REMOVED else changes.column_status.get((t.key, c.name), "")
        if status == ADDED:
            cstatus = ADDED
        rows.append(_row(t, c, cstatus, changes.column_old_name.get((t.key, c.name))))
    for removed, pos in changes.removed_columns.get(t.key, ()):
        row = _removed_row(removed)
        rows.insert(len(rows) if pos is None else min(pos, len(rows)), row)
    notes_first: list[tuple[str, str]] = []
    if len(t.columns) == 1 and t.columns[0].comment == _UNKNOWN:
        rows, notes_first = [], [("columns not known: the plan drops it by name", REMOVED)]
    hidden = 0
    if compact:
        keep = [r for r in rows if r.key or r.status or r.column in referenced]
        hidden = len(rows) - len(keep)
        rows = keep
    checks = [ck for ck in t.checks if not ck.columns]  # no column row can show these
    notes = notes_first + [(f"check {ck.name}: {ck.expression}", "") for ck in checks]
    notes += changes.notes.get(t.key, [])
    return Node(t.key, label, "\n".join(tip), tuple(rows), hidden, tuple(notes), status, _cluster(t, namespaced),
                position=t.position)


def _row(t: Table, c: Column, status: str, old_name: str | None) -> Row:
    badges = table_badges(t)[c.name]
    key = " ".join(b.text for b in badges if b.role in ("pk", "fk"))
    rest = tuple(b for b in badges if b.role not in ("pk", "fk"))
    tip = [f"{t.key}.{c.name}: {c.type}{'' if c.nullable else ' NOT NULL'}"]
    if old_name:
        tip[0] += f" (was {old_name})"
    if c.default is not None:
        tip.append(f"default {c.default}")
    tip += [b.detail for b in badges if b.role != "nn"]  # NOT NULL is already on the first line
    if c.sensitive:
        tip.append("sensitive")
    if c.comment:
        tip.append(c.comment)
    if status:
        tip.append(f"[{status}]")
    type_tip = ""
    if c.type.kind == "enum":
        type_tip = f"enum {c.type.enum}"  # values are filled in by the DOT builder, which has the schema
    label = f"{old_name} \u2192 {c.name}" if old_name else c.name
    return Row(c.name, label, _type_text(c), key, rest, "\n".join(tip), type_tip,
               RENAMED if status == RENAMED else status, port(c.name))


def _removed_row(removed: Column | str) -> Row:
    if isinstance(removed, str):
        return Row(removed, removed, "", "", (), f"{removed} [removed]", "", REMOVED, port(removed))
    c = removed
    return Row(c.name, c.name, _type_text(c), "", (), f"{c.name}: {c.type} [removed]", "", REMOVED, port(c.name))


def _fk_edge(child: Table, fk: ForeignKey, status: str, backward: bool = False) -> Edge:
    # a removed FK may name columns the (new) child no longer has: draw it with the loosest ends
    known = all(child.has_column(c) for c in fk.columns)
    child_end, parent_end = cardinality(child, fk) if known else ("zero_or_many", "zero_or_one")
    ident = known and is_identifying(child, fk)
    eid = f"fk:{child.key}.{','.join(fk.columns)}->{fk.ref_table}.{','.join(fk.ref_columns)}"
    actions = "".join(f" ON {k.upper()} {v}" for k, v in (("delete", fk.on_delete), ("update", fk.on_update)) if v)
    tip = (f"{fk.name}: {child.key}({', '.join(fk.columns)}) -> {fk.ref_table}({', '.join(fk.ref_columns)})"
           f"{actions}\n{child_end.replace('_', ' ')} {child.key} per {fk.ref_table}; "
           f"{parent_end.replace('_', ' ')} {fk.ref_table} per {child.key}"
           + ("; identifying" if ident else "") + (f" [{status}]" if status else ""))
    return Edge(eid, "fk", child.key, port(fk.columns[0]), fk.ref_table, port(fk.ref_columns[0]),
                ARROWS[child_end], ARROWS[parent_end], ident, status, tip, self_loop=child.key == fk.ref_table,
                columns=fk.columns, backward=backward)


def _m2m_edge(junction: Table) -> Edge:
    a, b = junction.foreign_keys
    tip = (f"many-to-many through {junction.name}: {a.ref_table}({', '.join(a.ref_columns)}) <-> "
           f"{b.ref_table}({', '.join(b.ref_columns)})")
    return Edge(f"m2m:{junction.key}", "m2m", a.ref_table, port(a.ref_columns[0]), b.ref_table,
                port(b.ref_columns[0]), ARROWS["zero_or_many"], ARROWS["zero_or_many"], False, "", tip,
                label=junction.name, self_loop=a.ref_table == b.ref_table)
