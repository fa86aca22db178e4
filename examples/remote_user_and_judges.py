"""Run the simulated user and both LLM judges on one model: a server, the embedded model or a local path.

Any server that speaks ``/v1/chat/completions`` works: vLLM, llama.cpp's server, Ollama, OpenAI.
For a local try with the embedded model::

    GGUF="$(python -c 'from rlpa_env.backends import embedded_gguf_path; print(embedded_gguf_path())')"
    python -m llama_cpp.server --model "$GGUF" --port 8080
    python examples/remote_user_and_judges.py --backend http://127.0.0.1:8080/v1 --model smollm2

``--backend embedded`` (or a local model path) runs the same in process, with no server.

Two equivalent ways to wire it, both shown below:

1. One setting: ``backend=...`` (with ``backend_kwargs`` for the model name and a ``cache_path``, so
   a rerun with the same seed replays without calling the server) puts the LLM user and both LLM
   judges of ``RLPA-LLM-v0`` on one backend (``rlpa_env.backends.config``).
2. Role by role: each role named ``"llm"`` takes its own kwargs (``user_kwargs``,
   ``profile_scorer_kwargs``, ``response_judge_kwargs``), here sharing one backend object.

The policy here is the scripted ``HeuristicAgent``; swap in ``OpenAIChatAgent(base_url, model)``
to benchmark a served model as the policy too.
"""

from __future__ import annotations

import argparse

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.baselines import HeuristicAgent
from rlpa_env.backends.config import resolve_backend
from rlpa_env.episode import run_episode


def main() -> None:
    parser = argparse.ArgumentParser(description="LLM user and judges on one backend.")
    parser.add_argument(
        "--backend", required=True, help="'embedded', a local model path, or an API root like http://127.0.0.1:8080/v1"
    )
    parser.add_argument("--model", default=None, help="model name the server serves (server URLs only)")
    parser.add_argument("--cache", default=None, help="SQLite file caching completions (replays reruns)")
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    options = {"cache_path": args.cache} if args.cache else {}
    if args.model:
        options["model"] = args.model

    # 1. One setting for every model-backed role.
    env = gym.make("RLPA-LLM-v0", max_turns=args.turns, backend=args.backend, backend_kwargs=options)

    # 2. The same role by role (shown for reference; each role may also use a backend of its own).
    backend = resolve_backend(args.backend, **options)
    gym.make(
        "RLPA-LLM-v0",
        max_turns=args.turns,
        user_kwargs={"backend": backend, "temperature": 0.7},
        profile_scorer_kwargs={"backend": backend, "max_retries": 2},
        response_judge_kwargs={"backend": backend},
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
