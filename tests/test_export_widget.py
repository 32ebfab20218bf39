"""The Export panel driven as a person drives it: pick a target, a dialect, a starting point; click
files in the tree; download the zip; write to a folder. What it shows and writes is what
dbmodel_kit.export produces."""

from __future__ import annotations

import base64
import doctest
import html
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

from dbmodel_kit import Model
from dbmodel_kit.errors import ModelError
from dbmodel_kit.examples import ecommerce
from dbmodel_kit.export import TARGET_DIALECTS, TARGETS, files
from dbmodel_kit.io import save
from dbmodel_kit.widgets import ExportPanel
from dbmodel_kit.widgets import export_panel as module
from dbmodel_kit.widgets.designer import Designer

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def masked(made: dict[str, str]) -> dict[str, str]:
    """The files with the Alembic revision's creation time masked (it is the wall clock)."""
    return {p: re.sub(r"^Create Date: .*$", "Create Date: (now)", t, flags=re.M) for p, t in made.items()}


def shown_text(panel: ExportPanel) -> str:
    """The previewed file as text: the highlighted HTML without its tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", panel.content.value))


@pytest.fixture
def model() -> Model:
    return Model(ecommerce())


@pytest.fixture
def panel(model: Model) -> Iterator[ExportPanel]:
    p = ExportPanel(model)
    yield p
    p.close()


@pytest.mark.parametrize("target", list(TARGETS))
def test_each_target_previews_the_exported_files(panel: ExportPanel, model: Model, target: str) -> None:
    """Picking a target lists exactly export.files' paths in the tree, and clicking each file shows its text."""
    panel.target.value = target
    want = masked(files(model.schema, target))
    assert masked(panel.files) == want
    leaves = [v for _, v in panel.tree.options if not v.endswith("/")]
    assert sorted(leaves) == sorted(want)
    for path in leaves:
        panel.tree.value = path
        assert shown_text(panel).rstrip("\n") == panel.files[path].rstrip("\n"), path
    assert panel.feedback.ok
    assert f"{len(want)} file(s)" in panel.summary.value


@pytest.mark.parametrize("dialect", TARGET_DIALECTS["sql"])
def test_sql_per_dialect(panel: ExportPanel, model: Model, dialect: str) -> None:
    """The sql target offers every dialect (and all); one dialect previews only its folder."""
    panel.target.value = "sql"
    assert [v for _, v in panel.dialect.options] == [module.ALL_DIALECTS, *TARGET_DIALECTS["sql"]]
    panel.dialect.value = dialect
    assert panel.files == files(model.schema, "sql", dialect=dialect)
    assert {p.split("/")[0] for p in panel.files} == {dialect}
    panel.dialect.value = module.ALL_DIALECTS
    assert panel.files == files(model.schema, "sql")


def test_targets_with_one_dialect_lock_the_picker(panel: ExportPanel) -> None:
    """Prisma and TypeORM are PostgreSQL-only and dbml has no SQL: the dialect picker is disabled."""
    for target, options in (("prisma", ["postgresql"]), ("typeorm", ["postgresql"]), ("dbml", [""])):
        panel.target.value = target
        assert [v for _, v in panel.dialect.options] == options
        assert panel.dialect.disabled
    panel.target.value = "sqlalchemy"
    assert not panel.dialect.disabled
    panel.dialect.value = "sqlite"
    assert "render_as_batch=RENDER_AS_BATCH" in panel.files["alembic/env.py"]
    assert "RENDER_AS_BATCH = True" in panel.files["alembic/env.py"]


def test_folder_rows_list_their_files(panel: ExportPanel) -> None:
    """The tree shows each folder before its files; clicking a folder lists what it holds."""
    values = [v for _, v in panel.tree.options]
    assert (
        values.index("alembic/") < values.index("alembic/versions/") < values.index("alembic/versions/0001_dbmodel.py")
    )
    panel.tree.value = "alembic/"
    assert "versions/0001_dbmodel.py" in panel.content.value
    assert "env.py" in panel.content.value


def test_write_to_folder_writes_the_previewed_bytes(panel: ExportPanel, tmp_path: Path) -> None:
    """Write to folder creates the folder and writes every previewed file, byte for byte."""
    panel.target.value = "typeorm"
    panel.folder.value = str(tmp_path / "out" / "shop")
    panel.write_button.click()
    assert panel.feedback.ok, panel.feedback.message
    written = {
        p.relative_to(tmp_path / "out" / "shop").as_posix(): p.read_bytes()
        for p in (tmp_path / "out" / "shop").rglob("*")
        if p.is_file()
    }
    assert written == {rel: text.encode("utf-8") for rel, text in panel.files.items()}
    assert panel.feedback.message == f"wrote 4 file(s) to {tmp_path / 'out' / 'shop'}"


def test_non_empty_folder_needs_overwrite(panel: ExportPanel, tmp_path: Path) -> None:
    """A folder with files in it is refused until overwrite is ticked; then same-named files are
    replaced and other files stay."""
    (tmp_path / "models.py").write_text("mine")
    (tmp_path / "notes.txt").write_text("keep")
    panel.folder.value = str(tmp_path)
    assert panel.write() is None
    assert not panel.feedback.ok
    assert "is not empty; tick overwrite" in panel.feedback.message
    assert (tmp_path / "models.py").read_text() == "mine"
    panel.overwrite.value = True
    assert panel.write() is not None
    assert (tmp_path / "models.py").read_text(encoding="utf-8") == panel.files["models.py"]
    assert (tmp_path / "notes.txt").read_text() == "keep"


def test_unwritable_and_missing_folders_are_clear_errors(panel: ExportPanel, tmp_path: Path) -> None:
    """No folder, a file given as the folder, and a path that cannot be created each show an error
    naming the problem and write nothing."""
    panel.folder.value = "  "
    assert panel.write() is None
    assert panel.feedback.message == "choose a folder to write into"
    blocker = tmp_path / "plain.txt"
    blocker.write_text("x")
    panel.folder.value = str(blocker)
    assert panel.write() is None
    assert panel.feedback.message == f"{blocker} is a file, not a folder"
    panel.folder.value = str(blocker / "sub")
    assert panel.write() is None
    assert not panel.feedback.ok
    assert panel.feedback.message.startswith(f"cannot write to {blocker / 'sub'}")
    assert "Not a directory" in panel.feedback.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.txt"]


def test_download_link_holds_the_zip(panel: ExportPanel) -> None:
    """The download link is a data: URL of a zip holding every previewed file; zipping is deterministic."""
    panel.target.value = "prisma"
    match = re.search(r'download="([^"]+)" href="data:application/zip;base64,([^"]+)"', panel.download.value)
    assert match is not None
    assert match.group(1) == "dbmodel-prisma.zip"
    data = base64.b64decode(match.group(2))
    assert data == panel.zip() == module.zip_bytes(dict(panel.files))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert {n: archive.read(n).decode("utf-8") for n in archive.namelist()} == panel.files


def test_from_a_checkpoint_carries_renames(panel: ExportPanel, model: Model) -> None:
    """Starting from a checkpoint exports the logged edits themselves: a rename stays a rename."""
    model.rename_column("users.phone", "phone_number")
    assert [v for _, v in panel.source.options] == [module.EMPTY, 0, 1]
    panel.source.value = 0
    assert panel.plan is not None
    assert panel.plan.describe() == ["rename column users.phone -> phone_number"]
    revision = panel.files["alembic/versions/0001_dbmodel.py"]
    assert "new_column_name='phone_number'" in revision
    assert "drop_column" not in revision
    panel.target.value = "sql"
    panel.dialect.value = "postgresql"
    assert "ALTER TABLE users RENAME phone TO phone_number" in panel.files["postgresql/up.sql"]
    panel.source.value = module.EMPTY
    assert "CREATE TABLE users" in panel.files["postgresql/up.sql"]


def test_from_an_old_schema_file(panel: ExportPanel, model: Model, tmp_path: Path) -> None:
    """An old schema file makes the migration the difference from it; a missing file is an error in place."""
    old = model.schema
    save(old, tmp_path / "old.yaml")
    model.add_column("users", "nickname", "varchar(40)")
    panel.target.value = "sql"
    panel.dialect.value = "sqlite"
    panel.old_file.value = str(tmp_path / "old.yaml")  # what leaving the field or pressing Enter does
    assert panel.files == files(model.schema, "sql", old=old, dialect="sqlite")
    assert "ADD COLUMN nickname" in panel.files["sqlite/up.sql"]
    panel.old_file.value = str(tmp_path / "nope.yaml")
    assert not panel.feedback.ok
    assert panel.feedback.message == f"from: old schema file {tmp_path / 'nope.yaml'} does not exist"
    assert panel.files == {}
    assert panel.download.value == ""
    assert panel.write() is None


def test_bad_start_is_a_model_error(model: Model) -> None:
    """An unknown target or a checkpoint outside the log is refused when the panel is made."""
    with pytest.raises(ModelError, match="known: sqlalchemy"):
        ExportPanel(model, target="hibernate")
    with pytest.raises(ModelError, match="checkpoint 3"):
        ExportPanel(model, checkpoint=3)


def test_edits_redraw_the_preview(panel: ExportPanel, model: Model) -> None:
    """An edit made in code shows up in the previewed files."""
    model.add_table("reviews", id="integer pk identity", body="text")
    assert "class Review(Base):" in panel.files["models.py"]


def test_designer_export_tab_renders_when_shown(model: Model) -> None:
    """The Designer has an Export tab; nothing renders until it is shown, and edits made while it is
    hidden show up when it is shown again."""
    d = Designer(model)
    try:
        index = d.panels.index(d.export)
        assert d.tabs.get_title(index) == "Export"
        assert d.export.files == {}
        d.tabs.selected_index = index
        assert masked(d.export.files) == masked(files(model.schema, "sqlalchemy"))
        d.tabs.selected_index = 0
        model.add_table("reviews", id="integer pk identity")
        assert "class Review(Base):" not in d.export.files["models.py"]
        assert d.export.stale
        d.tabs.selected_index = index
        assert "class Review(Base):" in d.export.files["models.py"]
    finally:
        d.close()


def test_static_snapshot_lists_the_files(panel: ExportPanel) -> None:
    """The display bundle carries the live widget and a static HTML list of the files and the preview."""
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    for path in panel.files:
        assert f"<code>{path}</code>" in bundle["text/html"]
    assert panel.content.value in bundle["text/html"]


def test_highlight_escapes_unknown_files() -> None:
    """A file type Pygments does not know is shown escaped in a monospace block."""
    out = module.highlight("notes.unknown-ext", "<b>&</b>")
    assert out.endswith("&lt;b&gt;&amp;&lt;/b&gt;</pre>")
    assert "<span" in module.highlight("models.py", "x = 1\n")


def test_docstring_examples() -> None:
    """The module's docstring examples give the output they show."""
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
