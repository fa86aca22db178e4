"""Episodes per second of ``evaluate`` against the number of episodes in flight (``num_envs``).

Two parts, each printed as episodes/s per N and the ratio to N = 1 from this one run:

- ``scripted``: the heuristic agent on ``RLPA-Test-v0`` (scripted user, rule judges), 400 episodes,
  N = 1, 2 and 4 in worker processes. The Ns are interleaved over ``--rounds`` rounds and each N's
  median is reported, since other processes on a small machine make single timings noisy. The
  report must be byte-identical for every N (checked). Target: N = 2 at least 1.5x N = 1.
- ``llm``: the heuristic agent on ``RLPA-LLM-v0`` with the simulated user and both judges (the
  alignment grader of that id is rule-based) on one llama.cpp ``llama-server`` serving the embedded
  SmolLM2-135M-Instruct with ``--slots`` parallel slots and continuous batching, reached through
  one ``OpenAICompatibleBackend`` (``llm_env_kwargs``); 8 episodes of 3 turns for N = 1, 2 and 4 with
  ``max_concurrency=4``, against the same server. The server answers one warm-up request before
  timing. The binary comes from ``scripts/build-llama-server.sh`` (or ``$RLPA_LLAMA_SERVER``); without
  it the part is skipped with that hint. For each N it also prints the server's own ``/metrics``
  counters: prompt tokens processed (more than at N = 1 when conversations outnumber the slots,
  which are also the prompt cache), tokens generated, and busy slots per decode call (the batch).
  Target: N = 4 at least 2x N = 1.

Times are ``Report.timing.total_s`` (the episodes' wall time, without metrics and report writing).
The load average of the machine is printed before each part, and for (a) the CPU time all
processes used per N: wall time can only fall as far as idle cores allow, while the CPU time shows
what running in parallel costs.

Usage: ``python benchmarks/eval_scaling.py [--part scripted|llm|both] [--rounds 3] [--slots 4]
[--server-threads 1] [--gguf PATH] [--llm-episodes 8] [--llm-turns 3]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import rlpa_env  # noqa: F401  (registers the ids)
from rlpa_env.eval import evaluate

SCRIPTED_EPISODES = 400
SCRIPTED_NUM_ENVS = (1, 2, 4)
LLM_NUM_ENVS = (1, 2, 4)
LLM_MAX_CONCURRENCY = 4
SERVED_MODEL = "smollm2"
WARM_UP = [{"role": "user", "content": "hi"}]


def load() -> str:
    """The 1-minute load average over the core count, e.g. ``load 1.7 on 2 cores``."""
    return f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def print_rates(rates: dict[int, float], target_n: int, target_ratio: float) -> None:
    """One line per N with episodes/s and the ratio to N = 1, then the target check."""
    for num_envs, rate in rates.items():
        print(f"  N = {num_envs:2d}: {rate:9.4f} episodes/s   x{rate / rates[1]:.2f} vs N = 1")
    ratio = rates[target_n] / rates[1]
    verdict = "met" if ratio >= target_ratio else "NOT met"
    print(f"  target N = {target_n} >= {target_ratio}x N = 1: {ratio:.2f}x, {verdict}")


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the worker processes) so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def scripted(rounds: int) -> None:
    """Part (a): the heuristic agent with scripted roles, Ns interleaved over ``rounds`` rounds."""
    print(f"(a) scripted roles, heuristic agent, {SCRIPTED_EPISODES} episodes, {rounds} rounds ({load()})")
    seconds: dict[int, list[float]] = {num_envs: [] for num_envs in SCRIPTED_NUM_ENVS}
    cpu: dict[int, list[float]] = {num_envs: [] for num_envs in SCRIPTED_NUM_ENVS}
    reports: dict[int, str] = {}
    for _ in range(rounds):
        for num_envs in SCRIPTED_NUM_ENVS:
            before = cpu_seconds()
            report = evaluate("heuristic", episodes=SCRIPTED_EPISODES, seed=0, num_envs=num_envs, progress=False)
            cpu[num_envs].append(cpu_seconds() - before)
            seconds[num_envs].append(report.timing.total_s)
            reports[num_envs] = report.to_json(include_timing=False)
    print(f"  report.json identical for every N: {len(set(reports.values())) == 1}")
    print_rates({n: SCRIPTED_EPISODES / statistics.median(s) for n, s in seconds.items()}, 2, 1.5)
    # Wall time is bounded by the CPU share the machine grants; CPU time shows what concurrency costs.
    base_cpu = statistics.median(cpu[1])
    for num_envs, spent in cpu.items():
        median = statistics.median(spent)
        print(f"  N = {num_envs:2d}: {median:.2f} CPU s in all processes (x{median / base_cpu:.2f} of N = 1's)")


def server_counters(base_url: str) -> dict[str, float]:
    """llama-server's cumulative ``/metrics`` counters (``llamacpp:NAME`` -> value), plus ``busy_slots_total``.

    Whole seconds are what the server reports; ``busy_slots_total`` is the mean busy slots per decode call
    times the decode calls, so differences of it count slot-steps.
    """
    with urllib.request.urlopen(base_url.removesuffix("/v1") + "/metrics", timeout=10) as response:
        lines = response.read().decode().splitlines()
    values = {
        name.removeprefix("llamacpp:"): float(value)
        for name, value in (line.split() for line in lines if line.startswith("llamacpp:"))
    }
    values["busy_slots_total"] = values["n_busy_slots_per_decode"] * values["n_decode_total"]
    return values


def llm(slots: int, threads: int, gguf: Path | None, episodes: int, turns: int, log_dir: Path) -> None:
    """Part (b): user and judges on one ``llama-server`` with ``slots`` slots, N = 1, 2 and 4."""
    from rlpa_env.backends.config import llm_env_kwargs
    from rlpa_env.backends.native_server import native_llama_server
    from rlpa_env.backends.openai_backend import OpenAICompatibleBackend

    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "llama-server.log"
    with native_llama_server(
        model_path=gguf, slots=slots, n_threads=threads, extra_args=["--metrics"], log_path=log_path
    ) as url:
        backend = OpenAICompatibleBackend(url, SERVED_MODEL, read_timeout=600.0, max_concurrency=LLM_MAX_CONCURRENCY)
        backend.complete(WARM_UP, max_tokens=4)
        model = gguf.name if gguf is not None else "the embedded SmolLM2 GGUF"
        print(f"(b) user and both judges on one llama-server ({model}), {slots} slots, {threads} thread(s), "
              f"heuristic agent, {episodes} episodes of {turns} turns, max concurrency {LLM_MAX_CONCURRENCY} "
              f"({load()})")  # fmt: skip
        rates: dict[int, float] = {}
        for num_envs in LLM_NUM_ENVS:
            before = server_counters(url)
            report = evaluate(
                "heuristic", env_id="RLPA-LLM-v0", episodes=episodes, seed=0, num_envs=num_envs, progress=False,
                max_concurrency=LLM_MAX_CONCURRENCY, max_turns=turns, **llm_env_kwargs(backend),
            )  # fmt: skip
            rates[num_envs] = episodes / report.timing.total_s
            work = {name: value - before[name] for name, value in server_counters(url).items()}
            print(f"  N = {num_envs}: {report.timing.total_s:.1f} s, {len(report.failures)} failed episodes; server: "
                  f"{work['prompt_tokens_total']:.0f} prompt tokens in {work['prompt_seconds_total']:.0f} s, "
                  f"{work['tokens_predicted_total']:.0f} generated in {work['tokens_predicted_seconds_total']:.0f} s, "
                  f"{work['busy_slots_total'] / max(work['n_decode_total'], 1):.2f} busy slots per decode "
                  f"({load()})")  # fmt: skip
    print_rates(rates, max(LLM_NUM_ENVS), 2.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("scripted", "llm", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the scripted part (default 3)")
    parser.add_argument("--slots", type=int, default=4, help="llama-server slots of the llm part (default 4)")
    parser.add_argument("--server-threads", type=int, default=1, help="llama-server CPU threads (default 1)")
    parser.add_argument("--gguf", type=Path, default=None, help="model of the llm part (default: the embedded GGUF)")
    parser.add_argument("--llm-episodes", type=int, default=8)
    parser.add_argument("--llm-turns", type=int, default=3)
    parser.add_argument("--log-dir", type=Path, default=Path("runs/eval_scaling"), help="llama-server's log")
    args = parser.parse_args(argv)
    if args.part in ("scripted", "both"):
        scripted(args.rounds)
    if args.part in ("llm", "both"):
        from rlpa_env.backends.native_server import BUILD_SCRIPT, LLAMA_SERVER_ENV, find_llama_server

        if find_llama_server() is None:
            print(f"(b) skipped: no llama-server binary; build it with {BUILD_SCRIPT} or set ${LLAMA_SERVER_ENV}",
                  file=sys.stderr)  # fmt: skip
            return 1
        llm(args.slots, args.server_threads, args.gguf, args.llm_episodes, args.llm_turns, args.log_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
