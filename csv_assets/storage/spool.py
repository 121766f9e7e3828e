"""A delivery pinned by one open file: a private snapshot of its bytes, and proof they held.

The drop folder belongs to partners, who re-upload (write, then rename), append, or replace a
file with a link while it loads. A delivery is therefore opened once, without following a link,
and copied whole into a private spool; every stage reads the copy. Before the load commits,
the open file must still be as it was when the copy began (same size, same modification time),
so the rows committed are exactly the bytes that were hashed. Moves out of the drop folder
never replace a file, and check that what they moved is the file that was loaded.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from csv_assets.pipeline.errors import BadFileError, LoadError, Refusal
from csv_assets.pipeline.processes import alive

COPY_BLOCK = 8 << 20


@dataclass(frozen=True)
class Identity:
    """What a file was when it was opened: its inode, size and modification time."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, status: os.stat_result) -> Identity:
        """The identity ``status`` (an ``fstat`` or ``lstat``) describes."""
        return cls(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)

    def same_file(self, status: os.stat_result) -> bool:
        """Whether ``status`` describes this very file (the inode), whatever it holds now."""
        return (status.st_dev, status.st_ino) == (self.device, self.inode)


class PinnedFile:
    """An open delivery: its bytes can be copied and checked whatever happens to its name."""

    def __init__(self, fd: int, path: Path, identity: Identity) -> None:
        self.fd = fd
        self.path = path
        self.identity = identity

    def copy_to(self, target: Path) -> None:
        """Copy the file's bytes as they were when it was opened into ``target`` (a new file).

        Raises:
            LoadError: The file changed while it was copied.
        """
        size, offset = self.identity.size, 0
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            while offset < size:
                block = os.pread(self.fd, min(COPY_BLOCK, size - offset), offset)
                if not block:
                    break  # truncated under us: check() says so
                os.write(out, block)
                offset += len(block)
        finally:
            os.close(out)
        self.check()

    def check(self) -> None:
        """Raise unless the open file still has the size and mtime it had when it was opened.

        A new file renamed onto the name does not count: this open file is still the one
        that was copied. A write into it (an append, a rewrite in place) does.

        Raises:
            LoadError: It changed; the load must not commit (its file loads later as it is).
        """
        now = Identity.of(os.fstat(self.fd))
        if (now.size, now.mtime_ns) != (self.identity.size, self.identity.mtime_ns):
            raise LoadError(
                f"{self.path.name}: the file changed while it was read ({self.identity.size:,} "
                f"bytes then, {now.size:,} now); nothing was committed, and it loads as it is "
                "once it has stopped changing"
            )

    def is_at(self, path: Path) -> bool:
        """Whether ``path`` still names this file (not a link, not another file)."""
        try:
            return self.identity.same_file(os.lstat(path))
        except FileNotFoundError:
            return False


@contextmanager
def pin(path: Path) -> Iterator[PinnedFile]:
    """Open the delivery at ``path`` once, refusing links and anything but a regular file.

    Raises:
        BadFileError: ``path`` is a symbolic link, a FIFO, a device or a folder (rule
            ``not_a_file``); nothing was read through it.
        FileNotFoundError: Nothing is at ``path`` (another loader moved it).
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise not_a_file(path, "a symbolic link") from error
        if error.errno in (errno.ENXIO, errno.EISDIR):
            raise not_a_file(path, "not a regular file") from error
        raise
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise not_a_file(path, "not a regular file (a FIFO, device or folder)")
        yield PinnedFile(fd, path, Identity.of(status))
    finally:
        os.close(fd)


@contextmanager
def snapshot(origin: Path, spool: Path | None) -> Iterator[tuple[Path, PinnedFile]]:
    """A private copy of ``origin`` (in a new folder of ``spool``), and the open original.

    The copy keeps ``origin``'s name, for the messages and the ledger; it is removed after.

    Raises:
        BadFileError: ``origin`` is a link or not a regular file.
        LoadError: ``origin`` changed while it was copied.
    """
    with pin(origin) as pinned:
        folder = spool_folder(spool or Path(tempfile.gettempdir()))
        try:
            copy = folder / origin.name
            pinned.copy_to(copy)
            yield copy, pinned
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def spool_folder(spool: Path) -> Path:
    """A new private folder in ``spool``, named after this host and process.

    The folders that processes of this host left behind when they were killed mid-load are
    removed first: the copies they hold were never committed.
    """
    spool.mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()
    for left in spool.glob(f"delivery-{host}-*"):
        pid = left.name.removeprefix(f"delivery-{host}-").partition("-")[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(left, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"delivery-{host}-{os.getpid()}-", dir=spool))


def not_a_file(path: Path, what: str) -> BadFileError:
    """The terminal error of a drop-folder entry that is not a plain file of its own."""
    return BadFileError(
        path.name,
        f"is {what}; only regular files are loaded, and nothing was read through it. Ask the "
        "sender to upload the file itself",
        rule=Refusal.NOT_A_FILE,
    )


def copy_into_place(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` whole, or not at all; never replacing ``target``.

    Raises:
        FileExistsError: ``target`` exists.
    """
    with source.open("rb") as src:
        _write_beside(target, lambda out: shutil.copyfileobj(src, out, COPY_BLOCK), os.link)


def write_whole(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` whole or not at all (a full disk leaves no stub).

    An earlier version of the file is replaced: a report is rewritten when its delivery is
    rejected again.
    """
    _write_beside(target, lambda out: out.write(content), os.replace)


def _write_beside(
    target: Path, write: Callable[[BinaryIO], object], place: Callable[[Path, Path], None]
) -> None:
    """Write a hidden file beside ``target``, sync it, then ``place`` it (link or rename)."""
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with part.open("wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        place(part, target)
    finally:
        with suppress(FileNotFoundError):
            part.unlink()
