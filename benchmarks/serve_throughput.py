"""Heuristic-agent steps per second on ``RLPA-v0``: in-process, and over ``rlpa-env serve``.

One run prints three rows: the env stepped in-process (``gymnasium.make``), and the same agent
playing through an OpenEnv server (a ``python -m rlpa_env.cli serve`` subprocess on a free port) with
one WebSocket session, and with 8 sessions at once (8 async ``GenericEnvClient``\\ s on one event
loop, each playing its own seeded episodes). Each row counts ``step`` calls (resets are timed, not
counted) over ``--episodes`` episodes per session. The client, the agent and the server share the
machine's cores, as they would on one rollout worker.

Both server rows are measured twice: OpenEnv's default (each session steps in its own thread) and
``--inline-steps`` (sessions step on the server's event loop).

Usage: ``python benchmarks/serve_throughput.py [--episodes 100] [--sessions 8]``.
Targets on 2 cores: 1 session >= 1,000 steps/s; 8 sessions >= 2,000 steps/s in all.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import gymnasium as gym
from openenv.core import GenericEnvClient

import rlpa_env  # noqa: F401  (registers the ids)
from agents.baselines import HeuristicAgent
from rlpa_env.backends.server_process import free_loopback_port, serve_process
from rlpa_env.env import public_info

ENV_ID = "RLPA-v0"
SERVERS: dict[str, tuple[str, ...]] = {"": (), " --inline-steps": ("--inline-steps",)}
"""The server configurations measured: OpenEnv's thread per session, and steps on the event loop."""


def in_process(episodes: int) -> tuple[int, float]:
    """(steps, seconds) of the heuristic agent playing ``episodes`` seeded episodes in-process."""
    env, agent, steps = gym.make(ENV_ID), HeuristicAgent(), 0
    env.reset(seed=0)  # warm-up: the first reset loads the profile bank
    start = time.perf_counter()
    for seed in range(episodes):
        agent.reset(seed=seed)
        message, info = env.reset(seed=seed)
        done = False
        while not done:
            message, _, terminated, truncated, info = env.step(agent.act(message, public_info(info)))
            done, steps = terminated or truncated, steps + 1
    return steps, time.perf_counter() - start


async def _session(url: str, first_seed: int, episodes: int) -> int:
    agent, steps = HeuristicAgent(), 0
    async with GenericEnvClient(base_url=url) as client:
        for seed in range(first_seed, first_seed + episodes):
            agent.reset(seed=seed)
            result = await client.reset(seed=seed)
            while not result.done:
                observation = result.observation
                result = await client.step({"turn": agent.act(observation["message"], observation)})
                steps += 1
    return steps


async def _sessions(url: str, sessions: int, episodes: int) -> int:
    counts = await asyncio.gather(*(_session(url, index * episodes, episodes) for index in range(sessions)))
    return sum(counts)


def over_server(url: str, sessions: int, episodes: int) -> tuple[int, float]:
    """(steps, seconds) of ``sessions`` concurrent sessions, ``episodes`` episodes each."""
    start = time.perf_counter()
    steps = asyncio.run(_sessions(url, sessions, episodes))
    return steps, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=100, help="episodes per session (default: 100)")
    parser.add_argument("--sessions", type=int, default=8, help="sessions of the concurrent row (default: 8)")
    args = parser.parse_args(argv)

    rows = [("in-process", *in_process(args.episodes))]
    for label, flags in SERVERS.items():
        port = free_loopback_port()
        command = [sys.executable, "-m", "rlpa_env.cli", "serve", "--env", ENV_ID, "--port", str(port), *flags]
        command += ["--max-sessions", str(args.sessions)]
        url = f"http://127.0.0.1:{port}"
        with serve_process(command, f"{url}/health", name="rlpa-env serve", start_timeout_s=60.0):
            over_server(url, 1, 2)  # warm-up: the first session loads the profile bank
            rows.append((f"server{label}, 1 session", *over_server(url, 1, args.episodes)))
            rows.append((f"server{label}, {args.sessions} sessions", *over_server(url, args.sessions, args.episodes)))

    print(f"| {ENV_ID}, heuristic agent | steps | seconds | steps/s |")
    print("|---|---:|---:|---:|")
    for name, steps, seconds in rows:
        print(f"| {name} | {steps} | {seconds:.2f} | {steps / seconds:,.0f} |")


if __name__ == "__main__":
    main()
