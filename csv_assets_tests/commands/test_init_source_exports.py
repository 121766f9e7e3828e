"""Every exporter's file as a user takes it: ``csv-assets init-source``, then ``csv-assets load``.

One file per exporter's defaults (Excel "CSV UTF-8" and "CSV (Windows)", the latter also as a
Russian, Polish, Chinese and Japanese Excel writes it, in cp1251, cp1250, GBK and cp932;
LibreOffice, Google Sheets, PostgreSQL's `\\copy ... csv header`, MySQL's `INTO OUTFILE`, SQL
Server's `bcp`, pandas' index, R's `write.csv`, a sheet with row labels), each drafted into a
copy of the project by the real command and loaded by the real command into SQLite: every row
of every file loads, none is rejected, judged by SQL over the ledger.
"""

import csv
import io
import re
import subprocess
import sys

import sqlalchemy as sa

from csv_assets_support.processes import scratch_project
from csv_assets_tests.conftest import CASES, REPO

EXPORTS = [
    *sorted((CASES / "sniff").glob("export_*")),
    *(CASES / "sniff" / name for name in ("pandas_index.csv", "r_write_csv.csv")),
    CASES / "sniff" / "sheet_row_labels.csv",
]
LEGACY_TEXT = {
    "export_excel_windows_russian": "cp1251",
    "export_excel_windows_polish": "cp1250",
    "export_excel_windows_chinese": "gbk",
    "export_excel_windows_japanese": "cp932",
}
"""Excel's "CSV (Windows)" in other locales: the code page each writes."""


def test_every_exporters_file_drafts_a_source_that_loads_it_whole(tmp_path):
    project = scratch_project(tmp_path, REPO / "dagster_home" / "dagster.yaml")
    warehouse = f"sqlite:///{tmp_path / 'warehouse.db'}"

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "csv_assets.cli", *args],
            cwd=project,  # the project's own csv_assets: where init-source writes, load reads
            capture_output=True,
            text=True,
            timeout=120,
            env={"CSV_ASSETS_DATA_DIR": str(project / "data"), "PATH": "/usr/bin:/bin"},
        )

    names = {}
    for path in EXPORTS:
        name = re.sub(r"\W", "_", path.stem)
        drafted = cli("init-source", str(path), "--name", name)
        assert drafted.returncode == 0, f"{path.name}: {drafted.stderr}"
        assert (project / "csv_assets" / "defs" / "sources" / name / "defs.yaml").exists()
        loaded = cli("load", str(path), "--source", name, "--database-url", warehouse)
        assert loaded.returncode == 0, f"{path.name}: {loaded.stderr}"
        names[name] = path.name

    engine = sa.create_engine(warehouse)
    with engine.connect() as conn:
        entries = conn.execute(
            sa.text("SELECT source, rows_read, rows_loaded, rows_rejected FROM csv_assets_ledger")
        ).all()
    assert sorted(source for source, *_ in entries) == sorted(names)
    assert [(s, r) for s, read, loaded, r in entries if r or loaded != read or not read] == []
    # The code pages' text arrives as written: every customer's name, by SQL.
    for stem, codec in LEGACY_TEXT.items():
        text = (CASES / "sniff" / f"{stem}.csv").read_bytes().decode(codec)
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text else ","))
        customers = {row[1] for row in rows[1:]}
        table = sa.Table(stem, sa.MetaData(), autoload_with=engine)
        with engine.connect() as conn:
            loaded = conn.execute(sa.select(table.columns[1])).scalars().all()
        assert set(loaded) == customers, stem
    engine.dispose()
