"""Tables placed by hand: ``Table.position`` in the model, in YAML, in every later drawing, and
nowhere in DDL or migrations.

A placed drawing is laid out by ``neato -n2`` (every box stays where it was put, only edges are
routed); where some tables are placed and others not, the others get free places first. The SVG
checks read geometry: each table's box centre, from its outline polygon.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace
from xml.etree import ElementTree

import pytest

from dbmodel_kit import Model, ModelError
from dbmodel_kit.ddl import create_sql
from dbmodel_kit.erd import render, render_svg
from dbmodel_kit.erd.render import _cached_layout
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.io.yaml_format import read_yaml, write_yaml
from dbmodel_kit.migrate import diff
from dbmodel_kit.model import ops as o
from dbmodel_kit.model.schema import Schema, Table

NS = {"svg": "http://www.w3.org/2000/svg"}
NUM = re.compile(r"-?\d+(?:\.\d+)?")


def boxes(svg: str) -> dict[str, tuple[float, float, float, float]]:
    """Each table's box in SVG user units: (min x, min y, max x, max y) of its outline polygons."""
    root = ElementTree.fromstring(svg)
    out = {}
    for g in root.iter(f"{{{NS['svg']}}}g"):
        gid = g.get("id", "")
        if g.get("class") != "node" or not gid.startswith("table:"):
            continue
        xs, ys = [], []
        for poly in g.iter(f"{{{NS['svg']}}}polygon"):
            nums = [float(n) for n in NUM.findall(poly.get("points", ""))]
            xs += nums[::2]
            ys += nums[1::2]
        out[gid.removeprefix("table:")] = (min(xs), min(ys), max(xs), max(ys))
    return out


def centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def placed(schema: Schema, places: dict[str, tuple[int, int]]) -> Schema:
    for name, xy in places.items():
        schema = schema.replace_table(replace(schema.table(name), position=xy), name)
    return schema


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


PLACES = {"users": (0, 0), "categories": (500, 700), "products": (1000, 0), "orders": (0, 700),
          "order_items": (500, -300)}


def test_position_is_checked_and_rounded():
    """A position is two finite numbers, kept as whole points; anything else names the table."""
    t = Table("t", columns=ecommerce().table("users").columns[:1], position=(10.4, -3.6))
    assert t.position == (10, -4)
    for bad in ((1,), ("a", 2), (float("nan"), 1), (True, 2), 5):
        with pytest.raises(ModelError, match="position") as info:
            Table("t", columns=t.columns, position=bad)
        assert info.value.where == "t"


def test_moving_a_table_is_one_undoable_step():
    """AlterTable(position=...) moves a table, says so in the history, and undo puts it back."""
    m = Model(ecommerce())
    m.apply(o.AlterTable("users", position=(120.4, 80)))
    assert m.schema.table("users").position == (120, 80)
    assert m.history()[-1] == "move table users to (120, 80)"
    m.apply(o.AlterTable("users", position=None))
    assert m.history()[-1] == "unpin table users (the layout places it)"
    m.undo()
    m.undo()
    assert m.schema.table("users").position is None
    m.apply(o.AlterTable("users", position=(1, 2)))
    m.rename_table("users", "people")
    assert m.schema.table("people").position == (1, 2)  # a rename keeps the place


def test_yaml_keeps_positions_and_names_bad_ones():
    """position: [x, y] round-trips through YAML; a malformed one is an error at its line."""
    schema = placed(ecommerce(), {"users": (126, 506), "orders": (-40, 7)})
    text = write_yaml(schema)
    assert "    position: [126, 506]\n" in text
    assert read_yaml(text) == schema
    assert write_yaml(read_yaml(text)) == text
    for bad in ("[1]", "[a, b]", "5", "[.nan, 1]", "[true, 1]"):
        broken = textwrap.dedent(f"""\
            tables:
              t:
                position: {bad}
                columns:
                  id: bigint pk
        """)
        with pytest.raises(ModelError, match="position") as info:
            read_yaml(broken, source="shop.yaml")
        assert info.value.where == "shop.yaml:3"


def test_positions_change_no_ddl_and_no_migration():
    """DDL ignores positions, and a diff between a schema and its moved copy has no steps."""
    before = ecommerce()
    after = placed(before, PLACES)
    for dialect in ("postgresql", "mysql", "sqlite", "duckdb"):
        assert create_sql(after, dialect) == create_sql(before, dialect)
    assert list(diff(before, after)) == []


def test_every_placed_table_is_drawn_where_it_was_put():
    """With every table placed, neato -n2 draws each box centred on its position (the SVG flips
    y and may shift the whole drawing, so centres are compared relative to the first table)."""
    schema = placed(ecommerce(), PLACES)
    _source, engine, no_op = _cached_layout(schema, {})
    assert (engine, no_op) == ("neato", 2)
    got = {name: centre(b) for name, b in boxes(render_svg(schema)).items()}
    x0, y0 = got["users"]
    for name, (x, y) in PLACES.items():
        cx, cy = got[name]
        assert cx - x0 == pytest.approx(x, abs=1.5), name
        assert y0 - cy == pytest.approx(y, abs=1.5), name  # SVG y points down


def test_unplaced_tables_get_free_places_beside_the_placed_ones():
    """Tables without a position (added after the others were placed) are drawn beside them,
    overlapping none, while the placed ones stay exactly where they were put."""
    places = {k: v for k, v in PLACES.items() if k != "order_items"}
    schema = placed(ecommerce(), places)
    got = boxes(render_svg(schema))
    x0, y0 = centre(got["users"])
    for name, (x, y) in places.items():
        cx, cy = centre(got[name])
        assert (cx - x0, y0 - cy) == pytest.approx((x, y), abs=1.5), name
    names = list(got)
    assert not [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if overlap(got[a], got[b])]


def test_a_named_engine_ignores_positions_and_dot_is_the_default():
    """No positions: dot. engine='dot' lays out every table itself even when they are placed."""
    assert _cached_layout(ecommerce(), {})[1:] == ("dot", None)
    schema = placed(ecommerce(), PLACES)
    source, engine, _ = _cached_layout(schema, {"engine": "dot"})
    assert engine == "dot"
    assert "pos=" not in source
    assert 'pos="0,0!"' in _cached_layout(schema, {})[0]


def test_edges_leave_and_enter_on_the_facing_sides():
    """Between placed tables, an edge leaves the child on the side facing its parent: a child
    left of its parent starts at the child's east side, right of it at the west side."""
    schema = placed(ecommerce(), {**PLACES, "orders": (-600, 0), "users": (0, 0)})
    dot = _cached_layout(schema, {})[0]
    # orders (child) now left of users (parent): leaves east, enters users' west
    line = next(line for line in dot.splitlines() if 'id="fk:orders.user_id->users.id"' in line)
    assert 'tailport="user_id_e:e"' in line
    assert 'headport="id_w:w"' in line


def test_placed_drawing_of_a_large_schema_has_no_clusters_and_renders_png():
    """Subject areas are not boxes in a placed drawing (neato draws no clusters): the area is in
    each table's header; PNG output works the same way."""
    schema = large()
    schema = placed(schema, {t.name: (i % 6 * 420, i // 6 * 520) for i, t in enumerate(schema.tables)})
    svg = render_svg(schema)
    assert 'class="cluster"' not in svg
    assert render(schema, "png")[:4] == b"\x89PNG"
