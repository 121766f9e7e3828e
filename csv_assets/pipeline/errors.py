"""The two kinds of failure: a bad file (terminal) and a load error (transient)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class BadFileError(Exception):
    """The file itself is wrong: retrying cannot help, so it is rejected with a report.

    Attributes:
        file: Path of the offending file as the user knows it.
        reason: One sentence a data engineer can forward to whoever sent the file.
        line: 1-based physical line of the first problem, when there is one.
        column: Column (as named in the file) of the first problem, when there is one.
        rule: Short name of the broken rule (``encoding``, ``missing_column``, ``error_budget``...).
        details: Extra facts for the JSON report (counts per rule, failure samples...).
    """

    def __init__(
        self,
        file: str,
        reason: str,
        *,
        line: int | None = None,
        column: str | None = None,
        rule: str = "bad_file",
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self.file = file
        self.reason = reason
        self.line = line
        self.column = column
        self.rule = rule
        self.details = dict(details or {})
        super().__init__(self.describe())

    def describe(self) -> str:
        """Return the one-line message: file, line, column, then the reason."""
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.reason} [{self.rule}]"

    def as_report(self) -> dict[str, Any]:
        """Return the JSON-ready report written beside a rejected file."""
        return {
            "file": self.file,
            "reason": self.reason,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            **self.details,
        }


class LoadError(Exception):
    """The database or file system failed for a reason outside the file: retry later."""
