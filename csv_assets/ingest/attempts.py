"""A delivery's transaction, tried again when the file or the database asks for another way.

Two things restart a load from its claim, its earlier transaction rolled back: rows that
Arrow's fast reader cannot split (the next try reads exactly from the first line), and a table
change that the database would commit on its own (MySQL/MariaDB: ``SchemaChangeFirst``), made in
a transaction of its own before the next try. A dry run cannot make such a change, and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace

import sqlalchemy as sa

from csv_assets.ingest.report import IngestReport
from csv_assets.pipeline.errors import LoadError
from csv_assets.pipeline.load import SchemaChangeFirst
from csv_assets.pipeline.read import IrregularRows
from csv_assets.pipeline.validate import TypeChange

MAX_SCHEMA_CHANGES = 20
"""More table changes than this for one delivery means they are not converging: stop."""

log = logging.getLogger(__name__)


@dataclass
class Attempt:
    """What one try of a delivery leaves to the next."""

    exact: bool = False
    """Read with the exact reader from the first line."""
    delivery_id: int | None = None
    """The id drawn for the delivery, kept so the schema history's entries name it."""
    widened: tuple[TypeChange, ...] = ()
    """Widenings made alone before this try (they count as the delivery's)."""
    added: tuple[str, ...] = ()
    """Columns added alone before this try for the delivery's file."""


def with_retries(
    transaction: Callable[[], AbstractContextManager[sa.Connection]],
    load: Callable[[sa.Connection, Attempt], IngestReport],
    file: str,
    *,
    dry_run: bool = False,
) -> IngestReport:
    """``load`` in ``transaction()``, again after each change of reader or table it asks for.

    Raises:
        LoadError: A dry run needs a table change it cannot take back, or the changes go on.
    """
    attempt = Attempt()
    for _ in range(MAX_SCHEMA_CHANGES):
        try:
            with transaction() as conn:
                report = load(conn, attempt)
            return replace(
                report,
                widened=(*attempt.widened, *report.widened),
                added_columns=(*attempt.added, *report.added_columns),
            )
        except IrregularRows:
            if attempt.exact:
                raise
            attempt.exact = True
        except SchemaChangeFirst as first:
            if dry_run:
                raise LoadError(
                    f"{file}: a load would {first.what} first, which this database commits "
                    "at once and a dry run cannot take back; load the file to see the rest",
                    permanent=True,
                ) from None
            log.info("%s: the table changes first, alone: %s", file, first.what)
            with transaction() as conn:
                first.apply(conn)
            attempt.widened = (*attempt.widened, *first.widened)
            attempt.added = (*attempt.added, *first.added)
    raise LoadError(f"{file}: the table kept changing under the load; try again")
