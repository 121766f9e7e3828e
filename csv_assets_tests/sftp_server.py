"""A real SFTP server for the tests: asyncssh, chrooted to a folder, loopback; one user, who
signs in with a password or with the key whose public half is CLIENT_KEY.

    python -m csv_assets_tests.sftp_server ROOT HOST_KEY USER PASSWORD CLIENT_KEY

Prints the port it listens on, then serves until killed.
"""

from __future__ import annotations

import asyncio
import sys

import asyncssh


class OneUserServer(asyncssh.SSHServer):
    """Accepts one user, with one password or one public key."""

    def __init__(self, user: str, password: str, client_key: asyncssh.SSHKey) -> None:
        self.user, self.password, self.client_key = user, password, client_key

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return (username, password) == (self.user, self.password)

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        public = self.client_key.public_data
        return username == self.user and key.public_data == public


async def serve(root: str, host_key: str, user: str, password: str, client_key: str) -> None:
    allowed = asyncssh.read_public_key(client_key)
    server = await asyncssh.listen(
        "127.0.0.1",
        0,
        server_factory=lambda: OneUserServer(user, password, allowed),
        server_host_keys=[host_key],
        sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=root.encode()),
        allow_scp=False,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(serve(*sys.argv[1:6]))
