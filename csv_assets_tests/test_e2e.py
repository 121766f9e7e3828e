"""End to end: the real webserver and daemon load a dropped file; seen through GraphQL."""

import shutil
import time

import pytest

from csv_assets.ingest import Delivery
from csv_assets_tests.conftest import REPO
from csv_assets_tests.dagster_processes import free_port, graphql, scratch_project, start_dev, stop

pytestmark = pytest.mark.e2e
DEADLINE = 240
QUERY = """{ assetNodes { assetKey { path }
  assetMaterializations(limit: 10) { partition metadataEntries { label
    ... on IntMetadataEntry { intValue } } } } }"""


def materializations(port: int, asset: str) -> list[dict]:
    nodes = graphql(f"http://127.0.0.1:{port}", QUERY)["assetNodes"]
    return next(n["assetMaterializations"] for n in nodes if n["assetKey"]["path"] == [asset])


def test_a_dropped_file_becomes_a_materialized_partition(tmp_path):
    project = scratch_project(tmp_path, REPO / "dagster_home" / "dagster.yaml")
    (project / "data" / "inbox" / "payments").mkdir()
    port = free_port()
    server = start_dev(project, port)
    try:
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                materializations(port, "payments")
                break
            except OSError:
                assert time.monotonic() < deadline, "webserver did not come up"
                time.sleep(2)
        sample = REPO / "data" / "inbox" / "payments" / "payments_2026-11-01.psv"
        shutil.copy(sample, project / "data" / "inbox" / "payments" / "drop.psv")
        while not (found := materializations(port, "payments")):
            assert time.monotonic() < deadline, "no materialization of payments appeared"
            time.sleep(3)
    finally:
        stop(server)

    (event,) = found
    assert Delivery.from_key(event["partition"]).name == "drop.psv"
    rows = {e["label"]: e.get("intValue") for e in event["metadataEntries"]}
    assert rows["dagster/row_count"] == 12 and rows["rows_rejected"] == 0
    assert list((project / "data" / "archive" / "payments").rglob("drop.psv"))
