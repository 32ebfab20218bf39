"""The YAML format: lossless, diff-friendly, one block per table, keys in a fixed order.

Layout (every key optional except ``tables``)::

    name: shop
    comment: What this database is for.
    enums:
      order_status: [pending, paid, shipped]     # or {values: [...], comment: ...}
    domains:                                     # named types with rules (CREATE DOMAIN)
      year: integer not null check (value >= 1901)   # or {spec: ..., checks: [...], comment: ...}
    sequences:                                   # columns use them: default nextval('film_id_seq')
      film_id_seq: {start: 1, owned_by: [film, id]}  # fields at the engine's defaults left out
    tables:
      users:
        comment: People who sign in.
        group: accounts                         # subject area
        timestamps: true                        # flags appear only when true:
        soft_delete: true                       #   timestamps, soft_delete, audited
        position: [126, 506]                    # where the ERD draws it (points); none: laid out
        columns:
          id: uuid pk default uuid()            # the spec line of dbmodel_kit.model.spec
          email: varchar(255) unique not null sensitive
          role:                                 # a column with a comment or hints
            spec: enum(order_status) not null
            comment: What the person may do.
            hints: {distinct: 3}
        primary_key: [a, b]                     # only when composite (else `pk` in the spec)
        primary_key_deferrable: deferred        # or immediate: the key checked at commit (PostgreSQL)
        foreign_keys:
          - {columns: [a, b], references: t, ref_columns: [x, y], on_delete: cascade}
          - {columns: [c], references: u, deferrable: deferred}  # or immediate: checked at commit
        uniques:
          - {columns: [a, b]}                   # deferrable: immediate | deferred, as on a foreign key
        indexes:
          - {columns: [sku], unique: true, where: deleted_at IS NULL, method: btree, include: [x]}
        checks:
          - {expression: price >= 0}

Rules that make it both short and lossless:

- A single-column primary key is written ``pk`` in its column's spec; a single-column unique
  constraint, foreign key or check whose name is the naming-convention default
  (:mod:`~.naming`) is written inline (``unique``, ``references users(id) on delete cascade``,
  ``check (price >= 0)``) when that keeps the order of the table's constraints (inline ones
  come first, in column order).
- List entries are one-line flow mappings; ``name`` appears only when it differs from the
  default the convention would give, and fields at their defaults are left out.
- Text with line breaks is written double-quoted with escapes, so every entry stays one line.
- Writing is deterministic, so YAML -> Schema -> YAML is byte-identical, and every field of
  the schema survives (each table written is checked by reading it back). It always uses
  PyYAML's pure-Python emitter, so the bytes do not depend on whether libyaml is installed;
  reading uses libyaml when present.

By hand, a spec line may also carry ``comment '...'`` and ``check (...)``, and an enum may be a
mapping ``{values: [...], comment: ...}``.

Reading rejects malformed YAML, unknown keys, duplicate keys (YAML itself keeps the last one
silently; we look at the parse tree), bad spec lines and references to missing tables, with a
:class:`~dbmodel_kit.errors.ModelError` whose ``where`` is ``file.yaml:LINE``.

>>> from dbmodel_kit.examples import ecommerce
>>> text = write_yaml(ecommerce())
>>> print(text.splitlines()[6])
  users:
>>> write_yaml(read_yaml(text)) == text
True
"""

from __future__ import annotations

import io
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .._cache import IdentityCache
from ..errors import ModelError
from ..model import naming
from ..model.naming import split_key
from ..model.schema import (
    Check,
    Column,
    Domain,
    Enum,
    ForeignKey,
    Index,
    Schema,
    Sequence,
    Table,
    Unique,
    Verbatim,
    View,
    deferrable_mode,
    domain_check_name,
    position,
)
from ..model.spec import format_column, parse_column

_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"

SCHEMA_KEYS = ("name", "comment", "enums", "domains", "sequences", "tables", "views", "objects")
VIEW_KEYS = ("dialect", "materialized", "columns", "depends_on", "security_invoker", "check_option", "comment",
             "query")
OBJECT_KEYS = ("kind", "name", "schema", "dialect", "depends_on", "comment", "sql")
SEQUENCE_KEYS = ("start", "increment", "min_value", "max_value", "cycle", "cache", "type", "owned_by", "comment")
DOMAIN_KEYS = ("spec", "checks", "comment")
TABLE_KEYS = ("comment", "group", "timestamps", "soft_delete", "audited", "position", "partition_by", "partition_of",
              "partition_bound", "columns", "primary_key", "primary_key_deferrable", "foreign_keys", "uniques",
              "indexes", "checks")
TABLE_TEXTS = ("comment", "group", "partition_by", "partition_of", "partition_bound")
COLUMN_KEYS = ("spec", "comment", "hints")
ENUM_KEYS = ("values", "comment")
FK_KEYS = ("name", "columns", "references", "ref_columns", "on_delete", "on_update", "deferrable")
UNIQUE_KEYS = ("name", "columns", "deferrable")
INDEX_KEYS = ("name", "columns", "unique", "where", "method", "include")
CHECK_KEYS = ("name", "expression")
TABLE_FLAGS = ("timestamps", "soft_delete", "audited")


# -- writing ---------------------------------------------------------------------------------

class _Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line: ``{columns: [a], unique: true}``."""


class _FlowList(list):  # type: ignore[type-arg]
    """A list written on one line: ``[a, b]``."""


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper with block sequences indented under their key (easier to read)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # text with line breaks goes in double quotes with escapes: one line per entry (diff-friendly),
    # and PyYAML's plain/single-quoted styles turn U+0085 into a newline on the way back
    style = '"' if any(ch in value for ch in _LINE_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(),
                                                                 flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v,
                                                                      flow_style=True))
# hint values are frozen into tuples by Column; they are written back as lists (Column reads a
# list into the same tuple, so this is lossless at the Schema level)
_Dumper.add_representer(tuple, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def write_yaml(schema: Schema) -> str:
    """The YAML text of ``schema`` (see the module docstring for the layout)."""
    doc: dict[str, Any] = {}
    if schema.name is not None:
        doc["name"] = schema.name
    if schema.comment is not None:
        doc["comment"] = schema.comment
    if schema.enums:
        doc["enums"] = {e.key: _enum_block(e) for e in schema.enums}
    if schema.domains:
        doc["domains"] = {d.key: _domain_block(d) for d in schema.domains}
    if schema.sequences:
        doc["sequences"] = {q.key: _sequence_entry(q) for q in schema.sequences}
    if not schema.tables:
        doc["tables"] = {}
    rest: dict[str, Any] = {}
    if schema.views:
        rest["views"] = {v.key: _view_block(v) for v in schema.views}
    if schema.verbatim:
        rest["objects"] = [_object_block(o) for o in schema.verbatim]
    if not schema.tables:
        return _dump({**doc, **rest})
    # the tables one by one, each block cached per Table object: after an edit only the touched
    # table is written again (a model with a path saves after every edit; the whole 40-table
    # document took 19 ms). Byte for byte the text of dumping the whole document at once
    # (tests/test_io_yaml_cache.py): the same dumper, each entry indented as it is under "tables:".
    tables = "".join(_TABLE_TEXT.get(t, "yaml", partial(_table_text, t)) for t in schema.tables)
    return (_dump(doc) if doc else "") + "tables:\n" + tables + (_dump(rest) if rest else "")


_TABLE_TEXT = IdentityCache()


def _dump(doc: dict[str, Any]) -> str:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=2**31,
                     default_flow_style=False, indent=2)


def _table_text(t: Table) -> str:
    """``t``'s entry in the ``tables:`` mapping, as the whole document has it: the entry dumped on
    its own, every line indented two more spaces (empty lines, as inside a literal block, stay
    empty: the dumper writes no indent on them)."""
    return "\n".join("  " + line if line else line for line in _dump({t.key: _table_block(t)}).split("\n"))


class _Literal(str):
    """Text written as a YAML literal block (``|``): SQL read line by line as it was written."""


_Dumper.add_representer(_Literal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|"))


def _view_block(v: View) -> dict[str, Any]:
    block: dict[str, Any] = {}
    if v.dialect is not None:
        block["dialect"] = v.dialect
    if v.materialized:
        block["materialized"] = True
    parsed = View(v.name, v.query, v.dialect, schema=v.schema)
    if v.columns != parsed.columns:
        block["columns"] = _FlowList(v.columns)
    if v.depends_on != parsed.depends_on:
        block["depends_on"] = _FlowList(v.depends_on)
    if v.security_invoker:
        block["security_invoker"] = True
    if v.check_option is not None:
        block["check_option"] = v.check_option
    if v.comment is not None:
        block["comment"] = v.comment
    block["query"] = _Literal(v.query)
    return block


def _object_block(o: Verbatim) -> dict[str, Any]:
    block: dict[str, Any] = {"kind": o.kind, "name": o.name}
    if o.schema is not None:
        block["schema"] = o.schema
    block["dialect"] = o.dialect
    if o.depends_on:
        block["depends_on"] = _FlowList(o.depends_on)
    if o.comment is not None:
        block["comment"] = o.comment
    block["sql"] = _Literal(o.sql)
    return block


def _enum_block(e: Enum) -> Any:
    if e.comment is None:
        return _FlowList(e.values)
    return {"values": _FlowList(e.values), "comment": e.comment}


def _sequence_entry(q: Sequence) -> _Flow:
    entry = _Flow()
    for key in SEQUENCE_KEYS:
        value = getattr(q, key)
        if value is None or value is False:
            continue
        entry[key] = _FlowList(value) if key == "owned_by" else str(value) if key == "type" else value
    return entry


def _domain_block(d: Domain) -> Any:
    spec = format_column(Column("value", d.base, d.nullable, d.default))
    inline = all(ck.name == domain_check_name(d.name, i + 1) for i, ck in enumerate(d.checks))
    if inline:
        spec += "".join(f" check ({ck.expression})" for ck in d.checks)
    if inline and d.comment is None:
        return spec
    block: dict[str, Any] = {"spec": spec}
    if not inline:
        block["checks"] = [_Flow(name=ck.name, expression=ck.expression) for ck in d.checks]
    if d.comment is not None:
        block["comment"] = d.comment
    return block


def _inline_prefix(items: tuple[Any, ...], table: Table, default_name: Callable[[Any], str]) -> int:
    """How many leading ``items`` can be written inline in column specs and read back in place:
    single-column, default-named, in strictly increasing column order."""
    positions = {c: i for i, c in enumerate(table.column_names)}
    last, count = -1, 0
    for item in items:
        if len(item.columns) != 1 or item.name != default_name(item) or getattr(item, "deferrable", None):
            break
        pos = positions[item.columns[0]]
        if pos <= last:
            break
        last, count = pos, count + 1
    return count


def _check_name_omissible(table: Table) -> list[bool]:
    """For each check, whether leaving its name out makes the reader derive the same name.

    The reader (``Table``) names unnamed checks in order, taking the first of
    ``ck_<table>_<cols>``, ``..._2``, ... not used by a named check or an earlier one; so a
    name can be left out when every earlier candidate is held by an explicit or earlier check.
    """
    names = [c.name for c in table.checks]
    owner = {n: i for i, n in enumerate(names)}
    candidates: list[list[str] | None] = []
    for ck in table.checks:
        cands: list[str] = []
        n = 1
        while len(cands) <= len(names):
            cand = naming.check_name(table.key, ck.columns, n)
            cands.append(cand)
            if cand == ck.name:
                break
            n += 1
        candidates.append(cands if cands[-1] == ck.name else None)
    omit = [c is not None for c in candidates]
    changed = True
    while changed:
        changed = False
        for i, maybe in enumerate(candidates):
            if not omit[i] or maybe is None:
                continue
            for cand in maybe[:-1]:
                j = owner.get(cand)
                if j is None or (j > i and omit[j]):
                    omit[i], changed = False, True
                    break
    return omit


#: Blocks already written and checked, by table value: ``Model(path=...)`` rewrites the file after
#: every edit, and an edit leaves all but one or two tables as they were.
_BLOCKS: weakref.WeakKeyDictionary[Table, dict[str, Any]] = weakref.WeakKeyDictionary()


def _table_block(t: Table) -> dict[str, Any]:
    try:
        cached = _BLOCKS.get(t)
    except TypeError:  # an unhashable hint value (a set, say): no caching for this table
        return _checked_block(t)
    if cached is None:
        cached = _BLOCKS[t] = _checked_block(t)
    return cached


def _checked_block(t: Table) -> dict[str, Any]:
    block = _table_block_with(t, inline=True)
    # belt and braces: the block must read back as the very same table, else write everything
    # explicitly rather than lose a detail; if even that fails, say so instead of writing a lie
    for attempt in (1, 2):
        try:
            if _read_table_block_plain(t.key, block) == t:
                return block
        except ModelError as e:
            if attempt == 2:
                raise ModelError(f"cannot be written as YAML without loss: {e.message}", where=t.key) from None
        block = _table_block_with(t, inline=False)
    raise ModelError("cannot be written as YAML without loss (it reads back differently)", where=t.key)


def _table_block_with(t: Table, *, inline: bool) -> dict[str, Any]:
    block: dict[str, Any] = {}
    if t.comment is not None:
        block["comment"] = t.comment
    if t.group is not None:
        block["group"] = t.group
    for flag in TABLE_FLAGS:
        if getattr(t, flag):
            block[flag] = True
    if t.position is not None:
        block["position"] = _FlowList(t.position)
    for key in ("partition_by", "partition_of", "partition_bound"):
        if getattr(t, key) is not None:
            block[key] = getattr(t, key)
    n_uq = _inline_prefix(t.uniques, t, lambda u: naming.unique_name(t.key, u.columns)) if inline else 0
    n_fk = _inline_prefix(t.foreign_keys, t,
                          lambda f: naming.fk_name(t.key, f.columns, f.ref_table)) if inline else 0
    omissible = _check_name_omissible(t) if inline else [False] * len(t.checks)
    n_ck = _inline_prefix(t.checks, t, lambda ck: ck.name if omissible[t.checks.index(ck)] else "") if inline else 0
    inline_ck = {ck.columns[0]: ck for ck in t.checks[:n_ck]}
    inline_uq = {u.columns[0] for u in t.uniques[:n_uq]}
    inline_fk = {f.columns[0]: f for f in t.foreign_keys[:n_fk]}
    single_pk = inline and len(t.primary_key) == 1
    columns: dict[str, Any] = {}
    for c in t.columns:
        spec = format_column(c, primary_key=single_pk and c.name == t.primary_key[0],
                             unique=c.name in inline_uq, references=inline_fk.get(c.name))
        if c.name in inline_ck:
            spec += f" check ({inline_ck[c.name].expression})"
        if c.comment is None and not c.hints:
            columns[c.name] = spec
        else:
            entry: dict[str, Any] = {"spec": spec}
            if c.comment is not None:
                entry["comment"] = c.comment
            if c.hints:
                entry["hints"] = _Flow(c.hints)
            columns[c.name] = entry
    block["columns"] = columns
    if t.primary_key and not single_pk:
        block["primary_key"] = _FlowList(t.primary_key)
    if t.primary_key_deferrable:
        block["primary_key_deferrable"] = t.primary_key_deferrable
    fks = [_fk_entry(t, fk, explicit=not inline) for fk in t.foreign_keys[n_fk:]]
    if fks:
        block["foreign_keys"] = fks
    uqs = [_named(_Flow(columns=_FlowList(u.columns), **({"deferrable": u.deferrable} if u.deferrable else {})),
                  u.name, naming.unique_name(t.key, u.columns), not inline)
           for u in t.uniques[n_uq:]]
    if uqs:
        block["uniques"] = uqs
    ixs = [_index_entry(t, ix, explicit=not inline) for ix in t.indexes]
    if ixs:
        block["indexes"] = ixs
    cks = [_Flow(expression=ck.expression) if omit else _Flow(name=ck.name, expression=ck.expression)
           for ck, omit in zip(t.checks[n_ck:], omissible[n_ck:])]
    if cks:
        block["checks"] = cks
    return block


def _named(entry: _Flow, name: str, default: str, explicit: bool) -> _Flow:
    if explicit or name != default:
        return _Flow(name=name, **entry)
    return entry


def _fk_entry(t: Table, fk: ForeignKey, *, explicit: bool) -> _Flow:
    entry = _Flow(columns=_FlowList(fk.columns), references=fk.ref_table, ref_columns=_FlowList(fk.ref_columns))
    if fk.on_delete:
        entry["on_delete"] = fk.on_delete.lower()
    if fk.on_update:
        entry["on_update"] = fk.on_update.lower()
    if fk.deferrable:
        entry["deferrable"] = fk.deferrable
    return _named(entry, fk.name, naming.fk_name(t.key, fk.columns, fk.ref_table), explicit)


def _index_entry(t: Table, ix: Index, *, explicit: bool) -> _Flow:
    entry = _Flow(columns=_FlowList(ix.columns))
    if ix.unique:
        entry["unique"] = True
    if ix.where is not None:
        entry["where"] = ix.where
    if ix.method is not None:
        entry["method"] = ix.method
    if ix.include:
        entry["include"] = _FlowList(ix.include)
    return _named(entry, ix.name, naming.index_name(t.key, ix.columns, ix.unique), explicit)


# -- reading ---------------------------------------------------------------------------------

#: libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one;
#: both give nodes with line marks.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader that refuses duplicate keys (YAML would keep the last one silently)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            if isinstance(key, list | dict):
                raise _at(key_node, "a mapping key must be a plain value")
            if key in seen:
                raise _at(key_node, f"duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep)


class _Located(ModelError):
    """A ModelError still waiting for the file name (raised deep inside the reader)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _at(node: Node, message: str) -> _Located:
    return _Located(message, _line(node))


def _line(node: Node) -> int:
    # nodes made by the writer's self-check (represented, never parsed) carry no mark
    return node.start_mark.line + 1 if node.start_mark is not None else 0


@dataclass
class _Places:
    """Line of each table, column and constraint, to locate errors raised by the model."""

    lines: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, node: Node) -> None:
        self.lines.setdefault(key, _line(node))

    def line_of(self, where: str | None) -> int | None:
        return self.lines.get(where) if where is not None else None


def read_yaml(text: str, *, source: str = "<string>") -> Schema:
    """A :class:`Schema` from YAML text; errors name ``source:LINE``."""
    loader = _Loader(text)
    try:
        try:
            _check_structure(text, source)
            root = loader.get_single_node()  # type: ignore[no-untyped-call]
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark is not None else 1
            raise ModelError(f"not valid YAML: {e.problem or e.context}", where=f"{source}:{line}") from None
        except yaml.YAMLError as e:
            raise ModelError(f"not valid YAML: {e}", where=source) from None
        if root is None:
            raise ModelError("the file is empty; a schema has at least a 'tables:' key", where=f"{source}:1")
        places = _Places()
        try:
            return _read_schema(loader, root, places)
        except _Located as e:
            raise ModelError(e.message, where=f"{source}:{e.line}") from None
        except ModelError as e:
            line = places.line_of(e.where) or 1
            raise e.at(f"{source}:{line}") from None
    finally:
        loader.dispose()


#: Most nodes the aliases of one file may add when expanded: a schema reuses an anchor a few times
#: (a `&defaults` column list); nine aliases nine levels deep ("billion laughs") would add 387 million.
MAX_ALIAS_NODES = 100_000


def _check_structure(text: str, source: str) -> None:
    """Refuse YAML nested deeper than MAX_NESTING levels, with an alias to the node that holds it
    (a cycle), or whose aliases expand past MAX_ALIAS_NODES nodes: read from the event stream,
    before anything is built (libyaml's composer recurses once per level, and every reader of the
    built value would expand a bomb)."""
    from ..inputs import MAX_NESTING

    open_sizes: list[int] = []  # expanded node count of each collection still open
    open_anchors: list[str | None] = []
    sizes: dict[str, int] = {}
    added = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        if isinstance(event, yaml.CollectionStartEvent):
            open_sizes.append(1)
            open_anchors.append(event.anchor)
            if len(open_sizes) > MAX_NESTING:
                raise ModelError(f"nested deeper than {MAX_NESTING} levels; no schema needs that",
                                 where=f"{source}:{line}")
        elif isinstance(event, yaml.CollectionEndEvent):
            size = open_sizes.pop()
            anchor = open_anchors.pop()
            if anchor is not None:
                sizes[anchor] = size
            if open_sizes:
                open_sizes[-1] += size
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = 1
            if open_sizes:
                open_sizes[-1] += 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise ModelError(f"alias *{event.anchor} refers to a node that contains it (a cycle)",
                                 where=f"{source}:{line}")
            size = sizes.get(event.anchor, 1)  # an unknown anchor: the composer names it next
            added += size
            if added > MAX_ALIAS_NODES:
                raise ModelError(f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (an alias bomb?); "
                                 "write the values out", where=f"{source}:{line}")
            if open_sizes:
                open_sizes[-1] += size


def _mapping(node: Node, what: str, allowed: Iterable[str] | None = None) -> list[tuple[str, Node, Node]]:
    """The (key, key node, value node) items of a mapping node, refusing duplicate/unknown keys."""
    if not isinstance(node, MappingNode):
        raise _at(node, f"{what} must be a mapping (key: value lines)")
    allowed = tuple(allowed) if allowed is not None else None
    seen: set[str] = set()
    items: list[tuple[str, Node, Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise _at(key_node, f"a key in {what} must be plain text")
        key = key_node.value
        if key in seen:
            raise _at(key_node, f"duplicate key {key!r} in {what}")
        seen.add(key)
        if allowed is not None and key not in allowed:
            raise _at(key_node, f"unknown key {key!r} in {what}; known keys: {', '.join(allowed)}")
        items.append((key, key_node, value_node))
    return items


def _text(node: Node, what: str) -> str | None:
    if isinstance(node, ScalarNode):
        return None if node.tag == _NULL_TAG else node.value
    raise _at(node, f"{what} must be text")


def _name(node: Node, what: str) -> str:
    value = _text(node, what)
    if not value:
        raise _at(node, f"{what} must be non-empty text")
    return value


def _bool(loader: _Loader, node: Node, what: str) -> bool:
    if isinstance(node, ScalarNode) and node.tag == _BOOL_TAG:
        return bool(loader.construct_object(node))  # type: ignore[no-untyped-call]
    raise _at(node, f"{what} must be true or false")


def _position(loader: _Loader, node: Node) -> tuple[int, int]:
    numbers = isinstance(node, SequenceNode) and len(node.value) == 2 and all(
        isinstance(n, ScalarNode) and n.tag in (_INT_TAG, _FLOAT_TAG) for n in node.value)
    if not numbers:
        raise _at(node, "position must be two numbers, like [120, 80]")
    try:
        return position(tuple(loader.construct_object(n) for n in node.value))  # type: ignore[no-untyped-call]
    except ModelError as e:
        raise _at(node, e.message) from None


def _names(node: Node, what: str) -> tuple[str, ...]:
    if isinstance(node, ScalarNode):
        return (_name(node, what),)
    if isinstance(node, SequenceNode):
        return tuple(_name(n, what) for n in node.value)
    raise _at(node, f"{what} must be a list like [a, b]")


def _read_schema(loader: _Loader, root: Node, places: _Places) -> Schema:
    items = _mapping(root, "the schema", SCHEMA_KEYS)
    keys = {k for k, _, _ in items}
    if "tables" not in keys:
        raise _at(root, "a schema needs a 'tables:' key")
    values: dict[str, Any] = {}
    enums: list[Enum] = []
    domains: list[Domain] = []
    sequences: list[Sequence] = []
    views: list[View] = []
    objects: list[Verbatim] = []
    tables: list[Table] = []
    table_names: set[str] = set()
    table_nodes: list[tuple[str, Node, Node]] = []
    for key, _key_node, value in items:
        if key in ("name", "comment"):
            values[key] = _text(value, key)
        elif key == "enums":
            for ename, enode, evalue in _mapping(value, "enums"):
                enums.append(_read_enum(ename, enode, evalue))
        elif key == "domains":
            for dname, dnode, dvalue in _mapping(value, "domains"):
                domains.append(_read_domain(dname, dnode, dvalue))
        elif key == "sequences":
            for qname, qnode, qvalue in _mapping(value, "sequences"):
                places.add(f"sequence {qname}", qnode)
                sequences.append(_read_sequence(loader, qname, qnode, qvalue))
        elif key == "tables":
            if isinstance(value, ScalarNode) and value.tag == _NULL_TAG:
                continue
            table_nodes = _mapping(value, "tables")
        elif key == "views":
            for vname, vnode, vvalue in _mapping(value, "views"):
                places.add(f"view {vname}", vnode)
                views.append(_read_view(loader, vname, vnode, vvalue))
        elif key == "objects":
            if not isinstance(value, SequenceNode):
                raise _at(value, "objects is a list of {kind, name, dialect, sql} entries")
            objects.extend(_read_object(loader, entry) for entry in value.value)
    table_names = {name for name, _, _ in table_nodes}
    enum_names = {e.key for e in enums}
    for tname, tnode, tvalue in table_nodes:
        places.add(tname, tnode)
        tables.append(_read_table(loader, tname, tnode, tvalue, places, table_names, enum_names))
    try:
        return Schema(tuple(tables), tuple(enums), domains=tuple(domains), sequences=tuple(sequences),
                      views=tuple(views), verbatim=tuple(objects), **values)
    except ModelError as e:
        seq = next((q.key for q in sequences if f"sequence {q.key!r}" in e.message), None)
        raise e.at(f"sequence {seq}") if seq is not None and e.where is None else e from None


def _read_view(loader: _Loader, key: str, key_node: Node, node: Node) -> View:
    fields: dict[str, Any] = {}
    for k, _, value in _mapping(node, f"view {key}", VIEW_KEYS):
        if k in ("materialized", "security_invoker"):
            fields[k] = _bool(loader, value, k)
        elif k in ("columns", "depends_on"):
            fields[k] = _names(value, k)
        else:
            fields[k] = _text(value, k)
    if not fields.get("query"):
        raise _at(node, f"view {key} needs a query")
    name, namespace = _split(key)
    try:
        return View(name, fields.pop("query"), schema=namespace, **fields)
    except ModelError as e:
        raise _at(key_node, f"view {key}: {e.message}") from None


def _read_object(loader: _Loader, node: Node) -> Verbatim:
    fields: dict[str, Any] = {}
    for k, _, value in _mapping(node, "an object", OBJECT_KEYS):
        fields[k] = _names(value, k) if k == "depends_on" else _text(value, k)
    for need in ("kind", "name", "dialect", "sql"):
        if not fields.get(need):
            raise _at(node, f"an object needs {need}: (kind, name, dialect and sql)")
    try:
        return Verbatim(**fields)
    except ModelError as e:
        raise _at(node, e.message) from None


def _split(key: str) -> tuple[str, str | None]:
    """``(name, schema)`` of a key written ``name`` or ``schema.name`` (see :func:`~.naming.qualify`)."""
    namespace, name = split_key(key)
    return name, namespace


def _read_sequence(loader: _Loader, name: str, key_node: Node, node: Node) -> Sequence:
    fields: dict[str, Any] = {}
    if not (isinstance(node, ScalarNode) and node.tag == _NULL_TAG):
        for key, _, value in _mapping(node, f"sequence {name}", SEQUENCE_KEYS):
            if key == "cycle":
                fields[key] = _bool(loader, value, key)
            elif key == "owned_by":
                owner = _names(value, "owned_by")
                if len(owner) != 2:
                    raise _at(value, "owned_by is [table, column]")
                fields[key] = owner
            elif key in ("type", "comment"):
                fields[key] = _text(value, key)
            else:
                if not (isinstance(value, ScalarNode) and value.tag == _INT_TAG):
                    raise _at(value, f"{key} is a whole number")
                fields[key] = int(value.value)
    try:
        bare, namespace = _split(name)
        return Sequence(bare, **fields, schema=namespace)
    except ModelError as e:
        raise _at(key_node, e.message) from None


def _read_domain(name: str, key_node: Node, node: Node) -> Domain:
    spec_node, comment, checks = node, None, None
    if isinstance(node, MappingNode):
        spec_node = None  # type: ignore[assignment]
        for key, _, value in _mapping(node, f"domain {name}", DOMAIN_KEYS):
            if key == "spec":
                spec_node = value
            elif key == "comment":
                comment = _text(value, "comment")
            else:
                if not isinstance(value, SequenceNode):
                    raise _at(value, "checks is a list of one-line entries: - {name: n, expression: value > 0}")
                checks = [_read_domain_check(name, entry) for entry in value.value]
        if spec_node is None:
            raise _at(node, f"domain {name} needs a 'spec:' line")
    if not isinstance(spec_node, ScalarNode) or spec_node.tag == _NULL_TAG:
        raise _at(spec_node, f"domain {name}: write a spec line like 'integer not null check (value > 0)'")
    try:
        spec = parse_column("value", spec_node.value)
        if spec.primary_key or spec.unique or spec.references is not None or spec.column.generated \
                or spec.column.sensitive or (spec.column.default and spec.column.default.kind == "identity"):
            raise ModelError("a domain has a type, not null, a default and checks only")
        if checks is not None and spec.checks:
            raise ModelError("checks are given both in the spec line and as checks:")
        c = spec.column
        bare, namespace = _split(name)
        return Domain(bare, c.type, c.nullable, c.default, tuple(checks if checks is not None else spec.checks),
                      comment if comment is not None else c.comment, schema=namespace)
    except ModelError as e:
        raise _at(spec_node, f"domain {name}: {e.message}") from None


def _read_domain_check(domain: str, node: Node) -> Check:
    fields = {k: _text(v, k) for k, _, v in _mapping(node, f"a check of domain {domain}", CHECK_KEYS)}
    if not fields.get("expression"):
        raise _at(node, f"a check of domain {domain} needs an expression")
    try:
        return Check(fields["expression"] or "", name=fields.get("name") or "")
    except ModelError as e:
        raise _at(node, e.message) from None


def _read_enum(name: str, key_node: Node, node: Node) -> Enum:
    comment = None
    if isinstance(node, MappingNode):
        values: tuple[str, ...] = ()
        for key, _, value in _mapping(node, f"enum {name}", ENUM_KEYS):
            if key == "values":
                values = _names(value, f"enum {name}'s values")
            else:
                comment = _text(value, "comment")
    elif isinstance(node, SequenceNode):
        values = _names(node, f"enum {name}'s values")
    else:
        raise _at(node, f"enum {name} is a list of values: [a, b, c]")
    try:
        bare, namespace = _split(name)
        return Enum(bare, values, comment, schema=namespace)
    except ModelError as e:
        raise _at(key_node, e.message) from None


@dataclass
class _Block:
    """What a table block says, before it becomes a Table (so errors can still name lines)."""

    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[Unique] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


def _read_table(loader: _Loader, name: str, key_node: Node, node: Node, places: _Places,
                table_names: set[str], enum_names: set[str]) -> Table:
    block = _Block()
    inline_fks: list[ForeignKey] = []
    inline_uqs: list[Unique] = []
    inline_checks: list[Check] = []
    explicit_pk: tuple[str, ...] | None = None
    deferrable_node: Node = key_node
    column_lines: dict[str, Node] = {}
    pending: list[tuple[Node, str, tuple[str, ...]]] = []  # (node, what, columns it names)
    has_columns = False
    for key, _, value in _mapping(node, f"table {name}", TABLE_KEYS):
        if key in TABLE_TEXTS:
            block.options[key] = _text(value, key)
        elif key in TABLE_FLAGS:
            block.options[key] = _bool(loader, value, key)
        elif key == "position":
            block.options[key] = _position(loader, value)
        elif key == "columns":
            has_columns = True
            for cname, cnode, cvalue in _mapping(value, f"the columns of {name}"):
                column_lines[cname] = cnode
                places.add(f"{name}.{cname}", cnode)
                spec = _read_column(loader, name, cname, cnode, cvalue, enum_names)
                block.columns.append(spec.column)
                if spec.primary_key:
                    block.primary_key.append(cname)
                if spec.unique:
                    inline_uqs.append(Unique((cname,)))
                    places.add(f"{name}.{naming.unique_name(name, (cname,))}", cnode)
                if spec.references is not None:
                    _need_table(spec.references.ref_table, table_names, cnode)
                    inline_fks.append(spec.references)
                    places.add(f"{name}.{naming.fk_name(name, (cname,), spec.references.ref_table)}", cnode)
                inline_checks.extend(spec.checks)
        elif key == "primary_key":
            explicit_pk = _names(value, "primary_key")
            pending.append((value, "the primary key", explicit_pk))
        elif key == "primary_key_deferrable":
            try:
                block.options[key] = deferrable_mode(_text(value, key), "primary_key_deferrable")
            except ModelError as e:
                raise _at(value, e.message) from None
            deferrable_node = value
        else:
            if not isinstance(value, SequenceNode):
                raise _at(value, f"{key} is a list of one-line entries: - {{columns: [a, b]}}")
            for entry in value.value:
                _read_entry(loader, name, key, entry, block, places, table_names, pending)
    if not has_columns:
        raise _at(key_node, f"table {name} has no 'columns:'")
    if explicit_pk is not None:
        if block.primary_key:
            raise _at(key_node, f"table {name} declares its primary key both inline (pk) and as primary_key")
        block.primary_key = list(explicit_pk)
    if block.options.get("primary_key_deferrable") and not block.primary_key:
        raise _at(deferrable_node, f"primary_key_deferrable: table {name} has no primary key to defer")
    known = {c.name for c in block.columns}
    for where_node, what, cols in pending:
        for col in cols:
            if col not in known:
                raise _at(where_node, f"{what} names column {col!r}, which table {name} does not have")
    try:
        bare, namespace = _split(name)
        return Table(bare, tuple(block.columns), primary_key=tuple(block.primary_key), schema=namespace,
                     foreign_keys=(*inline_fks, *block.foreign_keys), indexes=tuple(block.indexes),
                     uniques=(*inline_uqs, *block.uniques), checks=(*inline_checks, *block.checks),
                     **block.options)
    except ModelError as e:
        raise _at(key_node, e.message) from None


def _need_table(table: str, table_names: set[str], node: Node) -> None:
    if table not in table_names:
        raise _at(node, f"references table {table!r}, which the file does not declare")


def _read_column(loader: _Loader, table: str, name: str, key_node: Node, node: Node,
                 enum_names: set[str]) -> Any:
    comment: str | None = None
    hints: Any = None
    spec_node = node
    if isinstance(node, MappingNode):
        spec_node = None  # type: ignore[assignment]
        for key, _, value in _mapping(node, f"column {table}.{name}", COLUMN_KEYS):
            if key == "spec":
                spec_node = value
            elif key == "comment":
                comment = _text(value, "comment")
            else:
                hints = loader.construct_document(value)  # type: ignore[no-untyped-call]
                if not isinstance(hints, dict):
                    raise _at(value, "hints is a mapping: {distinct: 100, null_fraction: 0.1}")
        if spec_node is None:
            raise _at(node, f"column {table}.{name} needs a 'spec:' line")
    if not isinstance(spec_node, ScalarNode) or spec_node.tag == _NULL_TAG:
        raise _at(spec_node, f"column {table}.{name}: write a spec line like 'varchar(255) not null'")
    try:
        spec = parse_column(name, spec_node.value)
    except ModelError as e:
        raise _at(spec_node, f"column {table}.{e.where or name}: {e.message}") from None
    column = spec.column
    if column.type.kind == "enum" and column.type.enum not in enum_names:
        raise _at(spec_node, f"column {table}.{name} has type {column.type}, but no such enum is declared")
    if comment is not None:
        if column.comment is not None:
            raise _at(key_node, f"column {table}.{name} has a comment both in its spec and as comment:")
        column = replace(column, comment=comment)
    if hints is not None:
        column = replace(column, hints=tuple(hints.items()))
    return spec if column is spec.column else replace(spec, column=column)


def _read_entry(loader: _Loader, table: str, key: str, node: Node, block: _Block, places: _Places,
                table_names: set[str], pending: list[tuple[Node, str, tuple[str, ...]]]) -> None:
    allowed = {"foreign_keys": FK_KEYS, "uniques": UNIQUE_KEYS, "indexes": INDEX_KEYS, "checks": CHECK_KEYS}[key]
    what = f"an entry of {table}'s {key}"
    fields: dict[str, Any] = {}
    for k, _, value in _mapping(node, what, allowed):
        if k in ("columns", "ref_columns", "include"):
            fields[k] = _names(value, k)
        elif k == "unique":
            fields[k] = _bool(loader, value, k)
        else:
            fields[k] = _text(value, k)
    try:
        if key == "checks":
            if not fields.get("expression"):
                raise _at(node, f"{what} needs an expression")
            item: Any = Check(fields["expression"], name=fields.get("name") or "")
            pending.append((node, f"check ({item.expression})", item.columns))
            block.checks.append(item)
            return
        if not fields.get("columns"):
            raise _at(node, f"{what} needs columns: [...]")
        if key == "foreign_keys":
            if not fields.get("references"):
                raise _at(node, f"{what} needs references: TABLE")
            _need_table(fields["references"], table_names, node)
            item = ForeignKey(fields["columns"], fields["references"], fields.get("ref_columns", ()),
                              name=fields.get("name") or "", on_delete=fields.get("on_delete"),
                              on_update=fields.get("on_update"), deferrable=fields.get("deferrable"))
            default = naming.fk_name(table, item.columns, item.ref_table)
            block.foreign_keys.append(item)
        elif key == "uniques":
            item = Unique(fields["columns"], name=fields.get("name") or "", deferrable=fields.get("deferrable"))
            default = naming.unique_name(table, item.columns)
            block.uniques.append(item)
        else:
            item = Index(fields["columns"], name=fields.get("name") or "", unique=fields.get("unique", False),
                         where=fields.get("where"), method=fields.get("method"), include=fields.get("include", ()))
            default = naming.index_name(table, item.columns, item.unique)
            block.indexes.append(item)
            pending.append((node, "an index", item.include))
            if item.where:
                from ..model.schema import sql_columns

                pending.append((node, "an index's WHERE", sql_columns(item.where)))
    except ModelError as e:
        if isinstance(e, _Located):
            raise
        raise _at(node, e.message) from None
    pending.append((node, f"an entry of {key}", item.columns))
    places.add(f"{table}.{item.name or default}", node)


def _read_table_block_plain(name: str, block: dict[str, Any]) -> Table:
    """Read a table block as the writer would write it (the writer's self-check). The block is
    turned into YAML nodes by the dumper's representer, skipping the (slow) emit and parse."""
    dumper = _Dumper(io.StringIO(), sort_keys=False)
    try:
        node = dumper.represent_data(block)
        key = ScalarNode("tag:yaml.org,2002:str", name)
    finally:
        dumper.dispose()
    loader = _Loader("")
    try:
        everything = _Everything()
        return _read_table(loader, name, key, node, _Places(), everything, everything)  # type: ignore[arg-type]
    finally:
        loader.dispose()


class _Everything:
    """A container that holds every name (the writer's self-check reads one table alone)."""

    def __contains__(self, item: object) -> bool:
        return True
