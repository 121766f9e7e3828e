"""Write rejected rows to the quarantine table, with their raw cells and the rules they broke."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.tables import quarantine
from csv_assets.pipeline.validate import RejectedRow


def write_quarantine(
    conn: sa.Connection, rejected: Sequence[RejectedRow], lineage: Lineage
) -> None:
    """Insert rejected rows with their raw cells and the rules they broke."""
    if not rejected:
        return
    now = datetime.now(UTC)
    conn.execute(
        sa.insert(quarantine),
        [
            {
                "source": lineage.source,
                "sha256": lineage.sha256,
                "file_name": lineage.file_name,
                "line": row.line,
                "raw_cells": list(row.cells),
                "columns": ",".join(sorted({f.column for f in row.failures if f.column})) or None,
                "rule": row.failures[0].rule,
                "message": "; ".join(f.message for f in row.failures),
                "failures": [
                    {
                        "column": f.column,
                        "rule": f.rule,
                        "message": f.message,
                        "value": _json_safe(f.value),
                    }
                    for f in row.failures
                ],
                "run_id": lineage.run_id,
                "quarantined_at": now,
            }
            for row in rejected
        ],
    )


def _json_safe(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return None if value is None or pd.isna(value) else str(value)
    return value
