"""The Jupyter layer of dbmodel-kit (imported as ``dbmodel_kit.widgets``).

Widgets are thin views over a :class:`dbmodel_kit.Model`: they edit only through
``model.apply(op)`` and re-render from the model's change events. The core package never
imports this one.
"""

from typing import Any

__all__ = ["AdvisorPanel", "Designer", "ExportPanel"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing one widget module (dbmodel_kit.widgets.migration, ...) does not load
    # the Designer and everything it draws with.
    if name == "Designer":
        from .designer import Designer

        return Designer
    if name == "AdvisorPanel":
        from .advisor import AdvisorPanel

        return AdvisorPanel
    if name == "ExportPanel":
        from .export_panel import ExportPanel

        return ExportPanel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
