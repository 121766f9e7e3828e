"""The operator jobs as the Launchpad runs them: the dry run of a file."""

import dagster as dg

from csv_assets.components.csv_source.jobs import validate_file_job
from csv_assets.components.csv_source.resources import Warehouse
from csv_assets_tests.commands.test_validate import tables_and_rows
from csv_assets_tests.conftest import BAD_ORDERS, drop


def run_validate(path, database_url) -> dg.ExecuteInProcessResult:
    return validate_file_job.execute_in_process(
        run_config={
            "ops": {"validate_file_op": {"config": {"source": "orders", "file": str(path)}}}
        },
        resources={"warehouse": Warehouse(database_url=database_url)},
        raise_on_error=False,
    )


def test_the_dry_run_job_reports_what_would_load_in_its_metadata(data_dir, database_url, engine):
    result = run_validate(data_dir / "inbox" / "orders" / "orders_2026-11-02.csv", database_url)

    assert result.success
    (output,) = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = output.event_specific_data.metadata
    assert metadata["verdict"].value == "load"
    assert (metadata["rows_would_load"].value, metadata["rows_would_quarantine"].value) == (27, 3)
    assert tables_and_rows(engine) == {}


def test_the_dry_run_job_fails_naming_why_a_file_would_be_rejected(data_dir, database_url):
    path = drop(data_dir, "orders", "bad.csv", BAD_ORDERS)

    result = run_validate(path, database_url)

    assert not result.success
    (failure,) = result.get_step_failure_events()
    message = failure.event_specific_data.error.message
    assert "would be REJECTED: bad.csv, line 3, column 'quantity'" in message
    assert path.is_file()
