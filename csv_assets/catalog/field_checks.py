"""Checks of single source settings that Dagster would otherwise make later, its own way.

A setting the CLI took and Dagster refused (or the reverse) would make the two read one YAML
differently; each check here refuses what Dagster refuses, in the catalog's one line.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TEAM = re.compile(r"team:[^\s:]+")
CRON_FIELD = re.compile(r"[0-9A-Za-z*,/\-]+")


def checked_owners(owners: list[str]) -> list[str]:
    """``owners`` if each is an e-mail address or ``team:name``, as Dagster requires."""
    wrong = [o for o in owners if not (EMAIL.fullmatch(o) or TEAM.fullmatch(o))]
    if wrong:
        raise ValueError(f"owners {wrong}: each must be an e-mail address or team:<name>")
    return owners


def checked_cron(expression: str) -> str:
    """``expression`` if it is a five-field cron expression (``0 6 * * *``), as Dagster needs."""
    fields = expression.split()
    if len(fields) != 5 or not all(CRON_FIELD.fullmatch(f) for f in fields):
        raise ValueError(
            f"sweep_cron {expression!r} is not a five-field cron expression, such as '0 6 * * *'"
        )
    return expression
