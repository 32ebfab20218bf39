"""The Jupyter layer of dbmodel-kit (imported as ``dbmodel_kit.widgets``).

Widgets are thin views over a :class:`dbmodel_kit.Model`: they edit only through
``model.apply(op)`` and re-render from the model's change events. The core package never
imports this one.
"""
