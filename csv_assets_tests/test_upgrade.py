"""docs/upgrading.md, followed from the previous release to this one on a real PostgreSQL.

The previous release (its own code, archived in ``csv_assets_tests/releases``) loads a delivery
into a warehouse and records its run in a PostgreSQL-backed Dagster instance. Then, as the document
says: ``dagster instance migrate``, ``csv-assets migrate --grant`` as the tables' owner, and
this release loads the next delivery as a role that may only read and write rows. The result is
read back by SQL: both deliveries in the ledger and the table, both runs in the instance.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Mapping
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.pipeline.load import LAYOUT_VERSION
from csv_assets.storage import Delivery
from csv_assets_support.processes import BIN, postgres_instance_env
from csv_assets_tests.conftest import REPO, SAMPLE_INBOX

pytestmark = pytest.mark.e2e
PREVIOUS_RELEASE = REPO / "csv_assets_tests" / "releases" / "csv-assets-0.1.0.tar.gz"
"""The release before this one, as ``git archive`` made it from its tag (commit 2f5b5bd).

It is kept in the repository rather than read from git, so that the test runs in any clone:
a shallow one, or one whose tags were not fetched.
"""
PREVIOUS_LAYOUT = 3
MATERIALIZE = """
import sys
import dagster as dg
import csv_assets
from csv_assets.definitions import defs
definitions = defs() if callable(defs) else defs
source, key = sys.argv[1:3]
print(csv_assets.__file__)
with dg.DagsterInstance.get() as instance:
    instance.add_dynamic_partitions(f"{source}_deliveries", [key])
    job = definitions.resolve_job_def(f"load_{source}")
    result = job.execute_in_process(instance=instance, partition_key=key, raise_on_error=False)
sys.exit(0 if result.success else 1)
"""


def previous_release(into: Path) -> Path:
    """The previous release's project tree, unpacked from its archive into ``into``."""
    with tarfile.open(PREVIOUS_RELEASE) as archive:
        archive.extractall(into, filter="data")
    (tree,) = into.iterdir()
    return tree


def run(args: list[str], cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess:
    """``args`` in ``cwd`` with ``env`` over this process's environment, output captured."""
    return subprocess.run(
        args, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


def test_the_documented_upgrade_keeps_the_history_and_loads_as_a_restricted_role(
    tmp_path, scratch_databases
):
    instance_url, warehouse_url = scratch_databases
    owner = warehouse_url.render_as_string(hide_password=False)
    role = f"csv_loader_{uuid.uuid4().hex[:8]}"
    loader = warehouse_url.set(username=role, password=None).render_as_string()
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "deploy" / "dagster.yaml", home)
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_INBOX / "orders", data / "inbox" / "orders")
    first, second = sorted((data / "inbox" / "orders").iterdir())
    keys = [Delivery.of(p.name, p.stat().st_mtime_ns).key for p in (first, second)]
    env = {
        **postgres_instance_env(instance_url),
        "DAGSTER_HOME": str(home),
        "CSV_ASSETS_DATA_DIR": str(data),
        "CSV_ASSETS_DATABASE_URL": owner,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    old = previous_release(tmp_path / "previous")
    python = [sys.executable, "-c", MATERIALIZE]

    # The previous release at work: its code, its warehouse layout, its runs in the instance.
    before = run([*python, "orders", keys[0]], old, {**env, "PYTHONPATH": str(old)})
    assert before.returncode == 0, before.stderr[-3000:]
    assert before.stdout.startswith(str(old / "csv_assets")), "not the previous release's code"
    admin = sa.create_engine(warehouse_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            assert conn.execute(sa.text("SELECT version FROM csv_assets_schema")).scalar() == (
                PREVIOUS_LAYOUT
            )
            # The loader the previous release ran as: it may read and write rows, no more.
            conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
            for grant in (
                "USAGE ON SCHEMA public",
                "SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public",
                "USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public",
            ):
                conn.execute(sa.text(f'GRANT {grant} TO "{role}"'))

        # This release, loading as the restricted role before the owner migrated: refused in
        # one line that says what to run; nothing loaded, the file still waits.
        cli = [str(BIN / "csv-assets")]
        early = run(
            [*cli, "load", str(second), "--source", "orders"],
            REPO,
            {**env, "CSV_ASSETS_DATABASE_URL": loader},
        )
        assert early.returncode == 1 and len(early.stderr.strip().splitlines()) == 1, early
        assert "csv-assets migrate" in early.stderr and second.exists()

        # docs/upgrading.md, step by step.
        migrated = run([str(BIN / "dagster"), "instance", "migrate"], tmp_path, env)
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        upgraded = run([*cli, "migrate", "--grant", role], REPO, env)
        assert upgraded.returncode == 0, upgraded.stderr
        assert f"from layout {PREVIOUS_LAYOUT} to {LAYOUT_VERSION}" in upgraded.stdout
        after = run([*python, "orders", keys[1]], REPO, {**env, "CSV_ASSETS_DATABASE_URL": loader})
        assert after.returncode == 0, after.stderr[-3000:]
        assert after.stdout.startswith(str(REPO / "csv_assets"))

        with admin.connect() as conn:
            ledger = conn.execute(
                sa.text(
                    "SELECT partition_key, rows_loaded, rows_rejected, load_seconds IS NOT NULL "
                    "FROM csv_assets_ledger ORDER BY partition_key"
                )
            ).all()
            rows = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar_one()
            held = conn.execute(sa.text("SELECT count(*) FROM csv_assets_quarantine")).scalar()
            layout = conn.execute(sa.text("SELECT version FROM csv_assets_schema")).scalar()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()

    assert [(key, timed) for key, *_, timed in ledger] == [(keys[0], False), (keys[1], True)]
    assert rows == sum(loaded for _, loaded, _, _ in ledger) and held == ledger[1][2] > 0
    assert layout == LAYOUT_VERSION
    instance = sa.create_engine(instance_url)
    with instance.connect() as conn:
        runs = conn.execute(
            sa.text("SELECT status FROM runs WHERE pipeline_name = 'load_orders'")
        ).scalars()
        partitions = conn.execute(
            sa.text(
                "SELECT partition FROM event_logs WHERE dagster_event_type = "
                "'ASSET_MATERIALIZATION' ORDER BY partition"
            )
        ).scalars()
        assert list(runs) == ["SUCCESS", "SUCCESS"] and list(partitions) == keys
    instance.dispose()
