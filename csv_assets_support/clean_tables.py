"""The clean tables the sniffer's corpora pollute: orders, a ledger, a wide sensor log, a list."""

from __future__ import annotations

import random

Table = list[list[str]]
"""A header and rows of cell text."""

FIRST_NAMES = ["Anna", "Ben", "Chloé", "Dário", "Eva", "Frank", "Gül", "Hana", "Ivo", "Jörg"]
CITIES = ["Berlin", "Paris", "Lisboa", "København", "Zürich", "Wien", "Praha", "Köln"]
WORDS = ["red", "blue", "large", "small", "fresh", "spare", "boxed", "loose", "new", "used"]


def base_tables(rows: int = 40, seed: int = 7) -> dict[str, Table]:
    """Clean tables of the kinds partners send: orders, a ledger, a wide sensor log, a list."""
    rng = random.Random(seed)
    orders = [["order_id", "customer", "city", "ordered_at", "amount", "note"]]
    ledger = [["Buchungstag", "Konto", "Betrag", "Verwendungszweck"]]
    sensors = [["ts", *(f"sensor_{i:02d}" for i in range(1, 41))]]
    names = [["name"]]
    for i in range(rows):
        note = rng.choice(["", "gift wrap", 'said "urgent"', "call, then ship", "2nd floor"])
        if rng.random() < 0.1:
            note = "deliver to\nback door"
        orders.append(
            [
                str(1000 + i),
                f"{rng.choice(FIRST_NAMES)} {rng.choice(WORDS).title()}",
                rng.choice(CITIES),
                f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} "
                f"{rng.randrange(24):02d}:{rng.randrange(60):02d}",
                f"{rng.randrange(100, 99999) / 100:.2f}",
                note,
            ]
        )
        euros = f"{rng.randrange(-500000, 500000) / 100:,.2f}"
        ledger.append(
            [
                f"{rng.randrange(1, 29):02d}.{rng.randrange(1, 13):02d}.2026",
                f"DE{rng.randrange(10**8):08d}",
                euros.replace(",", "_").replace(".", ",").replace("_", "."),
                f"Rechnung {rng.randrange(10**5)} {rng.choice(WORDS)}",
            ]
        )
        sensors.append([f"{i:04d}", *(f"{rng.gauss(20, 5):.3f}" for _ in range(40))])
        names.append([f"{rng.choice(FIRST_NAMES)} {rng.choice(CITIES)}"])
    return {"orders": orders, "ledger": ledger, "sensors": sensors, "names": names}
