"""``load_path``: one file through sniff, read, validate and load, exactly once, where it lies."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.attempts import with_retries
from csv_assets.ingest.column_plans import check_header
from csv_assets.ingest.delivery import Delivery
from csv_assets.ingest.events import logged
from csv_assets.ingest.extra_tables import extra_table
from csv_assets.ingest.file_load import timed
from csv_assets.ingest.report import IngestReport
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.errors import BadFileError, Refusal, database_failure, server_reason
from csv_assets.pipeline.load import DRY_RUN, changes_alone, ensure_control_tables, is_dry_run
from csv_assets.pipeline.read import hash_drop
from csv_assets.pipeline.sniff import sniff_csv, sniff_header
from csv_assets.pipeline.validate import Contract, import_model
from csv_assets.storage import snapshot

log = logging.getLogger(__name__)


def load_path(
    source: SourceSpec,
    path: Path,
    partition_key: str,
    engine: sa.Engine,
    run_id: str,
    *,
    reload: bool = False,
    spool: Path | None = None,
) -> IngestReport:
    """Load the file at ``path`` exactly once, leaving it where it is.

    The file is read from a private copy (in ``spool``, the system's temporary folder by
    default), and the load commits only if the file held still while it was copied and
    loaded: its rows are always the bytes that were hashed.

    Raises:
        BadFileError: The file is wrong, a link or not a regular file; nothing was committed.
        LoadError: The database failed, or the file changed while it was read; nothing was
            committed. Its message is one line with the server's own reason; the whole error
            (SQL included) is its ``__cause__``.
        FileNotFoundError: The file went away before it was opened (another loader moved it).
    """

    def load() -> IngestReport:
        with snapshot(path, spool) as (copy, pinned):
            report = load_checked(source, copy, partition_key, engine, run_id, reload, pinned.check)
        return replace(report, file=str(path))

    fields = {"source": source.name, "delivery": partition_key, "run_id": run_id}
    return logged(fields, load)


def load_checked(
    source: SourceSpec,
    path: Path,
    partition_key: str,
    engine: sa.Engine,
    run_id: str,
    reload: bool,
    before_commit: Callable[[], None] = lambda: None,
) -> IngestReport:
    """``load_path`` without its log event (``ingest_file`` logs the delivery's own).

    ``before_commit`` runs last inside the load's transaction: raising there (the file changed
    while it was read) commits nothing.
    """
    with database_errors(engine, path):
        ensure_control_tables(engine)
        return _ingest(
            source, path, partition_key, engine, engine.begin, run_id, reload, before_commit
        )


def dry_run(source: SourceSpec, path: Path, engine: sa.Engine) -> IngestReport:
    """What loading ``path`` into ``source`` would do, with nothing written.

    It is the real load, every stage of it (drift, column plan, quarantine, keys, budget), in
    one transaction that is rolled back whatever happens: what it reports is what a load would
    do now. (On PostgreSQL a delivery id drawn from its sequence is not given back.) Like a
    load, it reads a private copy of the file, and never through a link.

    Raises:
        BadFileError: The file would be rejected (the reason, as a real load would give it).
        LoadError: The database failed.
    """
    with (
        database_errors(engine, path),
        snapshot(path, None) as (copy, _),
        engine.connect() as conn,
    ):
        dry = conn.execution_options(**{DRY_RUN: True})
        try:
            with _rolled_back(dry):  # the header is checked against tables as a load sees them
                report = _ingest(
                    source, copy, f"dry run {path.name}", dry, lambda: _rolled_back(dry), "dry-run"
                )
        finally:
            if changes_alone(dry):
                dry.invalidate()  # its temporary tables go with its session
    return replace(report, file=str(path))


@contextmanager
def _rolled_back(conn: sa.Connection) -> Iterator[sa.Connection]:
    """A transaction on ``conn`` with the control tables, rolled back whatever happens."""
    if conn.in_transaction():
        conn.rollback()
    conn.begin()
    try:
        ensure_control_tables(conn)
        yield conn
    finally:
        conn.rollback()


def _ingest(
    source: SourceSpec,
    path: Path,
    partition_key: str,
    bind: sa.Engine | sa.Connection,
    transaction: Callable[[], AbstractContextManager[sa.Connection]],
    run_id: str,
    reload: bool = False,
    before_commit: Callable[[], None] = lambda: None,
) -> IngestReport:
    """Sniff, check the header, hash, then load in ``transaction()`` (``bind`` reads before)."""
    timings: dict[str, float] = {}
    contract = Contract.from_model(import_model(source.schema_model), source.key_columns)
    with timed(timings, "sniff"):
        head = _sniff(path, source, head_only=True)
    # A header that cannot match the contract is rejected from the file's head, before a
    # (possibly huge) file is hashed.
    check_header(bind, source, head, contract, path.name)
    with timed(timings, "hash"):
        digest = hash_drop(path)
    # Head and tail decide the dialect: the contract already knows the column types.
    with timed(timings, "sniff"):
        settled = formats_settled(head, contract, source)
        dialect = _sniff(path, source, whole_file=not settled, tail=digest.tail)
    if dialect.table_end_line is not None and source.on_extra_table == "fail":
        raise extra_table(path.name, dialect.table_end_line)
    delivery = Delivery(
        source, path, partition_key, run_id, reload, dialect, contract, digest, timings
    )
    return with_retries(
        transaction,
        lambda conn, attempt: delivery.load_in(conn, attempt, before_commit),
        path.name,
        dry_run=isinstance(bind, sa.Connection) and is_dry_run(bind),
    )


@contextmanager
def database_errors(engine: sa.Engine, path: Path) -> Iterator[None]:
    """Turn a database failure into one ``LoadError`` line with the server's own reason.

    The bulk paths talk to the driver directly, so its own errors arrive unwrapped too; the
    whole error (SQL included) stays the ``LoadError``'s ``__cause__``.
    """
    driver_error = engine.dialect.loaded_dbapi.Error
    try:
        yield
    except (sa.exc.DBAPIError, driver_error) as error:
        log.debug("loading %s failed", path, exc_info=True)
        reason = server_reason(error, driver_error)
        raise database_failure(path.name, reason) from error


def _sniff(
    path: Path,
    source: SourceSpec,
    *,
    head_only: bool = False,
    whole_file: bool = True,
    tail: bytes | None = None,
) -> Dialect:
    """Sniff ``path`` with the source's pins; a file that cannot be read as CSV is a bad file.

    ``head_only`` reads the first 256 KiB and nothing else; ``whole_file`` types every record;
    ``tail`` is the content's end, when hashing a packed drop has already read it.
    """
    try:
        if head_only:
            return sniff_header(path, source.dialect.as_pins())
        return sniff_csv(path, source.dialect.as_pins(), whole_file=whole_file, tail=tail)
    except FileNotFoundError:
        raise  # another loader moved it: not the file's fault
    except (ValueError, OSError) as error:
        raise BadFileError(path.name, str(error), rule=Refusal.UNREADABLE) from error


def formats_settled(dialect: Dialect, contract: Contract, source: SourceSpec) -> bool:
    """Whether the head tells how every date and time column of the contract is written.

    A year-first column (ISO-8601, ``%Y/%m/%d``) or one whose format the source pins reads one
    way only. Day and month (``%d/%m/%Y`` against ``%m/%d/%Y``) may be told apart only by a row
    past the head, so such a file is typed whole before it loads, as ``init-source`` types it.
    """
    pinned = source.dialect.date_formats or {}
    for column in contract.columns:
        guess = dialect.column_types.get(column.name)
        if column.kind not in ("date", "datetime", "time") or column.name in pinned:
            continue
        if guess is not None and guess.kind == column.kind and not _year_first(guess.format):
            return False
    return True


def _year_first(fmt: str | None) -> bool:
    """Whether a date format starts with the year (ISO-8601 and its kin read one way only)."""
    return fmt is None or fmt == "ISO8601" or fmt.startswith("%Y")
