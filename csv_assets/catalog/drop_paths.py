"""Which local folders a source may name as its drop folder.

Every regular file of a drop folder is moved away once loaded or rejected, so a drop folder
that named the data folder itself, its archive, a folder outside it or a system folder would
empty that folder. A drop folder is a folder below the data folder, an ``s3://`` or ``sftp://``
URL, or an absolute path below a folder the operator listed in ``CSV_ASSETS_DROP_ROOTS``.
"""

from __future__ import annotations

import os
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from csv_assets.storage import is_remote

DROP_ROOTS_ENV = "CSV_ASSETS_DROP_ROOTS"
"""Folders (``:``-separated) below which a ``drop_folder`` may be an absolute path."""
_SYSTEM = "/bin /boot /dev /etc /lib /lib64 /proc /run /sbin /sys /usr"
NEVER_BELOW = tuple(PurePosixPath(p) for p in _SYSTEM.split())
"""The system's own folders: nothing below them is ever a drop folder."""
NEVER_ROOTS = frozenset(PurePosixPath(p) for p in ("/", "/home", "/root", "/srv", "/tmp", "/var"))
"""Folders too wide to be a drop root (a folder below one of them may be)."""
DATA_FOLDERS = ("archive", "rejected", "spool")


def checked_drop_folder(value: str | None) -> str | None:
    """``value`` if a source may drop there (see the module's docstring).

    Raises:
        ValueError: Why not, and what to write instead.
    """
    if value is None:
        return value
    if is_remote(value):
        if urlsplit(value).password is not None:  # shown in the UI, the logs and status
            raise ValueError(
                "drop_folder holds a password: remove it and set CSV_ASSETS_SFTP_PASSWORD (or "
                "CSV_ASSETS_SFTP_KEY_FILE) instead; a YAML is no place for a secret"
            )
        return value
    path = PurePosixPath(value)
    if ".." in path.parts:
        raise ValueError(f"drop_folder {value!r}: '..' is refused; name the folder itself")
    if path.is_absolute():
        return _below_a_drop_root(path)
    if not path.parts or path.parts[0] in DATA_FOLDERS:
        raise ValueError(
            f"drop_folder {value!r} must be a folder below the data folder (such as "
            "inbox/<name>), not the data folder itself or its archive, rejected or spool"
        )
    return value


def drop_roots() -> list[PurePosixPath]:
    """The folders of ``CSV_ASSETS_DROP_ROOTS`` that may hold drop folders."""
    listed = [PurePosixPath(r) for r in os.environ.get(DROP_ROOTS_ENV, "").split(":") if r]
    return [
        root
        for root in listed
        if root.is_absolute() and ".." not in root.parts and root not in NEVER_ROOTS
        if not any(root.is_relative_to(system) for system in NEVER_BELOW)
    ]


def _below_a_drop_root(path: PurePosixPath) -> str:
    roots = drop_roots()
    system = any(path.is_relative_to(folder) for folder in NEVER_BELOW)
    if not system and any(path != root and path.is_relative_to(root) for root in roots):
        return str(path)
    allowed = ", ".join(map(str, roots)) or "none"
    raise ValueError(
        f"drop_folder {str(path)!r} is an absolute path below no folder of {DROP_ROOTS_ENV} "
        f"(now: {allowed}); list its parent there (never a system folder), or drop below "
        "the data folder"
    )
