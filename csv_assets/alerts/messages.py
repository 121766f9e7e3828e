"""Alerts as messages: one alert said in full, many of a kind as one summary.

A message renders three ways: a JSON body for a generic webhook, a Slack-compatible body
(``text`` plus blocks), and an e-mail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from csv_assets.alerts.alert import KINDS, Alert

LISTED = 10
"""A summary names this many alerts, then counts the rest."""
PREFIX = "[csv_assets]"


@dataclass(frozen=True)
class Message:
    """One message about one or more alerts of a kind."""

    subject: str
    lines: tuple[str, ...]
    alerts: tuple[Alert, ...]

    @property
    def owners(self) -> list[str]:
        """Everyone who owns something the message is about."""
        return sorted({owner for alert in self.alerts for owner in alert.owners})

    def text(self) -> str:
        """The message as plain text: its subject, then its lines."""
        return "\n".join([self.subject, *self.lines])


def compose(alerts: Sequence[Alert]) -> list[Message]:
    """One message per kind: the alert itself when alone, else a summary of them all."""
    messages = []
    for kind, many in KINDS.items():
        group = [alert for alert in alerts if alert.kind == kind]
        if len(group) == 1:
            alert = group[0]
            lines = [*alert.details, *([f"owners: {', '.join(alert.owners)}"] * bool(alert.owners))]
            lines += [f"see: {alert.link}"] if alert.link else []
            messages.append(Message(f"{PREFIX} {alert.title}", tuple(lines), (alert,)))
        elif group:
            by_subject = Counter(alert.subject for alert in group)
            spread = ", ".join(f"{subject} {n}" for subject, n in by_subject.most_common())
            lines = [f"- {alert.title}" for alert in group[:LISTED]]
            if len(group) > LISTED:
                lines.append(f"... and {len(group) - LISTED} more: csv-assets status lists them")
            owners = sorted({owner for alert in group for owner in alert.owners})
            lines += [f"owners: {', '.join(owners)}"] if owners else []
            subject = f"{PREFIX} {len(group)} {many} ({spread})"
            messages.append(Message(subject, tuple(lines), tuple(group)))
    return messages


def json_body(message: Message) -> dict[str, Any]:
    """A generic webhook's body: the summary, and every alert with all its fields."""
    return {
        "subject": message.subject,
        "text": message.text(),
        "owners": message.owners,
        "count": len(message.alerts),
        "alerts": [alert.as_dict() for alert in message.alerts],
    }


def slack_body(message: Message) -> dict[str, Any]:
    """A body Slack's incoming webhooks (and Mattermost's, and Rocket.Chat's) take."""
    body = "\n".join(message.lines)[:2900]  # a section's text holds 3,000 characters
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{_escaped(message.subject)}*"}}
    ]
    if body:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _escaped(body)}})
    return {"text": message.subject, "blocks": blocks}


def email(message: Message, sender: str, to: Sequence[str]) -> EmailMessage:
    """The message as an e-mail from ``sender`` to ``to``."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail.set_content(message.text() + "\n")
    return mail


def _escaped(text: str) -> str:
    """Text for Slack's mrkdwn: its three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
