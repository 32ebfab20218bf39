"""Plain SQL files per dialect: ``up.sql`` and ``down.sql`` from :mod:`dbmodel_kit.migrate`, plus ``seed.sql``."""

from __future__ import annotations

from ..dialects import DIALECTS
from ..migrate import Plan
from ..migrate.emit import to_sql
from ..model.schema import Schema
from .seed import seed_sql

__all__ = ["sql_files"]


def sql_files(plan: Plan, new: Schema, dialects: tuple[str, ...] = tuple(DIALECTS), *,
              down: Plan | None = None) -> dict[str, str]:
    """Relative path -> text: ``<dialect>/up.sql``, ``<dialect>/down.sql``, ``<dialect>/seed.sql``.

    >>> from dbmodel_kit.examples import ecommerce
    >>> from dbmodel_kit.migrate import diff
    >>> from dbmodel_kit.model import Schema
    >>> sorted(sql_files(diff(Schema(), ecommerce()), ecommerce(), ("sqlite",)))
    ['sqlite/down.sql', 'sqlite/seed.sql', 'sqlite/up.sql']

    ``down`` is ``plan.reverse()`` when the caller has it already.
    """
    out: dict[str, str] = {}
    if down is None:
        down = plan.reverse()  # once for every dialect
    for d in dialects:
        out[f"{d}/up.sql"] = to_sql(plan, d)
        out[f"{d}/down.sql"] = to_sql(down, d)
        out[f"{d}/seed.sql"] = seed_sql(new, d)
    return out
