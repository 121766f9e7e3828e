"""``csv-assets metrics --serve``: a scrape target Prometheus reads, fresh at every scrape."""

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from csv_assets_support.processes import free_port
from csv_assets_tests.conftest import REPO, SAMPLE_INBOX


def scrape(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = response.read().decode()
    return {
        f"{s.name}{sorted(s.labels.items())}": s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_the_served_metrics_follow_the_loads_and_the_drop_folders(tmp_path, database_url):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_INBOX / "payments", data / "inbox" / "payments")
    env = {**os.environ, "CSV_ASSETS_DATA_DIR": str(data), "CSV_ASSETS_DATABASE_URL": database_url}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "csv_assets.cli", "metrics", "--serve", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout.readline().startswith(f"serving metrics on http://127.0.0.1:{port}")
        url = f"http://127.0.0.1:{port}/metrics"
        before = scrape(url)
        (waiting,) = (data / "inbox" / "payments").iterdir()
        loaded = subprocess.run(
            [sys.executable, "-m", "csv_assets.cli", "load", str(waiting), "--source", "payments"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert loaded.returncode == 0, loaded.stderr
        after = scrape(url)
        with pytest.raises(urllib.error.HTTPError) as elsewhere:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=30)

    payments = "[('source', 'payments')]"
    assert before[f"csv_assets_inbox_files{payments}"] == 1
    assert f"csv_assets_deliveries_loaded_total{payments}" not in before
    assert after[f"csv_assets_inbox_files{payments}"] == 0
    assert after[f"csv_assets_deliveries_loaded_total{payments}"] == 1
    assert after[f"csv_assets_load_seconds_count{payments}"] == 1
    assert time.time() - after[f"csv_assets_last_load_timestamp_seconds{payments}"] < 300
    assert elsewhere.value.code == 404
