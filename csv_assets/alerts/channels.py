"""Where alerts go: a webhook (generic JSON, or Slack-compatible) and e-mail over SMTP.

Configured once, from the environment; URLs and passwords are used, never shown: a channel
describes itself by its host alone, and a failure is one line without them.
"""

from __future__ import annotations

import json
import smtplib
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from csv_assets.alerts.alert import Alert
from csv_assets.alerts.messages import compose, email, json_body, slack_body

TIMEOUT_SECONDS = 10.0
EMAIL = "@"


class ChannelError(Exception):
    """A channel did not take the message: one line, no secret in it."""


class Channel(Protocol):
    """One way of telling someone."""

    @property
    def name(self) -> str:
        """The channel's name in the sensor's cursor: ``webhook`` or ``email``."""
        ...

    def describe(self) -> str:
        """Where it sends, without a secret."""
        ...

    def send(self, alerts: Sequence[Alert]) -> None:
        """Send ``alerts`` (one message per kind).

        Raises:
            ChannelError: It did not take them; they go again on the next tick.
        """
        ...


@dataclass(frozen=True)
class Webhook:
    """An HTTP POST of a JSON body per message: generic, or Slack's incoming-webhook shape."""

    url: str
    style: Literal["json", "slack"] = "json"
    name: str = "webhook"

    def describe(self) -> str:
        """The webhook's scheme and host, and its style: its path may hold a token."""
        parts = urllib.parse.urlsplit(self.url)
        return f"webhook {parts.scheme}://{parts.hostname} ({self.style})"

    def send(self, alerts: Sequence[Alert]) -> None:
        """POST one body per message."""
        render = slack_body if self.style == "slack" else json_body
        for message in compose(alerts):
            request = urllib.request.Request(
                self.url,
                data=json.dumps(render(message)).encode(),
                headers={"Content-Type": "application/json", "User-Agent": "csv-assets"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                raise ChannelError(f"{self.describe()} answered HTTP {error.code}") from None
            except (urllib.error.URLError, OSError) as error:
                why = getattr(error, "reason", error)
                raise ChannelError(f"{self.describe()} is unreachable: {why}") from None


@dataclass(frozen=True)
class Smtp:
    """E-mail through an SMTP server.

    ``smtp://user:password@host:587`` (STARTTLS when the server offers it) or
    ``smtps://...:465`` (TLS from the start). Each alert goes to ``to`` and to the e-mail
    addresses among its source's owners; each recipient gets one message per kind.
    """

    url: str
    sender: str
    to: tuple[str, ...] = ()
    name: str = "email"

    def describe(self) -> str:
        """The server's host and port, and the fixed recipients."""
        parts = urllib.parse.urlsplit(self.url)
        to = f" to {', '.join(self.to)}" if self.to else ""
        return f"e-mail via {parts.hostname}:{parts.port or self._port(parts)}{to}"

    def send(self, alerts: Sequence[Alert]) -> None:
        """One connection; one message per kind for each group of recipients."""
        routes = self.routes(alerts)
        if not routes:
            return
        parts = urllib.parse.urlsplit(self.url)
        try:
            with self._connect(parts) as server:
                for to, theirs in routes.items():
                    for message in compose(theirs):
                        server.send_message(email(message, self.sender, sorted(to)))
        except (smtplib.SMTPException, OSError) as error:
            raise ChannelError(f"{self.describe()} failed: {_one_line(error)}") from None

    def routes(self, alerts: Sequence[Alert]) -> dict[frozenset[str], list[Alert]]:
        """Who gets which alerts: ``to`` all of them, an owner's address its sources' own."""
        theirs: dict[str, list[Alert]] = {}
        for alert in alerts:
            owners = [owner for owner in alert.owners if EMAIL in owner]
            for address in dict.fromkeys([*self.to, *owners]):
                theirs.setdefault(address, []).append(alert)
        grouped: dict[tuple[str, ...], set[str]] = {}
        for address, mine in theirs.items():
            grouped.setdefault(tuple(a.key + a.kind for a in mine), set()).add(address)
        return {
            frozenset(addresses): theirs[next(iter(addresses))] for addresses in grouped.values()
        }

    def _connect(self, parts: urllib.parse.SplitResult) -> smtplib.SMTP:
        host, port = parts.hostname or "localhost", parts.port or self._port(parts)
        if parts.scheme == "smtps":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
            server.ehlo()
            if server.has_extn("starttls"):
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
        if parts.username:
            password = urllib.parse.unquote(parts.password or "")
            server.login(urllib.parse.unquote(parts.username), password)
        return server

    @staticmethod
    def _port(parts: urllib.parse.SplitResult) -> int:
        return 465 if parts.scheme == "smtps" else 25


def _one_line(error: BaseException) -> str:
    """An SMTP or socket failure in one line: the server's answer, or the system's reason."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return f"{error.smtp_code} {text}".splitlines()[0]
    if isinstance(error, socket.timeout):
        return "timed out"
    return (str(error) or type(error).__name__).splitlines()[0]
