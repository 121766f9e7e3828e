"""Payments deliveries of any size, as the sample source's partner writes them."""

from __future__ import annotations

from pathlib import Path

HEADER = "payment_id|order_id|paid_at|amount|currency|method|captured\n"


def write_payments(path: Path, rows: int, first_id: int = 0) -> Path:
    """A valid pipe-separated payments delivery of ``rows`` rows, ids from ``first_id``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as out:
        out.write(HEADER)
        for i in range(first_id, first_id + rows):
            minute = i % 1440
            out.write(
                f"PAY-{i:06d}|{50000 + i % 977}|2026-11-01 {minute // 60:02d}:{minute % 60:02d}:00"
                f"|{10 + i % 500}.{i % 100:02d}|EUR|card|{'yes' if i % 3 else 'no'}\n"
            )
    return path
