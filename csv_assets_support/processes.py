"""Real Dagster processes for the end-to-end tests: a scratch project, ports, a clean stop."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa

from csv_assets_support import REPO

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_project(root: Path, instance_yaml: Path) -> Path:
    """A copy of the project with an empty data folder and a DAGSTER_HOME of ``instance_yaml``."""
    project = root / "project"
    shutil.copytree(
        REPO,
        project,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "data", "dagster_home", "__pycache__", ".pytest_cache", ".env"
        ),
    )
    (project / "data" / "inbox").mkdir(parents=True)
    (project / "dagster_home").mkdir()
    shutil.copy(instance_yaml, project / "dagster_home" / "dagster.yaml")
    return project


def start(
    command: list[str], project: Path, env: Mapping[str, str], log: str | None = None
) -> subprocess.Popen:
    """Start a Dagster command-line tool of this venv in ``project``, in its own process group.

    What it prints goes to ``project/<log or tool>.log``, to read when a test fails.
    """
    out = (project / f"{log or command[0]}.log").open("w")
    return subprocess.Popen(
        [str(BIN / command[0]), *command[1:]],
        cwd=project,
        env={
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "DAGSTER_HOME": str(project / "dagster_home"),
            **env,
        },
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def graphql(url: str, query: str, variables: Mapping[str, object] | None = None) -> dict:
    """POST a GraphQL query (with its ``variables``) to the webserver at ``url``; its ``data``."""
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query, "variables": dict(variables or {})}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]


def start_dev(project: Path, port: int) -> subprocess.Popen:
    """``dagster dev`` of ``project`` on ``port``, as ``make dev`` runs it, on its own SQLite."""
    return start(
        ["dagster", "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        project,
        {
            "CSV_ASSETS_DATABASE_URL": f"sqlite:///{project / 'data' / 'warehouse.db'}",
            "CSV_ASSETS_DATA_DIR": str(project / "data"),
        },
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the whole process group, then SIGKILL what is left of it (after a minute at most).

    ``dagster dev`` and the daemon wait for in-flight run workers on SIGTERM, which on a loaded
    machine can outlast the test; what the test checks was already read by then.
    """
    os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=60)
    # Whatever outlived its leader (a code server that ignored SIGTERM) goes too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def postgres_instance_env(url: sa.URL) -> dict[str, str]:
    """The env vars deploy/dagster.yaml reads, pointing at the database ``url`` names."""
    return {
        "DAGSTER_PG_HOST": url.host or "127.0.0.1",
        "DAGSTER_PG_PORT": str(url.port or 5432),
        "DAGSTER_PG_USER": url.username or "postgres",
        "DAGSTER_PG_PASSWORD": url.password or "",
        "DAGSTER_PG_DB": url.database or "",
    }


def process_tree(pid: int) -> set[int]:
    """``pid`` and every process below it, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {pid}, True
    while grew:
        below = {child for child, parent in parents.items() if parent in tree}
        grew = not below <= tree
        tree |= below
    return tree
