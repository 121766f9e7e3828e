"""What every benchmark shares: timing a child process, and a scratch PostgreSQL schema."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "csv_assets_bench"


def postgres_url() -> str:
    """The server the PostgreSQL methods use: ``$CSV_ASSETS_TEST_POSTGRES_URL`` or the local one."""
    return os.environ.get("CSV_ASSETS_TEST_POSTGRES_URL", DEFAULT_PG)


def timed(
    command: list[str],
    env: dict[str, str] | None = None,
    *,
    quiet: bool = False,
    cwd: Path | None = None,
) -> tuple[float, float]:
    """Run ``command`` (its output dropped if ``quiet``); return wall seconds and peak RSS MB.

    The peak RSS is the child's own, from ``wait4``.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL if quiet else None
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return seconds, usage.ru_maxrss / 1024


def with_schema(url: str) -> str:
    """``url`` with the scratch schema as its search path."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{SCHEMA}"


def libpq(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as psql takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def reset_postgres(url: str, *, recreate: bool = True) -> None:
    """Drop the scratch schema (and make it anew, empty, unless ``recreate`` is false)."""
    statement = f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"
    if recreate:
        statement += f"; CREATE SCHEMA {SCHEMA}"
    quiet = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    subprocess.run(["psql", libpq(url), "-qc", statement], check=True, env=quiet)
