"""Confidences that mean what they say: calibrated on unseen files, pins kept, doubt shown."""

import tempfile
from pathlib import Path

from csv_assets.pipeline.dialect import PINNED
from csv_assets.pipeline.sniff import sniff_csv
from csv_assets.pipeline.sniff.calibration import calibrated
from csv_assets.pipeline.sniff.calibration_steps import STEPS
from csv_assets_support.calibration import CEILING, DECISIONS, outcomes, reliability
from csv_assets_support.labelled_corpus import labelled_corpus

MAX_ECE = 0.05


def test_stated_confidences_match_how_often_decisions_are_right_on_unseen_files():
    # Seed 3: neither the files the steps were fitted on (1) nor the benchmark's (2).
    pairs = outcomes(labelled_corpus(3, 400), calibrate=True)

    for decision in DECISIONS:
        _, ece = reliability(pairs[decision])
        assert ece < MAX_ECE, f"{decision}: ECE {ece:.3f}; refit: benchmarks/calibration.py --fit"


def test_a_wrong_encoding_or_footer_is_never_stated_above_0_99():
    pairs = outcomes(labelled_corpus(3, 400), calibrate=True)

    for decision in ("encoding", "footer"):
        wrong = [stated for stated, right in pairs[decision] if not right]
        assert max(wrong, default=0.0) <= CEILING, decision


def test_every_decision_has_fitted_steps_that_rise_in_score():
    for decision in DECISIONS:
        lows = [low for low, _ in STEPS[decision]]
        assert lows == sorted(lows) and all(0 < c < 1 for _, c in STEPS[decision])


def test_a_pinned_decision_keeps_its_confidence():
    raw = {"dialect": 0.05, "header": 0.05}

    stated = calibrated({**raw, "dialect": PINNED}, pinned=("delimiter",))

    assert stated["dialect"] == PINNED and stated["header"] == STEPS["header"][0][1]


def test_a_doubtful_delimiter_is_unsure_and_names_its_runner_up():
    path = Path(tempfile.mkdtemp()) / "tiny.csv"
    path.write_text("a;b,c\n1;2,3\n")

    dialect = sniff_csv(path)

    assert "dialect" in dialect.unsure()
    assert dialect.unsure()["dialect"].startswith("delimiter ")
    assert dialect.describe()["unsure"] == dialect.unsure()
