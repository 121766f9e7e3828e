"""The alert sensors, one real tick at a time, on a real instance, folders and warehouse.

Receivers are a webhook and an SMTP server on loopback; what each sends is judged by what
arrived there.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

from csv_assets.catalog import folders_for, load_catalog
from csv_assets.components.alerts import Alerts
from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.definitions import defs
from csv_assets.ingest import HistoryFolder, Ingestor
from csv_assets.storage import RemoteSettings
from csv_assets_tests.components.csv_source.test_asset import materialize
from csv_assets_tests.conftest import BAD_ORDERS, drop

TWO_WAREHOUSES = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
"""What an alert says is the folders' and the ledger's: two warehouses show it; the others load
as these two do (their own suites)."""
CATALOG = load_catalog()
DEFS = defs()
ORDERS_HEADER = BAD_ORDERS.splitlines()[0] + "\n"


@pytest.fixture
def ticks(data_dir, database_url, webhook, mailbox):
    """One tick of a named alert sensor, its cursor kept between ticks as the daemon keeps it."""
    cursors: dict[str, str | None] = {}
    resources = {
        "alerts": Alerts(
            webhook_url=webhook.url,
            smtp_url=mailbox.url,
            email_to="oncall@example.com",
            group_seconds="0",
            ui_url="http://dagster.example.com:3000/",
        ),
        "drop_folders": DropFolders(data_dir=str(data_dir)),
        "warehouse": Warehouse(database_url=database_url),
    }

    def tick(name: str, instance: dg.DagsterInstance):
        sensor = DEFS.get_sensor_def(name)
        with dg.build_sensor_context(
            instance=instance,
            cursor=cursors.get(name),
            resources=resources,
            definitions=DEFS,
        ) as context:
            result = sensor(context)
        cursors[name] = getattr(result, "cursor", cursors.get(name))
        return result

    return tick


def reject(data_dir: Path, engine: sa.Engine, names: list[str], text: str = BAD_ORDERS) -> None:
    """Files over their error budget (or ``text``), rejected as the sensor's runs reject them."""
    history = data_dir / "history"
    history.mkdir(exist_ok=True)
    for name in names:
        (history / name).write_text(text)
    source = CATALOG["orders"].model_copy(update={"settle_seconds": 0})
    folder = HistoryFolder(source, history, data_dir, RemoteSettings.from_env(data_dir))
    outcomes = list(folder.load(folder.pending(), Ingestor(engine, "t")))
    assert [o.status for o in outcomes] == ["rejected"] * len(names)


@TWO_WAREHOUSES
def test_a_rejection_is_told_once_by_each_channel_and_a_new_one_again(
    ticks, data_dir, engine, webhook, mailbox
):
    with dg.instance_for_test() as instance:
        reject(data_dir, engine, ["orders_bad_1.csv"])
        ticks("alert_rejected_deliveries", instance)
        ticks("alert_rejected_deliveries", instance)  # nothing new
        (hook,) = webhook.all()
        (mail,) = mailbox.all()
        reject(data_dir, engine, ["orders_bad_2.csv"])
        ticks("alert_rejected_deliveries", instance)

    alert = hook["body"]["alerts"][0]
    assert alert["title"] == "orders: orders_bad_1.csv was rejected"
    assert alert["details"][0].startswith("why: line 3, column 'quantity': 3 of 4 rows break")
    assert alert["details"][-1] == "once fixed: csv-assets requeue orders orders_bad_1.csv"
    assert alert["owners"] == ["team:commerce"]
    assert alert["link"] == "http://dagster.example.com:3000/assets/orders?view=partitions"
    assert mail["to"] == ["oncall@example.com"]
    assert mail["subject"] == "[csv_assets] orders: orders_bad_1.csv was rejected"
    assert [h["body"]["alerts"][0]["title"] for h in webhook.all()[1:]] == [
        "orders: orders_bad_2.csv was rejected"
    ]
    assert len(mailbox.all()) == 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_two_hundred_rejections_are_one_summary(ticks, data_dir, engine, webhook, mailbox):
    names = [f"orders_bad_{n:03d}.csv" for n in range(200)]
    with dg.instance_for_test() as instance:
        reject(data_dir, engine, names, "not,the,orders,header\n1,2,3,4\n")  # refused at its head
        ticks("alert_rejected_deliveries", instance)

    (hook,) = webhook.all()
    assert hook["body"]["count"] == 200
    assert hook["body"]["subject"] == "[csv_assets] 200 deliveries rejected (orders 200)"
    (mail,) = mailbox.all()
    assert "... and 190 more" in mail["body"]


@TWO_WAREHOUSES
def test_a_quiet_source_is_told_once_per_quiet_spell(ticks, data_dir, engine, webhook):
    source = CATALOG["customers"]
    folders = folders_for(source, data_dir, RemoteSettings.from_env(data_dir))
    Ingestor(engine, "t").load(source, folders.list_inbox()[0].delivery, folders)
    long_ago = datetime.now(UTC) - timedelta(days=3)
    with engine.begin() as conn:  # loaded three days ago, as far as anyone can tell
        conn.execute(sa.text("UPDATE csv_assets_ledger SET loaded_at = :at"), {"at": long_ago})

    with dg.instance_for_test() as instance:
        ticks("alert_stale_sources", instance)
        ticks("alert_stale_sources", instance)

    (hook,) = webhook.all()
    (alert,) = hook["body"]["alerts"]
    assert alert["kind"] == "stale"
    assert alert["title"].startswith("customers is stale: nothing loaded for ")
    assert alert["title"].endswith("h (freshness 36 h)")


@TWO_WAREHOUSES
def test_a_failed_run_is_told_with_its_step_error_and_a_link(ticks, webhook):
    @dg.op
    def copy_export() -> None:
        raise OSError("the disk is full")

    @dg.job
    def nightly_copy() -> None:
        copy_export()

    with dg.instance_for_test() as instance:
        ticks("alert_failed_runs", instance)  # the first tick starts from now
        run = nightly_copy.execute_in_process(instance=instance, raise_on_error=False)
        ticks("alert_failed_runs", instance)
        ticks("alert_failed_runs", instance)

    (hook,) = webhook.all()
    (alert,) = hook["body"]["alerts"]
    assert alert["title"] == f"run {run.run_id[:8]} of nightly_copy failed"
    assert alert["details"][0] == "why: copy_export: the disk is full"
    assert alert["link"] == f"http://dagster.example.com:3000/runs/{run.run_id}"


@TWO_WAREHOUSES
def test_a_failed_blocking_check_is_told_with_what_it_holds_back(
    ticks, data_dir, database_url, webhook
):
    for path in (data_dir / "inbox" / "orders").iterdir():
        path.unlink()
    drop(data_dir, "orders", "orders_empty.csv", ORDERS_HEADER)

    with dg.instance_for_test() as instance:
        ticks("alert_blocked_checks", instance)
        ticks("alert_failed_runs", instance)
        result = materialize("orders", "orders_empty.csv", data_dir, database_url, instance)
        ticks("alert_blocked_checks", instance)
        ticks("alert_failed_runs", instance)

    assert not result.success  # Dagster fails the step whose blocking check failed
    (hook,) = webhook.all()  # told once, as the check: not again as a failed run
    (alert,) = hook["body"]["alerts"]
    assert alert["title"].startswith("orders: blocking check not_empty failed on ")
    assert alert["details"] == ["why: 0 row(s) in orders", "held back: daily_revenue"]
    assert alert["owners"] == ["team:commerce"]


@TWO_WAREHOUSES
def test_without_a_channel_the_sensors_skip_and_say_how_to_set_one(data_dir, database_url):
    resources = {
        "alerts": Alerts(),
        "drop_folders": DropFolders(data_dir=str(data_dir)),
        "warehouse": Warehouse(database_url=database_url),
    }
    with dg.instance_for_test() as instance:
        for name in ("alert_rejected_deliveries", "alert_failed_runs"):
            with dg.build_sensor_context(instance=instance, resources=resources) as context:
                result = DEFS.get_sensor_def(name)(context)
            assert "CSV_ASSETS_ALERT_WEBHOOK_URL" in result.skip_message


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_more_failed_checks_than_a_page_between_two_ticks_are_all_told(ticks, webhook):
    def failed(n: int) -> dg.AssetCheckEvaluation:
        return dg.AssetCheckEvaluation(
            asset_key=dg.AssetKey("orders"),
            check_name="not_empty",
            passed=False,
            severity=dg.AssetCheckSeverity.ERROR,
            description=f"0 row(s) in orders ({n})",
            blocking=True,
        )

    with dg.instance_for_test() as instance:
        instance.report_runless_asset_event(failed(0))  # before the alerts were on: not told
        ticks("alert_blocked_checks", instance)
        for n in range(1, 46):
            instance.report_runless_asset_event(failed(n))
        ticks("alert_blocked_checks", instance)
        ticks("alert_blocked_checks", instance)

    (hook,) = webhook.all()
    details = [alert["details"][0] for alert in hook["body"]["alerts"]]
    assert details == [f"why: 0 row(s) in orders ({n})" for n in range(1, 46)]


def test_a_warehouse_that_does_not_answer_is_one_line_and_the_next_tick_tries_again(
    data_dir, webhook
):
    resources = {
        "alerts": Alerts(webhook_url=webhook.url, group_seconds="0"),
        "drop_folders": DropFolders(data_dir=str(data_dir)),
        "warehouse": Warehouse(database_url="postgresql+psycopg://loader@127.0.0.1:1/warehouse"),
    }
    with (
        dg.instance_for_test() as instance,
        dg.build_sensor_context(instance=instance, resources=resources) as context,
    ):
        result = DEFS.get_sensor_def("alert_stale_sources")(context)

    assert result.skip_message.startswith("could not look: ")
    assert "\n" not in result.skip_message and "SELECT" not in result.skip_message
    assert webhook.all() == []
