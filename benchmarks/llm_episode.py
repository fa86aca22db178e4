"""Wall time of one ``RLPA-LLM-v0`` episode with the LLM user and both LLM judges on two backends.

The same agent (``HeuristicAgent``) plays the same seeded episode twice: once with the user, the
profile judge and the response judge on ``LlamaCppBackend`` and once on ``TransformersBackend``,
both running the embedded SmolLM2-135M-Instruct on CPU. Model loading is excluded (one warm-up call
per backend first). Prints each time, the turns played and the per-turn ratio transformers /
llama.cpp (the two backends write different text, so episodes may differ in length).

Each role gets its own backend. For llama.cpp that means its own context (``LlamaCppBackend``
shares one context per ``(path, n_ctx, n_threads)``, so the roles use slightly different ``n_ctx``):
llama.cpp keeps the evaluated prompt of a context's last call and re-evaluates only what changed,
and the roles' prompts are built so each call extends the previous one of the same role. On this
2-core machine llama.cpp generates about 7x faster than transformers but evaluates prompts about 2x
slower, so prompt reuse decides the ratio.

Usage: ``python benchmarks/llm_episode.py [--turns 10] [--seed 0] [--threads N]``. Target: llama.cpp
at least 4x faster.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.base import run_episode
from agents.baselines import HeuristicAgent
from rlpa_env.backends.base import ChatBackend
from rlpa_env.rewards.llm_judges import LLMJudgeProfileScorer, LLMResponseJudge

WARM_UP = [{"role": "user", "content": "hi"}]


def timed_episode(backends: Sequence[ChatBackend], turns: int, seed: int) -> tuple[float, int]:
    """Seconds for one episode with the user and the two judges on ``backends``, and the turns played."""
    for backend in backends:
        backend.complete(WARM_UP, max_tokens=4)
    user_backend, profile_backend, response_backend = backends
    env = gym.make(
        "RLPA-LLM-v0",
        user_kwargs={"backend": user_backend},
        profile_scorer=LLMJudgeProfileScorer(profile_backend),
        response_judge=LLMResponseJudge(response_backend),
        max_turns=turns,
    )
    started = time.perf_counter()
    episode = run_episode(env, HeuristicAgent(), seed=seed)
    return time.perf_counter() - started, len(episode.turns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="llama.cpp threads (default: all cores)")
    args = parser.parse_args()

    from rlpa_env.backends.llamacpp_backend import LlamaCppBackend
    from rlpa_env.backends.transformers_backend import TransformersBackend

    llama = [LlamaCppBackend(n_ctx=4096 + role, n_threads=args.threads) for role in range(3)]
    llama_s, llama_turns = timed_episode(llama, args.turns, args.seed)
    print(f"llama.cpp     : {llama_s:7.1f} s for {llama_turns} turns ({llama_s / llama_turns:.2f} s/turn)")
    hf_s, hf_turns = timed_episode([TransformersBackend() for _ in range(3)], args.turns, args.seed)
    print(f"transformers  : {hf_s:7.1f} s for {hf_turns} turns ({hf_s / hf_turns:.2f} s/turn)")
    ratio = (hf_s / hf_turns) / (llama_s / llama_turns)
    print(f"speed-up of llama.cpp per turn: {ratio:.1f}x (target >= 4x)")


if __name__ == "__main__":
    main()
