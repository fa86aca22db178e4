"""Agreement statistics: Wilson score intervals and per-criterion tallies of verdicts.

A verdict is ``True`` (the role says the criterion holds / the lines match), ``False``, or ``None``
when the role gave no verdict (a model's answer never parsed). ``None`` is never counted as
agreement: it is wrong whatever the label, and it is a false fail on an item that should pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of ``successes / trials`` (``(0.0, 1.0)`` when there are no trials)."""
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Tally:
    """Counts of one criterion's verdicts against its labels (expected x verdict)."""

    pass_pass: int = 0
    pass_fail: int = 0
    pass_none: int = 0
    fail_pass: int = 0
    fail_fail: int = 0
    fail_none: int = 0

    def add(self, expected: bool, verdict: bool | None) -> None:
        """Count one item."""
        column = "none" if verdict is None else "pass" if verdict else "fail"
        name = f"{'pass' if expected else 'fail'}_{column}"
        setattr(self, name, getattr(self, name) + 1)

    @property
    def total(self) -> int:
        """Items counted."""
        return self.expected_pass + self.expected_fail

    @property
    def expected_pass(self) -> int:
        """Items labelled pass."""
        return self.pass_pass + self.pass_fail + self.pass_none

    @property
    def expected_fail(self) -> int:
        """Items labelled fail."""
        return self.fail_pass + self.fail_fail + self.fail_none

    @property
    def correct(self) -> int:
        """Items whose verdict equals the label (no verdict is never correct)."""
        return self.pass_pass + self.fail_fail

    def summary(self) -> dict[str, object]:
        """Accuracy, false-pass and false-fail rates, each with its 95% Wilson interval, and the counts."""
        false_fail = self.pass_fail + self.pass_none
        return {
            "n": self.total,
            "accuracy": _rate(self.correct, self.total),
            "accuracy_ci95": wilson_interval(self.correct, self.total),
            "false_pass_rate": _rate(self.fail_pass, self.expected_fail),
            "false_pass_ci95": wilson_interval(self.fail_pass, self.expected_fail),
            "false_fail_rate": _rate(false_fail, self.expected_pass),
            "false_fail_ci95": wilson_interval(false_fail, self.expected_pass),
            "no_verdict": self.pass_none + self.fail_none,
            "confusion": {
                "expected_pass": {"pass": self.pass_pass, "fail": self.pass_fail, "no_verdict": self.pass_none},
                "expected_fail": {"pass": self.fail_pass, "fail": self.fail_fail, "no_verdict": self.fail_none},
            },
        }


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None
