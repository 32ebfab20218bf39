"""ERD properties over random schemas (hostile names, composite keys, cycles, enums): Graphviz
accepts every drawing without a warning, every table and relationship is in the SVG under its
id, and the Mermaid text follows the erDiagram grammar."""

from __future__ import annotations

from xml.etree import ElementTree

from hypothesis import HealthCheck, given, settings
from strategies import schemas
from test_erd import _MERMAID_LINE

from dbmodel_kit import erd
from dbmodel_kit.erd.notation import is_junction

SVG = "{http://www.w3.org/2000/svg}"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemas(max_tables=5))
def test_any_schema_draws_cleanly(schema):
    """Any valid schema lays out without Graphviz warnings, with an element for each table and FK."""
    svg, problems = erd.layout(erd.to_dot(schema), "svg")
    assert problems == []
    ids = {g.get("id") for g in ElementTree.fromstring(svg).iter(f"{SVG}g")}
    for t in schema.tables:
        if is_junction(t):
            assert f"m2m:{t.key}" in ids
            continue
        assert f"table:{t.key}" in ids  # ids name tables by key: a.b in no schema is "a.b"
        for fk in t.foreign_keys:
            assert f"fk:{t.key}.{','.join(fk.columns)}->{fk.ref_table}.{','.join(fk.ref_columns)}" in ids


@settings(max_examples=15, deadline=None)
@given(schemas(max_tables=5))
def test_any_schema_gives_grammatical_mermaid(schema):
    """Any valid schema's Mermaid text is made only of lines the erDiagram grammar accepts."""
    for line in erd.to_mermaid(schema).splitlines():
        assert any(p.match(line) for p in _MERMAID_LINE), line


def test_dotted_table_name_and_namespaced_table_get_different_ids():
    """A table called a.b (no schema) and table b of schema a are drawn as two elements, each id
    naming the table by its key, and their foreign keys and a junction between them likewise."""
    from dbmodel_kit.model.schema import Column, ForeignKey, Schema, Table

    dotted = Table("a.b", (Column("id", "integer", nullable=False),), primary_key=("id",))
    spaced = Table("b", (Column("id", "integer", nullable=False),), primary_key=("id",), schema="a")
    link = Table("a.b_b", (Column("x", "integer", nullable=False), Column("y", "integer", nullable=False)),
                 primary_key=("x", "y"),
                 foreign_keys=(ForeignKey(("x",), dotted.key, ("id",)), ForeignKey(("y",), spaced.key, ("id",))))
    schema = Schema((dotted, spaced, link))
    assert is_junction(link)
    for collapse in (True, False):
        svg, problems = erd.layout(erd.to_dot(schema, collapse_m2m=collapse), "svg")
        assert problems == []
        ids = {g.get("id") for g in ElementTree.fromstring(svg).iter(f"{SVG}g")}
        assert {'table:"a.b"', "table:a.b"} <= ids
        if collapse:
            assert 'm2m:"a.b_b"' in ids
        else:
            assert {'fk:"a.b_b".x->"a.b".id', 'fk:"a.b_b".y->a.b.id'} <= ids
