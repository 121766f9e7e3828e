"""``csv-assets`` as a user runs it, in a copy of the project (``counts_project``)."""

import subprocess
import sys
from pathlib import Path


def cli(project: Path, database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "csv_assets.cli", *args, "--database-url", database_url],
        cwd=project,
        capture_output=True,
        text=True,
        env={"CSV_ASSETS_DATA_DIR": str(project / "data"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
