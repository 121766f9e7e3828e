"""The browser suite's world: the real ``dagster dev`` on the sample data, then a bad delivery.

One session: the project is copied to a scratch folder with the samples in its drop folders,
and a ``counts`` source whose second file widens a column and brings one the model lacks
(rescued). ``dagster dev`` loads them (SQLite warehouse, sensors on), then an
orders file over its error budget drops and is rejected. Every test opens Debian's Chromium on
that state and asserts what a user sees. With ``CSV_ASSETS_SCREENSHOTS=<folder>``
(``make screenshots``) each test also saves its picture there, so the README's pictures come
from the same run as the assertions.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from csv_assets_support.counts import add_counts_source, write_counts
from csv_assets_support.processes import free_port, graphql, scratch_project, start_dev, stop
from csv_assets_tests.conftest import BAD_ORDERS, REPO, SAMPLE_INBOX

CHROMIUM = Path(os.environ.get("CSV_ASSETS_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("CSV_ASSETS_REQUIRE_BROWSER", "") == "1"
SCREENSHOTS = os.environ.get("CSV_ASSETS_SCREENSHOTS", "")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1600, "height": 1000}
DEADLINE = 300
BAD_NAME = "orders_2026-11-03.csv"


@dataclass(frozen=True)
class Scenario:
    """The running UI and what the session delivered to it."""

    url: str
    project: Path
    deliveries: dict[str, list[str]]
    """Each source's partition keys, in delivery order."""
    rejected_key: str

    def graphql(self, query: str) -> dict[str, Any]:
        """POST a GraphQL query to the webserver; its ``data``."""
        return graphql(self.url, query)


PARTITIONS = """{ assetNodes { assetKey { path } partitionKeys
  assetMaterializations(limit: 20) { partition } } }"""
RUNS = "{ runsOrError(limit: 50) { ... on Runs { results { status } } } }"


def _state(scenario: Scenario) -> tuple[dict[str, list[str]], dict[str, int], list[str]]:
    nodes = scenario.graphql(PARTITIONS)["assetNodes"]
    keys = {n["assetKey"]["path"][0]: n["partitionKeys"] for n in nodes}
    done = {n["assetKey"]["path"][0]: len(n["assetMaterializations"]) for n in nodes}
    runs = scenario.graphql(RUNS)["runsOrError"]["results"]
    return keys, done, [r["status"] for r in runs]


def _wait(scenario: Scenario, what: str, ready) -> tuple:
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            state = _state(scenario)
            if ready(*state):
                return state
        except OSError:
            pass  # the webserver is still starting
        assert time.monotonic() < deadline, f"dagster dev: {what} within {DEADLINE}s"
        time.sleep(2)


def _settled(runs: list[str]) -> bool:
    return bool(runs) and all(s in ("SUCCESS", "FAILURE", "CANCELED") for s in runs)


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """``dagster dev`` after the samples loaded and one orders delivery was rejected."""
    _chromium_or_skip()
    project = scratch_project(tmp_path_factory.mktemp("ui"), REPO / "dagster_home" / "dagster.yaml")
    shutil.copytree(SAMPLE_INBOX, project / "data" / "inbox", dirs_exist_ok=True)
    add_counts_source(project, data_type="widen", new_column="rescue")
    counts = project / "data" / "inbox" / "counts"
    write_counts(counts / "counts_1.csv", 3)
    (counts / "counts_2.csv").write_text("line_id,count,note,Meter No\n4,2.5,,M-7\n5,3,,\n")
    for age, name in enumerate(("counts_2.csv", "counts_1.csv")):
        os.utime(counts / name, (time.time() - 60 * (age + 1),) * 2)
    port = free_port()
    server = start_dev(project, port)
    try:
        world = Scenario(f"http://127.0.0.1:{port}", project, {}, "")
        samples = {p.name: len(list(p.iterdir())) for p in SAMPLE_INBOX.iterdir()}
        samples["counts"] = 2
        _wait(
            world,
            "the samples loaded and daily_revenue rebuilt",
            lambda keys, done, runs: (
                all(done.get(s) == n for s, n in samples.items())
                and done.get("daily_revenue", 0) >= 1
                and _settled(runs)
            ),
        )
        (project / "data" / "inbox" / "orders" / BAD_NAME).write_text(BAD_ORDERS)
        keys, _, _ = _wait(
            world,
            f"{BAD_NAME} rejected",
            lambda keys, done, runs: (
                len(keys["orders"]) == samples["orders"] + 1
                and list((project / "data" / "rejected" / "orders").rglob(BAD_NAME))
                and _settled(runs)
            ),
        )
        yield Scenario(world.url, project, keys, keys["orders"][-1])
    finally:
        stop(server)


def _chromium_or_skip() -> None:
    if CHROMIUM.is_file():
        return
    reason = f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set CSV_ASSETS_CHROMIUM)"
    if REQUIRE_BROWSER:
        pytest.fail(f"CSV_ASSETS_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium (Playwright's own download does not work here), headless."""
    _chromium_or_skip()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A laptop-sized window."""
    return {**browser_context_args, "viewport": VIEWPORT}


@pytest.fixture
def ui(page, scenario: Scenario):
    """A page on the scenario's UI; the "Join the community" dialog never covers it."""
    page.add_init_script("window.localStorage.setItem('communityNux', '1')")
    page.set_default_timeout(30_000)
    # Assertions wait as long as actions: a check's detail renders after the page's own
    # queries, which on a busy 2-core CI can take more than Playwright's default 5 s.
    expect.set_options(timeout=30_000)
    return UI(page, scenario)


class UI:
    """Navigation and pictures: what every browser test does."""

    def __init__(self, page, scenario: Scenario) -> None:
        self.page = page
        self.scenario = scenario

    def open(self, path: str) -> None:
        """Go to ``path`` of the UI and wait until its queries have answered."""
        self.page.goto(self.scenario.url + path)
        self.page.wait_for_load_state("networkidle")

    def picture(self, name: str, height: int | None = None) -> None:
        """Save the page as ``<CSV_ASSETS_SCREENSHOTS>/<name>.png`` (``make screenshots``)."""
        if not SCREENSHOTS:
            return
        if height:
            self.page.set_viewport_size({**VIEWPORT, "height": height})
        self.page.wait_for_timeout(1_000)  # let layout and fonts settle
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))
