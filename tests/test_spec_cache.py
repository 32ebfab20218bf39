"""The cache of parsed schema files and of ``dbmodel erd``'s DOT source (dbmodel_kit.cli.spec_cache):
a hit gives exactly what a fresh read gives, on standard output, in the file and on standard error;
a changed file or option, a damaged entry and ``--no-cache`` / ``DBMODEL_CACHE=off`` read afresh."""

from __future__ import annotations

import importlib
import pickle
from pathlib import Path

import pytest

from dbmodel_kit.cli import main, schema_cmds, spec_cache
from dbmodel_kit.model.schema import Check

render = importlib.import_module("dbmodel_kit.erd.render")  # the module (the package's `render` is the function)

#: Two notes on standard error (statements not kept) and a CHECK the drawing marks on its column.
SQL = """CREATE TABLE a (id int PRIMARY KEY, n int CHECK (n > 0));
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id));
INSERT INTO a VALUES (1, 2);
SELECT 1;
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DBMODEL_CACHE_DIR", str(folder))
    monkeypatch.delenv("DBMODEL_CACHE", raising=False)
    return folder


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sql"
    path.write_text(SQL, encoding="utf-8")
    return path


def _erd(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    assert main(["erd", *argv]) == 0
    out = capsys.readouterr()
    return out.out, out.err


def _no_reading(monkeypatch: pytest.MonkeyPatch, *, dot: bool = True) -> None:
    """Make parsing the file (and with ``dot`` building the DOT) fail loudly: a hit does neither."""

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("read afresh")

    monkeypatch.setattr(schema_cmds, "_read_spec", fail)
    if dot:
        monkeypatch.setattr(render, "_cached_layout", fail)


def test_a_hit_prints_and_writes_what_a_fresh_read_does(cache, spec, tmp_path, capsys, monkeypatch):
    first_out, first_err = _erd(capsys, str(spec))
    assert first_err.splitlines()[:2] == [f"{spec}:3: note: data not kept: INSERT into a",
                                          f"{spec}:4: note: SELECT statements not kept (queries and settings, "
                                          "no schema)"]
    _erd(capsys, str(spec), "-o", str(tmp_path / "first.svg"))
    _no_reading(monkeypatch)
    again_out, again_err = _erd(capsys, str(spec))
    assert (again_out, again_err) == (first_out, first_err)
    assert "CK (n &gt; 0)" in again_out  # the check's badge on its column, from the cached check
    again_svg = _erd(capsys, str(spec), "-o", str(tmp_path / "again.svg"))[1]
    assert again_svg.endswith(f"wrote {tmp_path / 'again.svg'}\n")
    assert (tmp_path / "again.svg").read_bytes() == (tmp_path / "first.svg").read_bytes()


def test_a_new_option_reuses_the_parsed_schema_only(cache, spec, capsys, monkeypatch):
    light = _erd(capsys, str(spec))[0]
    _no_reading(monkeypatch, dot=False)
    dark = _erd(capsys, str(spec), "--theme", "dark")[0]
    assert dark != light
    assert dark.startswith("digraph")


def test_a_changed_file_is_read_again(cache, spec, capsys):
    before = _erd(capsys, str(spec))[0]
    spec.write_text(SQL.replace("CREATE TABLE b", "CREATE TABLE c"), encoding="utf-8")
    after = _erd(capsys, str(spec))[0]
    assert "b.a_id" in before
    assert "c.a_id" in after
    assert "b.a_id" not in after


def test_a_damaged_entry_is_a_miss_and_is_replaced(cache, spec, capsys):
    expected = _erd(capsys, str(spec))
    entries = sorted(cache.glob("*.pickle"))
    assert len(entries) == 2  # the parsed schema and the DOT source
    for entry in entries:
        data = bytearray(entry.read_bytes())
        data[-5] ^= 0xFF  # one flipped bit in the pickle: the checksum no longer matches
        entry.write_bytes(bytes(data))
    assert _erd(capsys, str(spec)) == expected
    for entry in cache.glob("*.pickle"):
        assert spec_cache.read(entry.stem, cache) is not None  # written again, whole
    for entry in cache.glob("*.pickle"):
        entry.write_bytes(b"garbage")  # not even the header
    assert _erd(capsys, str(spec)) == expected


def test_no_cache_and_the_environment_turn_it_off(cache, spec, capsys, monkeypatch):
    _erd(capsys, str(spec), "--no-cache")
    assert not cache.exists()
    monkeypatch.setenv("DBMODEL_CACHE", "off")
    _erd(capsys, str(spec))
    assert not cache.exists()
    monkeypatch.delenv("DBMODEL_CACHE")
    _erd(capsys, str(spec))
    _no_reading(monkeypatch)
    with pytest.raises(AssertionError, match="read afresh"):
        main(["erd", str(spec), "--no-cache"])


def test_an_unwritable_cache_directory_is_no_error(tmp_path, spec, capsys, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("DBMODEL_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("DBMODEL_CACHE", raising=False)
    assert _erd(capsys, str(spec))[0].startswith("digraph")


def test_errors_are_not_cached(cache, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tables: [", encoding="utf-8")
    for _ in range(2):
        assert main(["erd", str(bad)]) == 2
        assert "not valid YAML" in capsys.readouterr().err
    assert not cache.exists() or not list(cache.glob("*.pickle"))


def test_the_directory_keeps_the_most_recent_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(spec_cache, "MAX_ENTRIES", 3)
    for i in range(5):
        spec_cache.write(f"k{i}", i, tmp_path)
    assert sorted(p.stem for p in tmp_path.glob("*.pickle")) == ["k2", "k3", "k4"]
    assert [spec_cache.read(f"k{i}", tmp_path) for i in range(5)] == [None, None, 2, 3, 4]


def test_a_check_keeps_its_columns_without_changing_its_value():
    plain, asked = Check("price >= 0 AND price <= max_price"), Check("price >= 0 AND price <= max_price")
    assert asked.columns == ("price", "max_price")
    assert plain == asked
    assert hash(plain) == hash(asked)
    assert repr(plain) == repr(asked)
    back = pickle.loads(pickle.dumps(asked))
    assert back == asked
    assert back._columns == ("price", "max_price")


def test_a_directory_others_may_write_in_is_not_used(cache, spec, capsys):
    _erd(capsys, str(spec))
    assert len(list(cache.glob("*.pickle"))) == 2
    cache.chmod(0o777)  # anyone could have put a pickle there: entries are neither read nor written
    key = next(cache.glob("*.pickle")).stem
    assert spec_cache.read(key, cache) is None
    spec_cache.write("other", 1, cache)
    assert not (cache / "other.pickle").exists()
    cache.chmod(0o700)
    assert spec_cache.read(key, cache) is not None
