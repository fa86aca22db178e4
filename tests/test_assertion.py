"""Specification of the cue grammar (``rlpa_env.assertion``) and of its use by the profile scorers.

Each hedged form is written around a fact's own text and scored by the lexical scorer against the
first 4 facts of 10 test profiles, as the issue measured it: 0 of 40 may match. Definite forms of
the same 40 facts must match as the plain text does. Non-English hedges are out of scope.
"""

from __future__ import annotations

import pytest
from factories import make_fact

from rlpa_env.assertion import CUE_CLASSES, asserted_span, assertion_status, clauses, contradiction, contradictions
from rlpa_env.profiles.bank import ProfileBank
from rlpa_env.rewards.lexical import LexicalProfileScorer, trait_key

SCORER = LexicalProfileScorer()
PROFILES = ProfileBank.default().split("test")[:10]
PAIRS = [(profile, fact) for profile in PROFILES for fact in profile.facts[:4]]

ISSUE_FORMS = [
    "unclear whether {t}",
    "either {t} or the opposite",
    "{t}?",
    "{t} (unconfirmed)",
    "{t} -- just a guess",
    "could be that {t}",
    "{t} (50% chance)",
]
INVENTED_FORMS = [
    "allegedly {t}",
    "{t}, or so I think",
    "{t} (not confirmed)",
    "{t} \u2014 unverified",
    "{t} maybe",
    "possibly {t}",
    "{t}/not {t}",
    "{t} 3:1",
    "{t}, probably not",
    "I'd bet {t}",
    "no idea if {t}",
    "{t} (?)",
    "{t}??",
    "{t} ... or was it the other way round",
    "{t} (likely)",
    "{t} (unproven)",
    "{t}, not yet verified",
    "{t} \u2013 undetermined",
    "{t} (7 out of 10)",
    "{t}, two in five",
    "{t} 70:30",
    "{t} (45%)",
    "wondering if {t}",
    "{t}\u203d",
    "it sounds like {t}",
    "my impression: {t}",
    "{t}, but then again maybe not",
    "supposedly {t}",
    "{t}, or vice versa",
    "{t}; remains to be seen",
    "{t} if memory serves",
    "{t} (debatable)",
    "{t}, I reckon",
    "{t} and/or the reverse",
    "{t} (\uff34\uff22\uff24)",
    "{t} (m\u0430ybe)",
    "{t} (may\u200bbe)",
    "\u00bf{t}?",
    "if anything, {t}",
    "their friend {t}",
]
DEFINITE_FORMS = [
    "{t}",
    "{t}.",
    "{t} (since 2019)",
    "{t} (confirmed)",
    "definitely {t}",
    "{t}, for sure",
    "{t} (100%)",
    "{T}!",
]


def _matched(form: str) -> int:
    return sum(
        bool(SCORER.score([form.format(t=fact.text, T=fact.text.upper())], profile.facts).matches)
        for profile, fact in PAIRS
    )


BASELINE = _matched("{t}")


def test_the_plain_fact_texts_match_so_the_red_team_forms_are_a_real_test() -> None:
    assert BASELINE == len(PAIRS) == 40


@pytest.mark.parametrize("form", ISSUE_FORMS + INVENTED_FORMS)
def test_a_hedged_line_matches_none_of_the_40_facts(form: str) -> None:
    assert _matched(form) == 0


@pytest.mark.parametrize("form", DEFINITE_FORMS)
def test_a_definite_line_still_matches_all_40_facts(form: str) -> None:
    assert _matched(form) == BASELINE


@pytest.mark.parametrize("form", ISSUE_FORMS + INVENTED_FORMS)
def test_the_line_gate_of_the_embedding_and_llm_scorers_drops_hedged_lines(form: str) -> None:
    assert trait_key(form.format(t="loves jazz")) is None


def test_no_cue_class_names_an_invented_form_literally() -> None:
    patterns = " ".join(cue_class.pattern.pattern for cue_class in CUE_CLASSES)
    tails = [form.replace("{t}", "").strip(" ,;.()") for form in INVENTED_FORMS]
    # Single words such as "allegedly" are members of a class's word set; no phrase is listed.
    assert [tail for tail in tails if len(tail.split()) > 1 and tail in patterns] == []


JAZZ = make_fact("music.jazz", "jazz", "loves jazz", "I love jazz.", ("jazz",), kind="like")
SEAFOOD = make_fact("food.seafood", "seafood", "dislikes seafood", "I hate seafood.", ("seafood",), kind="dislike")
DOG = make_fact("pet.dog", "dog", "has a dog", "I have a dog.", ("dog",), aliases=("puppy",))
VEGAN = make_fact("diet.vegan", "vegan", "is vegan", "I'm vegan.", ("vegan",))
NURSE = make_fact("occupation.nurse", "nurse", "works as a nurse", "I'm a nurse.", ("nurse",))
ABROAD = make_fact("travel.abroad", "abroad", "has never been abroad", "Never left the country.", ("abroad",))
FACTS = (JAZZ, SEAFOOD, DOG, VEGAN, NURSE)


def _ids(traits: list[str]) -> list[str]:
    return [match.fact_id for match in SCORER.score(traits, FACTS).matches]


@pytest.mark.parametrize(
    "trait",
    [
        "doesn't own a dog",
        "no longer vegan",
        "used to be vegan",
        "was formerly a nurse",
        "is an ex-nurse",
        "hates jazz",
    ],
)
def test_a_negated_or_past_trait_does_not_match_the_positive_fact(trait: str) -> None:
    assert _ids([trait]) == []


def test_a_negative_trait_still_matches_the_dislike_the_profile_holds() -> None:
    assert _ids(["can't stand seafood"]) == [SEAFOOD.id]
    assert _ids(["doesn't like seafood or oysters"]) == [SEAFOOD.id]  # "or" under a negation is "nor"


@pytest.mark.parametrize(
    ("trait", "fact_id"),
    [
        ("loves jazz", "music.jazz"),
        ("works as a nurse", "occupation.nurse"),
        ("has a puppy", "pet.dog"),
        ("is vegan (since 2019)", "diet.vegan"),
        ("If jazz comes on the radio, they turn it up", "music.jazz"),
        ("could happily listen to jazz every day", "music.jazz"),
        ("thinks jazz is the best music there is", "music.jazz"),
    ],
)
def test_definite_paraphrases_still_match(trait: str, fact_id: str) -> None:
    assert _ids([trait]) == [fact_id]


@pytest.mark.parametrize(
    ("text", "cue_class"),
    [
        ("loves jazz (unconfirmed)", "doubt"),
        ("loves jazz?", "question"),
        ("does the user love jazz", "question"),
        ("might love jazz", "epistemic modal"),
        ("must be a nurse", "epistemic modal"),
        ("seems to love jazz", "epistemic verb"),
        ("loves jazz (1 in 3)", "probability"),
        ("loves jazz or not", "disjunction"),
        ("is neutral about jazz", "non-committal"),
        ("doesn't dislike jazz", "non-committal"),
        ("wants to be a nurse", "hypothetical"),
        ("would enjoy jazz", "hypothetical"),
    ],
)
def test_each_cue_class_decides_the_status_it_names(text: str, cue_class: str) -> None:
    status = assertion_status(text)
    assert status.certainty == "uncertain" and status.cue is not None and status.cue.cue_class == cue_class


@pytest.mark.parametrize(
    "text",
    [
        "is 100% vegan",
        "runs at 6:30 every morning",
        "works 24/7",
        "follows 16:8 fasting",
        "fishes whenever they get the chance",
        "would rather not talk about politics",
        "would skip cruises every time",
        "is getting used to life after divorce",
        "goes hiking in may",
        "their daughter just turned fifteen",
        "people mix them up with their twin",
        "Just talk to them like a friend would",
    ],
)
def test_lookalikes_of_cues_stay_definite(text: str) -> None:
    assert assertion_status(text).commits


def test_status_fields_for_negation_history_and_other_people() -> None:
    assert assertion_status("doesn't own a dog").polarity == "negated"
    past = assertion_status("used to be vegan")
    assert (past.polarity, past.temporality, past.certainty) == ("negated", "historical", "definite")
    other = assertion_status("their colleague loves jazz")
    assert other.experiencer == "other" and not other.commits
    assert assertion_status("loves jazz") == assertion_status("lov\u0435s\u200b jazz")


def test_a_terminator_bounds_a_negation_and_an_elliptical_clause_looks_back() -> None:
    first, second = clauses("doesn't like jazz but loves blues")
    assert first.status.polarity == "negated" and second.status.polarity == "affirmed"
    (only,) = clauses("loves jazz but maybe not")
    assert only.status.certainty == "uncertain"
    assert asserted_span("is a nurse; maybe vegan") == "is a nurse"


def test_negation_scope_runs_forward_from_the_cue() -> None:
    (clause,) = clauses("you love jazz, not blues")
    assert clause.status_at(clause.text.index("jazz")).polarity == "affirmed"
    assert clause.status_at(clause.text.index("blues")).polarity == "negated"


def test_a_text_with_no_content_asserts_nothing() -> None:
    assert assertion_status("").certainty == "uncertain"
    assert assertion_status("maybe?").certainty == "uncertain"


def test_a_non_string_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        assertion_status(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sentence", "fact", "reason"),
    [
        ("Since you love seafood, try the oysters.", SEAFOOD, "dislike recalled as a like"),
        ("Seafood is your favourite, right.", SEAFOOD, "dislike recalled as a like"),
        ("I know you can't stand jazz.", JAZZ, "like recalled as a dislike"),
        ("You don't really like jazz, so let's skip it.", JAZZ, "like recalled as a dislike"),
        ("Your trips abroad must have been fun, since you've been abroad so often.", ABROAD, "denial credited"),
        ("You don't have a dog, so the flat stays tidy.", DOG, "fact denied"),
    ],
)
def test_a_reply_that_contradicts_a_fact_is_caught(sentence: str, fact, reason: str) -> None:
    found = contradiction(sentence, fact)
    assert found is not None and found.reason == reason


@pytest.mark.parametrize(
    ("sentence", "fact"),
    [
        ("Since you hate seafood, how about pasta.", SEAFOOD),
        ("Do you still love seafood?", SEAFOOD),
        ("Maybe you'd like seafood done differently.", SEAFOOD),
        ("My friend loves seafood.", SEAFOOD),
        ("You love jazz, so here is a playlist.", JAZZ),
        ("You've never been abroad, so a first trip is a big step.", ABROAD),
        ("How is your dog doing?", DOG),
        ("Your dog must love the park.", DOG),
    ],
)
def test_a_consistent_question_guess_or_third_party_remark_is_no_contradiction(sentence: str, fact) -> None:
    assert contradiction(sentence, fact) is None


def test_contradictions_reads_a_reply_sentence_by_sentence() -> None:
    reply = "Great to hear from you. Since you love seafood, try oysters. You don't have a dog, right?"
    assert [(fact.id, hit.reason) for fact, hit in contradictions(reply, FACTS)] == [
        (SEAFOOD.id, "dislike recalled as a like")
    ]


def test_every_fact_text_value_and_alias_of_the_bank_commits() -> None:
    bank = ProfileBank.default()
    texts = {
        text
        for split in ("train", "test")
        for profile in bank.split(split)
        for fact in profile.facts
        for text in (fact.text, fact.value, *fact.aliases)
    }
    assert sorted(text for text in texts if not assertion_status(text).commits) == []
