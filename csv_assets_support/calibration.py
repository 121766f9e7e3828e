"""How well the sniffer's stated confidences match how often its decisions are right.

Shared by the calibration benchmark (which fits and reports) and the calibration tests.
"""

from __future__ import annotations

import itertools
import math
import tempfile
from collections.abc import Iterable
from pathlib import Path

from csv_assets.pipeline.sniff import sniff_csv
from csv_assets_support.pollute import Case
from csv_assets_support.sniffers import dialect_right

DECISIONS = ("encoding", "dialect", "header", "preamble", "footer")
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001)
Pair = tuple[float, bool]
CEILING = 0.99
"""The highest confidence a step states unless over 300 files show more (the rule of three)."""


def outcomes(cases: Iterable[Case], *, calibrate: bool) -> dict[str, list[Pair]]:
    """Per decision, (stated confidence, right) for every file the sniffer reads."""
    pairs: dict[str, list[Pair]] = {d: [] for d in DECISIONS}
    scratch = Path(tempfile.mkdtemp(prefix="csv_assets_calibration_"))
    for case in cases:
        path = scratch / case.name
        path.write_bytes(case.data)
        try:
            found = sniff_csv(path, calibrate=calibrate)
        except Exception:  # a file the sniffer rejects: every decision wrong, at no confidence
            for decision in DECISIONS:
                pairs[decision].append((0.0, False))
            continue
        finally:
            path.unlink()
        right = _right(found, case)
        for decision in DECISIONS:
            pairs[decision].append((found.confidence[decision], right[decision]))
    return pairs


def _right(found, case: Case) -> dict[str, bool]:
    expected = case.expected
    said = {key: getattr(found, key) for key in ("delimiter", "quotechar", "escapechar")}
    dialect = dialect_right(said, expected)
    return {
        "encoding": same_text(case.data, found.encoding, str(expected["encoding"])),
        "dialect": dialect,
        "header": found.has_header == expected["has_header"],
        "preamble": found.preamble_lines == expected["preamble_lines"],
        "footer": found.footer_rows == expected["footer_rows"],
    }


def same_text(data: bytes, found: str, true: str) -> bool:
    """Whether the file reads the same in the found encoding as in its true one."""
    try:
        return data.decode(found).lstrip("\ufeff") == data.decode(true).lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError):
        return False


def fit(pairs: list[Pair], bins: int = 15) -> list[tuple[float, float]]:
    """Histogram binning: ``bins`` runs of raw scores of about equal counts (equal scores
    kept together), each stating its share of right decisions. The highest raw score has its
    own step where it holds more than a run's share (an ASCII file's encoding: the certain
    cases are many and must not drown the rest).

    The share is (right + 1) / (n + 2), so that a few files cannot make a step certain, and
    above ``CEILING`` only as far as 1 - 3 / n: with no wrong decision among n, the rule of
    three puts the error rate below 3 / n (95%), and a step states no more than its files
    can show.

    Not forced to rise with the score: a raw score ranks files only roughly (a wide margin
    between delimiters on a three-row file), and each run states what it was observed to be.
    """
    ordered = sorted(pairs)
    top = [pair for pair in ordered if pair[0] == ordered[-1][0]]
    if len(top) * bins <= len(ordered):
        top = []  # not so many: binned with the rest
    below = ordered[: len(ordered) - len(top)]
    size = max(len(below) // bins, 1)
    runs: list[list[Pair]] = []
    start = 0
    while start < len(below):
        end = min(start + size, len(below))
        while end < len(below) and below[end][0] == below[end - 1][0]:
            end += 1  # one raw score, one step
        if runs and end - start < size // 2:
            runs[-1] += below[start:end]  # a remainder joins the run before it
        else:
            runs.append(below[start:end])
        start = end
    runs += [top] if top else []
    return [(_floor(run[0][0], 6), _stated(run)) for run in runs]


def _stated(run: list[Pair]) -> float:
    right, n = sum(r for _, r in run), len(run)
    return _floor(min((right + 1) / (n + 2), max(CEILING, 1 - 3 / n)))


def _floor(value: float, places: int = 4) -> float:
    """``value`` rounded down: a step's bound or confidence, never above what it rounds."""
    return math.floor(value * 10**places) / 10**places


def reliability(pairs: list[Pair]) -> tuple[list[dict[str, float]], float]:
    """Bins of stated confidence: count, mean stated, observed share right; and the ECE."""
    rows = []
    gap = 0.0
    for low, high in itertools.pairwise(BINS):
        inside = [(c, r) for c, r in pairs if low <= c < high]
        if not inside:
            continue
        stated = sum(c for c, _ in inside) / len(inside)
        observed = sum(r for _, r in inside) / len(inside)
        gap += len(inside) * abs(stated - observed)
        rows.append(
            {
                "bin": f"{low:.2f}-{min(high, 1.0):.2f}",
                "decisions": len(inside),
                "stated": round(stated, 3),
                "right": round(observed, 3),
            }
        )
    return rows, gap / max(len(pairs), 1)
