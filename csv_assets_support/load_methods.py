"""How the load benchmark runs the databases' own loaders and the CLI on a drafted source.

Each returns the wall seconds and the peak RSS (MB) of the process it times.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from csv_assets_support.harness import SCHEMA, libpq, timed

DRAFTED_SOURCE = "bench_drafted"
"""The source ``init-source`` drafts from the sales file."""


def psql_copy(path: Path, url: str, ddl: str) -> tuple[float, float]:
    """``psql \\copy`` of ``path`` into a new table ``floor`` made by ``ddl`` (the floor)."""
    dsn = libpq(url)
    env = {**os.environ, "PGOPTIONS": f"-csearch_path={SCHEMA}"}
    subprocess.run(["psql", dsn, "-qc", ddl], check=True, env=env)
    command = f"\\copy floor FROM '{path}' (FORMAT csv, HEADER true)"
    return timed(["psql", dsn, "-qc", command], env=env)


def sqlite_import(path: Path, scratch: Path, ddl: str, round_: int) -> tuple[float, float]:
    """``sqlite3 .import`` of ``path`` into a new table ``floor`` made by ``ddl`` (the floor)."""
    database = scratch / f"floor_{round_}.db"
    subprocess.run(["sqlite3", str(database), ddl], check=True)
    return timed(["sqlite3", str(database), f".import --csv --skip 1 {path} floor"])


def drafted_project(path: Path, scratch: Path) -> Path:
    """A copy of the package with a source ``init-source`` drafted from ``path``'s head.

    The drafted model is what a user gets: a unique key where the sample shows one, every
    column's kind and nullability. The copy is imported first (``PYTHONPATH``), so the
    repository's catalog is left as it is.
    """
    project = scratch / "project"
    package = Path(__file__).resolve().parent.parent / "csv_assets"
    shutil.copytree(package, project / "csv_assets", ignore=shutil.ignore_patterns("__pycache__"))
    sample = scratch / "sample.csv"
    with path.open("rb") as whole, sample.open("wb") as head:
        head.writelines(line for _, line in zip(range(20_001), whole, strict=False))
    command = [sys.executable, "-m", "csv_assets.cli", "init-source", str(sample)]
    command += ["--name", DRAFTED_SOURCE, "--package-dir", str(project / "csv_assets")]
    subprocess.run(command, check=True, cwd=project, env=project_env(project), stdout=sys.stderr)
    # The review init-source asks for: the file's lines are keyed by order and line number (no
    # one column is unique, so the draft names no key).
    defs = project / "csv_assets" / "defs" / "sources" / DRAFTED_SOURCE / "defs.yaml"
    text = defs.read_text()
    defs.write_text(text.replace("key_columns: []", "key_columns: [order_id, line_no]", 1))
    return project


def cli_load(project: Path, path: Path, url: str) -> tuple[float, float]:
    """``csv-assets load`` of ``path`` into the drafted source: wall time and peak RSS."""
    command = [sys.executable, "-m", "csv_assets.cli", "load", str(path)]
    command += ["--source", DRAFTED_SOURCE, "--database-url", url]
    command += ["--data-dir", str(project / "data")]
    return timed(command, project_env(project), quiet=True, cwd=project)


def project_env(project: Path) -> dict[str, str]:
    """The environment that imports ``project``'s copy of the package first."""
    return {**os.environ, "PYTHONPATH": str(project)}
