"""Colour palettes for the ERD.

The page background stays transparent so the drawing sits on whatever the notebook, JupyterLab
theme or GitHub page uses; everything that carries text has its own opaque fill (text on fills
is at least 4.5:1, WCAG 2.1 AA), and the lines drawn straight on the page use a mid-tone that
keeps at least 3:1 (non-text contrast) on both white and near-black pages. Edge labels (the
junction name on a many-to-many edge) also sit on the page: no grey reaches 4.5:1 on both white
and black, so they use the one grey that keeps 4:1 on both. ``tests/test_erd.py`` checks all of it.

>>> THEMES["dark"].table_bg
'#1e2430'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ModelError


@dataclass(frozen=True, slots=True)
class Theme:
    """Every colour the DOT builder uses, by role."""

    name: str
    background: str
    font: str
    text: str
    muted: str            # types, badges, footers
    table_bg: str
    table_border: str
    header_bg: str
    header_text: str
    key_row_bg: str       # primary key rows
    pk: str               # PK badge / key marker
    fk: str               # FK badge
    edge: str             # relationship lines (on the page background)
    edge_label: str
    cluster_bg: str
    cluster_border: str
    cluster_text: str
    stub_bg: str
    added: str
    added_bg: str
    removed: str
    removed_bg: str
    changed: str
    changed_bg: str


_FONT = "Helvetica,Arial,sans-serif"

THEMES: dict[str, Theme] = {
    "light": Theme(
        name="light", background="transparent", font=_FONT,
        text="#1f2328", muted="#59636e", table_bg="#ffffff", table_border="#8c959f",
        header_bg="#2f4f7f", header_text="#ffffff", key_row_bg="#f1f5fb",
        pk="#875c00", fk="#0969da", edge="#6e7781", edge_label="#6e7781",
        cluster_bg="#f3f5f8", cluster_border="#c4ccd6", cluster_text="#424a53", stub_bg="#f6f8fa",
        added="#116329", added_bg="#dafbe1", removed="#a40e26", removed_bg="#ffebe9",
        changed="#7d4e00", changed_bg="#fff8c5",
    ),
    "dark": Theme(
        name="dark", background="transparent", font=_FONT,
        text="#e6edf3", muted="#9da7b3", table_bg="#1e2430", table_border="#6e7681",
        header_bg="#3b5b8c", header_text="#ffffff", key_row_bg="#252d3b",
        pk="#e3b341", fk="#6cb6ff", edge="#8b949e", edge_label="#6e7781",
        cluster_bg="#161b22", cluster_border="#3d444d", cluster_text="#c9d1d9", stub_bg="#262c36",
        added="#56d364", added_bg="#12361f", removed="#ff7b72", removed_bg="#4a1418",
        changed="#e3b341", changed_bg="#3a2e0a",
    ),
}


def theme(name: str | Theme) -> Theme:
    """The palette called ``name`` (``light`` or ``dark``), or ``name`` itself if it is a Theme."""
    if isinstance(name, Theme):
        return name
    try:
        return THEMES[name]
    except KeyError:
        raise ModelError(f"unknown ERD theme {name!r}; themes are {', '.join(THEMES)}") from None
