"""The lock files install what pyproject.toml asks for: every range met, production hash-checked.

``make install`` and the image install ``requirements/production.txt``; ``make dev`` and
``make test`` install under ``requirements/dev.txt``. Each must pin every package the project's
extras name, within its range, so that a change of range without ``make lock`` fails here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from csv_assets_tests.conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def pins(lock: Path) -> dict[str, str]:
    """Package name -> pinned version."""
    return {canonicalize_name(name): version for name, version in PIN.findall(lock.read_text())}


def wanted(extra: str) -> list[Requirement]:
    """The requirements of the project with ``extra``: its own extras followed through."""
    found = [Requirement(r) for r in PROJECT["dependencies"]]
    todo, seen = [extra], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in PROJECT["optional-dependencies"][name]:
            requirement = Requirement(spec)
            if canonicalize_name(requirement.name) == "csv-assets":
                todo += sorted(requirement.extras)
            else:
                found.append(requirement)
    return found


@pytest.mark.parametrize(("lock", "extra"), [("production.txt", "production"), ("dev.txt", "dev")])
def test_the_lock_pins_every_requirement_within_its_range(lock: str, extra: str) -> None:
    pinned = pins(REPO / "requirements" / lock)
    outside = [
        f"{r.name}{r.specifier} (locked: {pinned.get(canonicalize_name(r.name), 'missing')})"
        for r in wanted(extra)
        if canonicalize_name(r.name) not in pinned
        or not r.specifier.contains(pinned[canonicalize_name(r.name)], prereleases=True)
    ]
    assert not outside, f"requirements/{lock} is stale, run make lock: {outside}"


def test_production_installs_no_dev_tool_and_checks_every_hash() -> None:
    text = (REPO / "requirements" / "production.txt").read_text()
    pinned = pins(REPO / "requirements" / "production.txt")
    assert not {"pytest", "ruff", "mypy", "moto", "pytest-playwright"} & set(pinned)
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    unhashed = [e.split("==")[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
    assert not unhashed, f"pinned without a hash: {unhashed}"
