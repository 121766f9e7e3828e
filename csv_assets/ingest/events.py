"""Structured logs: one JSON object per delivery event, for operators who grep and ship logs.

Opt in with ``CSV_ASSETS_LOG_FORMAT=json``: every delivery loaded, found a duplicate, rejected
or held back by the database is then written to stderr as one line, e.g.

    {"ts": "2026-12-02T10:15:00.123Z", "event": "delivery_loaded", "source": "orders",
     "delivery": "2026-12-02 10:14:55.000Z orders.csv", "sha256": "...", "rows_loaded": 27, ...}

The Dagster run worker, the Celery workers and the CLI all load through ``ingest_file``, so
the same lines come out of each.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from csv_assets.pipeline.errors import BadFileError, LoadError

if TYPE_CHECKING:
    from csv_assets.ingest.report import IngestReport

EVENTS = logging.getLogger("csv_assets.events")
ENV = "CSV_ASSETS_LOG_FORMAT"


class JsonFormatter(logging.Formatter):
    """A record's event fields as one JSON object (its message if it carries none)."""

    def format(self, record: logging.LogRecord) -> str:
        """One line: timestamp, level, the event and its fields."""
        moment = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, Any] = {
            "ts": f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields is None:
            line["message"] = record.getMessage()
        else:
            line.update(event=record.getMessage(), **fields)
        return json.dumps(line, default=str, separators=(",", ":"))


def configure_logging() -> None:
    """Send the delivery events to stderr as JSON, if ``CSV_ASSETS_LOG_FORMAT=json`` (once)."""
    if os.environ.get(ENV, "").lower() != "json":
        return
    if any(isinstance(h.formatter, JsonFormatter) for h in EVENTS.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    EVENTS.addHandler(handler)
    EVENTS.setLevel(logging.INFO)
    EVENTS.propagate = False


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one delivery event with its fields (source, delivery, sha256, counts, timings...)."""
    EVENTS.log(level, event, extra={"fields": fields})


def logged(fields: dict[str, Any], load: Callable[[], IngestReport]) -> IngestReport:
    """Run ``load`` and log what became of the delivery: loaded, duplicate, rejected, held back."""
    try:
        report = load()
    except BadFileError as error:
        log_event("delivery_rejected", logging.WARNING, **fields, **error.as_report())
        raise
    except LoadError as error:
        log_event("delivery_held_back", logging.WARNING, **fields, reason=str(error))
        raise
    log_event(f"delivery_{report.status}", **fields, **report.log_fields())
    return report
