"""Resources: the warehouse (owns the SQLAlchemy engine) and the drop folders (own the stores)."""

import os
from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from pydantic import Field, PrivateAttr

from csv_assets.catalog import SourceSpec, folders_for
from csv_assets.ingest import create_warehouse_engine, reader
from csv_assets.storage import SETTINGS_ENV, Folders, RemoteSettings, is_remote

DATA_DIR_ENV = "CSV_ASSETS_DATA_DIR"


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

    @property
    def reader(self) -> sa.Engine:
        """The run's engine for work that only reads: it never waits for a load to commit."""
        return reader(self.engine)


class DropFolders(dg.ConfigurableResource):
    """Where deliveries drop, and where they go after a load (archive/, rejected/).

    A source's ``drop_folder`` is a path below ``data_dir`` or a remote URL (``s3://``,
    ``sftp://``); remote files are read through a local spool, one delivery at a time.
    """

    data_dir: str = Field(description="Folder holding inbox/, archive/ and rejected/.")
    spool_dir: str | None = Field(
        default=None, description="Where remote deliveries are spooled; <data_dir>/spool if unset."
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="An S3-compatible endpoint (MinIO, moto); AWS if unset."
    )
    sftp_password: str | None = Field(default=None, description="SFTP password, if no key.")
    sftp_key_file: str | None = Field(default=None, description="SFTP private key file.")
    sftp_key_passphrase: str | None = Field(
        default=None, description="What decrypts the SFTP key file, if it is encrypted."
    )
    sftp_known_hosts: str | None = Field(
        default=None,
        description="known_hosts naming the SFTP servers; ~/.ssh/known_hosts if unset.",
    )
    _opened: dict[str, Folders] = PrivateAttr(default_factory=dict)

    def settings(self) -> RemoteSettings:
        """How remote folders are reached, and the spool."""
        return RemoteSettings(
            spool_dir=Path(self.spool_dir or Path(self.data_dir) / "spool"),
            s3_endpoint_url=self.s3_endpoint_url,
            sftp_password=self.sftp_password,
            sftp_key_file=self.sftp_key_file,
            sftp_key_passphrase=self.sftp_key_passphrase,
            sftp_known_hosts=self.sftp_known_hosts,
        )

    def run_locks(self) -> Path:
        """Where load steps hold their runs' locks: what tells a live run from a dead one."""
        return self.settings().spool_dir / "runs"

    def location(self, source: SourceSpec) -> str:
        """Where ``source``'s files drop, as this resource's runs will find it (the UI shows it).

        Read before any run, from the same setting the runs resolve: a URL, an absolute path,
        or the inbox below a data folder whose environment variable is not set (yet).
        """
        data_dir: str | None = self.data_dir
        if isinstance(self.data_dir, dg.EnvVar):
            data_dir = self.data_dir.get_value()
        if data_dir is None and not is_remote(source.inbox):
            return f"{source.inbox} below ${DATA_DIR_ENV} (not set here)"
        return source.drop_location(Path(data_dir or "."))

    def folders(self, source: SourceSpec) -> Folders:
        """The inbox, archive and rejected folders of ``source``; one store per source a run."""
        if source.name not in self._opened:
            self._opened[source.name] = folders_for(source, Path(self.data_dir), self.settings())
        return self._opened[source.name]

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """Close the remote connections the run or tick opened."""
        for folders in self._opened.values():
            folders.close()
        self._opened.clear()


def drop_folders_from_env() -> DropFolders:
    """The ``drop_folders`` resource the code location binds: every setting an env var.

    Resolved by each run and tick; the asset's description reads the same setting.
    """
    return DropFolders(
        data_dir=dg.EnvVar(DATA_DIR_ENV),
        **{field: optional_env(name) for field, name in SETTINGS_ENV.items()},
    )


def optional_env(name: str) -> dg.EnvVar | None:
    """``name`` as a resource's env var if the environment sets it (the UI shows which)."""
    return dg.EnvVar(name) if os.environ.get(name) else None
