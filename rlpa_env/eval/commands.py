"""The ``evaluate``, ``leaderboard`` and ``show`` subcommands of the ``rlpa-env`` command.

- ``rlpa-env evaluate --agent SPEC [--episodes N --seed S --scenario NAME --env ID --out DIR
  --turn-timeout SECONDS --env-kwarg KEY=VALUE ... --profiles FILE --num-envs N --max-concurrency M]``
  runs ``evaluate`` (on the profiles of a profile JSONL file instead of the env's split with
  ``--profiles``), prints a summary table (with ``rich`` when it is installed) and writes the report
  files into ``--out``. ``--num-envs`` episodes are in flight at once; ``--max-concurrency`` bounds
  the requests in flight to each model server (a ``--backend`` URL and the ``openai`` agent's), and
  defaults to ``--num-envs``; a repeated ``--backend URL`` names replicas of one model.
- ``rlpa-env leaderboard DIR_OR_REPORT_JSON ... [--out DIR]`` ranks saved reports in one Markdown
  table, prints it, and writes ``leaderboard.md`` and ``leaderboard.png`` into ``--out``.
- ``rlpa-env show EPISODES_JSONL_OR_DIR [--episode N]`` prints one saved transcript with its
  per-turn rewards.

``evaluate`` puts the working directory first on ``sys.path``, as ``python -m`` does, so a
``module:attr`` spec finds modules next to where the command runs. Each subcommand stores its
handler as ``func`` (``args.func(args) -> int``, the exit status). A bad spec, unknown env id or
missing file prints one ``error:`` line on stderr and returns 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gymnasium.error import Error as GymError

from rlpa_env.eval.agent_spec import AgentSpecError
from rlpa_env.eval.report import headline_rows
from rlpa_env.profiles.io import ProfileFileError
from rlpa_env.scenarios import SCENARIOS

if TYPE_CHECKING:
    from rlpa_env.backends.pool import ReplicaPoolBackend

LEADERBOARD_MARKDOWN = "leaderboard.md"
LEADERBOARD_PLOT = "leaderboard.png"


def parse_env_kwarg(text: str) -> tuple[str, Any]:
    """Split ``KEY=VALUE``; VALUE is read as JSON when it parses (``3``, ``true``, ``"x"``), else kept as text."""
    key, separator, raw = text.partition("=")
    if not separator or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip(), value


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
    return value


def positive_int(text: str) -> int:
    """An integer of at least 1, or an ``argparse`` error saying so."""
    return _whole_number(text, 1)


def non_negative_int(text: str) -> int:
    """An integer of at least 0, or an ``argparse`` error saying so."""
    return _whole_number(text, 0)


def default_out_dir(agent: str, env_id: str, scenario: str | None) -> Path:
    """``runs/<agent>_<env>[_<scenario>]`` with every character outside ``[A-Za-z0-9._-]`` made ``-``."""
    name = "_".join(part for part in (agent, env_id, scenario) if part)
    return Path("runs") / re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``evaluate``, ``leaderboard`` and ``show`` subcommands to ``subparsers``."""
    evaluate_parser = subparsers.add_parser(
        "evaluate",
        help="benchmark an agent over seeded episodes and write a report",
        description="Benchmark an agent over seeded episodes; write report.json, report.md, episodes.jsonl and plots.",
    )
    evaluate_parser.add_argument(
        "--agent",
        default="heuristic",
        help="a registered agent name (random, heuristic, oracle, ...) or module:attr / path.py:attr "
        "naming an agent class, an agent object or a function (observation, info) -> str (default: heuristic)",
    )
    evaluate_parser.add_argument("--episodes", type=int, default=100, help="episodes to play (default: 100)")
    evaluate_parser.add_argument("--seed", type=int, default=0, help="seed of the first episode (default: 0)")
    evaluate_parser.add_argument(
        "--scenario", choices=sorted(SCENARIOS), default=None, help="episode scenario (default: the env id's own)"
    )
    evaluate_parser.add_argument("--env", default="RLPA-Test-v0", help="environment id (default: RLPA-Test-v0)")
    evaluate_parser.add_argument(
        "--out", type=Path, default=None, help="report directory (default: runs/<agent>_<env>[_<scenario>])"
    )
    evaluate_parser.add_argument(
        "--turn-timeout", type=float, default=None, help="seconds the agent may take per turn (default: no limit)"
    )
    for flag, help_text in (
        ("--env-kwarg", "extra gymnasium.make keyword argument, VALUE parsed as JSON when possible (repeatable)"),
        ("--agent-kwarg", "keyword argument for a registered agent, e.g. base_url=... model=... (repeatable)"),
    ):
        evaluate_parser.add_argument(
            flag, type=parse_env_kwarg, action="append", default=[], metavar="KEY=VALUE", help=help_text
        )
    evaluate_parser.add_argument(
        "--backend",
        "--backend-url",
        dest="backend",
        action="append",
        default=None,
        help="run the simulated user and both judges as LLMs on one backend: 'embedded', a local model path, "
        "or an OpenAI-compatible server URL (e.g. http://127.0.0.1:8080/v1, with --backend-model); repeat it "
        "with the URLs of replicas of one model, and each request goes to the least busy one",
    )
    evaluate_parser.add_argument("--backend-model", default=None, help="the model name a --backend server serves")
    evaluate_parser.add_argument(
        "--backend-cache", default=None, help="SQLite file caching the backend's completions so reruns replay"
    )
    evaluate_parser.add_argument(
        "--profiles",
        type=Path,
        default=None,
        help="play these profiles (a profile JSONL file, e.g. from `rlpa-env import-personas`) instead of the "
        "env id's split",
    )
    evaluate_parser.add_argument(
        "--num-envs",
        type=positive_int,
        default=1,
        help="episodes in flight at once: worker processes for scripted roles, threads for model servers, "
        "one act_batch call per turn for agents that have it; the report does not depend on it (default: 1)",
    )
    evaluate_parser.add_argument(
        "--max-concurrency",
        type=positive_int,
        default=None,
        help="requests in flight to each model server (each --backend URL, and the openai agent's base_url) "
        "(default: --num-envs)",
    )
    evaluate_parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    evaluate_parser.set_defaults(func=run_evaluate)

    leaderboard_parser = subparsers.add_parser(
        "leaderboard",
        help="rank saved reports in one table and plot",
        description="Merge report.json files (or the directories holding them) into one ranked Markdown table.",
    )
    leaderboard_parser.add_argument("reports", nargs="+", type=Path, help="report directories or report.json files")
    leaderboard_parser.add_argument(
        "--out", type=Path, default=Path("leaderboard"), help="output directory (default: leaderboard)"
    )
    leaderboard_parser.set_defaults(func=run_leaderboard)

    show_parser = subparsers.add_parser(
        "show",
        help="print one saved transcript with per-turn rewards",
        description="Print one episode of an episodes.jsonl file with its per-turn rewards and criteria.",
    )
    show_parser.add_argument("file", type=Path, help="episodes.jsonl, or the report directory holding it")
    show_parser.add_argument("--episode", type=int, default=0, help="0-based episode index in the file (default: 0)")
    show_parser.set_defaults(func=run_show)


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def print_summary(report: dict[str, Any]) -> None:
    """Print a report's headline metrics and AL(k) curve, as a ``rich`` table when ``rich`` is installed."""
    title = f"{report['agent']} on {report['env_id']} ({report['scenario']}, {report['metrics']['episodes']} episodes)"
    rows = headline_rows(report)
    curve = " ".join("-" if value is None else f"{value:.0f}" for value in report["metrics"]["alignment_levels"])
    rows.append(("AL(k) for k = 1..K", curve))
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # rich is optional; fall back to aligned plain text
        width = max(len(name) for name, _ in rows)
        print(title)
        for name, value in rows:
            print(f"  {name:<{width}}  {value}")
        return
    table = Table(title=title)
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)


def _backend_setting(settings: list[str], model: str | None) -> str | ReplicaPoolBackend:
    """The ``--backend`` setting: the one given, or one ``ReplicaPoolBackend`` over several server URLs."""
    if len(settings) == 1:
        return settings[0]
    if not all(setting.startswith(("http://", "https://")) for setting in settings):
        raise ValueError("a repeated --backend must give server URLs only (replicas of one model)")
    if not model:
        raise ValueError("server backends need the served model's name: pass --backend-model")
    from rlpa_env.backends.openai_backend import OpenAICompatibleBackend
    from rlpa_env.backends.pool import ReplicaPoolBackend

    return ReplicaPoolBackend([OpenAICompatibleBackend(url, model) for url in settings])


def run_evaluate(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env evaluate``."""
    from rlpa_env.eval.evaluate import evaluate

    # The console script's sys.path starts at its own bin directory; put the working directory first,
    # as `python -m` does, so that `--agent my_module:MyAgent` finds the user's module.
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    env_kwargs = dict(args.env_kwarg)
    if args.profiles is not None:
        if not args.profiles.is_file():
            return _error(f"--profiles {args.profiles}: no such file")
        env_kwargs["profiles"] = str(args.profiles)
    if args.backend is not None:
        from rlpa_env.backends.config import llm_env_kwargs, resolve_backend

        try:  # checked here so a bad setting is a one-line error; the env builds its own from the same words
            setting = _backend_setting(args.backend, args.backend_model)
            if isinstance(setting, str):
                resolve_backend(setting, model=args.backend_model)
        except ValueError as error:
            return _error(str(error))
        # A setting stays words (not a built backend) where it can, so report.json records it reproducibly.
        model = args.backend_model if isinstance(setting, str) else None
        env_kwargs.update(llm_env_kwargs(setting, model, cache_path=args.backend_cache))
    elif args.backend_model or args.backend_cache:
        return _error("--backend-model and --backend-cache need --backend")
    agent_kwargs = dict(args.agent_kwarg)
    try:
        report = evaluate(
            args.agent,
            agent_kwargs=agent_kwargs,
            num_envs=args.num_envs,
            max_concurrency=args.max_concurrency or args.num_envs,
            env_id=args.env,
            episodes=args.episodes,
            seed=args.seed,
            scenario=args.scenario,
            turn_timeout_s=args.turn_timeout,
            progress=not args.no_progress,
            **env_kwargs,
        )
    except (AgentSpecError, GymError, ProfileFileError) as error:
        return _error(str(error))
    out = args.out or default_out_dir(args.agent, args.env, args.scenario)
    paths = report.save(out)
    print_summary(report.to_dict())
    if report.failures:
        print(f"{len(report.failures)} episode(s) ended by an agent failure; see {paths['report.md']}")
    print(f"wrote {', '.join(str(path) for path in paths.values())}")
    return 0


def run_leaderboard(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env leaderboard``."""
    from rlpa_env.eval.plots import plot_leaderboard
    from rlpa_env.eval.report import leaderboard_markdown, load_report

    try:
        reports = [load_report(path) for path in args.reports]
    except (FileNotFoundError, ValueError) as error:
        return _error(str(error))
    markdown = leaderboard_markdown(reports)
    print(markdown, end="")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / LEADERBOARD_MARKDOWN).write_text(markdown, encoding="utf-8")
    plot_leaderboard(reports, args.out / LEADERBOARD_PLOT)
    print(f"wrote {args.out / LEADERBOARD_MARKDOWN}, {args.out / LEADERBOARD_PLOT}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env show``."""
    from rlpa_env.eval.report import load_episode, render_episode

    try:
        record = load_episode(args.file, args.episode)
    except (FileNotFoundError, IndexError, ValueError) as error:
        return _error(str(error))
    print(render_episode(record), end="")
    return 0
