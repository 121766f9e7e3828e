"""deploy/nginx/csv-assets.conf, as the docs install it, in front of the browser suite's UI.

The example's own file runs in Debian's nginx with a self-signed certificate and a password file
written as its comment says; only where it listens and what it forwards to are the test's.
The tests are in ``test_dagster_ui``, so that they share its ``dagster dev``.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from csv_assets_support.processes import free_port
from csv_assets_tests.conftest import REPO
from csv_assets_tests.ui.conftest import Scenario

EXAMPLE = REPO / "deploy" / "nginx" / "csv-assets.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
USER, PASSWORD = "alice", "correct horse battery staple"


@dataclass(frozen=True)
class Proxy:
    """Where nginx listens, and a TLS context that trusts its (self-signed) certificate."""

    url: str
    tls: ssl.SSLContext


def _nginx_or_skip() -> None:
    if not Path(NGINX).exists():
        if os.environ.get("CSV_ASSETS_REQUIRE_SERVERS") == "1":
            pytest.fail("nginx is not installed (apt-get install -y nginx); .ci/run installs it")
        pytest.skip("nginx is not installed (apt-get install -y nginx)")


@contextmanager
def proxy_in_front(scenario: Scenario, root: Path) -> Iterator[Proxy]:
    """nginx on a free port with the example's server block, in front of ``scenario``'s UI."""
    _nginx_or_skip()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            root / "key.pem",
            "-out",
            root / "cert.pem",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    hashed = subprocess.run(
        ["openssl", "passwd", "-6", "-stdin"],
        input=PASSWORD,
        text=True,
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    (root / "htpasswd").write_text(f"{USER}:{hashed}\n")
    port, upstream = free_port(), scenario.url.removeprefix("http://")
    server = EXAMPLE.read_text()
    server = re.sub(r"listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;", server)
    server = re.sub(r"/etc/ssl/certs/\S+;", f"{root / 'cert.pem'};", server)
    server = re.sub(r"/etc/ssl/private/\S+;", f"{root / 'key.pem'};", server)
    server = server.replace("/etc/nginx/csv-assets.htpasswd", str(root / "htpasswd"))
    server = server.replace("http://127.0.0.1:3000", f"http://{upstream}")
    (root / "csv-assets.conf").write_text(server)
    # Run as root (CI), nginx's workers would switch to nobody, who cannot enter the test's
    # private temporary folders; as anyone else they keep the test's user.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (root / "nginx.conf").write_text(
        f"{user}pid {root}/nginx.pid;\nerror_log {root}/error.log;\nevents {{}}\n"
        f"http {{ access_log {root}/access.log; client_body_temp_path {root}/body;\n"
        f"  proxy_temp_path {root}/proxy;\n  include {root}/csv-assets.conf; }}\n"
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert process.poll() is None, f"nginx stopped: {process.stderr.read()}"
            assert time.monotonic() < deadline, "nginx did not listen within 30 s"
            time.sleep(0.2)
        trusted = ssl.create_default_context(cafile=str(root / "cert.pem"))
        yield Proxy(f"https://127.0.0.1:{port}", trusted)
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(
    proxy: Proxy, path: str, password: str | None = None, data: bytes | None = None
) -> tuple[int, bytes]:
    """The status and body of a request, signed in as alice with ``password`` if given."""
    headers = {"Content-Type": "application/json"}
    if password is not None:
        token = base64.b64encode(f"{USER}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(proxy.url + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20, context=proxy.tls) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def open_websocket(proxy: Proxy, password: str) -> str:
    """The first line of the proxy's answer to the UI's websocket handshake on /graphql."""
    host, port = proxy.url.removeprefix("https://").split(":")
    token = base64.b64encode(f"{USER}:{password}".encode()).decode()
    handshake = (
        "GET /graphql HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nAuthorization: Basic {token}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: graphql-ws\r\n\r\n"
    )
    connection = socket.create_connection((host, int(port)), timeout=20)
    with proxy.tls.wrap_socket(connection, server_hostname=host) as tls:
        tls.sendall(handshake.encode())
        return tls.recv(4096).decode(errors="replace").splitlines()[0]
