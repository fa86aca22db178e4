"""Specification of the evaluation metrics, checked against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agents.base import Episode, TurnRecord
from rlpa_env.eval.metrics import (
    al_gain,
    al_slope,
    alignment_levels,
    bootstrap_ci,
    compute_metrics,
    early_termination_rate,
    format_failure_rate,
    normalized_improvement_rate,
    normalized_r2,
    pass_rates,
    profile_f1_per_turn,
    revealed_profile_f1_per_turn,
    shift_metrics,
    tokens_per_turn,
    turn_counts,
    words_per_turn,
)
from rlpa_env.parsing import format_turn
from rlpa_env.rewards.base import CRITERIA


def make_turn(
    turn: int,
    criteria_met: int,
    *,
    f1: float = 0.0,
    revealed_f1: float = 0.0,
    reward: float = 0.0,
    format_ok: bool = True,
    reply: str = "one two three",
    tokens: int | None = None,
    grade: int = 1,
) -> TurnRecord:
    """A turn whose first ``criteria_met`` criteria hold, with alignment grade ``grade``."""
    return TurnRecord(
        turn=turn,
        action=format_turn(["likes tea"], reply) if format_ok else reply,
        user_message="ok",
        reward=reward,
        reward_profile=f1,
        reward_response=float(criteria_met == len(CRITERIA)),
        profile_f1=f1,
        profile_f1_revealed=revealed_f1,
        format_ok=format_ok,
        format_error=None if format_ok else "missing <profile> tag",
        response_criteria={name: index < criteria_met for index, name in enumerate(CRITERIA)},
        wall_time_s=0.001,
        agent_tokens=tokens,
        alignment=grade,
    )


def make_episode(turns: list[TurnRecord], *, seed: int = 0, terminated: bool = False) -> Episode:
    return Episode(
        seed=seed,
        profile_id="p0",
        opening="hi",
        turns=tuple(turns),
        terminated=terminated,
        truncated=not terminated,
        stop_reason="user_ended" if terminated else "max_turns",
    )


@pytest.fixture
def two_episodes() -> list[Episode]:
    """Episode A: 3 turns (1, 3, 5 criteria met; grades 2, 3, 5); B: 2 turns (2, 5; grades 3, 5), then the user left."""
    episode_a = make_episode(
        [
            make_turn(1, 1, f1=0.1, revealed_f1=0.5, reward=0.1, grade=2),
            make_turn(2, 3, f1=0.3, revealed_f1=0.6, reward=0.3, grade=3),
            make_turn(3, 5, f1=0.5, revealed_f1=0.7, reward=1.5, grade=5),
        ],
        seed=0,
    )
    episode_b = make_episode(
        [
            make_turn(1, 2, f1=0.2, revealed_f1=0.0, reward=0.2, grade=3),
            make_turn(2, 5, f1=0.4, revealed_f1=0.8, reward=1.4, grade=5),
        ],
        seed=1,
        terminated=True,
    )
    return [episode_a, episode_b]


def test_alignment_levels_map_mean_grades_over_episodes_that_reached_each_turn(two_episodes):
    al = alignment_levels(two_episodes, max_turns=4)
    # turn 1: grades 2 and 3 -> 2.5 -> 37.5, turn 2: 3 and 5 -> 75, turn 3: only A (5) -> 100, turn 4: nobody
    np.testing.assert_allclose(al[:3], [37.5, 75.0, 100.0])
    assert math.isnan(al[3])
    assert turn_counts(two_episodes, max_turns=4).tolist() == [2, 2, 1, 0]


def test_alignment_level_counts_an_unparsed_turn_as_zero_even_if_its_record_says_otherwise():
    episode = make_episode([make_turn(1, 5, format_ok=False, grade=5), make_turn(2, 5, grade=5)])
    np.testing.assert_allclose(alignment_levels([episode], max_turns=2), [0.0, 100.0])
    np.testing.assert_allclose(pass_rates([episode], max_turns=2), [0.0, 1.0])


def test_pass_rates_are_the_share_of_replies_meeting_all_five_criteria(two_episodes):
    rates = pass_rates(two_episodes, max_turns=3)
    np.testing.assert_allclose(rates, [0.0, 0.5, 1.0])


def test_profile_f1_curves_average_true_and_revealed_f1_per_turn(two_episodes):
    np.testing.assert_allclose(profile_f1_per_turn(two_episodes, max_turns=3), [0.15, 0.35, 0.5])
    np.testing.assert_allclose(revealed_profile_f1_per_turn(two_episodes, max_turns=3), [0.25, 0.7, 0.7])


def test_turn_matrix_rejects_an_episode_longer_than_the_horizon(two_episodes):
    with pytest.raises(ValueError, match="has 3 turns but max_turns=2"):
        alignment_levels(two_episodes, max_turns=2)


def test_rising_straight_curve_has_nir_one_over_k_minus_one_and_perfect_fit():
    al = np.linspace(10, 100, 10)
    assert normalized_improvement_rate(al) == pytest.approx(1 / 9)
    assert normalized_r2(al) == pytest.approx(1.0)


def test_falling_straight_curve_has_negative_nir_and_perfect_fit():
    al = np.linspace(100, 10, 10)
    assert normalized_improvement_rate(al) == pytest.approx(-1 / 9)
    assert normalized_r2(al) == pytest.approx(1.0)


def test_flat_curve_has_zero_nir_and_zero_r2():
    assert normalized_improvement_rate([40.0] * 10) == 0.0
    assert normalized_r2([40.0] * 10) == 0.0


def test_noisy_curve_matches_hand_computed_fit():
    # normalised y = [0, 2/3, 1/3, 1] over k = 1..4: slope = Sxy/Sxx = (4/3)/5, R2 = slope^2 Sxx / SS_tot = 0.64
    al = [10.0, 30.0, 20.0, 40.0]
    assert normalized_improvement_rate(al) == pytest.approx(4 / 15)
    assert normalized_r2(al) == pytest.approx(0.64)


def test_turns_without_data_are_left_out_of_the_fit():
    al = [10.0, float("nan"), 30.0]
    assert normalized_improvement_rate(al) == pytest.approx(0.5)
    assert normalized_r2(al) == pytest.approx(1.0)


def test_a_single_turn_of_data_has_no_trend():
    assert normalized_improvement_rate([55.0, float("nan")]) == 0.0
    assert normalized_r2([55.0]) == 0.0


def test_bootstrap_interval_contains_the_mean_and_is_reproducible():
    values = np.random.default_rng(3).normal(1.0, 0.5, size=80)
    low, high = bootstrap_ci(values, np.random.default_rng(0))
    assert low < values.mean() < high
    assert high - low < 0.4
    assert bootstrap_ci(values, np.random.default_rng(0)) == (low, high)


def test_bootstrap_interval_of_constant_values_is_that_value():
    assert bootstrap_ci([0.7, 0.7, 0.7], np.random.default_rng(0)) == pytest.approx((0.7, 0.7))


def test_failure_and_termination_rates_count_turns_and_episodes(two_episodes):
    broken = make_episode([make_turn(1, 0, format_ok=False), make_turn(2, 2)], seed=2)
    episodes = [*two_episodes, broken]
    assert format_failure_rate(episodes) == pytest.approx(1 / 7)
    assert early_termination_rate(episodes) == pytest.approx(1 / 3)


def test_words_per_turn_counts_the_reply_or_the_raw_text_when_unparsed():
    episode = make_episode([make_turn(1, 5, reply="a b c d"), make_turn(2, 0, format_ok=False, reply="x y")])
    assert words_per_turn([episode]) == pytest.approx(3.0)


def test_tokens_per_turn_averages_reported_counts_and_is_none_without_any(two_episodes):
    assert tokens_per_turn(two_episodes) is None
    episode = make_episode([make_turn(1, 5, tokens=10), make_turn(2, 5, tokens=None), make_turn(3, 5, tokens=30)])
    assert tokens_per_turn([episode]) == pytest.approx(20.0)


def test_shift_metrics_split_turns_at_the_shift(two_episodes):
    shift = shift_metrics(two_episodes, max_turns=3, shift_turn=1)
    assert shift.alignment_before == pytest.approx(37.5)
    assert shift.alignment_after == pytest.approx((50.0 + 100.0 + 100.0) / 3)
    assert shift.profile_f1_before == pytest.approx(0.15)
    assert shift.profile_f1_after == pytest.approx((0.3 + 0.5 + 0.4) / 3)
    assert shift.revealed_f1_after == pytest.approx((0.6 + 0.7 + 0.8) / 3)


def test_shift_turn_must_leave_turns_on_both_sides(two_episodes):
    with pytest.raises(ValueError, match=r"shift_turn must be within 1\.\.2"):
        shift_metrics(two_episodes, max_turns=3, shift_turn=3)


def test_compute_metrics_gathers_every_number(two_episodes):
    metrics = compute_metrics(two_episodes, max_turns=3, agent_failures=1, shift_turn=2, seed=0)
    assert metrics.episodes == 2
    assert metrics.turn_counts == (2, 2, 1)
    assert metrics.alignment_levels == pytest.approx((37.5, 75.0, 100.0))
    assert metrics.mean_alignment == pytest.approx((25.0 + 50.0 + 100.0 + 50.0 + 100.0) / 5)
    assert metrics.al_gain == pytest.approx(62.5)
    assert metrics.al_slope == pytest.approx(31.25)
    assert metrics.al_gain_ci[0] <= metrics.al_gain <= metrics.al_gain_ci[1]
    assert metrics.final_profile_f1 == pytest.approx((0.5 + 0.4) / 2)
    assert metrics.mean_return == pytest.approx((1.9 + 1.6) / 2)
    low, high = metrics.return_ci
    assert low <= metrics.mean_return <= high
    assert metrics.agent_failure_rate == pytest.approx(0.5)
    assert metrics.early_termination_rate == pytest.approx(0.5)
    assert metrics.n_ir == pytest.approx(normalized_improvement_rate([37.5, 75.0, 100.0]))
    assert metrics.shift is not None
    assert metrics.shift.alignment_after == pytest.approx(100.0)


def test_compute_metrics_refuses_zero_episodes():
    with pytest.raises(ValueError, match="zero episodes"):
        compute_metrics([], max_turns=10)


def test_raw_slope_and_gain_of_the_al_curve():
    assert al_slope([10.0, 20.0, 30.0]) == pytest.approx(10.0)
    assert al_gain([10.0, 20.0, float("nan")]) == pytest.approx(10.0)
    assert math.isnan(al_gain([10.0, float("nan")]))


def test_al_gain_interval_excludes_zero_for_a_clear_rise_and_straddles_it_for_noise():
    rng = np.random.default_rng(0)
    rising = [make_episode([make_turn(1, 5, grade=2), make_turn(2, 5, grade=4)], seed=i) for i in range(40)]
    noisy = [
        make_episode([make_turn(1, 5, grade=int(g1)), make_turn(2, 5, grade=int(g2))], seed=i)
        for i, (g1, g2) in enumerate(rng.integers(2, 5, size=(40, 2)))
    ]
    low, high = compute_metrics(rising, max_turns=2).al_gain_ci
    assert low == high == pytest.approx(50.0)
    low, high = compute_metrics(noisy, max_turns=2).al_gain_ci
    assert low < 0.0 < high
