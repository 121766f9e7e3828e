"""The JSON report beside a rejected file (or a set-aside): written whole, read back leniently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def report_bytes(report: dict[str, Any]) -> bytes:
    """A report as the bytes of its file: indented JSON, one value a line."""
    return (json.dumps(report, indent=2, default=str) + "\n").encode()


def parsed_report(path: Path) -> dict[str, Any] | None:
    """The JSON object a report file at ``path`` holds; None if missing, unreadable or not one."""
    try:
        report = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None
