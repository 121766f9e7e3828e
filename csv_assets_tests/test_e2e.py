"""End to end: the real webserver and daemon load a dropped file; seen through GraphQL."""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from csv_assets.storage import Delivery
from csv_assets_support.processes import free_port, graphql, scratch_project, start_dev, stop
from csv_assets_tests.conftest import REPO

pytestmark = pytest.mark.e2e
DEADLINE = 240
QUERY = """{ assetNodes { assetKey { path }
  assetMaterializations(limit: 10) { partition metadataEntries { label
    ... on IntMetadataEntry { intValue } } } } }"""
REPOSITORY = {"repositoryLocationName": "csv_assets", "repositoryName": "__repository__"}
ADD_PARTITION = """mutation($repository: RepositorySelector!, $key: String!) {
  addDynamicPartition(repositorySelector: $repository, partitionsDefName: "payments_deliveries",
    partitionKey: $key) { __typename } }"""
LAUNCH = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
STATUS = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"""


class Dev:
    """A running ``dagster dev`` of a scratch project, as ``make dev`` starts it."""

    def __init__(self, project: Path, port: int) -> None:
        self.project, self.url = project, f"http://127.0.0.1:{port}"

    def query(self, query: str, **variables: object) -> dict:
        return graphql(self.url, query, variables)

    def materializations(self, asset: str) -> list[dict]:
        nodes = self.query(QUERY)["assetNodes"]
        return next(n["assetMaterializations"] for n in nodes if n["assetKey"]["path"] == [asset])


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dev]:
    instance_yaml = REPO / "dagster_home" / "dagster.yaml"
    project = scratch_project(tmp_path_factory.mktemp("e2e"), instance_yaml)
    (project / "data" / "inbox" / "payments").mkdir()
    port = free_port()
    server = start_dev(project, port)
    running = Dev(project, port)
    try:
        deadline = time.monotonic() + DEADLINE
        while True:
            try:
                running.materializations("payments")
                break
            except OSError:
                assert time.monotonic() < deadline, "webserver did not come up"
                time.sleep(2)
        yield running
    finally:
        stop(server)


def test_a_dropped_file_becomes_a_materialized_partition(dev):
    sample = REPO / "data" / "inbox" / "payments" / "payments_2026-11-01.psv"
    shutil.copy(sample, dev.project / "data" / "inbox" / "payments" / "drop.psv")
    deadline = time.monotonic() + DEADLINE
    while not (found := dev.materializations("payments")):
        assert time.monotonic() < deadline, "no materialization of payments appeared"
        time.sleep(3)

    (event,) = found
    assert Delivery.from_key(event["partition"]).name == "drop.psv"
    rows = {e["label"]: e.get("intValue") for e in event["metadataEntries"]}
    assert rows["dagster/row_count"] == 12 and rows["rows_rejected"] == 0
    assert list((dev.project / "data" / "archive" / "payments").rglob("drop.psv"))


def test_a_partition_key_naming_a_path_reads_nothing_outside_the_drop_folder(dev, tmp_path):
    victim = tmp_path / "victim" / "secret.csv"
    victim.parent.mkdir()
    secret = "payment_id|order_id\nSECRET_API_KEY=hunter2|1\n"
    victim.write_text(secret)
    key = f"2026-12-04 17:40:32.334Z ../../../../..{victim}"
    dev.query(ADD_PARTITION, repository=REPOSITORY, key=key)
    params = {
        "selector": {**REPOSITORY, "jobName": "load_payments"},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": key}]},
    }
    launched = dev.query(LAUNCH, params=params)["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + DEADLINE
    while (status := dev.query(STATUS, id=run_id)["runOrError"]["status"]) not in (
        "SUCCESS",
        "FAILURE",
    ):
        assert time.monotonic() < deadline, f"run {run_id} still {status}"
        time.sleep(2)

    assert status == "SUCCESS"  # the refusal is the partition's failed check, not a failed run
    assert victim.read_text() == secret  # where it was, unread, unmoved
    data = dev.project / "data"
    assert not [p for p in data.rglob("*") if "secret" in p.name]
    log = (dev.project / "dagster.log").read_text()
    assert "refused partition" in log and "hunter2" not in log
