"""TypeORM (PostgreSQL): decorated entity classes, a migration class, and a ``node:test`` migration test.

Entities carry every name the database uses (``name``, ``foreignKeyConstraintName``, index and
check names), so TypeORM never sees a rename as a drop + add. The migration's ``up``/``down`` run
the statements of our own migration emitter (:mod:`dbmodel_kit.migrate.emit`) through
``queryRunner.query``; they are the exact SQL ``dbmodel migrate`` writes. TypeScript string
literals are written with :func:`json.dumps` (JSON strings are valid TypeScript strings).

>>> from dbmodel_kit.examples import ecommerce
>>> src = to_typeorm_entities(ecommerce())
>>> '@ManyToOne(() => User, (user) => user.productsCreatedBy' in src
True
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..migrate import Plan, diff
from ..migrate.emit import statements
from ..model.schema import Column, Schema, Table
from ..model.types import DataType
from .names import camel, class_names, column_attributes, relationships

__all__ = ["to_typeorm_entities", "to_typeorm_migration", "to_typeorm_test"]


def _s(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


#: words JavaScript (strict mode, which a class body is) refuses as a binding name
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_JS_RESERVED = _words("""arguments await break case catch class const continue debugger default delete do else
enum eval export extends false finally for function if implements import in instanceof interface let new null
package private protected public return static super switch this throw true try typeof var void while with
yield""")


#: names entities.ts binds besides its classes: what it imports from typeorm, and the global types
#: its fields use (a table ``index`` gave a class ``Index`` beside the imported decorator: "Import
#: declaration conflicts with local declaration of 'Index'")
_BOUND = _words("""Entity Column PrimaryColumn PrimaryGeneratedColumn CreateDateColumn UpdateDateColumn
DeleteDateColumn Index Unique Check ManyToOne OneToMany OneToOne JoinColumn Relation Date Buffer Object Array
String Number Boolean Symbol Promise Map Set Record Error JSON Math""")


def _parameter(cls: str) -> str:
    """The parameter of a relation's inverse-side function for entity class ``cls``: its name with a
    lower-case first letter (``(user) => user.orders``), ``_`` appended to a word JavaScript
    reserves (a table ``default`` gave ``(default) => default.children``: "Expression expected")."""
    name = cls[:1].lower() + cls[1:]
    return name + "_" if name in _JS_RESERVED else name


#: logical kind -> (TypeORM column type for postgres, TypeScript type, options from the DataType)
TYPEORM_TYPES: dict[str, Callable[[DataType], tuple[str, str, dict[str, object]]]] = {
    "uuid": lambda t: ("uuid", "string", {}),
    "smallint": lambda t: ("smallint", "number", {}),
    "integer": lambda t: ("integer", "number", {}),
    "bigint": lambda t: ("bigint", "string", {}),  # pg returns int8 as a string (no precision loss)
    "decimal": lambda t: ("numeric", "string", {"precision": t.precision, "scale": t.scale}),
    "real": lambda t: ("real", "number", {}),
    "double": lambda t: ("double precision", "number", {}),
    "boolean": lambda t: ("boolean", "boolean", {}),
    "char": lambda t: ("char", "string", {"length": t.length}),
    "varchar": lambda t: ("varchar", "string", {"length": t.length}),
    "text": lambda t: ("text", "string", {}),
    "date": lambda t: ("date", "string", {}),
    "time": lambda t: ("time", "string", {}),
    "timestamp": lambda t: ("timestamp", "Date", {}),
    "timestamptz": lambda t: ("timestamptz", "Date", {}),
    "interval": lambda t: ("interval", "string", {}),
    "json": lambda t: ("jsonb", "unknown", {}),
    "bytes": lambda t: ("bytea", "Buffer", {}),
}

#: column name -> the TypeORM decorator that manages it (timestamps and soft delete)
DATE_DECORATORS = {"created_at": "CreateDateColumn", "updated_at": "UpdateDateColumn",
                   "deleted_at": "DeleteDateColumn"}


def _default(c: Column) -> str | None:
    d = c.default
    if d is None or d.kind == "identity":
        return None
    if d.kind == "now":
        return '() => "CURRENT_TIMESTAMP"'
    if d.kind == "uuid":
        return '() => "gen_random_uuid()"'
    if d.kind == "expression":
        return f"() => {_s(str(d.value))}"
    if isinstance(d.value, bool):
        return "true" if d.value else "false"
    if isinstance(d.value, int | float):
        return repr(d.value)
    return _s(str(d.value))


#: the model's deferrable modes as TypeORM's DeferrableType (a primary key's has no TypeORM option: the
#: migration's SQL makes it, and the entity says nothing of it)
_DEFERRABLE = {"immediate": "INITIALLY IMMEDIATE", "deferred": "INITIALLY DEFERRED"}


def _options(items: list[tuple[str, str]]) -> str:
    return "{ " + ", ".join(f"{k}: {v}" for k, v in items) + " }"


def _column(t: Table, c: Column, schema: Schema) -> tuple[list[str], str]:
    """The decorator lines and the TypeScript type of one column."""
    if c.type.kind == "enum":
        e = schema.enum(c.type.enum or "")
        typeorm, ts = "enum", " | ".join(_s(v) for v in e.values)
        opts: list[tuple[str, str]] = [("name", _s(c.name)), ("type", '"enum"'),
                                       ("enum", "[" + ", ".join(_s(v) for v in e.values) + "]"),
                                       ("enumName", _s(e.name))]
    else:
        t_ = schema.base_type(c.type) if c.type.kind == "domain" else c.type  # TypeORM has no domains
        array = t_.kind == "array" and t_.element is not None
        if array:
            t_ = t_.element  # type: ignore[assignment]
        if t_.kind not in TYPEORM_TYPES:
            # a type TypeORM has no column type for: the column is left out of the entity (it stays in
            # the SQL migration), said in the entity
            return [f"// column {c.name} ({c.type}) left out: TypeORM has no column type for it"], ""
        typeorm, ts, extra = TYPEORM_TYPES[t_.kind](t_)
        opts = [("name", _s(c.name)), ("type", _s(typeorm))]
        opts += [(k, repr(v)) for k, v in extra.items() if v is not None]
        if array:
            opts.append(("array", "true"))
            ts = f"{ts}[]"
    pk = c.name in t.primary_key
    single_pk = t.primary_key == (c.name,)
    if single_pk and c.default is not None and c.default.kind == "uuid" and c.type.kind == "uuid":
        return [f"@PrimaryGeneratedColumn(\"uuid\", {_options([('name', _s(c.name))])})"], "string"
    if single_pk and c.default is not None and c.default.kind == "identity":
        opts = [("name", _s(c.name)), ("type", _s(typeorm)), ("generatedIdentity", _s("BY DEFAULT"))]
        return [f"@PrimaryGeneratedColumn(\"identity\", {_options(opts)})"], ts
    default = _default(c)
    decorator = "PrimaryColumn" if pk else "Column"
    if (not pk and c.name in DATE_DECORATORS and c.type.kind in ("timestamp", "timestamptz")
            and (c.name == "deleted_at") == c.nullable):
        decorator = DATE_DECORATORS[c.name]
    if not pk:
        opts.append(("nullable", "true" if c.nullable else "false"))
    if default is not None:
        opts.append(("default", default))
    if c.generated:
        opts += [("generatedType", '"STORED"'), ("asExpression", _s(c.generated))]
    if c.comment:
        opts.append(("comment", _s(c.comment)))
    return [f"@{decorator}({_options(opts)})"], ts


def to_typeorm_entities(schema: Schema) -> str:
    """One TypeScript module with a decorated entity class per table (PostgreSQL column types)."""
    classes = class_names(schema, _BOUND)
    rels = relationships(schema)
    used: set[str] = {"Entity"}
    body: list[str] = []
    for t in schema.tables:
        cls = classes[t.key]
        attrs = column_attributes(t)
        entity = [("name", _s(t.name))] + ([("schema", _s(t.schema))] if t.schema is not None else [])
        deco = [f"@Entity({_options(entity + ([('comment', _s(t.comment))] if t.comment else []))})"]
        for ix in t.indexes:
            opts = []
            if ix.unique:
                opts.append(("unique", "true"))
            if ix.where:
                opts.append(("where", _s(ix.where)))
            cols = "[" + ", ".join(_s(camel(attrs[c])) for c in ix.columns) + "]"
            deco.append(f"@Index({_s(ix.name)}, {cols}{', ' + _options(opts) if opts else ''})")
            used.add("Index")
        for u in t.uniques:
            cols = "[" + ", ".join(_s(camel(attrs[c])) for c in u.columns) + "]"
            timing = f", {_options([('deferrable', _s(_DEFERRABLE[u.deferrable]))])}" if u.deferrable else ""
            deco.append(f"@Unique({_s(u.name)}, {cols}{timing})")
            used.add("Unique")
        for ck in t.checks:
            deco.append(f"@Check({_s(ck.name)}, {_s(ck.expression)})")
            used.add("Check")
        body += ["", *deco, f"export class {cls} {{"]
        for c in t.columns:
            lines, ts = _column(t, c, schema)
            if not ts:  # left out, with the comment saying why
                body += [f"  {line}" for line in lines] + [""]
                continue
            used.add(lines[0][1:].split("(")[0])
            optional = " | null" if c.nullable and c.name not in t.primary_key else ""
            body += [f"  {line}" for line in lines]
            body += [f"  {camel(attrs[c.name])}!: {ts}{optional};", ""]
        for r in rels[t.key]:
            target = classes[r.target]
            var = _parameter(target)
            name, back = camel(r.name), camel(r.back)
            fk = r.fk
            if r.many:
                one = schema.table(r.owner).is_unique(fk.columns)
                kind = "OneToOne" if one else "OneToMany"
                used.add(kind)
                body.append(f"  @{kind}(() => {target}, ({var}) => {var}.{back})")
                body += [f"  {name}!: Relation<{target}>{'' if one else '[]'}{' | null' if one else ''};", ""]
                continue
            one = t.is_unique(fk.columns)
            kind = "OneToOne" if one else "ManyToOne"
            used.update({kind, "JoinColumn"})
            nullable = any(t.column(c).nullable for c in fk.columns)
            opts = [("nullable", "true" if nullable else "false")]
            if fk.on_delete:
                opts.append(("onDelete", _s(fk.on_delete)))
            if fk.on_update:
                opts.append(("onUpdate", _s(fk.on_update)))
            if fk.deferrable:
                opts.append(("deferrable", _s(_DEFERRABLE[fk.deferrable])))
            ref_attrs = column_attributes(schema.table(fk.ref_table))
            joins = [_options([("name", _s(c)), ("referencedColumnName", _s(camel(ref_attrs[rc]))),
                               ("foreignKeyConstraintName", _s(fk.name))])
                     for c, rc in zip(fk.columns, fk.ref_columns, strict=True)]
            join = joins[0] if len(joins) == 1 else "[" + ", ".join(joins) + "]"
            body.append(f"  @{kind}(() => {target}, ({var}) => {var}.{back}, {_options(opts)})")
            body.append(f"  @JoinColumn({join})")
            body += [f"  {name}!: Relation<{target}>{' | null' if nullable else ''};", ""]
        if body[-1] == "":
            body.pop()
        body.append("}")
    head = ["// TypeORM entities generated by dbmodel-kit from the schema model.",
            f"import {{ {', '.join(sorted(used))} }} from \"typeorm\";",
            'import type { Relation } from "typeorm";']
    from ..ddl.objects import beside_tables

    # TypeORM entities are tables (its @ViewEntity needs a query in its own dialect): the rest stays in
    # the SQL migration
    skipped = beside_tables(schema)
    if skipped:
        head = ["// not carried by TypeORM entities (kept in the SQL migration):", *[f"//   {n}" for n in skipped],
                *head]
    return "\n".join(head + body) + "\n"


def _sql_list(stmts: list[str]) -> list[str]:
    return [f"    await queryRunner.query({_s(s)});" for s in stmts]


def to_typeorm_migration(new: Schema, old: Schema | None = None, *, plan: Plan | None = None, name: str = "Init",
                         timestamp: int = 1700000000000) -> str:
    """A TypeORM migration class whose ``up``/``down`` run our emitter's PostgreSQL statements
    (for ``plan`` when given, else for the diff from ``old`` or from an empty database)."""
    if plan is None:
        plan = diff(old if old is not None else Schema(), new)
    up = statements(plan, "postgresql")
    down = statements(plan.reverse(), "postgresql")
    cls = f"{name}{timestamp}"
    lines = ["// TypeORM migration generated by dbmodel-kit (SQL from dbmodel_kit.migrate, dialect postgresql).",
             'import type { MigrationInterface, QueryRunner } from "typeorm";', "",
             f"export class {cls} implements MigrationInterface {{",
             f"  name = {_s(cls)};", "",
             "  public async up(queryRunner: QueryRunner): Promise<void> {", *_sql_list(up), "  }", "",
             "  public async down(queryRunner: QueryRunner): Promise<void> {", *_sql_list(down), "  }", "}"]
    return "\n".join(lines) + "\n"


def to_typeorm_test(schema: Schema, *, migration_class: str = "Init1700000000000") -> str:
    """A ``node:test`` (describe/it, jest-style) test: the migration goes up, down and up again on
    ``DATABASE_URL`` and the entities' metadata builds against the migrated database."""
    # each table as [schema, name], schema null for the connection's own (current_schema())
    tables = ", ".join(f"[{_s(t.schema) if t.schema is not None else 'null'}, {_s(t.name)}]" for t in schema.tables)
    return f"""// Migration test generated by dbmodel-kit: up, down, up on DATABASE_URL (PostgreSQL).
import "reflect-metadata";
import {{ strict as assert }} from "node:assert";
import {{ after, before, describe, it }} from "node:test";
import {{ DataSource }} from "typeorm";
import * as entities from "./entities";
import {{ {migration_class} }} from "./migration";

const TABLES: [string | null, string][] = [{tables}];
const KEYS = TABLES.map((t) => JSON.stringify(t));

/** The model's tables the database holds, each as JSON [schema, name] (schema null: current_schema()). */
async function tables(ds: DataSource): Promise<string[]> {{
  const rows: {{ table_schema: string; table_name: string; home: boolean }}[] = await ds.query(
    "SELECT table_schema, table_name, table_schema = current_schema() AS home FROM information_schema.tables " +
      "WHERE table_name = ANY($1)",
    [TABLES.map((t) => t[1])],
  );
  return rows.map((r) => JSON.stringify([r.home ? null : r.table_schema, r.table_name]))
    .filter((k) => KEYS.includes(k)).sort();
}}

describe("{migration_class}", () => {{
  const ds = new DataSource({{
    type: "postgres",
    url: process.env.DATABASE_URL,
    entities: Object.values(entities),
    migrations: [{migration_class}],
    synchronize: false,
    logging: false,
  }});

  before(async () => {{
    await ds.initialize();
  }});

  after(async () => {{
    await ds.destroy();
  }});

  it("goes up, down and up again", async () => {{
    await ds.runMigrations({{ transaction: "each" }});
    assert.deepEqual(await tables(ds), [...KEYS].sort());
    await ds.undoLastMigration({{ transaction: "each" }});
    assert.deepEqual(await tables(ds), []);
    await ds.runMigrations({{ transaction: "each" }});
    assert.deepEqual(await tables(ds), [...KEYS].sort());
  }});

  it("maps every entity onto the migrated tables", async () => {{
    for (const meta of ds.entityMetadatas) {{
      const count = await ds.getRepository(meta.target).count();
      assert.equal(typeof count, "number");
    }}
  }});
}});
"""
