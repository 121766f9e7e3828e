"""``alerts``: where alerts go, every setting an environment variable the UI names, never shows."""

import dagster as dg
from pydantic import Field

from csv_assets.alerts import ALERT_ENV, AlertSettings
from csv_assets.components.csv_source.resources import optional_env


class Alerts(dg.ConfigurableResource):
    """The alert channels: a webhook, e-mail over SMTP, or both (none: the sensors skip)."""

    webhook_url: str | None = Field(
        default=None, description="POST a JSON body per message here (its path may hold a token)."
    )
    webhook_style: str | None = Field(
        default=None, description="json (default): every field; slack: Slack's incoming webhook."
    )
    smtp_url: str | None = Field(
        default=None, description="smtp://user:password@host:587 (STARTTLS) or smtps://...:465."
    )
    email_from: str | None = Field(default=None, description="The sender of alert e-mails.")
    email_to: str | None = Field(
        default=None,
        description="Comma-separated addresses told of everything; owners' "
        "e-mail addresses are told of their sources too.",
    )
    group_seconds: str | None = Field(
        default=None, description="Alerts gather until none has joined for this long (60)."
    )
    ui_url: str | None = Field(default=None, description="The UI's address, for links.")

    def settings(self) -> AlertSettings:
        """The settings, checked.

        Raises:
            ValueError: A setting is not what it must be, named with what it takes.
        """
        return AlertSettings.of(**{field: getattr(self, field) for field in ALERT_ENV})


def alerts_from_env() -> Alerts:
    """The ``alerts`` resource the code location binds: each setting its env var, if set."""
    return Alerts(**{field: optional_env(name) for field, name in ALERT_ENV.items()})
