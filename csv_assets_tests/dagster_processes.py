"""Real Dagster processes for the end-to-end tests: a scratch project, ports, a clean stop."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from csv_assets_tests.conftest import REPO

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


def start(command: list[str], project: Path, env: Mapping[str, str]) -> subprocess.Popen:
    """Start a Dagster command-line tool of this venv in ``project``, in its own process group.

    What it prints goes to ``project/<tool>.log``, to read when a test fails.
    """
    log = (project / f"{command[0]}.log").open("w")
    return subprocess.Popen(
        [str(BIN / command[0]), *command[1:]],
        cwd=project,
        env={**os.environ, "DAGSTER_HOME": str(project / "dagster_home"), **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the whole process group; SIGKILL what has not gone after a minute.

    ``dagster dev`` and the daemon wait for in-flight run workers on SIGTERM, which on a loaded
    machine can outlast the test; what the test checks was already read by then.
    """
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
