"""The ``csv-assets`` console script, run as an operator would, against both databases."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from csv_assets.catalog import SourceSpec
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.load import ledger
from csv_assets_tests.conftest import CASES, REPO


def csv_assets(*args: str, data_dir: Path, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "csv_assets.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={
            "CSV_ASSETS_DATABASE_URL": database_url,
            "CSV_ASSETS_DATA_DIR": str(data_dir),
            "PATH": "/usr/bin:/bin",
        },
        check=False,
    )


def test_load_runs_the_pipeline_once_and_moves_an_inbox_file_to_the_archive(
    data_dir, database_url, engine
):
    inbox_file = data_dir / "inbox" / "orders" / "orders_2026-11-02.csv"

    where = {"data_dir": data_dir, "database_url": database_url}

    first = csv_assets("load", str(inbox_file), "--source", "orders", "--json", **where)

    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["rows_loaded"], report["rows_rejected"]) == (27, 3)
    assert not inbox_file.exists()
    archived = next((data_dir / "archive" / "orders").rglob("orders_2026-11-02.csv"))
    copy = data_dir / "resent.csv"
    copy.write_bytes(archived.read_bytes())

    same = csv_assets("load", str(archived), "--source", "orders", **where)
    again = csv_assets("load", str(archived), "--source", "orders", "--reload", **where)
    resent = csv_assets("load", str(copy), "--source", "orders", **where)

    assert same.returncode == 0 and "already loaded as" in same.stdout
    assert again.returncode == 0 and "replaced 27" in again.stdout
    assert resent.returncode == 0 and "already loaded" in resent.stdout
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ledger)).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM orders")).scalar_one() == 27


def test_load_of_a_bad_file_exits_2_and_names_file_line_and_column(
    tmp_path, data_dir, database_url
):
    bad = tmp_path / "orders_bad.csv"
    bad.write_text("order_id,customer_id\n1,2\n")

    result = csv_assets(
        "load", str(bad), "--source", "orders", data_dir=data_dir, database_url=database_url
    )

    assert result.returncode == 2
    assert "orders_bad.csv" in result.stderr and "line 1" in result.stderr
    assert "ordered_at" in result.stderr
    assert bad.exists(), "a file outside the inbox stays where the operator put it"


def test_status_lists_the_ledger_and_the_quarantine(data_dir, database_url):
    for name in ("orders_2026-11-01.csv", "orders_2026-11-02.csv"):
        path = data_dir / "inbox" / "orders" / name
        csv_assets(
            "load", str(path), "--source", "orders", data_dir=data_dir, database_url=database_url
        )

    result = csv_assets("status", "orders", data_dir=data_dir, database_url=database_url)

    assert result.returncode == 0, result.stderr
    assert "orders_2026-11-01.csv" in result.stdout and "orders_2026-11-02.csv" in result.stdout
    assert "orders: 3 row(s) in quarantine" in result.stdout
    orders_line = next(line for line in result.stdout.splitlines() if "ok (<36h)" in line)
    assert orders_line.startswith("orders ") and "inbox/orders" in orders_line


def test_an_unknown_source_is_named_with_the_known_ones(data_dir, database_url):
    result = csv_assets(
        "load", "x.csv", "--source", "nope", data_dir=data_dir, database_url=database_url
    )

    assert result.returncode != 0 and "known: customers, orders, payments" in result.stderr


def cli(*args: str) -> subprocess.CompletedProcess:
    """The console script with no database: the file tools."""
    return subprocess.run(
        [sys.executable, "-m", "csv_assets.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_sniff_prints_each_decision_with_its_confidence():
    path = REPO / "data" / "inbox" / "customers" / "kunden_eu_2026-11-02.csv"

    text = cli("sniff", str(path))
    described = json.loads(cli("sniff", str(path), "--json").stdout)

    assert text.returncode == 0, text.stderr
    assert "cp1252" in text.stdout and "signup_date (Signup Date)" in text.stdout
    assert described["delimiter"] == ";" and described["decimal"] == ","
    assert described["column_types"]["signup_date"]["format"] == "%d.%m.%Y"
    assert 0 < described["confidence"]["dialect"] <= 1


def test_sniff_shows_a_doubtful_decision_as_unsure_with_its_runner_up(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("a;b,c\n1;2,3\n")

    text = cli("sniff", str(path))

    delimiter = next(line for line in text.stdout.splitlines() if "delimiter" in line)
    assert "unsure; runner-up: delimiter" in delimiter


def test_sniff_names_what_a_reader_should_know_in_notes():
    text = cli("sniff", str(CASES / "sniff" / "two_tables.csv"))

    assert "note: a second table starts on line 7" in text.stdout


def test_sniff_takes_a_sources_pins_and_one_off_pins():
    path = CASES / "sniff" / "no_header_semicolon.csv"

    pinned = json.loads(cli("sniff", str(path), "--json", "--pin", "has_header=true").stdout)
    wrong = cli("sniff", str(path), "--pin", "colour=red")

    assert pinned["has_header"] is True and "has_header" in pinned["pinned"]
    assert wrong.returncode != 0 and "KEY one of" in wrong.stderr


def test_parse_writes_rfc4180_utf8_and_names_each_ragged_row(tmp_path):
    source = CASES / "sniff" / "excel_cp1252_semicolon.csv"
    out = tmp_path / "clean.csv"

    clean = cli("parse", str(source), "-o", str(out))
    ragged = cli("parse", str(CASES / "sniff" / "missing_field.csv"))
    kept = cli("parse", str(CASES / "sniff" / "missing_field.csv"), "--keep-ragged")

    assert clean.returncode == 0, clean.stderr
    written = out.read_bytes().decode("utf-8")
    assert written.startswith("Kundennr,Name,Ort,Umsatz,Stichtag\r\n")
    assert '4711,Müller GmbH,Köln,"1.234,56",31.12.2025\r\n' in written
    assert ragged.returncode == 2
    assert "missing_field.csv:3: expected 4 fields, found 3" in ragged.stderr
    assert "2,Ben" not in ragged.stdout and "2,Ben,12.00" in kept.stdout


def test_init_source_writes_a_yaml_and_a_model_then_refuses_to_overwrite(tmp_path):
    sample = CASES / "sniff" / "comma_basic.csv"
    args = ("init-source", str(sample), "--name", "basics", "--package-dir", str(tmp_path))

    first = cli(*args)
    again = cli(*args)

    assert first.returncode == 0, first.stderr
    defs = (tmp_path / "defs" / "sources" / "basics" / "defs.yaml").read_text()
    model = (tmp_path / "schemas" / "basics.py").read_text()
    assert "schema_model: csv_assets.schemas.basics:Basics" in defs
    assert (
        "class Basics(pa.DataFrameModel):" in model and "amount: Series[pa.dtypes.Decimal]" in model
    )
    assert again.returncode != 0 and "--force overwrites" in again.stderr


def test_a_file_that_is_not_csv_text_exits_2_with_the_reason_and_no_traceback(tmp_path):
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 4)

    result = cli("sniff", str(binary))

    assert result.returncode == 2
    assert "photo.csv: the file is not text" in result.stderr and "Traceback" not in result.stderr


def test_init_source_writes_its_pins_into_the_drafted_dialect(tmp_path, engine):
    sample = tmp_path / "people.csv"
    sample.write_text("".join(f"Person {i},City {i % 7},{i}\n" for i in range(1, 41)))
    args = ("init-source", str(sample), "--name", "people", "--package-dir", str(tmp_path))

    drafted = cli(*args, "--pin", "has_header=false", "--pin", "delimiter=,")

    assert drafted.returncode == 0, drafted.stderr
    drafted = tmp_path / "defs" / "sources" / "people" / "defs.yaml"
    drafted_yaml = yaml.safe_load(drafted.read_text())
    assert drafted_yaml["attributes"]["dialect"] == {"has_header": False, "delimiter": ","}
    module = importlib.util.spec_from_file_location("people", tmp_path / "schemas" / "people.py")
    sys.modules["people"] = importlib.util.module_from_spec(module)
    module.loader.exec_module(sys.modules["people"])
    # The drafted YAML and model, checked together as the catalog checks a source.
    source = SourceSpec.model_validate(
        {**drafted_yaml["attributes"], "schema_model": "people:People"}
    )
    report = Ingestor(engine, "test").load_file(source, sample, "people.csv@1")
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (40, 40, 0)


@pytest.mark.parametrize("command", ["sniff", "parse", "init-source"])
def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path, command):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    extra = ("--name", "piped", "--package-dir", str(tmp_path)) if command == "init-source" else ()

    result = subprocess.run(
        [sys.executable, "-m", "csv_assets.cli", command, str(fifo), *extra],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "pipe.csv: not a regular file (a FIFO, device or folder); nothing was read"
    )
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+psycopg://postgres@127.0.0.1:1/test", "database error: connection failed"),
        ("postgres://loader@db.internal/warehouse", "write postgresql+psycopg://"),
        ("not a url", "not one SQLAlchemy can use"),
        ("mysql+nodriver://loader@db.internal/warehouse", "not one SQLAlchemy can use"),
    ],
)
@pytest.mark.parametrize("command", ["status", "replay"])
def test_a_database_that_cannot_be_reached_is_one_line_not_a_traceback(
    tmp_path, command, url, says
):
    args = [command] if command == "status" else [command, "orders"]

    result = csv_assets(*args, "--database-url", url, data_dir=tmp_path, database_url=url)

    assert result.returncode in (1, 2)
    assert says in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_file_name_with_terminal_escapes_is_shown_not_obeyed(data_dir, database_url):
    name = "x\x1b]0;pwned\x07\x1b[2J.psv"
    inbox = data_dir / "inbox" / "payments"
    (inbox / name).write_bytes((inbox / "payments_2026-11-01.psv").read_bytes())

    result = csv_assets(
        "load",
        str(inbox / name),
        "--source",
        "payments",
        data_dir=data_dir,
        database_url=database_url,
    )

    shown = result.stdout + result.stderr
    assert result.returncode == 0, shown
    assert "\x1b" not in shown and "\x07" not in shown
    assert "x\\x1b]0;pwned\\x07\\x1b[2J.psv" in shown


@pytest.mark.parametrize("wrong", ["database", "username"])
def test_a_database_or_role_that_does_not_exist_is_not_worth_a_retry(data_dir, database_url, wrong):
    if database_url.startswith(("sqlite", "duckdb")):
        pytest.skip("databases and roles are a server's (PostgreSQL, MariaDB)")
    url = sa.make_url(database_url).set(**{wrong: "no_such_thing_csv_assets"})
    url = url.render_as_string(hide_password=False)
    sample = data_dir / "inbox" / "payments" / "payments_2026-11-01.psv"

    result = csv_assets(
        "load", str(sample), "--source", "payments", data_dir=data_dir, database_url=url
    )

    assert result.returncode == 1
    assert any(w in result.stderr for w in ("does not exist", "Unknown database", "Access denied"))
    assert "will not pass by itself" in result.stderr and "retry later" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sample.is_file()  # nothing moved
