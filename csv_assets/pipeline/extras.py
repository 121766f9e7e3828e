"""Optional dependencies: what production needs and the embedded default does not.

``pip install csv_assets`` runs the laptop setup (SQLite, local drop folders, in-process runs);
``[postgres]``, ``[s3]``, ``[sftp]`` and ``[celery]`` (or ``[production]``, all four) add the
rest, and ``[duckdb]`` or ``[mysql]`` the other warehouses. A setting that needs a missing one
fails in one line naming the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """A setting needs an optional dependency that is not installed."""


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module``, or say which extra of csv_assets brings it.

    Args:
        module: The module to import (``boto3``).
        extra: The extra that installs it (``s3``).
        purpose: What needs it, as the user set it (``the drop folder s3://bucket/in/``).

    Raises:
        MissingExtra: It is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"{purpose} needs {module}, which is not installed: "
            f"pip install 'csv_assets[{extra}]' (or [production])"
        ) from None
