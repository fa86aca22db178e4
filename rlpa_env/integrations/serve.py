"""``rlpa-env serve``: an OpenEnv server (``rlpa_env.integrations.openenv``) over one env id.

``rlpa-env serve --env RLPA-Test-v0 --port 8000 --max-sessions 8 --kw max_turns=5`` builds the app
with openenv-core's ``create_app`` (one ``RLPAEnvironment`` per WebSocket session, at most
``--max-sessions`` at once) and runs it with uvicorn. Each ``--kw key=value`` is a ``gymnasium.make``
keyword argument; the value is read as JSON when it parses (``5``, ``true``, ``null``, ``[1, 2]``)
and as a string otherwise. The env is made once before the server starts, so a bad id or keyword
fails here with the env's own message instead of in every session. ``--trainer-info`` sends the full
trainer ``info`` with every observation (see ``rlpa_env.integrations.openenv`` for why it is off by
default). ``--inline-steps`` steps every session on the server's event loop instead of a thread per
session: faster for the CPU-only envs (scripted user, rule rewards), wrong for model-backed roles,
whose blocking calls would stall all sessions. OpenEnv's Gradio page at ``/web`` is on when
``ENABLE_WEB_INTERFACE=true`` is set in the environment.

Needs the ``serve`` extra; this module imports openenv-core and uvicorn only when the command runs.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

import gymnasium as gym

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 8


def parse_env_kwargs(pairs: Sequence[str]) -> dict[str, Any]:
    """``["max_turns=5", "user=llm"]`` -> ``{"max_turns": 5, "user": "llm"}`` (JSON values, else strings)."""
    kwargs: dict[str, Any] = {}
    for pair in pairs:
        key, separator, text = pair.partition("=")
        if not separator or not key.strip():
            raise ValueError(f"--kw expects key=value, got {pair!r}")
        try:
            kwargs[key.strip()] = json.loads(text)
        except json.JSONDecodeError:
            kwargs[key.strip()] = text
    return kwargs


def build_app(
    env_id: str, env_kwargs: dict[str, Any], *, max_sessions: int, trainer_info: bool, inline_steps: bool = False
) -> Any:
    """The FastAPI app: openenv-core's ``create_app`` over ``RLPAEnvironment(env_id, env_kwargs)``.

    ``inline_steps`` serves ``InlineRLPAEnvironment`` instead (steps on the event loop; CPU-only envs).

    Raises:
        ValueError: ``max_sessions`` is below 1.
        gymnasium.error.Error, TypeError, ValueError: ``gymnasium.make(env_id, **env_kwargs)`` fails.
    """
    from openenv.core.env_server.http_server import create_app

    from rlpa_env.integrations.openenv import InlineRLPAEnvironment, RLPAAction, RLPAEnvironment, RLPAObservation

    if max_sessions < 1:
        raise ValueError(f"max_sessions must be at least 1, got {max_sessions}")
    gym.make(env_id, **env_kwargs).close()
    environment = InlineRLPAEnvironment if inline_steps else RLPAEnvironment

    # A plain function, not functools.partial: OpenEnv's web page calls a factory only when
    # inspect.isfunction (or isclass) says it is one, and would use a partial as the env itself.
    def make_rlpa_environment() -> RLPAEnvironment:
        return environment(env_id=env_id, env_kwargs=env_kwargs, trainer_info=trainer_info)

    return create_app(
        make_rlpa_environment, RLPAAction, RLPAObservation, env_name="rlpa-env", max_concurrent_envs=max_sessions
    )


def run_serve(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env serve``."""
    import uvicorn

    app = build_app(args.env, parse_env_kwargs(args.kw), max_sessions=args.max_sessions, trainer_info=args.trainer_info)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def add_serve_command(subparsers: argparse._SubParsersAction) -> None:
    """Add ``rlpa-env serve`` to the ``rlpa-env`` parser."""
    command = subparsers.add_parser("serve", help="serve an env id as an OpenEnv server (needs the 'serve' extra)")
    command.add_argument("--env", default="RLPA-v0", help="registered env id (default: RLPA-v0)")
    command.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST})")
    command.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    command.add_argument(
        "--max-sessions",
        type=int,
        default=DEFAULT_MAX_SESSIONS,
        help=f"concurrent WebSocket sessions; one more is refused (default: {DEFAULT_MAX_SESSIONS})",
    )
    command.add_argument(
        "--kw", action="append", default=[], metavar="KEY=VALUE", help="a gymnasium.make keyword argument (repeat)"
    )
    command.add_argument(
        "--trainer-info",
        action="store_true",
        help="send the full trainer info (scores per criterion) with each observation; never for evaluated agents",
    )
    command.add_argument(
        "--inline-steps",
        action="store_true",
        help="step sessions on the event loop, not one thread each: faster for CPU-only envs; never with model roles",
    )
    command.add_argument("--log-level", default="warning", help="uvicorn log level (default: warning)")
    command.set_defaults(func=run_serve)
