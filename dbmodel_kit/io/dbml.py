"""DBML (dbdiagram.io's format): read with pydbml, written by hand.

Read: ``Project`` (name and ``Note`` -> the schema's name and comment), ``Enum``, ``Table``
(column settings ``pk``, ``unique``, ``not null``, ``null``, ``increment``, ``default``,
``note``, inline ``ref``; the table ``Note``; ``indexes`` with ``pk`` for a composite primary
key, ``unique``, ``name`` and ``type``), ``Ref`` (also composite, with ``delete``/``update``
actions; ``<`` and ``-`` are read as the foreign key they imply), ``TableGroup`` (-> each
table's ``group``). A unique index whose note is ``constraint`` is read as a UNIQUE
constraint (that is how the writer marks composite unique constraints, which DBML lacks).

Written by hand rather than with pydbml's renderer because that renderer does not escape
quotes in names, always quotes every identifier, has no place for the model's composite
unique constraints, and we want a stable, diff-friendly layout (refs after the tables, in
model order, names only where they differ from the naming convention).

Notes are re-indented by pydbml (blank lines and common indentation stripped), so a comment
reads back in that form; a blank comment is left out. DBML cannot carry checks, partial-index
``WHERE``, ``INCLUDE``, index methods outside btree/hash/gin/gist/brin/spgist, generated
columns, ``sensitive``, hints, the timestamps/soft-delete/audited flags, enum comments, domains,
sequences (a ``nextval`` default is written ``increment``), native spellings, collations,
``DEFERRABLE`` or ``ON UPDATE now()``; the writer lists them in ``//`` comments above the table or the file (so a
reader of the file sees them), and reading ignores comments. Schemas (namespaces) are DBML's own
``schema.table``; DBML's default schema ``public`` reads as the model's default. Names containing a
double quote or a line break, and table names containing a dot, cannot be written (pydbml's grammar
has no escape for them) and raise :class:`~dbmodel_kit.errors.ModelError`.

>>> from dbmodel_kit.examples import ecommerce
>>> text = write_dbml(ecommerce())
>>> print(text[text.index("Table users"):].splitlines()[1])
  id uuid [pk, default: `uuid()`]
>>> read_dbml(text).table("order_items").foreign_keys == ecommerce().table("order_items").foreign_keys
True
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from ..errors import ModelError
from ..model import naming
from ..model.naming import qualify, split_key
from ..model.schema import Column, Default, Enum, ForeignKey, Index, Schema, Table, Unique
from ..model.types import DataType

#: the schema pydbml gives a table or enum written without one
DBML_DEFAULT_SCHEMA = "public"

_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: DBML words that would be misread as syntax if written bare.
_KEYWORDS = frozenset({"table", "ref", "enum", "note", "indexes", "project", "tablegroup", "as", "pk", "unique",
                       "null", "not", "increment", "default", "true", "false", "primary", "key"})
#: Index types DBML's grammar accepts.
INDEX_TYPES = ("btree", "hash", "gin", "gist", "brin", "spgist")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_UNIQUE_CONSTRAINT_NOTE = "constraint"


# -- writing ---------------------------------------------------------------------------------

def _name(name: str) -> str:
    if '"' in name or "\n" in name or "\r" in name:
        raise ModelError(f"DBML cannot write the name {name!r} (no escape for quotes or line breaks)")
    if _BARE.match(name) and name.lower() not in _KEYWORDS:
        return name
    return f'"{name}"'


def _string(text: str) -> str:
    """A DBML string literal; line breaks and tabs as escapes (pyparsing turns them back into
    characters; a raw tab would be expanded to spaces by pyparsing's parse_string)."""
    body = _escape(text).replace("\n", "\\n").replace("\r", "\\r")
    return f"'{body}'"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'").replace("\t", "\\t")


def _note(text: str) -> str | None:
    """A ``note:`` value, or None for blank text: pydbml re-indents notes (strips blank lines and
    common indentation, see pydbml.tools.remove_indentation) and fails on blank multi-line ones."""
    if not text.strip():
        return None
    if "\n" in text or "\r" in text:
        return "'''" + _escape(text) + "'''"
    return _string(text)


def _expression(text: str) -> str:
    if "`" in text:
        raise ModelError(f"DBML cannot write the expression {text!r} (it contains a backtick)")
    return f"`{text}`"


def _default(d: Default) -> str | None:
    if d.kind == "identity":
        return None
    if d.kind == "literal":
        if isinstance(d.value, bool):
            return "true" if d.value else "false"
        if isinstance(d.value, str):
            return _string(d.value)
        text = repr(d.value)
        return text if _NUMBER.match(text) else _expression(text)  # DBML numbers have no sign or exponent
    return _expression(str(d))


def _key(key: str) -> str:
    """A model key as DBML writes it: ``name`` or ``schema.name`` (DBML's own schema syntax)."""
    namespace, name = split_key(key)
    return _name(name) if namespace is None else f"{_name(namespace)}.{_name(name)}"


def _read_key(obj: Any) -> str:
    """The model key of a pydbml table or enum; DBML's default schema ``public`` is the default."""
    namespace = getattr(obj, "schema", None)
    return qualify(None if namespace in (None, "", DBML_DEFAULT_SCHEMA) else namespace, obj.name)


def _columns_ref(table: str, columns: tuple[str, ...]) -> str:
    if len(columns) == 1:
        return f"{_key(table)}.{_name(columns[0])}"
    return f"{_key(table)}.({', '.join(_name(c) for c in columns)})"


def write_dbml(schema: Schema) -> str:
    """The DBML text of ``schema`` (see the module docstring for what DBML cannot hold)."""
    out: list[str] = []
    if schema.name is not None:
        out.append(f"Project {_name(schema.name)} {{")
        if schema.comment is not None and _note(schema.comment):
            out.append(f"  Note: {_note(schema.comment)}")
        out += ["}", ""]
    left = [f"domain {d.key}: {d.base}" + ("" if d.nullable else " not null")
            + "".join(f" check ({ck.expression})" for ck in d.checks) for d in schema.domains]
    left += [f"sequence {q.key}" for q in schema.sequences]
    from ..ddl.objects import beside_tables

    left += beside_tables(schema)  # DBML has no views, triggers, routines or partitioning
    if left:
        out += [f"// not carried by DBML: {_comment_text(n)}" for n in left] + [""]
    for e in schema.enums:
        if e.comment is not None:
            out.append(f"// enum {e.key}: {_comment_text(e.comment)}")
        out.append(f"Enum {_key(e.key)} {{")
        out += [f"  {_name(v)}" for v in e.values]
        out += ["}", ""]
    for t in schema.tables:
        if "." in t.name or (t.schema is not None and "." in t.schema):
            # pydbml reads `"a.b"` as table b of schema a (see pydbml's table lookup by full name)
            raise ModelError("DBML cannot write a table name containing a dot", where=t.key)
        out += _table_lines(t)
        out.append("")
    for t in schema.tables:
        for fk in t.foreign_keys:
            name = "" if fk.name == naming.fk_name(t.key, fk.columns, fk.ref_table) else f" {_name(fk.name)}"
            settings = []
            if fk.on_delete:
                settings.append(f"delete: {fk.on_delete.lower()}")
            if fk.on_update:
                settings.append(f"update: {fk.on_update.lower()}")
            tail = f" [{', '.join(settings)}]" if settings else ""
            out.append(f"Ref{name}: {_columns_ref(t.key, fk.columns)} > "
                       f"{_columns_ref(fk.ref_table, fk.ref_columns)}{tail}")
    if any(t.foreign_keys for t in schema.tables):
        out.append("")
    groups: dict[str, list[str]] = {}
    for t in schema.tables:
        if t.group is not None:
            groups.setdefault(t.group, []).append(t.key)
    for group, names in groups.items():
        out.append(f"TableGroup {_name(group)} {{")
        out += [f"  {_key(n)}" for n in names]
        out += ["}", ""]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _comment_text(text: str) -> str:
    return " ".join(text.split())


def _not_carried(t: Table) -> list[str]:
    """What the model says about ``t`` that DBML has no syntax for, one line each."""
    notes = [f"{flag.replace('_', ' ')}: true" for flag in ("timestamps", "soft_delete", "audited")
             if getattr(t, flag)]
    notes += [f"check {ck.name}: {ck.expression}" for ck in t.checks]
    for c in t.columns:
        if c.type != dbml_type(c.type):
            notes.append(f"{c.name}: type {c.type}")
        if c.default is not None and c.default.kind == "sequence":
            notes.append(f"{c.name}: default {c.default}")
        if c.on_update:
            notes.append(f"{c.name}: on update now()")
        if c.generated:
            notes.append(f"{c.name}: generated ({c.generated})")
        if c.sensitive:
            notes.append(f"{c.name}: sensitive")
        if c.hints:
            notes.append(f"{c.name}: hints {dict(c.hints)}")
    from ..ddl import deferrable_sql

    if t.primary_key_deferrable:
        notes.append(f"primary key: {deferrable_sql(t.primary_key_deferrable)}")
    notes += [f"{what} {item.name}: {deferrable_sql(item.deferrable)}"
              for what, items in (("foreign key", t.foreign_keys), ("unique", t.uniques))
              for item in items if item.deferrable]
    for ix in t.indexes:
        if ix.where:
            notes.append(f"index {ix.name}: where {ix.where}")
        if ix.include:
            notes.append(f"index {ix.name}: include ({', '.join(ix.include)})")
        if ix.method and ix.method not in INDEX_TYPES:
            notes.append(f"index {ix.name}: using {ix.method}")
    return [f"// {_comment_text(n)}" for n in notes]


def dbml_type(t: DataType) -> DataType:
    """The type as DBML writes it, and so reads it back: native spellings and collations left out
    (said in a comment), domains and native kinds as ``text`` (the comment gives the real type).

    >>> str(dbml_type(DataType.parse("varchar(160) native(sqlite: 'nvarchar(160)')")))
    'varchar(160)'
    """
    t = t.logical
    if t.kind in ("domain", "native"):
        return DataType("text")
    return t


#: a type DBML's grammar reads bare: a word, with parameters of words (``varchar(20)``, ``geometry(point)``)
_BARE_TYPE = re.compile(r"[A-Za-z_]\w*(\(\s*\w+(\s*,\s*\w+)*\s*\))?")


def _type_text(t: DataType) -> str:
    """A column type as DBML writes it: bare, or in double quotes when it has a space or brackets
    (``"bigint unsigned"``, ``"text[]"``: pydbml read them bare as the end of the type)."""
    text = str(t)
    if _BARE_TYPE.fullmatch(text):
        return text
    if '"' in text or "\n" in text:
        raise ModelError(f"DBML cannot write the type {text!r} (no escape for quotes or line breaks)")
    return f'"{text}"'


def _index_subject(columns: tuple[str, ...]) -> str:
    return _name(columns[0]) if len(columns) == 1 else f"({', '.join(_name(c) for c in columns)})"


def _table_lines(t: Table) -> list[str]:
    out = _not_carried(t)
    out.append(f"Table {_key(t.key)} {{")
    single_pk = t.primary_key[0] if len(t.primary_key) == 1 else None
    inline_unique = {u.columns[0] for u in t.uniques
                     if len(u.columns) == 1 and u.name == naming.unique_name(t.key, u.columns)}
    for c in t.columns:
        settings = []
        if c.name == single_pk:
            settings.append("pk")
        if c.name in inline_unique:
            settings.append("unique")
        if not c.nullable and c.name != single_pk:
            settings.append("not null")
        if c.default is not None:
            if c.default.kind in ("identity", "sequence"):
                settings.append("increment")
            else:
                settings.append(f"default: {_default(c.default)}")
        if c.comment is not None and _note(c.comment):
            settings.append(f"note: {_note(c.comment)}")
        dtype = dbml_type(c.type)
        type_text = _key(dtype.enum) if dtype.kind == "enum" and dtype.enum else _type_text(dtype)
        tail = f" [{', '.join(settings)}]" if settings else ""
        out.append(f"  {_name(c.name)} {type_text}{tail}")
    indexes: list[str] = []
    if len(t.primary_key) > 1:
        indexes.append(f"{_index_subject(t.primary_key)} [pk]")
    for u in t.uniques:
        if u.columns[0] in inline_unique and len(u.columns) == 1 and u.name == naming.unique_name(t.key, u.columns):
            continue
        named = "" if u.name == naming.unique_name(t.key, u.columns) else f", name: {_string(u.name)}"
        indexes.append(f"{_index_subject(u.columns)} [unique{named}, note: {_string(_UNIQUE_CONSTRAINT_NOTE)}]")
    for ix in t.indexes:
        settings = []
        if ix.unique:
            settings.append("unique")
        if ix.method in INDEX_TYPES:
            settings.append(f"type: {ix.method}")
        if ix.name != naming.index_name(t.key, ix.columns, ix.unique):
            settings.append(f"name: {_string(ix.name)}")
        tail = f" [{', '.join(settings)}]" if settings else ""
        indexes.append(f"{_index_subject(ix.columns)}{tail}")
    if t.comment is not None and _note(t.comment):
        out.append(f"  Note: {_note(t.comment)}")
    if indexes:
        out.append("  indexes {")
        out += [f"    {line}" for line in indexes]
        out.append("  }")
    out.append("}")
    return out


# -- reading ---------------------------------------------------------------------------------

def read_dbml(text: str, *, source: str = "<string>") -> Schema:
    """A :class:`Schema` from DBML text, parsed by pydbml; errors name ``source:LINE``."""
    import pyparsing

    # pydbml 1.2 still calls pyparsing's pre-3.0 names, which warn on import and on every parse
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydbml import PyDBML
        from pydbml.exceptions import ColumnNotFoundError, TableNotFoundError
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            db = PyDBML(text)
    except pyparsing.ParseBaseException as e:
        raise ModelError(f"DBML syntax error: {e.msg}", where=f"{source}:{e.lineno}") from None
    except (TableNotFoundError, ColumnNotFoundError) as e:
        missing = re.search(r"(?:Table|Column) (?:public\.)?(\S+)", str(e))
        line = _line_of(text, missing.group(1) if missing else "", prefer="Ref")
        raise ModelError(str(e), where=f"{source}:{line}") from None
    except Exception as e:  # pydbml raises plain SyntaxError/ValueError/KeyError for bad input too
        raise ModelError(f"cannot read the DBML: {e}", where=source) from None
    try:
        return _schema(db, text)
    except ModelError as e:
        line = _place_line(text, e.where)
        raise e.at(f"{source}:{line}") from None


def _line_of(text: str, needle: str, prefer: str = "") -> int:
    """The first line mentioning ``needle`` (preferring lines that start with ``prefer``)."""
    lines = text.splitlines()
    for want_prefix in (True, False):
        for i, line in enumerate(lines, 1):
            if needle in line and (not want_prefix or line.lstrip().startswith(prefer)):
                return i
    return 1


def _place_line(text: str, where: str | None) -> int:
    """The line of ``Table <name>`` (and of a column or ref in it) named by a ModelError's place."""
    if not where:
        return 1
    lines = text.splitlines()
    table, _, rest = where.partition(".")
    candidates = [table, f'"{table}"']
    for i, line in enumerate(lines, 1):
        words = line.split()
        if len(words) >= 2 and words[0].lower() == "table" and words[1].rstrip("{") in candidates:
            if rest:
                for j in range(i, len(lines)):
                    if lines[j].strip() == "}":
                        break
                    stripped = lines[j].strip()
                    if stripped.startswith((rest + " ", f'"{rest}" ')):
                        return j + 1
            return i
    return _line_of(text, table)


def _schema(db: Any, text: str) -> Schema:
    enums = tuple(Enum(e.name, tuple(item.name for item in e.items), schema=split_key(_read_key(e))[0])
                  for e in db.enums)
    groups: dict[str, str] = {}
    for g in db.table_groups:
        for t in g.items:
            groups[_read_key(t)] = g.name
    fks: dict[str, list[ForeignKey]] = {_read_key(t): [] for t in db.tables}
    for ref in db.refs:
        if ref.type == "<>":
            raise ModelError(f"a many-to-many ref ({ref.table1.name} <> {ref.table2.name}) needs a junction "
                             "table; the model has no such foreign key", where=ref.table1.name)
        child, parent = (ref.col2, ref.col1) if ref.type == "<" else (ref.col1, ref.col2)
        child_table = _read_key(child[0].table)
        fks[child_table].append(ForeignKey(
            tuple(c.name for c in child), _read_key(parent[0].table), tuple(c.name for c in parent),
            name=ref.name or "", on_delete=_action(ref.on_delete), on_update=_action(ref.on_update)))
    tables = []
    for t in db.tables:
        tables.append(_table(t, fks.get(_read_key(t), []), groups.get(_read_key(t))))
    project = db.project
    name = project.name if project is not None else None
    comment = project.note.text if project is not None and project.note and project.note.text else None
    return Schema(tuple(tables), enums, name=name, comment=comment)


def _action(action: str | None) -> str | None:
    return action.upper() if action else None


def _table(t: Any, fks: list[ForeignKey], group: str | None) -> Table:
    columns: list[Column] = []
    pk: list[str] = []
    uniques: list[Unique] = []
    indexes: list[Index] = []
    seen: set[str] = set()
    for c in t.columns:
        if c.name in seen:
            raise ModelError(f"duplicate column {c.name!r}", where=f"{t.name}.{c.name}")
        seen.add(c.name)
        dtype = _type(c.type, t.name, c.name)
        default: Default | None = Default("identity") if c.autoinc else _read_default(c.default)
        if c.pk:
            pk.append(c.name)
        if c.unique:
            uniques.append(Unique((c.name,)))
        note = c.note.text if c.note and c.note.text else None
        columns.append(Column(c.name, dtype, nullable=not c.not_null and not c.pk, default=default, comment=note))
    for ix in t.indexes:
        cols = []
        for subject in ix.subjects:
            if not hasattr(subject, "table"):
                raise ModelError(f"an index on the expression {subject} cannot be held by the model", where=t.name)
            cols.append(subject.name)
        if ix.pk:
            if pk:
                raise ModelError("the primary key is declared twice (column pk and an index pk)", where=t.name)
            pk.extend(cols)
            continue
        note = ix.note.text if ix.note else ""
        if ix.unique and note == _UNIQUE_CONSTRAINT_NOTE:
            uniques.append(Unique(tuple(cols), name=ix.name or ""))
            continue
        indexes.append(Index(tuple(cols), name=ix.name or "", unique=bool(ix.unique), method=ix.type or None))
    # inline `ref:` settings arrive through db.refs too, so fks already holds them
    note = t.note.text if t.note and t.note.text else None
    return Table(t.name, tuple(columns), primary_key=tuple(pk), foreign_keys=tuple(fks), indexes=tuple(indexes),
                 uniques=tuple(uniques), comment=note, group=group, schema=split_key(_read_key(t))[0])


def _type(value: Any, table: str, column: str) -> DataType:
    if not isinstance(value, str):  # a pydbml Enum
        return DataType("enum", enum=_read_key(value))
    try:
        return DataType.parse(value)
    except ModelError as e:
        raise ModelError(e.message, where=f"{table}.{column}") from None


def _read_default(value: Any) -> Default | None:
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return Default("literal", value)
    if isinstance(value, str):
        return Default("literal", value)
    return Default.parse(str(value.text))  # a pydbml Expression (`...`)
