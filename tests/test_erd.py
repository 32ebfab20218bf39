"""ERD: golden DOT files, notation, selection, diff view, Mermaid, caching, CLI and a missing ``dot``."""

from __future__ import annotations

import base64
import os
import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from dbmodel_kit import erd
from dbmodel_kit.cli import main
from dbmodel_kit.errors import ModelError
from dbmodel_kit.examples import ecommerce, large
from dbmodel_kit.model import Column, DataType, ForeignKey, Index, Model, Schema, Table, build_table, ops

SHOP, LARGE = ecommerce(), large()


def shop_edited() -> Schema:
    """The e-commerce model after a review's worth of edits (for the diff view)."""
    s = SHOP
    for op in (ops.RenameColumn("users", "phone", "mobile"), ops.DropColumn("users", "last_login_at"),
               ops.AddColumn("orders", Column("coupon", DataType.parse("varchar(20)"))),
               ops.RenameTable("order_items", "order_lines"), ops.DropIndex("orders", "ix_orders_status"),
               ops.AlterColumn("products", "price", type="decimal(12,2)"),
               ops.AddTable(build_table("coupons", {"code": "varchar(20) pk", "percent": "integer not null"})),
               ops.AddForeignKey("orders", ForeignKey(("coupon",), "coupons"))):
        s = op.apply(s)
    return s


LARGE_PLAN_OPS = (
    ops.RenameTable("tags", "labels"),
    ops.RenameColumn("tickets", "subject", "title"),
    ops.DropForeignKey("audit_events", "fk_audit_events_actor_id_employees"),
    ops.DropTable("audit_events"),
    ops.AddColumn("customers", Column("segment", DataType.parse("varchar(20)"))),
    ops.AlterColumn("invoices", "amount", nullable=True),
    ops.AddIndex("payments", Index(("paid_at",))),
)


def large_after_plan() -> Schema:
    s = LARGE
    for op in LARGE_PLAN_OPS:
        s = op.apply(s)
    return s


CASES = {
    "ecommerce/light": (lambda: SHOP, {}),
    "ecommerce/dark": (lambda: SHOP, {"theme": "dark"}),
    "ecommerce/focus_orders": (lambda: SHOP, {"focus": "orders"}),
    "ecommerce/diff": (shop_edited, {"compare": SHOP}),
    "ecommerce/compact": (lambda: SHOP, {"compact": True}),
    "ecommerce/diff_legend_dark": (shop_edited, {"compare": SHOP, "legend": True, "theme": "dark"}),
    "large/light": (lambda: LARGE, {}),
    "large/dark": (lambda: LARGE, {"theme": "dark"}),
    "large/focus_tickets": (lambda: LARGE, {"focus": "tickets", "depth": 1}),
    "large/diff_plan": (large_after_plan, {"compare": SimpleNamespace(ops=LARGE_PLAN_OPS)}),
    "large/diff_plan_with_before": (large_after_plan, {"compare": SimpleNamespace(ops=LARGE_PLAN_OPS,
                                                                                  before=LARGE)}),
    "large/compact": (lambda: LARGE, {"compact": True}),
    "large/expanded_m2m_tb": (lambda: LARGE, {"collapse_m2m": False, "rankdir": "TB"}),
}


@pytest.mark.parametrize("case", CASES)
def test_golden_dot(case, golden):
    """Each example/option combination produces the reviewed DOT source."""
    make, options = CASES[case]
    golden(f"erd/{case}.dot", erd.to_dot(make(), **options))


@pytest.mark.parametrize("case", CASES)
def test_dot_lays_out_without_warnings(case):
    """Graphviz lays out every golden case without printing a warning, into well-formed SVG."""
    make, options = CASES[case]
    svg, problems = erd.layout(erd.to_dot(make(), **options), "svg")
    assert problems == []
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")


@pytest.mark.parametrize("model", ["ecommerce", "large"])
def test_golden_mermaid(model, golden):
    """The Mermaid erDiagram export of each example is the reviewed text."""
    golden(f"erd/{model}/mermaid.mmd", erd.to_mermaid(SHOP if model == "ecommerce" else LARGE))


# -- notation --------------------------------------------------------------------------------

def _table(name: str, **cols: str) -> Table:
    return build_table(name, cols)


def test_cardinality_follows_nullability_and_uniqueness():
    """NOT NULL FKs are exactly-one at the parent, nullable zero-or-one; unique FKs are zero-or-one at the child."""
    parent = _table("p", id="integer pk")
    required = _table("a", id="integer pk", p_id="integer not null references p")
    optional = _table("b", id="integer pk", p_id="integer references p")
    one_to_one = _table("c", id="integer pk", p_id="integer unique not null references p")
    Schema((parent, required, optional, one_to_one))
    assert erd.cardinality(required, required.foreign_keys[0]) == ("zero_or_many", "exactly_one")
    assert erd.cardinality(optional, optional.foreign_keys[0]) == ("zero_or_many", "zero_or_one")
    assert erd.cardinality(one_to_one, one_to_one.foreign_keys[0]) == ("zero_or_one", "exactly_one")
    assert erd.ARROWS["zero_or_many"] == "crowodot"
    assert erd.ARROWS["exactly_one"] == "teetee"


def test_identifying_relationships_are_solid_and_others_dashed():
    """An FK inside the child's primary key is drawn solid; any other FK dashed."""
    dot = erd.to_dot(LARGE)
    line = next(x for x in dot.splitlines() if 'id="fk:milestones.project_id->projects.id"' in x)
    assert "style=solid" in line
    assert "identifying" in line
    line = next(x for x in dot.splitlines() if 'id="fk:tickets.customer_id->customers.id"' in x)
    assert "style=dashed" in line


def test_composite_fk_is_one_edge_between_first_columns():
    """A two-column FK is drawn once, from its first column to the first referenced column."""
    dot = erd.to_dot(LARGE)
    edges = [x for x in dot.splitlines() if "fk:milestone_notes." in x]
    assert len(edges) == 1
    assert 'id="fk:milestone_notes.project_id,seq->milestones.project_id,seq"' in edges[0]
    assert 'tailport="project_id_w:w"' in edges[0]
    assert 'headport="project_id_e:e"' in edges[0]


def test_self_reference_loops_on_one_side():
    """A self-referencing FK leaves and enters the table on the same (east) side."""
    line = next(x for x in erd.to_dot(SHOP).splitlines() if "fk:categories.parent_id->categories.id" in x)
    assert 'tailport="parent_id_e:e"' in line
    assert 'headport="id_e:e"' in line


def test_badges_cover_keys_indexes_checks_and_enum_tooltips():
    """Column rows carry PK/FK/UQ/NN/index/CHECK badges; enum values and comments are tooltips."""
    badges = {c: [b.text for b in erd.column_badges(SHOP.table("orders"), c)] for c in ("id", "user_id", "status",
                                                                                     "total", "created_at")}
    assert badges == {"id": ["PK"], "user_id": ["FK", "NN", "I1.1"], "status": ["NN", "I2"],
                      "total": ["NN", "CK"], "created_at": ["NN", "I1.2"]}
    assert [b.text for b in erd.column_badges(SHOP.table("order_items"), "product_id")] == ["FK", "U1.2", "NN", "I1"]
    assert [b.text for b in erd.column_badges(SHOP.table("products"), "sku")] == ["NN", "I1*"]
    dot = erd.to_dot(SHOP)
    assert 'TOOLTIP="enum order_status: pending | paid | shipped | delivered | cancelled | refunded"' in dot
    assert "A customer&#x27;s order; money in the order&#x27;s currency." in dot


def test_compact_keeps_key_columns_and_counts_the_rest():
    """Compact mode shows only PK/FK (and referenced) columns plus a count of the hidden ones."""
    view = erd.build_view(SHOP, compact=True)
    orders = next(n for n in view.nodes if n.name == "orders")
    assert [r.column for r in orders.rows] == ["id", "user_id"]
    assert orders.hidden == len(SHOP.table("orders").columns) - 2
    assert "\u2026 10 more columns" in erd.to_dot(SHOP, compact=True)


def test_junction_collapses_into_one_m2m_edge_or_expands():
    """A pure junction table becomes one many-to-many edge, or is drawn as a table when expanded."""
    collapsed = erd.build_view(LARGE)
    assert "ticket_tags" not in {n.name for n in collapsed.nodes}
    m2m = next(e for e in collapsed.edges if e.kind == "m2m")
    assert (m2m.tail, m2m.head, m2m.arrowtail, m2m.arrowhead) == ("tickets", "tags", "crowodot", "crowodot")
    expanded = erd.build_view(LARGE, collapse_m2m=False)
    assert "ticket_tags" in {n.name for n in expanded.nodes}
    assert not [e for e in expanded.edges if e.kind == "m2m"]
    # project_members has a role column: a real entity, never collapsed
    assert "project_members" in {n.name for n in collapsed.nodes}


# -- selection -------------------------------------------------------------------------------

def test_focus_depth_and_stubs():
    """focus/depth draws the N-hop neighbourhood and a stub for each neighbour cut off."""
    v1 = erd.build_view(SHOP, focus="order_items", depth=1)
    assert sorted(n.name for n in v1.nodes if not n.stub) == ["order_items", "orders", "products"]
    assert sorted(n.label for n in v1.nodes if n.stub) == ["categories", "users"]
    assert all(e.kind == "stub" for e in v1.edges if "stub:" in e.head + e.tail)
    v2 = erd.build_view(SHOP, focus="order_items", depth=2)
    assert len([n for n in v2.nodes if not n.stub]) == 5
    assert not [n for n in v2.nodes if n.stub]
    v0 = erd.build_view(SHOP, focus="users", depth=0)
    assert [n.name for n in v0.nodes if not n.stub] == ["users"]


def test_many_cut_neighbours_fold_into_one_stub():
    """More cut-off neighbours than MAX_STUBS_PER_TABLE fold into a '+N more' stub listing them."""
    view = erd.build_view(LARGE, focus="employees", depth=0)
    labels = sorted(n.label for n in view.nodes if n.stub)
    assert labels[0].startswith("+")
    assert len(labels) == 5
    more = next(n for n in view.nodes if n.label.startswith("+"))
    assert more.tooltip.startswith("outside this view: ")


def test_include_exclude_patterns():
    """include/exclude take fnmatch patterns; a pattern matching nothing is an error."""
    names = {n.name for n in erd.build_view(LARGE, include="ticket*", exclude="ticket_tags").nodes}
    assert names == {"tickets", "ticket_comments"}
    with pytest.raises(ModelError, match="matches no table"):
        erd.build_view(LARGE, include="nothing_*")
    with pytest.raises(ModelError, match="focus: no table matches 'nope'"):
        erd.to_dot(LARGE, focus="nope")


def test_bad_options_raise_model_errors():
    """Unknown themes, rankdirs, engines, formats and options are ModelErrors naming the choices."""
    with pytest.raises(ModelError, match="themes are light, dark"):
        erd.to_dot(SHOP, theme="sepia")
    with pytest.raises(ModelError, match="rankdir"):
        erd.to_dot(SHOP, rankdir="XY")
    with pytest.raises(ModelError, match="engine must be one of"):
        erd.render(SHOP, engine="magic")
    with pytest.raises(ModelError, match="format must be one of"):
        erd.render(SHOP, "gif")
    with pytest.raises(ModelError, match="unknown ERD option"):
        erd.render(SHOP, colour="red")
    with pytest.raises(ModelError, match="compare= takes"):
        erd.to_dot(SHOP, compare=42)


def test_odd_names_get_safe_node_ids_and_ports():
    """Table and column names with spaces, quotes, colons or backslashes still make valid DOT."""
    t = Table('order "items": x\\y', columns=(Column("id", DataType("integer")), Column("a:b c", DataType("text"))),
              primary_key=("id",))
    child = Table("child", columns=(Column("ref", DataType("integer")),),
                  foreign_keys=(ForeignKey(("ref",), t.name),))
    schema = Schema((t, child), name="odd <name>")
    svg, problems = erd.layout(erd.to_dot(schema), "svg")
    assert problems == []
    root = ElementTree.fromstring(svg)
    titles = [el.text for el in root.iter() if el.tag.endswith("title")]
    assert erd.node_id(t.name) in titles
    texts = "".join(el.text or "" for el in root.iter() if el.tag.endswith("text"))
    assert 'order "items": x\\y' in texts
    assert "a:b c" in texts


# -- diff view -------------------------------------------------------------------------------

def test_diff_against_old_schema_marks_by_name():
    """Against an old Schema: new things added, missing ones removed (drawn struck through), edited ones changed."""
    ch = erd.compute_changes(shop_edited(), SHOP)
    assert ch.table_status["coupons"] == "added"
    assert ch.table_status["order_lines"] == "added"
    assert [t.name for t, _ in ch.removed_tables] == ["order_items"]
    assert ch.column_status[("orders", "coupon")] == "added"
    assert ch.column_status[("products", "price")] == "changed"
    assert {c.name for c, _ in ch.removed_columns["users"]} == {"phone", "last_login_at"}
    assert ("index ix_orders_status (status)", "removed") in ch.notes["orders"]
    dot = erd.to_dot(shop_edited(), compare=SHOP)
    assert "<S>\u2212 last_login_at</S>" in dot
    assert 'id="fk:order_items.order_id->orders.id" class="fk removed"' in dot


def test_diff_from_plan_ops_shows_renames():
    """From a plan's ops: renames show old -> new, drops are drawn by name, others marked."""
    new = large_after_plan()
    ch = erd.compute_changes(new, SimpleNamespace(ops=LARGE_PLAN_OPS))
    assert ch.table_status["labels"] == "renamed"
    assert ch.table_old_name["labels"] == "tags"
    assert ch.column_status[("tickets", "title")] == "renamed"
    assert ch.removed_tables == [("audit_events", None)]
    assert ch.column_status[("customers", "segment")] == "added"
    assert ch.column_status[("invoices", "amount")] == "changed"
    assert ch.table_status["payments"] == "changed"
    dot = erd.to_dot(new, compare=SimpleNamespace(ops=LARGE_PLAN_OPS))
    assert "tags \u2192 labels" in dot
    assert "subject \u2192 title" in dot


def test_diff_from_plan_with_before_draws_dropped_tables_in_full():
    """A plan that carries its starting schema shows dropped tables with their columns, renames kept."""
    new = large_after_plan()
    ch = erd.compute_changes(new, SimpleNamespace(ops=LARGE_PLAN_OPS, before=LARGE))
    removed = {t.name: t for t, _ in ch.removed_tables}
    assert removed["audit_events"].column_names == LARGE.table("audit_events").column_names
    assert ch.table_status["labels"] == "renamed"
    assert "tags" not in removed
    assert ch.column_old_name[("tickets", "title")] == "subject"


def test_diff_rename_then_drop_within_a_plan():
    """A column added then renamed in the same plan is just added; one renamed then dropped is removed."""
    plan = SimpleNamespace(ops=(ops.Batch((ops.AddColumn("users", Column("nick", DataType("text"))),
                                           ops.RenameColumn("users", "nick", "handle"))),
                                ops.RenameColumn("users", "phone", "tel"), ops.DropColumn("users", "tel")))
    new = SHOP
    for op in plan.ops:
        new = op.apply(new)
    ch = erd.compute_changes(new, plan)
    assert ch.column_status[("users", "handle")] == "added"
    assert ch.removed_columns["users"] == [("phone", None)]


# -- rendering, cache, Jupyter -----------------------------------------------------------------

def test_render_formats_and_cache():
    """render gives SVG/PNG/DOT bytes; an unchanged schema is served from the cache, an edit is not."""
    erd.clear_cache()
    svg = erd.render(SHOP, "svg")
    assert erd.render(SHOP, "svg") is svg
    assert erd.cache_info()["render_hits"] == 1
    equal_copy = replace(SHOP)  # an equal value, a different object: same cache entry
    assert erd.render(equal_copy, "svg") is svg
    assert erd.render(SHOP, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    edited = Model(SHOP)
    edited.add_column("users", "nickname", "varchar(40)")
    assert erd.render(edited.schema, "svg") != svg
    assert erd.render(SHOP, "dot").decode().startswith("digraph ecommerce {")


def test_erd_object_displays_in_jupyter(tmp_path):
    """ERD shows SVG (also as HTML: the same SVG as an image, which notebook sanitizers keep) plus
    Mermaid Markdown, and saves by file extension."""
    view = erd.ERD(SHOP, theme="dark", focus="orders")
    bundle = view._repr_mimebundle_()
    assert bundle["image/svg+xml"].startswith("<?xml")
    assert bundle["text/html"].startswith('<div class="dbmodel-erd"')
    assert "<svg" not in bundle["text/html"]
    data = re.search(r'<img alt="ERD of ecommerce: 5 tables" src="data:image/svg\+xml;base64,([^"]+)"',
                     bundle["text/html"])
    assert data is not None
    svg = bundle["image/svg+xml"]
    assert base64.b64decode(data.group(1)).decode() == svg[svg.index("<svg"):]
    assert bundle["text/markdown"].startswith("```mermaid\n")
    assert "erDiagram" in bundle["text/markdown"]
    assert view._repr_svg_() == bundle["image/svg+xml"]
    for suffix in (".svg", ".png", ".dot", ".mmd", ".md"):
        path = view.save(tmp_path / f"x{suffix}")
        assert path.stat().st_size > 100
    with pytest.raises(ModelError, match="cannot tell the ERD format"):
        view.save(tmp_path / "x.jpeg")
    assert SHOP._repr_svg_() == erd.render_svg(SHOP)


def test_erd_of_a_model_follows_its_edits():
    """An ERD made from a Model draws the model's current schema each time it is shown."""
    model = Model(SHOP)
    view = erd.ERD(model, compact=True)
    before = view.to_dot()
    model.add_table("wishlists", id="uuid pk", user_id="uuid not null references users")
    assert "wishlists" not in before
    assert "fk:wishlists.user_id->users.id" in view.to_dot()
    with pytest.raises(ModelError, match="needs a Schema or a Model"):
        erd.ERD("shop.yaml")


def test_graphviz_warnings_become_python_warnings():
    """A layout Graphviz complains about raises GraphvizWarning carrying its message."""
    erd.clear_cache()
    with pytest.warns(erd.GraphvizWarning, match="Graphviz: Warning"):
        erd.render(SHOP, graph_attr={"splines": "nonsense-value"})


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """PATH pointing at an empty directory: no Graphviz executables."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    erd.clear_cache()
    yield
    erd.clear_cache()


def test_missing_dot_says_how_to_install(no_dot):
    """Without dot, rendering raises a ModelError naming apt, brew and conda; DOT and Mermaid still work."""
    with pytest.raises(erd.GraphvizNotFound) as info:
        erd.render_svg(SHOP)
    assert isinstance(info.value, ModelError)
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install -c conda-forge graphviz"):
        assert hint in str(info.value)
    assert erd.to_dot(SHOP).startswith("digraph")
    bundle = erd.ERD(SHOP)._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert "brew install graphviz" in bundle["text/plain"]
    assert "erDiagram" in bundle["text/markdown"]


def test_cli_missing_dot_is_one_line_exit_2(no_dot, tmp_path, capsys):
    """`dbmodel erd` without dot prints the install hint as one line and exits 2."""
    spec = tmp_path / "shop.yaml"
    from dbmodel_kit.io import dumps

    spec.write_text(dumps(SHOP, "yaml"), encoding="utf-8")
    assert main(["erd", str(spec), "-o", str(tmp_path / "x.svg")]) == 2
    err = capsys.readouterr().err
    assert "brew install graphviz" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# -- CLI -------------------------------------------------------------------------------------

@pytest.fixture
def specs(tmp_path: Path) -> tuple[Path, Path]:
    from dbmodel_kit.io import dumps

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(dumps(SHOP, "yaml"), encoding="utf-8")
    new.write_text(dumps(shop_edited(), "yaml"), encoding="utf-8")
    return old, new


def test_cli_writes_each_format(specs, tmp_path, capsys):
    """`dbmodel erd SPEC -o FILE` writes SVG, PNG, DOT, Mermaid and DBML by extension."""
    old, _ = specs
    for suffix, check in ((".svg", lambda b: ElementTree.fromstring(b) is not None),
                          (".png", lambda b: b[:4] == b"\x89PNG"),
                          (".dot", lambda b: b.startswith(b"digraph")),
                          (".mmd", lambda b: b"erDiagram" in b),
                          (".dbml", lambda b: b"Table orders {" in b)):
        out = tmp_path / "out" / f"shop{suffix}"
        assert main(["erd", str(old), "-o", str(out)]) == 0
        assert check(out.read_bytes())
    assert "wrote" in capsys.readouterr().err


def test_cli_focus_theme_compare(specs, capsys):
    """--focus/--depth/--theme/--compare reach the drawing; without -o the DOT goes to stdout."""
    old, new = specs
    assert main(["erd", str(new), "--compare", str(old), "--theme", "dark", "--focus", "orders",
                 "--depth", "1"]) == 0
    out = capsys.readouterr().out
    assert out == erd.to_dot(shop_edited(), compare=SHOP, theme="dark", focus=["orders"], depth=1)
    assert main(["erd", str(old), "-f", "mmd", "--compact"]) == 0
    assert capsys.readouterr().out == erd.to_mermaid(SHOP, compact=True)


def test_cli_draws_an_overview_above_60_tables(tmp_path, capsys):
    """Above 60 tables `dbmodel erd` draws key columns only and says so (on stderr and in the
    drawing); --full draws every column, --focus one area, and 60 tables are drawn in full."""
    from dbmodel_kit.cli.erd_cmd import OVERVIEW_TABLES
    from dbmodel_kit.erd._gen import synthetic
    from dbmodel_kit.io import dumps

    big, small = tmp_path / "big.yaml", tmp_path / "small.yaml"
    big.write_text(dumps(synthetic(OVERVIEW_TABLES + 1), "yaml"), encoding="utf-8")
    small.write_text(dumps(synthetic(OVERVIEW_TABLES), "yaml"), encoding="utf-8")
    assert main(["erd", str(big)]) == 0
    out, err = capsys.readouterr()
    assert err.strip() == ("dbmodel erd: overview of 61 tables: key columns only (--full draws every column, "
                           "--focus TABLE one area)")
    assert 'label="overview of 61 tables' in out
    assert out.startswith(erd.to_dot(synthetic(OVERVIEW_TABLES + 1), compact=True).split("\n")[0])
    assert "more columns" in out
    for argv in (["--full"], ["--focus", "account_000"]):
        assert main(["erd", str(big), *argv]) == 0
        out, err = capsys.readouterr()
        assert "overview" not in err + out
    assert main(["erd", str(big), "--full"]) == 0
    assert capsys.readouterr().out == erd.to_dot(synthetic(OVERVIEW_TABLES + 1))
    assert main(["erd", str(small)]) == 0
    assert capsys.readouterr().out == erd.to_dot(synthetic(OVERVIEW_TABLES))
    with pytest.raises(SystemExit) as exit:
        main(["erd", str(big), "--full", "--compact"])
    assert exit.value.code == 2


def test_cli_bad_spec_is_an_error(tmp_path, capsys):
    """A missing SPEC file is a one-line error with exit status 2."""
    assert main(["erd", str(tmp_path / "missing.yaml"), "-o", str(tmp_path / "x.svg")]) == 2
    assert "missing.yaml" in capsys.readouterr().err


def test_core_erd_does_not_import_jupyter():
    """Importing the ERD package pulls in no Jupyter library."""
    import subprocess
    import sys

    code = ("import sys, dbmodel_kit.erd, dbmodel_kit.cli.erd_cmd; "
            "print([m for m in ('IPython', 'ipywidgets', 'anywidget') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert out.stdout.strip() == "[]"


def test_clusters_auto_off_for_large_views():
    """Subject areas are cluster boxes up to AUTO_CLUSTER_LIMIT tables; above it the area is in each header."""
    from dbmodel_kit.erd._gen import synthetic

    small, big = erd.to_dot(SHOP), erd.to_dot(synthetic(erd.dot.AUTO_CLUSTER_LIMIT + 1))
    assert "subgraph cluster_0" in small
    assert "subgraph cluster_" not in big
    assert '<I>  sales</I>' in big
    # no edge labels on big drawings: one label makes dot rank everything twice as fine (8x slower at 300)
    assert not [line for line in big.splitlines() if "->" in line and " label=" in line]
    assert 'label=" "' in erd.to_dot(SHOP)  # small drawings keep self-loops tight with a blank label
    assert "subgraph cluster_0" in erd.to_dot(synthetic(erd.dot.AUTO_CLUSTER_LIMIT + 1), clusters=True)
    assert "subgraph cluster_" not in erd.to_dot(SHOP, clusters=False)


@pytest.mark.parametrize("engine", ["neato", "fdp"])
def test_other_engines_lay_out_without_overlap_warnings(engine):
    """Force-directed engines get overlap removal and lay the example out without warnings."""
    dot = erd.cached_dot(SHOP, engine=engine)
    assert "overlap=false" in dot
    _, problems = erd.layout(dot, "svg", engine)
    assert problems == []


_MERMAID_LINE = [
    re.compile(r"^erDiagram$|^---$|^title: \"[^\"]*\"$|^\s*%%.*$"),
    re.compile(r'^    (?:[A-Za-z_][\w-]*|"[^"%\r\n]+") \{$|^    \}$'),
    # attribute: TYPE NAME [PK|FK|UK, ...] ["comment"] (https://mermaid.js.org/syntax/entityRelationshipDiagram.html)
    re.compile(r'^        [A-Za-z][\w()\[\]-]* [A-Za-z_][\w-]*(?: (?:PK|FK|UK)(?:, (?:PK|FK|UK))*)?(?: "[^"]*")?$'),
    re.compile(r'^    (?:[A-Za-z_][\w-]*|"[^"%\r\n]+") (?:\|o|\|\||\}o|\}\|)(?:--|\.\.)(?:o\||\|\||o\{|\|\{) '
               r'(?:[A-Za-z_][\w-]*|"[^"%\r\n]+") : "[^"]*"$'),
]


@pytest.mark.parametrize("make", [lambda: SHOP, lambda: LARGE, shop_edited, lambda: Schema(
    (Table('order "items"', columns=(Column("unit price", DataType.parse("decimal(10,2)")),)),))])
def test_mermaid_lines_follow_the_grammar(make):
    """Every Mermaid line is a header, comment, entity, attribute or relationship Mermaid's grammar accepts."""
    for line in erd.to_mermaid(make(), compare=SHOP if make is shop_edited else None).splitlines():
        assert any(p.match(line) for p in _MERMAID_LINE), line


def _contrast(a: str, b: str) -> float:
    def lum(h: str) -> float:
        r, g, b_ = (int(h[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
                   for w, c in ((0.2126, r), (0.7152, g), (0.0722, b_)))
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("name", list(erd.THEMES))
def test_theme_contrast_on_any_page(name):
    """Text on fills reaches WCAG AA 4.5:1; lines on the page 3:1 and edge labels 4:1 on white and dark pages."""
    t = erd.THEMES[name]
    assert t.background == "transparent"
    for fg, bg in ((t.text, t.table_bg), (t.muted, t.table_bg), (t.muted, t.key_row_bg), (t.text, t.key_row_bg),
                   (t.header_text, t.header_bg), (t.pk, t.key_row_bg), (t.fk, t.table_bg),
                   (t.cluster_text, t.cluster_bg), (t.added, t.added_bg), (t.removed, t.removed_bg),
                   (t.changed, t.changed_bg), (t.muted, t.stub_bg)):
        assert _contrast(fg, bg) >= 4.5, (fg, bg)
    for page in ("#ffffff", "#0d1117", "#111111"):  # GitHub/JupyterLab light, GitHub dark, JupyterLab dark
        assert _contrast(t.edge, page) >= 3, (t.edge, page)
        assert _contrast(t.edge_label, page) >= 4, (t.edge_label, page)
        assert _contrast(t.table_border, page) >= 3, (t.table_border, page)
