"""Review: safety rules over a plan's operations (one rule serves every dialect).

Each rule is a function ``(step, ctx) -> findings`` listed in :data:`RULES`, read top to
bottom like sqlglot's optimizer rules. Ids are stable, in Atlas style (``DS`` destructive,
``BC`` backward incompatible, ``MF`` data dependent, ``PG``/``MY``/``LT``/``DK`` engine
specific; ``DM`` where Atlas has no check), and each finding names the equivalent Squawk /
Atlas / strong_migrations rule so a reviewer can look it up.

A table created earlier in the same plan is empty, so data-dependent rules skip it.

>>> from dbmodel_kit.examples import ecommerce
>>> from dbmodel_kit.model import ops as o
>>> from dbmodel_kit.migrate.plan import Plan
>>> plan = Plan.from_ops(ecommerce(), [o.DropColumn("users", "phone")])
>>> [(f.id, f.severity) for f in lint(plan, "postgresql")]
[('DS103', 'error')]
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from ..model import ops as o
from ..model.schema import Verbatim, View
from .emit import fills_rows
from .plan import Plan, Step, widens

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")


@dataclass(frozen=True)
class Finding:
    """One lint result on one step of a plan."""

    id: str
    severity: Severity
    step: int
    message: str
    fix: str
    squawk: str | None = None
    atlas: str | None = None
    strong_migrations: str | None = None

    def __str__(self) -> str:
        return f"{self.severity.upper()} {self.id} step {self.step}: {self.message} (fix: {self.fix})"


@dataclass
class Context:
    """What rules may ask: the dialect, safe mode, and which tables this plan creates."""

    dialect: str
    safe: bool
    created: set[str] = field(default_factory=set)

    def existing(self, table: str) -> bool:
        """Whether ``table`` existed before the plan (so it may hold rows)."""
        return table not in self.created


Rule = Callable[[int, Step, Context], Iterable[Finding]]

#: What each engine does that the rules care about (a table, not branches). ``not_null_rule`` is
#: Atlas's id for a NOT NULL change on that engine; ``rebuild_rule`` and ``rebuild_note`` name and
#: describe the table rebuild the emitter falls back to where the engine cannot alter in place.
class EngineFacts(TypedDict):
    concurrent_index: bool
    not_valid: bool
    rebuilds: bool
    copy_algorithm: bool
    not_null_rule: str
    rebuild_rule: str | None
    rebuild_note: str | None


ENGINE: dict[str, EngineFacts] = {
    "postgresql": {"concurrent_index": True, "not_valid": True, "rebuilds": False, "copy_algorithm": False,
                   "not_null_rule": "MF104", "rebuild_rule": None, "rebuild_note": None},
    "mysql": {"concurrent_index": False, "not_valid": False, "rebuilds": False, "copy_algorithm": True,
              "not_null_rule": "MF104", "rebuild_rule": None, "rebuild_note": None},
    "sqlite": {"concurrent_index": False, "not_valid": False, "rebuilds": True, "copy_algorithm": False,
               "not_null_rule": "LT101", "rebuild_rule": "LT201",
               "rebuild_note": "and foreign keys are not enforced while rows are copied"},
    "duckdb": {"concurrent_index": False, "not_valid": False, "rebuilds": True, "copy_algorithm": False,
               "not_null_rule": "MF104", "rebuild_rule": "DK201",
               "rebuild_note": "together with the tables that reference it"},
}


def _f(i: int, rule_id: str, severity: Severity, message: str, fix: str, **equivalents: str | None) -> Finding:
    return Finding(rule_id, severity, i, message, fix, **equivalents)


# -- rules ---------------------------------------------------------------------------------

def drop_table(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    if isinstance(s.op, o.DropTable) and ctx.existing(s.op.table):
        yield _f(i, "DS102", "error", f"dropping table {s.op.table} deletes its rows; the reverse cannot restore them",
                 "back the table up or rename it aside first; drop it in a later release",
                 squawk="ban-drop-table", atlas="DS102", strong_migrations="drop_table")


def drop_column(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    if isinstance(s.op, o.DropColumn) and ctx.existing(s.op.table):
        yield _f(i, "DS103", "error", f"dropping column {s.op.table}.{s.op.column} deletes its data; running "
                 "clients that still select it will fail",
                 "stop using the column in the application first (ignored_columns), then drop it",
                 squawk="ban-drop-column", atlas="DS103", strong_migrations="remove_column")


def rename(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    if isinstance(s.op, o.RenameTable) and ctx.existing(s.op.table):
        yield _f(i, "BC101", "warning", f"renaming table {s.op.table} breaks running clients that use the old name",
                 "create the new table (or a view), write to both, move readers, then drop the old name",
                 squawk="renaming-table", atlas="BC101", strong_migrations="rename_table")
    if isinstance(s.op, o.RenameColumn) and ctx.existing(s.op.table):
        yield _f(i, "BC102", "warning", f"renaming column {s.op.table}.{s.op.column} breaks running clients",
                 "add the new column, backfill, write to both, move readers, then drop the old one",
                 squawk="renaming-column", atlas="BC102", strong_migrations="rename_column")


def type_change(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if not (isinstance(op, o.AlterColumn) and op.type is not o.KEEP and ctx.existing(op.table)):
        return
    old = s.before.table(op.table).column(op.column).type
    if old == op.type:
        return
    narrowing = not widens(old, op.type)
    yield _f(i, "DM201", "error" if narrowing else "warning",
             f"changing {op.table}.{op.column} from {old} to {op.type} rewrites the table under an exclusive lock"
             + ("; values that do not fit make it fail or truncate" if narrowing else ""),
             "add a new column, backfill in batches, switch readers, drop the old column"
             + ("; check the data fits first" if narrowing else ""),
             squawk="changing-column-type", atlas=None, strong_migrations="change_column")


def add_required_column(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if (isinstance(op, o.AddColumn) and ctx.existing(op.table) and not op.column.nullable
            and not fills_rows(op, ctx.dialect, s.after)):
        what = "without a default" if op.column.default is None else \
            f"with a default {ctx.dialect} leaves to the application ({op.column.default})"
        yield _f(i, "MF103", "error", f"adding NOT NULL column {op.table}.{op.column.name} {what} fails "
                 "on a table that has rows (apply refuses the plan before any statement runs if it has)",
                 "give it a default, or add it nullable, backfill, then set NOT NULL",
                 squawk="adding-required-field", atlas="MF103" if ctx.dialect != "mysql" else "MY101",
                 strong_migrations="add_column (with null: false)")


def set_not_null(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if not (isinstance(op, o.AlterColumn) and op.nullable is False and ctx.existing(op.table)):
        return
    if not s.before.table(op.table).column(op.column).nullable:
        return
    safe = ctx.safe and ENGINE[ctx.dialect]["not_valid"]
    yield _f(i, "MF104", "info" if safe else "warning",
             f"setting {op.table}.{op.column} NOT NULL scans the table under an exclusive lock and fails on NULL rows"
             + " (apply refuses the plan before any statement runs if there are)"
             + (" (safe mode: CHECK NOT VALID, VALIDATE, then SET NOT NULL)" if safe else ""),
             "backfill NULLs; on PostgreSQL add CHECK (col IS NOT NULL) NOT VALID, VALIDATE, then SET NOT NULL",
             # the safe recipe ends by dropping its helper CHECK, which squawk reports as such
             squawk="ban-drop-constraint" if safe else "adding-not-nullable-field",
             atlas=ENGINE[ctx.dialect]["not_null_rule"], strong_migrations="change_column_null")


def unique_on_existing(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    unique = (isinstance(op, o.AddUnique) or (isinstance(op, o.AddIndex) and op.index.unique))
    if unique and ctx.existing(op.table):  # type: ignore[attr-defined]
        yield _f(i, "MF101", "warning", f"a unique constraint on existing table {op.table} fails if the data "  # type: ignore[attr-defined]
                 "already has duplicates (apply refuses the plan before any statement runs if it has)",
                 "check for duplicates first; on PostgreSQL build a unique index CONCURRENTLY and attach it",
                 squawk="disallowed-unique-constraint" if isinstance(op, o.AddUnique) else None,
                 atlas="MF101", strong_migrations="add_index (unique)")


def check_on_existing(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if isinstance(op, o.AddCheck) and ctx.existing(op.table):
        yield _f(i, "DM307", "warning", f"adding check {op.check.name} to existing table {op.table} fails if rows "
                 "break it (apply refuses the plan before any statement runs if they do)",
                 "check the rows first (SELECT ... WHERE NOT (expression)) and fix them",
                 squawk=None, atlas=None, strong_migrations=None)
    if isinstance(op, o.AddForeignKey) and ctx.existing(op.table):
        yield _f(i, "DM308", "warning", f"adding foreign key {op.foreign_key.name} to existing table {op.table} fails "
                 f"if rows point at no row of {op.foreign_key.ref_table} (apply refuses the plan before any "
                 "statement runs if they do)", "delete, fix or set NULL those rows first",
                 squawk=None, atlas=None, strong_migrations=None)


def index_not_concurrent(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if not ENGINE[ctx.dialect]["concurrent_index"] or ctx.safe:
        return
    if isinstance(op, o.AddIndex) and ctx.existing(op.table):
        yield _f(i, "PG301", "warning", f"CREATE INDEX {op.index.name} without CONCURRENTLY blocks writes to "
                 f"{op.table} while it builds",
                 "emit with --safe (CREATE INDEX CONCURRENTLY, outside a transaction)",
                 squawk="require-concurrent-index-creation", atlas="PG301", strong_migrations="add_index")
    if isinstance(op, o.DropIndex) and ctx.existing(op.table):
        yield _f(i, "PG302", "warning", f"DROP INDEX {op.name} without CONCURRENTLY takes an exclusive lock",
                 "emit with --safe (DROP INDEX CONCURRENTLY)",
                 squawk="require-concurrent-index-deletion", atlas="PG302", strong_migrations="remove_index")


def constraint_not_valid(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if not ENGINE[ctx.dialect]["not_valid"] or ctx.safe:
        return
    if isinstance(op, o.AddForeignKey) and ctx.existing(op.table):
        yield _f(i, "DM301", "warning", f"adding foreign key {op.foreign_key.name} validates every row of {op.table} "
                 f"while locking it and {op.foreign_key.ref_table}",
                 "emit with --safe (ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT)",
                 squawk="adding-foreign-key-constraint", atlas=None, strong_migrations="add_foreign_key")
    if isinstance(op, o.AddCheck) and ctx.existing(op.table):
        yield _f(i, "DM302", "warning", f"adding check {op.check.name} scans {op.table} under an exclusive lock",
                 "emit with --safe (ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT)",
                 squawk="constraint-missing-not-valid", atlas=None, strong_migrations="add_check_constraint")


def volatile_default(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if isinstance(op, o.AddColumn) and ctx.existing(op.table) and op.column.default is not None \
            and op.column.default.kind in ("now", "uuid", "expression", "sequence"):  # nextval() is volatile
        yield _f(i, "DM303", "warning", f"adding {op.table}.{op.column.name} with the volatile default "
                 f"{op.column.default} rewrites every row",
                 "add the column without a default, set the default, backfill in batches",
                 squawk="adding-field-with-default", atlas=None, strong_migrations="add_column (volatile default)")


def rebuild_hazard(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    from .emit import needs_rebuild

    if ENGINE[ctx.dialect]["rebuilds"] and needs_rebuild(s.op, ctx.dialect, s.before):
        table = s.op.tables[0]
        engine = ENGINE[ctx.dialect]
        rule, note = engine["rebuild_rule"], engine["rebuild_note"]
        if rule is None or note is None:
            raise AssertionError(f"ENGINE[{ctx.dialect!r}] rebuilds but names no rebuild_rule/rebuild_note")
        yield _f(i, rule, "info",
                 f"{ctx.dialect} cannot {s.describe()} in place: the emitter rebuilds {table} (create new, copy, swap);"
                 " triggers and views on it are dropped"
                 + " " + note,
                 "re-create triggers/views after the migration; run it while writes are paused",
                 squawk=None, atlas=None, strong_migrations=None)


def mysql_copy(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    if not ENGINE[ctx.dialect]["copy_algorithm"]:
        return
    op = s.op
    copy = (isinstance(op, o.AlterColumn) and (op.type is not o.KEEP or op.nullable is not o.KEEP)) \
        or isinstance(op, o.SetPrimaryKey) or (isinstance(op, o.DropColumn) and ctx.existing(op.table))
    if copy and op.tables and ctx.existing(op.tables[0]):
        yield _f(i, "MY201", "warning", f"MySQL/MariaDB runs '{s.describe()}' with ALGORITHM=COPY: the table is "
                 "copied and writes are blocked",
                 "run it in a quiet window or with an online schema change tool (gh-ost, pt-online-schema-change)",
                 squawk=None, atlas=None, strong_migrations=None)


def enum_value_removed(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if isinstance(op, o.AlterEnum):
        removed = [v for v in s.before.enum(op.name).values if v not in op.values]
        if removed:
            yield _f(i, "DM401", "error", f"removing value(s) {', '.join(removed)} from enum {op.name} fails (or "
                     "loses data) for rows that hold them (apply refuses the plan before any statement runs if "
                     "rows do)",
                     "update those rows to another value first; keep the value until no row uses it",
                     squawk=None, atlas="MY110" if ctx.dialect == "mysql" else None, strong_migrations=None)


def drop_constraint(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if isinstance(op, o.DropCheck | o.DropUnique | o.DropForeignKey) and ctx.existing(op.table):
        yield _f(i, "DM304", "warning", f"dropping {op.name} on {op.table} lets rows in that it refused; the "
                 "reverse fails if such rows are written meanwhile",
                 "make sure the application enforces the rule, or keep the constraint",
                 squawk="ban-drop-constraint", atlas=None, strong_migrations=None)


def relax_column(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    op = s.op
    if not (isinstance(op, o.AlterColumn) and ctx.existing(op.table)):
        return
    col = s.before.table(op.table).column(op.column)
    if op.default is None and col.default is not None:
        yield _f(i, "DM305", "info", f"dropping the default of {op.table}.{op.column}: inserts that relied on it "
                 "now fail or store NULL", "check the application always sets the column",
                 squawk="ban-drop-default", atlas=None, strong_migrations=None)
    if op.nullable is True and not col.nullable:
        yield _f(i, "DM306", "info", f"{op.table}.{op.column} now allows NULL; the reverse (SET NOT NULL) fails "
                 "once NULLs are written", "backfill before going back",
                 squawk="ban-drop-not-null", atlas=None, strong_migrations=None)


def drop_enum(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    if isinstance(s.op, o.DropEnum):
        yield _f(i, "DM402", "info", f"dropping enum type {s.op.name}", "nothing uses it any more; keep it if "
                 "a running client still casts to it", squawk="ban-drop-type", atlas=None, strong_migrations=None)


def drop_domain_or_sequence(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    from ..dialects import get_dialect

    d = get_dialect(ctx.dialect)
    if isinstance(s.op, o.DropDomain) and d.domains:
        yield _f(i, "DM409", "info", f"dropping domain {s.op.name}", "nothing uses it any more; keep it if a "
                 "running client still casts to it", squawk="ban-drop-domain", atlas=None, strong_migrations=None)
    if isinstance(s.op, o.DropSequence) and d.sequences:
        yield _f(i, "DM404", "info", f"dropping sequence {s.op.name}: its next number is lost, the reverse starts "
                 "it again at its start", "nothing draws from it any more; keep it if a running client calls "
                 "nextval on it", squawk="ban-drop-sequence", atlas=None, strong_migrations=None)


#: Verbatim kinds whose DROP squawk bans (a client calling the routine fails until it is back).
_ROUTINES = ("function", "procedure", "aggregate")


def drop_view_or_routine(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    """A view or routine dropped: by the step itself, by a new definition (DROP then CREATE), or
    around a step that reshapes what it reads (``emit.dependents_around``). A client reading the
    view or calling the routine in between gets an error."""
    from ..ddl.objects import object_order
    from ..dialects import get_dialect
    from .emit import dependents_around

    d = get_dialect(ctx.dialect)
    op = s.op
    own: list[object] = []
    if isinstance(op, o.DropView | o.ReplaceView):
        own.append(s.before.view(op.name))
    elif isinstance(op, o.DropObject | o.ReplaceObject):
        own.append(s.before.object(op.kind, op.name, op.dialect))
    # (the objects made on this dialect, asked only of a step that drops one: ordering every object
    # of the schema at each step was most of a big plan's lint)
    here = {id(x) for x in object_order(s.before, d)[0]} if own else set()
    gone, _ = dependents_around(s, d)
    dropped = [x for x in own if id(x) in here] + list(gone)
    views = [x.key for x in dropped if isinstance(x, View)]
    routines = [f"{x.kind} {x.key}" for x in dropped if isinstance(x, Verbatim) and x.kind in _ROUTINES]
    if views:
        how = "dropped: a client still reading it gets an error" if isinstance(op, o.DropView) \
            else "dropped and made again around this step: a client reading them in between gets an error"
        yield _f(i, "DM407", "info", f"view(s) {', '.join(views)} {how}",
                 "deploy the clients that stop reading them first, or run it in a quiet window",
                 squawk="ban-drop-view", atlas=None, strong_migrations=None)
    if routines:
        how = "dropped: a client still calling it fails" if isinstance(op, o.DropObject) \
            else "dropped and made again around this step: a client or trigger calling it in between fails"
        yield _f(i, "DM408", "info", f"{', '.join(routines)} {how}",
                 "deploy the clients that stop calling it first, or run it in a quiet window",
                 squawk="ban-drop-function", atlas=None, strong_migrations=None)


def type_attribute_dropped(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    """A composite type altered in place (``ALTER TYPE ... DROP ATTRIBUTE``) while a column of a table
    there before has it: the attribute's values go from every row, as a dropped column's do."""
    op = s.op
    if not (isinstance(op, o.ReplaceObject) and op.kind == "type" and ctx.dialect == "postgresql"):
        return
    from ..dialects import get_dialect
    from ..io.pg_objects import composite_changes
    from .diff import altered_in_place
    from .emit import _type_user

    old = s.before.object(op.kind, op.name, op.dialect)
    if not altered_in_place(old, op.object):
        return
    gone = [c.name for c in composite_changes(old.sql, op.object.sql) or () if c.action == "drop"]
    user = _type_user(s.before, old, get_dialect(ctx.dialect)) if gone else None
    if user is not None and ctx.existing(user.rsplit(".", 1)[0]):
        yield _f(i, "DS104", "error", f"dropping attribute(s) {', '.join(gone)} of type {op.name} deletes their "
                 f"values in column {user}; the reverse adds them back empty",
                 "stop reading the attributes in the application first, then drop them",
                 squawk=None, atlas=None, strong_migrations=None)


def domain_checks(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    """CHECKs on a domain: PostgreSQL validates an added one against every column of the domain in
    every table (a scan of each, under lock), and a dropped one lets values in it refused."""
    from ..dialects import get_dialect

    if not get_dialect(ctx.dialect).domains:
        return
    op = s.op
    if isinstance(op, o.AddDomain) and op.domain.checks:
        yield _f(i, "DM405", "info", f"domain {op.domain.name} has CHECKs: changing them later validates every "
                 "column of the domain in every table", "put the CHECKs on the columns, or keep the domain's rules "
                 "fixed", squawk="ban-create-domain-with-constraint", atlas=None, strong_migrations=None)
    if isinstance(op, o.AlterDomain) and op.checks is not o.KEEP:
        before = {c.expression for c in s.before.domain(op.name).checks}
        after = {c.expression for c in s.after.domain(op.name).checks}
        added, dropped = after - before, before - after
        rules = [*(["ban-alter-domain-with-add-constraint"] if added else []),
                 *(["ban-drop-constraint"] if dropped else [])]
        if rules:
            yield _f(i, "DM406", "warning", f"changing the CHECKs of domain {op.name}: "
                     + ("an added one is validated against every column of the domain in every table, under lock"
                        if added else "")
                     + ("; " if added and dropped else "")
                     + ("a dropped one lets values in it refused; the reverse fails once such values are written"
                        if dropped else ""),
                     "check the columns of the domain instead, or change it in a quiet window",
                     squawk=", ".join(rules), atlas=None, strong_migrations=None)


def enum_swap(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    from ..dialects import get_dialect
    from .emit import ENGINE_HANDLERS

    if not isinstance(s.op, o.AlterEnum):
        return
    users = [f"{t.key}.{c.name}" for t in s.before.tables for c in t.columns
             if c.type.kind == "enum" and c.type.enum == s.op.name]
    if (ctx.dialect, o.AlterEnum) in ENGINE_HANDLERS and ENGINE[ctx.dialect]["rebuild_rule"]:
        yield _f(i, ENGINE[ctx.dialect]["rebuild_rule"] or "", "info",
                 f"{ctx.dialect} cannot change enum {s.op.name} in place: the tables of "
                 f"{', '.join(users) or 'no column'} are rebuilt around the type swap (create new, copy, swap), "
                 + (ENGINE[ctx.dialect]["rebuild_note"] or ""),
                 "run it while writes are paused", squawk=None, atlas=None, strong_migrations=None)
    elif get_dialect(ctx.dialect).enum_style == "type":
        yield _f(i, "DM403", "warning", f"changing enum {s.op.name} swaps the type: rename the old one, create the "
                 f"new one, retype {', '.join(users) or 'no column'} (a table rewrite), drop the old type",
                 "for adding a value at the end, ALTER TYPE ... ADD VALUE avoids the rewrite",
                 squawk="renaming-object, changing-column-type, ban-drop-default, ban-drop-type",
                 atlas=None, strong_migrations=None)


def transform_rewrite(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    gone = [c for c in _dropped_columns(s) if ctx.existing(c.split(".")[0])]
    if getattr(s.op, "expand", None) is not None and gone:
        renames = type(s.op).__name__ == "CastColumn"
        yield _f(i, "DM205", "warning", f"'{s.describe()}' copies the data, then drops {', '.join(gone)}"
                 + (" and renames the new column into place" if renames else "")
                 + "; running clients that use the old columns break",
                 "deploy readers of the new columns first; keep the old ones until none reads them",
                 squawk="ban-drop-column" + (", renaming-column" if renames else ""), atlas="DS103",
                 strong_migrations="remove_column")


def _dropped_columns(s: Step) -> list[str]:
    out = []
    for name in s.op.tables:
        t = s.before.table(name) if s.before.has_table(name) else None
        if t is not None and s.after.has_table(t.key):
            after = s.after.table(t.key)
            out += [f"{t.key}.{c.name}" for c in t.columns if not after.has_column(c.name)]
    if type(s.op).__name__ == "CastColumn":
        out.append(f"{s.op.table}.{s.op.column}")  # type: ignore[attr-defined]
    return out


def unsupported_here(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    from .emit import unsupported

    why = unsupported(s.op, ctx.dialect)
    if why:
        yield _f(i, "DM601", "error", f"{ctx.dialect} cannot '{s.describe()}': {why}", "plan it another way",
                 squawk=None, atlas=None, strong_migrations=None)


def irreversible(i: int, s: Step, ctx: Context) -> Iterator[Finding]:
    if s.reversibility == "impossible":
        yield _f(i, "DM501", "error", f"step '{s.describe()}' cannot be reversed: {s.reason}",
                 "split the change so each part has an inverse, or accept a one-way migration explicitly",
                 squawk=None, atlas=None, strong_migrations="irreversible migration")


#: The rules, in the order they run.
RULES: tuple[Rule, ...] = (
    drop_table, drop_column, rename, type_change, add_required_column, set_not_null, unique_on_existing,
    check_on_existing, index_not_concurrent, constraint_not_valid, volatile_default, rebuild_hazard, mysql_copy,
    enum_value_removed, drop_constraint, relax_column, drop_enum, drop_domain_or_sequence, drop_view_or_routine,
    type_attribute_dropped, domain_checks,
    enum_swap, transform_rewrite, unsupported_here,
    irreversible,
)


def lint(plan: Plan, dialect: str = "postgresql", *, safe: bool = False) -> list[Finding]:
    """Every finding of every rule on every step (steps numbered from 1)."""
    from ..dialects import get_dialect

    ctx = Context(get_dialect(dialect).name, safe)
    out: list[Finding] = []
    for i, step in enumerate(plan.steps, 1):
        for rule in RULES:
            out.extend(rule(i, step, ctx))
        if isinstance(step.op, o.AddTable):
            ctx.created.add(step.op.table.key)
        if isinstance(step.op, o.RenameTable) and step.op.table in ctx.created:
            ctx.created.add(step.op.tables[1])  # (the new key)
        ctx.created.update(getattr(step.op, "creates", ()))
    return out


def summary(findings: Iterable[Finding]) -> str:
    """``2 errors, 1 warning, 0 info (DS103, MF103, PG301)``."""
    items = list(findings)
    counts = {sev: sum(f.severity == sev for f in items) for sev in SEVERITIES}
    ids = sorted({f.id for f in items})
    text = f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
    return text + (f" ({', '.join(ids)})" if ids else "")


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def to_frame(findings: Iterable[Finding]):  # type: ignore[no-untyped-def]
    """The findings as a pandas DataFrame (one row each)."""
    import pandas as pd

    cols = ["id", "severity", "step", "message", "fix", "squawk", "atlas", "strong_migrations"]
    return pd.DataFrame([[getattr(f, c) for c in cols] for f in findings], columns=cols)


def to_html(findings: Iterable[Finding]) -> str:
    rows = "".join(f"<tr><td>{f.severity}</td><td>{f.id}</td><td>{f.step}</td><td>{html.escape(f.message)}</td>"
                   f"<td>{html.escape(f.fix)}</td></tr>" for f in findings)
    return f"<table><tr><th>severity</th><th>id</th><th>step</th><th>message</th><th>fix</th></tr>{rows}</table>"


__all__ = ["ENGINE", "RULES", "Context", "Finding", "has_errors", "lint", "summary", "to_frame", "to_html"]
