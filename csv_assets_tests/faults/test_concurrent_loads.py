"""Many real loaders at once: each file's rows are in the table exactly once, by SQL."""

from pathlib import Path

from csv_assets_support.payments import write_payments
from csv_assets_tests.faults.loads import counts, finish, start_load

LOADERS = 8


def test_loaders_of_one_file_at_once_load_it_once(database_url: str, tmp_path: Path):
    rows = 20_000
    file = write_payments(tmp_path / "drops" / "payments_big.psv", rows)

    done = finish([start_load(file, database_url, tmp_path / "data") for _ in range(LOADERS)])

    assert [d.code for d in done] == [0] * LOADERS, [d for d in done if d.code]
    assert all(not d.stderr.strip() for d in done), done
    loaded = [d for d in done if f"read {rows:,}" in d.stdout]
    duplicates = [d for d in done if " payments_big.psv (same content)" in d.stdout]
    assert (len(loaded), len(duplicates)) == (1, LOADERS - 1), done
    assert counts(database_url, "SELECT count(*), count(DISTINCT _source_line) FROM payments") == [
        (rows, rows)
    ]
    assert counts(database_url, "SELECT source, rows_loaded FROM csv_assets_ledger") == [
        ("payments", rows)
    ]


def test_new_files_at_once_into_a_new_table_all_load(database_url: str, tmp_path: Path):
    files = [
        write_payments(tmp_path / "drops" / f"payments_{n}.psv", 500, first_id=n * 500)
        for n in range(LOADERS)
    ]

    done = finish([start_load(file, database_url, tmp_path / "data") for file in files])

    assert [d.code for d in done] == [0] * LOADERS, [d for d in done if d.code]
    assert all(not d.stderr.strip() for d in done), done
    assert counts(
        database_url,
        "SELECT l.file_name, count(*) FROM payments "
        "JOIN csv_assets_ledger l ON l.delivery_id = _delivery_id GROUP BY 1 ORDER BY 1",
    ) == [(file.name, 500) for file in sorted(files)]
    assert counts(database_url, "SELECT count(*) FROM csv_assets_ledger") == [(LOADERS,)]


def test_a_reload_racing_a_first_load_leaves_the_rows_once(database_url: str, tmp_path: Path):
    rows = 5_000
    file = write_payments(tmp_path / "drops" / "payments_reload.psv", rows)
    data = tmp_path / "data"

    done = finish(
        [start_load(file, database_url, data, *(["--reload"] if n % 2 else [])) for n in range(4)]
    )

    assert [d.code for d in done] == [0] * 4, done
    assert counts(database_url, "SELECT count(*), count(DISTINCT _source_line) FROM payments") == [
        (rows, rows)
    ]
    assert counts(database_url, "SELECT count(*) FROM csv_assets_ledger") == [(1,)]
