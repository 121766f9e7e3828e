"""Business dates in file names: ``orders_%Y-%m-%d.csv`` keys a delivery by its day, not its mtime.

A folder of past exports copied today all carry today's modification time; their names still
say which day each one holds. A source that declares the shape of its names gets keys from
them, so history sorts before new deliveries and a partition reads as the day it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from csv_assets.storage.deliveries import DroppedFile

FIELDS = {
    "Y": ("year", r"\d{4}"),
    "y": ("year2", r"\d{2}"),
    "m": ("month", r"\d{2}"),
    "d": ("day", r"\d{2}"),
    "H": ("hour", r"\d{2}"),
    "M": ("minute", r"\d{2}"),
    "S": ("second", r"\d{2}"),
}
"""The strftime directives a name format may hold, as named regex groups."""
DIRECTIVE = re.compile(r"%(.)|(\*)")


@dataclass(frozen=True)
class NameDate:
    """A file-name format with a date in it: ``%Y %y %m %d %H %M %S``, ``*`` for any text.

    ``orders_%Y-%m-%d.csv`` matches ``orders_2026-01-31.csv`` whole (any case), nothing else.
    The time is UTC; a name without hours is that day at midnight.
    """

    format: str
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", compile_format(self.format))

    def time_ns(self, name: str) -> int | None:
        """The time ``name`` carries (ns since the epoch); None if it does not fit, or is no day."""
        match = self._regex.fullmatch(name)
        if match is None:
            return None
        parts = {k: int(v) for k, v in match.groupdict().items()}
        year = parts.pop("year") if "year" in parts else 2000 + parts.pop("year2")
        try:
            moment = datetime(year, tzinfo=UTC, **parts)
        except ValueError:
            return None  # orders_2026-02-30.csv: no day; its mtime keys it
        return int(moment.timestamp()) * 1_000_000_000


def keyed(dropped: DroppedFile, keying: NameDate | None) -> DroppedFile:
    """``dropped`` keyed by the date in its name, if ``keying`` reads one; else by its mtime."""
    return dropped if keying is None else replace(dropped, key_ns=keying.time_ns(dropped.name))


def compile_format(text: str) -> re.Pattern[str]:
    """The regex a name format stands for.

    Raises:
        ValueError: It uses a directive other than ``%Y %y %m %d %H %M %S %%``, one twice, or
            lacks a year, a month or a day.
    """
    pattern, seen, at = [], set(), 0
    for match in DIRECTIVE.finditer(text):
        pattern.append(re.escape(text[at : match.start()]))
        at = match.end()
        letter = match.group(1)
        if match.group(2):
            pattern.append(".*")
        elif letter == "%":
            pattern.append("%")
        elif letter in FIELDS:
            name, digits = FIELDS[letter]
            if name in seen:
                raise ValueError(f"key_format {text!r} has %{letter} twice")
            seen.add(name)
            pattern.append(f"(?P<{name}>{digits})")
        else:
            raise ValueError(f"key_format {text!r}: %{letter} is not one of %Y %y %m %d %H %M %S")
    pattern.append(re.escape(text[at:]))
    if not ({"year", "year2"} & seen and {"month", "day"} <= seen):
        raise ValueError(
            f"key_format {text!r} needs a year (%Y or %y), a month (%m) and a day (%d)"
        )
    if {"year", "year2"} <= seen:
        raise ValueError(f"key_format {text!r} has both %Y and %y")
    return re.compile("".join(pattern), re.IGNORECASE | re.DOTALL)
