"""Benchmark your own agent: write ``reset`` and ``act(observation, info) -> str``, then ``evaluate`` it.

Run ``python examples/benchmark_your_agent.py``; the report lands in ``runs/my-agent``. The same
agent works from the command line: ``rlpa-env evaluate --agent examples/benchmark_your_agent.py:MyAgent``.
"""

from __future__ import annotations

from typing import Any

from rlpa_env.eval import evaluate
from rlpa_env.parsing import format_turn


class MyAgent:
    def reset(self, seed: int | None = None) -> None:
        self.notes: list[str] = []

    def act(self, observation: str, info: dict[str, Any]) -> str:
        self.notes.append(observation.rstrip(".!?"))  # remember each user message as one profile line
        return format_turn(self.notes, "That's interesting! What do you enjoy doing on weekends?")


if __name__ == "__main__":
    report = evaluate(MyAgent(), episodes=20, seed=0)
    report.save("runs/my-agent")
    print(f"mean AL {report.metrics.mean_alignment:.1f}, final profile F1 {report.metrics.final_profile_f1:.3f}")
