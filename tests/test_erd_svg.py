"""The SVG that ``dot`` draws: every FK edge lands on the right column rows with the right crow's feet.

The check reads geometry, not our own attributes: where each edge's path starts and ends, which
table row (by the y of its name text) and which side of the table box (by the box's x range)
that is, and what shapes Graphviz drew at each end (a crow is a 10-point polygon, a tee a
rectangle, a ring an ellipse), ordered from the table outwards.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from dbmodel_kit import erd
from dbmodel_kit.erd.notation import ARROWS
from dbmodel_kit.examples import ecommerce, large

NS = {"svg": "http://www.w3.org/2000/svg"}
SHAPES = {"crow", "tee", "odot", "dot", "none"}
NUM = re.compile(r"-?\d+(?:\.\d+)?")


def _points(text: str) -> list[tuple[float, float]]:
    nums = [float(n) for n in NUM.findall(text)]
    return list(zip(nums[::2], nums[1::2]))


def _arrow_parts(name: str) -> list[str]:
    """'crowodot' -> ['crow', 'odot'] (Graphviz lists the shape nearest the node first)."""
    parts, rest = [], name
    while rest:
        for shape in sorted(SHAPES, key=len, reverse=True):
            if rest.startswith(shape):
                parts.append(shape)
                rest = rest[len(shape):]
                break
        else:
            raise AssertionError(f"cannot read arrow {name!r}")
    return parts


class Drawing:
    def __init__(self, svg: bytes) -> None:
        self.root = ElementTree.fromstring(svg)
        self.groups = {g.get("id"): g for g in self.root.iter(f"{{{NS['svg']}}}g") if g.get("id")}

    def box(self, table: str) -> tuple[float, float, float, float]:
        """x0, x1, y0, y1 of a table's drawn box."""
        pts = [p for poly in self.groups[f"table:{table}"].iter(f"{{{NS['svg']}}}polygon")
               for p in _points(poly.get("points", ""))]
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        return min(xs), max(xs), min(ys), max(ys)

    def row_y(self, table: str, column: str) -> float:
        """The vertical middle of a column's row (name text baseline minus a third of the font size)."""
        text = next(self.groups[f"a_col:{table}.{column}"].iter(f"{{{NS['svg']}}}text"))
        return float(text.get("y")) - float(text.get("font-size")) / 3

    def row_at(self, table: str, y: float) -> str:
        """The column whose row middle is nearest to ``y`` (the row an arrow at that height touches)."""
        prefix = f"a_col:{table}."
        rows = {gid[len(prefix):]: self.row_y(table, gid[len(prefix):])
                for gid in self.groups if gid.startswith(prefix)}
        return min(rows, key=lambda col: abs(rows[col] - y))

    def edge(self, edge_id: str) -> ElementTree.Element:
        return self.groups[edge_id]


def _path_ends(g: ElementTree.Element) -> tuple[tuple[float, float], tuple[float, float]]:
    path = next(g.iter(f"{{{NS['svg']}}}path"))
    pts = _points(path.get("d"))
    return pts[0], pts[-1]


def _contact(g: ElementTree.Element, end: tuple[float, float], side_x: float) -> tuple[float, float]:
    """Where the arrow at ``end`` touches the table: the middle of the arrow points (within 30 px
    of that path end) that lie on the table's side ``side_x`` (a crow's three toes, a tee's two
    corners), or the nearest point when none does."""
    pts = [end]
    for el in g.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in ("polygon", "polyline"):
            pts += _points(el.get("points"))
    near = [p for p in pts if ((p[0] - end[0]) ** 2 + (p[1] - end[1]) ** 2) ** 0.5 <= 30]
    touching = [p for p in near if abs(p[0] - side_x) < 2.5]
    if not touching:
        return min(near, key=lambda p: abs(p[0] - side_x))
    return (sum(x for x, _ in touching) / len(touching), sum(y for _, y in touching) / len(touching))


def _shapes_at_ends(g: ElementTree.Element, tail: tuple[float, float],
                    head: tuple[float, float]) -> tuple[list[str], list[str]]:
    """The arrow shapes nearest the tail and head ends of the path, each list ordered from the
    table outwards (the path end is the outer end of an arrow, so farthest first)."""
    found: list[tuple[str, tuple[float, float]]] = []
    for el in g.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "ellipse":
            found.append(("odot" if el.get("fill") == "none" else "dot",
                          (float(el.get("cx")), float(el.get("cy")))))
        elif tag == "polygon":
            pts = _points(el.get("points"))
            cx, cy = sum(x for x, _ in pts) / len(pts), sum(y for _, y in pts) / len(pts)
            found.append(("crow" if len(pts) >= 8 else "tee", (cx, cy)))

    def dist(a: tuple[float, float], b: tuple[float, float]) -> float:
        return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5

    at_tail = [(kind, c) for kind, c in found if dist(c, tail) <= dist(c, head)]
    at_head = [(kind, c) for kind, c in found if dist(c, tail) > dist(c, head)]
    return ([k for k, c in sorted(at_tail, key=lambda kc: -dist(kc[1], tail))],
            [k for k, c in sorted(at_head, key=lambda kc: -dist(kc[1], head))])


@pytest.mark.parametrize(("name", "schema", "options"), [
    ("ecommerce", ecommerce(), {}),
    ("large", large(), {}),
    ("large-dark-expanded", large(), {"theme": "dark", "collapse_m2m": False}),
    ("large-compact", large(), {"compact": True}),
])
def test_fk_edges_land_on_their_columns_with_the_right_ends(name, schema, options):
    """Each FK edge starts at its FK column's row and ends at the referenced column's row, on the
    facing sides of the two tables, with the crow's-foot shapes its cardinality calls for."""
    view = erd.build_view(schema, **{k: v for k, v in options.items() if k != "theme"})
    svg, problems = erd.layout(erd.to_dot(schema, **options), "svg")
    assert problems == []
    drawing = Drawing(svg)
    fk_edges = [e for e in view.edges if e.kind == "fk"]
    expected_ids = {f"fk:{t.name}.{','.join(fk.columns)}->{fk.ref_table}.{','.join(fk.ref_columns)}"
                    for t in schema.tables for fk in t.foreign_keys
                    if options.get("collapse_m2m") is False or not erd.is_junction(t)}
    assert {e.id for e in fk_edges} == expected_ids
    for e in fk_edges:
        child = schema.table(e.tail)
        fk = next(f for f in child.foreign_keys if e.id.startswith(f"fk:{child.name}.{','.join(f.columns)}->"))
        g = drawing.edge(e.id)
        tail, head = _path_ends(g)
        # the arrow touches the facing side of each table (parents rank to the left, so the tail
        # leaves the child's west side and the head enters the parent's east side; a self-reference
        # loops on the east side; an FK closing a cycle has its parent to the right and runs east
        # to west) at the height of the column's row (nearer its middle than any other row's)
        cx0, cx1, _, _ = drawing.box(child.name)
        px0, px1, _, _ = drawing.box(fk.ref_table)
        if e.self_loop:
            tail_x, head_x = cx1, px1
        elif e.backward:
            tail_x, head_x = cx1, px0
            assert cx1 < px0, (e.id, "parent right of child")
        else:
            tail_x, head_x = cx0, px1
            assert px1 < cx0, (e.id, "parent left of child")
        t_at, h_at = _contact(g, tail, tail_x), _contact(g, head, head_x)
        assert abs(t_at[0] - tail_x) < 2.5, (e.id, "tail side", t_at, tail_x)
        assert abs(h_at[0] - head_x) < 2.5, (e.id, "head side", h_at, head_x)
        assert drawing.row_at(child.name, t_at[1]) == fk.columns[0], (e.id, "tail row")
        assert drawing.row_at(fk.ref_table, h_at[1]) == fk.ref_columns[0], (e.id, "head row")
        # crow's feet: the drawn shapes at each end spell the arrowtype of the FK's cardinality
        child_end, parent_end = erd.cardinality(child, fk)
        tail_shapes, head_shapes = _shapes_at_ends(g, tail, head)
        assert tail_shapes == _arrow_parts(ARROWS[child_end]), (e.id, tail_shapes)
        assert head_shapes == _arrow_parts(ARROWS[parent_end]), (e.id, head_shapes)
        # identifying relationships solid, others dashed
        path = next(g.iter(f"{{{NS['svg']}}}path"))
        assert (path.get("stroke-dasharray") is None) == erd.is_identifying(child, fk), e.id


def test_m2m_edge_has_crows_feet_at_both_ends():
    """The collapsed many-to-many edge ends on both parents' key rows with zero-or-many at each end."""
    schema = large()
    drawing = Drawing(erd.layout(erd.to_dot(schema), "svg")[0])
    g = drawing.edge("m2m:ticket_tags")
    tail, head = _path_ends(g)
    t_at, h_at = _contact(g, tail, drawing.box("tickets")[1]), _contact(g, head, drawing.box("tags")[0])
    assert drawing.row_at("tickets", t_at[1]) == "id"
    assert drawing.row_at("tags", h_at[1]) == "id"
    assert _shapes_at_ends(g, tail, head) == (["crow", "odot"], ["crow", "odot"])
