"""Migrations: diff -> :class:`Plan` -> lint -> emit (SQL per dialect, Alembic, JSON) -> apply/verify.

The modules follow Alembic's compare / render / execute split: :mod:`.diff` compares,
:mod:`.plan` orders and classifies, :mod:`.lint` reviews, :mod:`.emit` renders, :mod:`.apply`
executes and verifies. :mod:`.transforms` holds the data-carrying composite operations.
"""

from __future__ import annotations

from .diff import diff, plan_since
from .plan import Plan, Step, Suggestion

__all__ = ["Plan", "Step", "Suggestion", "diff", "plan_since"]
