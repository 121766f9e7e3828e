"""Structured logs, as an operator gets them: csv-assets with CSV_ASSETS_LOG_FORMAT=json."""

import json
import os
import subprocess
import sys

from csv_assets_tests.conftest import SAMPLE_INBOX


def load(file, tmp_path, json_logs: bool = True) -> list[dict]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("CSV_ASSETS_LOG_FORMAT", None)
    if json_logs:
        env["CSV_ASSETS_LOG_FORMAT"] = "json"
    where = ["--database-url", f"sqlite:///{tmp_path / 'w.db'}", "--data-dir", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, "-m", "csv_assets.cli", "load", str(file), "--source", "orders", *where],
        capture_output=True,
        text=True,
        env=env,
    )
    return [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]


def test_each_delivery_is_one_json_line_with_source_delivery_sha256_counts_and_timings(tmp_path):
    sample = SAMPLE_INBOX / "orders" / "orders_2026-11-02.csv"
    bad = tmp_path / "orders_bad.csv"
    bad.write_text("order_id;x\n1;2\n")

    lines = load(sample, tmp_path) + load(sample, tmp_path) + load(bad, tmp_path)

    assert [line["event"] for line in lines] == [
        "delivery_loaded",
        "delivery_duplicate",
        "delivery_rejected",
    ]
    loaded, duplicate, rejected = lines
    assert loaded["source"] == "orders" and loaded["delivery"].endswith(" orders_2026-11-02.csv")
    assert (loaded["rows_read"], loaded["rows_loaded"], loaded["rows_rejected"]) == (30, 27, 3)
    assert len(loaded["sha256"]) == 64 and loaded["seconds"] > 0 and "validate" in loaded["timings"]
    assert (
        duplicate["duplicate_of"] == loaded["delivery"] and duplicate["sha256"] == loaded["sha256"]
    )
    assert (rejected["level"], rejected["rule"], rejected["line"]) == (
        "warning",
        "missing_column",
        1,
    )


def test_without_the_env_var_no_json_is_written(tmp_path):
    assert load(SAMPLE_INBOX / "orders" / "orders_2026-11-02.csv", tmp_path, json_logs=False) == []
