"""Model lint: rules a reviewer would apply to a design, each with a stable id, severity and fix.

``lint(schema)`` runs every rule of :data:`~.rules.RULES` and returns a :class:`LintReport`
(an HTML table in Jupyter, text in a terminal, JSON for tools). ``ignore`` silences rules,
everywhere or for some tables.

>>> from dbmodel_kit import Model
>>> m = Model()
>>> _ = m.add_table("logs", message="text", price="double")
>>> report = lint(m.schema)
>>> report.ids()
['DM101', 'DM106', 'DM103']
>>> print(report.errors[1])
logs.price: DM103 error: logs.price looks like money but is double
    fix: use decimal(p,s), e.g. decimal(12,2), or an integer count of cents
>>> lint(m.schema, ignore={"logs": ["DM101", "missing-timestamps"]}).ids()
['DM103']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import ModelError
from ..model.schema import Schema
from .report import SEVERITIES, Finding, LintReport, Severity
from .rules import RULES, Rule

__all__ = ["RULES", "SEVERITIES", "Finding", "LintReport", "Rule", "Severity", "lint", "rule_for"]

Ignore = Mapping[str, Iterable[str]] | Iterable[str] | None


def rule_for(key: str, rules: Iterable[Rule] = RULES) -> Rule:
    """The rule with id (``DM101``) or name (``no-primary-key``) ``key``.

    >>> rule_for("dm103").name
    'money-as-float'
    """
    for r in rules:
        if key.upper() == r.id or key.lower() == r.name:
            return r
    known = ", ".join(f"{r.id} ({r.name})" for r in rules)
    raise ModelError(f"no lint rule {key!r}; rules are {known}")


def _ignored(schema: Schema, ignore: Ignore, rules: tuple[Rule, ...]) -> dict[str, set[str]]:
    """``ignore`` as {table or "*": {rule ids}}.

    Accepts a mapping ``{"users": ["DM106"], "*": ["reserved-word"]}`` or strings ``"DM106"``
    (every table) and ``"users:DM106"`` (one table).
    """
    if ignore is None:
        return {}
    pairs: list[tuple[str, str]] = []
    if isinstance(ignore, Mapping):
        for table, keys in ignore.items():
            pairs += [(table, k) for k in ([keys] if isinstance(keys, str) else keys)]
    else:
        for item in [ignore] if isinstance(ignore, str) else ignore:
            table, sep, key = item.rpartition(":")
            pairs.append((table if sep else "*", key))
    out: dict[str, set[str]] = {}
    for table, key in pairs:
        if table != "*" and not schema.has_table(table):
            raise ModelError(f"ignore names table {table!r}, which the schema does not have")
        # by the table's key, as findings name it (however the table was spelled)
        out.setdefault(table if table == "*" else schema.table(table).key, set()).add(rule_for(key, rules).id)
    return out


def lint(schema: Schema, rules: Iterable[Rule | str] = RULES, *, ignore: Ignore = None) -> LintReport:
    """Run ``rules`` (rules, or their ids/names) over ``schema``; findings come in model order (enums
    first, then each table's own findings before its columns', columns in table order), and by rule
    order within a place.

    >>> from dbmodel_kit.examples import large
    >>> lint(large(), ["DM104", "reserved-word"]).ids()
    ['DM104', 'DM109']
    """
    chosen: tuple[Rule, ...] = tuple(rule_for(r) if isinstance(r, str) else r for r in rules)
    # ignore may name any known rule, selected or not (``--select DM103 --ignore DM101`` is fine)
    skip = _ignored(schema, ignore, (*chosen, *RULES))
    everywhere = skip.get("*", set())
    # (findings name their table by key: sales.orders and archive.orders are two places)
    table_pos = {t.key: i for i, t in enumerate(schema.tables)}
    column_pos = {(t.key, c.name): i for t in schema.tables for i, c in enumerate(t.columns)}
    found: list[tuple[tuple[int, int, int], Finding]] = []
    for order, r in enumerate(chosen):
        if r.id in everywhere:
            continue
        for hit in r(schema):
            if hit.table is not None and r.id in skip.get(hit.table, ()):
                continue
            finding = Finding(r.id, r.name, r.severity, hit.message, hit.hint, hit.table, hit.column)
            t_pos = c_pos = -1
            if hit.table is not None:
                t_pos = table_pos.get(hit.table, -1)
                if hit.column is not None:
                    c_pos = column_pos.get((hit.table, hit.column), -1)
            found.append(((t_pos, c_pos, order), finding))
    found.sort(key=lambda pair: pair[0])
    return LintReport(tuple(f for _, f in found))
