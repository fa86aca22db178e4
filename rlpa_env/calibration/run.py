"""``calibrate(role, implementation, items)``: run one role over the calibration set and tally its verdicts.

Each item is answered once, in set order; a model-backed role gets ``set_turn_seed(position)``
first, so a rerun on the same backend replays. Per criterion the report gives accuracy, false-pass
and false-fail rates with 95% Wilson intervals over all items and over the items the rules are meant
to decide (``needs == "rules"``); per item kind the accuracy; every miss (criterion, label, verdict);
the share of items the role could not answer (``parse_failure_rate``: counted wrong, never as a
pass); and seconds per item, and per model call with tokens per call when the role runs on a model.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rlpa_env.calibration.build import test_profiles
from rlpa_env.calibration.contexts import role_inputs
from rlpa_env.calibration.items import CalibrationItem
from rlpa_env.calibration.metering import MeteredBackend
from rlpa_env.calibration.stats import Tally
from rlpa_env.calibration.verdicts import VERDICTS, Verdicts
from rlpa_env.reader_verdict import ReplyReader
from rlpa_env.roles import TurnSeeded


@dataclass(frozen=True)
class ItemResult:
    """One item's verdicts."""

    item: CalibrationItem
    verdicts: Verdicts


@dataclass(frozen=True)
class CalibrationRun:
    """The outcome of one calibration run (``report()`` is what ``report.json`` holds)."""

    role: str
    implementation: str
    results: tuple[ItemResult, ...]
    seconds: float
    backend: Mapping[str, Any] = field(default_factory=dict)

    def tallies(self, needs: str | None = None) -> dict[str, Tally]:
        """Per criterion, the tally over the items (only those with ``needs`` when given)."""
        found: dict[str, Tally] = {}
        for result in self.results:
            if needs is not None and result.item.needs != needs:
                continue
            for name, expected in result.item.expected.items():
                found.setdefault(name, Tally()).add(expected, result.verdicts.values[name])
        return found

    def misses(self) -> list[dict[str, Any]]:
        """Every (item, criterion) whose verdict is not the label."""
        return [
            {
                "id": r.item.id,
                "kind": r.item.kind,
                "needs": r.item.needs,
                "criterion": name,
                "expected": expected,
                "verdict": r.verdicts.values[name],
                **({"failure": r.verdicts.failure} if r.verdicts.failure else {}),
            }
            for r in self.results
            for name, expected in r.item.expected.items()
            if r.verdicts.values[name] is not expected
        ]

    def report(self) -> dict[str, Any]:
        """The JSON-ready report (see the module docstring)."""
        n = len(self.results)
        kinds: dict[str, list[int]] = {}
        for result in self.results:
            right = sum(result.verdicts.values[k] is v for k, v in result.item.expected.items())
            counts = kinds.setdefault(result.item.kind, [0, 0])
            counts[0] += right
            counts[1] += len(result.item.expected)
        failures = sum(result.verdicts.failure is not None for result in self.results)
        return {
            "role": self.role,
            "implementation": self.implementation,
            "items": n,
            "criteria": {name: tally.summary() for name, tally in self.tallies().items()},
            "criteria_rules_decide": {name: tally.summary() for name, tally in self.tallies("rules").items()},
            "kinds": {kind: {"checks": total, "accuracy": right / total} for kind, (right, total) in kinds.items()},
            "parse_failure_rate": failures / n if n else None,
            "seconds_per_item": self.seconds / n if n else None,
            "backend": dict(self.backend),
            "misses": self.misses(),
        }


def calibrate(
    role: str,
    implementation: str,
    built: Any,
    items: Sequence[CalibrationItem],
    metered: MeteredBackend | None = None,
    reader: ReplyReader | None = None,
) -> CalibrationRun:
    """Answer every item of ``items`` for ``role`` with ``built`` (the implementation named ``implementation``).

    ``reader`` reads each item's reply, as the env's ``reader`` role does (the rules reader when ``None``).
    """
    chosen = [item for item in items if item.role == role]
    if not chosen:
        raise ValueError(f"the calibration set has no items for role {role!r}")
    profiles = {profile.id: profile for profile in test_profiles()}
    read = VERDICTS[role]
    results = []
    started = time.perf_counter()
    for position, item in enumerate(chosen):
        if isinstance(built, TurnSeeded):
            built.set_turn_seed(position)
        inputs = role_inputs(item.snapshot, profiles, position, item.reply, reader)
        results.append(ItemResult(item, read(built, item, inputs)))
    seconds = time.perf_counter() - started
    return CalibrationRun(role, implementation, tuple(results), seconds, _backend_figures(metered))


def _backend_figures(metered: MeteredBackend | None) -> dict[str, Any]:
    if metered is None:
        return {}
    calls = metered.calls
    return {
        "model": metered.model_name,
        "calls": calls,
        "seconds_per_call": metered.seconds / calls if calls else None,
        "tokens_per_call": metered.tokens / calls if calls else None,
        "token_count": metered.token_count,
    }
