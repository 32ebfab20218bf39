"""Every SQL expression in the model is exactly one expression of the right kind, every default is a
value its column's type holds, and type parameters over an engine's limits are refused by ``ddl``
for that engine: through the Python API, the YAML, SQL and DBML readers and the Designer, each
refusal names the column; the engines themselves refuse what the model refuses."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from dbmodel_kit import Model
from dbmodel_kit.ddl import create_sql
from dbmodel_kit.errors import ModelError
from dbmodel_kit.io import loads
from dbmodel_kit.model.schema import Check, Column, Default, Index

# -- expressions -----------------------------------------------------------------------------------

SMUGGLED = ["x > 0; DROP TABLE victim", "x > 0; --", "x > 0;; SELECT 1"]


def _table() -> Model:
    m = Model()
    m.add_table("t", id="integer pk", x="integer", flag="boolean")
    return m


@pytest.mark.parametrize("text", SMUGGLED)
def test_a_second_statement_is_refused_not_cut(text: str) -> None:
    """`x > 0; DROP TABLE victim` as a CHECK, an index WHERE or a generated column is an error,
    and the model is unchanged (nothing of it reaches DDL, YAML or exports)."""
    m = _table()
    before = m.schema
    with pytest.raises(ModelError, match="statements; it must be exactly one expression"):
        m.add_check("t", text)
    with pytest.raises(ModelError, match=r"index WHERE condition .* statements"):
        m.add_index("t", "x", where=text)
    with pytest.raises(ModelError, match=r"generated column expression .* statements"):
        Column("g", "integer", generated=text.replace(">", "+"))
    assert m.schema is before


@pytest.mark.parametrize(("text", "why"), [
    ("(SELECT 1)", "subquery"),
    ("x IN (SELECT id FROM t)", "subquery"),
    ("EXISTS (SELECT 1)", "subquery"),
    ("'member'", "not a condition"),
    ("x + 1", "not a condition"),
    ("CAST(x AS text)", "not a condition"),
    ("DROP TABLE victim", "statement"),
])
def test_a_check_is_one_condition_without_subquery(text: str, why: str) -> None:
    """CHECK (SELECT 1), check 'member' and arithmetic are refused; engines forbid subqueries there."""
    with pytest.raises(ModelError, match=why):
        Check(text)
    with pytest.raises(ModelError, match=why):
        Index(("x",), where=text)


@pytest.mark.parametrize("text", ["x > 0", "flag", "NOT flag", "x IS NOT NULL", "x BETWEEN 1 AND 2",
                                  "code ~* '^[a-z]+$'", "CAST(flag AS BOOLEAN)", "lower(code) = code",
                                  "CASE WHEN x > 0 THEN TRUE ELSE FALSE END", "(x > 0) OR (x < -5)"])
def test_real_conditions_stay_accepted(text: str) -> None:
    """Conditions real schemas write (regular expressions, CASE, casts to boolean) are kept."""
    assert Check(text).expression


def test_default_expressions_name_no_column_and_have_no_subquery() -> None:
    """`DEFAULT NaN` is not read as a column; a default naming a column or holding a subquery is refused."""
    with pytest.raises(ModelError, match="not a finite number"):
        Default.parse("NaN")
    for text in ("infinity", "-Infinity", "1e999", float("inf"), float("nan")):
        with pytest.raises(ModelError, match="not a finite number"):
            Default.parse(text)
    with pytest.raises(ModelError, match="read as a column"):
        Default.parse("other_column + 1")
    with pytest.raises(ModelError, match=r"SELECT statement|subquery"):
        Default.parse("(SELECT max(id) FROM t)")
    assert Default.parse("lower('ABC')").kind == "expression"
    assert Default.parse("current_user").kind == "expression"


def test_deep_expression_through_the_api_is_a_clean_error() -> None:
    """3,000 nested parentheses given to the Python API: an error, not a RecursionError."""
    with pytest.raises(ModelError, match="nested deeper"):
        Check("(" * 3000 + "x > 0" + ")" * 3000)


def test_typeorm_export_gets_only_the_one_expression() -> None:
    """The TypeORM export writes the stored expression in @Check, never text after it."""
    from dbmodel_kit.export.typeorm import to_typeorm_entities

    m = _table()
    m.add_check("t", "x > 0")
    with pytest.raises(ModelError):
        m.add_check("t", "x > 1; DROP TABLE victim")
    text = to_typeorm_entities(m.schema)
    assert '@Check("ck_t_x", "x > 0")' in text
    assert "DROP" not in text


# -- defaults against their column's type -----------------------------------------------------------

REFUSED = [
    ("integer", "'abc'", "not a whole number"),
    ("integer", "1.5", "not a whole number"),
    ("smallint", "40000", "out of range"),
    ("integer unsigned", "-1", "out of range"),
    ("boolean", "42", "not a boolean"),
    ("boolean", "'maybe'", "not a boolean"),
    ("double", "'NaN'", "not a finite number"),
    ("double", "'abc'", "not a number"),
    ("decimal(5,2)", "1234.5", "digit"),
    ("varchar(3)", "'abcd'", "longer than"),
    ("uuid", "'not-a-uuid'", "not a UUID"),
    ("json", "'{'", "not JSON"),
    ("integer", "now()", "date/time type"),
]


@pytest.mark.parametrize(("spec", "default", "why"), REFUSED)
def test_a_default_the_type_cannot_hold_is_refused_naming_the_column(spec: str, default: str, why: str) -> None:
    """Python API, YAML, SQL and DBML all refuse it, each naming column x."""
    m = _table()
    with pytest.raises(ModelError, match=why) as e:
        m.add_column("t", "bad", f"{spec} default {default}")
    assert "bad" in str(e.value)
    yaml = f"tables:\n  t:\n    columns:\n      id: integer pk\n      bad: \"{spec} default {default}\"\n"
    with pytest.raises(ModelError, match=why) as e:
        loads(yaml, "yaml")
    assert "bad" in str(e.value)
    sql_type = {"double": "double precision", "json": "jsonb", "integer unsigned": "integer"}.get(spec, spec)
    if spec != "integer unsigned":
        with pytest.raises(ModelError, match=why) as e:
            loads(f"CREATE TABLE t (id integer PRIMARY KEY, bad {sql_type} DEFAULT {default});", "sql",
                  dialect="postgres")
        assert "bad" in str(e.value)


@pytest.mark.parametrize(("spec", "default", "why"), [r for r in REFUSED[:6] if "unsigned" not in r[0]])
def test_dbml_refuses_the_same_defaults(spec: str, default: str, why: str) -> None:
    """DBML's `[default: ...]` goes through the same check."""
    dbml_type = spec.replace(" unsigned", "")
    with pytest.raises(ModelError, match=why) as e:
        loads(f"Table t {{\n  id integer [pk]\n  bad {dbml_type} [default: {default}]\n}}\n", "dbml")
    assert "bad" in str(e.value)


def test_enum_default_is_one_of_its_labels() -> None:
    """`enum(order_status) default false` and a label the enum lacks are refused naming the column."""
    base = "enums:\n  order_status: [new, paid]\ntables:\n  t:\n    columns:\n      id: integer pk\n"
    for default, why in (("false", "not one of the labels"), ("'shipped'", "not one of the labels"),
                         ("new", "read as a column")):
        with pytest.raises(ModelError, match=why) as e:
            loads(base + f"      s: \"enum(order_status) default {default}\"\n", "yaml")
        assert "t.s" in str(e.value) or "s" in str(e.value)
    s = loads(base + "      s: \"enum(order_status) default 'paid'\"\n", "yaml")
    assert s.table("t").column("s").default == Default("literal", "paid")
    with pytest.raises(ModelError, match="not one of the labels") as e:
        loads("CREATE TYPE st AS ENUM ('a', 'b');\nCREATE TABLE t (id int PRIMARY KEY, s st DEFAULT 'c');", "sql",
              dialect="postgres")
    assert "t.s" in str(e.value)


def test_values_a_type_holds_stay_accepted() -> None:
    """Booleans spelled as text or 0/1 become booleans (MySQL would read 'yes' as 0); the rest is kept."""
    m = _table()
    m.add_column("t", "a", "boolean default 'yes'")
    m.add_column("t", "b", "boolean default 0")
    m.add_column("t", "c", "integer default '42'")
    m.add_column("t", "d", "decimal(5,2) default 999.99")
    m.add_column("t", "e", "varchar(4) default 'it''s'")
    m.add_column("t", "f", f"uuid default '{uuid.UUID(int=1)}'")
    m.add_column("t", "g", "json default '{\"a\": 1}'")
    m.add_column("t", "h", "double default -1.5e10")
    t = m.schema.table("t")
    assert t.column("a").default == Default("literal", True)
    assert t.column("b").default == Default("literal", False)
    assert t.column("e").default == Default("literal", "it's")


def test_identity_column_is_not_null() -> None:
    """A non-key identity column is NOT NULL, so PostgreSQL gets no `GENERATED ... IDENTITY NULL`."""
    m = _table()
    m.add_column("t", "n", "integer identity")
    assert not m.schema.table("t").column("n").nullable
    assert "IDENTITY NULL" not in create_sql(m.schema, "postgresql")


# -- per-engine type limits ------------------------------------------------------------------------

LIMITS = [  # (type, dialect, the engine's rule quoted in the error)
    ("varchar(2147483648)", "postgresql", "cannot exceed 10485760"),
    ("varchar(2147483648)", "mysql", "max = 16383"),
    ("char(100000)", "mysql", "max = 255"),
    ("bytes(70000)", "mysql", "max = 65532"),
    ("decimal(500,2)", "duckdb", "between 1 and 38"),
    ("decimal(66,2)", "mysql", "Maximum is 65"),
    ("decimal(60,39)", "mysql", "Maximum is 38"),
]


@pytest.mark.parametrize(("spec", "dialect", "rule"), LIMITS)
def test_type_parameters_over_an_engines_limit_are_refused_by_ddl(spec: str, dialect: str, rule: str) -> None:
    """ddl for that engine names the column and the engine's rule; engines without the limit get the DDL."""
    m = _table()
    m.add_column("t", "big", spec)
    with pytest.raises(ModelError, match=rule) as e:
        create_sql(m.schema, dialect)
    assert e.value.where == "t.big"
    create_sql(m.schema, "sqlite")


def _over_limit_ddl(spec: str, dialect: str) -> str:
    m = Model()
    m.add_table("t", edge=spec)
    return create_sql(m.schema, dialect)


def _engine_refuses(url: str, ddl: str, row: str = "INSERT INTO t (id) VALUES (1)") -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for stmt in ddl.split(";\n"):
                if stmt.strip():
                    conn.exec_driver_sql(stmt)
            if row:  # a default is checked by the first row at the latest
                conn.exec_driver_sql(row)
    except sa.exc.DBAPIError:
        return True
    finally:
        engine.dispose()
    return False


@pytest.mark.postgres
def test_postgresql_refuses_the_defaults_the_model_refuses(postgres_url: str) -> None:
    """The model's refusals are PostgreSQL's own: each default is refused there too (at CREATE or at
    the first row), and the value just inside each rule is taken."""
    for spec, default, _ in REFUSED:
        # PostgreSQL has no unsigned types, and rounds 1.5 into an integer column silently: the
        # model refuses a default it would change; it takes NaN, which the model refuses (finite numbers only)
        if "unsigned" in spec or default in ("1.5", "'NaN'"):
            continue
        pg = {"double": "double precision", "json": "jsonb", "uuid": "uuid"}.get(spec, spec)
        assert _engine_refuses(postgres_url, f"DROP TABLE IF EXISTS t;\nCREATE TABLE t (id integer PRIMARY KEY, "
                                             f"bad {pg} DEFAULT {default})"), (spec, default)
    for pg, default in (("integer", "'42'"), ("boolean", "'yes'"), ("smallint", "32767"), ("varchar(3)", "'abc'"),
                        ("numeric(5,2)", "999.99")):
        Column("ok", pg.replace("numeric", "decimal"), default=Default.parse(default))
        assert not _engine_refuses(postgres_url, f"DROP TABLE IF EXISTS t;\nCREATE TABLE t (id integer PRIMARY KEY, "
                                                 f"ok {pg} DEFAULT {default})"), (pg, default)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "duckdb"])
def test_the_engine_limits_are_the_engines(dialect: str, request: pytest.FixtureRequest) -> None:
    """At each limit the engine takes the kit's DDL; one over, the engine refuses the same type too."""
    from dbmodel_kit.dialects import get_dialect

    if dialect != "duckdb":
        request.applymarker(pytest.mark.postgres if dialect == "postgresql" else pytest.mark.mysql)
    url = request.getfixturevalue({"postgresql": "postgres_url", "mysql": "mysql_url", "duckdb": "duckdb_url"}[dialect])
    spell = {"char": "char({})", "varchar": "varchar({})", "bytes": "bytes({})", "decimal": "decimal({})"}
    for key, (largest, _) in get_dialect(dialect).type_limits.items():
        kind, param = key.split(".")
        arg = {"precision": f"{largest},0", "scale": f"{largest},{largest}"}.get(param, str(largest))
        # the column alone: MySQL's 65,535-byte row holds one VARCHAR(16383) of utf8mb4 and nothing beside it
        m = Model()
        m.add_table("t", edge=spell[kind].format(arg))
        assert not _engine_refuses(url, "DROP TABLE IF EXISTS t;\n" + create_sql(m.schema, dialect).strip(), ""), key
        over = {"precision": f"{largest + 1},0", "scale": f"{largest + 1},{largest + 1}"}.get(param, str(largest + 1))
        with pytest.raises(ModelError):  # the model (PostgreSQL's 1000 digits) or the engine's ddl refuses it
            _over_limit_ddl(spell[kind].format(over), dialect)
        native = {"bytes": "varbinary({})", "decimal": "decimal({})"}.get(kind, spell[kind]).format(over)
        assert _engine_refuses(url, f"DROP TABLE IF EXISTS t;\nCREATE TABLE t (edge {native})", ""), key


def test_the_designer_refuses_a_default_its_type_cannot_hold() -> None:
    """The Designer's column form goes through the model: `boolean default 42` is refused with the
    column named next to the Add button, and the model is unchanged."""
    pytest.importorskip("anywidget")
    from dbmodel_kit.examples import ecommerce
    from dbmodel_kit.widgets.designer import Designer

    model = Model(ecommerce())
    designer = Designer(model, table="products")
    try:
        before = model.schema
        t = designer.tables
        for kind, default, why in (("boolean", "42", "not a boolean"), ("integer", "'abc'", "not a whole number")):
            t.col_name.value = "gift_wrap"
            t.type.kind.value = kind
            t.default.value = default
            t.add_column.click()
            assert not t.column_msg.ok
            assert why in t.column_msg.message, t.column_msg.message
            assert "gift_wrap" in t.column_msg.message
            assert model.schema is before
    finally:
        designer.close()


@pytest.mark.postgres
def test_postgresql_takes_a_non_key_identity_column(postgres_url: str) -> None:
    """The DDL of a non-key identity column runs on PostgreSQL and the column numbers the rows."""
    m = _table()
    m.add_column("t", "n", "integer identity")
    ddl = "DROP TABLE IF EXISTS t;\n" + create_sql(m.schema, "postgresql").strip()
    assert not _engine_refuses(postgres_url, ddl, "INSERT INTO t (id) VALUES (1)")


@pytest.mark.parametrize(("written", "held"), [
    ("2024-01-01 00:00:00+00", "2024-01-01 00:00:00"),
    ("2024-01-01 02:30:00+02:30", "2024-01-01 00:00:00"),
    ("2024-01-01T00:00:00.25Z", "2024-01-01T00:00:00.25"),
    ("2024-01-01 00:00:00", "2024-01-01 00:00:00"),
])
def test_a_timestamptz_default_is_held_in_utc_without_an_offset(written: str, held: str) -> None:
    """One instant, one spelling: the model holds a timestamptz default as the DDL writes it and
    reflection reads it back (the evolution fuzz, seed 200011: '2024-01-01 00:00:00+00' came back
    without its offset on every engine, and MariaDB refused the DEFAULT with it)."""
    from dbmodel_kit.model.schema import Default, fit_default
    from dbmodel_kit.model.types import DataType

    assert fit_default(DataType("timestamptz"), Default("literal", written)) == Default("literal", held)
