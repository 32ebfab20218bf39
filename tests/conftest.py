"""Shared fixtures: database URLs for the four engines.

Server engines read ``DBMODEL_TEST_POSTGRES_URL`` / ``DBMODEL_TEST_MYSQL_URL`` (defaults: the
local servers) and skip with a visible reason when the server cannot be reached. Each test gets
a database of its own: on MariaDB a new one, dropped afterwards; on PostgreSQL one emptied after
each test and handed to the next (:class:`_PostgresPool`).
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


#: What a fresh PostgreSQL database holds beyond the system catalogs' own rows: only ``public`` and
#: plpgsql. :meth:`_PostgresPool.clean` counts every other object a test can leave (each query
#: counts rows that must be 0), so a database handed out again is as empty as a new one.
_PG_LEFTOVERS = (
    "SELECT count(*) FROM pg_namespace WHERE nspname NOT IN ('public', 'pg_catalog', 'information_schema', "
    "'pg_toast') AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'",
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
    "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'",
    "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'",
    "SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'",
    "SELECT count(*) FROM pg_event_trigger",
    "SELECT count(*) FROM pg_publication",
    "SELECT count(*) FROM pg_foreign_data_wrapper",
    "SELECT count(*) FROM pg_default_acl",
    "SELECT count(*) FROM pg_largeobject_metadata",
    "SELECT count(*) FROM pg_cast WHERE oid >= 16384",
    "SELECT count(*) FROM pg_language WHERE oid >= 16384",
    "SELECT count(*) FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database "
    "WHERE datname = current_database())",
    "SELECT count(*) FROM pg_shdescription WHERE objoid = (SELECT oid FROM pg_database "
    "WHERE datname = current_database())",
)


class _PostgresPool:
    """The PostgreSQL databases of one test process, each handed to one test at a time and emptied
    after it: a new database costs CREATE DATABASE and DROP DATABASE (0.6 s and 1.8 s on the shared
    CI machine, the drop waiting on a checkpoint), emptying one a few milliseconds. Emptied means
    every schema dropped with what it holds, ``public`` made again as PostgreSQL makes it, the
    extensions dropped and the database's settings reset; then :data:`_PG_LEFTOVERS` must all be 0,
    or the database is dropped and the next test gets a new one."""

    def __init__(self, base_url: str) -> None:
        self.url = sa.make_url(base_url)
        self.admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self.free: list[str] = []
        self.made: set[str] = set()
        self.reachable: str | None = None  # None until checked; "" when reachable, else why not

    def take(self) -> str:
        if self.reachable is None:
            try:
                with self.admin.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
                self.reachable = ""
            except Exception as e:  # any failure to connect means "server not here"
                where = self.url.render_as_string(hide_password=True)
                self.reachable = (f"PostgreSQL server not reachable at {where}: "
                                  f"{type(e).__name__}: {str(e).splitlines()[0][:120]}")
        if self.reachable:
            pytest.skip(self.reachable)
        if self.free:
            name = self.free.pop()
        else:
            name = f"dbmodel_test_{uuid.uuid4().hex[:12]}"
            with self.admin.connect() as conn:
                conn.execute(sa.text(f"CREATE DATABASE {name}"))  # generated name, no user input
            self.made.add(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def give_back(self, url: str) -> None:
        name = sa.make_url(url).database
        assert name is not None
        if self.clean(name):
            self.free.append(name)
        else:
            self.drop(name)

    def clean(self, name: str) -> bool:
        """Empty database ``name`` (see the class); False when something is left."""
        with self.admin.connect() as conn:  # the test's own connections (a pool it did not dispose) end
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": name})
        engine = sa.create_engine(self.url.set(database=name), isolation_level="AUTOCOMMIT",
                                  poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                for (ext,) in conn.execute(sa.text("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'")):
                    conn.exec_driver_sql('DROP EXTENSION "{}" CASCADE'.format(ext.replace('"', '""')))
                for (schema,) in conn.execute(sa.text(
                        "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', "
                        "'pg_toast') AND nspname NOT LIKE 'pg\\_%'")):
                    conn.exec_driver_sql('DROP SCHEMA "{}" CASCADE'.format(schema.replace('"', '""')))
                conn.execute(sa.text("CREATE SCHEMA public AUTHORIZATION pg_database_owner"))
                conn.execute(sa.text("GRANT USAGE ON SCHEMA public TO PUBLIC"))
                conn.execute(sa.text("COMMENT ON SCHEMA public IS 'standard public schema'"))
                conn.execute(sa.text(f"ALTER DATABASE {name} RESET ALL"))
                return all(conn.execute(sa.text(q)).scalar() == 0 for q in _PG_LEFTOVERS)
        except sa.exc.DBAPIError:
            return False
        finally:
            engine.dispose()

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        self.made.discard(name)

    def close(self) -> None:
        for name in sorted(self.made):
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def _postgres_pool() -> Iterator[_PostgresPool]:
    pool = _PostgresPool(POSTGRES_URL)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def postgres_url(_postgres_pool: _PostgresPool) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own (one of the process's pool, emptied after)."""
    url = _postgres_pool.take()
    try:
        yield url
    finally:
        _postgres_pool.give_back(url)


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
