"""The evaluation harness: ``evaluate`` an agent over seeded episodes and get a ``Report``.

- ``metrics``: ALOE-style metrics (AL(k), pass rate, N-IR, N-R2, profile-F1 curves, return CI, ...).
- ``evaluate``: the guarded episode loop behind ``evaluate``.
- ``runner``: ``num_envs`` episodes in flight (worker processes, threads or ``act_batch`` batches).
- ``report``: the ``Report`` record, its saved files and leaderboards of saved reports.
- ``plots``: PNG curves (matplotlib, imported only when a plot is drawn).
- ``agent_spec``: ``--agent`` specs (``"heuristic"``, ``"my_module:MyAgent"``) and the agent guard.
- ``commands``: the ``evaluate``, ``leaderboard`` and ``show`` subcommands of ``rlpa-env``.

Example::

    from rlpa_env.eval import evaluate

    report = evaluate("heuristic", episodes=50, seed=0)
    print(report.metrics.mean_alignment, report.metrics.n_ir)
    report.save("runs/heuristic")
"""

from __future__ import annotations

from rlpa_env.eval.agent_spec import AgentFailure, AgentSpecError, resolve_agent
from rlpa_env.eval.evaluate import evaluate
from rlpa_env.eval.metrics import (
    Metrics,
    ShiftComparison,
    ShiftMetrics,
    alignment_levels,
    compute_metrics,
    normalized_improvement_rate,
    normalized_r2,
    pass_rates,
    shift_comparison,
)
from rlpa_env.eval.report import EpisodeSummary, Report, Timing, load_report

__all__ = [
    "AgentFailure",
    "AgentSpecError",
    "EpisodeSummary",
    "Metrics",
    "Report",
    "ShiftComparison",
    "ShiftMetrics",
    "Timing",
    "alignment_levels",
    "compute_metrics",
    "evaluate",
    "load_report",
    "normalized_improvement_rate",
    "normalized_r2",
    "pass_rates",
    "resolve_agent",
    "shift_comparison",
]
