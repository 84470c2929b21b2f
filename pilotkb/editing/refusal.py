"""The editor commands' own refusal: a message for the editor, never a traceback."""

from __future__ import annotations


class EditError(Exception):
    """A refusal with a message for the editor; the data file is untouched."""
