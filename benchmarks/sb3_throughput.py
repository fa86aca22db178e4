"""Throughput of the SB3 wrappers (``RLPA-Discrete-v0``) and of SB3 training on them, on one core.

Prints, from one run:
- the wrapped env's steps per second under a uniform-random move policy (text env + turn writer +
  transcript features, no policy network): target >= 3,000 steps/s;
- the bare text env's steps per second replaying the very turns the wrapper wrote, and the share
  of the wrapped step that the wrapper itself costs;
- SB3 PPO's training steps per second on one env (``DummyVecEnv``, torch on one thread), i.e. what
  a training run gets once the policy's forward and backward passes are added.

Usage: ``python benchmarks/sb3_throughput.py [--episodes 300] [--ppo-steps 4096]``.
"""

from __future__ import annotations

import argparse
import os
import time

import gymnasium as gym
import numpy as np

import rlpa_env  # noqa: F401  (registers the ids)


def wrapped_steps(episodes: int) -> tuple[float, list[tuple[int, list[str]]]]:
    """Steps per second of ``RLPA-Discrete-v0`` under random moves, and the text turns it wrote."""
    env = gym.make("RLPA-Discrete-v0")
    moves = np.random.default_rng(0)
    writer = env.unwrapped  # the text env under the wrappers: record what the writer sent it
    recorded: list[tuple[int, list[str]]] = []
    original_step = writer.step
    turns: list[str] = []

    def recording_step(action: str) -> tuple:
        turns.append(action)
        return original_step(action)

    writer.step = recording_step  # type: ignore[method-assign]
    steps, elapsed = 0, 0.0
    for seed in range(episodes):
        turns = []
        started = time.perf_counter()
        env.reset(seed=seed)
        done = False
        while not done:
            _, _, terminated, truncated, _ = env.step(int(moves.integers(env.action_space.n)))
            done = terminated or truncated
            steps += 1
        elapsed += time.perf_counter() - started
        recorded.append((seed, turns))
    return steps / elapsed, recorded


def text_env_steps(recorded: list[tuple[int, list[str]]]) -> float:
    """Steps per second of the bare ``RLPA-v0`` replaying ``recorded`` (resets included, as above)."""
    env = gym.make("RLPA-v0").unwrapped
    steps, started = 0, time.perf_counter()
    for seed, turns in recorded:
        env.reset(seed=seed)
        for turn in turns:
            env.step(turn)
        steps += len(turns)
    return steps / (time.perf_counter() - started)


def ppo_training_steps(total_steps: int) -> float:
    """Environment steps per second of ``PPO.learn`` on one ``RLPA-Discrete-v0`` (torch on one thread)."""
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.env_util import make_vec_env

    torch.set_num_threads(1)
    env = make_vec_env("RLPA-Discrete-v0", n_envs=1, seed=0)
    model = PPO("MlpPolicy", env, n_steps=1024, batch_size=256, seed=0, device="cpu")
    started = time.perf_counter()
    model.learn(total_timesteps=total_steps)
    return total_steps / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--ppo-steps", type=int, default=4096)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    wrapped_steps(args.episodes)  # warm the text caches both measurements share, so neither pays them alone
    wrapped_rate, recorded = wrapped_steps(args.episodes)
    text_rate = text_env_steps(recorded)
    ppo_rate = ppo_training_steps(args.ppo_steps)
    wrapper_share = 1 - wrapped_rate / text_rate
    print(f"RLPA-Discrete-v0, random moves : {wrapped_rate:10,.0f} steps/s  (target >= 3,000)")
    print(f"RLPA-v0 replaying those turns  : {text_rate:10,.0f} steps/s  (wrapper is {wrapper_share:.0%} of a step)")
    print(
        f"SB3 PPO training, 1 env        : {ppo_rate:10,.0f} steps/s  ({wrapped_rate / ppo_rate:.1f}x slower than env)"
    )


if __name__ == "__main__":
    main()
