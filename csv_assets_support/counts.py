"""A ``counts`` source whose partner's counts stop being whole: its model, YAML and files."""

from __future__ import annotations

from pathlib import Path

MODEL = (Path(__file__).parent / "counts_model.py").read_text()
"""The model's source, as a project's ``csv_assets/schemas/counts.py`` holds it."""


def source_yaml(**evolution: str) -> str:
    """The ``counts`` source's ``defs.yaml``; its ``schema_evolution`` widens by default."""
    settings = evolution or {"data_type": "widen"}
    return (
        "type: csv_assets.components.CsvSource\nattributes:\n  name: counts\n"
        "  schema_model: csv_assets.schemas.counts:Counts\n  schema_evolution:\n"
        + "".join(f"    {key}: {value}\n" for key, value in settings.items())
    )


def add_counts_source(project: Path, **evolution: str) -> Path:
    """Give a copy of the project (``scratch_project``) the ``counts`` source; its model file."""
    model = project / "csv_assets" / "schemas" / "counts.py"
    model.write_text(MODEL)
    folder = project / "csv_assets" / "defs" / "sources" / "counts"
    folder.mkdir(parents=True)
    (folder / "defs.yaml").write_text(source_yaml(**evolution))
    return model


def write_counts(path: Path, rows: int, first_id: int = 1, fraction: str = "") -> Path:
    """A ``counts`` delivery of ``rows`` rows; ``fraction`` (``.5``) ends each count with it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        out.write("line_id,count,note\n")
        for line in range(first_id, first_id + rows):
            out.write(f"{line},{line % 1000}{fraction},\n")
    return path
