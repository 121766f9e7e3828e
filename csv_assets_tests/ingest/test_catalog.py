"""The catalog refuses, in one line naming file and field, settings that would bite later."""

import subprocess
import sys

import dagster as dg
import pytest
from pydantic import ValidationError

from csv_assets.catalog import CatalogError, SourceSpec, load_catalog
from csv_assets_tests.conftest import REPO

ORDERS = load_catalog()["orders"].model_dump()


@pytest.mark.parametrize(
    ("folder", "says"),
    [
        ("/", "below no folder of CSV_ASSETS_DROP_ROOTS"),
        ("/srv/app", "below no folder of CSV_ASSETS_DROP_ROOTS"),
        ("../..", "'..' is refused"),
        ("inbox/../../etc", "'..' is refused"),
        (".", "must be a folder below the data folder"),
        ("", "must be a folder below the data folder"),
        ("archive/orders", "must be a folder below the data folder"),
        ("spool", "must be a folder below the data folder"),
    ],
)
def test_a_drop_folder_outside_the_data_folder_or_on_its_own_folders_is_refused(folder, says):
    with pytest.raises(ValidationError, match=says):
        SourceSpec.model_validate({**ORDERS, "drop_folder": folder})


@pytest.mark.parametrize(
    ("folder", "taken"),
    [
        ("/mnt/partners/acme", True),
        ("/mnt/partners", False),  # the root itself holds the other partners' folders
        ("/etc/cron.d", False),  # listed, but a system folder: never
        ("/home/loader/drops", False),  # "/" and /home are too wide to be roots
    ],
)
def test_an_absolute_drop_folder_is_taken_only_below_a_root_the_operator_listed(
    monkeypatch, folder, taken
):
    monkeypatch.setenv("CSV_ASSETS_DROP_ROOTS", "/mnt/partners:/etc:/:/home")
    spec = {**ORDERS, "drop_folder": folder}

    if taken:
        assert SourceSpec.model_validate(spec).drop_folder == folder
    else:
        with pytest.raises(ValidationError, match="now: /mnt/partners\\)"):
            SourceSpec.model_validate(spec)


@pytest.mark.parametrize("folder", ["inbox/orders", "partners/acme/orders", "s3://b/drops/"])
def test_a_drop_folder_below_the_data_folder_or_remote_is_taken(folder):
    assert SourceSpec.model_validate({**ORDERS, "drop_folder": folder}).inbox == folder


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("settle_seconds", float("inf")),
        ("settle_seconds", float("nan")),
        ("settle_seconds", 1e300),
        ("max_rejected_fraction", float("nan")),
        ("freshness_hours", float("inf")),
        ("max_shrink", float("nan")),
    ],
)
def test_numbers_that_pass_a_bound_and_break_later_are_refused(field, value):
    with pytest.raises(ValidationError, match=field):
        SourceSpec.model_validate({**ORDERS, field: value})


def test_an_invalid_source_yaml_is_one_line_naming_its_file_and_field(tmp_path):
    good, bad = tmp_path / "good" / "defs.yaml", tmp_path / "bad" / "defs.yaml"
    for path in (good, bad):
        path.parent.mkdir()
    good.write_text(
        "type: csv_assets.components.CsvSource\nattributes:\n  name: good\n"
        "  schema_model: csv_assets.schemas.orders:Orders\n"
    )
    bad.write_text(
        "type: csv_assets.components.CsvSource\nattributes:\n  name: bad\n"
        "  schema_model: csv_assets.schemas.orders:Orders\n  max_rejected_rows: -1\n"
    )

    with pytest.raises(CatalogError) as refused:
        load_catalog(tmp_path)

    assert str(refused.value).startswith(f"{bad}: max_rejected_rows: ")
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("encoding", ["no-such-enc", "rot13"])
def test_an_encoding_pin_that_is_not_a_text_encoding_is_refused(encoding):
    with pytest.raises(ValidationError, match=f"dialect encoding '{encoding}'"):
        SourceSpec.model_validate({**ORDERS, "dialect": {"encoding": encoding}})


def test_a_key_column_the_model_does_not_have_is_refused_naming_the_ones_it_has():
    with pytest.raises(ValidationError, match=r"key_columns \['order_no'\] are not columns"):
        SourceSpec.model_validate({**ORDERS, "key_columns": ["order_no"]})


def test_a_schema_model_that_does_not_load_is_refused():
    with pytest.raises(ValidationError, match="does not load"):
        SourceSpec.model_validate({**ORDERS, "schema_model": "csv_assets.schemas.orders:Nope"})


def test_two_sources_with_other_models_on_one_table_are_refused(tmp_path):
    for name, model in (("orders", "orders:Orders"), ("orders_eu", "customers:Customers")):
        path = tmp_path / name / "defs.yaml"
        path.parent.mkdir()
        path.write_text(
            "type: csv_assets.components.CsvSource\nattributes:\n"
            f"  name: {name}\n  table: orders\n  schema_model: csv_assets.schemas.{model}\n"
        )

    with pytest.raises(CatalogError, match="loads into table 'orders', as 'orders' does"):
        load_catalog(tmp_path)


def test_a_schema_model_is_read_before_it_runs_so_a_wrong_one_runs_nothing():
    # In a fresh interpreter: importing `this` prints the Zen of Python, once per process.
    check = (
        "from csv_assets.catalog import SourceSpec, load_catalog\n"
        "orders = load_catalog()['orders'].model_dump()\n"
        "try:\n"
        "    SourceSpec.model_validate({**orders, 'schema_model': 'this:s'})\n"
        "except ValueError as error:\n"
        "    print('refused:', 'declares no class s' in str(error))\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, check=True
    )

    assert done.stdout == "refused: True\n"  # and not a line of the Zen


@pytest.mark.parametrize("pattern", ["", "../*.csv", "inbox/*.csv"])
def test_a_file_pattern_is_one_name_glob_never_a_path(pattern):
    with pytest.raises(ValidationError, match="file_pattern"):
        SourceSpec.model_validate({**ORDERS, "file_pattern": pattern})


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("owners", ["bob"], "e-mail address or team:<name>"),
        ("owners", ["team:"], "e-mail address or team:<name>"),
        ("sweep_cron", "every day", "five-field cron expression"),
        ("sweep_cron", "0 6 * *", "five-field cron expression"),
    ],
)
def test_what_dagster_would_refuse_later_the_catalog_refuses_first(field, value, says):
    with pytest.raises(ValidationError, match=says):
        SourceSpec.model_validate({**ORDERS, field: value})
    with pytest.raises(dg.DagsterInvalidDefinitionError):  # the same YAML, as Dagster reads it
        if field == "owners":
            dg.AssetSpec("orders", owners=value)
        else:
            dg.ScheduleDefinition(name="sweep", cron_schedule=value, job_name="load_orders")


def test_owners_and_a_cron_that_dagster_takes_are_taken():
    spec = SourceSpec.model_validate(
        {**ORDERS, "owners": ["ana@example.com", "team:finance"], "sweep_cron": "*/15 6-18 * * 1-5"}
    )

    assert dg.AssetSpec("orders", owners=spec.owners).owners == ["ana@example.com", "team:finance"]
    dg.ScheduleDefinition(name="sweep", cron_schedule=spec.sweep_cron, job_name="load_orders")


def test_a_password_in_a_remote_drop_folder_is_refused_without_showing_it(tmp_path):
    path = tmp_path / "acme" / "defs.yaml"
    path.parent.mkdir()
    path.write_text(
        "type: csv_assets.components.CsvSource\nattributes:\n  name: acme\n"
        "  schema_model: csv_assets.schemas.orders:Orders\n"
        "  drop_folder: sftp://acme:hunter2@sftp.acme/out/\n"
    )

    with pytest.raises(CatalogError, match="drop_folder holds a password") as refused:
        load_catalog(tmp_path)

    assert "hunter2" not in str(refused.value)


@pytest.mark.parametrize(
    ("settings", "window"),
    [
        ({}, 36.0),  # swept daily: stale after a day and a half
        ({"sweep_cron": "0 6 * * MON"}, 252.0),
        ({"sweep_cron": "0 */4 * * *"}, 6.0),
        ({"sweep_cron": "*/5 * * * *"}, 1.0),  # an hour at least
        ({"sweep_cron": "30 6,18 * * 1-5"}, 90.0),  # Friday evening to Monday morning
        ({"freshness_hours": 12}, 12.0),
        ({"freshness_hours": 0}, None),  # no policy
    ],
)
def test_every_source_is_stale_after_a_window_its_sweep_gives_unless_it_says_otherwise(
    settings, window
):
    spec = {**ORDERS, "freshness_hours": None, **settings}
    assert SourceSpec.model_validate(spec).freshness_window_hours == window


def test_every_sample_source_has_a_freshness_policy_in_dagster():
    from csv_assets.definitions import defs

    graph = defs().resolve_asset_graph()
    for name in ("orders", "customers", "payments", "daily_revenue"):
        assert graph.get(dg.AssetKey(name)).freshness_policy is not None, name
