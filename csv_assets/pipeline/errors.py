"""The two kinds of failure: a bad file (terminal) and a load error (transient)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class Refusal(StrEnum):
    """Why a whole delivery was rejected: the ``rule`` of its report and its failed check.

    The values are a contract: reports, ``delivery_accepted``'s metadata, alerts and the docs
    name them. A delivery that breaks one of its model's blocking rules carries that rule's
    check name instead (``status__isin``).
    """

    BAD_FILE = "bad_file"
    """The file is wrong in a way no other name says."""
    COLUMN_COUNT = "column_count"
    """A file without a header has another number of columns than the source."""
    CORRUPT_ARCHIVE = "corrupt_archive"
    """A .gz or .zip that does not decompress."""
    DIALECT_DRIFT = "dialect_drift"
    """Written differently from the last delivery, with on_drift: fail."""
    ENCODING = "encoding"
    """Bytes that do not decode as the file's encoding (pinned or sniffed)."""
    ENCRYPTED_ARCHIVE = "encrypted_archive"
    """A password-protected .zip."""
    ERROR_BUDGET = "error_budget"
    """More bad rows than the source allows."""
    EXTRA_TABLE = "extra_table"
    """A second table further down, with on_extra_table: fail."""
    MISSING_COLUMN = "missing_column"
    """A required column of the model is not in the header."""
    MISSING_DELIVERY = "missing_delivery"
    """The delivery is in none of the source's folders."""
    NOT_A_DELIVERY = "not_a_delivery"
    """A partition key that names no delivery of the source."""
    NOT_A_FILE = "not_a_file"
    """A link, FIFO, device or folder where a regular file should be."""
    SEEN_KEY = "seen_key"
    """A row whose key an earlier delivery loaded, with on_seen_key: reject."""
    TABLE_SHRINK = "table_shrink"
    """A replace delivery that would empty or shrink the table past max_shrink."""
    TRUNCATED = "truncated"
    """A compressed upload that ends early: it was cut short."""
    UNEXPECTED_COLUMN = "unexpected_column"
    """A column the model does not know, with schema_evolution new_column: fail."""
    UNREADABLE = "unreadable"
    """The file cannot be read as CSV (a record too large to read, no table in it)."""
    UNSUPPORTED_ARCHIVE = "unsupported_archive"
    """A .zip compressed with a method the reader lacks (Deflate64)."""


class BadFileError(Exception):
    """The file itself is wrong: retrying cannot help, so it is rejected with a report.

    Attributes:
        file: Path of the offending file as the user knows it.
        reason: One sentence a data engineer can forward to whoever sent the file.
        line: 1-based physical line of the first problem, when there is one.
        column: Column (as named in the file) of the first problem, when there is one.
        rule: The broken rule: a ``Refusal``, or the name of a blocking rule of the model.
        details: Extra facts for the JSON report (counts per rule, failure samples...).
        report_location: Where the report beside the rejected file is, once it was moved.
    """

    def __init__(
        self,
        file: str,
        reason: str,
        *,
        line: int | None = None,
        column: str | None = None,
        rule: Refusal | str = Refusal.BAD_FILE,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self.file = file
        self.reason = reason
        self.line = line
        self.column = column
        self.rule = str(rule)  # plain text wherever it goes: reports, metadata, logs
        self.details = dict(details or {})
        self.report_location: str | None = None
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
    """The database or file system failed for a reason outside the file: retry later.

    Attributes:
        permanent: No retry can help (a database or role that does not exist, a password the
            server refuses): the configuration must change first.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


PERMANENT_REASONS = (
    "does not exist",
    "password authentication failed",
    "no pg_hba.conf entry",
    "permission denied",
    "must be owner",  # PostgreSQL: an ALTER by a role that does not own the table
    "command denied",  # MySQL/MariaDB: CREATE or ALTER without the privilege
    "unable to open database file",
    "unknown database",  # MySQL/MariaDB
    "access denied for user",  # MySQL/MariaDB
)
"""What a server says when waiting cannot help: the URL, the database or the role is wrong."""


def database_failure(file: str, reason: str) -> LoadError:
    """The ``LoadError`` of a load of ``file`` the database failed, for the server's ``reason``.

    It is permanent, and says so, when no retry gets past the reason (``PERMANENT_REASONS``).
    """
    message = f"{file}: database error, nothing was committed: {reason}"
    if any(words in reason.lower() for words in PERMANENT_REASONS):
        hint = "this will not pass by itself: check the database URL, the database and the role"
        return LoadError(f"{message}; {hint}", permanent=True)
    return LoadError(message)


def server_reason(error: BaseException, driver_error: type[BaseException]) -> str:
    """The database's own reason for ``error``, in one line, without SQL text or parameters.

    SQLAlchemy wraps the driver's error and adds the statement; a failure while rolling back
    (on a connection the server closed) is raised with the first failure as its context. The
    earliest database error of that chain says what happened: PostgreSQL's own message where
    the server sent one ("terminating connection due to administrator command"), else the
    driver's first line ("sending copy data failed: server closed the connection
    unexpectedly": a connection cut mid-COPY loses the server's last message).

    Args:
        error: What the load raised.
        driver_error: The DB-API driver's base ``Error`` class (``engine.dialect.loaded_dbapi``).
    """
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or (None if seen.__suppress_context__ else seen.__context__)
    failures = [getattr(e, "orig", None) or e for e in chain]
    failures = [e for e in failures if isinstance(e, driver_error)] or failures
    first = failures[-1]
    primary = getattr(getattr(first, "diag", None), "message_primary", None)
    match getattr(first, "args", ()):
        case (int() as code, str() as message):  # PyMySQL's (code, message): its words, then code
            primary = primary or f"{message} ({code})"
    lines = str(primary or first).strip().splitlines()
    return lines[0] if lines else type(first).__name__


def one_line(error: Exception) -> str:
    """Why something failed, in one line: a database's own reason (no SQL), else the first line.

    For a tick or a command that reports a failure and goes on, not for a load's verdict.
    """
    import sqlalchemy as sa  # the pipeline's errors load without it (the sniff CLI)

    if isinstance(error, sa.exc.DBAPIError):
        return server_reason(error, type(error.orig) if error.orig else sa.exc.DBAPIError)
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
