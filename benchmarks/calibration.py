"""Calibrate the sniffer's confidences, and show how well they are calibrated.

Over a labelled corpus of random pollutions (``csv_assets_tests/pollute.labelled_corpus``),
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
import itertools
import json
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from sniffers import dialect_right  # noqa: E402

from csv_assets.pipeline.sniff import sniff_csv  # noqa: E402
from csv_assets_tests.labelled_corpus import labelled_corpus  # noqa: E402
from csv_assets_tests.pollute import Case  # noqa: E402

DECISIONS = ("encoding", "dialect", "header", "preamble", "footer")
BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0001)
STEPS_FILE = HERE.parent / "csv_assets" / "pipeline" / "sniff" / "calibration_steps.py"
Pair = tuple[float, bool]


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
        "encoding": _same_text(case.data, found.encoding, str(expected["encoding"])),
        "dialect": dialect,
        "header": found.has_header == expected["has_header"],
        "preamble": found.preamble_lines == expected["preamble_lines"],
        "footer": found.footer_rows == expected["footer_rows"],
    }


def _same_text(data: bytes, found: str, true: str) -> bool:
    """Whether the file reads the same in the found encoding as in its true one."""
    try:
        return data.decode(found).lstrip("\ufeff") == data.decode(true).lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError):
        return False


def fit(pairs: list[Pair], bins: int = 10) -> list[tuple[float, float]]:
    """Histogram binning: ``bins`` runs of raw scores of about equal counts (equal scores kept
    together), each stating its share of right decisions, as (right + 1) / (n + 2) so that a
    few files cannot make a step certain.

    Not forced to rise with the score: a raw score ranks files only roughly (a wide margin
    between delimiters on a three-row file), and each run states what it was observed to be.
    """
    ordered = sorted(pairs)
    size = max(len(ordered) // bins, 1)
    steps: list[tuple[float, float]] = []
    start = 0
    while start < len(ordered):
        end = min(start + size, len(ordered))
        while end < len(ordered) and ordered[end][0] == ordered[end - 1][0]:
            end += 1  # one raw score, one step
        run = ordered[start:end]
        right = sum(r for _, r in run)
        steps.append((round(run[0][0], 4), round((right + 1) / (len(run) + 2), 4)))
        start = end
    return steps


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
