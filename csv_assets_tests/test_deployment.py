"""The deployment files, read as Docker, Compose and Dagster's Helm chart would read them.

No container runtime or cluster runs here, so these tests check what those would trip on first:
every file, path, variable and secret key that ``deploy/`` names must exist in the repository,
in the image, in the code that reads it, or in Dagster's chart.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from csv_assets_tests.chart_values import CHART, CHART_PASSWORD_KEY, Free

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PACKAGE = ROOT / "csv_assets"


class Dockerfile:
    """The instructions of ``deploy/Dockerfile`` that decide what the image holds and runs as."""

    def __init__(self, path: Path) -> None:
        text = re.sub(r"\\\n", " ", path.read_text())
        lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        self.instructions = [tuple(ln.split(None, 1)) for ln in lines]
        self.workdir = Path(self.last("WORKDIR"))
        self.copies = [shlex.split(args) for op, args in self.instructions if op == "COPY"]
        self.runs = " ".join(args for op, args in self.instructions if op == "RUN")

    def last(self, op: str) -> str:
        found = [args for name, args in self.instructions if name == op]
        assert found, f"the Dockerfile has no {op}"
        return found[-1]

    def holds(self, path: str) -> bool:
        """Whether the image has ``path`` (relative to WORKDIR, or absolute) from a COPY."""
        target = self.workdir / path
        for *sources, dest in self.copies:
            into = self.workdir / dest
            for source in sources:
                where = into if len(sources) == 1 and not dest.endswith("/") else into / source
                if target == where or where in target.parents:
                    return (ROOT / source / target.relative_to(where)).exists()
        return False


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return Dockerfile(DEPLOY / "Dockerfile")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "docker-compose.yaml").read_text())


@pytest.fixture(scope="module")
def helm() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text())


def ours(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The compose services that run the csv_assets image."""
    return {n: s for n, s in compose["services"].items() if "build" in s}


def package_reads(name: str) -> bool:
    """Whether the package's code names the environment variable ``name``."""
    return any(f'"{name}"' in p.read_text() for p in PACKAGE.rglob("*.py"))


def test_every_file_the_image_copies_exists(dockerfile: Dockerfile) -> None:
    for *sources, _ in dockerfile.copies:
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: not in the repository"


def test_every_file_a_command_names_is_in_the_image(
    dockerfile: Dockerfile, compose: dict[str, Any]
) -> None:
    named = {"workspace.yaml"}
    for service in ours(compose).values():
        command = service.get("command", [])
        named |= {command[i + 1] for i, arg in enumerate(command) if arg in ("-w", "-y")}
    missing = sorted(path for path in named if not dockerfile.holds(path))
    assert not missing, f"commands name files the image lacks: {missing}"
    # The instance config: copied into the image's tree, then into $DAGSTER_HOME.
    assert dockerfile.holds("deploy/dagster.yaml")
    assert 'cp deploy/dagster.yaml "$DAGSTER_HOME/dagster.yaml"' in dockerfile.runs


def test_the_image_installs_the_lock_and_runs_as_no_root(dockerfile: Dockerfile) -> None:
    assert "--require-hashes -r requirements/production.txt" in dockerfile.runs
    assert dockerfile.holds("requirements/production.txt")
    user = dockerfile.last("USER").split(":")[0]
    assert user not in ("root", "0"), "the image runs as root"


def test_every_service_restarts_and_says_when_it_is_healthy(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        assert service.get("restart") in ("unless-stopped", "always"), f"{name}: no restart"
        assert service.get("healthcheck", {}).get("test"), f"{name}: no healthcheck"
        for needed, how in service.get("depends_on", {}).items():
            assert needed in services, f"{name} depends on an unknown service {needed}"
            assert how == {"condition": "service_healthy"}, f"{name} starts before {needed}"


def test_the_folders_are_mounted_where_the_code_looks(
    compose: dict[str, Any], dockerfile: Dockerfile
) -> None:
    instance = yaml.safe_load((DEPLOY / "dagster.yaml").read_text())
    env = " ".join(args for op, args in dockerfile.instructions if op == "ENV")
    home = re.search(r"DAGSTER_HOME=(\S+)", env)
    assert home, "the image sets no DAGSTER_HOME"
    assert "compute_logs" not in instance, "run logs are expected in $DAGSTER_HOME/storage"
    named_volumes = set(compose.get("volumes", {}))
    for name, service in ours(compose).items():
        mounts = dict(v.rsplit(":", 1)[::-1] for v in service["volumes"])
        data_dir = service["environment"]["CSV_ASSETS_DATA_DIR"]
        assert data_dir in mounts, f"{name}: {data_dir} is not mounted"
        assert (DEPLOY / mounts[data_dir]).resolve() == ROOT / "data"
        logs = mounts.get(f"{home.group(1)}/storage")
        assert logs in named_volumes, f"{name}: run logs are not on the shared volume"
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            host = volume.split(":")[0]
            if host.startswith("."):
                assert (DEPLOY / host).exists(), f"{volume}: no {host} beside the compose file"


def test_every_variable_is_one_the_code_or_the_instance_reads(compose: dict[str, Any]) -> None:
    instance = (DEPLOY / "dagster.yaml").read_text()
    wanted = set(re.findall(r"env: (\w+)", instance))
    for name, service in ours(compose).items():
        given = set(service["environment"])
        assert wanted <= given, f"{name} lacks {sorted(wanted - given)}"
        for var in given - wanted - {"CELERY_BROKER_URL"}:
            assert package_reads(var), f"{name}: nothing reads {var}"


def test_the_workspace_reaches_the_code_service(
    compose: dict[str, Any], dockerfile: Dockerfile
) -> None:
    workspace = yaml.safe_load((DEPLOY / "workspace.docker.yaml").read_text())
    server = workspace["load_from"][0]["grpc_server"]
    assert server["host"] in compose["services"]
    assert str(server["port"]) in json.loads(dockerfile.last("CMD"))


def walk(values: Any, chart: Any, path: str) -> list[str]:
    """The key paths of ``values`` the chart does not have."""
    if chart is Free:
        return []
    if isinstance(chart, list):
        return [p for item in values for p in walk(item, chart[0], f"{path}[]")]
    unknown = [f"{path}.{key}" for key in values if key not in chart]
    return unknown + [
        p
        for key, value in values.items()
        if key in chart
        for p in walk(value, chart[key], f"{path}.{key}")
    ]


def test_every_helm_value_is_one_the_chart_reads(helm: dict[str, Any]) -> None:
    assert walk(helm, CHART, "") == []


def test_the_secrets_the_chart_reads_are_created_with_their_keys(helm: dict[str, Any]) -> None:
    text = (DEPLOY / "helm" / "values.yaml").read_text().replace("\\\n#", "")
    created: dict[str, set[str]] = {}
    for name, args in re.findall(r"kubectl create secret generic (\S+)([^\n]*)", text):
        created[name] = set(re.findall(r"--from-literal=([\w-]+)=", args))
    instance_secret = helm["global"]["postgresqlSecretName"]
    assert CHART_PASSWORD_KEY in created.get(instance_secret, set()), (
        f"the chart reads {instance_secret}.{CHART_PASSWORD_KEY}, which is not created"
    )
    deployment = helm["dagster-user-deployments"]["deployments"][0]
    for ref in deployment["envSecrets"] + helm["runLauncher"]["config"]["k8sRunLauncher"].get(
        "envSecrets", []
    ):
        assert ref["name"] in created, f"secret {ref['name']} is never created"
    for key in created["csv-assets"]:
        assert key.startswith("AWS_") or package_reads(key), f"nothing reads {key}"


def test_the_code_location_runs_the_image_as_built(
    helm: dict[str, Any], dockerfile: Dockerfile
) -> None:
    deployment = helm["dagster-user-deployments"]["deployments"][0]
    args = deployment["dagsterApiGrpcArgs"]
    module = args[args.index("--module-name") + 1]
    assert (ROOT / (module.replace(".", "/") + ".py")).exists()
    assert Path(args[args.index("--working-directory") + 1]) == dockerfile.workdir
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert deployment["image"]["tag"] == version
    assert f"csv-assets:{version}" in (DEPLOY / "Dockerfile").read_text()
    assert deployment["podSecurityContext"]["runAsUser"] == int(
        dockerfile.last("USER").split(":")[0]
    )


def test_every_run_pod_mounts_the_drop_folders(helm: dict[str, Any]) -> None:
    deployment = helm["dagster-user-deployments"]["deployments"][0]
    env = {e["name"]: e["value"] for e in deployment["env"]}
    assert deployment["includeConfigInLaunchedRuns"] == {"enabled": True}
    mounts = {m["mountPath"]: m["name"] for m in deployment["volumeMounts"]}
    volume = mounts.get(env["CSV_ASSETS_DATA_DIR"])
    assert volume, "the data folder is each pod's own disk: a run cannot see the sensor's files"
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in deployment["volumes"]}
    manifests = [yaml.safe_load(p.read_text()) for p in (DEPLOY / "helm").glob("*.yaml")]
    shared = [
        m
        for m in manifests
        if m.get("kind") == "PersistentVolumeClaim" and m["metadata"]["name"] == claims[volume]
    ]
    assert shared and "ReadWriteMany" in shared[0]["spec"]["accessModes"]
