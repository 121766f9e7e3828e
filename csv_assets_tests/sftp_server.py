"""A real SFTP server for the tests: asyncssh, chrooted to a folder, password auth, loopback.

    python -m csv_assets_tests.sftp_server ROOT HOST_KEY USER PASSWORD

Prints the port it listens on, then serves until killed.
"""

from __future__ import annotations

import asyncio
import sys

import asyncssh


class PasswordServer(asyncssh.SSHServer):
    """Accepts one user with one password."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return (username, password) == (self.user, self.password)


async def serve(root: str, host_key: str, user: str, password: str) -> None:
    server = await asyncssh.listen(
        "127.0.0.1",
        0,
        server_factory=lambda: PasswordServer(user, password),
        server_host_keys=[host_key],
        sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=root.encode()),
        allow_scp=False,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(serve(*sys.argv[1:5]))
