"""PostgreSQL objects beside tables (io/pg_objects, pg_import, pg_reflect): each defect class on a
small dump written here — partitions in pg_dump's forms and in the PARTITION OF form, arrays, a
trigger function and its triggers, a view and a materialized view with its index, RLS, a policy,
grants, an extension, an aggregate, a procedure, comments. Imported without loss (strict), kept
losslessly in YAML, and on a real PostgreSQL: the dump applied with psql reflects as the import
(0 diff steps), and so does the kit's own DDL of the import."""

from __future__ import annotations

import textwrap
import uuid
import warnings

import pytest
import sqlalchemy as sa

from dbmodel_kit.io.pg_objects import grant_effect, signature, utc_bound
from dbmodel_kit.io.sql_import import read_sql

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

DUMP = textwrap.dedent("""\
    SET statement_timeout = 0;
    SET check_function_bodies = false;
    SELECT pg_catalog.set_config('search_path', '', false);
    CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
    COMMENT ON EXTENSION pgcrypto IS 'hashes for the kit test';
    CREATE TYPE public.mood AS ENUM ('ok', 'bad');
    CREATE FUNCTION public.touch() RETURNS trigger
        LANGUAGE plpgsql
        AS $$
    BEGIN
        NEW.changed_at = now();
        RETURN NEW;
    END $$;
    COMMENT ON FUNCTION public.touch() IS 'sets changed_at';
    CREATE FUNCTION public.twice(p_x integer, OUT p_y integer) RETURNS integer
        LANGUAGE sql IMMUTABLE STRICT
        AS $_$ SELECT $1 * 2 $_$;
    CREATE FUNCTION public._cat(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS $_$ SELECT $1 || $2 $_$;
    CREATE AGGREGATE public.cat(text) (
        SFUNC = public._cat,
        STYPE = text
    );
    CREATE PROCEDURE public.tidy(IN keep_days integer DEFAULT 30)
        LANGUAGE sql
        AS $$ DELETE FROM public.event WHERE at < now() - make_interval(days => keep_days) $$;
    CREATE TABLE public.account (
        id integer NOT NULL,
        owner text NOT NULL,
        tags text[] DEFAULT '{}'::text[] NOT NULL,
        scores integer[],
        mood public.mood,
        changed_at timestamp with time zone DEFAULT now() NOT NULL
    );
    CREATE TABLE public.event (
        id bigint NOT NULL,
        account_id integer NOT NULL,
        region text NOT NULL,
        at timestamp with time zone NOT NULL
    )
    PARTITION BY LIST (region);
    CREATE TABLE public.event_eu (
        id bigint NOT NULL,
        account_id integer NOT NULL,
        region text NOT NULL,
        at timestamp with time zone NOT NULL
    );
    CREATE TABLE public.ledger (
        id integer NOT NULL,
        at timestamp with time zone NOT NULL,
        amount numeric(8,2) NOT NULL
    )
    PARTITION BY RANGE (at);
    CREATE TABLE public.ledger_2024 (
        id integer NOT NULL,
        at timestamp with time zone NOT NULL,
        amount numeric(8,2) NOT NULL
    );
    CREATE TABLE public.ledger_rest (
        id integer NOT NULL,
        at timestamp with time zone NOT NULL,
        amount numeric(8,2) NOT NULL
    );
    CREATE VIEW public.account_tags AS
     SELECT a.id,
        a.owner,
        array_length(a.tags, 1) AS tag_count,
        public.twice(a.id) AS doubled
       FROM public.account a
      WHERE (a.mood = 'ok'::public.mood);
    COMMENT ON VIEW public.account_tags IS 'accounts in a good mood';
    CREATE MATERIALIZED VIEW public.events_per_region AS
     SELECT event.region,
        count(*) AS n,
        public.cat(event.region) AS names
       FROM public.event
      GROUP BY event.region
      WITH NO DATA;
    ALTER TABLE ONLY public.event ATTACH PARTITION public.event_eu FOR VALUES IN ('eu');
    ALTER TABLE ONLY public.ledger ATTACH PARTITION public.ledger_2024
        FOR VALUES FROM ('2024-01-01 01:00:00+01') TO ('2025-01-01 00:00:00+00');
    ALTER TABLE ONLY public.ledger ATTACH PARTITION public.ledger_rest DEFAULT;
    ALTER TABLE ONLY public.account ADD CONSTRAINT account_pkey PRIMARY KEY (id);
    ALTER TABLE ONLY public.event ADD CONSTRAINT event_pkey PRIMARY KEY (id, region);
    ALTER TABLE ONLY public.event_eu ADD CONSTRAINT event_eu_pkey PRIMARY KEY (id, region);
    CREATE INDEX event_at_idx ON ONLY public.event USING btree (at);
    CREATE INDEX event_eu_at_idx ON public.event_eu USING btree (at);
    ALTER INDEX public.event_at_idx ATTACH PARTITION public.event_eu_at_idx;
    ALTER INDEX public.event_pkey ATTACH PARTITION public.event_eu_pkey;
    CREATE TABLE public.event_us PARTITION OF public.event FOR VALUES IN ('us', 'ca');
    CREATE INDEX ledger_2024_amount_idx ON public.ledger_2024 USING btree (amount);
    CREATE UNIQUE INDEX events_per_region_region ON public.events_per_region USING btree (region);
    CREATE TRIGGER account_touch BEFORE UPDATE ON public.account FOR EACH ROW EXECUTE FUNCTION public.touch();
    CREATE TRIGGER ledger_2024_touch BEFORE INSERT ON public.ledger_2024 FOR EACH ROW EXECUTE FUNCTION public.touch();
    ALTER TABLE public.account ENABLE ROW LEVEL SECURITY;
    CREATE POLICY account_owner ON public.account FOR SELECT USING ((owner = CURRENT_USER));
    ALTER TABLE public.event
        ADD CONSTRAINT event_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.account(id);
    REVOKE USAGE ON SCHEMA public FROM PUBLIC;
    GRANT ALL ON SCHEMA public TO PUBLIC;
    GRANT SELECT ON TABLE public.account_tags TO PUBLIC;
""")


def test_every_object_is_kept_strictly():
    """--strict passes: nothing in the dump is left out, each object where the model holds it."""
    s = read_sql(DUMP, strict=True).schema
    assert s.table("event").partition_by == "LIST (region)"
    us = s.table("event_us")
    assert (us.partition_of, us.partition_bound) == ("event", "FOR VALUES IN ('us', 'ca')")
    assert s.table("event_us").column_names == s.table("event").column_names  # PARTITION OF: the parent's columns
    assert (s.table("ledger_rest").partition_of, s.table("ledger_rest").partition_bound) == ("ledger", "DEFAULT")
    # what the engine makes for a partition from its table is not the partition's own
    eu = s.table("event_eu")
    assert (eu.primary_key, [ix.name for ix in eu.indexes], eu.foreign_keys) == ((), [], ())
    assert [ix.name for ix in s.table("ledger_2024").indexes] == ["ledger_2024_amount_idx"]
    assert str(s.table("account").column("tags").type) == "text[]"
    v = s.view("account_tags")
    assert (v.dialect, v.columns, v.comment) == ("postgresql", ("id", "owner", "tag_count", "doubled"),
                                                 "accounts in a good mood")
    assert "twice(integer)" in v.depends_on
    assert "account" in v.depends_on
    m = s.view("events_per_region")
    assert m.materialized
    assert "WITH NO DATA" not in m.query
    assert "cat(text)" in m.depends_on
    kinds = {(o.kind, o.key) for o in s.verbatim}
    assert kinds >= {("extension", "pgcrypto"), ("function", "touch()"), ("function", "twice(integer)"),
                     ("aggregate", "cat(text)"), ("procedure", "tidy(integer)"), ("index", "events_per_region_region"),
                     ("trigger", "account_touch on account"), ("trigger", "ledger_2024_touch on ledger_2024"),
                     ("statement", "enable row level security on account"), ("policy", "account_owner on account"),
                     ("grant", "on schema public"), ("grant", "on table account_tags")}
    assert s.object("function", "touch()").comment == "sets changed_at"
    assert s.object("trigger", "account_touch on account").depends_on == ("account", "touch()")
    assert s.object("aggregate", "cat(text)").depends_on == ("_cat(text, text)",)


def test_yaml_keeps_every_new_object():
    from dbmodel_kit.io.yaml_format import read_yaml, write_yaml

    s = read_sql(DUMP).schema
    text = write_yaml(s)
    back = read_yaml(text)
    assert back == s
    assert write_yaml(back) == text
    # exactly, not only by meaning: every query and SQL text, partition, schema and comment as read
    assert [(v.key, v.query, v.columns, v.depends_on, v.materialized, v.comment) for v in back.views] == \
        [(v.key, v.query, v.columns, v.depends_on, v.materialized, v.comment) for v in s.views]
    assert [(o.kind, o.key, o.sql, o.depends_on, o.comment) for o in back.verbatim] == \
        [(o.kind, o.key, o.sql, o.depends_on, o.comment) for o in s.verbatim]
    assert [(t.key, t.partition_by, t.partition_of, t.partition_bound) for t in back.tables] == \
        [(t.key, t.partition_by, t.partition_of, t.partition_bound) for t in s.tables]
    many = read_sql(SCHEMAS).schema
    assert read_yaml(write_yaml(many)) == many
    assert write_yaml(read_yaml(write_yaml(many))) == write_yaml(many)


def test_lint_lists_what_is_not_portable():
    from dbmodel_kit.lint import lint

    found = [f for f in lint(read_sql(DUMP).schema).findings if f.id == "DM121"]
    text = "\n".join(f.message for f in found)
    for name in ("touch()", "account_touch on account", "account_owner on account", "event",
                 "view events_per_region is not created on mysql, sqlite, duckdb: it calls aggregate cat(text)"):
        assert name in text


def test_drop_of_a_trigger_and_policy_names_the_table():
    """A trigger or policy is named 'name on table' in the model; dropping it writes the engine's name."""
    from dbmodel_kit.migrate import diff

    s = read_sql(DUMP).schema
    from dataclasses import replace

    fewer = replace(s, verbatim=tuple(o for o in s.verbatim if o.kind not in ("trigger", "policy")))
    sql = diff(s, fewer).to_sql("postgresql")
    assert "DROP TRIGGER account_touch ON account" in sql
    assert "DROP POLICY account_owner ON account" in sql


def test_names_and_meanings():
    assert signature("f", "a integer, b character varying(3), OUT c bigint") == "f(integer, character varying)"
    assert signature("p", "INOUT x int, OUT y int", procedure=True) == "p(integer, integer)"
    assert utc_bound("FOR VALUES FROM ('2024-01-01 01:00:00+01') TO (MAXVALUE)") == \
        "FOR VALUES FROM ('2024-01-01 00:00:00+00') TO (MAXVALUE)"
    assert grant_effect("REVOKE USAGE ON SCHEMA public FROM PUBLIC; GRANT ALL ON SCHEMA public TO PUBLIC") == \
        grant_effect("GRANT CREATE ON SCHEMA public TO PUBLIC")


@pytest.fixture
def scratch():
    """Fresh PostgreSQL databases, dropped after (skips when the server is not reachable)."""
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def fresh() -> str:
        name = f"dbmodel_pgobj_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        made.append(name)
        return PG_URL.rsplit("/", 1)[0] + "/" + name

    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError as e:
        pytest.skip(f"PostgreSQL not reachable: {str(e).splitlines()[0][:100]}")
    yield fresh
    with admin.connect() as conn:
        for name in made:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reflect(url: str):
    from dbmodel_kit.io.reflect import reflect

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reflect(url)


def test_dump_and_kit_ddl_reflect_as_the_import(scratch):
    """psql applies the dump; reflecting it gives the import (0 diff steps), the catalog's own texts
    (pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef, ACLs, bounds in the session's zone)
    compared by meaning. The kit's DDL of the import reflects the same."""
    import corpus

    from dbmodel_kit.ddl import apply
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.migrate import diff

    imported = storable(read_sql(DUMP).schema, "postgresql")
    native = scratch()
    try:
        corpus.run_script(DUMP, native)
    except corpus.Unavailable as e:
        pytest.skip(str(e))
    plan = diff(imported, _reflect(native))
    assert len(plan) == 0, plan.describe()
    kit = scratch()
    apply(read_sql(DUMP).schema, kit)
    plan = diff(imported, _reflect(kit))
    assert len(plan) == 0, plan.describe()
    assert corpus.differences(corpus.catalog(native), corpus.catalog(kit)) == []


def test_hand_written_view_reflects_by_meaning(scratch):
    """A view written by hand comes back from pg_get_viewdef qualified, cast and parenthesised; it is
    the same view."""
    from dbmodel_kit.ddl import apply
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.migrate import diff

    sql = ("CREATE TABLE t (id int PRIMARY KEY, name text, n int);\n"
           "CREATE VIEW big AS SELECT id, name FROM t WHERE n > 10 AND name <> 'x';\n")
    url = scratch()
    apply(read_sql(sql).schema, url)
    assert len(diff(storable(read_sql(sql).schema, "postgresql"), _reflect(url))) == 0


def test_formats_say_what_they_leave_out():
    """DBML, Mermaid, Prisma and TypeORM have no triggers, routines, policies or partitioning: each
    names every one it leaves out (the SQL stays in the model and the DDL). The SQLAlchemy export
    carries them (since 5219d26 and fc4a968): ``postgresql_partition_by`` on the table and each
    statement as an ``sa.DDL`` run after ``create_all``."""
    from dbmodel_kit.erd.mermaid import to_mermaid
    from dbmodel_kit.export.prisma import to_prisma
    from dbmodel_kit.export.sqlalchemy_models import to_sqlalchemy
    from dbmodel_kit.export.typeorm import to_typeorm_entities
    from dbmodel_kit.io.dbml import write_dbml

    s = read_sql(DUMP).schema
    models = to_sqlalchemy(s)
    for what in ("CREATE TRIGGER account_touch BEFORE UPDATE ON public.account", "CREATE FUNCTION public.touch()",
                 "CREATE POLICY account_owner ON public.account", "ATTACH PARTITION event_eu FOR VALUES IN ('eu')",
                 "{'postgresql_partition_by': 'LIST (region)'}", "CREATE MATERIALIZED VIEW events_per_region"):
        assert what in models, ("sqlalchemy", what)
    for name, text in (("dbml", write_dbml(s)), ("mermaid", to_mermaid(s)), ("prisma", to_prisma(s)),
                       ("typeorm", to_typeorm_entities(s))):
        for what in ("trigger account_touch on account (postgresql)", "function touch() (postgresql)",
                     "policy account_owner on account", "partition event_eu of event FOR VALUES IN ('eu')",
                     "partitioning of event: PARTITION BY LIST (region)"):
            assert what in text, (name, what)
        if name != "mermaid":  # Mermaid draws the views
            assert "materialized view events_per_region" in text, name
    compile(models, "models.py", "exec")  # still a module


SCHEMAS = textwrap.dedent("""\
    CREATE SCHEMA sales;
    CREATE SCHEMA audit;
    CREATE TABLE public.item (id serial PRIMARY KEY, name text NOT NULL);
    CREATE TABLE sales.item (id serial PRIMARY KEY, item_id integer NOT NULL REFERENCES public.item (id),
                             qty integer NOT NULL CHECK (qty > 0));
    CREATE SEQUENCE audit.ticket START 100;
    CREATE TABLE audit.log (id bigint DEFAULT nextval('audit.ticket'::regclass) NOT NULL, at timestamptz NOT NULL,
                            sale integer REFERENCES sales.item (id))
        PARTITION BY RANGE (at);
    CREATE TABLE audit.log_old PARTITION OF audit.log DEFAULT;
    CREATE INDEX log_at ON audit.log (at);
    CREATE VIEW sales.big AS SELECT i.id, p.name FROM sales.item i JOIN public.item p ON p.id = i.item_id
        WHERE i.qty > 10;
    CREATE FUNCTION audit.stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at = now(); RETURN NEW; END $$;
    CREATE TRIGGER stamp BEFORE INSERT ON audit.log_old FOR EACH ROW EXECUTE FUNCTION audit.stamp();
    GRANT SELECT ON TABLE sales.item TO PUBLIC;
""")


def test_tables_in_several_schemas_keep_them():
    """Tables of one name in two schemas are two tables (keys sales.item and item); sequences, views,
    functions and references keep their schema."""
    s = read_sql(SCHEMAS, strict=True).schema
    assert {t.key for t in s.tables} == {"item", "sales.item", "audit.log", "audit.log_old"}
    assert s.table("sales.item").foreign_keys[0].ref_table == "item"
    assert str(s.table("sales.item").column("id").default) == "nextval('sales.item_id_seq')"
    assert s.sequence("sales.item_id_seq").owned_by == ("sales.item", "id")
    assert s.table("audit.log_old").partition_of == "audit.log"
    assert s.view("sales.big").depends_on == ("sales.item", "item")
    assert s.object("trigger", "audit.stamp on log_old").depends_on == ("audit.log_old", "audit.stamp()")


def test_several_schemas_reflect_as_the_import(scratch):
    import corpus

    from dbmodel_kit.ddl import apply
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.migrate import diff

    imported = storable(read_sql(SCHEMAS).schema, "postgresql")
    native = scratch()
    corpus.run_script(SCHEMAS, native)
    assert diff(imported, _reflect(native)).describe() == []
    kit = scratch()
    apply(read_sql(SCHEMAS).schema, kit)
    assert diff(imported, _reflect(kit)).describe() == []
    assert corpus.differences(corpus.catalog(native), corpus.catalog(kit)) == []


#: a Rails structure.sql-like dump: arrays with defaults, pg_dump's identity form, a partitioned table
#: with a GIN index attached per partition, an operator-class index, plpgsql, schema_migrations data
RAILS = textwrap.dedent("""\
    SET statement_timeout = 0;
    SET default_table_access_method = heap;
    CREATE EXTENSION IF NOT EXISTS plpgsql WITH SCHEMA pg_catalog;
    COMMENT ON EXTENSION plpgsql IS 'PL/pgSQL procedural language';
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    CREATE TABLE public.ar_internal_metadata (
        key character varying NOT NULL,
        value character varying,
        created_at timestamp(6) without time zone NOT NULL,
        updated_at timestamp(6) without time zone NOT NULL
    );
    CREATE TABLE public.events (
        id bigint NOT NULL,
        tags character varying[] DEFAULT '{}'::character varying[],
        scores integer[] DEFAULT '{}'::integer[] NOT NULL,
        created_at timestamp(6) without time zone NOT NULL
    )
    PARTITION BY RANGE (created_at);
    CREATE TABLE public.events_2024 (
        id bigint NOT NULL,
        tags character varying[] DEFAULT '{}'::character varying[],
        scores integer[] DEFAULT '{}'::integer[] NOT NULL,
        created_at timestamp(6) without time zone NOT NULL
    );
    ALTER TABLE public.events ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
        SEQUENCE NAME public.events_id_seq
        START WITH 1
        INCREMENT BY 1
        NO MINVALUE
        NO MAXVALUE
        CACHE 1
    );
    CREATE TABLE public.schema_migrations (
        version character varying NOT NULL
    );
    CREATE TABLE public.users (
        id bigint NOT NULL,
        email character varying DEFAULT ''::character varying NOT NULL,
        roles text[] DEFAULT '{}'::text[],
        search tsvector
    );
    CREATE SEQUENCE public.users_id_seq
        START WITH 1
        INCREMENT BY 1
        NO MINVALUE
        NO MAXVALUE
        CACHE 1;
    ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;
    ALTER TABLE ONLY public.events ATTACH PARTITION public.events_2024
        FOR VALUES FROM ('2024-01-01 00:00:00') TO ('2025-01-01 00:00:00');
    ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);
    ALTER TABLE ONLY public.ar_internal_metadata
        ADD CONSTRAINT ar_internal_metadata_pkey PRIMARY KEY (key);
    ALTER TABLE ONLY public.events
        ADD CONSTRAINT events_pkey PRIMARY KEY (id, created_at);
    ALTER TABLE ONLY public.events_2024
        ADD CONSTRAINT events_2024_pkey PRIMARY KEY (id, created_at);
    ALTER TABLE ONLY public.schema_migrations
        ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);
    ALTER TABLE ONLY public.users
        ADD CONSTRAINT users_pkey PRIMARY KEY (id);
    CREATE INDEX index_events_on_tags ON ONLY public.events USING gin (tags);
    CREATE INDEX events_2024_tags_idx ON public.events_2024 USING gin (tags);
    CREATE UNIQUE INDEX index_users_on_email ON public.users USING btree (email);
    CREATE INDEX index_users_on_search ON public.users USING gin (search);
    CREATE INDEX index_users_on_email_trgm ON public.users USING gin (email public.gin_trgm_ops);
    ALTER INDEX public.events_pkey ATTACH PARTITION public.events_2024_pkey;
    ALTER INDEX public.index_events_on_tags ATTACH PARTITION public.events_2024_tags_idx;
    SET search_path TO "$user", public;
    INSERT INTO "schema_migrations" (version) VALUES
    ('20240101000000'),
    ('20240102000000');
""")


def test_rails_structure_is_kept():
    """plpgsql is built in (a note), the identity form is an identity column, the operator-class
    index is kept as its SQL, the partition's attached indexes are its table's."""
    r = read_sql(RAILS, strict=True)
    s = r.schema
    assert not any(o.kind == "extension" and o.name == "plpgsql" for o in s.verbatim)
    assert str(s.table("events").column("id").default) == "identity"
    assert s.object("index", "index_users_on_email_trgm").depends_on == ("users",)
    assert [ix.name for ix in s.table("events").indexes] == ["index_events_on_tags"]
    assert (s.table("events_2024").indexes, s.table("events_2024").primary_key) == ((), ())
    assert str(s.table("users").column("roles").type) == "text[]"


def test_rails_structure_reflects_as_the_import(scratch):
    import corpus

    from dbmodel_kit.ddl import apply
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.migrate import diff

    imported = storable(read_sql(RAILS).schema, "postgresql")
    native = scratch()
    corpus.run_script(RAILS, native)
    assert diff(imported, _reflect(native)).describe() == []
    kit = scratch()
    apply(read_sql(RAILS).schema, kit)
    assert diff(imported, _reflect(kit)).describe() == []
    assert corpus.differences(corpus.catalog(native), corpus.catalog(kit)) == []


def test_orm_exports_map_arrays_and_skip_types_they_lack():
    """Arrays are Prisma scalar lists and TypeORM array columns; a domain is its base type; a type
    the ORM has no scalar for is Prisma's Unsupported(...) and left out of a TypeORM entity, each
    with a note naming the column."""
    from dbmodel_kit.export.prisma import to_prisma
    from dbmodel_kit.export.typeorm import to_typeorm_entities

    s = read_sql("CREATE DOMAIN pos AS integer CHECK (VALUE > 0);\n"
                 "CREATE TABLE t (id int PRIMARY KEY, tags text[] NOT NULL, n pos, during int4range, "
                 "search tsvector);").schema
    prisma = to_prisma(s)
    assert "tags     String[]" in prisma or "tags String[]" in " ".join(prisma.split())
    assert "// n: domain pos read as its base type integer" in prisma
    assert 'Unsupported("int4range")' in prisma
    assert "// during: type int4range has no Prisma scalar" in prisma
    typeorm = to_typeorm_entities(s)
    assert "array: true" in typeorm
    assert "tags!: string[];" in typeorm
    assert "// column during (native(postgresql: int4range)) left out: TypeORM has no column type for it" in typeorm


TYPES_IN_SCHEMAS = textwrap.dedent("""\
    CREATE SCHEMA s;
    CREATE TYPE s.mood AS ENUM ('a', 'b');
    CREATE TYPE public.kind AS ENUM ('x', 'y');
    CREATE DOMAIN s.pos AS integer CHECK (VALUE > 0);
    CREATE TABLE s.t (id integer PRIMARY KEY, m s.mood, k public.kind, p s.pos);
    CREATE TABLE public.u (id integer PRIMARY KEY, m s.mood NOT NULL, k kind);
""")


def test_types_in_schemas_reflect_as_the_import(scratch):
    """Enums and domains of a named schema are keyed schema.name on both sides."""
    import corpus

    from dbmodel_kit.ddl import apply
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.migrate import diff

    s = read_sql(TYPES_IN_SCHEMAS, strict=True).schema
    assert ([e.key for e in s.enums], [d.key for d in s.domains]) == (["s.mood", "kind"], ["s.pos"])
    assert [str(c.type) for c in s.table("u").columns] == ["integer", "enum(s.mood)", "enum(kind)"]
    imported = storable(s, "postgresql")
    native = scratch()
    corpus.run_script(TYPES_IN_SCHEMAS, native)
    assert diff(imported, _reflect(native)).describe() == []
    kit = scratch()
    apply(s, kit)
    assert diff(imported, _reflect(kit)).describe() == []
    assert corpus.differences(corpus.catalog(native), corpus.catalog(kit)) == []


def test_hand_written_views_with_star_and_joins(scratch):
    """PostgreSQL stores SELECT * expanded and every column qualified; the model's view compares to
    it once storable() does the same from the model's tables."""
    from dbmodel_kit.ddl import apply
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.migrate import diff

    sql = ("CREATE TABLE t (id int PRIMARY KEY, n int);\n"
           "CREATE TABLE u (id int PRIMARY KEY, tid int REFERENCES t, x text);\n"
           "CREATE VIEW everything AS SELECT * FROM t;\n"
           "CREATE VIEW joined AS SELECT x, n FROM t JOIN u ON tid = t.id WHERE n > 1;\n")
    url = scratch()
    apply(read_sql(sql).schema, url)
    assert diff(storable(read_sql(sql).schema, "postgresql"), _reflect(url)).describe() == []


def test_hand_written_routines_and_triggers(scratch):
    """pg_get_functiondef and pg_get_triggerdef write a hand-written function and trigger their own
    way (integer for int, options in their order, defaults left out, EXECUTE FUNCTION, FOR EACH
    STATEMENT): the same objects."""
    from dbmodel_kit.ddl import apply
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.migrate import diff

    sql = textwrap.dedent("""\
        CREATE TABLE t (id int PRIMARY KEY, n int);
        CREATE OR REPLACE FUNCTION add1(x int) RETURNS int AS $$ SELECT x + 1 $$ LANGUAGE sql VOLATILE;
        CREATE FUNCTION note() RETURNS trigger AS $body$ BEGIN RETURN NULL; END $body$ LANGUAGE plpgsql;
        CREATE TRIGGER t_note AFTER INSERT ON t EXECUTE PROCEDURE note();
    """)
    url = scratch()
    apply(read_sql(sql, strict=True).schema, url)
    assert diff(storable(read_sql(sql).schema, "postgresql"), _reflect(url)).describe() == []


RULES_AND_EXCLUSION = textwrap.dedent("""\
    CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
    CREATE TABLE public.booking (
        id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        room integer NOT NULL,
        during tsrange NOT NULL
    );
    ALTER TABLE ONLY public.booking ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);
    CREATE TABLE public.guest (id integer PRIMARY KEY, booking_id integer REFERENCES public.booking (id));
    CREATE RULE guest_no_delete AS ON DELETE TO public.guest DO INSTEAD NOTHING;
""")


def test_rules_and_exclusion_constraints(scratch):
    """A rule is '<name> on <table>'; an exclusion constraint (no model counterpart) is kept as its
    statement; both reflect from pg_rewrite / pg_constraint as the import has them."""
    import corpus

    from dbmodel_kit.ddl import apply
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.migrate import diff

    s = read_sql(RULES_AND_EXCLUSION, strict=True).schema
    assert s.object("rule", "guest_no_delete on guest").depends_on == ("guest",)
    assert s.object("statement", "constraint no_overlap on booking").depends_on == ("booking",)
    native = scratch()
    corpus.run_script(RULES_AND_EXCLUSION, native)
    assert diff(storable(s, "postgresql"), _reflect(native)).describe() == []
    kit = scratch()
    apply(s, kit)
    assert corpus.differences(corpus.catalog(native), corpus.catalog(kit)) == []


def test_identity_always_is_kept():
    """GENERATED ALWAYS (inline or pg_dump's ADD GENERATED form) is the model's identity(always), never
    silently narrowed to BY DEFAULT; pg_dump's SEQUENCE NAME is a note (the engine names it)."""
    r = read_sql("CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n"
                 "CREATE TABLE u (id int NOT NULL);\n"
                 "ALTER TABLE u ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME u_id_seq);\n")
    assert r.not_kept == ()
    assert [str(r.schema.table(t).column("id").default) for t in ("t", "u")] == ["identity(always)"] * 2
    assert [p.line for p in r.notes] == [3]


COMMENTS = textwrap.dedent("""\
    CREATE SCHEMA app;
    CREATE DOMAIN public.pos AS integer CHECK (VALUE > 0);
    COMMENT ON DOMAIN public.pos IS 'positive';
    CREATE TABLE public.t (id integer PRIMARY KEY, n public.pos, CONSTRAINT t_n_check CHECK (n < 100));
    CREATE SEQUENCE app.tickets;
    COMMENT ON SEQUENCE app.tickets IS 'ticket numbers';
    CREATE INDEX t_n ON public.t USING btree (n);
    COMMENT ON INDEX public.t_n IS 'by n';
    COMMENT ON CONSTRAINT t_n_check ON public.t IS 'small n';
    CREATE VIEW public.v AS SELECT t.id, t.n FROM public.t;
    COMMENT ON COLUMN public.v.n IS 'the n';
    COMMENT ON SCHEMA app IS 'the application';
""")


def test_comments_on_every_kind_reflect_as_the_import(scratch):
    """A comment on a domain is the domain's; on an index, a sequence, a constraint, a view's column
    or a schema it is kept as its COMMENT ON statement, named as reflection names it."""
    import corpus

    from dbmodel_kit.ddl import apply
    from dbmodel_kit.ddl.limits import storable
    from dbmodel_kit.migrate import diff

    s = read_sql(COMMENTS, strict=True).schema
    assert s.domain("pos").comment == "positive"
    assert {o.name for o in s.verbatim if o.kind == "comment"} == {
        "on sequence app.tickets", "on index t_n", "on constraint t_n_check on t", "on column v.n", "on schema app"}
    native = scratch()
    corpus.run_script(COMMENTS, native)
    assert diff(storable(s, "postgresql"), _reflect(native)).describe() == []
    kit = scratch()
    apply(s, kit)
    assert diff(storable(s, "postgresql"), _reflect(kit)).describe() == []


def test_stored_view_query_writes_the_casts_postgresql_adds():
    """PostgreSQL stores ``qty * price`` (integer by numeric) as ``(qty)::numeric * price``; the
    view as the model writes it compares equal to what pg_get_viewdef gives back."""
    from dbmodel_kit.io.pg_objects import query_meaning, stored_view_query

    tables = {"orders": {"id": "integer", "qty": "integer"}, "products": {"id": "integer", "price": "decimal(10,2)"}}
    written = stored_view_query("SELECT o.qty * p.price AS amount, o.qty / 2 AS half FROM orders o "
                                "JOIN products p ON p.id = o.id", tables)
    back = ("SELECT ((o.qty)::numeric * p.price) AS amount,\n    (o.qty / 2) AS half\n   FROM (orders o\n"
            "     JOIN products p ON ((p.id = o.id)))")
    assert query_meaning(written) == query_meaning(back)
