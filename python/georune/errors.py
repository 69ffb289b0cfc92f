"""Exceptions raised by georune: the engine's located diagnostics, classed as the CLI's exit codes.

- ``UserError`` (also a ``ValueError``): a mistake in a query, a file or an argument; the CLI
  would exit with status 2. The message names the place (``file:line`` or the query column with
  a caret) and gives a hint.
- ``EnvError`` (also a ``RuntimeError``): the environment failed (a missing or damaged archive, an
  I/O error, an exhausted budget, an unreachable LLM); the CLI would exit with status 1.

Both carry ``.code`` (``"invalid_input"``, ``"not_found"``, ``"io_error"``, ``"corrupt"``,
``"too_complex"``, ``"unavailable"``, ``"internal"``), ``.exit_code``, and the diagnostic's parts:
``.where`` (``"query:1:14"``, ``"file:line"``; ``""`` when nowhere) and ``.hint`` (``""`` when none),
the same as the server's error JSON.
"""


class Error(Exception):
    """Base class of georune's errors."""

    def __init__(self, message, code="internal", exit_code=1, where="", hint=""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.exit_code = exit_code
        self.where = where
        # a message raised in Python carries its hint on a "\n  hint: " line, as the engine's do
        self.hint = hint or (message.rsplit("\n  hint: ", 1)[1] if "\n  hint: " in message else "")

    def __reduce__(self):  # picklable, so that Dask workers can send it back
        return (type(self), (self.message, self.code, self.exit_code, self.where, self.hint))


class UserError(Error, ValueError):
    """A user mistake (CLI exit status 2)."""


class EnvError(Error, RuntimeError):
    """An environment failure (CLI exit status 1)."""


def error_class(exit_code):
    """The class for a CLI exit status (used by the extension module)."""
    return UserError if exit_code == 2 else EnvError
