"""Bringing a warehouse to this release: its control tables' layout, and a loader role's rights."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from csv_assets.pipeline.load import grant_loader, migrate


@dataclass(frozen=True)
class Upgrade:
    """What ``upgrade_warehouse`` found and did."""

    found: int | None
    """The layout before: None for a warehouse without csv_assets tables, 0 for the first
    release's (unversioned) tables."""
    layout: int
    """The layout the control tables have now: this release's."""
    granted: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line: what changed."""
        if self.found == self.layout:
            return f"the csv_assets tables already have layout {self.layout}: nothing to do"
        if self.found is None:
            return f"created the csv_assets tables (layout {self.layout})"
        return f"upgraded the csv_assets tables from layout {self.found} to {self.layout}"


def upgrade_warehouse(engine: sa.Engine, grant: str | None = None) -> Upgrade:
    """Upgrade the control tables (as their owner), then let ``grant`` load, if given.

    Raises:
        LoadError: The warehouse is newer than this release, or ``grant`` on a database that
            is not PostgreSQL (permanent).
    """
    found, layout = migrate(engine)
    granted: list[str] = []
    if grant:
        with engine.begin() as conn:
            granted = grant_loader(conn, grant)
    return Upgrade(found, layout, tuple(granted))
