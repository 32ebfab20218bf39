"""The review as one self-contained HTML page (inline SVG ERD, inline CSS, no scripts, no requests).

Built from escaped text pieces: the page is static and small, and a template engine would add a
runtime dependency for a dozen elements. Every value from the model goes through ``esc``.
"""

from __future__ import annotations

from typing import Any

from .bundle import Review, advice_parts, esc

#: (selector, declarations); the page uses them as they are, a notebook cell scopes them to its block
RULES: tuple[tuple[str, str], ...] = (
    ("body", 'font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;'
             "margin:2rem auto;max-width:72rem;padding:0 1rem"),
    ("h1", "font-size:1.6rem;margin:0 0 .3rem"),
    ("h2", "border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem"),
    (".summary", "color:#57606a"),
    ("table", "border-collapse:collapse;margin:.5rem 0"),
    ("th, td", "border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top"),
    ("th", "background:#f6f8fa"),
    (".erd", "overflow:auto;border:1px solid #d0d7de;padding:.5rem"),
    (".erd svg", "max-width:100%;height:auto"),
    ("pre", "background:#f6f8fa;border:1px solid #d0d7de;padding:.6rem;overflow:auto;font-size:12.5px;"
            "white-space:pre-wrap;overflow-wrap:anywhere"),
    (".lossless", "color:#1a7f37"),
    (".lossy", "color:#9a6700;font-weight:600"),
    (".impossible", "color:#cf222e;font-weight:700"),
    (".error", "color:#cf222e;font-weight:700"),
    (".warning", "color:#9a6700;font-weight:600"),
    (".info", "color:#57606a"),
    ("code.id", "background:#eaeef2;padding:0 .25rem;border-radius:3px"),
    (".new", "color:#1a7f37;font-weight:600"),
)


def css(scope: str = "") -> str:
    """The style sheet; with ``scope`` every selector applies inside that element only."""
    out = []
    for selector, decl in RULES:
        if scope:
            selector = ", ".join(scope if s.strip() == "body" else f"{scope} {s.strip()}"
                                 for s in selector.split(","))
        out.append(f"{selector}{{{decl}}}")
    return "\n".join(out)


def _table(head: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f"<p>{esc(empty)}</p>"
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _ids(ids: tuple[str, ...]) -> str:
    return " ".join(f'<code class="id">{esc(i)}</code>' for i in ids)


def _advised(helped: tuple[str, ...] | None) -> str:
    if helped is None:
        return ""
    return "advised" + (f": helps {esc(', '.join(helped))}" if helped else "")


def _erd(r: Review, inline: bool) -> str:
    from ..erd import GraphvizNotFound, render_svg, svg_html, to_mermaid

    try:
        svg = render_svg(r.new, compare=r.plan)
    except GraphvizNotFound as e:  # the Mermaid text still shows the structure
        return f"<p>{esc(e)}</p><pre>{esc(to_mermaid(r.new, compare=r.plan))}</pre>"
    # the page inlines the SVG (tooltips work); a notebook cell gets an image sanitizers keep
    return f'<div class="erd">{svg_html(svg, "ERD of the new model", inline=inline)}</div>'


def _sections(r: Review, inline: bool = True) -> list[str]:
    out = [f'<section id="erd"><h2>ERD</h2><p>The new model; added, removed and changed tables and columns '
           f"are coloured (see the legend).</p>{_erd(r, inline)}</section>"]

    advice = r.advice is not None
    rows = [[str(c.step), esc(c.change), f'<span class="{esc(c.reverse)}">{esc(c.reverse)}</span>', esc(c.why),
             _ids(c.lint)] + ([_advised(c.advised)] if advice else []) for c in r.changes]
    head = ["#", "change", "reverse", "why", "migration lint"] + (["index advice"] if advice else [])
    guesses = "".join(f"<li>{esc(g)}</li>" for g in r.plan.suggestions)
    note = (f"<p>Possible renames, <b>not applied</b> (the plan drops and adds instead):</p><ul>{guesses}</ul>"
            if guesses else "")
    out.append('<section id="changes"><h2>Changes</h2>' + _table(head, rows, "No changes.") + note + "</section>")

    mf = r.model_findings
    rows = [[esc(f.where), _ids((f.id,)), f'<span class="{esc(f.severity)}">{esc(f.severity)}</span>',
             esc(f.message), esc(f.hint), '<span class="new">new</span>' if r.introduced(f) else ""] for f in mf]
    out.append(f'<section id="model-lint"><h2>Model lint</h2><p class="summary">{esc(mf.summary())}</p>'
               + _table(["where", "rule", "severity", "message", "fix", "since base"], rows, "No findings.")
               + "</section>")

    parts = ['<section id="migration-lint"><h2>Migration lint</h2>']
    for d in r.dialects:
        rows = [[str(f.step), _ids((f.id,)), f'<span class="{esc(f.severity)}">{esc(f.severity)}</span>',
                 esc(f.message), esc(f.fix)] for f in r.migration_findings(d)]
        parts.append(f"<h3>{esc(d)}</h3>" + _table(["step", "rule", "severity", "message", "fix"], rows,
                                                     "No findings."))
    out.append("".join(parts) + "</section>")

    parts = ['<section id="sql"><h2>Migration SQL</h2>']
    for d in r.dialects:
        s = r.sql(d)
        down = (f'<pre class="sql down"><code>{esc(s.down)}</code></pre>' if s.down is not None
                else f"<p>No down migration: {esc(s.note)}</p>")
        parts.append(f'<h3>{esc(d)}</h3><h4>Up</h4><pre class="sql up"><code>{esc(s.up)}</code></pre>'
                     f"<h4>Down</h4>{down}")
    out.append("".join(parts) + "</section>")

    if r.advice is not None:
        mime, text = next(iter(advice_parts(r.advice)))
        body = text if mime == "text/html" else f"<pre>{esc(text)}</pre>"
        out.append(f'<section id="advice"><h2>Index advice</h2>{body}</section>')
    return out


def fragment(r: Review) -> str:
    """The review as a block of HTML for a notebook cell (the page's body with its CSS scoped; the
    ERD as an image, which survives the sanitizers of untrusted notebooks and GitHub)."""
    return (f'<div class="dbmodel-review"><style>{css(".dbmodel-review")}</style><h1>{esc(r.heading)}</h1>'
            f'<p class="summary">{esc(r.summary())}</p>' + "".join(_sections(r, inline=False)) + "</div>")


def render_html(r: Review) -> str:
    """The whole page (see :meth:`Review.to_html`)."""
    head = (f'<meta charset="utf-8"><meta name="generator" content="dbmodel-kit">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(r.heading)}</title><style>\n{css()}\n</style>")
    body: list[Any] = [f"<header><h1>{esc(r.heading)}</h1><p class=\"summary\">{esc(r.summary())}</p></header>",
                       *_sections(r)]
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>{head}</head>\n<body>\n' + "\n".join(body)
            + "\n</body>\n</html>\n")
