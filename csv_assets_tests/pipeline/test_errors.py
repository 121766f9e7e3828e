"""Why a delivery is rejected: a fixed set of names that reports, checks and docs share."""

import json

from csv_assets.pipeline.errors import BadFileError, Refusal
from csv_assets_tests.conftest import REPO


def test_every_refusal_is_explained_in_the_operators_docs():
    operating = (REPO / "docs" / "operating.md").read_text()

    assert [r.value for r in Refusal if f"- `{r.value}`: " not in operating] == []


def test_a_refusal_travels_as_its_plain_name():
    error = BadFileError("x.csv", "cut short", line=3, rule=Refusal.TRUNCATED)

    assert error.describe() == "x.csv, line 3: cut short [truncated]"
    assert json.loads(json.dumps(error.as_report()))["rule"] == "truncated"
    assert type(error.rule) is str  # Dagster's metadata takes no enums
