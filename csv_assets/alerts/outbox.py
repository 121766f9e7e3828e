"""What an alert sensor keeps from tick to tick: its cursor.

Per channel, the alerts waiting and the keys sent; and how far it has read Dagster's event log.

Alerts that arrive together go out together: an alert waits until none has joined it for
``group_seconds`` (or ten times that at most), so 200 files rejected in one sweep are one
summary, not 200 messages. A key is sent once per channel: a channel that fails keeps its
alerts for the next tick while the others go on, and the cursor is saved after the sends.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from csv_assets.alerts.alert import Alert

LONGEST_WAIT = 10
"""An alert waits at most this many ``group_seconds``, however many keep joining it."""


@dataclass
class Outbox:
    """One channel's alerts waiting to be sent (with when each arrived), and the keys sent."""

    pending: list[tuple[float, Alert]] = field(default_factory=list)
    sent: set[str] = field(default_factory=set)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outbox:
        """The outbox ``as_dict`` gave."""
        pending = [(float(at), Alert.from_dict(alert)) for at, alert in data.get("pending", [])]
        return cls(pending, set(data.get("sent", [])))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for the cursor."""
        pending = [[at, alert.as_dict()] for at, alert in self.pending]
        return {"pending": pending, "sent": sorted(self.sent)}

    def offer(self, alerts: Iterable[Alert], now: float, holding: set[str] | None = None) -> int:
        """Queue the alerts whose key is neither sent nor waiting; how many were new.

        ``holding``: the keys of everything that holds now (every rejected file, every stale
        source), when the alerts are states. A sent key that no longer holds is forgotten, and
        a waiting alert that no longer holds is dropped (a file requeued before anyone was told).
        """
        if holding is not None:
            self.sent &= holding
            self.pending = [(at, a) for at, a in self.pending if a.key in holding]
        known = self.known()
        new = [alert for alert in alerts if alert.key not in known]
        self.pending += [(now, alert) for alert in new]
        return len(new)

    def known(self) -> set[str]:
        """The keys sent or waiting: what a new look need not describe again."""
        return self.sent | {alert.key for _, alert in self.pending}

    def due(self, now: float, group_seconds: float) -> bool:
        """Whether the waiting alerts go now: none joined for ``group_seconds``, or waited long."""
        if not self.pending:
            return False
        times = [at for at, _ in self.pending]
        quiet = now - max(times) >= group_seconds
        return quiet or now - min(times) >= LONGEST_WAIT * group_seconds

    def waiting(self) -> list[Alert]:
        """The alerts waiting, oldest first."""
        return [alert for _, alert in sorted(self.pending, key=lambda p: p[0])]

    def sent_all(self, *, remember: bool) -> None:
        """Everything waiting went out; ``remember`` its keys (for alerts of a state)."""
        if remember:
            self.sent |= {alert.key for _, alert in self.pending}
        self.pending = []


@dataclass
class AlertCursor:
    """An alert sensor's cursor: an outbox per channel, and the last event record read."""

    outboxes: dict[str, Outbox] = field(default_factory=dict)
    after: int | None = None
    """The storage id of the last event read, for sensors fed by events (None: not started)."""

    @classmethod
    def decode(cls, cursor: str | None) -> AlertCursor:
        """The state a cursor holds (an empty one for no cursor, or one it cannot read)."""
        try:
            data = json.loads(cursor or "{}")
            outboxes = {name: Outbox.from_dict(box) for name, box in data["outboxes"].items()}
            return cls(outboxes, data.get("after"))
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def encode(self) -> str:
        """The cursor to save."""
        outboxes = {name: box.as_dict() for name, box in self.outboxes.items()}
        return json.dumps({"outboxes": outboxes, "after": self.after}, separators=(",", ":"))

    def outbox(self, channel: str) -> Outbox:
        """The outbox of ``channel``, a new one for a channel configured since."""
        return self.outboxes.setdefault(channel, Outbox())
