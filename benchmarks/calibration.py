"""Calibrate the sniffer's confidences, and show how well they are calibrated.

Over a labelled corpus of random pollutions (``csv_assets_support/labelled_corpus.py``),
each decision's raw score is paired with whether the decision was right. ``--fit`` fits one
step function per decision by histogram binning on one corpus (seed 1) and writes it into
``csv_assets/pipeline/sniff/calibration_steps.py``; every run then reports, on a corpus of
other files (seed 2), the reliability table: stated confidence in bins against the observed
share of right decisions, the expected calibration error (ECE: the gap, weighted by the
bin's share of decisions), and the highest confidence a wrong decision was stated at.

    python benchmarks/calibration.py --fit            # refit, then measure on held-out files
    python benchmarks/calibration.py --json cal.json  # measure the shipped calibration
    python benchmarks/calibration.py --scripts        # the encoding's accuracy per script
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path

from csv_assets.pipeline.sniff.encoding import detect_encoding
from csv_assets.pipeline.sniff.head import HEAD_BYTES
from csv_assets_support.calibration import DECISIONS, fit, outcomes, reliability, same_text
from csv_assets_support.labelled_corpus import labelled_corpus
from csv_assets_support.pollute import Case
from csv_assets_support.scripts import SCRIPTS

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


def print_scripts(cases: Iterable[Case]) -> None:
    """Per script, the share of its legacy-encoded files with non-ASCII text read exactly."""
    script_of = {codec: name for name, script in SCRIPTS.items() for codec in script.codecs}
    tally = {name: [0, 0] for name in SCRIPTS}
    for case in cases:
        true = str(case.expected["encoding"])
        if true in script_of and not case.data.isascii():
            found = detect_encoding(case.data[:HEAD_BYTES]).codec
            tally[script_of[true]][0] += 1
            tally[script_of[true]][1] += same_text(case.data, found, true)
    print("| script | files | read exactly |\n|---|---:|---:|")
    for name, (files, right) in tally.items():
        print(f"| {name.replace('_', ' ')} | {files} | {right / max(files, 1):.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="Refit the steps on seed 1 first.")
    parser.add_argument("--files", type=int, default=3000, help="Files per corpus.")
    parser.add_argument("--json", type=Path, help="Also write the tables here as JSON.")
    parser.add_argument(
        "--scripts", action="store_true", help="Only the encoding's accuracy per script."
    )
    args = parser.parse_args()
    if args.scripts:
        print_scripts(labelled_corpus(2, args.files))
        return
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
        wrong = max((c for c, right in held_out[decision] if not right), default=None)
        report[decision] = {
            "accuracy": round(accuracy, 4),
            "ece": round(ece, 4),
            "highest_wrong": wrong,
            "bins": rows,
        }
        print(f"\n{decision}: {accuracy:.1%} right, ECE {ece:.3f}, a wrong one at most {wrong}")
        print(f"  {'stated':<12}{'decisions':>10}{'mean stated':>13}{'right':>8}")
        for row in rows:
            print(f"  {row['bin']:<12}{row['decisions']:>10}{row['stated']:>13}{row['right']:>8}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
