"""The channels against real receivers: a webhook and an SMTP server on loopback."""

import socket
import threading

import pytest

from csv_assets.alerts import Alert, AlertSettings, ChannelError, Smtp, Webhook, compose
from csv_assets_tests.servers import _free_port


def rejected(n: int, source: str = "orders", owners=("team:commerce",)) -> Alert:
    return Alert(
        "rejected",
        f"{source}:20261101T000000.000Z/f{n}.csv",
        source,
        f"{source}: f{n}.csv was rejected",
        ("why: line 3, column 'quantity': -4 fails >= 1 [quantity__ge]",),
        owners,
    )


def test_one_alert_is_said_in_full_and_two_hundred_as_one_summary_per_kind():
    (one,) = compose([rejected(1)])
    assert one.subject == "[csv_assets] orders: f1.csv was rejected"
    assert "why: line 3" in one.text() and "owners: team:commerce" in one.text()

    many = [rejected(n) for n in range(150)] + [rejected(n, "payments") for n in range(50)]
    (summary,) = compose(many)
    assert summary.subject == "[csv_assets] 200 deliveries rejected (orders 150, payments 50)"
    assert "... and 190 more" in summary.text()
    assert len(summary.alerts) == 200


def test_the_webhook_gets_every_field_as_json_or_a_slack_body(webhook):
    Webhook(webhook.url).send([rejected(1)])
    Webhook(webhook.url, "slack").send([rejected(2)])

    plain, slack = webhook.all()
    assert plain["body"]["count"] == 1
    assert plain["body"]["alerts"][0]["kind"] == "rejected"
    assert plain["body"]["alerts"][0]["owners"] == ["team:commerce"]
    assert slack["body"]["text"] == "[csv_assets] orders: f2.csv was rejected"
    assert slack["body"]["blocks"][0]["type"] == "section"


def test_a_webhook_that_fails_is_one_line_without_its_token():
    url = f"http://127.0.0.1:{_free_port()}/hooks/T000/B000/secret-token"
    with pytest.raises(ChannelError) as failure:
        Webhook(url).send([rejected(1)])
    assert "secret-token" not in str(failure.value)
    assert str(failure.value).startswith("webhook http://127.0.0.1 (json) is unreachable")


def test_each_recipient_gets_the_alerts_of_its_sources_in_one_mail_per_kind(mailbox):
    alerts = [
        rejected(1, "orders", ("orders-team@example.com",)),
        rejected(2, "orders", ("orders-team@example.com",)),
        rejected(3, "payments", ("team:payments",)),
    ]
    Smtp(mailbox.url, "alerts@example.com", ("oncall@example.com",)).send(alerts)

    mails = {tuple(m["to"]): m for m in mailbox.all()}
    assert set(mails) == {("oncall@example.com",), ("orders-team@example.com",)}
    assert mails[("oncall@example.com",)]["subject"].startswith("[csv_assets] 3 deliveries")
    assert mails[("orders-team@example.com",)]["subject"] == (
        "[csv_assets] 2 deliveries rejected (orders 2)"
    )


def test_an_smtp_server_that_refuses_the_login_is_one_line_without_the_password():
    with socket.socket() as listener:  # a server that accepts and says goodbye at once
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        url = f"smtp://alerts:hunter2@127.0.0.1:{port}"
        smtp = Smtp(url, "alerts@example.com", ("oncall@example.com",))

        def refuse() -> None:
            conn, _ = listener.accept()
            conn.sendall(b"554 no service here\r\n")
            conn.close()

        threading.Thread(target=refuse, daemon=True).start()
        with pytest.raises(ChannelError) as failure:
            smtp.send([rejected(1)])
    assert "hunter2" not in str(failure.value)
    assert f"e-mail via 127.0.0.1:{port}" in str(failure.value)
    assert "\n" not in str(failure.value)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"CSV_ASSETS_ALERT_WEBHOOK_STYLE": "teams"}, "json or slack"),
        ({"CSV_ASSETS_ALERT_WEBHOOK_URL": "hooks.slack.com/x"}, "http:// or https://"),
        ({"CSV_ASSETS_ALERT_SMTP_URL": "mail.example.com"}, "smtp://"),
        ({"CSV_ASSETS_ALERT_GROUP_SECONDS": "soon"}, "0 to 3600"),
    ],
)
def test_a_wrong_setting_is_named_with_what_it_takes(env, says):
    with pytest.raises(ValueError, match=says):
        AlertSettings.from_env(env)


def test_no_setting_is_no_channel_and_a_description_never_holds_a_secret():
    assert AlertSettings.from_env({}).channels() == []
    settings = AlertSettings.from_env(
        {
            "CSV_ASSETS_ALERT_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/xoxb-secret",
            "CSV_ASSETS_ALERT_SMTP_URL": "smtp://alerts:hunter2@mail.example.com:587",
            "CSV_ASSETS_ALERT_EMAIL_TO": "oncall@example.com",
        }
    )
    described = " ".join(channel.describe() for channel in settings.channels())
    assert described == (
        "webhook https://hooks.slack.com (json) e-mail via mail.example.com:587 to "
        "oncall@example.com"
    )
