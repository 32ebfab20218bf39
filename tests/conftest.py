"""Shared fixtures: database URLs for the four engines.

Server engines read ``DBMODEL_TEST_POSTGRES_URL`` / ``DBMODEL_TEST_MYSQL_URL`` (defaults: the
local servers) and skip with a visible reason when the server cannot be reached. Each test gets
its own fresh database, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("DBMODEL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
MYSQL_URL = os.environ.get("DBMODEL_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = Path(__file__).parent.parent / "examples"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The files holding ``slow`` or ``browser`` tests first, the others after, each file's tests in
    their own order. ``make test`` hands files to the two workers in this order
    (``--dist loadfile --no-loadscope-reorder``), so the long files start while there is other work
    to balance them, rather than one of them being handed out last while the other worker idles
    (pytest-xdist's default order, by number of tests, put the long files with few tests last)."""
    long = {item.path for item in items if item.get_closest_marker("slow") or item.get_closest_marker("browser")}
    items.sort(key=lambda item: item.path not in long)  # (a stable sort)


#: Where the tests' files go when the machine has a memory file system and no TMPDIR was chosen
MEMORY_TMP = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    """The tests' temporary files (``tmp_path``: the SQLite and DuckDB databases, the exported
    projects) in memory, on /dev/shm where it is a writable directory and neither TMPDIR nor
    --basetemp says otherwise: on disk each SQLite commit waits for its fsync (10.6 ms per commit
    on the CI machine, 0.5 ms on /dev/shm), and the migration and fuzz tests commit thousands of
    times. Children (the CLI, node, alembic) inherit TMPDIR."""
    if os.environ.get("TMPDIR") or config.option.basetemp or not MEMORY_TMP.is_dir() \
            or not os.access(MEMORY_TMP, os.W_OK | os.X_OK):
        return
    import tempfile

    os.environ["TMPDIR"] = str(MEMORY_TMP)
    tempfile.tempdir = str(MEMORY_TMP)


@pytest.fixture(autouse=True, scope="session")
def _schema_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The cache of parsed schema files (dbmodel_kit.cli.spec_cache) in a directory of this run,
    not the user's: commands the tests run (in process or as children) neither read nor leave
    entries there."""
    before = os.environ.get("DBMODEL_CACHE_DIR")
    os.environ["DBMODEL_CACHE_DIR"] = str(tmp_path_factory.mktemp("schema-cache"))
    yield
    if before is None:
        os.environ.pop("DBMODEL_CACHE_DIR", None)
    else:
        os.environ["DBMODEL_CACHE_DIR"] = before


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files instead of comparing")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden("case/postgresql.sql", text)``: compare with (or, with --update-golden, write) a golden file."""
    update = request.config.getoption("--update-golden")

    def check(relpath: str, text: str) -> None:
        path = GOLDEN / relpath
        if update or not path.exists():
            if not update and os.environ.get("CI"):
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden and commit it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path}; if the change is intended, run --update-golden"

    return check


def _server_db(base_url: str, kind: str) -> Iterator[str]:
    url = sa.make_url(base_url)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as e:  # any failure to connect means "server not here"
        admin.dispose()
        pytest.skip(f"{kind} server not reachable at {url.render_as_string(hide_password=True)}: "
                    f"{type(e).__name__}: {str(e).splitlines()[0][:120]}")
    name = f"dbmodel_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))  # generated name, no user input
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            if kind == "PostgreSQL":
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _server_db(POSTGRES_URL, "PostgreSQL")


@pytest.fixture
def mysql_url() -> Iterator[str]:
    yield from _server_db(MYSQL_URL, "MariaDB/MySQL")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def duckdb_url(tmp_path: Path) -> str:
    return f"duckdb:///{tmp_path / 'test.duckdb'}"


ENGINES = ("sqlite", "duckdb", "postgresql", "mysql")


@pytest.fixture(params=[
    "sqlite", "duckdb",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mysql", marks=pytest.mark.mysql),
])
def engine_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL on each of the four engines in turn."""
    return request.getfixturevalue(f"{request.param if request.param != 'postgresql' else 'postgres'}_url")
