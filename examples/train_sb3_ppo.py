"""Train a Stable-Baselines3 policy on ``RLPA-Discrete-v0`` (dialogue moves, transcript features).

    python examples/train_sb3_ppo.py --algo ppo --max-minutes 10 --seed 0 --out runs
    rlpa-env evaluate --agent sb3:runs/ppo.zip --episodes 200 --seed 0 --out runs/eval-ppo

Trains on the train split with ``SubprocVecEnv`` over ``--n-envs`` processes (torch on one thread
each), stops at ``--timesteps`` or ``--max-minutes`` of wall time, whichever comes first, and writes
into ``--out``: ``<algo>.zip`` (the model, loadable with the ``sb3:PATH`` agent spec; it acts by the
policy's mode or by seeded samples, whichever scored higher on ``--baseline-episodes`` train-split episodes),
``<algo>_curve.json`` and ``<algo>_curve.png`` (mean return of the last 100 training episodes
against environment steps, with the heuristic agent's and the random-move policy's mean returns
on the train split drawn in). ``--algo`` picks PPO, A2C, DQN (stable-baselines3) or RecurrentPPO
(sb3-contrib); all share the wrapper. Needs the ``sb3`` and ``eval`` extras.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

import rlpa_env  # noqa: F401  (registers the ids)
from agents import run_episode
from agents.baselines import HeuristicAgent
from agents.sb3 import RandomMoveAgent, SB3Agent, save_model

ALGORITHMS: dict[str, tuple[str, str, str, str, dict[str, Any]]] = {
    # name: (module, class, policy, action format, hyperparameters). Factored (MultiDiscrete) moves
    # learn faster where the algorithm supports them; DQN needs the flat Discrete table.
    "ppo": (
        "stable_baselines3",
        "PPO",
        "MlpPolicy",
        "multidiscrete",
        {
            "n_steps": 512,
            "batch_size": 128,
            "n_epochs": 10,
            "learning_rate": 5e-4,
            "ent_coef": 0.003,
            "gamma": 0.99,
            "policy_kwargs": {"net_arch": [128, 128]},
        },
    ),
    "a2c": (
        "stable_baselines3",
        "A2C",
        "MlpPolicy",
        "multidiscrete",
        {"n_steps": 20, "learning_rate": 1e-3, "ent_coef": 0.01, "gamma": 0.99},
    ),
    "dqn": (
        "stable_baselines3",
        "DQN",
        "MlpPolicy",
        "discrete",
        {"learning_starts": 2000, "exploration_fraction": 0.3, "train_freq": 4, "gamma": 0.99},
    ),
    "recurrentppo": (
        "sb3_contrib",
        "RecurrentPPO",
        "MlpLstmPolicy",
        "multidiscrete",
        {"n_steps": 512, "batch_size": 256, "n_epochs": 10, "learning_rate": 5e-4, "ent_coef": 0.01, "gamma": 0.99},
    ),
}


def baseline_return(agent: Any, episodes: int, first_seed: int = 100_000) -> float:
    """Mean return of ``agent`` on the train split (seeds apart from any evaluation's)."""
    env = gym.make("RLPA-v0")
    return float(np.mean([run_episode(env, agent, first_seed + i).total_reward for i in range(episodes)]))


def make_callback(max_seconds: float) -> Any:
    """A callback that records the learning curve at every rollout's end and stops at ``max_seconds``."""
    from stable_baselines3.common.callbacks import BaseCallback

    class CurveAndClock(BaseCallback):
        def __init__(self) -> None:
            super().__init__()
            self.curve: list[tuple[int, float]] = []
            self.started = time.perf_counter()

        def _on_rollout_end(self) -> None:
            returns = [info["r"] for info in self.model.ep_info_buffer]
            if returns:
                self.curve.append((self.num_timesteps, float(np.mean(returns))))

        def _on_step(self) -> bool:
            return time.perf_counter() - self.started < max_seconds

    return CurveAndClock()


def plot_curve(curve: list[tuple[int, float]], lines: dict[str, float], title: str, path: Path) -> None:
    """The learning curve with one horizontal line per baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4))
    steps, returns = zip(*curve, strict=True) if curve else ((), ())
    axes.plot(steps, returns, label="mean return, last 100 training episodes")
    for (label, value), style in zip(lines.items(), ("--", ":"), strict=False):
        axes.axhline(value, linestyle=style, color="grey" if style == ":" else "black", label=f"{label} ({value:.2f})")
    axes.set_xlabel("environment steps")
    axes.set_ylabel("episode return")
    axes.set_title(title)
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--algo", choices=sorted(ALGORITHMS), default="ppo")
    parser.add_argument("--timesteps", type=int, default=1_000_000, help="most environment steps (default 1M)")
    parser.add_argument("--max-minutes", type=float, default=10.0, help="wall-clock limit of training (default 10)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-envs", type=int, default=2, help="SubprocVecEnv processes (1: DummyVecEnv)")
    parser.add_argument("--baseline-episodes", type=int, default=200, help="episodes per baseline line")
    parser.add_argument("--out", type=Path, default=Path("runs"))
    args = parser.parse_args()

    import importlib

    import torch
    from stable_baselines3.common.env_util import make_vec_env
    from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv

    torch.set_num_threads(1)
    module_name, class_name, policy, action_format, hyperparameters = ALGORITHMS[args.algo]
    algorithm = getattr(importlib.import_module(module_name), class_name)
    vec_env_cls = SubprocVecEnv if args.n_envs > 1 else DummyVecEnv
    env = make_vec_env(
        "RLPA-Discrete-v0",
        n_envs=args.n_envs,
        seed=args.seed,
        vec_env_cls=vec_env_cls,
        env_kwargs={"action_format": action_format},
    )
    model = algorithm(policy, env, seed=args.seed, device="cpu", verbose=0, **hyperparameters)
    callback = make_callback(args.max_minutes * 60)
    started = time.perf_counter()
    model.learn(total_timesteps=args.timesteps, callback=callback)
    train_seconds = time.perf_counter() - started
    env.close()

    args.out.mkdir(parents=True, exist_ok=True)
    modes = {
        "mode": baseline_return(SB3Agent(model, deterministic=True), args.baseline_episodes),
        "sampled": baseline_return(SB3Agent(model, deterministic=False), args.baseline_episodes),
    }
    deterministic = modes["mode"] >= modes["sampled"]  # chosen on train-split seeds, never on the test split
    model_path = save_model(model, args.out / f"{args.algo}.zip", deterministic=deterministic)
    lines = {
        "heuristic agent": baseline_return(HeuristicAgent(), args.baseline_episodes),
        "random moves": baseline_return(RandomMoveAgent(), args.baseline_episodes),
    }
    record = {
        "algorithm": class_name,
        "seed": args.seed,
        "n_envs": args.n_envs,
        "timesteps": model.num_timesteps,
        "train_seconds": round(train_seconds, 1),
        "steps_per_second": round(model.num_timesteps / train_seconds, 1),
        "action_format": action_format,
        "hyperparameters": hyperparameters,
        "policy_return_on_train_split": modes,
        "acts": "mode" if deterministic else "sampled",
        "baselines_on_train_split": lines,
        "curve": callback.curve,
    }
    (args.out / f"{args.algo}_curve.json").write_text(json.dumps(record, indent=1) + "\n")
    title = f"{class_name} on RLPA-Discrete-v0 (seed {args.seed}, {train_seconds / 60:.1f} min)"
    plot_curve(callback.curve, lines, title, args.out / f"{args.algo}_curve.png")
    final = callback.curve[-1][1] if callback.curve else float("nan")
    print(f"{class_name}: {model.num_timesteps:,} steps in {train_seconds:.0f} s; final training return {final:.2f}")
    print(", ".join(f"{name} {value:.2f}" for name, value in {**lines, **modes}.items()) + " (train split)")
    print(f"the saved policy acts by its {'mode' if deterministic else 'seeded samples'}")
    print(f"model: {model_path}; evaluate with: rlpa-env evaluate --agent sb3:{model_path} --episodes 200 --seed 0")


if __name__ == "__main__":
    main()
