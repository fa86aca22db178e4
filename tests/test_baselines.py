"""Baseline agents: the oracle > heuristic > random ordering that every table relies on."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import rlpa_env  # noqa: F401
from agents import AGENTS, run_episode
from agents.baselines import extract_traits, third_person
from rlpa_env.parsing import parse_turn

EPISODES = 200


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[float, float]]:
    out = {}
    for name in ("random", "heuristic", "oracle"):
        env = gym.make("RLPA-Test-v0", privileged_info=name == "oracle")
        agent = AGENTS.make(name)
        episodes = [run_episode(env, agent, seed=seed) for seed in range(EPISODES)]
        out[name] = (
            float(np.mean([e.total_reward for e in episodes])),
            float(np.mean([e.final_profile_f1 for e in episodes])),
        )
    return out


def test_oracle_beats_heuristic_beats_random_on_return(results: dict[str, tuple[float, float]]) -> None:
    random_return, heuristic_return, oracle_return = (results[n][0] for n in ("random", "heuristic", "oracle"))
    assert oracle_return > heuristic_return + 2.0
    assert heuristic_return > random_return + 2.0


def test_oracle_beats_heuristic_beats_random_on_final_f1(results: dict[str, tuple[float, float]]) -> None:
    random_f1, heuristic_f1, oracle_f1 = (results[n][1] for n in ("random", "heuristic", "oracle"))
    assert oracle_f1 > 0.97
    assert oracle_f1 > heuristic_f1 + 0.1
    assert heuristic_f1 > random_f1 + 0.3


@pytest.mark.parametrize(
    ("sentence", "trait"),
    [
        ("I'm a nurse on a children's ward.", "is a nurse on a children's ward"),
        ("I have a golden retriever named Max.", "has a golden retriever named Max"),
        ("I can't stand seafood.", "can't stand seafood"),
        ("Honestly, I go hiking most weekends!", "goes hiking most weekends"),
        ("My partner and I live in Lisbon.", "their partner and they live in Lisbon"),
        ("Reading poetry puts me to sleep.", "Reading poetry puts them to sleep"),
        ("I stopped working a few years ago.", "stopped working a few years ago"),
        ("Oh, and: I could eat seafood every day.", "could eat seafood every day"),
        ("I study late most nights.", "studies late most nights"),
    ],
)
def test_third_person_rewrites_first_person_statements(sentence: str, trait: str) -> None:
    assert third_person(sentence) == trait


def test_third_person_ignores_sentences_not_about_the_speaker() -> None:
    assert third_person("The weather is nice today.") is None


def test_extract_traits_skips_questions_and_remarks_about_the_chat() -> None:
    message = "I already told you that. I love jazz. Do you like jazz? You are repeating yourself."
    assert extract_traits(message) == ["loves jazz"]


def test_heuristic_agent_writes_well_formed_turns_that_ask_one_question() -> None:
    agent = AGENTS.make("heuristic")
    agent.reset(0)
    turn = parse_turn(agent.act("hey. I'm a teacher.", {}))
    assert turn.traits == ("is a teacher",)
    assert turn.response.count("?") == 1
