"""The ``Report`` of one evaluation run, the files it saves, and leaderboards merged from saved reports.

``Report.save(out_dir)`` writes:

- ``report.json``: the setup (agent, env id and kwargs, scenario, seeds, package version), every
  metric, and one summary per episode (with ``failure``: why the harness stopped the agent, or
  ``null``). It depends only on the agent, env and seeds, so a deterministic agent writes a
  byte-identical file on every run.
- ``timing.json``: the wall-clock numbers (total seconds, seconds per turn, turns per second), the
  one part of a run that is not reproducible.
- ``report.md``: the same numbers as tables, with the plots embedded.
- ``episodes.jsonl``: one line per episode, in seed order: every turn's action, user reply, rewards
  and criteria (not its wall-clock time), the public transcript and the failure reason; like
  ``report.json`` it is byte-identical across runs of a deterministic agent.
- ``alignment.png`` (AL(k) and pass rate per turn) and ``profile_f1.png`` (profile F1 per turn
  against the whole and the revealed profile); a preference shift is marked on both.

Non-finite numbers (a turn no episode reached) are written as JSON ``null``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rlpa_env.episode import Episode
from rlpa_env.eval.metrics import Metrics

REPORT_FILE = "report.json"
MARKDOWN_FILE = "report.md"
EPISODES_FILE = "episodes.jsonl"
ALIGNMENT_PLOT = "alignment.png"
PROFILE_F1_PLOT = "profile_f1.png"
TIMING_FILE = "timing.json"


def jsonable(value: Any) -> Any:
    """``value`` as strict-JSON data: tuples become lists, NaN/inf become ``None``, other objects their repr.

    An object whose class keeps ``object``'s repr (which holds a memory address) is written as
    ``<module.Class>``, so a report names it the same way on every run.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if hasattr(value, "item"):  # numpy scalars
        return jsonable(value.item())
    if type(value).__repr__ is object.__repr__:  # the default repr holds a memory address, new every run
        return f"<{type(value).__module__}.{type(value).__qualname__}>"
    return repr(value)


@dataclass(frozen=True)
class EpisodeSummary:
    """One episode in a line: how long it ran, what it scored, how it ended and whether the agent failed."""

    index: int
    seed: int
    profile_id: str
    turns: int
    total_reward: float
    final_profile_f1: float
    stop_reason: str | None
    failure: str | None

    @classmethod
    def of(cls, index: int, seed: int, episode: Episode) -> EpisodeSummary:
        """The summary of ``episode``, the ``index``-th of its run, which was reset with ``seed``."""
        return cls(
            index=index,
            seed=seed,
            profile_id=episode.profile_id,
            turns=len(episode.turns),
            total_reward=episode.total_reward,
            final_profile_f1=episode.final_profile_f1,
            stop_reason=episode.stop_reason,
            failure=episode.failure,
        )


@dataclass(frozen=True)
class Timing:
    """Wall-clock numbers of a run; kept apart from the reproducible metrics."""

    total_s: float
    wall_time_per_turn_s: float
    turns_per_s: float


@dataclass(frozen=True)
class Report:
    """Everything one ``evaluate`` run produced.

    Attributes:
        agent: The agent's name (or the spec it was resolved from).
        env_id: The Gymnasium id evaluated.
        env_kwargs: The keyword arguments given to ``gymnasium.make``.
        scenario: The scenario the episodes ran under.
        seeds: Episode i was reset with ``seeds[i]``.
        version: The ``rlpa-env`` version that ran.
        metrics: All reproducible metrics.
        summaries: One ``EpisodeSummary`` per episode, in seed order.
        episodes: The full episode records, in seed order.
        timing: Wall-clock numbers (not reproducible).
    """

    agent: str
    env_id: str
    env_kwargs: Mapping[str, Any]
    scenario: str
    seeds: tuple[int, ...]
    version: str
    metrics: Metrics
    summaries: tuple[EpisodeSummary, ...]
    episodes: tuple[Episode, ...]
    timing: Timing

    @property
    def failures(self) -> tuple[EpisodeSummary, ...]:
        """The episodes the harness stopped because the agent failed."""
        return tuple(summary for summary in self.summaries if summary.failure is not None)

    def to_dict(self, include_timing: bool = True) -> dict[str, Any]:
        """All of the report as JSON data; ``include_timing=False`` gives exactly ``report.json``."""
        data: dict[str, Any] = {
            "agent": self.agent,
            "env_id": self.env_id,
            "env_kwargs": jsonable(self.env_kwargs),
            "scenario": self.scenario,
            "seeds": list(self.seeds),
            "version": self.version,
            "metrics": jsonable(asdict(self.metrics)),
            "episodes": [jsonable(asdict(summary)) for summary in self.summaries],
        }
        if include_timing:
            data["timing"] = jsonable(asdict(self.timing))
        return data

    def to_json(self, include_timing: bool = True) -> str:
        """``to_dict`` as indented strict JSON."""
        return json.dumps(self.to_dict(include_timing), indent=2, allow_nan=False)

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write the report files (see the module docstring) into ``out_dir``; return their paths by name."""
        from rlpa_env.eval.plots import ALIGNMENT_CURVES, PROFILE_F1_CURVES, plot_turn_curves

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {name: out / name for name in (REPORT_FILE, TIMING_FILE, MARKDOWN_FILE, EPISODES_FILE)}
        paths[REPORT_FILE].write_text(self.to_json(include_timing=False) + "\n", encoding="utf-8")
        paths[TIMING_FILE].write_text(json.dumps(jsonable(asdict(self.timing)), indent=2) + "\n", encoding="utf-8")
        with paths[EPISODES_FILE].open("w", encoding="utf-8") as handle:
            for summary, episode in zip(self.summaries, self.episodes, strict=True):
                record = {"index": summary.index, "failure": summary.failure, **episode.to_dict()}
                for turn in record["turns"]:
                    del turn["wall_time_s"]  # wall-clock time is in timing.json; this file is reproducible
                handle.write(json.dumps(jsonable(record), allow_nan=False) + "\n")
        shift_turn = self.metrics.shift.shift_turn if self.metrics.shift else None
        title = f"{self.agent} on {self.env_id} ({self.scenario}, {self.metrics.episodes} episodes)"
        for name, curves in ((ALIGNMENT_PLOT, ALIGNMENT_CURVES), (PROFILE_F1_PLOT, PROFILE_F1_CURVES)):
            paths[name] = plot_turn_curves(curves, self.metrics, out / name, title=title, shift_turn=shift_turn)
        paths[MARKDOWN_FILE].write_text(render_markdown(self.to_dict(), plots=True), encoding="utf-8")
        return paths


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _with_interval(metrics: Mapping[str, Any], name: str) -> str:
    """``value [low, high]`` for a metric with a ``<name>_ci`` interval (``n/a`` in older reports)."""
    if metrics.get(name) is None:
        return "n/a"
    low, high = metrics.get(f"{name}_ci") or (None, None)
    return f"{_number(metrics[name], 2)} [{_number(low, 2)}, {_number(high, 2)}]"


def headline_rows(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(metric, formatted value) pairs that summarise a ``report.json`` dict, for tables and the CLI."""
    metrics = report["metrics"]
    low, high = metrics["return_ci"]
    tokens = metrics["tokens_per_turn"]
    return [
        ("Mean alignment level (0-100)", _number(metrics["mean_alignment"], 1)),
        ("N-IR (normalised AL slope per turn)", _number(metrics["n_ir"])),
        ("N-R2 (fit of that trend)", _number(metrics["n_r2"])),
        ("AL slope, points per turn (95% CI)", _with_interval(metrics, "al_slope")),
        ("AL(K) - AL(1) (95% CI)", _with_interval(metrics, "al_gain")),
        ("Final profile F1", _number(metrics["final_profile_f1"])),
        ("Mean return (95% bootstrap CI)", f"{_number(metrics['mean_return'])} [{_number(low)}, {_number(high)}]"),
        ("Format-failure rate (turns)", _percent(metrics["format_failure_rate"])),
        ("Early-termination rate (user left)", _percent(metrics["early_termination_rate"])),
        ("Agent-failure rate (episodes)", _percent(metrics["agent_failure_rate"])),
        ("Words per reply", _number(metrics["words_per_turn"], 1)),
        ("Model tokens per turn", "not reported" if tokens is None else _number(tokens, 1)),
    ]


def render_markdown(report: Mapping[str, Any], plots: bool = False) -> str:
    """``report.md`` for a ``report.json`` dict; ``plots`` embeds the PNGs saved next to it."""
    metrics = report["metrics"]
    seeds = report["seeds"]
    seed_text = f"{seeds[0]}..{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else str(seeds)
    kwargs = ", ".join(f"{key}={value!r}" for key, value in report["env_kwargs"].items()) or "none"
    parts = [
        f"# {report['agent']} on {report['env_id']}",
        _table(
            ["Setting", "Value"],
            [
                ["Agent", f"`{report['agent']}`"],
                ["Environment", f"`{report['env_id']}` ({kwargs})"],
                ["Scenario", report["scenario"]],
                ["Episodes", f"{metrics['episodes']} (seeds {seed_text})"],
                ["Turns per episode", str(metrics["max_turns"])],
                ["rlpa-env version", report["version"]],
            ],
        ),
        "## Summary",
        _table(["Metric", "Value"], [list(row) for row in headline_rows(report)]),
        "## Per turn",
        "AL(k) is 100 x the mean fraction of the five response criteria met at turn k; the pass rate is the "
        "share of replies meeting all five. Episodes that ended early count only at the turns they played "
        "(column n).",
        _table(
            ["Turn", "n", "AL(k)", "Pass rate", "Profile F1", "F1 vs revealed"],
            [
                [str(k), str(n), _number(al, 1), _percent(rate), _number(f1), _number(revealed)]
                for k, (n, al, rate, f1, revealed) in enumerate(
                    zip(
                        metrics["turn_counts"],
                        metrics["alignment_levels"],
                        metrics["pass_rates"],
                        metrics["profile_f1"],
                        metrics["revealed_profile_f1"],
                        strict=True,
                    ),
                    start=1,
                )
            ],
        ),
    ]
    shift = metrics["shift"]
    if shift is not None:
        parts += [
            "## Preference shift",
            f"The user's preference changes after turn {shift['shift_turn']}.",
            _table(
                ["Metric", f"Turns 1-{shift['shift_turn']}", f"Turns {shift['shift_turn'] + 1}-{metrics['max_turns']}"],
                [
                    ["Alignment level", _number(shift["alignment_before"], 1), _number(shift["alignment_after"], 1)],
                    ["Profile F1", _number(shift["profile_f1_before"]), _number(shift["profile_f1_after"])],
                    ["F1 vs revealed", _number(shift["revealed_f1_before"]), _number(shift["revealed_f1_after"])],
                ],
            ),
        ]
    failures = [episode for episode in report["episodes"] if episode["failure"] is not None]
    if failures:
        parts += [
            "## Agent failures",
            _table(
                ["Episode", "Seed", "Turns played", "Reason"],
                [
                    [str(e["index"]), str(e["seed"]), str(e["turns"]), e["failure"].replace("|", "\\|")]
                    for e in failures
                ],
            ),
        ]
    timing = report.get("timing")
    if timing:
        parts += [
            "## Timing (not reproducible)",
            f"{timing['total_s']:.2f} s in all, {1000 * timing['wall_time_per_turn_s']:.2f} ms per turn "
            f"(agent + env), {timing['turns_per_s']:.0f} turns/s.",
        ]
    if plots:
        parts += [
            "## Plots",
            f"![Alignment level per turn]({ALIGNMENT_PLOT})",
            f"![Profile F1 per turn]({PROFILE_F1_PLOT})",
        ]
    return "\n\n".join(parts) + "\n"


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a ``report.json`` (or the directory holding one) into a dict, checking it looks like a report."""
    file = Path(path)
    if file.is_dir():
        file = file / REPORT_FILE
    if not file.is_file():
        raise FileNotFoundError(f"no {REPORT_FILE} at {file}; pass a directory written by `rlpa-env evaluate --out`")
    data = json.loads(file.read_text(encoding="utf-8"))
    missing = {"agent", "env_id", "scenario", "metrics", "episodes"} - set(data)
    if missing:
        raise ValueError(f"{file} is not an rlpa-env report: it lacks {sorted(missing)}")
    return data


def load_episode(path: str | Path, index: int) -> dict[str, Any]:
    """Episode ``index`` (its 0-based line) of an ``episodes.jsonl`` file or of the directory holding one."""
    file = Path(path)
    if file.is_dir():
        file = file / EPISODES_FILE
    if not file.is_file():
        raise FileNotFoundError(f"no {EPISODES_FILE} at {file}; pass a directory written by `rlpa-env evaluate --out`")
    if index < 0:
        raise ValueError(f"episode index must be 0 or more, got {index}")
    lines = file.read_text(encoding="utf-8").splitlines()
    if index >= len(lines):
        raise IndexError(f"{file} holds {len(lines)} episodes (0..{len(lines) - 1}); there is no episode {index}")
    return json.loads(lines[index])


def render_episode(record: Mapping[str, Any]) -> str:
    """A readable transcript of one ``episodes.jsonl`` record with every turn's rewards and criteria."""
    failure = record.get("failure")
    lines = [
        f"Episode {record.get('index', '?')} | seed {record['seed']} | profile {record['profile_id']} | "
        f"{len(record['turns'])} turns | return {record['total_reward']:.3f} | ended: {record['stop_reason']}",
    ]
    if failure:
        lines.append(f"Agent failure: {failure}")
    lines += ["", f"USER  > {record['opening']}"]
    for turn in record["turns"]:
        criteria = " ".join(f"{name}={'yes' if ok else 'no'}" for name, ok in turn["response_criteria"].items())
        format_note = "" if turn["format_ok"] else f" | format error: {turn['format_error']}"
        lines += [
            "",
            f"--- turn {turn['turn']}: reward {turn['reward']:.3f} (profile {turn['reward_profile']:.3f}, "
            f"response {turn['reward_response']:.3f}) | profile F1 {turn['profile_f1']:.3f}, "
            f"vs revealed {turn['profile_f1_revealed']:.3f}{format_note}",
            f"    criteria: {criteria}",
            "AGENT > " + turn["action"].replace("\n", "\n        "),
            f"USER  > {turn['user_message']}",
        ]
    return "\n".join(lines) + "\n"


LEADERBOARD_HEADER = (
    "Rank",
    "Agent",
    "Env",
    "Scenario",
    "Episodes",
    "Mean AL",
    "AL(1)",
    "AL(last turn)",
    "N-IR",
    "N-R2",
    "Final F1",
    "Return [95% CI]",
    "Format fail",
    "Agent fail",
)


def _ranked(reports: Sequence[Mapping[str, Any]]) -> list[tuple[int, Mapping[str, Any]]]:
    """Reports grouped by (env id, scenario) in order of first appearance, ranked within each group
    by mean return (the environment's objective), then mean alignment level."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for report in reports:
        groups.setdefault((report["env_id"], report["scenario"]), []).append(report)

    def rank_key(report: Mapping[str, Any]) -> tuple[float, float]:
        metrics = report["metrics"]
        return (-(metrics["mean_return"] or 0.0), -(metrics["mean_alignment"] or 0.0))

    return [
        (rank, report) for group in groups.values() for rank, report in enumerate(sorted(group, key=rank_key), start=1)
    ]


def leaderboard_rows(reports: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """One formatted row per report; ``Rank`` counts within each (env id, scenario) group."""
    rows = []
    for rank, report in _ranked(reports):
        metrics = report["metrics"]
        curve = [value for value in metrics["alignment_levels"] if value is not None]
        low, high = metrics["return_ci"]
        rows.append(
            [
                str(rank),
                report["agent"],
                report["env_id"],
                report["scenario"],
                str(metrics["episodes"]),
                _number(metrics["mean_alignment"], 1),
                _number(curve[0] if curve else None, 1),
                _number(curve[-1] if curve else None, 1),
                _number(metrics["n_ir"]),
                _number(metrics["n_r2"]),
                _number(metrics["final_profile_f1"]),
                f"{_number(metrics['mean_return'], 2)} [{_number(low, 2)}, {_number(high, 2)}]",
                _percent(metrics["format_failure_rate"]),
                _percent(metrics["agent_failure_rate"]),
            ]
        )
    return rows


def leaderboard_markdown(reports: Sequence[Mapping[str, Any]]) -> str:
    """A Markdown leaderboard of ``reports`` (``report.json`` dicts)."""
    return "# Leaderboard\n\n" + _table(LEADERBOARD_HEADER, leaderboard_rows(reports)) + "\n"
