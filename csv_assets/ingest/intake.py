"""``ingest_file``: a delivery from its folder, loaded once, then archived or rejected.

Local and remote folders alike: the delivery is fetched (a remote one spooled), loaded by
``load_checked``, then moved to the archive, or to rejected beside its report.
"""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from csv_assets.ingest.catalog import SourceSpec
from csv_assets.ingest.deliveries import Delivery
from csv_assets.ingest.events import logged
from csv_assets.ingest.extra_tables import set_aside
from csv_assets.ingest.folders import Folders
from csv_assets.ingest.report import IngestReport
from csv_assets.ingest.service import load_checked
from csv_assets.pipeline.errors import BadFileError, LoadError


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
        LoadError: The database failed (transient); the file stays where it was.
    """

    def attempt() -> IngestReport:
        for _ in range(2):
            try:
                return _ingest_where_it_is(source, delivery, folders, engine, run_id, reload)
            except FileNotFoundError:
                continue  # another loader moved it to the archive (or rejected): look again
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
                rule="missing_delivery",
            )
        try:
            report = load_checked(source, path, delivery.key, engine, run_id, reload)
        except BadFileError as error:
            error.report_location = str(folders.reject_file(path, delivery, error.as_report()))
            raise
        line = report.dialect.get("table_end_line")
        if line is not None and report.status == "loaded":
            report = replace(report, set_aside=set_aside(folders, path, delivery, report, line))
        return replace(report, file=str(folders.archive_file(path, delivery)))
