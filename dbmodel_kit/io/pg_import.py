"""The SQL import's reading of PostgreSQL statements about objects beside tables (a mixin of
:class:`dbmodel_kit.io.sql_import._Reader`; names and meanings in :mod:`.pg_objects`).

- ``CREATE [MATERIALIZED] VIEW`` -> :class:`~..model.schema.View` (query as written, ``WITH [NO]
  DATA`` and ``WITH CHECK OPTION`` aside; columns and the tables it reads parsed from it);
- ``CREATE FUNCTION/PROCEDURE/AGGREGATE``, ``CREATE TRIGGER``, ``CREATE EXTENSION``, ``CREATE
  POLICY``, ``ALTER TABLE ... ENABLE/FORCE ROW LEVEL SECURITY``, ``GRANT``/``REVOKE``, ``COMMENT
  ON`` anything but a table or its column, ``CREATE INDEX`` on a materialized view ->
  :class:`~..model.schema.Verbatim` for PostgreSQL (a comment on a view, routine, trigger, policy or
  extension is that object's comment);
- partitioning: ``CREATE TABLE ... PARTITION BY``, ``CREATE TABLE ... PARTITION OF parent FOR
  VALUES ...``, pg_dump's ``ALTER TABLE [ONLY] parent ATTACH PARTITION child FOR VALUES ...`` (and
  ``DETACH``), ``CREATE INDEX ... ON ONLY parent`` and ``ALTER INDEX ... ATTACH PARTITION``. A
  partition keeps only what is its own: the primary key, indexes, unique constraints and foreign
  keys its partitioned table has are made for it by the engine when it is attached (and so
  reflection leaves them out too).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import sqlglot
from sqlglot import exp

from ..errors import ModelError
from ..model.naming import qualify, split_key
from ..model.schema import Default, Table, Verbatim, View
from .pg_objects import Head, exclusion_statement, signature, split_args, view_parts, with_dependencies

_PARTITION_BY = re.compile(r"\)\s*(PARTITION\s+BY\s+(?P<key>(?:RANGE|LIST|HASH)\s*\(.*\)))\s*;?\s*$", re.I | re.S)
_PARTITION_OF = re.compile(r"\s*CREATE\s+(?:(?:UNLOGGED|TEMP|TEMPORARY)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                           r"(?P<name>[^(]+?)\s+PARTITION\s+OF\s+(?P<rest>.*)$", re.I | re.S)
_ATTACH = re.compile(r"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<parent>.+?)\s+(?P<verb>ATTACH|DETACH)\s+"
                     r"PARTITION\s+(?P<rest>.*?)\s*;?\s*$", re.I | re.S)
_BOUND = re.compile(r"(?P<bound>FOR\s+VALUES\s+.*?|DEFAULT)\s*(?:PARTITION\s+BY\s+(?P<key>.*?))?\s*;?\s*$",
                    re.I | re.S)
_RLS = re.compile(r"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>.+?)\s+(?P<verb>ENABLE|DISABLE|FORCE|"
                  r"NO\s+FORCE)\s+ROW\s+LEVEL\s+SECURITY\s*;?\s*$", re.I | re.S)
_INDEX_ATTACH = re.compile(r"\s*ALTER\s+INDEX\s+(?:IF\s+EXISTS\s+)?\S.*?\s+ATTACH\s+PARTITION\s+", re.I | re.S)
_ADD_IDENTITY = re.compile(r"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>.+?)\s+ALTER\s+(?:COLUMN\s+)?"
                           r"(?P<column>\S+)\s+ADD\s+GENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b",
                           re.I | re.S)
_COMPOSITE_TYPE = re.compile(r"\s*CREATE\s+TYPE\s+(?P<name>.+?)\s+AS\s*(?:\(|RANGE\b)", re.I | re.S)
_EXCLUDE = re.compile(r"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>.+?)\s+ADD\s+CONSTRAINT\s+"
                      r"(?P<name>\S+)\s+EXCLUDE\b", re.I | re.S)
_PLAIN_KEY = re.compile(r'\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s+ASC)?\s*$', re.I)
#: Extensions every PostgreSQL database has (pg_dump writes CREATE EXTENSION plpgsql; reflection
#: leaves it out).
BUILT_IN_EXTENSIONS = frozenset({"plpgsql"})
_VIEW_TAIL = re.compile(r"\s+WITH\s+(?:(?:NO\s+)?DATA|(?:CASCADED\s+|LOCAL\s+)?CHECK\s+OPTION)\s*;?\s*$", re.I)
_PG = "postgresql"


class PgImport:
    """PostgreSQL statements beside tables (see the module docstring). Uses the reader's drafts,
    ``fold_table``, ``lose``/``note`` and its ``views``, ``objects`` and ``partitioning``."""

    tables: dict[str, Any]
    views: dict[str, View]
    objects: dict[tuple[str, str], Verbatim]
    partitioning: dict[str, dict[str, Any]]
    #: view_parts of each view query read (parsed once)
    view_parts_of: dict[str, Any]
    line: int
    fold_table: Any

    # -- dispatch ------------------------------------------------------------------------------
    def pg_statement(self, code: str, head: list[str]) -> bool:
        """Read ``code`` if it is a PostgreSQL statement about an object beside tables (True), or
        leave it to the table reader (False)."""
        from .sql_import import _create_kind, _Note

        word = head[0]
        kind = _create_kind(head) if word == "CREATE" else ""
        if kind in ("VIEW", "MATERIALIZED VIEW"):
            self.pg_view(code, kind == "MATERIALIZED VIEW")
        elif kind in ("FUNCTION", "PROCEDURE", "AGGREGATE"):
            self.pg_routine(code, kind.lower())
        elif kind == "TRIGGER":
            self.pg_trigger(code)
        elif kind == "EXTENSION":
            h = Head.of(code)
            h.skip_until("EXTENSION")
            h.accept("IF", "NOT", "EXISTS")
            _, name = h.name()
            if name in BUILT_IN_EXTENSIONS:
                raise _Note("builtin", f"CREATE EXTENSION {name}: installed in every PostgreSQL database")
            self.keep_object(Verbatim("extension", name, _PG, code))
        elif kind == "POLICY":
            h = Head.of(code)
            h.skip_until("POLICY")
            _, name = h.name()
            h.skip_until("ON")
            table = self.relation_key(h)
            namespace, bare = split_key(table)
            self.keep_object(Verbatim("policy", f"{name} on {bare}", _PG, code, depends_on=(table,),
                                      schema=namespace))
        elif kind == "RULE":
            h = Head.of(code)
            replacing = h.accept("CREATE", "OR", "REPLACE")
            h.skip_until("RULE")
            _, name = h.name()
            h.skip_until("TO")
            table = self.relation_key(h)
            namespace, bare = split_key(table)
            self.keep_object(Verbatim("rule", f"{name} on {bare}", _PG, code, depends_on=(table,), schema=namespace),
                             replace_it=replacing)
        elif word == "ALTER" and head[1:2] == ["TABLE"] and (m := _EXCLUDE.match(code)):
            # an exclusion constraint (no model counterpart): kept as its statement
            table = self.relation_key(Head.of(m.group("table")))
            namespace, bare = split_key(table)
            name = Head.of(m.group("name")).name()[1]
            quoted = ".".join(_quote_name(x) for x in (namespace, bare) if x is not None)
            sql = exclusion_statement(quoted, _quote_name(name), "EXCLUDE " + code[m.end():])
            self.keep_object(Verbatim("statement", f"constraint {name} on {bare}", _PG, sql, depends_on=(table,),
                                      schema=namespace))
        elif kind == "TABLE" and _PARTITION_OF.match(code):
            self.pg_partition_of(code)
        elif kind == "INDEX" and (self.pg_view_index(code) or self.pg_index(code)):
            pass
        elif kind == "TYPE" and (m := _COMPOSITE_TYPE.match(code)):
            # a composite or range type (no model counterpart): kept as its statement, created before
            # the tables whose columns have it (those columns keep the type's name as written)
            namespace, name = Head.of(m.group("name")).name()
            self.keep_object(Verbatim("type", name, _PG, code.strip().rstrip(";").strip(), schema=namespace))
        elif word == "ALTER" and head[1:2] == ["TABLE"] and _ADD_IDENTITY.match(code):
            self.pg_add_identity(code)
        elif word == "ALTER" and head[1:2] == ["TABLE"] and _ATTACH.match(code):
            self.pg_attach(code)
        elif word == "ALTER" and head[1:2] == ["TABLE"] and _RLS.match(code):
            self.pg_row_security(code)
        elif word == "ALTER" and head[1:2] == ["INDEX"] and _INDEX_ATTACH.match(code):
            self.pg_index_attach(code)
            raise _Note("index attach", "ALTER INDEX ... ATTACH PARTITION: a partition's index belongs to its "
                        "table's partitioned index, which the engine makes for each partition (kept as that index)")
        elif word in ("GRANT", "REVOKE"):
            self.pg_grant(code)
        elif word == "COMMENT" and re.match(r"\s*COMMENT\s+ON\s+EXTENSION\s+\"?(?:plpgsql)\"?\s", code, re.I):
            raise _Note("builtin", "COMMENT ON EXTENSION plpgsql: installed in every PostgreSQL database")
        elif word == "COMMENT":
            return self.pg_comment(code)
        elif word == "REFRESH":
            raise _Note("refresh", "REFRESH MATERIALIZED VIEW fills a view with rows (data, not schema)")
        else:
            return False
        return True

    def keep_object(self, obj: Verbatim, replace_it: bool = False) -> None:
        key = (obj.kind, obj.key)
        if key in self.objects:
            if obj.kind == "grant":  # every GRANT/REVOKE on one object, in order
                old = self.objects[key]
                self.objects[key] = replace(old, sql=f"{old.sql};\n{obj.sql}")
                return
            if not replace_it:
                raise ModelError(f"{obj.kind} {obj.key} is created twice")
        self.objects[key] = obj

    def relation_key(self, h: Head) -> str:
        """The key of the table or view named at ``h`` (as the model names it)."""
        h.accept("ONLY")
        schema, name = h.name()
        return self.known_key(qualify(schema, name))

    def known_key(self, key: str) -> str:
        """``key`` as the table the script created spells it (a case-insensitive match)."""
        draft = self.tables.get(self.fold_table(key))
        return str(draft.name) if draft is not None else key

    # -- views ---------------------------------------------------------------------------------
    def pg_view(self, code: str, materialized: bool) -> None:
        h = Head.of(code)
        replacing = h.accept("CREATE", "OR", "REPLACE")
        h.skip_until("VIEW")
        h.accept("IF", "NOT", "EXISTS")
        schema, name = h.name()
        listed = h.parenthesized()
        if not h.skip_until("AS"):
            raise ModelError(f"SQL syntax error: CREATE VIEW {name} has no AS query")
        query = _VIEW_TAIL.sub("", h.rest().rstrip().rstrip(";"))
        columns: tuple[str, ...] = ()
        if listed:
            columns = tuple(Head.of(c).name()[1] for c in listed.split(","))
        depends: tuple[str, ...] = ()
        parts = self.view_parts_of[query] = view_parts(query)
        if parts is not None:
            depends = tuple(self.known_key(t) for t in parts[1])
            columns = columns or parts[0]
        view = View(name, query, _PG, columns=columns, depends_on=depends, materialized=materialized, schema=schema)
        if view.key in self.views and not replacing:
            raise ModelError(f"view {view.key!r} is created twice")
        self.views[view.key] = view

    def pg_view_index(self, code: str) -> bool:
        """``CREATE INDEX ... ON view``: an index of a materialized view, kept as its SQL."""
        h = Head.of(code)
        h.skip_until("INDEX")
        h.accept("CONCURRENTLY")
        h.accept("IF", "NOT", "EXISTS")
        name = None if h.peek() == "ON" else h.name()[1]
        if not h.skip_until("ON"):
            return False
        target = self.relation_key(h)
        if target not in self.views or name is None:
            return False
        self.keep_object(Verbatim("index", name, _PG, code, depends_on=(target,), schema=self.views[target].schema))
        return True

    def pg_index(self, code: str) -> bool:
        """``CREATE INDEX`` whose keys the model's Index cannot hold (an expression, an operator class,
        a collation, DESC or NULLS FIRST/LAST): kept as its SQL, on its table."""
        h = Head.of(code)
        h.skip_until("INDEX")
        h.accept("CONCURRENTLY")
        h.accept("IF", "NOT", "EXISTS")
        if h.peek() == "ON":
            return False  # unnamed: the engine names it; read as an Index
        _, name = h.name()
        if not h.skip_until("ON"):
            return False
        table = self.relation_key(h)
        if h.accept("USING"):
            h.name()
        keys = h.parenthesized()
        if keys is None or all(_PLAIN_KEY.match(k) for k in split_args(keys)):
            return False
        namespace, _ = split_key(table)
        self.keep_object(Verbatim("index", name, _PG, code, depends_on=(table,), schema=namespace))
        return True

    def pg_index_attach(self, code: str) -> None:
        """``ALTER INDEX parent ATTACH PARTITION child``: a child index kept as SQL is part of its
        parent's (the engine makes it for the partition)."""
        h = Head.of(code)
        h.skip_until("PARTITION")
        key = qualify(*h.name())
        self.objects.pop(("index", key), None)

    def pg_exclusion(self, table: str, name: str | None, text: str) -> None:
        """An ``EXCLUDE`` constraint of ``CREATE TABLE table (...)`` (no model counterpart): kept as the
        statement pg_dump writes for it, ``ALTER TABLE ONLY table ADD CONSTRAINT name EXCLUDE ...``,
        named as PostgreSQL names it when the script does not."""
        from .sql_import import pg_constraint_name

        namespace, bare = split_key(table)
        if name is None:
            h = Head.of(text)
            h.accept("EXCLUDE")
            if h.accept("USING"):
                h.name()
            elements = [e for e in split_args(h.parenthesized() or "") if e]
            name = pg_constraint_name(bare, [_index_column_name(e) for e in elements], "excl")
        quoted = ".".join(_quote_name(x) for x in (namespace, bare) if x is not None)
        self.keep_object(Verbatim("statement", f"constraint {name} on {bare}", _PG,
                                  exclusion_statement(quoted, _quote_name(name), text),
                                  depends_on=(table,), schema=namespace))

    def pg_add_identity(self, code: str) -> None:
        """pg_dump's ``ALTER TABLE t ALTER COLUMN c ADD GENERATED ... AS IDENTITY (SEQUENCE NAME ...)``:
        the column is an identity column (its sequence is the engine's, made with it)."""
        from .sql_import import _Note

        m = _ADD_IDENTITY.match(code)
        assert m is not None
        draft = self.tables.get(self.fold_table(self.relation_key(Head.of(m.group("table")))))
        if draft is None:
            raise ModelError(f"table {m.group('table')!r} is not created before this statement")
        from .sql_import import identity_value

        column = draft.column(Head.of(m.group("column")).name()[1])
        rest = code[m.end():].strip().rstrip(";").strip()
        options = rest[1:-1] if rest.startswith("(") and rest.endswith(")") else rest
        always = re.search(r"\bADD\s+GENERATED\s+ALWAYS\b", code, re.I) is not None
        draft.set_column(replace(column, default=Default("identity", identity_value(always, options)), nullable=False))
        if re.search(r"\bSEQUENCE\s+NAME\b", options, re.I):
            raise _Note("identity options", "the SEQUENCE NAME of an identity column is the engine's own for it "
                        "(it names it <table>_<column>_seq), not kept")

    # -- routines and triggers -------------------------------------------------------------------
    def pg_routine(self, code: str, kind: str) -> None:
        h = Head.of(code)
        replacing = h.accept("CREATE", "OR", "REPLACE")
        h.skip_until(kind.upper())
        schema, name = h.name()
        args = h.parenthesized() or ""
        key = signature(name, args, procedure=kind == "procedure")
        depends: list[str] = []
        if kind == "aggregate":
            m = re.search(r"\bSFUNC\s*=\s*([\w.\"]+)", code, re.I)
            if m:
                fn = Head.of(m.group(1)).name()[1]
                depends += [o.key for (k, _), o in self.objects.items() if k == "function"
                            and o.name.startswith(f"{fn}(")]
        self.keep_object(Verbatim(kind, key, _PG, code, depends_on=tuple(depends), schema=schema),
                         replace_it=replacing)

    def pg_trigger(self, code: str) -> None:
        h = Head.of(code)
        replacing = h.accept("CREATE", "OR", "REPLACE")
        h.skip_until("TRIGGER")
        _, name = h.name()
        if not h.skip_until("ON"):
            raise ModelError(f"SQL syntax error: CREATE TRIGGER {name} names no table (ON ...)")
        table = self.relation_key(h)
        depends = [table]
        if h.skip_until("EXECUTE"):
            h.accept("FUNCTION") or h.accept("PROCEDURE")
            fn_schema, fn = h.name()
            depends += [o.key for (k, _), o in self.objects.items() if k == "function"
                        and o.key == qualify(fn_schema, f"{fn}()")]
        namespace, bare = split_key(table)  # a trigger lives in its table's schema, named per table
        self.keep_object(Verbatim("trigger", f"{name} on {bare}", _PG, code, depends_on=tuple(depends),
                                  schema=namespace), replace_it=replacing)

    def pg_row_security(self, code: str) -> None:
        from .sql_import import _Note

        m = _RLS.match(code)
        assert m is not None
        table = self.relation_key(Head.of(m.group("table")))
        verb = " ".join(m.group("verb").lower().split())
        what = "force" if "force" in verb else "enable"
        key = ("statement", f"{what} row level security on {table}")
        if verb in ("enable", "force"):
            self.keep_object(Verbatim("statement", key[1], _PG, code, depends_on=(table,)), replace_it=True)
        elif key in self.objects:
            del self.objects[key]
        else:
            raise _Note("rls off", "DISABLE / NO FORCE ROW LEVEL SECURITY of a table that has it off is the default")

    # -- grants and comments ---------------------------------------------------------------------
    def pg_grant(self, code: str) -> None:
        from .pg_objects import grant_target

        target = grant_target(code)
        name = f"on {target[0]} {target[1]}" if target else f"role {' '.join(code.split())}"
        self.keep_object(Verbatim("grant", name, _PG, code.strip().rstrip(";")))

    def pg_comment(self, code: str) -> bool:
        """``COMMENT ON`` a view, routine, trigger, policy or extension: that object's comment;
        ``COMMENT ON`` anything else but a table or a table's column: kept as its SQL."""
        h = Head.of(code)
        h.accept("COMMENT", "ON")
        words = []
        while h.peek() in ("MATERIALIZED", "VIEW", "FUNCTION", "PROCEDURE", "AGGREGATE", "TRIGGER", "POLICY",
                           "EXTENSION", "SCHEMA", "COLUMN", "TABLE", "INDEX", "SEQUENCE", "TYPE", "DOMAIN",
                           "CONSTRAINT", "DATABASE", "ROUTINE", "RULE", "FOREIGN", "EVENT", "ROLE", "LANGUAGE",
                           "COLLATION", "CONVERSION", "SERVER", "STATISTICS", "PUBLICATION", "SUBSCRIPTION",
                           "TABLESPACE", "CAST", "OPERATOR", "TEXT", "SEARCH", "CONFIGURATION", "DICTIONARY",
                           "PARSER", "TEMPLATE", "ACCESS", "METHOD", "LARGE", "OBJECT", "TRANSFORM", "DATA",
                           "WRAPPER") and h.peek():
            words.append(h.peek())
            h.i += 1
        kind = " ".join(words)
        if kind == "TABLE":
            return False
        start = h.i
        if not h.skip_until("IS"):
            return False
        text = h.string()
        h.i = start
        if kind == "COLUMN":
            parts = h.parts()
            if len(parts) < 2:
                return False
            schema = parts[-3] if len(parts) > 2 and parts[-3] != "public" else None
            rel = qualify(schema, parts[-2])
            if self.fold_table(rel) in self.tables or rel not in self.views:
                return False  # a table's column: the table reader keeps it
            name = f"on column {rel}.{parts[-1]}"
        elif kind in ("VIEW", "MATERIALIZED VIEW"):
            view = qualify(*h.name())
            if view in self.views:
                self.views[view] = replace(self.views[view], comment=text)
                return True
            name = f"on view {view}"
        elif kind in ("FUNCTION", "PROCEDURE", "AGGREGATE", "TRIGGER", "POLICY", "EXTENSION"):
            obj_schema, obj = h.name()
            if kind in ("TRIGGER", "POLICY"):
                h.skip_until("ON")
                namespace, bare = split_key(self.relation_key(h))
                obj = qualify(namespace, f"{obj} on {bare}")
            elif kind != "EXTENSION":
                obj = qualify(obj_schema, signature(obj, h.parenthesized() or "", procedure=kind == "PROCEDURE"))
            key = (kind.lower(), obj)
            if key in self.objects:
                self.objects[key] = replace(self.objects[key], comment=text)
                return True
            name = f"on {kind.lower()} {obj}"
        elif kind in ("TYPE", "DOMAIN"):
            key = qualify(*h.name())
            folded = self.fold_table(key)
            if folded in self.enums:  # type: ignore[attr-defined]
                self.enums[folded] = replace(self.enums[folded], comment=text)  # type: ignore[attr-defined]
                return True
            if folded in self.domains:  # type: ignore[attr-defined]
                self.domains[folded] = replace(self.domains[folded], comment=text)  # type: ignore[attr-defined]
                return True
            name = f"on {kind.lower()} {key}"
        elif kind in ("INDEX", "SEQUENCE"):
            name = f"on {kind.lower()} {qualify(*h.name())}"
        elif kind == "SCHEMA":
            name = f"on schema {h.name()[1]}"
        elif kind == "CONSTRAINT":
            constraint = h.name()[1]
            h.skip_until("ON")
            h.accept("DOMAIN")
            name = f"on constraint {constraint} on {self.relation_key(h)}"
        else:
            name = f"on {kind.lower()} {' '.join(h.code[h.toks[h.i].start:].split(' IS ')[0].split())}" \
                if h.i < len(h.toks) else f"on {kind.lower()}"
        self.keep_object(Verbatim("comment", name, _PG, code.strip().rstrip(";")), replace_it=True)
        return True

    # -- partitions ------------------------------------------------------------------------------
    def pg_partition_key(self, code: str) -> str:
        """``code`` (a CREATE TABLE) without its ``PARTITION BY`` clause (blanked, so positions hold),
        the key kept for its table."""
        m = _PARTITION_BY.search(code)
        if m is None:
            return code
        h = Head.of(code)
        h.skip_until("TABLE")
        h.accept("IF", "NOT", "EXISTS")
        name = qualify(*h.name())
        self.partitioning.setdefault(self.fold_table(name), {})["partition_by"] = " ".join(m.group("key").split())
        return code[:m.start(1)] + " " * (m.end(1) - m.start(1)) + code[m.end(1):]

    def pg_partition_of(self, code: str) -> None:
        """``CREATE TABLE child PARTITION OF parent [(constraints)] {FOR VALUES ... | DEFAULT}
        [PARTITION BY ...]``: the parent's columns, its own constraints, the bound."""
        from .sql_import import _Draft, _Skip

        m = _PARTITION_OF.match(code)
        assert m is not None
        name = qualify(*Head.of(m.group("name")).name())
        h = Head.of(m.group("rest"))
        parent = self.relation_key(h)
        pdraft = self.tables.get(self.fold_table(parent))
        if pdraft is None:
            raise ModelError(f"table {parent!r} is not created before this statement")
        listed = h.parenthesized()
        tail = _BOUND.match(h.rest())
        if tail is None:
            raise ModelError(f"SQL syntax error: partition {name} has no FOR VALUES ... or DEFAULT bound")
        if self.fold_table(name) in self.tables:
            raise ModelError(f"table {name!r} is created twice")
        draft = _Draft(name, self.line, fold=self.fold_column)  # type: ignore[attr-defined]
        draft.columns = list(pdraft.columns)
        self.tables[self.fold_table(name)] = draft
        self.places[name] = self.line  # type: ignore[attr-defined]
        info = self.partitioning.setdefault(self.fold_table(name), {})
        info.update(partition_of=pdraft.name, partition_bound=" ".join(tail.group("bound").split()))
        if tail.group("key"):
            info["partition_by"] = " ".join(tail.group("key").split())
        if listed:
            tree = sqlglot.parse_one(f"CREATE TABLE x ({listed})", read="postgres")
            for item in tree.this.expressions:
                if isinstance(item, exp.ColumnDef):
                    self.lose(f"partition {name}: column options {item.sql('postgres')}")  # type: ignore[attr-defined]
                    continue
                try:
                    self.table_constraint(draft, item)  # type: ignore[attr-defined]
                except _Skip as e:
                    self.lose(str(e))  # type: ignore[attr-defined]

    def pg_attach(self, code: str) -> None:
        m = _ATTACH.match(code)
        assert m is not None
        parent = self.relation_key(Head.of(m.group("parent")))
        h = Head.of(m.group("rest"))
        child = self.relation_key(h)
        if self.fold_table(child) not in self.tables or self.fold_table(parent) not in self.tables:
            raise ModelError(f"table {child if self.fold_table(child) not in self.tables else parent!r} is not "
                             "created before this statement")
        info = self.partitioning.setdefault(self.fold_table(child), {})
        if m.group("verb").upper() == "DETACH":
            info.pop("partition_of", None)
            info.pop("partition_bound", None)
            return
        tail = _BOUND.match(h.rest())
        if tail is None:
            raise ModelError(f"SQL syntax error: ATTACH PARTITION {child} has no FOR VALUES ... or DEFAULT bound")
        info.update(partition_of=parent, partition_bound=" ".join(tail.group("bound").split()))

    def pg_partitioned(self, tables: dict[str, Table]) -> None:
        """Partitioning onto the built tables; a partition keeps only what is its own (what its
        partitioned table declares, the engine makes for it on attaching)."""
        for folded, info in self.partitioning.items():
            draft = self.tables.get(folded)
            if draft is not None and draft.name in tables:
                tables[draft.name] = replace(tables[draft.name], **info)
        views, objects = with_dependencies(list(self.views.values()), list(self.objects.values()),
                                           self.view_parts_of)
        self.views = {v.key: v for v in views}
        self.objects = {(o.kind, o.key): o for o in objects}
        for name, t in list(tables.items()):
            parent = tables.get(t.partition_of) if t.partition_of else None
            if parent is None:
                continue
            tables[name] = own_part(t, parent)


def own_part(t: Table, parent: Table) -> Table:
    """``t`` (a partition of ``parent``) without the primary key, indexes, unique constraints and
    foreign keys the engine gives it from ``parent``."""
    def index_shape(ix: Any) -> tuple[Any, ...]:
        return (ix.columns, ix.unique, ix.where, ix.method or "btree", ix.include)

    parent_ix = {index_shape(ix) for ix in parent.indexes}
    parent_uq = {(u.columns, u.deferrable) for u in parent.uniques}
    def fk_shape(fk: Any) -> tuple[Any, ...]:
        return (fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete, fk.on_update, fk.deferrable)

    parent_fk = {fk_shape(fk) for fk in parent.foreign_keys}
    return replace(
        t, primary_key=() if parent.primary_key and (t.primary_key, t.primary_key_deferrable) == (
            parent.primary_key, parent.primary_key_deferrable) else t.primary_key,
        indexes=tuple(ix for ix in t.indexes if index_shape(ix) not in parent_ix),
        uniques=tuple(u for u in t.uniques if (u.columns, u.deferrable) not in parent_uq),
        foreign_keys=tuple(fk for fk in t.foreign_keys if fk_shape(fk) not in parent_fk))


_WORD = r'"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*'


def _index_column_name(element: str) -> str:
    """The name PostgreSQL gives an index (or exclusion) element in the index's default name
    (``FigureIndexColname``): a column's name, a function call's function name, else ``expr``."""
    text = re.split(r"\s+WITH\s", element.strip(), maxsplit=1, flags=re.I)[0].strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    m = re.match(rf"(?:(?:{_WORD})\s*\.\s*)*({_WORD})\s*", text)
    if m is None:
        return "expr"
    rest = text[m.end():]
    if rest.startswith("("):  # a function call, its arguments balanced
        depth = 0
        for i, ch in enumerate(rest):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0:
                rest = rest[i + 1:]
                break
    rest = re.sub(r"^::\s*[\w\s\[\]]*", "", rest.strip())  # a cast keeps the name
    # what may follow the column or call: an operator class, COLLATE, ASC/DESC, NULLS
    if rest and not re.match(r'^[A-Za-z_"]', rest):
        return "expr"
    word = m.group(1)
    return word[1:-1].replace('""', '"') if word.startswith('"') else word.lower()


def _quote_name(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'


__all__ = ["PgImport", "own_part"]
