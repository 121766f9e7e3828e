"""``csv-assets schema``: a feed widened a column; the model catches up in a reviewable diff."""

import pytest

from csv_assets_support.counts import MODEL
from csv_assets_tests.commands.conftest import cli


def test_schema_shows_the_widening_and_writes_the_model_to_match(counts_project, database_url):
    if database_url.startswith("mysql"):
        pytest.skip("MySQL commits a widening at once: validate stops before it, saying so")
    project = counts_project
    for line, count in ((1, "3"), (2, "2.5")):
        path = project / f"counts_{line}.csv"
        path.write_text(f"line_id,count,note\n{line},{count},\n")
        checked = cli(project, database_url, "validate", str(path), "--source", "counts")
        loaded = cli(project, database_url, "load", str(path), "--source", "counts")
        assert loaded.returncode == 0, loaded.stderr
    assert "would widen: count: BIGINT -> NUMERIC(19,1)" in checked.stdout
    assert "widened: count: BIGINT -> NUMERIC(19,1)" in loaded.stdout

    shown = cli(project, database_url, "schema", "counts")
    written = cli(project, database_url, "schema", "counts", "--write-model")
    again = cli(project, database_url, "schema", "counts")

    assert shown.returncode == 0, shown.stderr
    assert "count                    NUMERIC(19,1)  widened from BIGINT" in shown.stdout
    assert "count: BIGINT -> NUMERIC(19,1) by counts_2.csv" in shown.stdout
    assert (
        '-    count: Series[int] = pa.Field(ge=0, description="Items counted.")  # a count, for now'
        in shown.stdout
    )
    assert (
        '+    count: Series[pa.dtypes.Decimal] = pa.Field(dtype_kwargs={"precision": 19, '
        '"scale": 1}, ge=0, description="Items counted.")  # a count, for now' in shown.stdout
    )
    assert written.returncode == 0 and "wrote" in written.stdout
    assert again.returncode == 0 and "the model matches the table" in again.stdout
    model = (project / "csv_assets" / "schemas" / "counts.py").read_text()
    assert model.count("\n") == MODEL.count("\n") and "line_id: Series[int]" in model
