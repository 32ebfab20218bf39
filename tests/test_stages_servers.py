"""The stages that make PostgreSQL and MariaDB databases, on the generated schemas (tests/test_stages.py
says what and why): a file of their own so that pytest-xdist's ``--dist loadfile`` runs them on
another worker than the rest; the results are shared with the stage-matrix test through
test_stages._once."""

from __future__ import annotations

import pytest
from test_stages import check_generated, generated_cases


@pytest.mark.slow
@pytest.mark.parametrize("stage", generated_cases(servers=True))
def test_stage_on_generated_schemas(stage: str) -> None:
    """Each stage passes on every generated schema of its budget (the failing ones are named by their
    number; ``python tests/stages.py --stage STAGE --shrink REGEX`` finds the smallest)."""
    check_generated(stage)
