"""Where a source's files are: its folders, below the data folder or in a remote store."""

from __future__ import annotations

from pathlib import Path

from csv_assets.catalog.sources import SourceSpec
from csv_assets.storage import (
    Folders,
    RemoteFolders,
    RemoteSettings,
    SourceFolders,
    is_remote,
    open_store,
)


def folders_for(source: SourceSpec, data_dir: Path, settings: RemoteSettings) -> Folders:
    """The folders of ``source``: below ``data_dir``, or in the store its drop folder names."""
    if is_remote(source.inbox):
        store = open_store(source.inbox, settings)
        return RemoteFolders(store, settings, source.file_pattern, source.keying)
    return SourceFolders.under(
        data_dir, source.name, source.inbox, settings.spool_dir, source.file_pattern, source.keying
    )
