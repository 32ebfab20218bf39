"""Running Graphviz, caching, and the :class:`ERD` object that shows itself in Jupyter.

Renders are cached twice: the DOT source by ``(what of the schema is drawn, options)`` (its
tables, enums and views' boxes, immutable and hashable values; hashing 300 tables takes about 1-2
ms, see ``bench/erd.py``), and the rendered bytes by ``(DOT source, engine, format)``. An unchanged
schema is never laid out again, and an edit that does not change the drawing (a new comment on a
hidden column in compact mode) costs only the DOT build. ``dbmodel erd`` keeps the DOT source on
disk as well (:mod:`dbmodel_kit.cli.spec_cache`).
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import ModelError
from .graphviz_run import ENGINES, SIDES, GraphvizNotFound, GraphvizWarning, layout

if TYPE_CHECKING:
    from ..model.schema import Schema
    from .view import View

# The model and the DOT builder are imported by the functions that draw, not here: this module is
# what ``dbmodel_kit.erd`` imports first, and ``dbmodel erd`` given DOT from its cache needs neither.

FORMATS = ("svg", "png", "pdf", "dot")

class _LRU:
    """A small least-recently-used cache (``functools.lru_cache`` cannot key on keyword
    options normalised by hand, nor report hits for the benchmark)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        try:
            value = self.data[key]
        except KeyError:
            self.misses += 1
            value = self.data[key] = make()
            if len(self.data) > self.size:
                self.data.popitem(last=False)
            return value
        except TypeError:  # an unhashable option (a plan object that is not a value): no caching
            self.misses += 1
            return make()
        self.hits += 1
        self.data.move_to_end(key)
        return value

    def clear(self) -> None:
        self.data.clear()
        self.hits = self.misses = 0


_DOT_CACHE = _LRU(64)
_RENDER_CACHE = _LRU(32)


def clear_cache() -> None:
    """Forget every cached DOT source and rendering."""
    _DOT_CACHE.clear()
    _RENDER_CACHE.clear()


def cache_info() -> dict[str, int]:
    """Hits and misses of the DOT and render caches (for tests and the benchmark)."""
    return {"dot_hits": _DOT_CACHE.hits, "dot_misses": _DOT_CACHE.misses,
            "render_hits": _RENDER_CACHE.hits, "render_misses": _RENDER_CACHE.misses}


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_freeze(v) for v in value)
    return value


_DOT_OPTIONS = ("compare", "theme", "focus", "depth", "include", "exclude", "compact", "rankdir",
                "collapse_m2m", "graph_attr", "clusters", "legend")


#: Graph attributes the force-directed engines need so tables do not overlap (``dot`` ignores them).
ENGINE_GRAPH_ATTRS: dict[str, dict[str, str]] = {
    engine: {"overlap": "false", "sep": "+14", "splines": "true"}
    for engine in ("neato", "fdp", "sfdp", "circo", "twopi")
}


def _split(options: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    unknown = set(options) - set(_DOT_OPTIONS) - {"engine"}
    if unknown:
        raise ModelError(f"unknown ERD option(s): {', '.join(sorted(unknown))}; options are "
                         f"{', '.join((*_DOT_OPTIONS, 'engine'))}")
    engine = options.get("engine")
    if engine is not None and engine not in ENGINES:
        raise ModelError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    dot_options = {k: v for k, v in options.items() if k != "engine"}
    if engine in ENGINE_GRAPH_ATTRS:
        dot_options["graph_attr"] = {**ENGINE_GRAPH_ATTRS[engine], **(options.get("graph_attr") or {})}
    return dot_options, engine


def cached_dot(schema: Schema, **options: Any) -> str:
    """:func:`~.dot.to_dot`, cached by ``(schema, options)``; where some tables are placed and
    others not, with the others' places filled in (see :func:`_place_rest`)."""
    return _cached_layout(schema, options)[0]


def _cached_layout(schema: Schema, options: dict[str, Any]) -> tuple[str, str, int | None]:
    """``(DOT source, Graphviz engine, neato -n level)`` for drawing ``schema`` with ``options``.

    No ``engine`` option: ``dot`` lays the drawing out, unless tables have places
    (:attr:`~dbmodel_kit.model.schema.Table.position`); then ``neato -n2`` draws every table where
    it was placed and routes the edges, after the unplaced ones got free places next to where
    ``neato`` would put them. A named engine lays out every table itself, places ignored.
    """
    from ..model.schema import Schema
    from .dot import dot_and_view, layout_mode, to_dot

    dot_options, engine = _split(options)
    compare = dot_options.get("compare")
    frozen = _freeze({**dot_options, "compare": _drawn(compare)} if isinstance(compare, Schema) else dot_options)
    key = (_drawn(schema), frozen, engine)

    def make() -> tuple[str, str, int | None]:
        if engine is not None:
            return to_dot(schema, **dot_options, placed=False), engine, None
        source, view = dot_and_view(schema, **dot_options)
        mode = layout_mode(view)
        if mode == "auto":
            return source, "dot", None
        if mode == "mixed":
            source = to_dot(schema, **dot_options, positions=_place_rest(source, view))
        return source, "neato", 2

    return cast(tuple[str, str, int | None], _DOT_CACHE.get(key, make))


def _drawn(schema: Schema) -> tuple[Any, ...]:
    """What of ``schema`` a drawing shows, as the cache's key: its tables, enums and views' boxes.
    Hashing the whole value would also hash its verbatim objects and views by the meaning of their
    SQL (a sqlglot parse of each): 0.2 s at 300 tables of pagila, more than building the DOT."""
    views = tuple((v.key, v.columns, v.depends_on, v.materialized, v.comment, v.dialect) for v in schema.views)
    return schema.name, schema.tables, schema.enums, views


#: Clear space kept around a table given a free place, and the step of the search for one (points).
_GAP, _STEP = 24, 36


def _place_rest(source: str, view: View) -> dict[str, tuple[int, int]]:
    """Places for the boxes of ``view`` that have none, beside the placed ones.

    ``neato`` keeps pinned boxes exactly where they are only when it removes no overlaps, so it
    runs once without removal (``overlap=true``, its default) to measure every box and suggest a
    place for each unplaced one near its neighbours; each then takes the nearest free spot (a
    square spiral of 36-point steps around the suggestion, keeping 24 points clear). Graphviz's
    own overlap removal would move the pinned boxes too (checked on Graphviz 2.43 and 7).
    """
    import json

    from .dot import node_id

    out, _ = layout(source, "json0", "neato")
    by_id = {node_id(n.name): n for n in view.nodes}
    boxes: dict[str, tuple[float, float, float, float]] = {}  # node name -> (x, y, half width, half height)
    for obj in json.loads(out).get("objects", []):
        node = by_id.get(obj.get("name", ""))
        if node is None or "pos" not in obj:
            continue
        x, y = (float(v) for v in obj["pos"].split(","))
        boxes[node.name] = (x, y, float(obj.get("width", 1)) * 36, float(obj.get("height", 0.5)) * 36)
    # neato moves the whole drawing to start at the origin: shift back to the pinned places' frame
    pinned = [n for n in view.nodes if n.position is not None and n.name in boxes]
    dx, dy = ((boxes[pinned[0].name][0] - pinned[0].position[0], boxes[pinned[0].name][1] - pinned[0].position[1])
              if pinned and pinned[0].position is not None else (0.0, 0.0))
    boxes = {name: (x - dx, y - dy, hw, hh) for name, (x, y, hw, hh) in boxes.items()}
    taken = [boxes[n.name] for n in pinned]
    placed: dict[str, tuple[int, int]] = {}
    for node in view.nodes:
        if node.position is not None or node.name not in boxes:
            continue
        x, y, hw, hh = boxes[node.name]
        spot = next(((cx, cy) for cx, cy in _spiral(x, y) if not any(
            abs(cx - tx) < hw + thw + _GAP and abs(cy - ty) < hh + thh + _GAP for tx, ty, thw, thh in taken)),
            (x, min((ty - thh for _, ty, _, thh in taken), default=y) - hh - _GAP))
        taken.append((spot[0], spot[1], hw, hh))
        placed[node.name] = (round(spot[0]), round(spot[1]))
    return placed


def _spiral(x: float, y: float, rings: int = 200) -> Iterator[tuple[float, float]]:
    """Grid points around ``(x, y)``, ring by ring, nearest first within a ring."""
    yield x, y
    for r in range(1, rings):
        ring = [(i, j) for i in range(-r, r + 1) for j in range(-r, r + 1) if max(abs(i), abs(j)) == r]
        ring.sort(key=lambda p: (p[0] * p[0] + p[1] * p[1], p))
        for i, j in ring:
            yield x + i * _STEP, y + j * _STEP


def render(schema: Schema, format: str = "svg", **options: Any) -> bytes:
    """The ERD of ``schema`` as ``svg``, ``png``, ``pdf`` (bytes from Graphviz) or ``dot`` source.

    Options: ``compare`` (an old Schema or a plan with ``.ops``: diff colours), ``theme``
    (``light``/``dark``), ``focus`` (table name or pattern, or several) with ``depth`` (hops),
    ``include``/``exclude`` (name patterns), ``compact`` (key columns only), ``rankdir``
    (LR, RL, TB, BT), ``collapse_m2m`` (junction tables as one M:N edge), ``clusters`` (subject
    areas as boxes; default: up to :data:`~.dot.AUTO_CLUSTER_LIMIT` tables), ``legend`` (a key to
    the notation), ``engine`` (dot, neato, fdp, ...; default: ``dot``, or ``neato -n2`` keeping
    the places of tables that have a :attr:`~dbmodel_kit.model.schema.Table.position`; a named
    engine ignores the places), ``graph_attr`` (extra Graphviz graph attributes). Cached: see the
    module docstring. Graphviz warnings are re-raised as :class:`GraphvizWarning`.

    >>> from dbmodel_kit.examples import ecommerce
    >>> render(ecommerce(), "svg")[:5]
    b'<?xml'
    """
    if format not in FORMATS:
        raise ModelError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    source, engine, no_op = _cached_layout(schema, options)
    if format == "dot":
        return source.encode("utf-8")

    def run() -> tuple[bytes, list[str]]:
        return layout(source, format, engine, no_op)

    out, problems = _RENDER_CACHE.get((source, engine, no_op, format), run)
    for line in problems:
        warnings.warn(f"Graphviz: {line}", GraphvizWarning, stacklevel=2)
    return out


def svg_html(svg: str, alt: str = "ERD", *, inline: bool = False) -> str:
    """Graphviz ``svg`` as HTML. ``inline``: the ``<svg>`` element itself (tooltips and links work;
    for pages we write whole). Otherwise an ``<img>`` with a ``data:`` URI, the one form that
    notebook sanitizers keep (JupyterLab's for untrusted notebooks, GitHub's): an inline ``<svg>``
    loses its drawing there and leaves only its label text.

    >>> svg_html('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "ERD of shop")[:48]
    '<img alt="ERD of shop" src="data:image/svg+xml;b'
    """
    import base64
    import html

    start = svg.index("<svg")  # the XML prolog and DOCTYPE are not allowed inside HTML
    if inline:
        return svg[start:]
    data = base64.b64encode(svg[start:].encode("utf-8")).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{data}" style="max-width:none">'


def render_svg(schema: Schema, **options: Any) -> str:
    """The ERD as SVG text (what ``Schema._repr_svg_`` shows in Jupyter); options as :func:`render`."""
    return render(schema, "svg", **options).decode("utf-8")


class ERD:
    """An ERD of a schema with its options: shows itself in Jupyter, saves to files.

    >>> from dbmodel_kit.examples import ecommerce
    >>> erd = ERD(ecommerce(), theme="dark", focus="orders")
    >>> erd.svg().startswith("<?xml")
    True
    >>> sorted(erd._repr_mimebundle_())
    ['image/svg+xml', 'text/html', 'text/markdown', 'text/plain']

    Given a :class:`~dbmodel_kit.model.Model` (anything with a ``.schema``), it draws the model's
    current schema each time it is shown, so re-running a cell after edits shows the edits.
    """

    def __init__(self, schema: Any, *, mermaid: bool = True, **options: Any) -> None:
        from ..model.schema import Schema
        from .theme import theme as get_theme

        if not isinstance(schema, Schema) and not isinstance(getattr(schema, "schema", None), Schema):
            raise ModelError(f"ERD needs a Schema or a Model, not {type(schema).__name__}")
        _split(options)
        get_theme(options.get("theme", "light"))
        if options.get("rankdir", "LR") not in SIDES:
            raise ModelError(f"rankdir must be one of {', '.join(SIDES)}, not {options['rankdir']!r}")
        self._source = schema
        self.options = options
        self.mermaid_in_bundle = mermaid

    @property
    def schema(self) -> Schema:
        """The schema drawn: the one given, or the model's current one."""
        from ..model.schema import Schema

        source = self._source
        return source if isinstance(source, Schema) else source.schema

    def to_dot(self) -> str:
        return cached_dot(self.schema, **self.options)

    def svg(self) -> str:
        return render_svg(self.schema, **self.options)

    def png(self) -> bytes:
        return render(self.schema, "png", **self.options)

    def mermaid(self) -> str:
        opts = {k: v for k, v in self.options.items()
                if k in ("compare", "focus", "depth", "include", "exclude", "compact", "collapse_m2m")}
        from .mermaid import to_mermaid

        return to_mermaid(self.schema, **opts)

    def save(self, path: str | Path) -> Path:
        """Write the ERD; the suffix picks the format: .svg, .png, .pdf, .dot/.gv, .mmd/.md (Mermaid),
        .dbml (the whole schema as DBML, through :mod:`dbmodel_kit.io`)."""
        return save(self.schema, path, **self.options)

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """SVG, also as HTML (an ``<img>``: JupyterLab ranks HTML first and shows it sanitized in an
        untrusted notebook, which keeps an image but strips an inline ``<svg>``; see :func:`svg_html`)
        plus the Mermaid text as Markdown; when ``dot`` is missing, the install hint and the Mermaid
        diagram, which needs no Graphviz."""
        plain = f"ERD of {self.schema.name or 'a schema'}: {len(self.schema.tables)} tables"
        bundle: dict[str, str] = {"text/plain": plain}
        if self.mermaid_in_bundle:
            bundle["text/markdown"] = "```mermaid\n" + self.mermaid() + "```\n"
        try:
            svg = self.svg()
        except GraphvizNotFound as e:
            bundle["text/plain"] = f"{plain}\n{e}"
            bundle["text/markdown"] = f"**{e}**\n\n" + bundle.get("text/markdown", "")
            return bundle
        bundle["image/svg+xml"] = svg
        bundle["text/html"] = f'<div class="dbmodel-erd" style="overflow:auto">{svg_html(svg, plain)}</div>'
        return bundle

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items() if k != "compare")
        return f"ERD({self.schema.name or 'schema'}, {len(self.schema.tables)} tables{', ' + opts if opts else ''})"


_SUFFIX = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid",
           ".md": "markdown", ".dbml": "dbml"}


def save(schema: Schema, path: str | Path, **options: Any) -> Path:
    """Write the ERD of ``schema`` to ``path``, in the format its suffix names (see :meth:`ERD.save`)."""
    path = Path(path)
    kind = _SUFFIX.get(path.suffix.lower())
    if kind is None:
        raise ModelError(f"cannot tell the ERD format from {path.name!r}; use one of {', '.join(_SUFFIX)}")
    if kind == "dbml":  # the whole schema, for dbdiagram.io review (DBML has no focus or diff)
        from ..io import dumps

        path.write_text(dumps(schema, "dbml"), encoding="utf-8")
    elif kind in ("mermaid", "markdown"):
        erd = ERD(schema, **options)
        text = erd.mermaid()
        path.write_text(text if kind == "mermaid" else "```mermaid\n" + text + "```\n", encoding="utf-8")
    else:
        path.write_bytes(render(schema, kind, **options))
    return path
