"""Telling someone: alerts on rejected deliveries, stale sources, failed runs, blocked checks.

No Dagster here: what is wrong is found in the folders and the ledger (``findings``) or handed
in by the Dagster wing (run failures, check evaluations); ``AlertCursor`` keeps what was sent,
so each alert goes once per channel, and ``AlertSettings`` says where: a webhook (JSON or
Slack-compatible) and e-mail over SMTP, from the ``CSV_ASSETS_ALERT_*`` environment variables.
"""

from csv_assets.alerts.alert import KINDS, Alert, Kind
from csv_assets.alerts.channels import Channel, ChannelError, Smtp, Webhook
from csv_assets.alerts.findings import rejected_files, stale_sources
from csv_assets.alerts.messages import Message, compose
from csv_assets.alerts.outbox import AlertCursor, Outbox
from csv_assets.alerts.settings import ALERT_ENV, AlertSettings

__all__ = [
    "ALERT_ENV",
    "KINDS",
    "Alert",
    "AlertCursor",
    "AlertSettings",
    "Channel",
    "ChannelError",
    "Kind",
    "Message",
    "Outbox",
    "Smtp",
    "Webhook",
    "compose",
    "rejected_files",
    "stale_sources",
]
