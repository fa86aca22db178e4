"""Specification of evaluation at scale: N episodes in flight, reports identical for every N, faults per episode.

The LLM-backed cases run against ``FakeChatServer``, a deterministic OpenAI-compatible server on
127.0.0.1: its answer is a function of the request alone (a user line, or a judge verdict drawn from
a hash of the request), it sleeps a few milliseconds chosen the same way so concurrent requests
finish out of order, and it counts how many requests are in flight.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest
from third_party_agent import CuriousAgent, curious_reply

from rlpa_env import prompts
from rlpa_env.backends import CachedBackend, ReplicaPoolBackend
from rlpa_env.backends.config import llm_env_kwargs
from rlpa_env.backends.openai_backend import OpenAICompatibleBackend
from rlpa_env.cli import main as cli_main
from rlpa_env.episode import Episode
from rlpa_env.eval import evaluate
from rlpa_env.eval.runner import execution_mode, play_episodes
from rlpa_env.rewards.base import CRITERIA

SERVER_FAULT_MARKER = "please-break-the-server"
USER_LINES = (
    "I mostly stay in on weekends.",
    "Work has been busy lately.",
    "Not much to say about that, honestly.",
    "I like a good long walk.",
    "Ha, maybe. What about you?",
)


class FakeChatServer:
    """A deterministic chat-completions server; ``max_in_flight`` is the most requests it held at once."""

    def __init__(self) -> None:
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with server._lock:
                    server.requests += 1
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    status, text = server.answer(body)
                    time.sleep(server.digest(body) % 7 / 1000)
                finally:
                    with server._lock:
                        server.in_flight -= 1
                choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                payload = {"id": "fake", "object": "chat.completion", "created": 0, "model": body["model"]}
                payload["choices"] = [choice]
                data = json.dumps(payload if status == 200 else {"error": {"message": text}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                """Keep test output quiet."""

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/v1"
        threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @staticmethod
    def digest(body: Mapping[str, Any]) -> int:
        canonical = json.dumps([body["messages"], body.get("seed")], sort_keys=True)
        return int(hashlib.sha256(canonical.encode()).hexdigest()[:8], 16)

    def answer(self, body: Mapping[str, Any]) -> tuple[int, str]:
        """HTTP 400 for a request carrying ``SERVER_FAULT_MARKER``, else a verdict or a user line."""
        if any(SERVER_FAULT_MARKER in message["content"] for message in body["messages"]):
            return 400, "refused"
        system = body["messages"][0]["content"]
        bits = self.digest(body)
        if system == prompts.PROFILE_JUDGE_SYSTEM:
            return 200, json.dumps({"matches": []})
        if system == prompts.RESPONSE_JUDGE_SYSTEM:
            verdict: dict[str, Any] = {name: (bits >> shift) & 1 for shift, name in enumerate(CRITERIA)}
            return 200, json.dumps({**verdict, "rationale": "fake"})
        return 200, USER_LINES[bits % len(USER_LINES)]

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def fake_server() -> Iterator[FakeChatServer]:
    server = FakeChatServer()
    yield server
    server.close()


def saved_files(report: Any, out: Path) -> tuple[bytes, bytes]:
    """The bytes of ``report.json`` and ``episodes.jsonl`` as ``Report.save`` writes them."""
    report.save(out)
    return (out / "report.json").read_bytes(), (out / "episodes.jsonl").read_bytes()


def without_wall_time(episode: Episode) -> Episode:
    """``episode`` with every turn's wall-clock time zeroed: the rest is reproducible."""
    return replace(episode, turns=tuple(replace(turn, wall_time_s=0.0) for turn in episode.turns))


class FaultyAgent(CuriousAgent):
    """Plays like ``CuriousAgent`` except on some seeds: raises (seed % 8 == 1) or hangs (seed % 8 == 5) on turn 2."""

    release = threading.Event()

    def reset(self, seed: int | None = None) -> None:
        """Remember the seed, which decides how this episode breaks."""
        self.seed = seed

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Break on turn 2 of the chosen seeds."""
        if info["turn"] >= 1 and self.seed is not None:
            if self.seed % 8 == 1:
                raise RuntimeError(f"policy crashed on seed {self.seed}")
            if self.seed % 8 == 5:
                self.release.wait(10)
        return super().act(observation, info)


class ServerBreakingAgent(CuriousAgent):
    """Plays like ``CuriousAgent``, but on seed 3 its second reply makes the fake server answer HTTP 400."""

    def reset(self, seed: int | None = None) -> None:
        """Remember the seed."""
        self.seed = seed

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """A reply carrying ``SERVER_FAULT_MARKER`` on turn 2 of seed 3."""
        if self.seed == 3 and info["turn"] >= 1:
            return curious_reply(observation, info).replace("Thanks", SERVER_FAULT_MARKER)
        return super().act(observation, info)


class BatchingAgent(CuriousAgent):
    """``CuriousAgent``'s policy with ``act_batch``; records the size of every batch it answers."""

    def __init__(self) -> None:
        self.batch_sizes: list[int] = []

    def act_batch(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """One turn per observation."""
        self.batch_sizes.append(len(observations))
        return [curious_reply(o, i) for o, i in zip(observations, infos, strict=True)]


# -- scripted roles ------------------------------------------------------------------------------


@pytest.mark.timeout(120)
def test_cli_reports_are_byte_identical_for_one_four_and_sixteen_envs_with_scripted_roles(tmp_path):
    files = {}
    for num_envs in (1, 4, 16):
        out = tmp_path / f"n{num_envs}"
        argv = ["evaluate", "--agent", "heuristic", "--episodes", "40", "--seed", "7", "--no-progress"]
        assert cli_main([*argv, "--num-envs", str(num_envs), "--out", str(out)]) == 0
        files[num_envs] = ((out / "report.json").read_bytes(), (out / "episodes.jsonl").read_bytes())
    assert files[4] == files[1]
    assert files[16] == files[1]
    lines = files[1][1].decode().splitlines()
    assert [json.loads(line)["seed"] for line in lines] == list(range(7, 47))


def test_scripted_roles_and_agent_run_in_worker_processes():
    env = gym.make("RLPA-Test-v0")
    assert execution_mode(CuriousAgent(), env, 4) == "processes"
    assert execution_mode(CuriousAgent(), env, 1) == "sequential"
    assert execution_mode(BatchingAgent(), env, 4) == "batch"


def test_roles_or_agents_on_a_model_server_run_in_threads(fake_server):
    llm_env = gym.make("RLPA-LLM-v0", **llm_env_kwargs(fake_server.url, "fake"))
    assert execution_mode(CuriousAgent(), llm_env, 4) == "threads"
    from agents.openai_chat import OpenAIChatAgent

    assert execution_mode(OpenAIChatAgent(fake_server.url, "fake"), gym.make("RLPA-Test-v0"), 4) == "threads"


def test_num_envs_below_one_is_refused_with_a_clear_error(capsys):
    with pytest.raises(ValueError, match="num_envs must be at least 1, got 0"):
        evaluate("heuristic", episodes=2, num_envs=0, progress=False)
    with pytest.raises(SystemExit):
        cli_main(["evaluate", "--num-envs", "0"])
    assert "--num-envs: must be at least 1, got 0" in capsys.readouterr().err


@pytest.mark.timeout(60)
def test_agent_faults_end_only_their_own_episodes_in_worker_processes():
    FaultyAgent.release.clear()
    started = time.perf_counter()
    faulty = evaluate(FaultyAgent(), episodes=16, seed=0, num_envs=4, turn_timeout_s=0.5, progress=False)
    elapsed = time.perf_counter() - started
    FaultyAgent.release.set()
    healthy = evaluate(CuriousAgent(), episodes=16, seed=0, progress=False)
    for seed, (broken, good) in enumerate(zip(faulty.episodes, healthy.episodes, strict=True)):
        if seed % 8 == 1:
            assert broken.failure == f"act() raised RuntimeError: policy crashed on seed {seed}"
        elif seed % 8 == 5:
            assert broken.failure == "act() did not return within 0.5 s"
        else:
            assert broken.failure is None
            assert without_wall_time(broken) == without_wall_time(good)
    assert faulty.metrics.agent_failure_rate == 4 / 16
    assert elapsed < 8.0, f"two hangs of 0.5 s stalled the run for {elapsed:.1f} s"


class ScoreBlindAgent(CuriousAgent):
    """Plays like ``CuriousAgent`` but raises if ``info`` shows it a score."""

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Refuse to play on when a score leaks into ``info``."""
        if "profile_f1" in info:
            raise RuntimeError("saw a score")
        return super().act(observation, info)


class WithoutScores:
    """A view that hands the agent ``info`` without its score keys."""

    def __init__(self, agent: Any) -> None:
        self.agent = agent

    def reset(self, seed: int | None = None) -> None:
        """Reset the viewed agent."""
        self.agent.reset(seed)

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The viewed agent's turn on ``info`` without scores."""
        return self.agent.act(observation, {k: v for k, v in info.items() if not k.startswith(("profile", "reward"))})


@pytest.mark.parametrize("num_envs", [1, 3])
def test_a_view_wraps_the_agent_in_every_slot(num_envs):
    def play(view: Any) -> list[Episode]:
        env = gym.make("RLPA-Test-v0")
        return play_episodes(
            ScoreBlindAgent(), range(6), env=env, env_id="RLPA-Test-v0", env_kwargs={}, num_envs=num_envs, view=view
        )

    assert [episode.failure for episode in play(None)] == ["act() raised RuntimeError: saw a score"] * 6
    viewed = play(WithoutScores)
    assert [episode.failure for episode in viewed] == [None] * 6
    assert all(len(episode.turns) == 10 for episode in viewed)


# -- act_batch -----------------------------------------------------------------------------------


def test_an_act_batch_agent_answers_every_slot_in_one_call_and_the_report_matches_one_env(tmp_path):
    agent = BatchingAgent()
    batched = evaluate(agent, episodes=8, seed=3, num_envs=4, progress=False)
    single = evaluate(BatchingAgent(), episodes=8, seed=3, num_envs=1, progress=False)
    assert agent.batch_sizes[0] == 4 and max(agent.batch_sizes) == 4
    assert sum(agent.batch_sizes) == sum(len(episode.turns) for episode in batched.episodes)
    assert saved_files(batched, tmp_path / "batched") == saved_files(single, tmp_path / "single")


class CrashingBatchAgent(BatchingAgent):
    """Answers its first batch, then raises."""

    def act_batch(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """Crash after the first batch."""
        if self.batch_sizes:
            raise RuntimeError("GPU fell over")
        return super().act_batch(observations, infos)


def test_an_act_batch_failure_ends_the_episodes_of_that_batch_and_the_run_completes():
    report = evaluate(CrashingBatchAgent(), episodes=6, seed=0, num_envs=3, progress=False)
    assert [summary.turns for summary in report.summaries] == [1, 1, 1, 0, 0, 0]
    assert {summary.failure for summary in report.summaries} == {"act_batch() raised RuntimeError: GPU fell over"}


# -- LLM roles on a server -----------------------------------------------------------------------


@pytest.mark.timeout(120)
def test_reports_are_byte_identical_for_one_four_and_sixteen_envs_with_a_cached_llm_backend(
    fake_server, tmp_path, monkeypatch
):
    def run(num_envs: int, cache_dir: Path) -> tuple[bytes, bytes]:
        cache_dir.mkdir(exist_ok=True)
        monkeypatch.chdir(cache_dir)  # the relative cache path is the same setting in every run
        report = evaluate(
            "heuristic", env_id="RLPA-LLM-v0", episodes=12, seed=1, num_envs=num_envs, max_concurrency=4,
            progress=False, max_turns=3, **llm_env_kwargs(fake_server.url, "fake", cache_path="cache.sqlite"),
        )  # fmt: skip
        return saved_files(report, tmp_path / f"n{num_envs}-{cache_dir.name}")

    first = run(1, tmp_path / "shared")
    requests_to_fill_the_cache = fake_server.requests
    assert run(4, tmp_path / "shared") == first
    assert fake_server.requests == requests_to_fill_the_cache  # replayed from the cache alone
    assert run(16, tmp_path / "cold") == first  # a cold cache at N = 16 asks the server again
    assert fake_server.requests == 2 * requests_to_fill_the_cache
    assert 2 <= fake_server.max_in_flight <= 4
    assert json.loads(first[0])["env_kwargs"]["backend"] == fake_server.url


@pytest.mark.timeout(60)
def test_an_http_agent_sends_its_turns_concurrently_and_the_report_matches_one_env(fake_server, tmp_path):
    def run(num_envs: int) -> tuple[bytes, bytes]:
        report = evaluate(
            "openai", agent_kwargs={"base_url": fake_server.url, "model": "fake"}, episodes=8, seed=2,
            num_envs=num_envs, max_concurrency=4, progress=False, max_turns=3,
        )  # fmt: skip
        assert report.metrics.episodes == 8 and not report.failures
        return saved_files(report, tmp_path / f"n{num_envs}")

    single = run(1)
    assert fake_server.max_in_flight == 1
    assert run(4) == single
    assert fake_server.max_in_flight in (2, 3, 4)


@pytest.mark.timeout(60)
def test_a_server_error_ends_only_the_episode_whose_request_failed(fake_server):
    env_kwargs = llm_env_kwargs(fake_server.url, "fake", max_retries=0)
    report = evaluate(
        ServerBreakingAgent(), env_id="RLPA-LLM-v0", episodes=8, seed=0, num_envs=4, progress=False, max_turns=3,
        **env_kwargs,
    )  # fmt: skip
    failures = {summary.seed: summary.failure for summary in report.summaries if summary.failure}
    assert list(failures) == [3]
    assert f"OpenAI-compatible server at {fake_server.url}" in failures[3] and "HTTP 400" in failures[3]
    assert report.summaries[3].turns == 1
    assert all(summary.turns == 3 for summary in report.summaries if summary.seed != 3)


def test_requests_to_one_server_never_exceed_max_concurrency_across_backends(fake_server):
    backends = [OpenAICompatibleBackend(fake_server.url, "fake", max_concurrency=3) for _ in range(4)]
    conversations = [[{"role": "user", "content": f"message {n}"}] for n in range(24)]
    threads = [
        threading.Thread(target=backend.complete_batch, args=(conversations[n::4],))
        for n, backend in enumerate(backends)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake_server.requests == 24
    assert fake_server.max_in_flight == 3


def test_cached_backend_serves_many_threads_and_waits_on_the_server_outside_its_lock(fake_server, tmp_path):
    cache = CachedBackend(OpenAICompatibleBackend(fake_server.url, "fake", max_concurrency=8), tmp_path / "c.sqlite")
    conversations = [[{"role": "user", "content": f"message {n % 20}"}] for n in range(80)]
    answers: dict[int, str] = {}

    def ask(index: int) -> None:
        answers[index] = cache.complete(conversations[index], seed=index % 20)

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(80)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fresh = OpenAICompatibleBackend(fake_server.url, "fake")
    expected = {n: fresh.complete(conversations[n], seed=n) for n in range(20)}
    assert all(answers[index] == expected[index % 20] for index in range(80))
    assert cache.hits + cache.misses == 80 and cache.misses >= 20
    assert fake_server.max_in_flight >= 2  # the lock is not held while a request is out
    reopened = CachedBackend(OpenAICompatibleBackend(fake_server.url, "fake"), tmp_path / "c.sqlite")
    assert [reopened.complete(conversations[n], seed=n) for n in range(20)] == [expected[n] for n in range(20)]
    assert reopened.misses == 0


def test_a_replica_pool_sends_each_request_to_the_least_busy_replica():
    servers = [FakeChatServer(), FakeChatServer()]
    try:
        pool = ReplicaPoolBackend([OpenAICompatibleBackend(server.url, "fake") for server in servers])
        single = [pool.complete([{"role": "user", "content": f"one at a time {n}"}]) for n in range(3)]
        assert [server.requests for server in servers] == [3, 0]  # a lone caller stays on the first replica
        conversations = [[{"role": "user", "content": f"together {n}"}] for n in range(8)]
        answers = pool.complete_batch(conversations)
        assert servers[1].requests > 0 and sum(server.requests for server in servers) == 11
        reference = OpenAICompatibleBackend(servers[0].url, "fake")
        assert answers == [reference.complete(conversation) for conversation in conversations]
        assert single == [reference.complete([{"role": "user", "content": f"one at a time {n}"}]) for n in range(3)]
    finally:
        for server in servers:
            server.close()


@pytest.mark.timeout(60)
def test_cli_spreads_llm_roles_over_replicas_with_at_most_max_concurrency_requests_each(tmp_path):
    servers = [FakeChatServer(), FakeChatServer()]
    try:
        urls = [arg for server in servers for arg in ("--backend-url", server.url)]
        argv = ["evaluate", "--env", "RLPA-LLM-v0", *urls, "--backend-model", "fake", "--episodes", "6"]
        argv += ["--env-kwarg", "max_turns=2", "--num-envs", "4", "--max-concurrency", "1", "--no-progress"]
        assert cli_main([*argv, "--out", str(tmp_path / "out")]) == 0
        assert all(server.requests > 0 and server.max_in_flight == 1 for server in servers)
        assert json.loads((tmp_path / "out" / "report.json").read_text())["metrics"]["episodes"] == 6
    finally:
        for server in servers:
            server.close()


def test_a_replica_pool_refuses_replicas_of_different_models(fake_server):
    replicas = [OpenAICompatibleBackend(fake_server.url, "a"), OpenAICompatibleBackend(fake_server.url, "b")]
    with pytest.raises(ValueError, match=r"replicas must serve one model, got \['a', 'b'\]"):
        ReplicaPoolBackend(replicas)


# -- progress ------------------------------------------------------------------------------------


def test_the_progress_bar_counts_finished_episodes_and_shows_their_rate(capsys):
    evaluate("heuristic", episodes=12, seed=0, num_envs=2, progress=True)
    bar = capsys.readouterr().err
    assert "12/12" in bar
    assert "episode/s" in bar
