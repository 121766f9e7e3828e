"""The folders are the layers: each imports only the layers below it, through their public API.

Layers, top down: the Dagster wing (``definitions.py``, ``components/``, ``defs/``) and the
operator's commands (``cli.py``, ``commands/``) side by side, then the alerts (no Dagster: what
to tell, and the channels), then the ingest service, then the
catalog of sources, then the storage of deliveries (folders, stores), then the pipeline. Only
the wing imports Dagster. Inside the pipeline the stages rank read < sniff < validate < load,
with ``errors``, ``dialect``, ``cells``, ``names`` and ``extras`` below them all.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "csv_assets"
SHARED = ("errors", "dialect", "cells", "names", "extras", "processes")
STAGES = ("read", "sniff", "validate", "load")
BELOW_THE_SERVICE = {"ingest", "catalog", "storage", "pipeline"}
MAY_IMPORT = {
    "wing": {"wing", "alerts", *BELOW_THE_SERVICE},
    "commands": {"commands", "alerts", *BELOW_THE_SERVICE},
    "alerts": {"alerts", *BELOW_THE_SERVICE},
    "ingest": BELOW_THE_SERVICE,
    "catalog": {"catalog", "storage", "pipeline"},
    "storage": {"storage", "pipeline"},
    "pipeline": {"pipeline"},
    "schemas": set(),
    "root": set(),
}


@dataclass(frozen=True)
class Import:
    """One import statement: where it stands and the module it names."""

    file: Path
    line: int
    module: str

    @property
    def where(self) -> str:
        return f"{self.file.relative_to(PACKAGE.parent)}:{self.line} imports {self.module}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[Import]:
    """Every module ``path`` imports, at its top or inside a function, absolute or relative."""
    found = []
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.append(Import(path, node.lineno, module))
            # ``from csv_assets.pipeline import read`` names a stage module too.
            found += [Import(path, node.lineno, f"{module}.{a.name}") for a in node.names]
    return found


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    top = parts[1]
    if top in ("definitions", "components", "defs"):
        return "wing"
    if top in ("cli", "commands"):
        return "commands"
    return top


def stage_of(module: str) -> str | None:
    """``read``, ``sniff``... for a module of a stage; ``shared`` for errors, dialect, cells."""
    parts = module.split(".")
    if parts[:2] != ["csv_assets", "pipeline"] or len(parts) < 3:
        return None
    return "shared" if parts[2] in SHARED else parts[2]


def rank(stage: str) -> int:
    return -1 if stage == "shared" else STAGES.index(stage)


def is_module(module: str) -> bool:
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


SOURCES = sorted(PACKAGE.rglob("*.py"))
IMPORTS = [i for path in SOURCES for i in imports_of(path)]
OURS = [i for i in IMPORTS if i.module.startswith("csv_assets.") and is_module(i.module)]


def test_the_layout_has_every_layer_and_stage():
    layers = {layer_of(module_name(path)) for path in SOURCES}
    assert layers == set(MAY_IMPORT)
    for stage in STAGES:
        assert (PACKAGE / "pipeline" / stage / "__init__.py").is_file()
    assert (PACKAGE / "components" / "csv_source" / "__init__.py").is_file()


def test_only_the_dagster_wing_imports_dagster():
    outside = [
        i.where
        for i in IMPORTS
        if i.module.split(".")[0].startswith("dagster") and layer_of(module_name(i.file)) != "wing"
    ]
    assert not outside, "only components/, defs/ and definitions.py may import dagster"


def test_no_layer_imports_a_layer_above_it():
    upward = [
        i.where
        for i in OURS
        if layer_of(i.module) not in MAY_IMPORT[layer_of(module_name(i.file))]
        and layer_of(i.module) != layer_of(module_name(i.file))
    ]
    assert not upward


def test_a_stage_imports_only_lower_stages_through_their_api():
    wrong = []
    for i in OURS:
        mine, theirs = stage_of(module_name(i.file)), stage_of(i.module)
        if mine is None or theirs is None or mine == theirs:
            continue
        if rank(theirs) >= rank(mine):
            wrong.append(f"{i.where}: {theirs} does not rank below {mine}")
        elif theirs != "shared" and i.module != f"csv_assets.pipeline.{theirs}":
            wrong.append(f"{i.where}: import from csv_assets.pipeline.{theirs} instead")
    assert not wrong


@pytest.mark.parametrize(
    ("api", "owns"),
    [
        *((f"csv_assets.pipeline.{s}", f"csv_assets.pipeline.{s}.") for s in STAGES),
        ("csv_assets.ingest", "csv_assets.ingest."),
        ("csv_assets.catalog", "csv_assets.catalog."),
        ("csv_assets.storage", "csv_assets.storage."),
    ],
)
def test_other_layers_use_the_public_api(api: str, owns: str):
    private = [
        f"{i.where}: import from {api} instead"
        for i in OURS
        if i.module.startswith(owns) and not module_name(i.file).startswith(api)
    ]
    assert not private


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_api_exports_what_it_names(stage: str):
    api = __import__(f"csv_assets.pipeline.{stage}", fromlist=["__all__"])
    assert api.__all__, f"{stage} has no public names"
    assert all(hasattr(api, name) for name in api.__all__)


def test_the_pipeline_creates_no_engine_and_reads_no_environment():
    impure = []
    for path in sorted((PACKAGE / "pipeline").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(node, "attr", None) or getattr(node, "id", None)
            if name in ("create_engine", "create_warehouse_engine", "environ", "getenv"):
                impure.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} uses {name}")
    assert not impure, "engines and settings come from the caller (resources, CLI flags)"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, directly or round about (Tarjan)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for other in graph[module]:
            if other not in order:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], order[other])
        if low[module] == order[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in order:
            visit(module)
    return found


def test_no_module_imports_itself_round_about():
    # Every import counts: at the top, inside a function, or for type checking only.
    graph: dict[str, set[str]] = {module_name(path): set() for path in SOURCES}
    for i in OURS:
        if i.module in graph and i.module != module_name(i.file):
            graph[module_name(i.file)].add(i.module)

    assert not cycles(graph)
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
