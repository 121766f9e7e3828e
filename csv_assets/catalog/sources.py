"""The catalog: one ``SourceSpec`` per CSV source, read from the sources' component YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from csv_assets.catalog.cron_period import period_hours
from csv_assets.catalog.drop_paths import checked_drop_folder
from csv_assets.catalog.evolution import SchemaEvolution
from csv_assets.catalog.field_checks import checked_cron, checked_owners
from csv_assets.catalog.pins import DialectPins
from csv_assets.pipeline.validate import import_model
from csv_assets.storage import NameDate, compile_format, is_remote

IDENTIFIER = r"^[a-z][a-z0-9_]{0,62}$"


class SourceSpec(BaseModel):
    """A CSV source: where its files drop, what they must look like, and where they load."""

    # inf and NaN pass every bound and fail later (a sensor tick's OverflowError): refused.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(pattern=IDENTIFIER, description="Source name; also the asset key.")
    schema_model: str = Field(
        description="The pandera DataFrameModel, as 'package.module:ClassName'."
    )
    table: str | None = Field(
        default=None, pattern=IDENTIFIER, description="Target table; defaults to the name."
    )
    description: str | None = Field(default=None, description="What the table holds.")
    load_mode: Literal["append", "replace", "upsert"] = Field(
        default="append",
        description="append: each file adds its rows (a reload replaces exactly them); "
        "replace: the newest file is the table; upsert: a file's rows replace the rows with "
        "the same key_columns (last file wins).",
    )
    key_columns: list[str] = Field(default_factory=list, description="Columns naming a row.")
    owners: list[str] = Field(default_factory=list, description="Emails or team:name owners.")
    group: str = Field(default="csv_sources", description="Asset group in the UI.")
    drop_folder: str | None = Field(
        default=None,
        description="Drop folder: below the data folder (inbox/<name> if unset), an s3:// or "
        "sftp:// URL, or an absolute path below a folder listed in CSV_ASSETS_DROP_ROOTS.",
    )
    file_pattern: str | None = Field(
        default=None,
        min_length=1,
        pattern=r"^[^/\x00]+$",
        description="Only files whose name matches this glob are deliveries ('*.csv', "
        "'orders_*.csv.gz'; case-insensitive); others are left where they are, unread.",
    )
    settle_seconds: float = Field(
        default=10.0,
        ge=0,
        le=86_400,
        description="How long size and mtime must hold still before a load (a day at most).",
    )
    max_rejected_rows: int | None = Field(
        default=None, ge=0, description="Error budget: most rejected rows a file may have."
    )
    max_rejected_fraction: float | None = Field(
        default=None, ge=0, le=1, description="Error budget: most rejected rows, as a fraction."
    )
    schema_evolution: SchemaEvolution = Field(
        default_factory=SchemaEvolution,
        description="When a feed changes: a mode for a new column, a missing one, and a value "
        "that does not fit its column's type. The defaults reject or quarantine.",
    )
    on_seen_key: Literal["warn", "quarantine", "skip", "reject"] = Field(
        default="warn",
        description="append with key_columns: a row whose key an earlier delivery loaded. "
        "warn (it loads; the delivery's unique_keys check warns), quarantine (the row, with "
        "the reason), skip (the row is not loaded, and counted), or reject (the delivery).",
    )
    on_drift: Literal["warn", "fail"] = Field(
        default="warn",
        description="A delivery written differently from the previous one (encoding, "
        "delimiter, columns added, removed, renamed or retyped): warn (it loads, and the "
        "dialect_drift check warns) or fail (it is rejected before anything loads, with a "
        "report of what changed).",
    )
    on_extra_table: Literal["set_aside", "fail"] = Field(
        default="set_aside",
        description="A second table further down a file (a new header after a blank line): "
        "set_aside loads the first table and copies the lines from the second one on into "
        "the rejected folder, beside a report naming the line; fail rejects the file.",
    )
    blocking_rules: list[str] = Field(
        default_factory=list,
        description="Rules, named as their checks are (status__isin, frame__unique_key...), "
        "that a delivery may not break at all: one failing row rejects the whole delivery "
        "(nothing loads) instead of going to quarantine, and their checks block downstream.",
    )
    dialect: DialectPins = Field(
        default_factory=DialectPins,
        description="Dialect fields the source fixes instead of letting the sniffer decide.",
    )
    allow_empty: bool = Field(
        default=False,
        description="replace: whether a delivery with no rows may empty the table. By default "
        "it is held back with a report, before anything commits.",
    )
    max_shrink: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="replace: the largest share of the table's rows one delivery may take away "
        "(0.5: a delivery with under half the rows the table has is held back with a report).",
    )
    deliveries_per_run: int = Field(
        default=50,
        ge=1,
        le=1000,
        description="Most settled files one run loads, one partition each: a run pays "
        "Dagster's process start once for all of them.",
    )
    chunk_rows: int = Field(
        default=50_000, ge=100, description="Rows validated and written at once."
    )
    freshness_hours: float | None = Field(
        default=None,
        ge=0,
        description="Stale (Dagster's freshness fails, status says stale, an alert goes out) "
        "once no delivery loaded for this many hours. Unset: one and a half times the "
        "longest gap of sweep_cron (36 for a daily sweep), an hour at least; 0: no freshness "
        "policy.",
    )
    key_from: Literal["mtime", "name_date"] = Field(
        default="mtime",
        description="What a delivery's partition key starts with: its file's modification "
        "time, or the business date in its name (key_format says where).",
    )
    key_format: str | None = Field(
        default=None,
        description="key_from name_date: the files' names with their date, as "
        "'orders_%Y-%m-%d.csv' (%Y %y %m %d %H %M %S, * for any text; UTC). A name that does "
        "not fit is keyed by its modification time.",
    )
    sweep_cron: str = Field(
        default="0 6 * * *", description="When the sweep schedule checks the drop folder."
    )

    @field_validator("drop_folder")
    @classmethod
    def _inside_the_data_folder(cls, value: str | None) -> str | None:
        return checked_drop_folder(value)

    @field_validator("owners")
    @classmethod
    def _owners(cls, value: list[str]) -> list[str]:
        return checked_owners(value)

    @field_validator("sweep_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        return checked_cron(value)

    @model_validator(mode="after")
    def _keys_and_freshness(self) -> SourceSpec:
        if (self.key_from == "name_date") != (self.key_format is not None):
            raise ValueError("key_from: name_date and key_format go together")
        if self.key_format is not None:
            compile_format(self.key_format)
        period_hours(self.sweep_cron)  # a field out of its range is refused here
        return self

    @model_validator(mode="after")
    def _schema_reference(self) -> SourceSpec:
        if ":" not in self.schema_model:
            raise ValueError("schema_model must look like 'package.module:ClassName'")
        if self.load_mode == "upsert" and not self.key_columns:
            raise ValueError("load_mode upsert needs key_columns")
        if self.on_seen_key != "warn" and (self.load_mode != "append" or not self.key_columns):
            raise ValueError(
                f"on_seen_key: {self.on_seen_key} needs key_columns and load_mode append "
                "(replace and upsert already keep one row per key)"
            )
        try:
            columns = list(import_model(self.schema_model).to_schema().columns)
        except (ImportError, AttributeError, TypeError) as error:
            raise ValueError(f"schema_model {self.schema_model!r} does not load: {error}") from None
        missing = [key for key in self.key_columns if key not in columns]
        if missing:
            raise ValueError(
                f"key_columns {missing} are not columns of {self.schema_model} "
                f"(it has {', '.join(columns)})"
            )
        return self

    @property
    def table_name(self) -> str:
        """The target table."""
        return self.table or self.name

    @property
    def freshness_window_hours(self) -> float | None:
        """Hours without a delivery after which the source is stale; None: never stale."""
        if self.freshness_hours is not None:
            return self.freshness_hours or None
        return max(1.0, round(1.5 * period_hours(self.sweep_cron), 2))

    @property
    def keying(self) -> NameDate | None:
        """How a delivery's key is read from its name; None: from its modification time."""
        return NameDate(self.key_format) if self.key_format else None

    @property
    def inbox(self) -> str:
        """The drop folder relative to the data folder."""
        return self.drop_folder or f"inbox/{self.name}"

    def drop_location(self, data_dir: Path) -> str:
        """Where files of this source drop, as a user finds it: a URL, or an absolute path."""
        if is_remote(self.inbox):
            return self.inbox
        return str((data_dir / self.inbox).resolve())

    def budget_spent(self, rejected: int) -> bool:
        """Whether ``rejected`` rows alone break the budget, however many rows follow."""
        if self.max_rejected_rows is None:
            return self.max_rejected_fraction is None and rejected > 0
        return rejected > self.max_rejected_rows

    def budget_exceeded(self, rejected: int, read: int) -> bool:
        """Whether ``rejected`` of ``read`` rows breaks this source's error budget (none: zero)."""
        if self.max_rejected_rows is None and self.max_rejected_fraction is None:
            return rejected > 0
        over_rows = self.max_rejected_rows is not None and rejected > self.max_rejected_rows
        over_share = (
            self.max_rejected_fraction is not None
            and rejected > self.max_rejected_fraction * max(read, 1)
        )
        return over_rows or over_share
