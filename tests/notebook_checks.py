"""What a reader of an executed notebook without a kernel (GitHub, nbviewer, mail) would miss.

Used by tests/test_binder_env.py, which executes every notebook once (in the Binder environment)
and checks each saved result with :func:`problems`; tests/test_notebooks_static.py tests the checker.
"""

from __future__ import annotations

import re
from typing import Any

WIDGET = "application/vnd.jupyter.widget-view+json"
RICH = ("image/svg+xml", "text/html", "text/markdown", "image/png")
STATIC = (*RICH, "text/plain", "text/latex")
BARE_REPR = re.compile(r"^<[\w.]+ object at 0x[0-9a-f]+>$")

#: Notebooks that fail the check, and why (empty: every notebook reads without a kernel). The
#: check marks them as expected failures (strict: the entry must go once the notebook is fixed);
#: notebooks are not edited by the tests.
KNOWN: dict[str, str] = {}


def problems(nb: Any) -> list[str]:
    """What a reader without a kernel would miss, one line per output (empty when all is readable):
    an error; a display with no static mime type; a widget with no static view (SVG, HTML or
    Markdown in its own mime bundle, or as another output of the same cell); a bare
    ``<object at 0x...>`` repr."""
    out = []
    for n, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                out.append(f"cell {n}: raised {output.get('ename')}: {output.get('evalue')}")
            if kind not in ("display_data", "execute_result"):
                continue
            data = output.get("data", {})
            beside = any(any(m in o.get("data", {}) for m in RICH) for o in cell.get("outputs", []))
            if WIDGET in data and not any(m in data for m in RICH) and not beside:
                out.append(f"cell {n}: a widget with no static view (only {sorted(data)})")
            elif not any(m in data for m in STATIC):
                out.append(f"cell {n}: no static mime type (only {sorted(data)})")
            elif not any(m in data for m in RICH) and BARE_REPR.match(str(data.get("text/plain", "")).strip()):
                out.append(f"cell {n}: only a bare repr {data['text/plain']!r}")
    return out
