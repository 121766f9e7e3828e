"""An SFTP drop folder: ``sftp://user@host:port/path``, through paramiko."""

from __future__ import annotations

import posixpath
import stat
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import paramiko

from csv_assets.storage.deliveries import DroppedFile, is_candidate
from csv_assets.storage.stores.base import StoreError

CHUNK = 1024 * 1024


ANSWER_SECONDS = 60.0
"""How long one SFTP request may wait for the server's answer."""


class SftpStore:
    """Files below one directory of an SFTP server, over one SSH connection opened on first use.

    The server's host key must be known (``known_hosts``, else ``~/.ssh/known_hosts``): an
    unknown server is refused, never trusted on first sight.
    """

    def __init__(
        self,
        url: str,
        *,
        password: str | None = None,
        key_file: str | None = None,
        key_passphrase: str | None = None,
        known_hosts: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        if not parts.hostname:
            raise ValueError(f"{url}: an SFTP drop folder is sftp://user@host[:port]/path")
        self.url = url if url.endswith("/") else url + "/"
        self.host, self.port = parts.hostname, parts.port or 22
        self.user = unquote(parts.username) if parts.username else None
        self.root = parts.path.rstrip("/") or "/"
        self._auth: dict[str, Any] = {
            "password": password,
            "key_filename": key_file,
            "passphrase": key_passphrase,  # what decrypts the key file, if it is encrypted
        }
        self._known_hosts = known_hosts
        self._ssh: paramiko.SSHClient | None = None
        self._sftp: paramiko.SFTPClient | None = None

    @property
    def sftp(self) -> paramiko.SFTPClient:
        """The session, connecting on first use."""
        if self._sftp is None:
            ssh = paramiko.SSHClient()
            if self._known_hosts:
                ssh.load_host_keys(self._known_hosts)
            else:
                ssh.load_system_host_keys()
            ssh.set_missing_host_key_policy(paramiko.RejectPolicy())
            ssh.connect(
                self.host,
                self.port,
                username=self.user,
                allow_agent=False,
                look_for_keys=self._auth["key_filename"] is None and not self._auth["password"],
                timeout=30,
                **{k: v for k, v in self._auth.items() if v},
            )
            sftp = ssh.open_sftp()
            # A server that stops answering fails the call after this long instead of holding
            # the tick or the load; keepalives find a peer that vanished while idle.
            channel, transport = sftp.get_channel(), ssh.get_transport()
            if channel is None or transport is None:
                raise paramiko.SSHException("the SFTP session closed as it opened")
            channel.settimeout(ANSWER_SECONDS)
            transport.set_keepalive(30)
            self._ssh, self._sftp = ssh, sftp
        return self._sftp

    def _path(self, key: str) -> str:
        return posixpath.join(self.root, key) if key else self.root

    def list(self, folder: str = "", *, below: bool = False) -> list[DroppedFile]:
        """The regular files in the folder (or below it), with the server's sizes and mtimes."""
        try:
            entries = self.sftp.listdir_attr(self._path(folder))
        except FileNotFoundError:
            return []
        except (OSError, paramiko.SSHException) as error:
            raise StoreError(
                f"{self.url}: cannot list the drop folder ({type(error).__name__}: {error}); "
                "check the source's drop_folder, CSV_ASSETS_SFTP_* and the server's host key"
            ) from error
        listing = []
        for e in entries:
            if below and stat.S_ISDIR(e.st_mode or 0):
                inner = self.list(posixpath.join(folder, e.filename), below=True)
                listing += [
                    DroppedFile(f"{e.filename}/{f.name}", f.size, f.mtime_ns) for f in inner
                ]
            elif stat.S_ISREG(e.st_mode or 0) and is_candidate(e.filename):
                mtime_ns = int(e.st_mtime or 0) * 1_000_000_000
                listing.append(DroppedFile(e.filename, e.st_size or 0, mtime_ns))
        return sorted(listing, key=lambda f: f.name)

    def stat(self, key: str) -> DroppedFile | None:
        """The file's size and mtime (whole seconds, as SFTP keeps them), or None."""
        try:
            attrs = self.sftp.stat(self._path(key))
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(attrs.st_mode or 0):
            return None
        mtime_ns = int(attrs.st_mtime or 0) * 1_000_000_000
        return DroppedFile(posixpath.basename(key), attrs.st_size or 0, mtime_ns)

    def download(self, key: str, target: Path) -> None:
        """Stream the file into ``target`` (paramiko prefetches ahead of the writes)."""
        with self.sftp.open(self._path(key), "rb") as remote, target.open("wb") as out:
            remote.prefetch()
            while chunk := remote.read(CHUNK):
                out.write(chunk)

    def move(self, key: str, target: str) -> None:
        """A rename on the server: atomic, so the file is always whole in exactly one place."""
        self._makedirs(posixpath.dirname(target))
        self.sftp.posix_rename(self._path(key), self._path(target))

    def touch(self, key: str) -> None:
        """Set the file's mtime to now on the server (a rename keeps the old one)."""
        self.sftp.utime(self._path(key), None)

    def put(self, key: str, data: bytes | Path) -> None:
        """Write beside the target (a local file a chunk at a time), then rename it into place."""
        self._makedirs(posixpath.dirname(key))
        # A short name of its own: the key's name may already be as long as the disk allows.
        partial = self._path(posixpath.join(posixpath.dirname(key), f".{uuid.uuid4().hex}.part"))
        if isinstance(data, Path):
            self.sftp.put(str(data), partial)
        else:
            with self.sftp.open(partial, "wb") as out:
                out.write(data)
        self.sftp.posix_rename(partial, self._path(key))

    def _makedirs(self, folder: str) -> None:
        path = self.root
        for part in [p for p in folder.split("/") if p]:
            path = posixpath.join(path, part)
            try:
                self.sftp.mkdir(path)
            except OSError:
                if not stat.S_ISDIR(self.sftp.stat(path).st_mode or 0):
                    raise

    def close(self) -> None:
        """Close the session and the connection."""
        if self._ssh is not None:
            self._ssh.close()
        self._ssh = self._sftp = None
