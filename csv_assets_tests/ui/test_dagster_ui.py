"""What a data engineer sees in the Dagster UI after good deliveries and a rejected one."""

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from csv_assets_tests.ui.conftest import BAD_NAME
from csv_assets_tests.ui.nginx import PASSWORD, Proxy, get, open_websocket, proxy_in_front

pytestmark = pytest.mark.e2e
GROUPS = "expanded=global@global:csv_sources,global@global:reporting"


@pytest.fixture(scope="module")
def proxy(scenario, tmp_path_factory) -> Iterator[Proxy]:
    """deploy/nginx/csv-assets.conf in front of this suite's webserver."""
    with proxy_in_front(scenario, tmp_path_factory.mktemp("nginx")) as running:
        yield running


def visible(locator):
    """The first match a user can see (the UI keeps hidden copies of long names to measure)."""
    return locator.locator("visible=true").first


def test_the_lineage_graph_opens_with_every_group_and_asset_shown(ui):
    ui.open(f"/asset-groups?{GROUPS}")

    graph = ui.page.locator("body")
    for asset in ("customers", "orders", "payments", "daily_revenue"):
        expect(graph.get_by_text(asset, exact=True).first).to_be_visible()
    expect(graph.get_by_text("Loading...")).to_have_count(0, timeout=60_000)
    expect(graph.get_by_text(re.compile(r"\d+ / \d+ Passed")).first).to_be_visible()
    ui.picture("lineage")


def test_deliveries_are_partitions_named_by_time_then_file(ui):
    keys = ui.scenario.deliveries["orders"]
    ui.open(f"/assets/orders?view=partitions&partition={quote(ui.scenario.rejected_key)}")

    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z \S+", k) for k in keys)
    assert ui.scenario.rejected_key.endswith(" " + BAD_NAME)
    # The rejected delivery is not loaded ("Missing"); no partition reads "Failed".
    expect(ui.page.get_by_text("Failed (0)")).to_be_visible()
    expect(ui.page.get_by_text("Missing (1)")).to_be_visible()
    expect(visible(ui.page.get_by_text(ui.scenario.rejected_key, exact=True))).to_be_visible()
    ui.picture("deliveries")


def test_a_deliverys_metadata_leads_with_what_a_user_reads_first(ui):
    ui.open("/assets/orders?view=events")

    rows = ui.page.locator("tr")
    for key in ("rows_loaded", "rows_rejected", "file", "sha256", "size", "timings", "preview"):
        expect(rows.filter(has_text=re.compile(rf"^{key}")).first).to_be_visible()
    expect(ui.page.get_by_text("quarantined_by_rule", exact=True)).to_be_visible()
    # Tables, not raw markdown or JSON; nothing empty, no Python None.
    body = ui.page.locator("body").inner_text()
    assert "_none_" not in body and "| ---" not in body and "{'" not in body
    assert not re.search(r"\bNone\b", body.split("dialect")[0])
    expect(ui.page.get_by_text("confidence", exact=True).first).to_be_visible()
    ui.picture("delivery-metadata", height=2400)


def test_a_rejected_delivery_is_one_failed_check_saying_why_and_how_to_requeue(ui):
    ui.open("/assets/orders?view=checks&checkDetail=delivery_accepted")

    detail = ui.page.locator("body")
    expect(detail.get_by_text(re.compile("over the error budget")).first).to_be_visible()
    expect(detail.get_by_text(f"csv-assets requeue orders {BAD_NAME}").first).to_be_visible()
    expect(visible(detail.get_by_text(ui.scenario.rejected_key, exact=True))).to_be_visible()
    expect(detail.get_by_text(re.compile(r"rejected/orders/.+\.report\.json"))).to_be_visible()
    # The other checks of that delivery were not run; none reads "Execution failed".
    expect(detail.get_by_text("Execution failed")).to_have_count(0)
    ui.picture("rejected-delivery", height=1300)


def test_each_deliverys_check_results_are_found_under_its_partition(ui):
    first, second = ui.scenario.deliveries["orders"][:2]
    ui.open("/assets/orders?view=checks&checkDetail=schema_valid")
    expect(ui.page.get_by_text("Execution history", exact=True)).to_be_visible()
    ui.page.get_by_text("Partitions", exact=True).last.click()
    name = second.split(" ", 2)[2]
    ui.page.get_by_placeholder(re.compile("Filter by partition")).fill(name)
    visible(ui.page.get_by_text(re.compile(re.escape(name[-12:]) + "$"))).click()

    panel = ui.page.locator("body")
    expect(visible(panel.get_by_text(second, exact=True))).to_be_visible()
    expect(panel.get_by_text(re.compile(r"^warning: 3 row\(s\) quarantined"))).to_be_visible()
    expect(panel.get_by_text("Failed (1)")).to_be_visible()  # the second delivery, a warning
    expect(panel.get_by_text("Execution Failed (0)")).to_be_visible()
    assert first != second
    ui.picture("checks-per-delivery")


def test_daily_revenue_shows_its_columns_owner_check_and_preview(ui):
    ui.open("/assets/daily_revenue")

    page = ui.page
    for column in ("day", "country", "orders", "units", "revenue"):
        expect(page.get_by_role("cell", name=column, exact=True).first).to_be_visible()
    lineage = page.get_by_text(re.compile(r"From orders\.quantity, orders\.status"))
    expect(lineage.first).to_be_visible()
    expect(page.get_by_text("finance", exact=True).first).to_be_visible()
    expect(page.get_by_text("preview", exact=True)).to_be_visible()
    ui.picture("daily-revenue", height=1500)
    ui.open("/assets/daily_revenue?view=checks&checkDetail=totals_reconcile")
    expect(page.get_by_text(re.compile(r"EUR: as in the orders table"))).to_be_visible()
    expect(page.get_by_text("This is a blocking asset check", exact=False)).to_be_visible()


def test_the_catalog_describes_each_source_in_prose_with_its_real_folder(ui):
    ui.open("/assets")

    description = ui.page.get_by_text(re.compile("^Order lines from the web shop"))
    expect(description).to_be_visible()
    text = description.inner_text()
    assert "`" not in text
    assert f"Files dropped into {ui.scenario.project / 'data' / 'inbox' / 'orders'}" in text


def test_the_dry_run_job_takes_its_file_in_the_launchpad(ui):
    ui.open("/locations/csv_assets/jobs/validate_file_job/playground")

    expect(ui.page.get_by_text("validate_file_op").first).to_be_visible()
    expect(ui.page.get_by_text("source", exact=False).first).to_be_visible()
    ui.picture("validate-launchpad")


def test_a_delivery_that_widened_its_table_says_so_in_its_check_and_schema(ui):
    ui.open("/assets/counts?view=checks&checkDetail=schema_changes")

    detail = ui.page.locator("body")
    expect(detail.get_by_text("warning: count widened (NUMERIC(19,1))").first).to_be_visible()
    ui.open("/assets/counts?view=events")
    expect(ui.page.get_by_text("schema_changes", exact=True).first).to_be_visible()
    expect(ui.page.get_by_text("NUMERIC(19,1)").first).to_be_visible()
    ui.picture("schema-changes", height=1300)


def test_a_new_columns_rescued_cells_show_in_the_rescued_data_check(ui):
    ui.open("/assets/counts?view=checks&checkDetail=rescued_data")

    detail = ui.page.locator("body")
    expect(
        detail.get_by_text(re.compile(r"^warning: 1 cell\(s\) of meter_no kept in _rescued_data"))
    ).to_be_visible()


ALERT_SENSORS = (
    "alert_rejected_deliveries",
    "alert_stale_sources",
    "alert_failed_runs",
    "alert_blocked_checks",
)


def test_the_alert_sensors_run_beside_the_drop_folder_sensors_and_say_what_they_need(ui):
    ui.open("/automation")

    for name in ALERT_SENSORS:
        expect(visible(ui.page.get_by_text(name, exact=True))).to_be_visible()
    ui.open("/locations/csv_assets/sensors/alert_rejected_deliveries")
    expect(
        ui.page.get_by_text(re.compile("^Tells the owners of each delivery rejected"))
    ).to_be_visible()
    # No channel is set here: each tick skips, saying which variables to set.
    tick = ui.page.get_by_role("button", name="0 runs requested").first
    expect(tick).to_be_visible(timeout=90_000)
    tick.click()
    skipped = ui.page.get_by_text(re.compile("no alert channel is set")).first
    expect(skipped).to_be_visible()
    ui.picture("alert-sensor")


def test_every_source_and_daily_revenue_show_a_freshness_policy(ui):
    for asset in ("customers", "payments", "daily_revenue"):
        ui.open(f"/assets/{asset}")
        expect(ui.page.get_by_text(re.compile("Freshness", re.IGNORECASE)).first).to_be_visible()


def test_behind_the_example_proxy_nobody_gets_in_without_the_password(proxy):
    query = b'{"query": "{ runsOrError { __typename } }"}'
    assert get(proxy, "/")[0] == 401
    assert get(proxy, "/graphql", data=query)[0] == 401
    assert get(proxy, "/", password="guess")[0] == 401


def test_behind_the_example_proxy_the_ui_its_queries_and_websocket_work(proxy):
    status, page = get(proxy, "/assets/orders", password=PASSWORD)
    assert status == 200 and b"<html" in page.lower()
    query = b'{"query": "{ assetNodes { assetKey { path } } }"}'
    status, body = get(proxy, "/graphql", password=PASSWORD, data=query)
    assert status == 200 and b'"orders"' in body
    assert open_websocket(proxy, PASSWORD).startswith("HTTP/1.1 101")
