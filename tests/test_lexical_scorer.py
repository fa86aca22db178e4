"""Specification of ``LexicalProfileScorer`` (the default profile reward) and the reward registries."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from factories import make_fact

from rlpa_env.profiles.types import Fact
from rlpa_env.rewards import PROFILE_SCORERS, RESPONSE_JUDGES
from rlpa_env.rewards.lexical import LexicalProfileScorer

NURSE = make_fact(
    "occupation.pediatric_nurse",
    "pediatric nurse",
    "works as a pediatric nurse",
    "About me: works as a pediatric nurse.",
    ("pediatric",),
    aliases=("children's nurse", "paediatric nurse", "nurse at a children's hospital"),
)
DOG = make_fact(
    "pet.golden_retriever",
    "golden retriever",
    "has a golden retriever",
    "About me: has a golden retriever.",
    ("golden",),
    aliases=("dog", "retriever"),
)
VEGETARIAN = make_fact(
    "diet.vegetarian",
    "vegetarian",
    "is vegetarian",
    "About me: is vegetarian.",
    ("vegetarian",),
    aliases=("veggie", "meat-free"),
)
LISBON = make_fact(
    "location.lisbon", "lisbon", "lives in Lisbon", "About me: lives in Lisbon.", ("lisbon",), aliases=("lisboa",)
)
JAZZ = make_fact(
    "music.jazz",
    "jazz",
    "loves jazz",
    "About me: loves jazz.",
    ("jazz",),
    aliases=("jazz music", "smooth jazz"),
    kind="like",
)
BLUES = make_fact(
    "music.blues", "blues", "loves blues", "About me: loves blues.", ("blues",), aliases=("blues music",), kind="like"
)
SEAFOOD = make_fact(
    "food.seafood",
    "seafood",
    "dislikes seafood",
    "About me: dislikes seafood.",
    ("seafood",),
    aliases=("fish", "shellfish"),
    kind="dislike",
)
HIKING = make_fact(
    "hobby.hiking", "hiking", "goes hiking", "About me: goes hiking.", ("hiking",), aliases=("hillwalking", "trekking")
)
CLIMBING = make_fact(
    "hobby.rock_climbing",
    "rock climbing",
    "goes rock climbing",
    "About me: goes rock climbing.",
    ("rock",),
    aliases=("bouldering", "climbing"),
)
KIDS = make_fact(
    "family.two_young_kids",
    "two young kids",
    "has two young children",
    "About me: has two young children.",
    ("two",),
    aliases=("two kids", "young children"),
)
BRIEF = make_fact(
    "style.short_replies",
    "short replies",
    "prefers short replies",
    "About me: prefers short replies.",
    ("short",),
    aliases=("brief replies",),
    kind="style",
)
SCIFI = make_fact(
    "reading.science_fiction",
    "science fiction",
    "loves science fiction books",
    "About me: loves science fiction books.",
    ("science",),
    aliases=("sci-fi",),
    kind="like",
)
RETIRED = make_fact(
    "occupation.retired",
    "retired",
    "is retired",
    "About me: is retired.",
    ("retired",),
    aliases=("retiree", "no longer works"),
)

PROFILE: tuple[Fact, ...] = (NURSE, DOG, VEGETARIAN, LISBON, JAZZ, SEAFOOD, HIKING, KIDS, BRIEF, SCIFI)

VOCABULARY: dict[str, tuple[tuple[str, ...], ...]] = {
    "occupation": (
        ("pediatric nurse", "children's nurse", "paediatric nurse"),
        ("high school teacher", "teacher"),
        ("software engineer", "programmer"),
        ("er nurse", "emergency nurse"),
        ("retired", "retiree", "no longer works"),
    ),
    "pet": (("golden retriever", "dog"), ("two cats", "cats"), ("parrot",), ("rabbit",)),
    "diet": (("vegetarian", "veggie"), ("vegan",), ("keto",)),
    "location": (("lisbon", "lisboa"), ("paris",), ("berlin",), ("tokyo",)),
    "music": (("jazz", "jazz music"), ("blues",), ("rock",), ("classical music", "classical"), ("opera",)),
    "food": (("seafood", "fish", "shellfish"), ("mushrooms",), ("spicy food",)),
    "hobby": (("hiking", "trekking"), ("rock climbing", "bouldering"), ("painting",), ("chess",)),
    "family": (("two young kids", "two kids"), ("lives alone",), ("newly married",)),
    "style": (("short replies", "brief replies"), ("detailed replies", "long answers")),
}


@pytest.fixture
def scorer() -> LexicalProfileScorer:
    return LexicalProfileScorer(vocabulary=VOCABULARY)


def _matched_ids(scorer: LexicalProfileScorer, traits: list[str], facts: tuple[Fact, ...] = PROFILE) -> list[str]:
    return [match.fact_id for match in scorer.score(traits, facts).matches]


def test_fact_texts_as_traits_score_perfect_f1(scorer: LexicalProfileScorer) -> None:
    score = scorer.score([fact.text for fact in PROFILE], PROFILE)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert [match.fact_id for match in score.matches] == [fact.id for fact in PROFILE]


@pytest.mark.parametrize(
    ("trait", "fact_id"),
    [
        ("nurse at a children's hospital", NURSE.id),
        ("works with sick kids as a nurse", NURSE.id),
        ("owns a dog", DOG.id),
        ("has a puppy", DOG.id),
        ("doesn't eat meat", VEGETARIAN.id),
        ("follows a meat-free diet", VEGETARIAN.id),
        ("based in Portugal's capital, Lisbon", LISBON.id),
        ("into jazz music", JAZZ.id),
        ("not a fan of fish and shellfish", SEAFOOD.id),
        ("loves trekking in the mountains", HIKING.id),
        ("parent of two small kids", KIDS.id),
        ("likes concise, brief answers", BRIEF.id),
        ("big sci-fi reader", SCIFI.id),
    ],
)
def test_llm_style_paraphrase_matches_its_fact(scorer: LexicalProfileScorer, trait: str, fact_id: str) -> None:
    assert _matched_ids(scorer, [trait]) == [fact_id]


def test_negative_alias_carries_the_negation_itself(scorer: LexicalProfileScorer) -> None:
    assert _matched_ids(scorer, ["no longer works, spends days gardening"], (RETIRED,)) == [RETIRED.id]
    assert _matched_ids(scorer, ["is not retired"], (RETIRED,)) == []


@pytest.mark.parametrize(
    "trait",
    ["has a cat", "ER nurse", "lives in Paris", "loves classical music", "likes rock music", "is vegan"],
)
def test_different_value_of_the_same_category_does_not_match(scorer: LexicalProfileScorer, trait: str) -> None:
    assert _matched_ids(scorer, [trait], (*PROFILE, CLIMBING)) == []


@pytest.mark.parametrize("trait", ["hates jazz", "is not vegetarian", "loves seafood", "can't stand hiking"])
def test_opposite_polarity_does_not_match(scorer: LexicalProfileScorer, trait: str) -> None:
    assert _matched_ids(scorer, [trait]) == []


@pytest.mark.parametrize("trait", ["likes music", "has a job", "enjoys food", "has hobbies", "lives somewhere nice"])
def test_generic_words_alone_do_not_match(scorer: LexicalProfileScorer, trait: str) -> None:
    assert _matched_ids(scorer, [trait]) == []


def test_longer_term_of_another_value_shadows_a_short_one(scorer: LexicalProfileScorer) -> None:
    rock_lover = make_fact("music.rock", "rock", "loves rock", "About me: loves rock.", ("rock",), kind="like")
    assert _matched_ids(scorer, ["goes rock climbing"], (rock_lover,)) == []
    assert _matched_ids(scorer, ["goes rock climbing"], (rock_lover, CLIMBING)) == [CLIMBING.id]


def test_freeform_facts_without_aliases_match_paraphrases(scorer: LexicalProfileScorer) -> None:
    hiking = make_fact(
        "aloe.0",
        "hiking",
        "enjoys hiking in the mountains on weekends",
        "About me: enjoys hiking in the mountains on weekends.",
        ("hiking",),
    )
    retriever = make_fact(
        "aloe.1",
        "golden retriever",
        "has a golden retriever named max",
        "About me: has a golden retriever named max.",
        ("golden",),
    )
    asimov = make_fact(
        "aloe.2",
        "science fiction",
        "reads science fiction novels by isaac asimov",
        "About me: reads science fiction novels by isaac asimov.",
        ("science",),
    )
    facts = (hiking, retriever, asimov)
    assert _matched_ids(scorer, ["enjoys mountain hikes"], facts) == ["aloe.0"]
    assert _matched_ids(scorer, ["owns a dog"], facts) == ["aloe.1"]
    assert _matched_ids(scorer, ["likes asimov's books"], facts) == ["aloe.2"]
    assert _matched_ids(scorer, ["likes cooking"], facts) == []


def test_empty_profile_scores_zero(scorer: LexicalProfileScorer) -> None:
    score = scorer.score([], PROFILE)
    assert (score.precision, score.recall, score.f1, score.matches) == (0.0, 0.0, 0.0, ())


def test_padding_with_unrelated_lines_lowers_f1(scorer: LexicalProfileScorer) -> None:
    honest = [NURSE.text, DOG.text, JAZZ.text, LISBON.text]
    padding = [f"has opinions about topic number {i}" for i in range(20)]
    assert scorer.score(honest, PROFILE).f1 == pytest.approx(2 * 1.0 * 0.4 / 1.4)
    padded = scorer.score(honest + padding, PROFILE)
    assert padded.precision == pytest.approx(4 / 24)
    assert padded.recall == pytest.approx(0.4)
    assert padded.f1 < 0.25


@pytest.mark.parametrize(
    "trait",
    [
        "likes jazz, blues, rock or classical music",
        "listens to jazz/blues/rock",
        "jazz or blues",
        "maybe jazz, maybe blues",
        "lives in Lisbon, Paris, Berlin or Tokyo",
        "enjoys hiking, painting and chess",
        "pediatric nurse, vegetarian, dog owner in Lisbon",
    ],
)
def test_hedge_line_matches_nothing(scorer: LexicalProfileScorer, trait: str) -> None:
    assert _matched_ids(scorer, [trait], (*PROFILE, BLUES)) == []


def test_two_values_joined_by_and_still_match_one_fact(scorer: LexicalProfileScorer) -> None:
    assert _matched_ids(scorer, ["loves jazz and blues"], (JAZZ,)) == [JAZZ.id]


def test_or_in_a_negative_trait_reads_as_nor(scorer: LexicalProfileScorer) -> None:
    assert _matched_ids(scorer, ["doesn't like fish or mushrooms"]) == [SEAFOOD.id]


def test_three_hedged_alternatives_match_nothing_without_a_vocabulary() -> None:
    knitting = make_fact("aloe.knitting", "knitting", "enjoys knitting", "About me: enjoys knitting.", ("knitting",))
    bare = LexicalProfileScorer(vocabulary={})
    assert _matched_ids(bare, ["enjoys knitting"], (knitting,)) == ["aloe.knitting"]
    assert _matched_ids(bare, ["enjoys knitting, pottery or woodwork"], (knitting,)) == []


def test_hedging_cannot_beat_honest_guessing(scorer: LexicalProfileScorer) -> None:
    hedges = [
        "works as a pediatric nurse, teacher or programmer",
        "has a dog, cats, a parrot or a rabbit",
        "lives in Lisbon, Paris, Berlin or Tokyo",
        "likes jazz, blues, rock or opera",
    ]
    honest_guesses = ["works as a teacher", "has a dog", "lives in Paris", "loves jazz"]
    assert scorer.score(hedges, PROFILE).f1 == 0.0
    assert scorer.score(honest_guesses, PROFILE).f1 == pytest.approx(2 * 0.5 * 0.2 / 0.7)


def test_repeating_a_correct_trait_counts_one_match(scorer: LexicalProfileScorer) -> None:
    score = scorer.score(["Loves jazz"] * 3 + ["loves  jazz", "loves jazz"], PROFILE)
    assert len(score.matches) == 1
    assert score.matches[0].trait_index == 0
    assert score.precision == pytest.approx(1 / 5)
    assert score.recall == pytest.approx(1 / 10)


def test_matching_is_maximum_not_greedy(scorer: LexicalProfileScorer) -> None:
    # Greedy would give "jazz and blues" its first choice (jazz) and leave "jazz and opera" unmatched.
    traits = ["loves jazz and blues", "loves jazz and opera"]
    score = scorer.score(traits, (JAZZ, BLUES))
    assert {(match.trait_index, match.fact_id) for match in score.matches} == {(0, BLUES.id), (1, JAZZ.id)}
    assert score.f1 == 1.0


def test_matches_report_trait_index_fact_and_similarity(scorer: LexicalProfileScorer) -> None:
    score = scorer.score(["has opinions", "into jazz music", "owns a dog"], PROFILE)
    assert [(match.trait_index, match.fact_id) for match in score.matches] == [(1, JAZZ.id), (2, DOG.id)]
    assert all(scorer.threshold <= match.similarity <= 1.0 for match in score.matches)


def test_score_is_deterministic_and_independent_of_trait_order(scorer: LexicalProfileScorer) -> None:
    traits = [
        "nurse at a children's hospital",
        "owns a dog",
        "lives in Paris",
        "loves jazz and blues",
        "jazz fan",
        "has opinions",
        "dislikes seafood",
    ]
    reference = scorer.score(traits, PROFILE)
    assert scorer.score(list(traits), PROFILE) == reference
    rng = np.random.default_rng(7)
    for _ in range(10):
        shuffled = [traits[i] for i in rng.permutation(len(traits))]
        score = scorer.score(shuffled, PROFILE)
        assert (score.precision, score.recall, score.f1) == (reference.precision, reference.recall, reference.f1)
    assert reference.f1 == pytest.approx(2 * (4 / 7) * 0.4 / (4 / 7 + 0.4))


def test_revealed_subset_scores_against_its_own_facts(scorer: LexicalProfileScorer) -> None:
    traits = [NURSE.text, JAZZ.text, HIKING.text]
    assert scorer.score(traits, PROFILE[:5]).recall == pytest.approx(2 / 5)
    assert scorer.score(traits, PROFILE).recall == pytest.approx(3 / 10)


def test_bad_inputs_raise_clear_errors(scorer: LexicalProfileScorer) -> None:
    with pytest.raises(TypeError, match="each trait must be a str"):
        scorer.score(["loves jazz", 3], PROFILE)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="not a single str"):
        scorer.score("loves jazz", PROFILE)
    with pytest.raises(ValueError, match="threshold"):
        LexicalProfileScorer(threshold=0.0)


def test_registries_name_every_implementation() -> None:
    assert PROFILE_SCORERS.names() == ["embedding", "lexical", "llm"]
    assert RESPONSE_JUDGES.names() == ["llm", "rule"]
    assert isinstance(PROFILE_SCORERS.make("lexical", vocabulary=VOCABULARY), LexicalProfileScorer)


def test_importing_rewards_loads_no_model_code() -> None:
    code = (
        "import sys, rlpa_env.rewards; "
        "banned = ['torch', 'transformers', 'rlpa_env.rewards.embedding', 'rlpa_env.rewards.llm_judges', "
        "'rlpa_env.rewards.rule_judge']; print([name for name in banned if name in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_default_vocabulary_is_the_catalog() -> None:
    from rlpa_env.profiles.catalog import catalog_fact

    jazz = catalog_fact("music", "like", "jazz")
    default = LexicalProfileScorer()
    assert _matched_ids(default, ["into jazz music"], (jazz,)) == [jazz.id]
    assert _matched_ids(default, ["likes jazz, blues or reggae"], (jazz,)) == []


_THIRD_PERSON = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"\bI'm\b|\bI am\b", "is"),
        (r"\bI've\b|\bI have\b", "has"),
        (r"\bI can't\b", "can't"),
        (r"\bI don't\b", "doesn't"),
        (r"\bI'd\b", "would"),
        (r"\bI (\w+)", r"\1s"),
        (r"\bmy\b", "their"),
        (r"\bme\b", "them"),
    )
)


def _naive_third_person(utterance: str) -> str:
    text = utterance.strip().rstrip(".!")
    for pattern, replacement in _THIRD_PERSON:
        text = pattern.sub(replacement, text)
    return text


def test_generated_profiles_match_their_own_texts_and_restated_utterances() -> None:
    from rlpa_env.profiles.generator import generate_profiles

    default = LexicalProfileScorer()
    profiles = generate_profiles(11, 200, "lexical-test")
    recalls = []
    for profile in profiles:
        assert default.score([fact.text for fact in profile.facts], profile.facts).f1 == 1.0, profile.id
        restated = [_naive_third_person(fact.utterances[0]) for fact in profile.facts]
        recalls.append(default.score(restated, profile.facts).recall)
    # Measured 0.914 with seed 11; idioms like "keeps it casual" or "has two little ones" stay unmatched.
    assert float(np.mean(recalls)) > 0.85


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("generic = [", r"lexicon.toml: not valid TOML"),
        ('generic = ["job"]', r"expected exactly the keys 'generic' and 'synonyms'"),
        ('generic = ["job"]\nextra = 1\n[synonyms]\ndog = ["dog"]', r"expected exactly the keys"),
        ('generic = []\n[synonyms]\ndog = ["dog"]', r"lexicon.toml: generic: expected a non-empty list of words"),
        ('generic = ["job"]\n[synonyms]\ndog = ["dog", "Puppy"]', r"synonyms.dog: 'Puppy' is not one lower-case word"),
        (
            'generic = ["job"]\n[synonyms]\ndog = ["pup"]\ncat = ["pup"]',
            r"synonyms.cat: 'pup' is already a word of 'dog'",
        ),
    ],
)
def test_a_broken_lexicon_file_is_refused_naming_the_entry_and_the_problem(text: str, message: str) -> None:
    from rlpa_env.rewards.lexical import LexiconError, parse_lexicon

    with pytest.raises(LexiconError, match=message):
        parse_lexicon(text)


def test_the_shipped_lexicon_maps_each_word_of_a_line_to_its_concept() -> None:
    from importlib import resources

    from rlpa_env.rewards.lexical import parse_lexicon

    table, generic = parse_lexicon((resources.files("rlpa_env.rewards") / "data" / "lexicon.toml").read_text())
    assert table["pediatric"] == table["kids"] == "child" and table["retriever"] == "dog"
    assert {"hobby", "dislikes", "music"} <= set(generic)
