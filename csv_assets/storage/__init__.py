"""Where deliveries lie: drop folders, local or remote, their listings, and their files' moves.

It knows nothing of sources or the warehouse: a folder is told its paths (or its store), a
delivery is a file's name and time. Each delivery is read from a private copy (``snapshot``)
and moved with checks that it is still the file that was read.
"""

from csv_assets.storage.deliveries import Delivery, DroppedFile
from csv_assets.storage.folders import Folders
from csv_assets.storage.local_folders import SourceFolders
from csv_assets.storage.name_dates import NameDate, compile_format, keyed
from csv_assets.storage.remote_folders import RemoteFolders
from csv_assets.storage.scan import ScanCursor, held_still, is_future_dated, ready_files
from csv_assets.storage.spool import snapshot
from csv_assets.storage.stores import (
    SETTINGS_ENV,
    RemoteSettings,
    StoreError,
    is_remote,
    open_store,
)

__all__ = [
    "SETTINGS_ENV",
    "Delivery",
    "DroppedFile",
    "Folders",
    "NameDate",
    "RemoteFolders",
    "RemoteSettings",
    "ScanCursor",
    "SourceFolders",
    "StoreError",
    "compile_format",
    "held_still",
    "is_future_dated",
    "is_remote",
    "keyed",
    "open_store",
    "ready_files",
    "snapshot",
]
