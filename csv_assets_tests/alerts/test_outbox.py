"""The outbox: each alert once per channel, many at once as one batch, nothing lost on a failure."""

from csv_assets.alerts import Alert, AlertCursor, Outbox


def rejected(n: int, source: str = "orders") -> Alert:
    return Alert("rejected", f"{source}:stamp/f{n}.csv", source, f"{source}: f{n}.csv rejected")


def test_an_alert_is_offered_once_and_forgotten_once_its_state_no_longer_holds():
    box = Outbox()
    one = {rejected(1).key}
    assert box.offer([rejected(1)], now=0, holding=one) == 1
    assert box.offer([rejected(1)], now=1, holding=one) == 0  # waiting already
    box.sent_all(remember=True)
    assert box.offer([], now=2, holding=one) == 0  # sent: holds, not news
    assert box.offer([], now=3, holding=set()) == 0  # requeued: forgotten
    assert box.offer([rejected(1)], now=4, holding=one) == 1  # rejected again: news


def test_an_alert_that_stops_holding_before_it_went_is_dropped():
    box = Outbox()
    box.offer([rejected(1), rejected(2)], now=0, holding={rejected(1).key, rejected(2).key})
    box.offer([], now=1, holding={rejected(2).key})
    assert [a.key for a in box.waiting()] == ["orders:stamp/f2.csv"]


def test_alerts_go_once_none_joined_for_the_group_time_or_they_waited_ten_times_it():
    box = Outbox()
    box.offer([rejected(1)], now=0)
    assert not box.due(now=59, group_seconds=60)
    box.offer([rejected(2)], now=50)
    assert not box.due(now=100, group_seconds=60)  # the second one restarted the wait
    assert box.due(now=110, group_seconds=60)
    for t in range(100, 600, 30):  # a steady trickle
        box.offer([rejected(t)], now=t)
    assert box.due(now=600, group_seconds=60)  # 600 s since the first: it goes anyway


def test_the_cursor_keeps_each_channel_and_survives_a_round_trip_or_garbage():
    cursor = AlertCursor(after=41)
    cursor.outbox("webhook").offer([rejected(1)], now=5)
    cursor.outbox("email").sent |= {"orders:stamp/f0.csv"}

    again = AlertCursor.decode(cursor.encode())

    assert again.after == 41
    assert again.outbox("webhook").waiting() == [rejected(1)]
    assert again.outbox("email").sent == {"orders:stamp/f0.csv"}
    assert AlertCursor.decode("not json") == AlertCursor()
    assert AlertCursor.decode('{"some": "other sensor"}') == AlertCursor()
