"""Turn an ``--agent`` spec into an ``Agent``, and guard calls into agents the harness does not trust.

Specs:

- a registered name from ``rlpa_env.episode.AGENTS`` (``"heuristic"``, ``"random"``, ``"oracle"``, ...);
- ``PREFIX:ARGUMENT`` for a prefix of ``SPEC_PREFIXES``: its loader is called with ARGUMENT
  (``"sb3:runs/ppo.zip"`` loads a saved Stable-Baselines3 policy);
- ``"module:attr"`` or ``"path/to/file.py:attr"`` where ``attr`` (dots allowed) is
  - a class with an ``act`` method: instantiated with no arguments;
  - an object with an ``act`` method: used as is (wrapped with a no-op ``reset`` if it has none);
  - any other callable ``(observation, info) -> str``: wrapped into an agent with a no-op ``reset``.

``AgentGuard`` calls ``reset``/``act`` and turns every way an agent can misbehave into an
``AgentFailure`` whose message says what happened: it raised, returned a non-string, returned
``MAX_ACTION_CHARS`` characters or more, or (with a timeout) did not answer in time. A timed-out
call is abandoned on a daemon worker thread, which keeps running in the background (and exits
once the call returns) but never blocks the interpreter from exiting; the next call gets a fresh
worker. ``AgentGuard.close`` lets the current worker exit when the run is over.
"""

from __future__ import annotations

import importlib
import importlib.util
import queue
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rlpa_env.episode import AGENTS, Agent

MAX_ACTION_CHARS = 100_000
"""An action this long is treated as an agent failure rather than sent to the env."""


SPEC_PREFIXES: dict[str, str] = {"sb3": "agents.sb3:load_agent"}
"""Spec prefix -> loader, by import path (``rlpa_env`` never imports ``agents`` eagerly)."""


class AgentSpecError(ValueError):
    """An ``--agent`` spec that names nothing usable."""


class AgentFailure(RuntimeError):
    """The agent raised, returned a bad action or ran out of time; the message is the reason."""


class CallableAgent:
    """Adapts a function ``(observation, info) -> str`` to the ``Agent`` protocol (``reset`` does nothing)."""

    def __init__(self, act: Callable[[str, Mapping[str, Any]], str], name: str) -> None:
        self._act = act
        self.name = name

    def reset(self, seed: int | None = None) -> None:
        """Nothing to forget: the wrapped function keeps no episode state the harness knows of."""

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Call the wrapped function."""
        return self._act(observation, info)


def agent_name(agent: Any) -> str:
    """The agent's ``name`` attribute when it has a non-empty one, else its class name."""
    name = getattr(agent, "name", None)
    return name if isinstance(name, str) and name else type(agent).__name__


def _import_target(target: str, spec: str) -> Any:
    if target.endswith(".py"):
        path = Path(target)
        if not path.is_file():
            raise AgentSpecError(f"--agent {spec!r}: no file {target!r}")
        module_name = f"rlpa_user_agent_{path.stem}"
        module_spec = importlib.util.spec_from_file_location(module_name, path)
        if module_spec is None or module_spec.loader is None:
            raise AgentSpecError(f"--agent {spec!r}: cannot load {target!r} as a Python module")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        module_spec.loader.exec_module(module)
        return module
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as error:
        raise AgentSpecError(
            f"--agent {spec!r}: cannot import module {target!r} ({error}); is it on PYTHONPATH?"
        ) from error


def _agent_from_object(obj: Any, spec: str) -> Agent:
    if isinstance(obj, type):
        if not callable(getattr(obj, "act", None)):
            raise AgentSpecError(f"--agent {spec!r}: class {obj.__name__} has no act(observation, info) method")
        try:
            obj = obj()
        except TypeError as error:
            raise AgentSpecError(
                f"--agent {spec!r}: class {obj.__name__} cannot be built without arguments ({error}); "
                "point the spec at a ready-made instance instead"
            ) from error
    if callable(getattr(obj, "act", None)):
        return obj if callable(getattr(obj, "reset", None)) else CallableAgent(obj.act, agent_name(obj))
    if callable(obj):
        return CallableAgent(obj, getattr(obj, "__name__", type(obj).__name__))
    raise AgentSpecError(
        f"--agent {spec!r} names a {type(obj).__name__}; expected an agent class, an object with act(), "
        "or a function (observation, info) -> str"
    )


def resolve_agent(spec: str, **kwargs: Any) -> Agent:
    """Build the agent that ``spec`` names (see the module docstring for the accepted forms).

    ``kwargs`` go to a registered agent's constructor (e.g. ``base_url`` and ``model`` for ``"openai"``).
    """
    if not isinstance(spec, str) or not spec.strip():
        raise AgentSpecError(f"an agent spec must be a non-empty string, got {spec!r}")
    if ":" not in spec:
        if spec not in AGENTS.names():
            raise AgentSpecError(f"unknown agent {spec!r}; use one of {', '.join(AGENTS.names())} or 'module:attr'")
        try:
            return AGENTS.make(spec, **kwargs)
        except TypeError as error:
            raise AgentSpecError(f"agent {spec!r} cannot be built with {sorted(kwargs)}: {error}") from None
    if kwargs:
        raise AgentSpecError(f"--agent-kwarg applies to registered agents only, not to {spec!r}")
    prefix, _, argument = spec.partition(":")
    if prefix in SPEC_PREFIXES:
        module_name, _, loader = SPEC_PREFIXES[prefix].partition(":")
        try:
            return getattr(importlib.import_module(module_name), loader)(argument)
        except (ImportError, OSError, ValueError) as error:
            raise AgentSpecError(f"--agent {spec!r}: {error}") from error
    target, _, attr_path = spec.rpartition(":")
    if not target or not attr_path:
        raise AgentSpecError(f"--agent {spec!r}: expected 'module:attr', e.g. 'my_agents:MyAgent'")
    obj = _import_target(target, spec)
    for attr in attr_path.split("."):
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            raise AgentSpecError(f"--agent {spec!r}: {target!r} has no attribute {attr_path!r}") from None
    return _agent_from_object(obj, spec)


def check_action(action: Any) -> str:
    """Return ``action`` if it is a string shorter than ``MAX_ACTION_CHARS``, else raise ``AgentFailure``."""
    if not isinstance(action, str):
        raise AgentFailure(f"act() returned {type(action).__name__}, not str")
    if len(action) >= MAX_ACTION_CHARS:
        raise AgentFailure(f"act() returned {len(action):,} characters; the limit is {MAX_ACTION_CHARS - 1:,}")
    return action


class _Worker:
    """One daemon thread that runs submitted calls in order until ``retire`` is called."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        threading.Thread(target=self._loop, daemon=True, name="rlpa-agent-worker").start()

    def _loop(self) -> None:
        while (call := self._calls.get()) is not None:
            call()

    def submit(self, call: Callable[[], None]) -> None:
        self._calls.put(call)

    def retire(self) -> None:
        """Let the thread exit once its current call (which may never end) returns."""
        self._calls.put(None)


class AgentGuard:
    """Calls an agent's ``reset`` and ``act``, raising ``AgentFailure`` on any misbehaviour.

    With ``timeout_s`` set, each call runs on a worker thread and is abandoned after ``timeout_s``
    seconds; without it, calls run inline (no thread overhead) and cannot time out.
    """

    def __init__(self, agent: Agent, timeout_s: float | None = None) -> None:
        if timeout_s is not None and timeout_s <= 0:
            raise ValueError(f"turn_timeout_s must be positive or None, got {timeout_s}")
        self.agent = agent
        self.timeout_s = timeout_s
        self._worker: _Worker | None = None

    def _call(self, what: str, function: Callable[[], Any]) -> Any:
        if self.timeout_s is None:
            try:
                return function()
            except Exception as error:
                raise AgentFailure(f"{what} raised {type(error).__name__}: {error}") from error
        if self._worker is None:
            self._worker = _Worker()
        outcome: list[tuple[bool, Any]] = []
        done = threading.Event()

        def run() -> None:
            try:
                outcome.append((True, function()))
            except BaseException as error:  # reported to the caller, whatever it was
                outcome.append((False, error))
            done.set()

        self._worker.submit(run)
        if not done.wait(self.timeout_s):
            self.close()  # the stuck call may never return, so later calls need a fresh thread
            raise AgentFailure(f"{what} did not return within {self.timeout_s:g} s")
        ok, value = outcome[0]
        if not ok:
            raise AgentFailure(f"{what} raised {type(value).__name__}: {value}") from value
        return value

    def close(self) -> None:
        """Let the worker thread, if any, exit; a later call starts a new one."""
        if self._worker is not None:
            self._worker.retire()
            self._worker = None

    @property
    def last_token_count(self) -> int | None:
        """The guarded agent's ``last_token_count``, when it reports one."""
        return getattr(self.agent, "last_token_count", None)

    def reset(self, seed: int | None) -> None:
        """Reset the agent for a new episode."""
        self._call("reset()", lambda: self.agent.reset(seed))

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The agent's next action, checked by ``check_action``."""
        return check_action(self._call("act()", lambda: self.agent.act(observation, info)))

    def act_batch(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The agent's ``act_batch`` answers, one per observation (each still to be checked by ``check_action``)."""
        actions = self._call("act_batch()", lambda: self.agent.act_batch(observations, infos))
        if not isinstance(actions, list | tuple) or len(actions) != len(observations):
            size = len(actions) if isinstance(actions, list | tuple) else type(actions).__name__
            raise AgentFailure(f"act_batch() returned {size} for {len(observations)} observations; expected one each")
        return list(actions)
