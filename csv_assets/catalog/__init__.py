"""The sources: each ``defs.yaml`` read, rendered and checked the way Dagster reads it.

A ``SourceSpec`` says where a source's files drop, what they must look like (its pandera
model, its dialect pins) and where they load; ``folders_for`` gives its folders.
"""

from csv_assets.catalog.evolution import SchemaEvolution
from csv_assets.catalog.folders import folders_for
from csv_assets.catalog.pins import DIALECT_PINS, DialectPins
from csv_assets.catalog.reading import CatalogError, load_catalog, read_catalog
from csv_assets.catalog.sources import IDENTIFIER, SourceSpec

__all__ = [
    "DIALECT_PINS",
    "IDENTIFIER",
    "CatalogError",
    "DialectPins",
    "SchemaEvolution",
    "SourceSpec",
    "folders_for",
    "load_catalog",
    "read_catalog",
]
