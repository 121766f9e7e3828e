"""Calibrated confidences: a decision stated at confidence c is right about c of the time.

Each decision's raw score (a margin between delimiters, a share of header votes, how many
records the decision rests on) becomes the share of right decisions among those of a labelled
corpus that scored about the same: a step function fitted by histogram binning.
``benchmarks/calibration.py --fit`` refits ``STEPS`` on a corpus of polluted files
(``csv_assets_support/pollute.py``) and measures the fit on another.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

from csv_assets.pipeline.sniff.calibration_steps import STEPS

PINS = {
    "encoding": "encoding",
    "dialect": "delimiter",
    "header": "has_header",
    "preamble": "preamble_lines",
    "footer": "footer_rows",
}
"""The pin that makes each calibrated decision the source's, not the sniffer's."""


def calibrated(raw: Mapping[str, float], pinned: tuple[str, ...]) -> dict[str, float]:
    """The confidences of ``raw``'s decisions: pinned ones stay, fitted ones are mapped."""
    result = dict(raw)
    for decision, score in raw.items():
        steps = STEPS.get(decision)
        if steps and PINS.get(decision) not in pinned:
            index = bisect_right([low for low, _ in steps], score) - 1
            result[decision] = steps[max(index, 0)][1]
    return result
