"""Every stage of tests/stages.py on every corpus file (tests/test_stages.py says what and why).

A file of its own so that pytest-xdist's ``--dist loadfile`` runs these on another worker than the
generated schemas; the results are shared with the stage-matrix test through test_stages._once."""

from __future__ import annotations

from pathlib import Path

import pytest
from stages import CORPUS
from test_stages import check_corpus, corpus_cases, corpus_files


@pytest.mark.slow
@pytest.mark.skipif(not corpus_files(), reason=f"the schema corpus is not here ({CORPUS})")
@pytest.mark.parametrize(("stage", "path"), corpus_cases())
def test_stage_on_corpus(stage: str, path: Path) -> None:
    """Each stage passes on each corpus schema (see tests/stages.py for what each stage checks)."""
    check_corpus(stage, path)
