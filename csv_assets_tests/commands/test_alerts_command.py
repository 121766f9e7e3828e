"""``csv-assets alerts``: the channels a user set, said without secrets, and a test through each."""

import subprocess
import sys

from csv_assets_tests.conftest import REPO


def alerts(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "csv_assets.cli", "alerts", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
        check=False,
    )


def test_a_test_alert_reaches_the_webhook_and_the_mailbox(webhook, mailbox):
    env = {
        "CSV_ASSETS_ALERT_WEBHOOK_URL": webhook.url,
        "CSV_ASSETS_ALERT_WEBHOOK_STYLE": "slack",
        "CSV_ASSETS_ALERT_SMTP_URL": mailbox.url,
        "CSV_ASSETS_ALERT_EMAIL_TO": "oncall@example.com",
    }

    done = alerts("--test", env=env)

    assert done.returncode == 0, done.stderr
    assert "secret-token" not in done.stdout
    assert "sent a test alert by webhook http://127.0.0.1 (slack)" in done.stdout
    (hook,) = webhook.all()
    assert hook["body"]["text"] == "[csv_assets] csv_assets test alert: this channel works"
    (mail,) = mailbox.all()
    assert mail["to"] == ["oncall@example.com"]


def test_no_channel_and_a_wrong_setting_are_each_one_line():
    assert "no alert channel is set" in alerts(env={}).stdout
    wrong = alerts(env={"CSV_ASSETS_ALERT_SMTP_URL": "mail.example.com"})
    assert wrong.returncode == 1
    assert wrong.stderr.strip().splitlines() == [
        "csv-assets: CSV_ASSETS_ALERT_SMTP_URL must be smtp://[user:password@]host[:port] "
        "or smtps://"
    ]
