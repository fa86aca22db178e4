"""Specification of the evaluation harness: agent specs, the agent guard, evaluate(), reports, plots and CLI."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import third_party_agent
from test_metrics import make_episode, make_turn
from third_party_agent import CuriousAgent, HangingAgent, HugeTextAgent, NonStringAgent, RaisingAgent

from agents.base import Episode, run_episode
from rlpa_env.cli import main as cli_main
from rlpa_env.eval import AgentSpecError, evaluate, resolve_agent
from rlpa_env.eval.agent_spec import MAX_ACTION_CHARS, AgentFailure, AgentGuard, CallableAgent
from rlpa_env.eval.metrics import compute_metrics
from rlpa_env.eval.plots import plot_leaderboard
from rlpa_env.eval.report import EpisodeSummary, Report, Timing, leaderboard_markdown, load_report, render_markdown

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
REPORT_FILES = ("report.json", "timing.json", "report.md", "episodes.jsonl", "alignment.png", "profile_f1.png")


def hand_built_report(agent: str = "tester", *, shift_turn: int | None = None, failure: str | None = None) -> Report:
    """A report over two hand-built 3-turn-horizon episodes (the second stops after 2 turns)."""
    episodes = (
        make_episode(
            [
                make_turn(1, 1, f1=0.1, grade=2),
                make_turn(2, 3, f1=0.3, grade=3),
                make_turn(3, 5, f1=0.5, reward=1.5, grade=5),
            ]
        ),
        make_episode(
            [make_turn(1, 2, f1=0.2, grade=3), make_turn(2, 5, f1=0.4, reward=1.4, grade=5)], seed=1, terminated=True
        ),
    )
    metrics = compute_metrics(
        episodes, max_turns=4, agent_failures=int(failure is not None), shift_turn=shift_turn, seed=0
    )
    summaries = tuple(
        dataclasses.replace(EpisodeSummary.of(index, index, episode), failure=failure if index == 1 else None)
        for index, episode in enumerate(episodes)
    )
    return Report(
        agent=agent,
        env_id="RLPA-Test-v0",
        env_kwargs={"scenario": "standard"},
        scenario="standard",
        seeds=(0, 1),
        version="0.1.0",
        metrics=metrics,
        summaries=summaries,
        episodes=episodes,
        timing=Timing(total_s=0.5, wall_time_per_turn_s=0.1, turns_per_s=10.0),
    )


# -- agent specs ---------------------------------------------------------------------------------


def test_resolve_agent_builds_a_registered_agent_by_name():
    agent = resolve_agent("heuristic")
    assert type(agent).__name__ == "HeuristicAgent"


@pytest.mark.parametrize("attr", ["CuriousAgent", "curious_agent", "curious_reply"])
def test_resolve_agent_accepts_a_class_an_instance_or_a_function(attr):
    agent = resolve_agent(f"third_party_agent:{attr}")
    agent.reset(3)
    turn = agent.act("I love hiking.", {"turn": 0})
    assert turn == third_party_agent.curious_reply("I love hiking.", {"turn": 0})
    if attr == "curious_reply":
        assert isinstance(agent, CallableAgent)
        assert agent.name == "curious_reply"


def test_resolve_agent_loads_a_python_file_path():
    agent = resolve_agent(f"{Path(third_party_agent.__file__)}:CuriousAgent")
    assert type(agent).__name__ == "CuriousAgent"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no-such-agent", "unknown agent 'no-such-agent'; use one of"),
        ("no_such_module_xyz:Agent", "cannot import module 'no_such_module_xyz'"),
        ("third_party_agent:Missing", "has no attribute 'Missing'"),
        ("third_party_agent:NeedsArguments", "cannot be built without arguments"),
        ("third_party_agent:NOT_AN_AGENT", "names a int; expected an agent class"),
        ("missing_dir/agent.py:Agent", "no file 'missing_dir/agent.py'"),
        (":Agent", "expected 'module:attr'"),
    ],
)
def test_resolve_agent_explains_what_is_wrong_with_a_bad_spec(spec, message):
    with pytest.raises(AgentSpecError, match=message.replace("(", r"\(")):
        resolve_agent(spec)


# -- the guard -----------------------------------------------------------------------------------


def test_guard_turns_every_kind_of_misbehaviour_into_an_agent_failure():
    info = {"turn": 1}
    cases = [
        (RaisingAgent(), "act\\(\\) raised RuntimeError: model server went away"),
        (NonStringAgent(), "act\\(\\) returned int, not str"),
        (HugeTextAgent(), f"act\\(\\) returned 1,000,000 characters; the limit is {MAX_ACTION_CHARS - 1:,}"),
    ]
    for agent, message in cases:
        with pytest.raises(AgentFailure, match=message):
            AgentGuard(agent).act("hello", info)


def _worker_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "rlpa-agent-worker"}


def test_guard_abandons_a_call_that_runs_past_the_timeout_and_keeps_working():
    HangingAgent.release.clear()
    guard = AgentGuard(HangingAgent(), timeout_s=0.2)
    before = _worker_threads()
    started = time.perf_counter()
    with pytest.raises(AgentFailure, match=r"did not return within 0\.2 s"):
        guard.act("hello", {"turn": 1})
    assert time.perf_counter() - started < 2.0
    stuck = _worker_threads() - before
    assert guard.act("hello", {"turn": 0}).startswith("<profile>")
    HangingAgent.release.set()
    for thread in stuck:
        thread.join(timeout=2.0)
        assert not thread.is_alive()  # the abandoned worker exits once its call returns
    fresh = _worker_threads() - before
    guard.close()
    for thread in fresh:
        thread.join(timeout=2.0)
        assert not thread.is_alive()


def test_guard_refuses_a_non_positive_timeout():
    with pytest.raises(ValueError, match="turn_timeout_s must be positive"):
        AgentGuard(CuriousAgent(), timeout_s=0)


# -- reports and plots from hand-built episodes -------------------------------------------------


def test_report_json_is_strict_json_with_null_for_turns_nobody_reached():
    data = json.loads(hand_built_report().to_json())
    assert data["metrics"]["alignment_levels"][3] is None
    assert data["metrics"]["alignment_levels"][:3] == pytest.approx([37.5, 75.0, 100.0])
    assert data["metrics"]["turn_counts"] == [2, 2, 1, 0]
    assert data["timing"]["turns_per_s"] == 10.0
    assert "timing" not in hand_built_report().to_dict(include_timing=False)


def test_report_save_writes_json_markdown_transcripts_and_png_plots(tmp_path):
    paths = hand_built_report(shift_turn=2).save(tmp_path / "run")
    for name in REPORT_FILES:
        assert (tmp_path / "run" / name).is_file(), name
    assert paths["alignment.png"].read_bytes().startswith(PNG_MAGIC)
    assert paths["profile_f1.png"].read_bytes().startswith(PNG_MAGIC)
    lines = (tmp_path / "run" / "episodes.jsonl").read_text().splitlines()
    assert [json.loads(line)["total_reward"] for line in lines] == pytest.approx([1.5, 1.4])
    assert json.loads(lines[0])["turns"][2]["reward"] == 1.5


def test_markdown_shows_shift_phases_and_agent_failures():
    report = hand_built_report(shift_turn=2, failure="act() raised RuntimeError: boom | bang")
    markdown = render_markdown(report.to_dict())
    assert "## Preference shift" in markdown
    assert "| Alignment level | 56.2 | 100.0 |" in markdown
    assert "## Agent failures" in markdown
    assert "boom \\| bang" in markdown
    assert "| 4 | 0 | – | – | – | – |" in markdown


def test_leaderboard_ranks_reports_by_mean_return_within_each_scenario(tmp_path):
    strong, weak = hand_built_report("strong").to_dict(), hand_built_report("weak").to_dict()
    weak["metrics"]["mean_return"] = strong["metrics"]["mean_return"] - 1.0
    weak["metrics"]["mean_alignment"] = 100.0
    other = hand_built_report("other").to_dict()
    other["scenario"] = "cold-start"
    table = leaderboard_markdown([weak, other, strong])
    rows = [line for line in table.splitlines() if line.startswith(("| 1 ", "| 2 "))]
    assert [row.split(" | ")[:2] for row in rows] == [["| 1", "strong"], ["| 2", "weak"], ["| 1", "other"]]
    assert plot_leaderboard([weak, strong], tmp_path / "board.png").read_bytes().startswith(PNG_MAGIC)


def test_load_report_says_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no report\.json"):
        load_report(tmp_path)
    (tmp_path / "report.json").write_text('{"agent": "x"}')
    with pytest.raises(ValueError, match="not an rlpa-env report"):
        load_report(tmp_path)


def test_importing_the_package_and_harness_does_not_import_plotting_or_progress_libraries():
    code = (
        "import sys, rlpa_env, rlpa_env.eval, rlpa_env.eval.commands; "
        "sys.exit(any(name in sys.modules for name in ('matplotlib', 'tqdm', 'rich')))"
    )
    root = Path(__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


# -- evaluate() on the real environment ---------------------------------------------------------


def test_evaluate_gives_identical_numbers_on_repeated_runs_of_the_heuristic_agent():
    first = evaluate("heuristic", episodes=12, seed=5, progress=False)
    second = evaluate("heuristic", episodes=12, seed=5, progress=False)
    assert first.to_dict(include_timing=False) == second.to_dict(include_timing=False)
    assert first.seeds == tuple(range(5, 17))
    assert first.metrics.turn_counts[0] == 12


def test_evaluate_plays_the_same_episodes_as_run_episode():
    import gymnasium as gym

    report = evaluate("heuristic", episodes=3, seed=11, progress=False)
    env = gym.make("RLPA-Test-v0")
    for seed, episode in zip(report.seeds, report.episodes, strict=True):
        reference: Episode = run_episode(env, resolve_agent("heuristic"), seed=seed)
        assert [t.reward for t in episode.turns] == [t.reward for t in reference.turns]
        assert episode.messages == reference.messages


def test_evaluate_gives_the_oracle_privileged_info_and_it_beats_the_heuristic():
    oracle = evaluate("oracle", episodes=5, seed=0, progress=False)
    heuristic = evaluate("heuristic", episodes=5, seed=0, progress=False)
    assert oracle.env_kwargs["privileged_info"] is True
    assert oracle.metrics.final_profile_f1 > heuristic.metrics.final_profile_f1


@pytest.mark.parametrize(
    ("agent", "reason"),
    [
        (RaisingAgent, "act() raised RuntimeError: model server went away"),
        (NonStringAgent, "act() returned int, not str"),
        (HugeTextAgent, "act() returned 1,000,000 characters"),
        (HangingAgent, "act() did not return within 0.2 s"),
    ],
)
def test_broken_agents_are_reported_per_episode_and_the_run_completes(agent, reason):
    HangingAgent.release.clear()
    report = evaluate(agent(), episodes=3, seed=0, turn_timeout_s=0.2, progress=False)
    HangingAgent.release.set()
    assert len(report.summaries) == 3
    for summary, episode in zip(report.summaries, report.episodes, strict=True):
        assert summary.failure is not None and summary.failure.startswith(reason)
        assert summary.turns == 1  # the well-formed first turn is kept
        assert episode.stop_reason == "agent_failure"
    assert report.metrics.agent_failure_rate == 1.0
    assert report.metrics.turn_counts[:2] == (3, 0)


def test_preference_shift_report_compares_before_and_after_the_shift():
    report = evaluate("heuristic", episodes=4, seed=0, scenario="preference-shift", progress=False)
    assert report.scenario == "preference-shift"
    assert report.metrics.shift is not None
    assert report.metrics.shift.shift_turn == 5


def test_cli_evaluates_a_third_party_agent_end_to_end(tmp_path, capsys):
    out = tmp_path / "curious"
    status = cli_main(
        [
            "evaluate",
            "--agent",
            "third_party_agent:CuriousAgent",
            "--episodes",
            "4",
            "--seed",
            "2",
            "--out",
            str(out),
            "--turn-timeout",
            "5",
            "--env-kwarg",
            "response_reward=graded",
            "--no-progress",
        ]
    )
    assert status == 0
    for name in REPORT_FILES:
        assert (out / name).is_file(), name
    report = json.loads((out / "report.json").read_text())
    assert report["agent"] == "third_party_agent:CuriousAgent"
    assert report["env_kwargs"] == {"response_reward": "graded"}
    assert report["seeds"] == [2, 3, 4, 5]
    assert "Mean alignment level" in capsys.readouterr().out


def test_cli_leaderboard_and_show_read_saved_reports(tmp_path, capsys):
    hand_built_report("alpha").save(tmp_path / "alpha")
    hand_built_report("beta").save(tmp_path / "beta")
    assert cli_main(["leaderboard", str(tmp_path / "alpha"), str(tmp_path / "beta"), "--out", str(tmp_path)]) == 0
    assert "| 1 | alpha |" in (tmp_path / "leaderboard.md").read_text()
    assert (tmp_path / "leaderboard.png").read_bytes().startswith(PNG_MAGIC)
    capsys.readouterr()
    assert cli_main(["show", str(tmp_path / "alpha"), "--episode", "1"]) == 0
    shown = capsys.readouterr().out
    assert "Episode 1 | seed 1" in shown
    assert "--- turn 2: reward 1.400" in shown


def test_the_same_command_twice_writes_byte_identical_report_json(tmp_path):
    for name in ("first", "second"):
        argv = ["evaluate", "--agent", "heuristic", "--episodes", "5", "--seed", "3", "--no-progress"]
        assert cli_main([*argv, "--out", str(tmp_path / name)]) == 0
    first, second = ((tmp_path / name / "report.json").read_bytes() for name in ("first", "second"))
    assert first == second
    assert json.loads(first)["metrics"]["episodes"] == 5 and "timing" not in json.loads(first)


def test_cli_reports_a_bad_agent_spec_as_an_error(capsys):
    assert cli_main(["evaluate", "--agent", "nope", "--episodes", "1", "--no-progress"]) == 2
    assert "error: unknown agent 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--agent", "heuristic", "--agent-kwarg", "temperature=0.5"], "cannot be built with ['temperature']"),
        (["--agent", "third_party_agent:CuriousAgent", "--agent-kwarg", "x=1"], "registered agents only"),
        (["--backend-url", "http://127.0.0.1:9/v1"], "needs the served model's name: pass model="),
        (["--backend", "no/such/model/dir"], "neither 'embedded', a server URL"),
        (["--backend-model", "smollm2"], "--backend-model and --backend-cache need --backend"),
    ],
)
def test_cli_rejects_inconsistent_agent_and_backend_options(argv, message, capsys):
    assert cli_main(["evaluate", "--episodes", "1", "--no-progress", *argv]) == 2
    assert message in capsys.readouterr().err


def test_two_hundred_heuristic_episodes_finish_well_under_a_minute():
    started = time.perf_counter()
    report = evaluate("heuristic", episodes=200, seed=0, progress=False)
    elapsed = time.perf_counter() - started
    assert report.metrics.episodes == 200
    assert elapsed < 30.0, f"200 episodes took {elapsed:.1f} s"


def test_cli_finds_an_agent_module_in_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "team_agent_in_cwd.py").write_text(
        "from third_party_agent import curious_reply\n\ndef reply(observation, info):\n"
        "    return curious_reply(observation, info)\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [entry for entry in sys.path if entry not in ("", str(tmp_path))])
    monkeypatch.delitem(sys.modules, "team_agent_in_cwd", raising=False)
    argv = ["evaluate", "--agent", "team_agent_in_cwd:reply", "--episodes", "1", "--out", "out", "--no-progress"]
    assert cli_main(argv) == 0
    assert json.loads((tmp_path / "out" / "report.json").read_text())["agent"] == "team_agent_in_cwd:reply"


def test_a_horizon_that_ends_before_the_shift_reports_no_shift_phases():
    report = evaluate("heuristic", episodes=2, scenario="preference-shift", max_turns=5, progress=False)
    assert report.metrics.max_turns == 5
    assert report.metrics.shift is None
