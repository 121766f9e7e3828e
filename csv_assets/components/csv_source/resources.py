"""Resources: the warehouse (owns the SQLAlchemy engine) and the drop folders."""

from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from pydantic import Field, PrivateAttr

from csv_assets.ingest import SourceFolders, SourceSpec, create_warehouse_engine


class Warehouse(dg.ConfigurableResource):
    """The database every source loads into; one engine per run, disposed when the run ends."""

    database_url: str = Field(
        description="SQLAlchemy URL: sqlite:///data/warehouse.db (default) or "
        "postgresql+psycopg://user@host:5432/db."
    )
    _engine: sa.Engine | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Create the engine once for the run."""
        self._engine = create_warehouse_engine(self.database_url)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """Close every pooled connection."""
        if self._engine is not None:
            self._engine.dispose()

    @property
    def engine(self) -> sa.Engine:
        """The run's engine."""
        if self._engine is None:
            self._engine = create_warehouse_engine(self.database_url)
        return self._engine


class DropFolders(dg.ConfigurableResource):
    """Where deliveries drop (inbox/), and where they go after a load (archive/, rejected/)."""

    data_dir: str = Field(description="Folder holding inbox/, archive/ and rejected/.")

    def folders(self, source: SourceSpec) -> SourceFolders:
        """The inbox, archive and rejected folders of ``source``."""
        return SourceFolders.under(Path(self.data_dir), source.name, source.inbox)
