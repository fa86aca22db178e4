"""Speed of the language-model reader on the embedded SmolLM2-135M-Instruct (CPU), in one run.

1. **Per reply.** ``--replies`` distinct heuristic replies (``RLPA-Test-v0``) read one at a time:
   cold (empty cache: every unit, its reorderings and its swaps go through the model) and warm (the
   same replies again: cache hits only); and cold without the swap test (``swap_threshold=None``, the
   v1 ids' reader), for its cost.
2. **Batched vs unbatched.** The same replies' units scored by one ``read_many`` call against one
   ``read`` per reply, both cold: units/s (a unit is a sentence, with its reorderings).
3. **Heuristic + env.** Steps/s of ``HeuristicAgent`` (``--episodes`` episodes, seeds from 0) on
   ``RLPA-Test-v0`` (the rules reader) and on ``RLPA-Test-v2`` with a fresh language-model reader:
   cold (its first pass over the episodes) and warm (the same episodes again: template sentences
   repeat, so a long run is mostly warm).
4. **Share of a branching rollout step.** ``agents.train.rollouts.collect_branching`` with the
   embedded policy on ``RLPA-v2`` (``--envs`` envs, ``--candidates`` candidates, ``--turns`` turns,
   ``--max-tokens``): the seconds the reader's model spent, against the whole collection; and, since
   an untrained policy's turns rarely parse (the env reads only parsed replies), the seconds to read
   every candidate as if it had parsed, cold, one ``read_many`` per turn.

Example::

    python benchmarks/lm_reading.py --replies 20 --episodes 5 --envs 2 --candidates 2 --turns 2
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.baselines import HeuristicAgent
from agents.hf import TransformersAgent
from agents.train.rollouts import collect_branching
from rlpa_env.backends.scoring import SequenceScorer, Span, TransformersScorer
from rlpa_env.backends.transformers_backend import TransformersBackend
from rlpa_env.episode import run_episode
from rlpa_env.language_model_reading import CoherenceSettings, LanguageModelReader
from rlpa_env.parsing import TurnFormatError, parse_turn
from rlpa_env.reply_analysis import split_sentences


class TimedScorer:
    """A ``SequenceScorer`` that adds up the seconds the scorer it wraps spends."""

    def __init__(self, scorer: SequenceScorer) -> None:
        self.scorer = scorer
        self.model_name = scorer.model_name
        self.seconds = 0.0

    def span_logprobs(self, spans: Sequence[Span]) -> list[tuple[float, ...]]:
        """The wrapped scorer's log-probs, timed."""
        start = time.perf_counter()
        try:
            return self.scorer.span_logprobs(spans)
        finally:
            self.seconds += time.perf_counter() - start


def heuristic_replies(episodes: int) -> list[str]:
    """The distinct replies of the heuristic agent on ``RLPA-Test-v0`` (seeds ``0..episodes-1``)."""
    replies: dict[str, None] = {}
    for seed in range(episodes):
        episode = run_episode(gym.make("RLPA-Test-v0"), HeuristicAgent(), seed=seed)
        replies.update(dict.fromkeys(m["content"] for m in episode.messages if m["role"] == "assistant"))
    return list(replies)


def reply_of(completion: str) -> str:
    """The ``<response>`` block of a turn, or the whole completion when the turn does not parse."""
    try:
        return parse_turn(completion).response
    except TurnFormatError:
        return completion


def env_steps_per_second(env_id: str, episodes: int, **env_kwargs: object) -> float:
    """Heuristic + env steps/s on ``env_id`` over seeds ``0..episodes-1``."""
    steps, start = 0, time.perf_counter()
    for seed in range(episodes):
        steps += len(run_episode(gym.make(env_id, **env_kwargs), HeuristicAgent(), seed=seed).turns)
    return steps / (time.perf_counter() - start)


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

    sample = [split_sentences(r) for r in heuristic_replies(args.episodes)[: args.replies]]
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
    no_swaps = LanguageModelReader(scorer, settings=CoherenceSettings(orders=args.orders, swap_threshold=None))
    start = time.perf_counter()
    for sentences in sample:
        no_swaps.read(sentences)
    print(f"| cold without the swap test (v1): ms/reply | {1000 * (time.perf_counter() - start) / len(sample):.0f} |")
    print(f"| units/s unbatched (one reply per call) | {units / unbatched:.1f} |")
    print(f"| units/s batched (one read_many) | {units / batched:.1f} |")

    plain = env_steps_per_second("RLPA-Test-v0", args.episodes)
    env_reader = LanguageModelReader(scorer, settings=settings)
    cold = env_steps_per_second("RLPA-Test-v2", args.episodes, reader=env_reader)
    warm_steps = env_steps_per_second("RLPA-Test-v2", args.episodes, reader=env_reader)
    print(f"| heuristic + RLPA-Test-v0 (rules reader): steps/s | {plain:.0f} |")
    print(f"| heuristic + RLPA-Test-v2, reader cold: steps/s | {cold:.1f} ({cold / plain:.4f}x) |")
    print(f"| heuristic + RLPA-Test-v2, reader warm: steps/s | {warm_steps:.0f} ({warm_steps / plain:.2f}x) |")

    agent = TransformersAgent(TransformersBackend(n_threads=args.threads), max_tokens=args.max_tokens, temperature=1.0)
    timed = TimedScorer(scorer)
    rollout_reader = LanguageModelReader(timed, settings=settings)
    envs = [gym.make("RLPA-v2", max_turns=args.turns, reader=rollout_reader) for _ in range(args.envs)]
    start = time.perf_counter()
    _, groups = collect_branching(agent, envs, list(range(args.envs)), args.candidates)
    collect = time.perf_counter() - start
    print(
        f"| collect_branching on RLPA-v2 ({args.envs} envs x {args.candidates} candidates, {len(groups)} groups): s "
        f"| {collect:.1f} |"
    )
    print(f"| of which the reader's model: s | {timed.seconds:.1f} ({timed.seconds / collect:.1%}) |")
    # An untrained policy's turns rarely parse, and the env reads only parsed replies: read every
    # candidate as if it had parsed (its <response> block, else the whole completion), cold, one
    # read_many per turn, for the share a policy that writes the format would pay.
    cold_reader = LanguageModelReader(scorer, settings=settings)
    by_turn: dict[int, list[tuple[str, ...]]] = {}
    for group in groups:
        by_turn.setdefault(group.turn, []).extend(
            split_sentences(reply_of(text)) or ("(empty)",) for text in group.texts
        )
    start = time.perf_counter()
    for replies in by_turn.values():
        cold_reader.read_many(replies)
    reading = time.perf_counter() - start
    count = sum(len(replies) for replies in by_turn.values())
    print(f"| reading all {count} candidates as replies, cold: s | {reading:.1f} |")
    print(f"| their share of (collect + reading) | {reading / (collect + reading):.1%} |")


if __name__ == "__main__":
    main()
