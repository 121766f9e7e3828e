r"""What the CLI writes to a terminal: the control characters of senders' names made visible.

A file name is the sender's: one holding ``ESC ]0;...`` would set the window title, one with
``ESC [2J`` clear the screen. Every line the CLI prints goes through ``Printable``, which writes
such characters as ``\x1b``; tabs and newlines stay what they are.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

CONTROLS = {
    code: f"\\x{code:02x}"
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))
    if code not in (0x09, 0x0A)
}


class Printable(io.TextIOBase):
    r"""A text stream that writes control characters (but tab and newline) as ``\xNN``."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters shown, not acted on."""
        self._stream.write(shown(text))
        return len(text)

    def flush(self) -> None:
        """Flush the stream below."""
        self._stream.flush()

    def fileno(self) -> int:
        """The stream below's file descriptor."""
        return self._stream.fileno()

    def isatty(self) -> bool:
        """Whether the stream below is a terminal."""
        return self._stream.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The stream below's encoding."""
        return self._stream.encoding


def shown(text: str) -> str:
    r"""``text`` with its control characters written as ``\xNN``."""
    return text.translate(CONTROLS)


def raw(stream: TextIO) -> TextIO:
    """The stream below a ``Printable`` (for the CLI's own control codes: a progress bar)."""
    return stream._stream if isinstance(stream, Printable) else stream


@contextmanager
def printable(*, stdout: bool = True) -> Iterator[None]:
    """Show control characters on stderr (and stdout, unless it carries data) for the block."""
    saved = sys.stdout, sys.stderr
    sys.stderr = Printable(sys.stderr)
    if stdout:
        sys.stdout = Printable(sys.stdout)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
