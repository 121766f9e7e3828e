"""``csv-assets alerts [--test]``: where alerts go, and a test message to see that they arrive."""

from __future__ import annotations

import argparse
import getpass
import socket
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``alerts``."""
    parser.add_argument(
        "--test",
        action="store_true",
        help="Send one test alert through every channel set (the sensors' own code path).",
    )


def run(args: argparse.Namespace) -> int:
    """Say which channels the environment sets (never a secret); with --test, use each once."""
    from csv_assets.alerts import Alert, AlertSettings, ChannelError

    try:
        settings = AlertSettings.from_env()
    except ValueError as error:
        raise SystemExit(f"csv-assets: {error}") from None
    channels = settings.channels()
    if not channels:
        print(
            "no alert channel is set: CSV_ASSETS_ALERT_WEBHOOK_URL and/or "
            "CSV_ASSETS_ALERT_SMTP_URL (docs/alerts.md)"
        )
        return 1
    for channel in channels:
        print(channel.describe())
    if not args.test:
        return 0
    where = f"{getpass.getuser()}@{socket.gethostname()}"
    test = Alert(
        kind="test",
        key="test",
        subject="csv_assets",
        title="csv_assets test alert: this channel works",
        details=(f"sent by csv-assets alerts --test from {where}",),
    )
    failed = 0
    for channel in channels:
        try:
            channel.send([test])
        except ChannelError as error:
            print(f"failed: {error}", file=sys.stderr)
            failed += 1
        else:
            print(f"sent a test alert by {channel.describe()}")
    return 1 if failed else 0
