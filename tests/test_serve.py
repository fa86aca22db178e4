"""``rlpa-env serve``: a real OpenEnv server on a free port, driven by openenv-core's own clients.

Each server is ``python -m rlpa_env.cli serve ...`` in a subprocess, started and stopped by the
fixture (``rlpa_env.backends.server_process.serve_process``). Needs the ``serve`` extra.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import gymnasium as gym
import pytest

pytest.importorskip("openenv.core", reason="needs the 'serve' extra: pip install 'rlpa-env[serve]'")

from openenv.core import GenericEnvClient
from websockets.sync.client import connect

from agents.baselines import HeuristicAgent
from rlpa_env.backends.server_process import free_loopback_port, serve_process
from rlpa_env.env import public_info
from rlpa_env.integrations.openenv import RLPAAction, RLPAEnvClient, RLPAState
from rlpa_env.integrations.serve import parse_env_kwargs

ENV_ID = "RLPA-Test-v0"
MAX_TURNS = 6
MAX_SESSIONS = 4


def _serve(*extra: str) -> Iterator[str]:
    port = free_loopback_port()
    command = [sys.executable, "-m", "rlpa_env.cli", "serve", "--env", ENV_ID, "--port", str(port), *extra]
    with serve_process(command, f"http://127.0.0.1:{port}/health", name="rlpa-env serve", start_timeout_s=60.0):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A server of ``RLPA-Test-v0`` with ``max_turns=6`` and at most 4 sessions."""
    yield from _serve("--max-sessions", str(MAX_SESSIONS), "--kw", f"max_turns={MAX_TURNS}")


@pytest.fixture(scope="module")
def inline_server() -> Iterator[str]:
    """The same server with ``--inline-steps`` (sessions step on the event loop)."""
    yield from _serve("--max-sessions", str(MAX_SESSIONS), "--kw", f"max_turns={MAX_TURNS}", "--inline-steps")


def _retry_while_full(call: Callable[[], Any], timeout_s: float = 10.0) -> Any:
    """``call()``, retried while the server still counts a session a previous test just closed."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return call()
        except RuntimeError as error:
            if "CAPACITY_REACHED" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _open_session(url: str, stack: ExitStack, seed: int) -> tuple[Any, Any]:
    """A connected ``GenericEnvClient`` session and its reset result."""

    def attempt() -> tuple[Any, Any]:
        client = GenericEnvClient(base_url=url).sync()
        try:
            return client, client.reset(seed=seed)
        except Exception:
            client.close()
            raise

    client, result = _retry_while_full(attempt)
    stack.callback(client.close)
    return client, result


def _in_process_episode(seed: int) -> list[tuple[str, float | None, bool]]:
    """(message, reward, done) per step of the heuristic agent's seeded episode, reset first."""
    env = gym.make(ENV_ID, max_turns=MAX_TURNS)
    agent = HeuristicAgent()
    agent.reset(seed=seed)
    message, info = env.reset(seed=seed)
    steps: list[tuple[str, float | None, bool]] = [(message, None, False)]
    done = False
    while not done:
        message, reward, terminated, truncated, info = env.step(agent.act(message, public_info(info)))
        done = terminated or truncated
        steps.append((message, reward, done))
    return steps


@pytest.mark.parametrize("server_fixture", ["server", "inline_server"])
def test_four_interleaved_sessions_replay_their_in_process_episodes(
    server_fixture: str, request: pytest.FixtureRequest
) -> None:
    server = request.getfixturevalue(server_fixture)
    seeds = (11, 12, 13, 14)
    expected = {seed: _in_process_episode(seed) for seed in seeds}
    assert len({steps[0][0] for steps in expected.values()}) > 1  # the seeds give different users
    played: dict[int, list[tuple[str, float | None, bool]]] = {}
    with ExitStack() as stack:
        sessions = {}
        for seed in seeds:
            client, result = _open_session(server, stack, seed)
            agent = HeuristicAgent()
            agent.reset(seed=seed)
            sessions[seed] = (client, agent, result)
            played[seed] = [(result.observation["message"], result.reward, result.done)]
        while any(not result.done for _, _, result in sessions.values()):
            for seed, (client, agent, result) in sessions.items():
                if result.done:
                    continue
                observation = result.observation
                result = client.step({"turn": agent.act(observation["message"], observation)})
                sessions[seed] = (client, agent, result)
                played[seed].append((result.observation["message"], result.reward, result.done))
        last_messages = {seed: result.observation["messages"] for seed, (_, _, result) in sessions.items()}
    assert played == expected
    assert all(len(messages) == 2 * MAX_TURNS + 1 for messages in last_messages.values())


def test_the_typed_client_returns_the_observation_and_state_typed(server: str) -> None:
    with RLPAEnvClient(base_url=server).sync() as client:
        reset = _retry_while_full(lambda: client.reset(seed=3, options={"scenario": "cold-start"}))
        step = client.step(RLPAAction(turn="<profile>\n- likes: hiking\n</profile>\n<response>Hello!</response>"))
        state = client.state()
    assert reset.reward is None and reset.observation.turn == 0 and reset.observation.scenario == "cold-start"
    assert step.observation.format_ok is True and step.observation.format_error is None
    assert step.observation.turn == 1 and len(step.observation.messages) == 3
    assert step.observation.trainer_info is None  # only with --trainer-info
    assert isinstance(state, RLPAState) and (state.env_id, state.seed, state.turn, state.done) == (ENV_ID, 3, 1, False)


def test_an_untagged_turn_scores_zero_with_its_reason(server: str) -> None:
    with RLPAEnvClient(base_url=server).sync() as client:
        _retry_while_full(lambda: client.reset(seed=0))
        result = client.step(RLPAAction(turn="Hi there, tell me about yourself."))
    assert result.reward == 0.0 and not result.done
    assert result.observation.format_ok is False
    assert result.observation.format_error == "missing <profile> tag"


def test_a_malformed_payload_is_refused_with_a_message_and_the_session_goes_on(server: str) -> None:
    with connect(server.replace("http", "ws") + "/ws") as websocket:
        websocket.send(json.dumps({"type": "reset", "data": {"seed": 1}}))
        assert json.loads(websocket.recv())["type"] == "observation"
        websocket.send(json.dumps({"type": "step", "data": {"text": "hello"}}))
        refusal = json.loads(websocket.recv())
        websocket.send(json.dumps({"type": "step", "data": {"turn": 42}}))
        wrong_type = json.loads(websocket.recv())
        websocket.send(json.dumps({"type": "step", "data": {"turn": "hello"}}))
        answer = json.loads(websocket.recv())
    assert refusal["type"] == "error" and refusal["data"]["code"] == "VALIDATION_ERROR"
    problems = {(tuple(error["loc"]), error["type"]) for error in refusal["data"]["errors"]}
    assert problems == {(("turn",), "missing"), (("text",), "extra_forbidden")}
    assert [(error["loc"], error["type"]) for error in wrong_type["data"]["errors"]] == [(["turn"], "string_type")]
    assert answer["type"] == "observation" and answer["data"]["observation"]["format_ok"] is False


def test_one_sessions_fault_leaves_the_others_going(server: str) -> None:
    with ExitStack() as stack:
        healthy, result = _open_session(server, stack, seed=21)
        faulty = _retry_while_full(lambda: stack.enter_context(GenericEnvClient(base_url=server).sync()))
        with pytest.raises(RuntimeError, match=r"no episode in this session: send a reset first.*EXECUTION_ERROR"):
            faulty.step({"turn": "hello"})
        faulty.reset(seed=22)
        for _ in range(MAX_TURNS):
            faulty.step({"turn": "hello"})
        with pytest.raises(RuntimeError, match=r"the episode has ended; call reset\(\)"):
            faulty.step({"turn": "hello"})
        agent = HeuristicAgent()
        agent.reset(seed=21)
        while not result.done:
            result = healthy.step({"turn": agent.act(result.observation["message"], result.observation)})
        assert faulty.reset(seed=21).observation["message"] == _in_process_episode(21)[0][0]
    assert (
        result.observation["turn"] == MAX_TURNS
        and result.observation["messages"][-1]["content"] == (_in_process_episode(21)[-1][0])
    )


def test_the_session_limit_refuses_the_fifth(server: str) -> None:
    with ExitStack() as stack:
        for seed in range(MAX_SESSIONS):
            _open_session(server, stack, seed)
        # The server refuses at connection time and then closes, so the refusal is read before
        # anything is sent (a client that sends first races the close and may see only that).
        with connect(server.replace("http", "ws") + "/ws") as fifth:
            refusal = json.loads(fifth.recv(timeout=30))
    assert refusal["type"] == "error" and refusal["data"]["code"] == "CAPACITY_REACHED"
    assert refusal["data"]["max_sessions"] == MAX_SESSIONS


def test_trainer_info_is_sent_only_by_a_server_started_with_the_flag() -> None:
    for url in _serve("--trainer-info", "--max-sessions", "1"):
        with RLPAEnvClient(base_url=url).sync() as client:
            client.reset(seed=0)
            info = client.step(RLPAAction(turn="no tags")).observation.trainer_info
    assert info is not None and info["format_ok"] is False and info["profile_f1"] == 0.0
    assert set(info) >= {"reward_profile", "reward_response", "response_criteria", "alignment", "user_reaction"}


def test_env_kwargs_are_read_as_json_else_as_strings() -> None:
    assert parse_env_kwargs(["max_turns=5", "user=llm", "privileged_info=true", "x=null"]) == {
        "max_turns": 5,
        "user": "llm",
        "privileged_info": True,
        "x": None,
    }
    with pytest.raises(ValueError, match=r"--kw expects key=value, got 'max_turns'"):
        parse_env_kwargs(["max_turns"])


def test_the_web_page_serves_and_plays_a_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENABLE_WEB_INTERFACE", "true")
    for url in _serve("--max-sessions", "1"):
        with urllib.request.urlopen(f"{url}/web/") as page:
            assert page.status == 200 and b"gradio" in page.read()
        _post_json(f"{url}/web/reset", {})
        played = _post_json(f"{url}/web/step", {"action": {"turn": "<profile>\n</profile>\n<response>Hi!</response>"}})
    assert played["observation"]["turn"] == 1 and played["observation"]["format_ok"] is True


def _post_json(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())
