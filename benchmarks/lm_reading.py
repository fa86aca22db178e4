"""Speed of the language-model reader on the embedded SmolLM2-135M-Instruct (CPU), in one run.

1. **Per reply.** ``--replies`` distinct heuristic replies (``RLPA-Test-v0``) read one at a time:
   cold (empty cache: every unit and its reorderings go through the model) and warm (the same
   replies again: cache hits only).
2. **Batched vs unbatched.** The same replies' units scored by one ``read_many`` call against one
   ``read`` per reply, both cold: units/s (a unit is a sentence, with its reorderings).
3. **Heuristic + env.** Steps/s of ``HeuristicAgent`` on ``RLPA-Test-v0`` (``--episodes``
   episodes) with the env alone, and with the reader reading each reply with a warm cache (filled
   beforehand from the same episodes). The reader is called beside ``env.step`` here; the env does
   not call it yet.
4. **Share of a branching rollout step.** ``agents.train.rollouts.collect_branching`` with the
   embedded policy (``--envs`` envs, ``--candidates`` candidates, ``--turns`` turns, ``--max-tokens``),
   against reading every candidate's reply (the ``<response>`` block, or the whole completion when the
   turn does not parse) cold, one ``read_many`` per turn over all envs and candidates.

Example::

    python benchmarks/lm_reading.py --replies 20 --episodes 5 --envs 2 --candidates 2 --turns 2
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.baselines import HeuristicAgent
from agents.hf import TransformersAgent
from agents.train.rollouts import collect_branching
from rlpa_env.backends.scoring import TransformersScorer
from rlpa_env.backends.transformers_backend import TransformersBackend
from rlpa_env.language_model_reading import CoherenceSettings, LanguageModelReader
from rlpa_env.parsing import TurnFormatError, parse_turn
from rlpa_env.reply_analysis import split_sentences


def heuristic_replies(episodes: int) -> list[list[str]]:
    """Per episode, the heuristic's replies on ``RLPA-Test-v0`` (seeds ``0..episodes-1``)."""
    out = []
    for seed in range(episodes):
        env = gym.make("RLPA-Test-v0")
        agent = HeuristicAgent()
        agent.reset(seed)
        observation, info = env.reset(seed=seed)
        replies, done = [], False
        while not done:
            action = agent.act(observation, info)
            replies.append(parse_turn(action).response)
            observation, _, terminated, truncated, info = env.step(action)
            done = terminated or truncated
        out.append(replies)
    return out


def env_steps_per_second(episodes: int, reader: LanguageModelReader | None) -> float:
    """Heuristic + env steps/s, reading every reply with ``reader`` when one is given."""
    steps, start = 0, time.perf_counter()
    for seed in range(episodes):
        env = gym.make("RLPA-Test-v0")
        agent = HeuristicAgent()
        agent.reset(seed)
        observation, info = env.reset(seed=seed)
        done = False
        while not done:
            action = agent.act(observation, info)
            if reader is not None:
                reader.read(split_sentences(parse_turn(action).response))
            observation, _, terminated, truncated, info = env.step(action)
            done = terminated or truncated
            steps += 1
    return steps / (time.perf_counter() - start)


def reply_of(completion: str) -> str:
    """The ``<response>`` block of a turn, or the whole completion when the turn does not parse."""
    try:
        return parse_turn(completion).response
    except TurnFormatError:
        return completion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--episodes", type=int, default=5)
    parser.add_argument("--envs", type=int, default=2)
    parser.add_argument("--candidates", type=int, default=2)
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--threads", type=int, default=1, help="torch threads of the reader and the policy")
    parser.add_argument("--orders", type=int, default=CoherenceSettings.orders)
    args = parser.parse_args()
    settings = CoherenceSettings(orders=args.orders)
    backend = TransformersBackend(n_threads=args.threads)
    scorer = TransformersScorer(backend)
    start = time.perf_counter()
    scorer.token_logprobs(["Warm up the model."])
    print(f"{settings}; threads={args.threads}; model load {time.perf_counter() - start:.1f} s")

    episodes = heuristic_replies(args.episodes)
    unique = list(dict.fromkeys(r for episode in episodes for r in episode))
    sample = [split_sentences(r) for r in unique[: args.replies]]
    reader = LanguageModelReader(scorer, settings=settings)
    start = time.perf_counter()
    verdicts = [reader.read(sentences) for sentences in sample]
    unbatched = time.perf_counter() - start
    units = len({unit.text for verdict in verdicts for unit in verdict.units if unit.judged})
    start = time.perf_counter()
    for _ in range(10):
        for sentences in sample:
            reader.read(sentences)
    warm = (time.perf_counter() - start) / 10
    batched_reader = LanguageModelReader(scorer, settings=settings)
    start = time.perf_counter()
    batched_reader.read_many(sample)
    batched = time.perf_counter() - start
    print("\n| measure | value |\n|---|---|")
    print(f"| replies read (distinct units) | {len(sample)} ({units}) |")
    print(f"| cold, one reply per call: ms/reply | {1000 * unbatched / len(sample):.0f} |")
    print(f"| warm (cache hits): us/reply | {1e6 * warm / len(sample):.1f} |")
    print(f"| units/s unbatched (one reply per call) | {units / unbatched:.1f} |")
    print(f"| units/s batched (one read_many) | {units / batched:.1f} |")

    plain = env_steps_per_second(args.episodes, None)
    reader.read_many([split_sentences(r) for r in unique])  # fill the cache with the rest of the episodes
    with_reader = env_steps_per_second(args.episodes, reader)
    print(f"| heuristic + env, rules only: steps/s | {plain:.0f} |")
    print(f"| heuristic + env + warm reader: steps/s | {with_reader:.0f} |")

    agent = TransformersAgent(TransformersBackend(n_threads=args.threads), max_tokens=args.max_tokens, temperature=1.0)
    envs = [gym.make("RLPA-v0", max_turns=args.turns) for _ in range(args.envs)]
    start = time.perf_counter()
    _, groups = collect_branching(agent, envs, list(range(args.envs)), args.candidates)
    collect = time.perf_counter() - start
    cold_reader = LanguageModelReader(scorer, settings=settings)
    by_turn: dict[int, list[list[str]]] = {}
    for group in groups:
        by_turn.setdefault(group.turn, []).extend(
            list(split_sentences(reply_of(text))) or ["(empty)"] for text in group.texts
        )
    start = time.perf_counter()
    for replies in by_turn.values():
        cold_reader.read_many(replies)
    reading = time.perf_counter() - start
    steps = sum(len(replies) for replies in by_turn.values())
    print(f"| collect_branching ({args.envs} envs x {args.candidates} candidates, {len(by_turn)} turns): s | "
          f"{collect:.1f} |")  # fmt: skip
    print(f"| reading its {steps} replies cold, one read_many per turn: s | {reading:.1f} |")
    print(f"| reading / (collect + reading) | {reading / (collect + reading):.1%} |")


if __name__ == "__main__":
    main()
