"""Real receivers on loopback for the alert tests: a webhook (HTTP) and an SMTP server (aiosmtpd).

Each runs in a thread of the test process and keeps what it received, as a user's Slack or
mail server would; the code under test reaches them over TCP with the client code users run.
"""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from csv_assets_tests.servers import _free_port, _require


@dataclass
class Received:
    """What a receiver got, in order; safe to read while it receives."""

    url: str
    items: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: Any) -> None:
        with self.lock:
            self.items.append(item)

    def all(self) -> list[Any]:
        with self.lock:
            return list(self.items)

    def wait_for(self, test: Callable[[list[Any]], bool], seconds: float, what: str) -> list[Any]:
        deadline = time.monotonic() + seconds
        while not test(self.all()):
            assert time.monotonic() < deadline, f"{what}; received: {self.all()}"
            time.sleep(0.2)
        return self.all()


@pytest.fixture
def webhook() -> Iterator[Received]:
    """A webhook at ``received.url`` that answers 200 and keeps each JSON body it was sent."""
    port = _free_port()
    received = Received(f"http://127.0.0.1:{port}/hooks/T000/B000/secret-token")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.add({"path": self.path, "body": json.loads(body)})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield received
    server.shutdown()
    server.server_close()


@pytest.fixture
def mailbox() -> Iterator[Received]:
    """An SMTP server at ``received.url`` (no TLS, no login) keeping each message it took."""
    _require("aiosmtpd", "Alert e-mail")
    from aiosmtpd.controller import Controller

    port = _free_port()
    received = Received(f"smtp://127.0.0.1:{port}")

    class Handler:
        async def handle_DATA(self, server, session, envelope) -> str:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            received.add(
                {
                    "to": sorted(envelope.rcpt_tos),
                    "subject": " ".join(str(message["Subject"]).split()),  # unfolded
                    "body": message.get_content(),
                }
            )
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield received
    controller.stop()
