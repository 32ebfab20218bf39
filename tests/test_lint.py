"""Model lint: every rule finds its problem, stays quiet on the fixed design, and reports well."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from dbmodel_kit import Model, ModelError, Schema, examples
from dbmodel_kit.lint import RULES, Finding, LintReport, lint, rule_for
from dbmodel_kit.lint.rules import reserved_words
from dbmodel_kit.model.ops import AlterTable


def build(*tables: tuple[str, dict[str, str]], enums: dict[str, tuple[str, ...]] | None = None,
          timestamps: bool = True, **extra: list[tuple]) -> Model:
    """A Model with ``tables`` (name, {column: spec}); tables get the timestamps flag by default so
    DM106 stays out of the way of other rules' tests."""
    m = Model()
    for name, values in (enums or {}).items():
        m.add_enum(name, *values)
    for name, columns in tables:
        m.add_table_from(name, columns)
        if timestamps:
            m.apply(AlterTable(name, timestamps=True))
    return m


def ids(schema: Schema, rule: str) -> list[tuple[str, str | None]]:
    """The places where ``rule`` fires."""
    return [(f.table, f.column) for f in lint(schema, [rule_for(rule)])]


# -- the rule registry -------------------------------------------------------------------------

def test_rule_ids_are_unique_and_stable():
    """Rule ids are unique, DM1xx, in order, and each rule has a name, severity and docstring."""
    got = [r.id for r in RULES]
    assert got == sorted(set(got))
    assert got[:9] == ["DM101", "DM102", "DM103", "DM104", "DM105", "DM106", "DM107", "DM108", "DM109"]
    assert all(r.name and r.doc and r.severity in ("error", "warning", "info") for r in RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_rule_for_accepts_id_or_name_and_rejects_unknown():
    """A rule is found by id (any case) or name; an unknown key is a ModelError listing the rules."""
    assert rule_for("dm101") is rule_for("no-primary-key")
    with pytest.raises(ModelError, match=r"no lint rule 'DM999'.*DM101 \(no-primary-key\)"):
        rule_for("DM999")


# -- each rule: fires on the problem, quiet on the fix -------------------------------------------

def test_no_primary_key():
    """DM101 flags a table without a primary key and suggests promoting a not-null unique."""
    m = build(("logs", {"code": "varchar(10) unique not null", "msg": "text"}), ("ok", {"id": "bigint pk"}))
    report = lint(m.schema, [rule_for("DM101")])
    assert [(f.where, f.severity) for f in report] == [("logs", "error")]
    assert "promote the unique, not-null (code)" in report.findings[0].hint


def test_fk_not_indexed():
    """DM102 flags an FK without an index leading with its columns; an index, PK or unique prefix covers it."""
    m = build(("users", {"id": "bigint pk"}),
              ("orders", {"id": "bigint pk", "user_id": "bigint references users", "shop": "integer"}),
              ("lines", {"order_id": "bigint not null references orders", "n": "integer not null"}))
    assert ids(m.schema, "DM102") == [("orders", "user_id"), ("lines", "order_id")]
    m.add_index("orders", "user_id", "shop")   # leading column covers the FK
    m.set_primary_key("lines", "order_id", "n")  # a composite PK leading with the FK covers it too
    assert ids(m.schema, "DM102") == []


def test_fk_not_indexed_needs_leading_columns_and_full_index():
    """An index with the FK column second, or a partial index, does not cover the FK."""
    m = build(("users", {"id": "bigint pk"}),
              ("orders", {"id": "bigint pk", "user_id": "bigint references users", "day": "date"}))
    m.add_index("orders", "day", "user_id")
    m.add_index("orders", "user_id", where="day IS NOT NULL")
    assert ids(m.schema, "DM102") == [("orders", "user_id")]


def test_fk_not_indexed_composite_any_order():
    """A composite FK is covered by an index whose leading columns are the same set in another order."""
    m = build(("ms", {"p": "integer pk", "s": "integer pk"}),
              ("notes", {"id": "bigint pk", "p": "integer", "s": "integer"}))
    m.add_foreign_key("notes.(p, s)", "ms.(p, s)")
    assert ids(m.schema, "DM102") == [("notes", "p")]
    m.add_index("notes", "s", "p")
    assert ids(m.schema, "DM102") == []


def test_money_as_float():
    """DM103 flags money-like names stored as real/double, not decimals or non-money floats."""
    m = build(("t", {"id": "bigint pk", "unit_price": "double", "totalAmount": "real", "fee": "decimal(8,2)",
                     "weight": "double", "prices_seen": "integer", "tax_rate": "double", "total_count": "real"}))
    report = lint(m.schema, [rule_for("DM103")])
    assert [f.where for f in report] == ["t.unit_price", "t.totalAmount"]
    assert report.findings[0].message == "t.unit_price looks like money but is double"


def test_timestamp_without_time_zone():
    """DM104 flags timestamp but not timestamptz or date."""
    m = build(("t", {"id": "bigint pk", "a": "timestamp", "b": "timestamptz", "c": "date"}))
    assert ids(m.schema, "DM104") == [("t", "a")]


def test_varchar_without_length():
    """DM105 flags varchar with no length, not varchar(n) or text."""
    m = build(("t", {"id": "bigint pk", "a": "varchar", "b": "varchar(20)", "c": "text"}))
    assert ids(m.schema, "DM105") == [("t", "a")]


def test_missing_timestamps():
    """DM106 names the missing created/updated columns; the flag, the columns, or a junction table silence it."""
    m = build(("a", {"id": "bigint pk"}), ("b", {"id": "bigint pk", "created_at": "timestamptz"}),
              ("c", {"id": "bigint pk", "inserted_at": "timestamptz", "modified_at": "timestamp"}),
              ("ab", {"a_id": "bigint pk references a", "b_id": "bigint pk references b"}), timestamps=False)
    m.apply(AlterTable("ab", timestamps=False))
    report = lint(m.schema, [rule_for("DM106")])
    assert [(f.where, f.message) for f in report] == [
        ("a", "table a has no created_at or updated_at column"),
        ("b", "table b has no updated_at column"),
    ]
    m.apply(AlterTable("a", timestamps=True))
    assert ids(m.schema, "DM106") == [("b", None)]


def test_sensitive_not_marked():
    """DM107 flags personal/secret-looking columns not marked sensitive; skips marked, FK and wrong-typed ones."""
    m = build(("addresses", {"id": "bigint pk"}),
              ("people", {"id": "bigint pk", "email": "varchar(255)", "email_verified_at": "timestamptz",
                          "mobilePhone": "varchar(20)", "password_hash": "text sensitive", "api_token": "uuid",
                          "date_of_birth": "date", "home_address_id": "bigint references addresses",
                          "iban": "varchar(34)", "ssn": "char(11)", "is_email_public": "boolean",
                          "salary": "decimal(10,2)", "nickname": "varchar(40)"}))
    report = lint(m.schema, [rule_for("DM107")])
    assert [f.column for f in report] == ["email", "mobilePhone", "api_token", "date_of_birth", "iban", "ssn",
                                          "salary"]
    assert report.findings[0].message == "people.email looks like an e-mail address but is not marked sensitive"


def test_identifier_too_long():
    """DM108 flags any name over 63 UTF-8 bytes (multi-byte characters count as bytes), including index names."""
    long_col = "é" * 32  # 64 bytes, 32 characters
    m = build(("t", {"id": "bigint pk", long_col: "integer", "ok": "integer"}))
    m.add_index("t", "ok", name="ix_" + "x" * 61)
    report = lint(m.schema, [rule_for("DM108")])
    assert [(f.where, f.message) for f in report] == [
        ("t", f"index name {'ix_' + 'x' * 61!r} is 64 bytes; PostgreSQL keeps only 63"),
        (f"t.{long_col}", f"column name {long_col!r} is 64 bytes; PostgreSQL keeps only 63"),
    ]


def test_reserved_word():
    """DM109 flags table and column names reserved in some engine and names the engines."""
    m = build(("order", {"id": "bigint pk", "desc": "text", "status": "text", "action": "text"}))
    report = lint(m.schema, [rule_for("DM109")])
    assert [f.where for f in report] == ["order", "order.desc"]
    assert report.findings[0].message == ("table name 'order' is a reserved word in PostgreSQL, MySQL, SQLite, "
                                          "DuckDB")


def test_reserved_words_come_from_the_engines():
    """SQLite's list is what the engine refuses (not harmless keywords like action/key); MySQL's follows sqlglot."""
    words = reserved_words()
    assert {"select", "order", "group"} <= words["SQLite"]
    assert not {"action", "key", "plan"} & words["SQLite"]
    assert "role" not in words["MySQL"]
    assert "blob" in words["MySQL"]
    assert "user" in words["PostgreSQL"]
    assert "user" in words["DuckDB"]


def test_boolean_index():
    """DM110 flags an index on a lone boolean, not a partial one or a composite one."""
    m = build(("t", {"id": "bigint pk", "active": "boolean", "kind": "integer"}))
    m.add_index("t", "active")
    m.add_index("t", "kind", where="active")
    m.add_index("t", "active", "kind")
    assert ids(m.schema, "DM110") == [("t", "active")]


def test_redundant_index():
    """DM111 flags an index that is a prefix of another, of the PK, or an exact duplicate (the later one)."""
    m = build(("t", {"a": "integer pk", "b": "integer pk", "c": "integer", "d": "integer"}))
    m.add_index("t", "a")                           # prefix of the PK
    m.add_index("t", "c")                           # prefix of (c, d)
    m.add_index("t", "c", "d")
    m.add_index("t", "d", name="ix_d1")
    m.add_index("t", "d", name="ix_d2")             # exact duplicate of ix_d1: only the later one
    m.add_index("t", "b", where="c > 0")            # partial: left alone
    m.add_index("t", "c", "d", unique=True)         # enforces something the plain index does not
    report = lint(m.schema, [rule_for("DM111")])
    assert [f.message for f in report] == [
        "index ix_t_a (a) is redundant: primary key (a, b) already covers it",
        "index ix_t_c (c) is redundant: index ix_t_c_d (c, d) already covers it",
        "index ix_t_c_d (c, d) is redundant: unique index ux_t_c_d (c, d) already covers it",
        "index ix_d2 (d) is redundant: index ix_d1 (d) already covers it",
    ]


def test_redundant_unique_index_only_when_same_key_enforced():
    """A unique index is redundant only when a unique constraint already enforces the same columns."""
    m = build(("t", {"id": "integer pk", "a": "integer", "b": "integer"}))
    m.add_unique("t", "a", "b")
    m.add_index("t", "a", unique=True)
    assert ids(m.schema, "DM111") == []
    m.add_index("t", "a", "b", unique=True)
    assert ids(m.schema, "DM111") == [("t", "a")]


def test_nullable_in_unique():
    """DM112 flags nullable columns of a composite unique, not of a single-column one."""
    m = build(("t", {"id": "integer pk", "a": "integer not null", "b": "integer", "c": "integer unique"}))
    m.add_unique("t", "a", "b")
    report = lint(m.schema, [rule_for("DM112")])
    assert [(f.where, f.message) for f in report] == [
        ("t.b", "t.b is nullable but part of unique constraint uq_t_a_b (a, b)")]


def test_enum_like_check():
    """DM113 spots `col IN ('a', ...)` checks on text and proposes the enum."""
    m = build(("pay", {"id": "integer pk", "method": "varchar(20) check (method in ('card', 'cash'))",
                       "n": "integer check (n in (1, 2))"}))
    report = lint(m.schema, [rule_for("DM113")])
    assert [f.where for f in report] == ["pay.method"]
    assert "m.add_enum('pay_method', 'card', 'cash')" in report.findings[0].hint


def test_fk_type_differs():
    """DM114 flags FK columns whose type is not exactly the parent's (integer -> bigint, lengths)."""
    m = build(("p", {"id": "bigint pk", "code": "varchar(20) unique not null"}),
              ("c", {"id": "bigint pk", "p_id": "integer references p", "p_code": "varchar(10) references p(code)",
                     "p2": "bigint references p"}))
    report = lint(m.schema, [rule_for("DM114")])
    assert [f.message for f in report] == ["c.p_id is integer but references p.id, which is bigint",
                                           "c.p_code is varchar(10) but references p.code, which is varchar(20)"]


def test_impossible_fk_action():
    """DM115 flags SET NULL on a NOT NULL column and SET DEFAULT without a default; nullable columns are fine."""
    m = build(("p", {"id": "bigint pk"}),
              ("c", {"id": "bigint pk", "a": "bigint not null references p on delete set null",
                     "b": "bigint references p on delete set null",
                     "d": "bigint not null default 1 references p on update set default",
                     "e": "bigint not null references p on update set default"}))
    report = lint(m.schema, [rule_for("DM115")])
    assert [f.message for f in report] == [
        "foreign key fk_c_a_p has ON DELETE SET NULL but c.a is NOT NULL",
        "foreign key fk_c_e_p has ON UPDATE SET DEFAULT but c.e is NOT NULL without a default",
    ]
    assert report.has_errors


def test_unbreakable_fk_cycle():
    """DM116 flags every FK of a cycle whose columns are all NOT NULL; one nullable link breaks the cycle."""
    m = build(("a", {"id": "bigint pk", "b_id": "bigint not null"}),
              ("b", {"id": "bigint pk", "a_id": "bigint not null references a"}),
              ("s", {"id": "bigint pk", "parent_id": "bigint not null references s"}))
    m.add_foreign_key("a.b_id", "b")
    assert ids(m.schema, "DM116") == [("a", "b_id"), ("b", "a_id")]
    m.alter_column("a.b_id", nullable=True)
    assert ids(m.schema, "DM116") == []
    assert ids(examples.large(), "DM116") == []  # departments <-> employees is nullable: fine


def test_unused_enum():
    """DM117 reports an enum no column uses, as a schema-level finding."""
    m = build(("t", {"id": "bigint pk", "s": "enum(used) not null"}),
              enums={"used": ("a", "b"), "spare": ("x",)})
    report = lint(m.schema, [rule_for("DM117")])
    assert [(f.where, f.message) for f in report] == [("schema", "enum spare is not used by any column")]


def test_duplicate_foreign_key():
    """DM118 flags a second FK with the same columns to the same parent columns."""
    m = build(("p", {"id": "bigint pk"}), ("c", {"id": "bigint pk", "p_id": "bigint references p"}))
    m.add_foreign_key("c.p_id", "p", name="fk_again")
    assert [f.message for f in lint(m.schema, [rule_for("DM118")])] == ["foreign key fk_again duplicates fk_c_p_id_p"]


def test_unique_ignores_soft_delete():
    """DM119 flags unique keys of soft-deleted tables unless partial on deleted_at IS NULL."""
    m = build(("u", {"id": "bigint pk", "email": "varchar(200) unique not null sensitive",
                     "handle": "varchar(40) not null", "deleted_at": "timestamptz"}),
              ("v", {"id": "bigint pk", "code": "varchar(9) unique"}))
    m.add_index("u", "handle", unique=True, where="deleted_at IS NULL")
    assert ids(m.schema, "DM119") == [("u", "email")]
    m.apply(AlterTable("v", soft_delete=True))
    assert ids(m.schema, "DM119") == [("u", "email"), ("v", "code")]


def test_identifier_needs_quoting():
    """DM120 flags names that are not lower-case snake_case and suggests one; plain names pass."""
    m = build(("Order Lines", {"id": "bigint pk", "unitPrice": "decimal(8,2)", "2fa_secret": "text sensitive",
                               "plain_name": "text"}), enums={"Status": ("a",)})
    report = lint(m.schema, [rule_for("DM120")])
    assert [(f.where, f.hint) for f in report] == [
        ("schema", "rename it in lower-case snake_case, e.g. status"),
        ("Order Lines", "rename it in lower-case snake_case, e.g. order_lines"),
        ("Order Lines.unitPrice", "rename it in lower-case snake_case, e.g. unit_price"),
        ("Order Lines.2fa_secret", "rename it in lower-case snake_case, e.g. column_2fa_secret"),
    ]


# -- lint(): ordering, ignore, report formats -------------------------------------------------

def test_rules_by_id_or_name():
    """`rules=` takes Rule objects or their ids/names, and runs only those."""
    m = build(("t", {"id": "bigint", "price": "double", "seen": "timestamp"}))
    assert lint(m.schema, ["DM104", "money-as-float"]).ids() == ["DM103", "DM104"]
    assert lint(m.schema, ["DM104"], ignore=["DM101"]).ids() == ["DM104"]  # ignoring an unselected rule is fine
    with pytest.raises(ModelError, match="no lint rule"):
        lint(m.schema, ["DM000"])


def test_findings_in_model_order():
    """Findings come schema-first, then table by table, a table's own before its columns', columns in order."""
    m = build(("z", {"id": "bigint", "price": "double", "seen": "timestamp"}), ("a", {"id": "bigint pk"}),
              enums={"spare": ("x",)})
    assert [(f.where, f.id) for f in lint(m.schema)] == [
        ("schema", "DM117"), ("z", "DM101"), ("z.price", "DM103"), ("z.seen", "DM104")]


def test_ignore_per_table_and_everywhere():
    """`ignore` silences rules by id or name, for one table (mapping or "table:ID") or everywhere."""
    m = build(("a", {"x": "double"}), ("b", {"y": "integer"}))
    assert lint(m.schema).ids() == ["DM101", "DM101"]
    assert [f.table for f in lint(m.schema, ignore={"a": ["DM101"]})] == ["b"]
    assert [f.table for f in lint(m.schema, ignore=["b:no-primary-key"])] == ["a"]
    assert lint(m.schema, ignore=["DM101"]).ids() == []
    assert lint(m.schema, ignore={"*": "DM101"}).ids() == []


def test_ignore_rejects_unknown_table_or_rule():
    """Ignoring a table or a rule that does not exist is a ModelError, not a silent no-op."""
    m = build(("a", {"id": "bigint pk"}))
    with pytest.raises(ModelError, match="ignore names table 'nope'"):
        lint(m.schema, ignore={"nope": ["DM101"]})
    with pytest.raises(ModelError, match="no lint rule 'DM1O1'"):
        lint(m.schema, ignore=["a:DM1O1"])


def test_report_text_json_and_html():
    """A report prints as text with a summary, serialises as JSON, and renders an escaped HTML table."""
    m = build(("<b>", {"x": "double"}))
    report = lint(m.schema, ["DM101"])
    assert str(report).splitlines()[-1] == "1 finding: 1 error"
    data = json.loads(report.to_json())
    assert data["counts"] == {"error": 1, "warning": 0, "info": 0}
    assert data["findings"][0] == {"where": "<b>", "id": "DM101", "rule": "no-primary-key", "severity": "error",
                                   "message": "table <b> has no primary key", "hint": data["findings"][0]["hint"],
                                   "table": "<b>", "column": None}
    html = report._repr_html_()
    assert "<table" in html
    assert "&lt;b&gt;" in html
    assert "<b>&lt;" not in html
    assert "DM101" in html
    assert "1 finding: 1 error" in html
    assert report.to_frame().shape == (1, 8)


def test_empty_report():
    """A clean design reports no findings in every format."""
    report = LintReport()
    assert not report
    assert not report.has_errors
    assert str(report) == "no findings"
    assert report._repr_html_() == "<p><b>Lint:</b> no findings</p>"
    assert json.loads(report.to_json()) == {"findings": [], "counts": {"error": 0, "warning": 0, "info": 0}}


def test_finding_rejects_unknown_severity():
    """A Finding's severity is one of error, warning, info."""
    with pytest.raises(ValueError, match="severity"):
        Finding("DM101", "x", "fatal", "m", "h")  # type: ignore[arg-type]


def test_examples_golden(golden):
    """The lint reports of the two example models (text and JSON) match their golden files."""
    for name, schema in (("ecommerce", examples.ecommerce()), ("large", examples.large())):
        report = lint(schema)
        golden(f"lint/{name}.txt", str(report) + "\n")
        golden(f"lint/{name}.json", report.to_json() + "\n")


def test_ecommerce_has_no_errors():
    """The hand-off e-commerce model passes lint without error-level findings."""
    report = lint(examples.ecommerce())
    assert not report.has_errors
    assert "orders.shipping_address" in [f.where for f in report.warnings]


def test_lint_does_not_change_the_schema():
    """Linting reads the schema only: the value is equal before and after."""
    schema = examples.large()
    before = replace(schema)
    lint(schema)
    assert schema == before
