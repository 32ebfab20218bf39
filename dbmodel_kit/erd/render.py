"""Running Graphviz, caching, and the :class:`ERD` object that shows itself in Jupyter.

Renders are cached twice: the DOT source by ``(schema value, options)`` (schema values are
immutable and hashable; hashing a 300-table schema takes about 1-2 ms, see ``bench/erd.py``), and
the rendered bytes by ``(DOT source, engine, format)``. An unchanged schema is never laid out
again, and an edit that does not change the drawing (a new comment on a hidden column in
compact mode) costs only the DOT build.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import graphviz

from ..errors import ModelError
from ..model.schema import Schema
from .dot import ENGINES, SIDES, to_dot
from .mermaid import to_mermaid
from .theme import theme as get_theme

FORMATS = ("svg", "png", "pdf", "dot")

INSTALL_HINT = (
    "the Graphviz 'dot' program is not installed (or not on PATH), and the ERD needs it to lay out "
    "the drawing. Install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`sudo dnf install graphviz` (Fedora), `brew install graphviz` (macOS), "
    "`conda install -c conda-forge graphviz` (conda), or see https://graphviz.org/download/. "
    "Without it, to_dot() and to_mermaid() still work."
)


class GraphvizNotFound(ModelError):
    """The ``dot`` executable is missing; the message says how to install it."""


class GraphvizWarning(UserWarning):
    """Graphviz printed a warning while laying out an ERD."""


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


def _split(options: dict[str, Any]) -> tuple[dict[str, Any], str]:
    unknown = set(options) - set(_DOT_OPTIONS) - {"engine"}
    if unknown:
        raise ModelError(f"unknown ERD option(s): {', '.join(sorted(unknown))}; options are "
                         f"{', '.join((*_DOT_OPTIONS, 'engine'))}")
    engine = options.get("engine", "dot")
    if engine not in ENGINES:
        raise ModelError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    dot_options = {k: v for k, v in options.items() if k != "engine"}
    if engine in ENGINE_GRAPH_ATTRS:
        dot_options["graph_attr"] = {**ENGINE_GRAPH_ATTRS[engine], **(options.get("graph_attr") or {})}
    return dot_options, engine


def cached_dot(schema: Schema, **options: Any) -> str:
    """:func:`~.dot.to_dot`, cached by ``(schema, options)``."""
    dot_options, _ = _split(options)
    key = (schema, _freeze(dot_options))
    return _DOT_CACHE.get(key, lambda: to_dot(schema, **dot_options))


def layout(source: str, format: str = "svg", engine: str = "dot") -> tuple[bytes, list[str]]:
    """Run Graphviz on DOT ``source``: ``(output bytes, warning lines)``. Not cached."""
    stderr = io.StringIO()
    try:
        # graphviz.pipe copies the program's stderr to sys.stderr; capture it to report warnings
        with contextlib.redirect_stderr(stderr):
            out = graphviz.pipe(engine, format, source.encode("utf-8"), quiet=False)
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFound(INSTALL_HINT) from None
    except graphviz.CalledProcessError as e:
        detail = (e.stderr or b"").decode("utf-8", "replace").strip() if isinstance(e.stderr, bytes) else str(e)
        raise ModelError(f"Graphviz failed to lay out the ERD: {detail or e}") from None
    lines = [line for line in stderr.getvalue().splitlines() if line.strip()]
    return out, lines


def render(schema: Schema, format: str = "svg", **options: Any) -> bytes:
    """The ERD of ``schema`` as ``svg``, ``png``, ``pdf`` (bytes from Graphviz) or ``dot`` source.

    Options: ``compare`` (an old Schema or a plan with ``.ops``: diff colours), ``theme``
    (``light``/``dark``), ``focus`` (table name or pattern, or several) with ``depth`` (hops),
    ``include``/``exclude`` (name patterns), ``compact`` (key columns only), ``rankdir``
    (LR, RL, TB, BT), ``collapse_m2m`` (junction tables as one M:N edge), ``clusters`` (subject
    areas as boxes; default: up to :data:`~.dot.AUTO_CLUSTER_LIMIT` tables), ``legend`` (a key to
    the notation), ``engine``
    (dot, neato, fdp, ...), ``graph_attr`` (extra Graphviz graph attributes). Cached: see the
    module docstring. Graphviz warnings are re-raised as :class:`GraphvizWarning`.

    >>> from dbmodel_kit.examples import ecommerce
    >>> render(ecommerce(), "svg")[:5]
    b'<?xml'
    """
    if format not in FORMATS:
        raise ModelError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    source = cached_dot(schema, **options)
    if format == "dot":
        return source.encode("utf-8")
    _, engine = _split(options)

    def run() -> tuple[bytes, list[str]]:
        return layout(source, format, engine)

    out, problems = _RENDER_CACHE.get((source, engine, format), run)
    for line in problems:
        warnings.warn(f"Graphviz: {line}", GraphvizWarning, stacklevel=2)
    return out


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
        return to_mermaid(self.schema, **opts)

    def save(self, path: str | Path) -> Path:
        """Write the ERD; the suffix picks the format: .svg, .png, .pdf, .dot/.gv, .mmd/.md (Mermaid),
        .dbml (the whole schema as DBML, through :mod:`dbmodel_kit.io`)."""
        return save(self.schema, path, **self.options)

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """SVG (also as inline HTML, so JupyterLab, which ranks Markdown above SVG, shows the
        Graphviz drawing with working tooltips) plus the Mermaid text as Markdown; when ``dot``
        is missing, the install hint and the Mermaid diagram, which needs no Graphviz."""
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
        bundle["text/html"] = '<div class="dbmodel-erd" style="overflow:auto">' + svg[svg.index("<svg"):] + "</div>"
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
