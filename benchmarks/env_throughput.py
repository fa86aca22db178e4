"""Env throughput and bank memory for ``RLPA-v0`` (scripted user, lexical scorer, rule judge).

Prints, from one run on one core:
- env steps per second with pre-recorded heuristic-agent turns (pure env cost), and with the
  heuristic agent acting live (env + agent), and their ratio;
- the memory taken by loading the shipped train bank (tracemalloc peak, in a fresh process).

Usage: ``python benchmarks/env_throughput.py [--episodes 300]``. Targets: >= 5,000 steps/s, < 100 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import gymnasium as gym

import rlpa_env  # noqa: F401
from agents.baselines import HeuristicAgent

_BANK_MEMORY = (
    "import tracemalloc; tracemalloc.start(); from rlpa_env.profiles.bank import ProfileBank; "
    "bank = ProfileBank.default(); bank.split('train'); current, peak = tracemalloc.get_traced_memory(); "
    "print(current / 2**20, peak / 2**20, len(bank.split('train')))"
)


def record_turns(episodes: int) -> list[tuple[int, list[str]]]:
    """Heuristic-agent turns for ``episodes`` seeded episodes, to replay without the agent's cost."""
    env, agent, recorded = gym.make("RLPA-v0").unwrapped, HeuristicAgent(), []
    for seed in range(episodes):
        agent.reset(seed)
        observation, info = env.reset(seed=seed)
        actions, done = [], False
        while not done:
            action = agent.act(observation, info)
            actions.append(action)
            observation, _, terminated, truncated, info = env.step(action)
            done = terminated or truncated
        recorded.append((seed, actions))
    return recorded


def replay_steps_per_second(recorded: list[tuple[int, list[str]]]) -> float:
    """Steps per second of ``env.step`` alone over the recorded turns (reset time excluded)."""
    env, steps, elapsed = gym.make("RLPA-v0").unwrapped, 0, 0.0
    for seed, actions in recorded:
        env.reset(seed=seed)
        started = time.perf_counter()
        for action in actions:
            env.step(action)
        elapsed += time.perf_counter() - started
        steps += len(actions)
    return steps / elapsed


def live_steps_per_second(episodes: int) -> float:
    """Steps per second with the heuristic agent acting (agent + env, resets included)."""
    started = time.perf_counter()
    steps = sum(len(actions) for _, actions in record_turns(episodes))
    return steps / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=300)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    recorded = record_turns(args.episodes)
    replay_steps_per_second(recorded[:20])  # warm caches
    env_rate = replay_steps_per_second(recorded)
    live_rate = live_steps_per_second(args.episodes)
    memory = subprocess.run([sys.executable, "-c", _BANK_MEMORY], capture_output=True, text=True, check=True)
    current_mb, peak_mb, n_profiles = memory.stdout.split()
    ratio = env_rate / live_rate
    print(f"RLPA-v0 env.step only      : {env_rate:10,.0f} steps/s  (target >= 5,000)")
    print(f"heuristic agent + env      : {live_rate:10,.0f} steps/s  (env alone is {ratio:.1f}x the combined rate)")
    print(f"train bank ({n_profiles} profiles): {float(current_mb):.1f} MB held, {float(peak_mb):.1f} MB peak (< 100)")


if __name__ == "__main__":
    main()
