"""The alert channels, configured once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from csv_assets.alerts.channels import Channel, Smtp, Webhook

ALERT_ENV = {
    "webhook_url": "CSV_ASSETS_ALERT_WEBHOOK_URL",
    "webhook_style": "CSV_ASSETS_ALERT_WEBHOOK_STYLE",
    "smtp_url": "CSV_ASSETS_ALERT_SMTP_URL",
    "email_from": "CSV_ASSETS_ALERT_EMAIL_FROM",
    "email_to": "CSV_ASSETS_ALERT_EMAIL_TO",
    "group_seconds": "CSV_ASSETS_ALERT_GROUP_SECONDS",
    "ui_url": "CSV_ASSETS_UI_URL",
}
"""Each setting's environment variable."""
GROUP_SECONDS = 60.0
SENDER = "csv-assets@localhost"


@dataclass(frozen=True)
class AlertSettings:
    """Where alerts go and how long they gather before they go."""

    webhook_url: str | None = None
    webhook_style: Literal["json", "slack"] = "json"
    smtp_url: str | None = None
    email_from: str = SENDER
    email_to: tuple[str, ...] = ()
    group_seconds: float = GROUP_SECONDS
    ui_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AlertSettings:
        """The settings the ``CSV_ASSETS_ALERT_*`` variables give (nothing set: no channel).

        Raises:
            ValueError: A setting is not what it must be (named, with what it takes).
        """
        env = os.environ if env is None else env
        values = {field: env.get(name) or None for field, name in ALERT_ENV.items()}
        return cls.of(**values)

    @classmethod
    def of(
        cls,
        webhook_url: str | None = None,
        webhook_style: str | None = None,
        smtp_url: str | None = None,
        email_from: str | None = None,
        email_to: str | None = None,
        group_seconds: str | float | None = None,
        ui_url: str | None = None,
    ) -> AlertSettings:
        """Settings from their text, as the environment (or a resource) gives them.

        Raises:
            ValueError: A setting is not what it must be (named, with what it takes).
        """
        style = (webhook_style or "json").lower()
        if style not in ("json", "slack"):
            raise ValueError(f"{ALERT_ENV['webhook_style']} is json or slack, not {style!r}")
        if webhook_url and not webhook_url.startswith(("http://", "https://")):
            raise ValueError(f"{ALERT_ENV['webhook_url']} must be an http:// or https:// URL")
        if smtp_url and not smtp_url.startswith(("smtp://", "smtps://")):
            raise ValueError(
                f"{ALERT_ENV['smtp_url']} must be smtp://[user:password@]host[:port] or smtps://"
            )
        try:
            group = float(group_seconds) if group_seconds is not None else GROUP_SECONDS
        except ValueError:
            group = -1.0
        if not 0 <= group <= 3600:
            raise ValueError(f"{ALERT_ENV['group_seconds']} is a number of seconds, 0 to 3600")
        to = tuple(a.strip() for a in (email_to or "").split(",") if a.strip())
        return cls(
            webhook_url,
            "slack" if style == "slack" else "json",
            smtp_url,
            email_from or SENDER,
            to,
            group,
            (ui_url or "").rstrip("/") or None,
        )

    def channels(self) -> list[Channel]:
        """The channels set: a webhook, e-mail, both or none."""
        channels: list[Channel] = []
        if self.webhook_url:
            channels.append(Webhook(self.webhook_url, self.webhook_style))
        if self.smtp_url:
            channels.append(Smtp(self.smtp_url, self.email_from, self.email_to))
        return channels

    def link(self, path: str) -> str | None:
        """The UI's address of ``path`` (``/runs/<id>``), when the UI's address is set."""
        return f"{self.ui_url}{path}" if self.ui_url else None
