"""Package discovery only (all metadata is in pyproject.toml).

The Jupyter layer lives in the top-level ``widgets/`` folder but is imported as
``dbmodel_kit.widgets``; setuptools' ``packages.find`` cannot rename a folder, so the list of
packages is computed here and the folder mapped by ``package-dir`` in pyproject.toml.
"""

from setuptools import find_packages, setup

packages = find_packages(include=["dbmodel_kit", "dbmodel_kit.*"])
packages += ["dbmodel_kit.widgets"] + [f"dbmodel_kit.widgets.{p}" for p in find_packages("widgets")]

setup(packages=packages)
