"""Migrations: diff -> :class:`Plan` -> lint -> emit (SQL per dialect, Alembic, JSON) -> apply/verify.

The modules follow Alembic's compare / render / execute split: :mod:`.diff` compares,
:mod:`.plan` orders and classifies, :mod:`.lint` reviews, :mod:`.emit` renders, :mod:`.apply`
executes and verifies. :mod:`.transforms` holds the data-carrying composite operations.
"""

from __future__ import annotations

from .diff import diff, plan_since
from .plan import Plan, Step, Suggestion
from .transforms import CastColumn, DecomposeTable, MergeColumns, RecomposeTable, SplitColumn


def __getattr__(name: str):  # the heavier modules load on first use
    if name in ("verify", "export_tests", "seed"):
        from . import apply as _apply

        return getattr(_apply, name)
    if name in ("to_sql", "to_alembic", "to_json", "units"):
        from . import emit

        return getattr(emit, name)
    raise AttributeError(name)


__all__ = ["CastColumn", "DecomposeTable", "MergeColumns", "Plan", "RecomposeTable", "SplitColumn", "Step",
           "Suggestion", "diff", "export_tests", "plan_since", "seed", "to_alembic", "to_json", "to_sql",
           "units", "verify"]
