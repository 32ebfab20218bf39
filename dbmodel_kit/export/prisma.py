"""Prisma ``schema.prisma`` for PostgreSQL: models, enums, ``@db.*`` native types, relations.

Models are PascalCase and fields camelCase, mapped back to the snake_case tables and columns with
``@@map`` / ``@map``, so the database keeps the model's names. Every constraint and index keeps
its name (``map:``). Prisma cannot declare CHECK constraints, partial indexes or INTERVAL columns;
those are written as ``//`` comments saying the SQL migration holds them. The output is aligned
the way ``prisma format`` aligns it (the tests check that formatting changes nothing).

>>> from dbmodel_kit.examples import ecommerce
>>> text = to_prisma(ecommerce())
>>> 'createdByUser User @relation("fk_products_created_by_users"' in " ".join(text.split())
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ModelError
from ..model.schema import Column, Default, Enum, Schema, Table
from ..model.types import DataType
from .names import camel, class_names, column_attributes, relationships, required_unique

__all__ = ["to_prisma", "to_prisma_seed", "to_prisma_test"]


def _s(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a Prisma string literal uses JSON's escapes


#: logical kind -> (Prisma scalar, native type attribute or None) for the postgresql provider
PRISMA_TYPES: dict[str, Callable[[DataType], tuple[str, str | None]]] = {
    "uuid": lambda t: ("String", "@db.Uuid"),
    "smallint": lambda t: ("Int", "@db.SmallInt"),
    "integer": lambda t: ("Int", None),
    "bigint": lambda t: ("BigInt", None),
    "decimal": lambda t: ("Decimal", f"@db.Decimal({t.precision}, {t.scale or 0})" if t.precision else None),
    "real": lambda t: ("Float", "@db.Real"),
    "double": lambda t: ("Float", None),
    "boolean": lambda t: ("Boolean", None),
    "char": lambda t: ("String", f"@db.Char({t.length or 1})"),
    "varchar": lambda t: ("String", f"@db.VarChar({t.length})" if t.length else "@db.VarChar"),
    "text": lambda t: ("String", None),
    "date": lambda t: ("DateTime", "@db.Date"),
    "time": lambda t: ("DateTime", "@db.Time(6)"),
    "timestamp": lambda t: ("DateTime", "@db.Timestamp(6)"),
    "timestamptz": lambda t: ("DateTime", "@db.Timestamptz(6)"),
    "interval": lambda t: ('Unsupported("interval")', None),
    "json": lambda t: ("Json", None),
    "bytes": lambda t: ("Bytes", None),
}

#: model foreign-key action -> Prisma referential action
ACTIONS = {"CASCADE": "Cascade", "SET NULL": "SetNull", "RESTRICT": "Restrict", "NO ACTION": "NoAction",
           "SET DEFAULT": "SetDefault"}


def _enum_value(value: str) -> tuple[str, str | None]:
    """A Prisma enum member for ``value`` and the ``@map`` it needs when it is not an identifier."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", value):
        return value, None
    text = re.sub(r"\W", "_", value)
    return ("V_" + text if not text[:1].isalpha() else text), value


def _default(c: Column, d: Default, schema: Schema) -> str:
    if d.kind == "now":
        return "@default(now())"
    if d.kind == "uuid":
        return f'@default(dbgenerated({_s("gen_random_uuid()")}))'
    if d.kind == "identity":
        return "@default(autoincrement())"
    if d.kind == "expression":
        return f"@default(dbgenerated({_s(str(d.value))}))"
    v = d.value
    if c.type.kind == "enum":
        return f"@default({_enum_value(str(v))[0]})"
    if isinstance(v, bool):
        return f"@default({'true' if v else 'false'})"
    if isinstance(v, int | float):
        return f"@default({v})"
    if c.type.kind in ("json",):
        return f"@default({_s(str(v))})"
    if c.type.kind in PRISMA_TYPES and PRISMA_TYPES[c.type.kind](c.type)[0] == "String":
        return f"@default({_s(str(v))})"
    return f"@default(dbgenerated({_s(repr(v) if not isinstance(v, str) else _quote_sql(v))}))"


def _default_sql(d: Default) -> str:
    """A default as PostgreSQL SQL text (for ``dbgenerated``)."""
    if d.kind == "now":
        return "now()"
    if d.kind == "expression":
        return str(d.value)
    v = d.value
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return _quote_sql(str(v))


def _scalar(t: DataType, schema: Schema, enum_names: dict[str, str]) -> tuple[str, str | None, str | None]:
    """(Prisma type, native attribute, note) of a column type: a domain as its base type, an array as
    a scalar list (PostgreSQL), an enum by its Prisma name; a type Prisma has no scalar for is
    ``Unsupported("<PostgreSQL spelling>")``, Prisma's own escape for it, with a note."""
    if t.kind == "domain":
        base = schema.base_type(t)
        scalar, native, _ = _scalar(base, schema, enum_names)
        return scalar, native, f"domain {t.domain} read as its base type {base} (Prisma has no domains)"
    if t.kind == "enum" and (t.enum or "") in enum_names:
        return enum_names[t.enum or ""], None, None
    if t.kind == "array" and t.element is not None:
        scalar, native, note = _scalar(t.element, schema, enum_names)
        if not scalar.startswith("Unsupported") and not scalar.endswith("[]"):
            return scalar + "[]", native, note
    elif t.kind in PRISMA_TYPES and not t.unsigned:
        scalar, native = PRISMA_TYPES[t.kind](t)
        return scalar, native, None
    from ..ddl import sa_type
    from ..dialects import get_dialect

    spelling = str(sa_type(t, "postgresql", schema).compile(dialect=get_dialect("postgresql").compile_dialect()))
    stored = _STORED_NUMBERS.get(spelling.split("(")[0])
    if stored is not None:
        # a number PostgreSQL stores as one of its own (MySQL's TINYINT and unsigned integers, YEAR):
        # the scalar of what it stores, as the SQL migration creates it
        digits = spelling[len(spelling.split("(")[0]):]
        return stored[0], (stored[1] + digits) if stored[1] else None, f"type {t} is {spelling} on PostgreSQL"
    note = f"type {spelling} has no Prisma scalar (Unsupported: not in the client)"
    return f"Unsupported({_s(spelling)})", None, note


#: PostgreSQL's spelling of a number type -> (Prisma scalar, native attribute without its arguments)
_STORED_NUMBERS = {"SMALLINT": ("Int", "@db.SmallInt"), "INTEGER": ("Int", None), "BIGINT": ("BigInt", None),
                   "NUMERIC": ("Decimal", "@db.Decimal")}
#: index types Prisma's postgresql provider declares (https://www.prisma.io/docs/orm/prisma-schema/data-model/
#: indexes#configuring-the-access-type-of-indexes-with-type-postgresql)
_INDEX_TYPES = {"btree": "BTree", "hash": "Hash", "gist": "Gist", "gin": "Gin", "spgist": "SpGist", "brin": "Brin"}


def _quote_sql(value: str) -> str:
    from sqlglot import exp

    return exp.Literal.string(value).sql("postgres")


def _block(rows: list[list[str]], extra: list[str]) -> list[str]:
    """Fields aligned in columns the way ``prisma format`` does; block attributes after a blank line."""
    out: list[str] = []
    widths = [max((len(r[i]) for r in rows if len(r) > i + 1 and not r[0].startswith("//")), default=0)
              for i in range(2)]
    for r in rows:
        if r[0].startswith("//"):
            out.append("  " + r[0])
            continue
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]) if len(r) > 2 else r[1]]
        if len(r) > 2:
            cells.append(r[2])
        out.append(("  " + " ".join(cells)).rstrip())
    if extra:
        out.append("")
        out += ["  " + e for e in extra]
    return out


#: what ``prisma db pull`` writes above a model it marks ``@@ignore`` (Prisma's own words)
NO_UNIQUE_IDENTIFIER = ("The underlying table does not contain a valid unique identifier and can therefore "
                        "currently not be handled by Prisma Client.")


def _identified(t: Table, schema: Schema, enum_names: dict[str, str]) -> bool:
    """Whether Prisma can identify a row of ``t``: a primary key, or a unique set whose fields are all
    required and of a Prisma scalar (Prisma's "unique criteria that has only required fields";
    ``Unsupported`` fields do not count)."""
    if t.primary_key:
        return True
    key = required_unique(t)
    return key is not None and not any(
        _scalar(t.column(c).type, schema, enum_names)[0].startswith("Unsupported") for c in key)


def _model(t: Table, schema: Schema, classes: dict[str, str], enum_names: dict[str, str],
           rels: dict[str, list], ignored: frozenset[str] = frozenset(), namespace: str | None = None) -> list[str]:
    rows: list[list[str]] = []
    extra: list[str] = []
    single_unique = {u.columns[0]: u.name for u in t.uniques if len(u.columns) == 1}
    fields: dict[str, str] = {}
    attrs = column_attributes(t)
    for c in t.columns:
        field = camel(attrs[c.name])
        fields[c.name] = field
    for c in t.columns:
        attrs: list[str] = []
        scalar, native, note = _scalar(c.type, schema, enum_names)
        if note:
            rows.append([f"// {c.name}: {note}"])
        if t.primary_key == (c.name,):
            attrs.append("@id")
        if c.default is not None:
            default = _default(c, c.default, schema)
            if scalar.startswith("Unsupported") and not default.startswith("@default(dbgenerated("):
                # Prisma takes only dbgenerated defaults on an Unsupported field ("Only
                # @default(dbgenerated("...")) can be used for Unsupported types")
                default = f"@default(dbgenerated({_s(_default_sql(c.default))}))"
            attrs.append(default)
        if c.name in single_unique:
            attrs.append(f"@unique(map: {_s(single_unique[c.name])})")
        if fields[c.name] != c.name:
            attrs.append(f"@map({_s(c.name)})")
        if native:
            attrs.append(native)
        if c.comment:
            rows.append([f"/// {' '.join(c.comment.splitlines())}"])
        # a list cannot be optional in Prisma (an empty list is its "none")
        optional = "?" if c.nullable and not scalar.startswith("Unsupported") and not scalar.endswith("[]") else ""
        if c.generated:
            rows.append([f"// {c.name} is generated: {' '.join(c.generated.splitlines())} (see the SQL migration)"])
        rows.append([fields[c.name], scalar + optional, " ".join(attrs)])
    for r in rels[t.key]:
        target = classes[r.target]
        fk = r.fk
        rel_name = _s(fk.name)  # every relation is named after its key: both sides always agree
        name = camel(r.name)
        if r.many:
            owner = schema.table(r.owner)
            one = owner.is_unique(fk.columns)
            args = f"@relation({rel_name})" if rel_name else ""
            if r.target in ignored and t.key not in ignored:
                args += " @ignore"  # as prisma db pull marks a relation field to an ignored model
            rows.append([name, target + ("?" if one else "[]"), args.strip()])
            continue
        parts = [rel_name] if rel_name else []
        parts.append(f"fields: [{', '.join(fields[c] for c in fk.columns)}]")
        ref_fields = [camel(column_attributes(schema.table(fk.ref_table))[c]) for c in fk.ref_columns]
        parts.append(f"references: [{', '.join(ref_fields)}]")
        if fk.on_delete:
            parts.append(f"onDelete: {ACTIONS[fk.on_delete]}")
        if fk.on_update:
            parts.append(f"onUpdate: {ACTIONS[fk.on_update]}")
        parts.append(f"map: {_s(fk.name)}")
        optional = "?" if any(t.column(c).nullable for c in fk.columns) else ""
        ignore = " @ignore" if r.target in ignored and t.key not in ignored else ""
        rows.append([name, target + optional, f"@relation({', '.join(p for p in parts if p)}){ignore}"])
    if len(t.primary_key) > 1:
        extra.append(f"@@id([{', '.join(fields[c] for c in t.primary_key)}])")
    for u in t.uniques:
        if len(u.columns) > 1:
            extra.append(f"@@unique([{', '.join(fields[c] for c in u.columns)}], map: {_s(u.name)})")
    for ix in t.indexes:
        cols = ", ".join(fields[c] for c in ix.columns)
        if ix.where:
            extra.append(f"// index {ix.name} is partial (WHERE {' '.join(ix.where.splitlines())}); "
                         "Prisma cannot declare it, the SQL migration creates it")
            continue
        kw = f", map: {_s(ix.name)}"
        if ix.method and ix.method != "btree" and ix.method in _INDEX_TYPES:
            kw += f", type: {_INDEX_TYPES[ix.method]}"
        elif ix.method and ix.method != "btree":
            # (MySQL's FULLTEXT: Prisma refused 'Unknown index type: Fulltext' for PostgreSQL)
            extra.append(f"// index {ix.name}: method {ix.method} is no PostgreSQL index type; a btree index, as "
                         "the SQL migration makes it")
        extra.append(f"@@{'unique' if ix.unique else 'index'}([{cols}]{kw})")
    for ck in t.checks:
        extra.append(f"// check {ck.name}: {' '.join(ck.expression.splitlines())} (in the SQL migration)")
    extra.append(f"@@map({_s(t.name)})")
    if namespace is not None:
        extra.append(f"@@schema({_s(namespace)})")
    head = [f"/// {' '.join(t.comment.splitlines())}"] if t.comment else []
    if t.key in ignored:
        # no primary key and no unique set of required fields: Prisma Client cannot address a row,
        # so the model is left out of the client the way `prisma db pull` leaves such a table out
        extra.append("@@ignore")
        head.append(f"/// {NO_UNIQUE_IDENTIFIER}")
    return [*head, f"model {classes[t.key]} {{", *_block(rows, extra), "}"]


#: the schema Prisma names for an object in no named schema, per provider
_DEFAULT_NAMESPACE = {"postgresql": "public", "cockroachdb": "public"}


@dataclass(frozen=True)
class _Namespaces:
    """The schemas a multi-schema ``schema.prisma`` lists; called with a table or enum, the one it is in."""

    names: tuple[str, ...]
    default: str | None

    def __call__(self, obj: Table | Enum) -> str:
        if obj.schema is not None:
            return obj.schema
        if self.default is None:
            raise ModelError("Prisma names a schema for every model and enum once any is in a named schema, and "
                             "this provider's default has no name: put it in a named schema", where=obj.key)
        return self.default


def _namespaces(schema: Schema, provider: str) -> _Namespaces | None:
    """The schemas of ``schema`` as Prisma's multi-schema form lists them (the provider's default
    schema for an unqualified object), or None when every object is in the default schema."""
    objects = [*schema.tables, *schema.enums]
    if all(o.schema is None for o in objects):
        return None
    default = _DEFAULT_NAMESPACE.get(provider)
    names = {o.schema if o.schema is not None else default for o in objects}
    return _Namespaces(tuple(sorted(n for n in names if n is not None)), default)


def to_prisma(schema: Schema, *, provider: str = "postgresql") -> str:
    """The ``schema.prisma`` text for ``schema`` (PostgreSQL native types)."""
    # the index and constraint names the database holds (ddl.names.physical): Prisma keeps index names
    # per schema, as PostgreSQL does ("The given constraint name idx_fk_store_id has to be unique",
    # Sakila's index names repeated per table)
    from ..ddl.limits import identity_integers
    from ..ddl.names import physical
    from ..dialects import get_dialect

    engine = provider if provider in ("postgresql", "mysql", "sqlite") else "postgresql"
    schema = physical(schema, engine)[0]
    # a BIGINT UNSIGNED identity key (and what references it) is bigint where there are no unsigned
    # types, as the SQL migration makes it (Prisma: "autoincrement() cannot be used on fields of type Decimal")
    schema, narrowed = identity_integers(schema, get_dialect(engine))
    classes = class_names(schema)
    rels = relationships(schema)
    used = set(classes.values())
    enum_names: dict[str, str] = {}
    for e in schema.enums:
        base = re.sub(r"[^A-Za-z0-9]", "", "".join(p[:1].upper() + p[1:] for p in e.name.split("_"))) or "Enum"
        # a Prisma name is ASCII and starts with a letter ("The name of a Enum must not start with a number")
        base = classes_name = base if base[0].isalpha() else "E" + base
        n = 2
        while classes_name in used:
            classes_name, n = f"{base}{n}", n + 1
        used.add(classes_name)
        enum_names[e.key] = classes_name
    out = ["// Prisma schema generated by dbmodel-kit from the schema model.", "",
           "generator client {", '  provider = "prisma-client-js"', "}", "",
           "datasource db {", f"  provider = {_s(provider)}", "}"]
    spaces = _namespaces(schema, provider)
    if spaces:
        # Prisma's multi-schema form: the datasource lists the schemas, each model and enum says its own
        out[-1:-1] = [f"  schemas  = [{', '.join(_s(n) for n in spaces.names)}]"]
    if narrowed:
        out[1:1] = [f"// {text}" for _, text in narrowed]
    from ..ddl.objects import beside_tables

    # Prisma models tables only (its `view` blocks are a preview feature): the rest stays in the SQL
    skipped = beside_tables(schema)
    if skipped:
        out[1:1] = ["// not carried by Prisma (kept in the schema's SQL migrations):",
                    *[f"//   {n}" for n in skipped]]
    for e in schema.enums:
        rows = []
        for v in e.values:
            member, mapped = _enum_value(v)
            rows.append([member, f"@map({_s(mapped)})"] if mapped else [member])
        width = max(len(r[0]) for r in rows)
        body = [("  " + r[0].ljust(width) + " " + r[1]) if len(r) > 1 else "  " + r[0] for r in rows]
        in_schema = [f"  @@schema({_s(spaces(e))})"] if spaces else []
        out += ["", f"enum {enum_names[e.key]} {{", *body, "", f"  @@map({_s(e.name)})", *in_schema, "}"]
    ignored = frozenset(t.key for t in schema.tables if not _identified(t, schema, enum_names))
    for t in schema.tables:
        out += ["", *_model(t, schema, classes, enum_names, rels, ignored, spaces(t) if spaces else None)]
    return "\n".join(out) + "\n"


#: seed.ts: ``prisma db seed`` runs it; it runs seed.sql (see its header for why SQL through ``pg``)
PRISMA_SEED = r"""// Seed for the Prisma export, generated by dbmodel-kit (PostgreSQL): runs seed.sql, the file next to
// schema.prisma, in one transaction on DATABASE_URL.
//
// Prisma runs it with `prisma db seed` once package.json names it:
//   "prisma": { "seed": "tsx prisma/seed.ts" }   (or compile it with tsc and use "node prisma/dist/seed.js")
// Why SQL through `pg` rather than PrismaClient create() calls: seed.sql holds literals exactly as the
// migration's column types take them (enums, numerics, and Unsupported columns such as interval, which
// PrismaClient cannot write), it needs no `prisma generate`, and the same file also seeds without Node:
//   prisma db execute --file prisma/seed.sql --schema prisma/schema.prisma
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Client } from "pg";
import type { QueryResult } from "pg";

/** The folder holding schema.prisma: that of $PRISMA_SCHEMA when set, else the nearest folder at or
 * above this file (an ES module: the working directory) with a schema.prisma or prisma/schema.prisma;
 * a compiled copy in dist/ finds its source folder. */
export function prismaDir(): string {
  if (process.env.PRISMA_SCHEMA) {
    return path.dirname(path.resolve(process.env.PRISMA_SCHEMA));
  }
  const start = typeof __dirname === "string" ? __dirname : process.cwd();
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const candidate of [dir, path.join(dir, "prisma")]) {
      if (existsSync(path.join(candidate, "schema.prisma"))) {
        return candidate;
      }
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no schema.prisma at or above ${start}; set PRISMA_SCHEMA`);
    }
  }
}

/** Run seed.sql on `client` in one transaction; returns the number of rows its INSERTs added. */
export async function seed(client: Client): Promise<number> {
  const sql = readFileSync(path.join(prismaDir(), "seed.sql"), "utf8");
  await client.query("BEGIN");
  try {
    // several statements in one simple query: pg returns one result per statement
    const out: unknown = await client.query(sql);
    await client.query("COMMIT");
    const results = (Array.isArray(out) ? out : [out]) as QueryResult[];
    return results.filter((r) => r.command === "INSERT").reduce((n, r) => n + (r.rowCount ?? 0), 0);
  } catch (e) {
    await client.query("ROLLBACK");
    throw e;
  }
}

async function main(): Promise<void> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    console.log(`seeded ${await seed(client)} row(s)`);
  } finally {
    await client.end();
  }
}

// run as a script (node seed.js, tsx seed.ts), not when the migration test imports seed()
if (path.parse(process.argv[1] ?? "").name === "seed") {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
"""

#: migration.test.ts: a node:test test of migrations/, schema.prisma and the seed on DATABASE_URL
PRISMA_TEST = r"""// Migration test for the Prisma export, generated by dbmodel-kit (PostgreSQL, node:test + pg).
//
//   tsc && DATABASE_URL=postgresql://... node --test dist/migration.test.js
//
// In a scratch schema on DATABASE_URL it applies every migrations/*/migration.sql in folder-name order, as
// `prisma migrate deploy` does (recording each in _prisma_migrations with its SHA-256 checksum), checks that
// every model of schema.prisma has its table (@@map) with exactly its columns (@map) and every enum its type
// and values, runs the seed (seed.ts, which runs seed.sql) and counts the rows, then drops the schema.
// Models and enums of a named schema (@@schema, other than public) are looked for in it: the migration makes
// those schemas, so they must not exist on DATABASE_URL before the test, which drops them after.
// Prisma migrations have no down step (a revert is a new forward migration), so there is no down/up round
// trip here. It reads schema.prisma and migrations/ at run time, so it keeps testing them as they grow.
// PrismaClient is not used: it needs `prisma generate` and a query engine, and would test the client
// rather than the migration. schema.prisma is read by the small parser below (model/enum blocks, @map,
// @@map, @ignore; nothing else matters here) because Prisma's own parser (getDMMF) ships only in
// @prisma/internals, which Prisma marks as internal with no stable API; this test needs nothing but pg.
import { strict as assert } from "node:assert";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { Client } from "pg";
import { prismaDir, seed } from "./seed";

interface Model {
  table: string;
  schema: string;
  columns: string[];
}

interface Schema {
  provider: string;
  models: Map<string, Model>;
  enums: Map<string, { type: string; schema: string; values: string[] }>;
}

/** A table or type of `schema` as this test names it: bare in the default schema (public, which is the
 * scratch schema here), else `schema.name`. */
function qualified(schema: string, name: string): string {
  return schema === "" || schema === "public" ? name : `${schema}.${name}`;
}

/** `line` without its `//` comment (a `//` inside a string literal is kept). */
function code(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (quoted && line[i] === "\\") {
      i++;
    } else if (line[i] === '"') {
      quoted = !quoted;
    } else if (!quoted && line.startsWith("//", i)) {
      return line.slice(0, i).trim();
    }
  }
  return line.trim();
}

/** The name given by `@map("...")` (or `@@map`) in `attrs`, else `fallback`. */
function mapped(attrs: string, attribute: string, fallback: string): string {
  const m = new RegExp(`(?:^|\\s)${attribute}\\(\\s*(?:name:\\s*)?("(?:[^"\\\\]|\\\\.)*")\\s*\\)`).exec(attrs);
  return m ? (JSON.parse(m[1]) as string) : fallback;
}

/** The models (table and column names) and enums (type name and values) of a schema.prisma text. */
function parseSchema(text: string): Schema {
  const blocks: { kind: string; name: string; lines: string[] }[] = [];
  let current: { kind: string; name: string; lines: string[] } | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = code(raw);
    if (current === null) {
      const head = /^(model|enum|datasource|generator|view|type)\s+(\w+)\s*\{$/.exec(line);
      if (head) {
        current = { kind: head[1], name: head[2], lines: [] };
      }
    } else if (line === "}") {
      blocks.push(current);
      current = null;
    } else if (line !== "") {
      current.lines.push(line);
    }
  }
  const modelNames = new Set(blocks.filter((b) => b.kind === "model").map((b) => b.name));
  const schema: Schema = { provider: "", models: new Map(), enums: new Map() };
  for (const b of blocks) {
    const blockAttrs = b.lines.filter((l) => l.startsWith("@@")).join(" ");
    if (b.kind === "datasource") {
      const p = b.lines.map((l) => /^provider\s*=\s*("(?:[^"\\]|\\.)*")$/.exec(l)).find((m) => m !== null);
      schema.provider = p ? (JSON.parse(p[1]) as string) : "";
    } else if (b.kind === "model") {
      const columns: string[] = [];
      for (const l of b.lines) {
        const f = /^(\w+)\s+(Unsupported\("(?:[^"\\]|\\.)*"\)|\w+)(\[\]|\?)?(.*)$/.exec(l);
        if (f && !modelNames.has(f[2]) && !/(^|\s)@ignore\b/.test(f[4])) {
          columns.push(mapped(f[4], "@map", f[1]));
        }
      }
      schema.models.set(b.name, {
        table: mapped(blockAttrs, "@@map", b.name),
        schema: mapped(blockAttrs, "@@schema", ""),
        columns: columns.sort(),
      });
    } else if (b.kind === "enum") {
      const values = b.lines.filter((l) => !l.startsWith("@@")).map((l) => {
        const [member, ...attrs] = l.split(/\s+/);
        return mapped(attrs.join(" "), "@map", member);
      });
      schema.enums.set(b.name, {
        type: mapped(blockAttrs, "@@map", b.name),
        schema: mapped(blockAttrs, "@@schema", ""),
        values,
      });
    }
  }
  return schema;
}

/** The migration folders that hold a migration.sql, in the order `prisma migrate deploy` applies them. */
function migrations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

describe("Prisma migrations, schema.prisma and seed", () => {
  const dir = prismaDir();
  const text = readFileSync(path.join(dir, "schema.prisma"), "utf8");
  const schema = parseSchema(text);
  const scratch = `dbmodel_test_${randomBytes(6).toString("hex")}`;
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  // the named schemas of the models and enums (the migration makes them), and every schema looked in
  const named = [...new Set([...schema.models.values(), ...schema.enums.values()].map((x) => x.schema))]
    .filter((n) => n !== "" && n !== "public")
    .sort();
  const looked = [scratch, ...named];
  let madeHere = false; // whether the named schemas are this test's to drop

  /** `schema.name` as this test names it (the scratch schema is the default one). */
  function key(schemaName: string, name: string): string {
    return qualified(schemaName === scratch ? "" : schemaName, name);
  }

  /** A table of the test as SQL: "schema"."table". */
  function sqlName(table: string): string {
    const dot = named.find((n) => table.startsWith(`${n}.`));
    const [ns, name] = dot === undefined ? [scratch, table] : [dot, table.slice(dot.length + 1)];
    return `"${ns.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;
  }

  async function tables(): Promise<string[]> {
    const r = await client.query<{ table_schema: string; table_name: string }>(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = ANY($1)" +
        " AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'",
      [looked],
    );
    return r.rows.map((row) => key(row.table_schema, row.table_name)).sort();
  }

  before(async () => {
    await client.connect();
    const there = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname",
      [named],
    );
    assert.deepEqual(
      there.rows.map((row) => row.nspname),
      [],
      "schemas the migration makes already exist on DATABASE_URL (use an empty database)",
    );
    madeHere = true;
    await client.query(`CREATE SCHEMA "${scratch}"`);
    // new tables and types go into the scratch schema; extensions already in public stay visible
    await client.query(`SET search_path TO "${scratch}", public`);
  });

  after(async () => {
    await client.query("ROLLBACK"); // a migration that failed inside its BEGIN leaves the session aborted
    await client.query(`DROP SCHEMA IF EXISTS "${scratch}" CASCADE`);
    for (const n of madeHere ? named : []) {
      await client.query(`DROP SCHEMA IF EXISTS "${n.replace(/"/g, '""')}" CASCADE`);
    }
    await client.end();
  });

  it("reads schema.prisma and the migration lock", () => {
    assert.equal((text.match(/^\s*model\s+\w+\s*\{/gm) ?? []).length, schema.models.size);
    assert.ok(schema.models.size > 0, "schema.prisma declares no model");
    const lock = readFileSync(path.join(dir, "migrations", "migration_lock.toml"), "utf8");
    assert.equal(/^provider\s*=\s*"([^"]*)"/m.exec(lock)?.[1], schema.provider, "migration_lock.toml provider");
    assert.equal(schema.provider, "postgresql");
  });

  it("applies every migration in order, as prisma migrate deploy does", async () => {
    await client.query(`CREATE TABLE _prisma_migrations (
      id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0)`);
    const names = migrations(path.join(dir, "migrations"));
    assert.ok(names.length > 0, "no migrations/*/migration.sql");
    for (const name of names) {
      const script = readFileSync(path.join(dir, "migrations", name, "migration.sql"), "utf8");
      const id = randomUUID();
      await client.query("INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ($1, $2, $3)", [
        id,
        createHash("sha256").update(script).digest("hex"),
        name,
      ]);
      await client.query(script); // the whole script as one simple query, as Prisma sends it
      await client.query(
        "UPDATE _prisma_migrations SET finished_at = now(), applied_steps_count = 1 WHERE id = $1",
        [id],
      );
    }
    const done = await client.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY started_at, migration_name",
    );
    assert.deepEqual(done.rows.map((r) => r.migration_name), names);
  });

  it("has the table and columns of every model", async () => {
    const expected = [...schema.models.values()].map((m) => qualified(m.schema, m.table)).sort();
    assert.deepEqual(await tables(), expected);
    const r = await client.query<{ table_schema: string; table_name: string; column_name: string }>(
      "SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE table_schema = ANY($1)",
      [looked],
    );
    for (const [model, m] of schema.models) {
      const table = qualified(m.schema, m.table);
      const live = r.rows
        .filter((row) => key(row.table_schema, row.table_name) === table)
        .map((row) => row.column_name)
        .sort();
      assert.deepEqual(live, m.columns, `columns of model ${model} (table ${table})`);
    }
  });

  it("has the type and values of every enum", async () => {
    const r = await client.query<{ nspname: string; typname: string; enumlabel: string }>(
      "SELECT n.nspname, t.typname, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid" +
        " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY($1)" +
        " ORDER BY n.nspname, t.typname, e.enumsortorder",
      [looked],
    );
    const live = new Map<string, string[]>();
    for (const row of r.rows) {
      const type = key(row.nspname, row.typname);
      live.set(type, [...(live.get(type) ?? []), row.enumlabel]);
    }
    const expected = new Map(
      [...schema.enums.values()].map((e) => [qualified(e.schema, e.type), e.values] as [string, string[]]),
    );
    assert.deepEqual(live, expected);
  });

  it("runs the seed and the rows arrive", async () => {
    const inserted = await seed(client);
    assert.ok(inserted > 0, "the seed inserted no row");
    let total = 0;
    for (const table of await tables()) {
      const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${sqlName(table)}`);
      total += Number(r.rows[0].n);
    }
    assert.equal(total, inserted);
  });
});
"""


def to_prisma_seed() -> str:
    """``seed.ts`` for the Prisma export: runs ``seed.sql`` (next to ``schema.prisma``) in one
    transaction through ``pg``; ``prisma db seed`` runs it once ``package.json`` names it.

    It reads the files at run time, so the text does not depend on the model.
    """
    return PRISMA_SEED


def to_prisma_test() -> str:
    """``migration.test.ts`` for the Prisma export (``node:test`` + ``pg``, PostgreSQL).

    In a scratch schema it applies every ``migrations/*/migration.sql`` in order, as ``prisma migrate
    deploy`` does, checks each model's ``@@map`` table and ``@map`` columns and each enum's type and
    values against ``information_schema``/``pg_enum``, runs the seed and counts the rows. It parses
    ``schema.prisma`` and lists ``migrations/`` at run time, so it stays valid as a project adds
    migrations; the text does not depend on the model.
    """
    return PRISMA_TEST
