"""Real ``csv-assets load`` processes against a real database, and what the database says after."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.ingest import create_warehouse_engine


def start_load(
    file: Path,
    database_url: str,
    data_dir: Path,
    *extra: str,
    source: str = "payments",
    project: Path | None = None,
) -> subprocess.Popen[str]:
    """Start ``csv-assets load FILE --source SOURCE`` as its own process (of ``project``)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "csv_assets.cli",
            "load",
            str(file),
            "--source",
            source,
            "--database-url",
            database_url,
            "--data-dir",
            str(data_dir),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        cwd=project,
    )


def finish(processes: Sequence[subprocess.Popen[str]], timeout: float = 120) -> list[Finished]:
    """Wait for every process; their exit codes and what they printed."""
    results = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        results.append(Finished(process.returncode, out, err))
    return results


@dataclass(frozen=True)
class Finished:
    """A finished load process: its exit code and what it printed."""

    code: int
    stdout: str
    stderr: str


def counts(database_url: str, sql: str | sa.Select) -> list[tuple]:
    """Rows of one query, on a fresh engine (what a new session of the warehouse sees)."""
    engine = create_warehouse_engine(database_url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("csv_assets_ledger"):
                return []
            query = sa.text(sql) if isinstance(sql, str) else sql
            return [tuple(row) for row in conn.execute(query)]
    finally:
        engine.dispose()


def has_table(database_url: str, name: str) -> bool:
    """Whether the warehouse has table ``name``."""
    engine = create_warehouse_engine(database_url)
    try:
        with engine.connect() as conn:
            return sa.inspect(conn).has_table(name)
    finally:
        engine.dispose()


def one_line(stderr: str) -> bool:
    """Whether a failure was said the way people read it: one line, no trace, no SQL."""
    lines = stderr.strip().splitlines()
    return len(lines) == 1 and "Traceback" not in stderr and "[SQL" not in stderr


@contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """``folder`` refuses every change, root's included (chattr +i), for the block's time."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"chattr +i is not allowed here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
