"""The Export panel: pick an ecosystem, see the files it gets (tree and content), download them as a
zip or write them to a folder. The files are exactly :func:`dbmodel_kit.export.files`'.

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.model import Model
>>> panel = ExportPanel(Model(ecommerce()))
>>> panel.target.value = "typeorm"
>>> sorted(panel.files)
['entities.ts', 'migration.test.ts', 'migration.ts', 'seed.ts']
>>> panel.tree.value = "entities.ts"          # what a click on the file does
>>> "@Entity" in panel.content.value
True
"""

from __future__ import annotations

import base64
import html
import io
import zipfile
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..errors import ModelError
from ..export import TARGET_DIALECTS, TARGETS, files, write_files
from ..migrate import Plan
from ..model import Model, Schema
from ._common import Feedback, Panel, Selection, button, row, set_options, with_class

#: the "from" choice meaning "migrate from an empty database"
EMPTY = -1
#: the dialect choice of the sql target meaning "every dialect"
ALL_DIALECTS = ""
#: fixed member timestamps (the zip format's earliest date), so one export always zips to the same bytes
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_NBSP = "\u00a0"


def tree_rows(paths: list[str]) -> list[tuple[str, str]]:
    """(label, value) rows of a file tree: each folder once (value ``"dir/"``) before its files,
    names indented by depth.

    >>> [label.replace(_NBSP, ".") for label, _ in tree_rows(["b.txt", "a/x.py", "a/b/y.py"])]
    ['a/', '....b/', '........y.py', '....x.py', 'b.txt']
    """
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    # folders sort before the files beside them, as file browsers list them
    for path in sorted(paths, key=lambda p: [(i == p.count("/"), part) for i, part in enumerate(p.split("/"))]):
        parts = path.split("/")
        for depth in range(len(parts) - 1):
            folder = "/".join(parts[: depth + 1]) + "/"
            if folder not in seen:
                seen.add(folder)
                rows.append((_NBSP * 4 * depth + parts[depth] + "/", folder))
        rows.append((_NBSP * 4 * (len(parts) - 1) + parts[-1], path))
    return rows


def highlight(path: str, text: str) -> str:
    """``text`` as HTML: syntax-highlighted by Pygments (inline styles) when it knows the file's
    type, else escaped; always monospace in a ``<pre>``."""
    try:  # Pygments comes with IPython; without it (or for an unknown type) the text stays plain
        from pygments import highlight as pyg_highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import get_lexer_for_filename
        from pygments.util import ClassNotFound

        try:
            lexer = get_lexer_for_filename(path, text)
        except ClassNotFound:
            lexer = None
        if lexer is not None:
            body = pyg_highlight(text, lexer, HtmlFormatter(noclasses=True, nowrap=True))
            return f'<pre class="dbm-exp-code" style="margin:0;font-size:12px">{body}</pre>'
    except ImportError:
        pass
    return f'<pre class="dbm-exp-code" style="margin:0;font-size:12px">{html.escape(text)}</pre>'


def zip_bytes(made: dict[str, str]) -> bytes:
    """The files as a zip archive (deflated, fixed timestamps: the same files give the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for rel, text in sorted(made.items()):
            info = zipfile.ZipInfo(rel, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


class ExportPanel(Panel):
    """Export ``model`` for one ecosystem: target, dialect, the schema the migration starts from
    (an empty database, a checkpoint of the model's log, or an old schema file), a file tree with
    a preview, a zip download and "write to folder"."""

    title = "Export"

    def __init__(
        self,
        model: Model,
        selection: Selection | None = None,
        *,
        target: str = "sqlalchemy",
        checkpoint: int = EMPTY,
        active: bool = True,
    ) -> None:
        self.files: dict[str, str] = {}
        self.plan: Plan | None = None
        self._start = (target, checkpoint)
        #: False while hidden (a Designer tab not shown): nothing is rendered, edits mark it stale
        self.active = active
        self.stale = True
        super().__init__(model, selection)

    # -- widgets ----------------------------------------------------------------------------------
    def build(self) -> list[w.Widget]:
        target, checkpoint = self._start
        if target not in TARGETS:
            raise ModelError(f"unknown export target {target!r}; known: {', '.join(TARGETS)}")
        self.target = with_class(
            w.Dropdown(options=list(TARGETS), value=target, description="target",
                       layout=w.Layout(width="18em", max_width="100%")), "dbm-exp-target"
        )
        self.dialect = with_class(w.Dropdown(options=[], description="dialect",
                                             layout=w.Layout(width="18em", max_width="100%")), "dbm-exp-dialect")
        choices = self._source_choices()
        if checkpoint not in [c for _, c in choices]:
            raise ModelError(f"checkpoint {checkpoint} is not in this model's log (0..{self.model.checkpoint()})")
        self.source = with_class(
            w.Dropdown(options=choices, value=checkpoint, description="from",
                       layout=w.Layout(width="28em", max_width="100%")),
            "dbm-exp-from",
        )
        self.old_file = with_class(
            w.Text(
                value="",
                description="or file",
                placeholder="old schema (.yaml/.sql/.dbml)",
                continuous_update=False,
                layout=w.Layout(width="28em", max_width="100%"),
            ),
            "dbm-exp-old-file",
        )
        self.summary = w.HTML()
        self.tree = with_class(w.Select(options=[], rows=14, layout=w.Layout(width="16em", max_width="100%")),
                               "dbm-exp-tree")
        self.content = with_class(w.HTML(), "dbm-exp-content")
        viewer = w.Box(
            [self.content],
            layout=w.Layout(flex="1 1 20em", min_width="0", height="22em", overflow="auto", border="1px solid #ccc",
                            padding="2px"),
        )
        self.download = with_class(w.HTML(), "dbm-exp-download")
        self.folder = with_class(w.Text(value="", description="folder", placeholder="path/to/folder",
                                        layout=w.Layout(width="22em", max_width="100%")), "dbm-exp-folder")
        self.overwrite = with_class(
            w.Checkbox(value=False, description="overwrite", indent=False, layout=w.Layout(width="auto")),
            "dbm-exp-overwrite",
        )
        self.write_button = button("Write to folder", "dbm-exp-write", icon="folder")
        self.feedback = Feedback()
        for control in (self.target, self.dialect, self.source, self.old_file):
            control.observe(self._on_option, names=["value"])
        self.tree.observe(self._on_file, names=["value"])
        self.write_button.on_click(lambda _b: self.write())
        return [
            row(self.target, self.dialect),
            row(self.source, self.old_file),
            self.summary,
            row(self.tree, viewer, css="dbm-exp-files"),
            self.download,
            row(self.folder, self.overwrite, self.write_button),
            self.feedback,
        ]

    # -- following the model ----------------------------------------------------------------------
    def _on_select(self, _change: dict[str, Any]) -> None:
        """The files do not depend on the selected table."""

    def show(self) -> None:
        """Become visible: redraw if the model changed while hidden."""
        self.active = True
        if self.stale:
            self.refresh()

    def _on_option(self, change: dict[str, Any]) -> None:
        if self.redrawing:
            return
        if change["owner"] is self.target:  # a new target starts at its default dialect, as files() does
            with self.quiet():
                self.dialect.value = None
        self.refresh()

    def _sync_options(self) -> None:
        target = self.target.value
        dialects = TARGET_DIALECTS[target]
        if target == "sql":
            options: list[tuple[str, str]] = [("all", ALL_DIALECTS), *[(d, d) for d in dialects]]
        else:
            options = [(d, d) for d in dialects] or [("(no SQL)", ALL_DIALECTS)]
        set_options(self.dialect, options, self.dialect.value)
        self.dialect.disabled = len(options) < 2
        set_options(self.source, self._source_choices(), self.source.value)

    def _source_choices(self) -> list[tuple[str, int]]:
        log = self.model.history()
        return [
            ("empty database", EMPTY),
            ("checkpoint 0: start of the edit log", 0),
            *[(f"checkpoint {k}: after {log[k - 1]}"[:90], k) for k in range(1, len(log) + 1)],
        ]

    def render(self) -> dict[str, str]:
        """Compute the files for the current choices (raises ModelError on a bad choice)."""
        schema = self.model.schema
        dialect = self.dialect.value or None
        path = self.old_file.value.strip()
        if path:
            from ..io import load

            if not Path(path).is_file():
                raise ModelError(f"old schema file {path} does not exist", where="from")
            old: Schema = load(path)
            self.plan = None
            return files(schema, self.target.value, old=old, dialect=dialect)
        if self.source.value == EMPTY:
            self.plan = None
            return files(schema, self.target.value, dialect=dialect)
        self.plan = self.model.plan_since(int(self.source.value))
        return files(schema, self.target.value, dialect=dialect, plan=self.plan)

    def refresh(self) -> None:
        if not self.active:
            self.stale = True
            return
        with self.quiet():
            self._sync_options()
        try:
            made = self.render()
        except (ModelError, OSError, ValueError) as e:
            self.files = {}
            self._show_files()
            self.feedback.error(str(e))
            return
        self.stale = False
        self.files = made
        self.feedback.clear()
        self._show_files()

    def _show_files(self) -> None:
        size = sum(len(t.encode("utf-8")) for t in self.files.values())
        self.summary.value = (
            f"<b>{len(self.files)} file(s)</b>, {size:,} bytes, target <code>{html.escape(self.target.value)}</code>"
            if self.files
            else ""
        )
        current = self.tree.value
        rows = tree_rows(list(self.files))
        first = next((v for _, v in rows if not v.endswith("/")), None)
        with self.quiet():
            set_options(self.tree, rows, current if current in self.files else first)
        self._show_content()
        if self.files:
            data = base64.b64encode(zip_bytes(self.files)).decode("ascii")
            name = html.escape(self.zip_name)
            self.download.value = (
                f'<a class="dbm-exp-zip" download="{name}" href="data:application/zip;base64,'
                f'{data}" style="text-decoration:underline">Download {name}</a>'
            )
        else:
            self.download.value = ""

    @property
    def zip_name(self) -> str:
        dialect = self.dialect.value
        return f"dbmodel-{self.target.value}{'-' + dialect if dialect and len(self.dialect.options) > 1 else ''}.zip"

    def _on_file(self, _change: dict[str, Any]) -> None:
        if not self.redrawing:
            self._show_content()

    def _show_content(self) -> None:
        chosen = self.tree.value
        if chosen is None:
            self.content.value = ""
        elif chosen.endswith("/"):
            inside = [p[len(chosen) :] for p in sorted(self.files) if p.startswith(chosen)]
            self.content.value = (
                f"<b>{html.escape(chosen)}</b><ul>"
                + "".join(f"<li><code>{html.escape(p)}</code></li>" for p in inside)
                + "</ul>"
            )
        else:
            self.content.value = highlight(chosen, self.files[chosen])

    # -- output -----------------------------------------------------------------------------------
    def zip(self) -> bytes:
        """The previewed files as a zip archive (what the download link holds)."""
        return zip_bytes(self.files)

    def write(self) -> list[Path] | None:
        """Write the previewed files under the folder named in the panel; returns the paths written.

        An existing folder that is not empty is refused unless "overwrite" is ticked (then files of
        the same name are replaced and other files are left alone); errors go to the feedback line.
        """
        text = self.folder.value.strip()
        if not text:
            self.feedback.error("choose a folder to write into")
            return None
        if not self.files:
            self.feedback.error("nothing to write: fix the export choices first")
            return None
        root = Path(text).expanduser()
        try:
            if root.exists() and not root.is_dir():
                self.feedback.error(f"{root} is a file, not a folder")
                return None
            if root.is_dir() and any(root.iterdir()) and not self.overwrite.value:
                self.feedback.error(f"{root} is not empty; tick overwrite to replace files of the same name")
                return None
            written = write_files(self.files, root)
        except OSError as e:
            self.feedback.error(f"cannot write to {e.filename or root}: {e.strerror or e}")
            return None
        self.feedback.done(f"wrote {len(written)} file(s) to {root}")
        return written

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The live panel, plus a static snapshot (the file list and the previewed file) for readers
        without a kernel (GitHub, nbviewer)."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        listing = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in sorted(self.files))
        bundle["text/html"] = (
            f"<div><p><b>Export</b> (static snapshot): {self.summary.value}</p>"
            f"<ul>{listing}</ul>{self.content.value}</div>"
        )
        return bundle

    def __repr__(self) -> str:
        return f"<ExportPanel {self.target.value} over {self.model!r}: {len(self.files)} file(s)>"


__all__ = ["ExportPanel", "highlight", "tree_rows", "zip_bytes"]
