"""Run the simulated user and both LLM judges on a model behind an OpenAI-compatible server.

Any server that speaks ``/v1/chat/completions`` works: vLLM, llama.cpp's server, Ollama, OpenAI.
For a local try with the embedded model::

    GGUF="$(python -c 'from rlpa_env.backends import embedded_gguf_path; print(embedded_gguf_path())')"
    python -m llama_cpp.server --model "$GGUF" --port 8080
    python examples/remote_user_and_judges.py --base-url http://127.0.0.1:8080/v1 --model smollm2

Two equivalent ways to wire it, both shown below:

1. ``llm_env_kwargs(base_url, model, cache_path=...)`` builds the ``gymnasium.make`` kwargs: the
   LLM user plus ``LLMJudgeProfileScorer`` and ``LLMResponseJudge`` on one backend, optionally
   behind a ``CachedBackend`` so a rerun with the same seed replays without calling the server.
2. By hand: pass a backend object in ``user_kwargs`` and built judge objects as
   ``profile_scorer`` / ``response_judge``.

The policy here is the scripted ``HeuristicAgent``; swap in ``OpenAIChatAgent(base_url, model)``
to benchmark a served model as the policy too.
"""

from __future__ import annotations

import argparse

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.base import run_episode
from agents.baselines import HeuristicAgent
from rlpa_env.backends.openai_backend import OpenAICompatibleBackend
from rlpa_env.rewards.llm_judges import LLMJudgeProfileScorer, LLMResponseJudge
from rlpa_env.users.llm import llm_env_kwargs


def main() -> None:
    parser = argparse.ArgumentParser(description="LLM user and judges on an OpenAI-compatible server.")
    parser.add_argument("--base-url", required=True, help="API root, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--model", required=True, help="model name the server serves")
    parser.add_argument("--cache", default=None, help="SQLite file caching completions (replays reruns)")
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    # 1. One call builds everything.
    env = gym.make("RLPA-LLM-v0", max_turns=args.turns, **llm_env_kwargs(args.base_url, args.model, args.cache))

    # 2. The same by hand (shown for reference; the judges may also use a different backend).
    backend = OpenAICompatibleBackend(args.base_url, args.model)
    gym.make(
        "RLPA-LLM-v0",
        max_turns=args.turns,
        user_kwargs={"backend": backend, "temperature": 0.7},
        profile_scorer=LLMJudgeProfileScorer(backend),
        response_judge=LLMResponseJudge(backend),
    )

    episode = run_episode(env, HeuristicAgent(), seed=args.seed)
    print(f"USER : {episode.opening}")
    for turn in episode.turns:
        print(f"AGENT: {turn.action.split('<response>')[-1].split('</response>')[0].strip()}")
        print(f"       profile F1 {turn.profile_f1:.2f}, response reward {turn.reward_response:.0f}")
        print(f"USER : {turn.user_message}")
    print(f"return {episode.total_reward:.2f} over {len(episode.turns)} turns ({episode.stop_reason})")


if __name__ == "__main__":
    main()
