"""``unique_keys``, per delivery: rows whose key an earlier delivery of the source loaded."""

import dagster as dg

from csv_assets.catalog import SourceSpec
from csv_assets.ingest import IngestReport

UNIQUE_KEYS = "unique_keys"
SEEN_KEY_ACTION = {
    "warn": "they load, and this check warns",
    "quarantine": "they go to quarantine",
    "skip": "they are skipped (not loaded, counted)",
    "reject": "the delivery is rejected before it loads",
}


def keys_description(source: SourceSpec) -> str:
    """What the check says, for the source's load mode and ``on_seen_key``."""
    keys = ", ".join(source.key_columns)
    if source.load_mode != "append":
        return f"Passes: {source.load_mode} keeps one row per key ({keys})."
    return (
        f"Warns when rows of the delivery carry a key ({keys}) an earlier delivery loaded: "
        f"{SEEN_KEY_ACTION[source.on_seen_key]} (on_seen_key: {source.on_seen_key})."
    )


def keys_result(report: IngestReport, source: SourceSpec) -> dg.AssetCheckResult:
    """``unique_keys``: rows that repeated an earlier delivery's key, and what became of them."""
    seen = report.keys_seen_before
    keys = ", ".join(source.key_columns)
    if source.load_mode != "append":
        description = f"{source.load_mode}: the table keeps one row per key ({keys})"
    elif seen:
        description = (
            f"warning: {seen} row(s) carry a key ({keys}) an earlier delivery loaded; "
            f"{SEEN_KEY_ACTION[source.on_seen_key]}"
        )
    else:
        description = f"no row carries a key ({keys}) an earlier delivery loaded"
    return dg.AssetCheckResult(
        check_name=UNIQUE_KEYS,
        passed=seen == 0 or source.load_mode != "append",
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={"rows_with_seen_keys": seen, "rows_skipped": report.rows_skipped},
    )
