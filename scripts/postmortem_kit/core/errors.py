"""The one base class of every error the tool reports to a person.

A ``PostmortemError`` is an expected failure (unusable input, bad settings, a
service that said no): the command line prints its message as one line and
exits with its ``exit_code`` (2 unless a subclass says otherwise), never with
a traceback.  Every exception class of the package derives from it, so
``cli.main`` needs exactly one ``except`` for all of them.  Classes that were
``ValueError`` before also keep that base, so existing ``except ValueError``
callers behave as before.
"""

from __future__ import annotations

__all__ = ["PostmortemError"]


class PostmortemError(Exception):
    """An expected failure with a message fit to show as it is."""

    exit_code: int = 2
