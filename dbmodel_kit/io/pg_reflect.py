"""PostgreSQL reflection of what a schema holds beside its tables, read from the catalog and named
as the SQL import names it (:mod:`.pg_objects`): views and materialized views (``pg_get_viewdef``),
functions and procedures (``pg_get_functiondef``), aggregates (``pg_aggregate``), triggers
(``pg_get_triggerdef``), extensions, row-level security (``pg_policy``, ``relrowsecurity``),
privileges that differ from an object's default (``aclexplode``), comments (``obj_description``),
indexes of materialized views (``pg_get_indexdef``) and declarative partitioning
(``pg_get_partkeydef``, ``pg_get_expr(relpartbound)``), with what a partition gets from its table
(``conparentid``, inherited indexes and checks) left to it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..model.naming import qualify
from ..model.schema import Verbatim, View
from .pg_objects import (
    DEFAULT_SCHEMA,
    baseline,
    exclusion_statement,
    signature,
    utc_bound,
    view_parts,
    with_dependencies,
)

_PG = "postgresql"
_NOT_EXTENSION = "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = {oid} AND e.deptype = 'e')"


def _quote(name: str) -> str:
    import re

    return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'


def _qualified(ns: str | None, name: str) -> str:
    return _quote(name) if ns is None else f"{_quote(ns)}.{_quote(name)}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def pg_objects(conn: sa.Connection, schema: str | None) -> dict[str, Any]:
    """Views, verbatim objects, partitioning by table and what each partition inherits, for one schema."""
    s = {"s": schema}
    nsp = "n.nspname = coalesce(:s, current_schema())"
    def rows(q: str) -> list[Any]:
        return list(conn.execute(sa.text(q), s))

    # objects of a schema other than the default one keep it, as the import keeps it
    default = conn.execute(sa.text("SELECT current_schema()")).scalar()
    ns = schema if schema not in (None, default) else None

    def key(name: str) -> str:
        return qualify(ns, name)

    views: list[View] = []
    parts_of: dict[str, Any] = {}
    for name, kind, definition, comment in rows(f"""
            SELECT c.relname, c.relkind::text, pg_get_viewdef(c.oid), obj_description(c.oid, 'pg_class')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm') AND {nsp} AND {_NOT_EXTENSION.format(oid='c.oid')}
            ORDER BY c.relname"""):
        parts = parts_of[definition.strip().rstrip(";").strip()] = view_parts(definition)
        views.append(View(name, definition, _PG, columns=parts[0] if parts else (),
                          depends_on=parts[1] if parts else (), materialized=kind == "m", comment=comment,
                          schema=ns))
    objects: list[Verbatim] = []
    for name, kind, args, definition, comment, agg in rows(f"""
            SELECT p.proname, p.prokind::text, pg_get_function_identity_arguments(p.oid),
                   CASE WHEN p.prokind IN ('f', 'p', 'w') THEN pg_get_functiondef(p.oid) END,
                   obj_description(p.oid, 'pg_proc'),
                   CASE WHEN p.prokind = 'a' THEN
                     (SELECT concat_ws(', ', 'SFUNC = ' || a.aggtransfn::regproc::text,
                                       'STYPE = ' || format_type(a.aggtranstype, NULL),
                       CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC = ' || a.aggfinalfn::regproc::text END,
                       CASE WHEN a.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || a.aggcombinefn::regproc::text END,
                       CASE WHEN a.agginitval IS NOT NULL THEN 'INITCOND = ' || quote_literal(a.agginitval) END,
                       CASE WHEN a.aggsortop <> 0 THEN 'SORTOP = ' || a.aggsortop::regoperator::text END)
                      FROM pg_aggregate a WHERE a.aggfnoid = p.oid) END
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE {nsp} AND {_NOT_EXTENSION.format(oid='p.oid')}
              -- a range type's constructors are the type's own (made and dropped with it)
              AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_proc'::regclass
                              AND i.objid = p.oid AND i.deptype = 'i')
            ORDER BY p.proname, p.oid"""):
        kind_name = {"f": "function", "p": "procedure", "a": "aggregate", "w": "function"}[kind]
        sig = signature(name, args, procedure=kind == "p")
        if kind == "a":
            definition = f"CREATE AGGREGATE {_quote(name)}({args}) ({agg})"
        objects.append(Verbatim(kind_name, sig, _PG, definition.strip(), comment=comment, schema=ns))
    for name, attributes, subtype, multirange, opclass, collation, diff, canonical, comment in rows(f"""
            SELECT t.typname,
                   (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                                      || CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation
                                         THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END,
                                      E',\n    ' ORDER BY a.attnum)
                    FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
                    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
                   format_type(r.rngsubtype, NULL),
                   -- as pg_dump writes them: the multirange type, the operator class where it is not the
                   -- subtype's default, the collation where it is not the subtype's own
                   format_type(r.rngmultitypid, NULL),
                   CASE WHEN NOT opc.opcdefault THEN quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) END,
                   CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
                        THEN quote_ident(con.nspname) || '.' || quote_ident(co.collname) END,
                   nullif(r.rngsubdiff, 0)::regproc::text,
                   nullif(r.rngcanonical, 0)::regproc::text, obj_description(t.oid, 'pg_type')
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_class c ON c.oid = t.typrelid LEFT JOIN pg_range r ON r.rngtypid = t.oid
            LEFT JOIN pg_type st ON st.oid = r.rngsubtype
            LEFT JOIN pg_opclass opc ON opc.oid = r.rngsubopc LEFT JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
            LEFT JOIN pg_collation co ON co.oid = r.rngcollation
            LEFT JOIN pg_namespace con ON con.oid = co.collnamespace
            WHERE ((t.typtype = 'c' AND c.relkind = 'c') OR t.typtype = 'r') AND {nsp}
              AND {_NOT_EXTENSION.format(oid='t.oid')}
            ORDER BY t.oid"""):
        # a composite or range type, written as pg_dump writes it
        if subtype is None:
            body = f"AS (\n    {attributes or ''}\n)"
        else:
            options = [f"subtype = {subtype}"] + [f"{k} = {v}" for k, v in (
                ("multirange_type_name", multirange), ("subtype_opclass", opclass), ("collation", collation),
                ("canonical", canonical), ("subtype_diff", diff)) if v]
            body = "AS RANGE (\n    " + ",\n    ".join(options) + "\n)"
        objects.append(Verbatim("type", name, _PG, f"CREATE TYPE {_qualified(ns, name)} {body}", comment=comment,
                                schema=ns))
    for table, name, definition, comment, fn, fn_args, fn_ns in rows(f"""
            SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid), obj_description(t.oid, 'pg_trigger'), p.proname,
                   pg_get_function_identity_arguments(p.oid),
                   nullif((SELECT pn.nspname FROM pg_namespace pn WHERE pn.oid = p.pronamespace), current_schema())
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND {nsp} ORDER BY c.relname, t.tgname"""):
        fn_key = qualify(fn_ns, signature(fn, fn_args))
        depends = (key(table), *([fn_key] if any(o.key == fn_key for o in objects) else []))
        objects.append(Verbatim("trigger", f"{name} on {table}", _PG, definition, depends_on=depends,
                                comment=comment, schema=ns))
    for name, ext_schema, comment in rows("""
            SELECT x.extname, n.nspname, obj_description(x.oid, 'pg_extension')
            FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
            WHERE x.extname <> 'plpgsql' ORDER BY x.extname"""):
        if comment is not None and comment == _default_comment(conn, name):
            comment = None
        objects.append(Verbatim("extension", name, _PG, f"CREATE EXTENSION IF NOT EXISTS {_quote(name)} WITH SCHEMA "
                                                        f"{_quote(ext_schema)}", comment=comment))
    for table, name, permissive, cmd, roles, using, check, comment in rows(f"""
            SELECT c.relname, p.polname, p.polpermissive, p.polcmd::text,
                   (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END, ', ')
                    FROM unnest(p.polroles) r),
                   pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                   obj_description(p.oid, 'pg_policy')
            FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {nsp} ORDER BY c.relname, p.polname"""):
        # written as pg_dump writes it
        sql = f"CREATE POLICY {_quote(name)} ON {_quote(table)}" + ("" if permissive else " AS RESTRICTIVE")
        sql += "" if cmd == "*" else " FOR " + {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}[cmd]
        sql += "" if roles in (None, "PUBLIC") else f" TO {roles}"
        sql += f" USING ({using})" if using else ""
        sql += f" WITH CHECK ({check})" if check else ""
        objects.append(Verbatim("policy", f"{name} on {table}", _PG, sql, depends_on=(key(table),),
                                comment=comment, schema=ns))
    for table, enabled, forced in rows(f"""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE (c.relrowsecurity OR c.relforcerowsecurity) AND {nsp} ORDER BY c.relname"""):
        for on, verb in ((enabled, "enable"), (forced, "force")):
            if on:
                objects.append(Verbatim("statement", f"{verb} row level security on {key(table)}", _PG,
                                        f"ALTER TABLE {_quote(table)} {verb.upper()} ROW LEVEL SECURITY",
                                        depends_on=(key(table),)))
    for view, name, definition in rows(f"""
            SELECT c.relname, i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm' AND {nsp} ORDER BY i.relname"""):
        objects.append(Verbatim("index", name, _PG, definition, depends_on=(key(view),), schema=ns))
    for table, name, definition in rows(f"""
            SELECT c.relname, i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND {nsp}
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = c.oid
                              AND k.contype IN ('p', 'u', 'x'))
              AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = x.indexrelid)
              AND (x.indexprs IS NOT NULL
                   OR EXISTS (SELECT 1 FROM unnest(x.indclass::oid[]) oc JOIN pg_opclass o ON o.oid = oc
                              WHERE NOT o.opcdefault)
                   OR EXISTS (SELECT 1 FROM unnest(x.indoption::int2[]) opt WHERE opt <> 0))
            ORDER BY i.relname"""):
        # an index the model's Index cannot hold (an expression, an operator class, DESC/NULLS order)
        objects.append(Verbatim("index", name, _PG, definition, depends_on=(key(table),), schema=ns))
    for table, name, definition in rows(f"""
            SELECT c.relname, r.rulename, pg_get_ruledef(r.oid)
            FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE r.rulename <> '_RETURN' AND {nsp} ORDER BY c.relname, r.rulename"""):
        objects.append(Verbatim("rule", f"{name} on {table}", _PG, definition.strip().rstrip(";"),
                                depends_on=(key(table),), schema=ns))
    for table, name, definition in rows(f"""
            SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE k.contype = 'x' AND k.conparentid = 0 AND {nsp} ORDER BY c.relname, k.conname"""):
        # an exclusion constraint, written as pg_dump writes it
        objects.append(Verbatim("statement", f"constraint {name} on {table}", _PG, exclusion_statement(
            _qualified(ns, table), _quote(name), definition), depends_on=(key(table),), schema=ns))
    objects += _grants(conn, schema, ns)
    for kind, name, sub, comment in rows(f"""
            SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' WHEN c.relkind IN ('v', 'm') THEN 'column'
                        ELSE 'index' END, c.relname, a.attname, d.description
            FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
            WHERE ((c.relkind IN ('i', 'I', 'S') AND d.objsubid = 0) OR (c.relkind IN ('v', 'm') AND d.objsubid > 0))
              AND {nsp}
            UNION ALL
            SELECT 'constraint', k.conname, t.relname, d.description
            FROM pg_description d JOIN pg_constraint k ON k.oid = d.objoid AND d.classoid = 'pg_constraint'::regclass
            JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE {nsp}
            ORDER BY 1, 2, 3"""):
        # comments on what the model keeps no comment for: kept as the COMMENT ON statement
        if kind == "column":
            label, target = f"on column {key(name)}.{sub}", f"COLUMN {_qualified(ns, name)}.{_quote(sub)}"
        elif kind == "constraint":
            label, target = f"on constraint {name} on {key(sub)}", f"CONSTRAINT {_quote(name)} ON {_qualified(ns, sub)}"
        else:
            label, target = f"on {kind} {key(name)}", f"{kind.upper()} {_qualified(ns, name)}"
        objects.append(Verbatim("comment", label, _PG, f"COMMENT ON {target} IS {_literal(comment)}"))
    for (comment,) in rows("SELECT obj_description(n.oid, 'pg_namespace') FROM pg_namespace n WHERE " + nsp):
        if comment is not None and comment != "standard public schema":
            objects.append(Verbatim("comment", f"on schema {schema or DEFAULT_SCHEMA}", _PG,
                                    f"COMMENT ON SCHEMA {_quote(schema or DEFAULT_SCHEMA)} IS {_literal(comment)}"))
    views, objects = with_dependencies(views, objects, parts_of)
    partitions: dict[str, dict[str, Any]] = {}
    for name, partkey, parent, bound, parent_ns in rows(f"""
            SELECT c.relname, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, p.relname,
                   CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
                   nullif((SELECT pn.nspname FROM pg_namespace pn WHERE pn.oid = p.relnamespace), current_schema())
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition
            LEFT JOIN pg_class p ON p.oid = i.inhparent
            WHERE c.relkind IN ('r', 'p') AND (c.relkind = 'p' OR c.relispartition) AND {nsp}"""):
        info = partitions.setdefault(name, {})
        if partkey:
            info["partition_by"] = partkey
        if parent:
            info.update(partition_of=qualify(parent_ns, parent), partition_bound=utc_bound(bound))
    inherited: dict[str, set[str]] = {}
    for table, name in rows(f"""
            SELECT c.relname, k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relispartition AND (k.conparentid <> 0 OR (k.contype = 'c' AND NOT k.conislocal)) AND {nsp}
            UNION ALL
            SELECT c.relname, i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relispartition AND EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = x.indexrelid)
              AND {nsp}"""):
        inherited.setdefault(table, set()).add(name)
    pk_names: dict[str, str] = dict(rows(f"""
            SELECT c.relname, k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.contype = 'p' AND c.relispartition AND {nsp}"""))
    return {"views": views, "verbatim": objects, "partitions": partitions, "inherited": inherited,
            "pk_names": pk_names}


def _default_comment(conn: sa.Connection, extension: str) -> str | None:
    return conn.execute(sa.text("SELECT comment FROM pg_available_extensions WHERE name = :n"),
                        {"n": extension}).scalar()


#: aclexplode's privilege names by the GRANT word and object kind (the kind's ACL default is in
#: pg_objects.baseline).
_ACL_KINDS = {"r": "table", "p": "table", "v": "table", "m": "table", "f": "table", "S": "sequence"}


def _grants(conn: sa.Connection, schema: str | None, ns: str | None) -> list[Verbatim]:
    """A GRANT/REVOKE object for each object whose privileges (others than its owner's) differ from
    its kind's default, named as the import names the statements about it (``on table film``)."""
    held: dict[tuple[str, str], set[tuple[str, str]]] = {}
    rows = conn.execute(sa.text("""
        SELECT kind, name, CASE WHEN (a).grantee = 0 THEN 'public' ELSE pg_get_userbyid((a).grantee) END,
               (a).privilege_type, (a).grantee = owner
        FROM (
          SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END AS kind, c.relname AS name,
                 c.relowner AS owner, aclexplode(c.relacl) AS a
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
            AND n.nspname = coalesce(:s, current_schema())
          UNION ALL
          SELECT 'schema', n.nspname, n.nspowner, aclexplode(n.nspacl) FROM pg_namespace n
          WHERE n.nspacl IS NOT NULL AND n.nspname = coalesce(:s, current_schema())
          UNION ALL
          SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
                 p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.proowner,
                 aclexplode(p.proacl)
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE p.proacl IS NOT NULL AND n.nspname = coalesce(:s, current_schema())
        ) x
        """), {"s": schema})
    for kind, name, grantee, privilege, owner in rows:
        if kind in ("function", "procedure"):
            fn, _, args = name.partition("(")
            name = signature(fn, args[:-1], procedure=kind == "procedure")
        mine = held.setdefault((kind, name), set())
        if not owner:  # the owner's own privileges are left aside, as the import cannot know the owner
            mine.add((grantee, privilege))
    out = []
    for (kind, name), privileges in sorted(held.items()):
        base = baseline(kind, name)
        if privileges == base:
            continue
        statements = []
        for grantee, privilege in sorted(base - privileges):
            statements.append(f"REVOKE {privilege} ON {kind.upper()} {name} FROM {_role(grantee)}")
        for grantee, privilege in sorted(privileges - base):
            statements.append(f"GRANT {privilege} ON {kind.upper()} {name} TO {_role(grantee)}")
        target = name if kind == "schema" else qualify(ns, name)
        statements = [st.replace(f" {kind.upper()} {name} ", f" {kind.upper()} {target} ", 1) for st in statements]
        out.append(Verbatim("grant", f"on {kind} {target}", _PG, ";\n".join(statements)))
    return out


def _role(name: str) -> str:
    return "PUBLIC" if name == "public" else _quote(name)
