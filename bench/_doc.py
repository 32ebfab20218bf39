"""The one place benchmark scripts write their results: their own section of docs/benchmarks.md.

A section sits between ``<!-- bench:TOPIC -->`` and ``<!-- /bench:TOPIC -->``; writing it again
replaces it in place (other sections untouched), a new one is appended. Scripts import this as
``from _doc import write_section`` (``bench/`` is on ``sys.path`` when a script runs).
"""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(topic: str, body: str, doc: Path = DOC) -> None:
    """Put ``body`` between ``topic``'s markers in ``doc``."""
    start, end = f"<!-- bench:{topic} -->", f"<!-- /bench:{topic} -->"
    block = f"{start}\n{body.rstrip(chr(10))}\n{end}"
    doc.parent.mkdir(parents=True, exist_ok=True)
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
