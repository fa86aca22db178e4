"""Calibration: a labelled set built by construction, and agreement figures for any role on it.

``build_calibration_set`` plays dialogue states of the test split and labels candidate replies and
profile lines by construction (``replies``, ``traits``, ``probes``); ``calibrate`` runs one role
(response judge, profile scorer, alignment grader or simulated user) on it and reports per-criterion
agreement with Wilson intervals, parse failures and cost; ``rlpa-env calibrate`` is the command.
"""

from __future__ import annotations

from rlpa_env.calibration.build import build_calibration_set, read_set, set_bytes, write_set
from rlpa_env.calibration.items import ROLES, CalibrationItem, Snapshot

__all__ = ["ROLES", "CalibrationItem", "Snapshot", "build_calibration_set", "read_set", "set_bytes", "write_set"]
