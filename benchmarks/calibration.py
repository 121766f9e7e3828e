"""Calibrate the sniffer's confidences, and show how well they are calibrated.

Over a labelled corpus of random pollutions (``csv_assets_support/labelled_corpus.py``),
each decision's raw score is paired with whether the decision was right. ``--fit`` fits one
step function per decision by histogram binning on one corpus (seed 1) and writes it into
``csv_assets/pipeline/sniff/calibration_steps.py``; every run then reports, on a corpus of
other files (seed 2), the reliability table: stated confidence in bins against the observed
share of right decisions, and the expected calibration error (ECE: the gap, weighted by the
bin's share of decisions).

    python benchmarks/calibration.py --fit            # refit, then measure on held-out files
    python benchmarks/calibration.py --json cal.json  # measure the shipped calibration
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from csv_assets_support.calibration import DECISIONS, fit, outcomes, reliability
from csv_assets_support.labelled_corpus import labelled_corpus

HERE = Path(__file__).parent
STEPS_FILE = HERE.parent / "csv_assets" / "pipeline" / "sniff" / "calibration_steps.py"


def write_steps(steps: dict[str, list[tuple[float, float]]], files: int) -> None:
    lines = [
        '"""Fitted calibration steps: written by ``benchmarks/calibration.py --fit``, not by hand.',
        "",
        f"Fitted on {files} files of ``labelled_corpus(seed=1)``.",
        '"""',
        "",
        "STEPS: dict[str, tuple[tuple[float, float], ...]] = {",
    ]
    for decision, knots in steps.items():
        lines.append(f"    {decision!r}: (")
        lines.extend(f"        ({low!r}, {value!r})," for low, value in knots)
        lines.append("    ),")
    lines += ["}", '"""Per decision, ``(lowest raw score, confidence)`` steps in rising order."""']
    STEPS_FILE.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="Refit the steps on seed 1 first.")
    parser.add_argument("--files", type=int, default=3000, help="Files per corpus.")
    parser.add_argument("--json", type=Path, help="Also write the tables here as JSON.")
    args = parser.parse_args()
    if args.fit:
        raw = outcomes(labelled_corpus(1, args.files), calibrate=False)
        write_steps({d: fit(raw[d]) for d in DECISIONS}, args.files)
        print(f"wrote {STEPS_FILE.relative_to(HERE.parent)}; measure it in a new process")
        return
    held_out = outcomes(labelled_corpus(2, args.files), calibrate=True)
    report = {}
    for decision in DECISIONS:
        rows, ece = reliability(held_out[decision])
        accuracy = sum(r for _, r in held_out[decision]) / len(held_out[decision])
        report[decision] = {"accuracy": round(accuracy, 4), "ece": round(ece, 4), "bins": rows}
        print(f"\n{decision}: {accuracy:.1%} right, ECE {ece:.3f}")
        print(f"  {'stated':<12}{'decisions':>10}{'mean stated':>13}{'right':>8}")
        for row in rows:
            print(f"  {row['bin']:<12}{row['decisions']:>10}{row['stated']:>13}{row['right']:>8}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
