"""``%load_ext dbmodel_kit``: the ``%dbmodel`` line magic, so a notebook reopens its model in one line.

::

    %dbmodel load shop.yaml            # Model(path="shop.yaml") as `model`; autosaves every edit
    %dbmodel erd                       # the ERD of `model` (SVG + Mermaid: readable without a kernel)
    %dbmodel diff main.yaml shop.yaml  # the review of the change: ERD diff, steps, lint, SQL
                                       # (--dialect D repeatable; --hint users.mail=users.email)
    %dbmodel save [PATH]               # write `model` (to its own path, or PATH)

Each command returns a value that displays itself with static mime types, so the saved notebook
shows the output on GitHub and nbviewer.
"""

from __future__ import annotations

import shlex
from typing import Any, ClassVar

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from dbmodel_kit import Model, ModelError

USAGE = "%dbmodel load PATH [as NAME] | erd [NAME] | diff OLD NEW [--dialect D ...] [--hint OLD=NEW] | save [PATH]"


@magics_class
class DbmodelMagics(Magics):
    """The ``%dbmodel`` magic; the current model is the user variable ``model`` (or the one named)."""

    @line_magic
    def dbmodel(self, line: str) -> Any:
        """Run one ``%dbmodel`` command; mistakes show as a one-line usage error, not a traceback."""
        try:
            return self._run(line)
        except ModelError as e:
            raise UsageError(str(e)) from None

    def _run(self, line: str) -> Any:
        try:
            words = shlex.split(line)
        except ValueError as e:
            raise ModelError(f"%dbmodel: {e}") from None
        if not words:
            raise ModelError(f"usage: {USAGE}")
        command, args = words[0], words[1:]
        handler = self.COMMANDS.get(command)
        if handler is None:
            raise ModelError(f"%dbmodel: unknown command {command!r}; usage: {USAGE}")
        return handler(self, args)

    # -- commands --------------------------------------------------------------------------
    def _load(self, args: list[str]) -> Any:
        if len(args) not in (1, 3) or (len(args) == 3 and args[1] != "as"):
            raise ModelError("usage: %dbmodel load PATH [as NAME]")
        name = args[2] if len(args) == 3 else "model"
        if not name.isidentifier():
            raise ModelError(f"%dbmodel load: {name!r} is not a Python name")
        model = Model(path=args[0])
        self.shell.user_ns[name] = model
        return model

    def _model(self, name: str) -> Model:
        value = self.shell.user_ns.get(name)
        if not isinstance(value, Model):
            raise ModelError(f"%dbmodel: no model named {name!r}; run %dbmodel load PATH first")
        return value

    def _erd(self, args: list[str]) -> Any:
        from dbmodel_kit.erd import ERD

        if len(args) > 1:
            raise ModelError("usage: %dbmodel erd [NAME]")
        return ERD(self._model(args[0] if args else "model"))

    def _diff(self, args: list[str]) -> Any:
        from dbmodel_kit.review import review

        usage = "usage: %dbmodel diff OLD NEW [--dialect D ...] [--hint OLD=NEW ...]"
        paths: list[str] = []
        options: dict[str, list[str]] = {"--dialect": [], "-d": [], "--hint": []}
        words = iter(args)
        for word in words:
            if word in options:
                value = next(words, None)
                if value is None:
                    raise ModelError(f"{word} needs a value; {usage}")
                options[word].append(value)
            else:
                paths.append(word)
        if len(paths) != 2:
            raise ModelError(usage)
        hints = {}
        for item in options["--hint"]:
            old, sep, new = item.partition("=")
            if not sep or not old or not new:
                raise ModelError(f"--hint {item!r}: write it as OLD=NEW, e.g. users.mail=users.email")
            hints[old] = new
        dialects = tuple(options["--dialect"] + options["-d"]) or ("postgresql",)
        return review(paths[0], paths[1], dialects=dialects, hints=hints)

    def _save(self, args: list[str]) -> Any:
        if len(args) > 1:
            raise ModelError("usage: %dbmodel save [PATH]")
        return self._model("model").save(args[0] if args else None)

    COMMANDS: ClassVar[dict[str, Any]] = {"load": _load, "erd": _erd, "diff": _diff, "save": _save}


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%dbmodel`` (called by ``%load_ext dbmodel_kit``)."""
    ipython.register_magics(DbmodelMagics)
