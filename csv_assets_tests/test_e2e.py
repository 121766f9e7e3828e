"""End to end: the real webserver and daemon load a dropped file; seen through GraphQL."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from csv_assets_tests.conftest import REPO

pytestmark = pytest.mark.e2e
DEADLINE = 240
QUERY = """{ assetNodes { assetKey { path }
  assetMaterializations(limit: 10) { partition metadataEntries { label
    ... on IntMetadataEntry { intValue } } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]


def materializations(port: int, asset: str) -> list[dict]:
    nodes = graphql(port, QUERY)["assetNodes"]
    return next(n["assetMaterializations"] for n in nodes if n["assetKey"]["path"] == [asset])


def stop(server: subprocess.Popen) -> None:
    """SIGTERM the whole process group; SIGKILL what has not gone after a minute.

    ``dagster dev`` waits for in-flight run workers on SIGTERM, which on a loaded machine can
    outlast the test; what the test checks was already read by then.
    """
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def test_a_dropped_file_becomes_a_materialized_partition(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(
        REPO,
        project,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "data", "dagster_home", "__pycache__", ".pytest_cache", ".env"
        ),
    )
    (project / "data" / "inbox" / "payments").mkdir(parents=True)
    (project / "dagster_home").mkdir()
    shutil.copy(REPO / "dagster_home" / "dagster.yaml", project / "dagster_home")
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(project / "dagster_home"),
        "CSV_ASSETS_DATABASE_URL": f"sqlite:///{project / 'data' / 'warehouse.db'}",
        "CSV_ASSETS_DATA_DIR": str(project / "data"),
    }
    dagster = Path(sys.executable).with_name("dagster")
    server = subprocess.Popen(
        [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
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
    assert event["partition"].startswith("drop.psv@")
    rows = {e["label"]: e.get("intValue") for e in event["metadataEntries"]}
    assert rows["dagster/row_count"] == 12 and rows["rows_rejected"] == 0
    assert list((project / "data" / "archive" / "payments").rglob("drop.psv"))
