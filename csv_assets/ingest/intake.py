"""``ingest_file``: a delivery from its folder, loaded once, then archived or rejected.

Local and remote folders alike: the delivery is fetched (a remote one spooled), loaded by
``load_checked``, then moved to the archive, or to rejected beside its report.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.events import logged
from csv_assets.ingest.extra_tables import set_aside
from csv_assets.ingest.report import IngestReport
from csv_assets.ingest.service import load_checked
from csv_assets.pipeline.errors import BadFileError, LoadError, Refusal
from csv_assets.storage import Delivery, Folders

log = logging.getLogger(__name__)


def ingest_file(
    source: SourceSpec,
    delivery: Delivery,
    folders: Folders,
    engine: sa.Engine,
    run_id: str,
    *,
    reload: bool = False,
) -> IngestReport:
    """Load one delivery exactly once, then move it to the archive (or to rejected, with a report).

    Any number of loaders may run this at once for the same delivery: one loads it, the others
    wait for its claim, find its ledger entry and report ``duplicate``. ``reload`` replaces the
    rows of a delivery loaded before (a deliberate re-materialization).

    Raises:
        BadFileError: The file is wrong (terminal); it now sits in the rejected folder.
        LoadError: The database or the file system failed, or the file changed while it was
            read (transient); nothing was committed and the file stays where it was.
    """

    def attempt() -> IngestReport:
        for _ in range(2):
            try:
                return _ingest_where_it_is(source, delivery, folders, engine, run_id, reload)
            except FileNotFoundError:
                continue  # another loader moved it to the archive (or rejected): look again
            except OSError as failure:
                raise LoadError(
                    f"{delivery.name}: {_why(failure)}; nothing was committed and it stays in "
                    f"{folders.inbox} for a retry"
                ) from failure
        raise LoadError(f"{delivery.name}: the file kept moving while it was read")

    return logged({"source": source.name, "delivery": delivery.key, "run_id": run_id}, attempt)


def _ingest_where_it_is(
    source: SourceSpec,
    delivery: Delivery,
    folders: Folders,
    engine: sa.Engine,
    run_id: str,
    reload: bool,
) -> IngestReport:
    with folders.fetch(delivery) as path:
        if path is None:
            raise BadFileError(
                delivery.name,
                f"delivery {delivery.key} is in none of {folders.inbox}, {folders.archive}, "
                f"{folders.rejected} (replaced in the inbox by a newer delivery?)",
                rule=Refusal.MISSING_DELIVERY,
            )
        try:
            report = load_checked(
                source, path, delivery.key, engine, run_id, reload, lambda: folders.check(path)
            )
        except BadFileError as error:
            # What was read may be torn (an upload rewritten in place): then it is no verdict
            # on the file, which changed and loads later as what it became (LoadError).
            folders.check(path)
            try:
                error.report_location = str(folders.reject_file(path, delivery, error.as_report()))
            except OSError as failure:
                error.reason += (
                    f"; it stays in {folders.inbox} because moving it to {folders.rejected} "
                    f"failed ({_why(failure)}), and its next load rejects it again"
                )
            raise
        return _finish(report, folders, path, delivery)


def _finish(report: IngestReport, folders: Folders, path: Path, delivery: Delivery) -> IngestReport:
    """After the commit: set a second table aside, then archive the file, each done once.

    The rows are committed whatever happens here. A folder that refuses the move (full,
    read-only, gone) leaves the delivery loaded with ``pending`` saying what is left and why;
    its file stays where it is, and the next load of it, a duplicate then, finishes the work.
    """
    pending: list[str] = []
    line = report.dialect.table_end_line
    if line is not None and delivery.key in (report.partition_key, report.duplicate_of):
        try:
            report = replace(report, set_aside=set_aside(folders, path, delivery, report, line))
        except OSError as failure:
            pending.append(f"setting aside its lines from {line} on failed ({_why(failure)})")
    try:
        report = replace(report, file=str(folders.archive_file(path, delivery)))
    except OSError as failure:
        pending.append(f"moving it to {folders.archive} failed ({_why(failure)})")
    if not pending:
        return report
    log.warning("%s: loaded, but %s", delivery.name, "; ".join(pending))
    return replace(
        report,
        file=str(folders.inbox) + "/" + delivery.name,
        pending=f"{'; '.join(pending)}; the next load of this delivery finishes it",
    )


def _why(failure: OSError) -> str:
    """An OS error in a few words: its reason and the path it names."""
    if not failure.strerror:
        return str(failure) or type(failure).__name__
    where = f": {failure.filename}" if failure.filename else ""
    return f"{failure.strerror}{where}"
