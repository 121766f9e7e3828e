"""The clean tables the sniffer's corpora pollute: orders, a ledger, a wide sensor log, a list."""

from __future__ import annotations

import random

from csv_assets_support.scripts import WESTERN, Script

Table = list[list[str]]
"""A header and rows of cell text."""


def base_tables(rows: int = 40, seed: int = 7, script: Script = WESTERN) -> dict[str, Table]:
    """Clean tables of the kinds partners send: orders, a ledger, a wide sensor log, a list.

    Names, cities and words are the ``script``'s.
    """
    rng = random.Random(seed)
    first_names, cities, words = script.first_names, script.cities, script.words
    notes = ["", "gift wrap", 'said "urgent"', "call, then ship", "2nd floor"]
    if script is not WESTERN:
        notes[1:4] = [words[8], f'"{words[5]}"', f"{words[6]}, {words[0]}"]
    orders = [["order_id", "customer", "city", "ordered_at", "amount", "note"]]
    ledger = [["Buchungstag", "Konto", "Betrag", "Verwendungszweck"]]
    sensors = [["ts", *(f"sensor_{i:02d}" for i in range(1, 41))]]
    names = [["name"]]
    for i in range(rows):
        note = rng.choice(notes)
        if rng.random() < 0.1:
            note = "deliver to\nback door"
        orders.append(
            [
                str(1000 + i),
                script.name(rng.choice(first_names), rng.choice(script.surnames)),
                rng.choice(cities),
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
                f"Rechnung {rng.randrange(10**5)} {rng.choice(words)}",
            ]
        )
        sensors.append([f"{i:04d}", *(f"{rng.gauss(20, 5):.3f}" for _ in range(40))])
        names.append([f"{rng.choice(first_names)} {rng.choice(cities)}"])
    return {"orders": orders, "ledger": ledger, "sensors": sensors, "names": names}
