"""Reading the catalog: every ``defs.yaml`` of type CsvSource, checked one source at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from csv_assets.catalog.sources import SourceSpec
from csv_assets.catalog.templates import rendered

DEFS_DIR = Path(__file__).parent.parent / "defs"
"""The project's ``defs_module`` (``[tool.dg.project]``): Dagster loads components from it all."""


class CatalogError(ValueError):
    """A source's YAML is not a valid source: one line naming the file, the field and why."""


def load_catalog(defs_dir: Path = DEFS_DIR) -> dict[str, SourceSpec]:
    """Read every ``defs.yaml`` of type CsvSource below ``defs_dir``, keyed by source name.

    Raises:
        CatalogError: A YAML file does not parse, or does not describe a valid source.
    """
    catalog, problems = read_catalog(defs_dir)
    if problems:
        raise problems[0]
    return catalog


def read_catalog(
    defs_dir: Path = DEFS_DIR,
) -> tuple[dict[str, SourceSpec], list[CatalogError]]:
    """The valid sources below ``defs_dir``, and one ``CatalogError`` per broken YAML.

    What an operator's tool works from: one broken source is said, and the others still work.
    """
    catalog: dict[str, SourceSpec] = {}
    problems: list[CatalogError] = []
    for path in sorted(defs_dir.rglob("defs.yaml")):
        try:
            documents = [doc or {} for doc in yaml.safe_load_all(path.read_text())]
        except yaml.YAMLError as error:
            problems.append(CatalogError(f"{path}: not YAML ({str(error).splitlines()[0]})"))
            continue
        # One file may declare several components, as Dagster reads it: ``---`` between them.
        for document in documents:
            if not isinstance(document, dict) or not _is_source(document):
                continue
            try:
                spec = _read_source(path, document, catalog)
            except CatalogError as problem:
                problems.append(problem)
                continue
            catalog[spec.name] = spec
    return catalog, problems


def _is_source(document: dict[str, Any]) -> bool:
    """Whether a component declaration is a ``CsvSource``'s (by its type's last name)."""
    return str(document.get("type", "")).rpartition(".")[2] == "CsvSource"


def _read_source(
    path: Path, document: dict[str, Any], catalog: dict[str, SourceSpec]
) -> SourceSpec:
    """The source a ``path``'s component ``document`` declares, checked against ``catalog``."""
    try:
        attributes = rendered(document.get("attributes", {}))
    except ValueError as error:
        raise CatalogError(f"{path}: {error}") from None
    try:
        spec = SourceSpec.model_validate(attributes)
    except ValidationError as error:
        raise CatalogError(f"{path}: {_first_problem(error)}") from None
    if spec.name in catalog:
        raise CatalogError(f"{path}: source {spec.name!r} is declared twice")
    for other in catalog.values():
        if other.table_name == spec.table_name and other.schema_model != spec.schema_model:
            raise CatalogError(
                f"{path}: source {spec.name!r} loads into table {spec.table_name!r}, as "
                f"{other.name!r} does, with another schema_model; give one its own table"
            )
    return spec


def _first_problem(error: ValidationError) -> str:
    """The first of a validation error's problems, as 'field: why', and how many there are."""
    problems = error.errors()
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "attributes"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {first['msg'].removeprefix('Value error, ')}{more}"
