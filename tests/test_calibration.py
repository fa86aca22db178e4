"""The calibration set and ``rlpa-env calibrate``: labels by construction, honest tallies, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rlpa_env.calibration import build_calibration_set, read_set, set_bytes, write_set
from rlpa_env.calibration.roles import build_role
from rlpa_env.calibration.run import calibrate
from rlpa_env.calibration.stats import Tally, wilson_interval
from rlpa_env.cli import main

MODEL_ITEM_KINDS = {"salad", "contradiction"}


@pytest.fixture(scope="module")
def items():
    return build_calibration_set()


def _report(items, role: str, name: str) -> dict:
    built, metered = build_role(role, name)
    return calibrate(role, name, built, items, metered).report()


def test_set_covers_every_role_and_kind(items):
    kinds = {(item.role, item.kind) for item in items}
    replies = {"oracle", "generic", "dislike", "contradiction", "salad", "copy", "lecture", "injection"}
    assert {("response_judge", kind) for kind in replies} <= kinds
    assert {("alignment_grader", kind) for kind in replies} <= kinds
    trait_kinds = {"paraphrase", "hedge", "wrong_value", "bare_category", "negated"}
    assert {("profile_scorer", kind) for kind in trait_kinds} <= kinds
    assert {("user", kind) for kind in ("reveal_budget", "profile_dump", "dislike")} <= kinds
    assert len({item.id for item in items}) == len(items)
    assert {item.kind for item in items if item.needs == "model"} == MODEL_ITEM_KINDS


def test_set_is_byte_identical_across_rebuilds(tmp_path: Path, items):
    rebuilt = build_calibration_set.__wrapped__(0, 30)
    assert set_bytes(rebuilt) == set_bytes(items)
    first, second = write_set(items, tmp_path / "a.jsonl.gz"), write_set(rebuilt, tmp_path / "b.jsonl.gz")
    assert first.read_bytes() == second.read_bytes()
    assert read_set(first) == items
    assert set_bytes(build_calibration_set.__wrapped__(1, 30)) != set_bytes(items)


def test_rule_judge_decides_every_rule_item_and_misses_only_model_items(items):
    report = _report(items, "response_judge", "rule")
    for name, summary in report["criteria_rules_decide"].items():
        assert summary["accuracy"] >= 0.98, name
    assert {miss["kind"] for miss in report["misses"]} <= MODEL_ITEM_KINDS
    assert report["parse_failure_rate"] == 0.0


def test_lexical_scorer_matches_paraphrases_and_nothing_else(items):
    report = _report(items, "profile_scorer", "lexical")
    assert report["criteria"]["match"]["accuracy"] >= 0.98
    assert report["kinds"]["hedge"]["accuracy"] == 1.0


def test_scripted_user_keeps_its_budget_and_refuses_profile_dumps(items):
    report = _report(items, "user", "scripted")
    assert report["criteria"]["keeps_budget"]["accuracy"] == 1.0
    assert report["criteria"]["refuses_dump"]["accuracy"] == 1.0


def test_no_verdict_is_never_counted_as_agreement():
    tally = Tally()
    tally.add(False, None)
    tally.add(True, None)
    summary = tally.summary()
    assert summary["accuracy"] == 0.0
    assert summary["false_pass_rate"] == 0.0
    assert summary["false_fail_rate"] == 1.0
    assert summary["no_verdict"] == 2


def test_wilson_interval_matches_the_formula():
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(3, 2)


def test_max_items_limits_the_run_and_the_report_is_written(tmp_path: Path):
    assert main(["calibrate", "--role", "response_judge", "--max-items", "5", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["items"] == 5
    assert (tmp_path / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--role", "response_judge", "--scorer", "lexical"], "--scorer does not apply to --role response_judge"),
        (["--role", "response_judge", "--judge", "oracle"], "unknown response judge 'oracle'"),
        (["--role", "profile_scorer", "--backend", "embedded"], "runs no model"),
    ],
)
def test_bad_arguments_give_one_clear_error(tmp_path: Path, capsys, argv: list[str], message: str):
    assert main(["calibrate", *argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_skip_items_splits_a_run_into_shards_that_cover_the_role_once(tmp_path: Path):
    whole, first, rest = tmp_path / "whole", tmp_path / "first", tmp_path / "rest"
    assert main(["calibrate", "--role", "user", "--out", str(whole)]) == 0
    assert main(["calibrate", "--role", "user", "--max-items", "40", "--out", str(first)]) == 0
    assert main(["calibrate", "--role", "user", "--skip-items", "40", "--out", str(rest)]) == 0
    reports = [json.loads((path / "report.json").read_text()) for path in (whole, first, rest)]
    assert [report["items"] for report in reports] == [90, 40, 50]
    for criterion, stats in reports[0]["criteria"].items():
        assert stats["n"] == sum(report["criteria"][criterion]["n"] for report in reports[1:])


def test_skip_items_must_not_be_negative(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["calibrate", "--role", "user", "--skip-items", "-1"])
    assert stop.value.code == 2
    assert "must be at least 0" in capsys.readouterr().err


def test_max_items_must_be_positive(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["calibrate", "--role", "user", "--max-items", "0"])
    assert stop.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_tiny_random_model_runs_and_its_unparsed_verdicts_count_as_failures(tmp_path: Path):
    pytest.importorskip("transformers")
    from tiny_lm import tiny_model, tiny_tokenizer

    tokenizer = tiny_tokenizer()
    model = tiny_model(len(tokenizer), max_positions=4096)
    model.save_pretrained(tmp_path / "model")
    tokenizer.save_pretrained(tmp_path / "model")
    out = tmp_path / "report"
    argv = ["calibrate", "--role", "response_judge", "--judge", "llm", "--backend", str(tmp_path / "model")]
    assert main([*argv, "--max-items", "3", "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["items"] == 3
    assert report["parse_failure_rate"] == 1.0
    assert report["backend"]["calls"] == 9  # three attempts per item, none parsed
    assert report["backend"]["token_count"] == "tokenizer"
    for summary in report["criteria"].values():
        assert summary["accuracy"] == 0.0
        assert summary["confusion"]["expected_fail"]["pass"] == 0
        assert summary["confusion"]["expected_pass"]["pass"] == 0
