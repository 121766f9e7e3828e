"""One thing someone should hear about: a rejected delivery, a stale source, a failed run..."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Kind = Literal["rejected", "stale", "run_failed", "check_blocked", "test"]
KINDS: dict[Kind, str] = {
    "rejected": "deliveries rejected",
    "stale": "sources stale",
    "run_failed": "runs failed",
    "check_blocked": "blocking checks failed",
    "test": "test alerts",
}
"""Each kind, as a summary's subject says many of it."""


@dataclass(frozen=True)
class Alert:
    """What happened, to what, and who owns it; sent once per ``key``.

    ``key`` names the event itself (a rejected file's ``stamp/name``, a source's last delivery
    when it went stale, a run's id): the same key is never sent twice while it holds.
    """

    kind: Kind
    key: str
    subject: str
    """The source or asset it is about."""
    title: str
    """One line: what happened."""
    details: tuple[str, ...] = ()
    """Why, where, and what to run next; one line each."""
    owners: tuple[str, ...] = ()
    link: str | None = None
    """Where the UI shows it, when the UI's address is known."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, as a webhook's body and the sensor's cursor hold it."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """The alert ``as_dict`` gave."""
        return cls(
            kind=data["kind"],
            key=data["key"],
            subject=data["subject"],
            title=data["title"],
            details=tuple(data.get("details", ())),
            owners=tuple(data.get("owners", ())),
            link=data.get("link"),
        )
