"""``csv-assets replay``: rescued cells move home once the model takes them, from a terminal."""

from pathlib import Path

from csv_assets_support.counts import source_yaml
from csv_assets_tests.commands.conftest import cli

LEARNED = """
    meter_no: Series[str] = pa.Field(nullable=True, description="The meter read.")
"""


def test_replay_moves_a_new_columns_rescued_cells_once_the_model_has_it(
    counts_project: Path, database_url: str
):
    project = counts_project
    (project / "csv_assets" / "defs" / "sources" / "counts" / "defs.yaml").write_text(
        source_yaml(new_column="rescue")
    )
    path = project / "counts_1.csv"
    path.write_text("line_id,count,note,Meter No\n1,3,,M-7\n2,4,,\n")
    loaded = cli(project, database_url, "load", str(path), "--source", "counts")
    model = project / "csv_assets" / "schemas" / "counts.py"
    model.write_text(model.read_text() + LEARNED)

    replayed = cli(project, database_url, "replay", "counts")
    again = cli(project, database_url, "replay", "counts")

    assert loaded.returncode == 0, loaded.stderr
    assert "rescued into _rescued_data: 1 cell(s) of meter_no" in loaded.stdout
    assert replayed.returncode == 0, replayed.stderr
    assert "counts: 1 rescued cell(s) moved into their columns, 0 still rescued" in replayed.stdout
    assert "rescued cell(s)" not in again.stdout
