"""The review as a pull-request comment: GitHub-flavoured Markdown with a Mermaid ERD and the SQL
folded in ``<details>`` blocks (GitHub renders both; the page stays short until opened)."""

from __future__ import annotations

from .bundle import Review, advice_parts


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell (pipes escaped, one line).

    >>> cell("a | b\\nc")
    'a \\\\| b c'
    """
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(head: list[str], rows: list[list[str]], empty: str) -> list[str]:
    if not rows:
        return [empty, ""]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _code(text: str, lang: str) -> list[str]:
    fence = "````" if "```" in text else "```"
    return [f"{fence}{lang}", text.rstrip("\n"), fence]


def _ids(ids: tuple[str, ...]) -> str:
    return " ".join(f"`{i}`" for i in ids)


def _advised(helped: tuple[str, ...] | None) -> str:
    if helped is None:
        return ""
    return "advised" + (f": helps {cell(', '.join(helped))}" if helped else "")


def render_markdown(r: Review) -> str:
    """The whole comment (see :meth:`Review.to_markdown`)."""
    from ..erd import to_mermaid

    out = [f"## {r.heading}", "", r.summary(), ""]
    out += ["### ERD", "",
            "Renamed columns are labelled; `%%` lines in the source mark added, removed and changed tables.", ""]
    out += [*_code(to_mermaid(r.new, compare=r.plan), "mermaid"), ""]

    out += ["### Changes", ""]
    advice = r.advice is not None
    out += _table(["#", "change", "reverse", "why", "migration lint"] + (["index advice"] if advice else []),
                  [[str(c.step), cell(c.change), f"**{c.reverse}**" if c.reverse != "lossless" else c.reverse,
                    cell(c.why), _ids(c.lint)] + ([_advised(c.advised)] if advice else []) for c in r.changes],
                  "No changes.")
    if r.plan.suggestions:
        out += ["Possible renames, **not applied** (the plan drops and adds instead):", "",
                *(f"- {g}" for g in r.plan.suggestions), ""]

    mf = r.model_findings
    out += ["### Model lint", "", mf.summary(), ""]
    out += _table(["where", "rule", "severity", "message", "fix", "since base"],
                  [[cell(f.where), f"`{f.id}`", f.severity, cell(f.message), cell(f.hint),
                    "new" if r.introduced(f) else ""] for f in mf], "")

    out += ["### Migration lint", ""]
    for d in r.dialects:
        out += [f"**{d}**", ""]
        out += _table(["step", "rule", "severity", "message", "fix"],
                      [[str(f.step), f"`{f.id}`", f.severity, cell(f.message), cell(f.fix)]
                       for f in r.migration_findings(d)], "No findings.")

    out += ["### Migration SQL", ""]
    for d in r.dialects:
        s = r.sql(d)
        out += ["<details>", f"<summary>{d}: up</summary>", "", *_code(s.up, "sql"), "", "</details>", ""]
        out += ["<details>", f"<summary>{d}: down</summary>", ""]
        out += [*_code(s.down, "sql"), ""] if s.down is not None else [f"No down migration: {s.note}", ""]
        out += ["</details>", ""]

    if r.advice is not None:
        parts: dict[str, str] = {}
        for mime, form in advice_parts(r.advice):
            parts.setdefault(mime, form)  # the first form offered wins (to_text before repr)
        md = parts.get("text/markdown")
        out += ["### Index advice", "", *([md.rstrip("\n")] if md else _code(parts["text/plain"], "")), ""]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
