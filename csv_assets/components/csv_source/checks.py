"""Checks that query a source's table after a load: key uniqueness across all deliveries."""

import dagster as dg
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.resources import Warehouse

SAMPLE_KEYS = 10


def build_key_check(source: SourceSpec) -> dg.AssetChecksDefinition | None:
    """Build the check that no key value appears twice in the table, if the source has keys."""
    if not source.key_columns:
        return None

    @dg.asset_check(
        asset=dg.AssetKey(source.name),
        name="unique_keys",
        description=f"No two rows share ({', '.join(source.key_columns)}) across all deliveries.",
    )
    def _unique_keys(warehouse: Warehouse) -> dg.AssetCheckResult:
        table = sa.Table(source.table_name, sa.MetaData(), autoload_with=warehouse.reader)
        keys = [table.c[name] for name in source.key_columns]
        duplicates = (
            sa.select(*keys, sa.func.count().label("copies"))
            .group_by(*keys)
            .having(sa.func.count() > 1)
            .subquery()
        )
        with warehouse.reader.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(duplicates)).scalar_one()
            sample = conn.execute(sa.select(duplicates).limit(SAMPLE_KEYS)).mappings().all()
        return dg.AssetCheckResult(
            passed=total == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "duplicate_keys": total,
                "sample": dg.MetadataValue.json(
                    [{k: str(v) for k, v in r.items()} for r in sample]
                ),
            },
        )

    return _unique_keys
