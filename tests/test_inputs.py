"""Every reader refuses bytes that are not UTF-8 text, NUL bytes, oversized files, deep nesting and
YAML alias bombs with a one-line error naming the place, quickly and without a RecursionError."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dbmodel_kit.cli import main
from dbmodel_kit.errors import ModelError
from dbmodel_kit.inputs import MAX_NESTING, check_nesting, decode, read_text, sql_tokens
from dbmodel_kit.io import load, loads
from dbmodel_kit.normalize.discovery import read_csv
from dbmodel_kit.workload import Workload

ROOT = Path(__file__).parent.parent
SHOP_YAML = (ROOT / "examples" / "ecommerce.yaml").read_bytes()
SHOP_DBML = (ROOT / "examples" / "ecommerce.dbml").read_bytes()
SHOP_SQL = (ROOT / "examples" / "ecommerce.sql").read_bytes()
WORKLOAD = (ROOT / "examples" / "ecommerce_workload.sql").read_bytes()


def _reader(kind: str, path: Path):  # type: ignore[no-untyped-def]
    if kind == "workload":
        return Workload.from_file(path)
    if kind == "csv":
        return read_csv(path)
    return load(path)


SEEDS = {"yaml": (SHOP_YAML, ".yaml"), "dbml": (SHOP_DBML, ".dbml"), "sql": (SHOP_SQL, ".sql"),
         "workload": (WORKLOAD, ".sql"), "csv": (b"a,b\n1,2\n3,4\n", ".csv")}


@pytest.mark.parametrize("kind", list(SEEDS))
def test_invalid_utf8_names_file_offset_line_and_column(kind: str, tmp_path: Path) -> None:
    """A Latin-1 byte in the third line is named by its byte offset, line and column."""
    data, suffix = SEEDS[kind]
    lines = data.splitlines(keepends=True)
    bad = b"".join(lines[:2]) + b"-- caf\xe9\n" + b"".join(lines[2:])
    path = tmp_path / f"in{suffix}"
    path.write_bytes(bad)
    offset = len(b"".join(lines[:2])) + 6
    with pytest.raises(ModelError) as e:
        _reader(kind, path)
    assert e.value.where == f"{path}:3:7"
    assert f"byte 0xe9 at offset {offset}" in e.value.message


@pytest.mark.parametrize("kind", list(SEEDS))
def test_nul_byte_is_refused(kind: str, tmp_path: Path) -> None:
    """A NUL byte means a binary file: refused with its line, whatever the format."""
    data, suffix = SEEDS[kind]
    path = tmp_path / f"in{suffix}"
    path.write_bytes(data[:40] + b"\x00" + data[40:])
    with pytest.raises(ModelError, match="NUL byte") as e:
        _reader(kind, path)
    assert e.value.where is not None
    assert e.value.where.startswith(f"{path}:")


@pytest.mark.parametrize("kind", list(SEEDS))
def test_size_limit(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over the limit is refused before it is read; DBMODEL_MAX_INPUT_MB sets the limit."""
    data, suffix = SEEDS[kind]
    path = tmp_path / f"in{suffix}"
    path.write_bytes(data)
    monkeypatch.setenv("DBMODEL_MAX_INPUT_MB", str(len(data) / 2 / 2**20))
    with pytest.raises(ModelError, match=r"over the .* limit on .* input .*DBMODEL_MAX_INPUT_MB"):
        _reader(kind, path)
    monkeypatch.setenv("DBMODEL_MAX_INPUT_MB", "1")
    _reader(kind, path)


def test_a_byte_order_mark_is_dropped() -> None:
    """UTF-8 with a BOM (Windows editors) reads like UTF-8; offsets still count the BOM's bytes."""
    assert decode(b"\xef\xbb\xbftables: {}\n") == "tables: {}\n"
    with pytest.raises(ModelError, match="offset 4"):
        decode(b"\xef\xbb\xbfa\xffb")


def test_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    """read_text names a missing file and a directory."""
    with pytest.raises(ModelError, match="no such file"):
        read_text(tmp_path / "none.yaml")
    with pytest.raises(ModelError, match="directory"):
        read_text(tmp_path)


# -- nesting ---------------------------------------------------------------------------------------

DEEP = 3000


@pytest.mark.parametrize(("what", "text"), [
    ("check", "CREATE TABLE t (x int CHECK " + "(" * DEEP + "x > 0" + ")" * DEEP + ");"),
    ("default", "CREATE TABLE t (x int DEFAULT " + "(" * DEEP + "1" + ")" * DEEP + ");"),
    ("unbalanced", "CREATE TABLE t (x int CHECK " + "(" * DEEP + "x > 0);"),
    ("case", "CREATE TABLE t (x int CHECK (" + "CASE WHEN x > 0 THEN " * DEEP + "TRUE" + " END" * DEEP + "));"),
    ("not", "CREATE TABLE t (x boolean CHECK (" + "NOT " * DEEP + "x));"),
    ("arrays", "CREATE TABLE t (x int[] DEFAULT " + "ARRAY[" * 20 + "1" + "]" * 20 + ");"),
])
@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite", "duckdb"])
def test_deep_sql_is_a_clean_error(what: str, text: str, dialect: str) -> None:
    """3,000 nested parentheses (or CASEs, NOTs, nested ARRAY[) are an error naming the line, not a
    RecursionError; ARRAY[ nesting, which sqlglot reads in exponential time, is refused at 8 levels."""
    started = time.monotonic()
    # SQLite reads "[" as the start of a quoted name: there the deep ARRAY is a syntax error
    with pytest.raises(ModelError, match="nested" if (what, dialect) != ("arrays", "sqlite") else "syntax") as e:
        loads("-- deep\n" + text, "sql", dialect=dialect, source="deep.sql")
    assert "deep.sql" in str(e.value)
    assert "line 2" in str(e.value) or "deep.sql:2" in str(e.value)
    assert time.monotonic() - started < 60  # generous: the point is "not minutes", timings live in bench/


def test_nesting_within_the_limit_reads() -> None:
    """Real nesting (pg_dump's extra parentheses, a few levels of CASE) stays accepted."""
    depth = MAX_NESTING - 2
    s = loads("CREATE TABLE t (x int CHECK " + "(" * depth + "x > 0" + ")" * depth + ");", "sql")
    assert s.table("t").checks[0].expression == "x > 0"
    check_nesting(sql_tokens("SELECT ARRAY[ARRAY[1, 2], ARRAY[3, 4]]", "postgres"))


@pytest.mark.parametrize("text", [
    "-- name: q\nSELECT " + "(" * DEEP + "1" + ")" * DEEP + ";\n",
    "-- name: q\nSELECT * FROM " + "(SELECT * FROM " * DEEP + "orders" + ") s" * DEEP + ";\n",
    "-- name: q\n-- params: " + "[" * DEEP * 10 + "]" * DEEP * 10 + "\nSELECT 1;\n",
    "-- name: q\nSELECT " + "(" * DEEP + "1;\n",
    "-- name: q\nSELECT 'abc FROM orders;\n",
    '-- name: q\nSELECT "abc FROM orders;\n',
])
def test_workload_errors_are_clean(text: str) -> None:
    """Deep queries, deep JSON params and unterminated strings are one error naming the query."""
    def read() -> None:
        for q in Workload.from_sql(text, source="w.sql"):
            _ = q.tree

    with pytest.raises(ModelError) as e:
        read()
    assert "w.sql:" in str(e.value)


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    """A 'billion laughs' under hints (648 bytes, 9^9 nodes expanded) is refused at once."""
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    text = "tables:\n  t:\n    columns:\n      id:\n        spec: int pk\n        hints:\n" + "".join(
        f"          {line}\n" for line in bomb)
    started = time.monotonic()
    with pytest.raises(ModelError, match="alias bomb") as e:
        loads(text, "yaml", source="bomb.yaml")
    assert e.value.where in {f"bomb.yaml:{n}" for n in range(7, 16)}
    assert time.monotonic() - started < 30


def test_yaml_depth_and_cycles() -> None:
    """Deep YAML and a recursive alias are errors naming the line; ordinary anchors still work."""
    with pytest.raises(ModelError, match=f"nested deeper than {MAX_NESTING}"):
        loads("tables: " + "[" * 100 + "]" * 100 + "\n", "yaml")
    with pytest.raises(ModelError, match="nest"):  # libyaml's own limit comes first here
        loads("tables: " + "[" * DEEP + "]" * DEEP + "\n", "yaml")
    with pytest.raises(ModelError, match="cycle"):
        loads("tables: &t\n  t:\n    columns: *t\n", "yaml")
    schema = loads("tables:\n  a:\n    columns: &cols {id: int pk, note: text}\n  b:\n    columns: *cols\n", "yaml")
    assert schema.table("b").column_names == ("id", "note")


def test_cli_reports_bad_bytes_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Through the command line: exit 2, one line naming file:line:column, no traceback."""
    for name, data in (("a.yaml", SHOP_YAML + b"\xff"), ("b.sql", SHOP_SQL + b"\x00"), ("c.dbml", b"\xc3(")):
        path = tmp_path / name
        path.write_bytes(data)
        code = main(["ddl", str(path)])
        err = capsys.readouterr().err
        assert code == 2
        assert err.count("\n") == 1, err
        assert err.startswith(f"{path}:")
    path = tmp_path / "w.sql"
    path.write_bytes(WORKLOAD.replace(b"recent", b"r\xe9cent", 1))
    assert main(["workload-lint", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"{path}:4:")


# -- SQL the engine refuses is not read -------------------------------------------------------------

ENGINE_REFUSES = [  # found by tests/fuzz_inputs.py: sqlglot reads these, the engine does not
    ("sqlite", "CREATE TABLE t (id int PRIMARY KEY, $$ uq UNIQUE (id));", "not a name"),
    ("sqlite", "CREATE TABLE t (id int PRIMARY KEY, CHECK (id > 0), b int);", "follows a table constraint"),
    ("mysql", "CREATE TABLE t (id int PRIMARY KEY, CONSTRAINT 1e999 FOREIGN KEY (id) REFERENCES t (id));",
     "not a name"),
    ("mysql", "CREATE TABLE t (id int PRIMARY KEY, \U0001f4a9name int);", "Basic Multilingual Plane"),
    ("mysql", "CREATE TABLE t (id int PRIMARY KEY, `x\U0001f4a9` int);", "Basic Multilingual Plane"),
    ("postgresql", "CREATE TABLE t (id int PRIMARY KEY, $x int);", "parameter"),
    ("postgresql", "CREATE TABLE t (id int PRIMARY KEY,, x text);", "empty item"),
    ("postgresql", "CREATE TABLE t (id int PRIMARY KEY);\nCREATE INDEX ;", "a name was expected"),
    ("mysql", "CREATE TABLE t (id int PRIMARY KEY, DEFAULT VARCHAR(32));", "reserved word"),
    ("duckdb", "CREATE TABLE t (id int PRIMARY KEY, 1e999 TIMESTAMP);", "starts with no name"),
]


@pytest.mark.parametrize(("dialect", "text", "why"), ENGINE_REFUSES)
def test_sql_the_engine_refuses_is_not_read(dialect: str, text: str, why: str) -> None:
    """Each file is refused by the engine it is written for (asked in the test) and by the reader,
    naming the line; names every engine takes without quotes stay accepted."""
    from tests.fuzz_inputs import engine_verdict

    sqlglot_name = {"postgresql": "postgres"}.get(dialect, dialect)
    with pytest.raises(ModelError, match=why):
        loads("-- x\n" + text, "sql", dialect=sqlglot_name)
    try:
        assert engine_verdict(dialect, text) is not None
    except OSError as e:
        pytest.skip(f"{dialect} server not reachable: {e}")


@pytest.mark.parametrize(("dialect", "text"), [
    ("postgresql", "CREATE TABLE caf\u00e9 (na\u00efve int, \U0001f4a9 int, x$1 int);"),
    ("mysql", "CREATE TABLE 1abc (id int, caf\u00e9 int, `a b` int, `default` int);"),
    ("sqlite", "CREATE TABLE t (id int, b int, CHECK (id > 0));"),
    ("duckdb", "CREATE TABLE t (id int, CHECK (id > 0), b int);"),
])
def test_names_the_engine_takes_are_read(dialect: str, text: str) -> None:
    """Non-ASCII bare names, MySQL's digit-led names and (outside SQLite) constraints between columns
    are read, and the engine takes the same file."""
    from tests.fuzz_inputs import engine_verdict

    loads(text, "sql", dialect={"postgresql": "postgres"}.get(dialect, dialect))
    try:
        assert engine_verdict(dialect, text) is None
    except OSError as e:
        pytest.skip(f"{dialect} server not reachable: {e}")
