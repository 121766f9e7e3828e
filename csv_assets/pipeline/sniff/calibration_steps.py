"""Fitted calibration steps: written by ``benchmarks/calibration.py --fit``, not by hand.

Fitted on 3000 files of ``labelled_corpus(seed=1)``.
"""

STEPS: dict[str, tuple[tuple[float, float], ...]] = {
    "encoding": (
        (0.0, 0.9968),
        (0.998, 0.9989),
    ),
    "dialect": (
        (0.0417, 0.7748),
        (0.1708, 0.8841),
        (0.2243, 0.974),
        (0.2676, 0.977),
        (0.3172, 0.9834),
        (0.3755, 0.9834),
        (0.4415, 0.9934),
        (0.5091, 0.9967),
        (0.5653, 0.9967),
        (0.658, 0.9966),
    ),
    "header": (
        (0.5, 0.8286),
        (0.7917, 0.9191),
        (0.875, 0.9987),
        (0.9, 0.9978),
        (1.0, 0.9744),
    ),
    "preamble": (
        (0.1667, 0.8427),
        (0.4444, 0.8296),
        (0.5, 0.8828),
        (0.5833, 0.8804),
        (0.6667, 0.9096),
        (0.7368, 0.9218),
        (0.8438, 0.9237),
        (0.8936, 0.9298),
        (0.9451, 0.8824),
    ),
    "footer": ((0.9, 0.9923),),
}
"""Per decision, ``(lowest raw score, confidence)`` steps in rising order."""
