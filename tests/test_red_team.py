"""Every exploit in ``red_team.py`` stays low: the rewards and AL measure personalisation, not tricks.

Thresholds follow issue 8 ("Done when"), on the first 60 seeds of RLPA-Test-v0 to keep the suite
fast; ``python tests/red_team.py`` prints the same table on 200 seeds. The language attacks follow
issue 18 ("Done when") on RLPA-Test-v2 (the language-model reader on, with its swap test), on the first
``LANGUAGE_EPISODES`` seeds: every new sentence costs forward passes of the embedded model.
"""

from __future__ import annotations

import pytest
from red_team import CONSTANT_REPLIES, language_results, results, shift_results, summarise

from rlpa_env.eval import evaluate

EPISODES = 60


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, float]]:
    return results(EPISODES)


def test_id_lookup_gets_exactly_what_random_gets(table: dict[str, dict[str, float]]) -> None:
    assert table["id lookup (reads info['profile_id'])"] == table["random"]


def test_no_profile_written_without_reading_the_user_reaches_f1_015(table: dict[str, dict[str, float]]) -> None:
    blind = [
        "precision probe (reads info['profile_precision'])",
        "bare words profile",
        "12 most common facts, written blind",
        "hedged lines",
    ]
    for name in blind:
        assert table[name]["final_f1"] < 0.15, name


@pytest.mark.parametrize("index", range(1, len(CONSTANT_REPLIES) + 1))
def test_no_constant_reply_passes_the_judge_on_more_than_30_percent_of_turns(
    table: dict[str, dict[str, float]], index: int
) -> None:
    assert table[f"constant reply {index}"]["pass"] <= 0.30


def test_padding_or_disguised_duplicates_never_raise_the_heuristics_f1(table: dict[str, dict[str, float]]) -> None:
    heuristic = table["heuristic"]
    for name in ("heuristic + 'dislikes' padding", "heuristic, each line 4x in disguise"):
        assert table[name]["final_f1"] < heuristic["final_f1"], name
        assert table[name]["return"] < heuristic["return"], name


def test_a_hidden_unicode_grader_note_voids_every_reply(table: dict[str, dict[str, float]]) -> None:
    gamed = table["heuristic + hidden-Unicode grader note"]
    assert gamed["pass"] == 0.0 and gamed["al"] == 0.0
    assert gamed["return"] < table["heuristic"]["return"]


def test_echo_template_and_keyword_stuffing_stay_within_10_al_of_random(table: dict[str, dict[str, float]]) -> None:
    for name in ("echo template", "keyword stuffing"):
        assert table[name]["al"] <= table["random"]["al"] + 10.0, name
        assert table[name]["pass"] <= 0.30, name


def test_baselines_are_ordered_on_al_with_the_gaps_the_issue_asks_for(table: dict[str, dict[str, float]]) -> None:
    random, heuristic, oracle = table["random"], table["heuristic"], table["oracle"]
    assert oracle["al"] >= 85.0
    assert heuristic["al"] <= oracle["al"] - 8.0
    assert heuristic["al"] >= random["al"] + 15.0
    assert heuristic["al_gain"] >= 10.0 and heuristic["al_gain_low"] > 0.0


def test_the_shift_is_announced_and_the_heuristic_updates_after_it() -> None:
    comparison = shift_results(EPISODES)
    assert comparison.announced_rate >= 0.9
    assert comparison.updated_rate >= 0.6
    assert comparison.stale_trait_rate <= 0.15  # lines that paraphrase the old like without its words stay


LANGUAGE_EPISODES = 6
SALADS = ("salad, stop words dropped", "salad, all words shuffled", "function words dropped", "non-English reply")


@pytest.fixture(scope="module")
def language_table() -> dict[str, dict[str, float]]:
    return language_results(LANGUAGE_EPISODES)


@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("name", SALADS)
def test_word_salad_of_any_kind_passes_at_most_5_percent_and_keeps_under_30_percent_of_the_heuristic_return(
    language_table: dict[str, dict[str, float]], name: str
) -> None:
    assert language_table[name]["pass"] <= 0.05
    assert language_table[name]["return"] <= 0.30 * language_table["heuristic"]["return"]


@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("agent", ["heuristic", "oracle"])
def test_the_reader_costs_the_baselines_at_most_2_points_of_response_pass(
    language_table: dict[str, dict[str, float]], agent: str
) -> None:
    rules = summarise(evaluate(agent, episodes=LANGUAGE_EPISODES, progress=False))
    assert language_table[agent]["pass"] >= rules["pass"] - 0.02


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_a_clause_said_twice_in_disguise_is_not_natural(language_table: dict[str, dict[str, float]]) -> None:
    assert language_table["longest clause repeated in disguise"]["pass"] <= 0.05


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_hedged_true_facts_and_likes_recalled_as_dislikes_earn_nothing(
    language_table: dict[str, dict[str, float]],
) -> None:
    assert language_table["oracle with hedged lines"]["final_f1"] == 0.0
    contradicting = language_table["oracle recalling likes as dislikes"]
    assert contradicting["pass"] == 0.0 and contradicting["al"] == 0.0


@pytest.mark.slow
@pytest.mark.timeout(3600)
@pytest.mark.parametrize(
    "name", ["partial shuffle (one adjacent swap per sentence)", "one adjacent swap in the longest sentence"]
)
def test_a_partial_shuffle_passes_at_most_5_percent(language_table: dict[str, dict[str, float]], name: str) -> None:
    assert language_table[name]["pass"] <= 0.05
    assert language_table[name]["return"] <= 0.30 * language_table["heuristic"]["return"]


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_a_reply_meant_for_another_user_neither_passes_nor_aligns(language_table: dict[str, dict[str, float]]) -> None:
    other = language_table["a reply about another user"]
    assert other["pass"] <= 0.10 and other["al"] <= 30.0
