"""Specifications for ``ScriptedUser``: cold opening, budgeted reveals, blunt complaints, rapport."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from factories import make_fact

from rlpa_env.profiles.catalog import catalog_fact
from rlpa_env.profiles.generator import generate_profile
from rlpa_env.profiles.types import Profile, StylePreferences
from rlpa_env.users import USERS, templates
from rlpa_env.users.base import DialogueState, UserSimulator, UserTurn
from rlpa_env.users.scripted import ScriptedUser, state_signals

PROFILE = Profile(
    id="scripted-test",
    facts=(
        make_fact(
            "job.nurse",
            "pediatric nurse",
            "works as a pediatric nurse",
            "I'm a nurse on a children's ward.",
            ("work", "job", "nurse"),
        ),
        make_fact(
            "animal.dog",
            "dog",
            "has a terrier called Biscuit",
            "I have a terrier called Biscuit.",
            ("pet", "pets", "dog", "terrier"),
        ),
        make_fact(
            "pastime.hiking", "hiking", "loves hiking", "I go hiking most weekends.", ("hiking", "trail"), kind="like"
        ),
        make_fact(
            "cuisine.seafood",
            "seafood",
            "dislikes seafood",
            "Seafood makes me queasy.",
            ("seafood", "fish", "sushi", "shrimp"),
            kind="dislike",
        ),
        make_fact(
            "tunes.jazz",
            "jazz",
            "loves jazz",
            "Jazz is my thing, old vinyl especially.",
            ("jazz", "music"),
            kind="like",
        ),
        make_fact(
            "health.anxiety",
            "anxiety",
            "lives with anxiety",
            "I deal with anxiety a fair bit.",
            ("anxiety", "stress"),
            intimacy=1,
        ),
        make_fact(
            "home.divorce",
            "divorced",
            "went through a divorce",
            "I went through a divorce last year.",
            ("married", "partner", "relationship"),
            intimacy=2,
        ),
        make_fact(
            "manner.short",
            "short replies",
            "prefers short replies",
            "Keep it short with me, please.",
            ("short", "brief"),
            kind="style",
        ),
    ),
    style=StylePreferences(verbosity="brief"),
)
LECTURE = "# Hiking tips\n- Bring water\n- Wear boots\n- Check the weather\nDo you hike often?"


def _state(seed: int = 0, profile: Profile = PROFILE, user: ScriptedUser | None = None) -> DialogueState:
    state = DialogueState(profile=profile, rng=np.random.default_rng(seed))
    state.messages.append({"role": "user", "content": (user or ScriptedUser()).opening(profile, state.rng)})
    return state


def _talk(user: ScriptedUser, state: DialogueState, reply: str) -> UserTurn:
    """One turn, applied to the state the way the environment applies it."""
    turn = user.respond(state, reply)
    state.messages += [{"role": "assistant", "content": reply}, {"role": "user", "content": turn.text}]
    state.revealed_fact_ids += [i for i in turn.revealed_fact_ids if i not in state.revealed_fact_ids]
    state.turn += 1
    return turn


def test_scripted_user_satisfies_the_protocol_and_registry() -> None:
    assert isinstance(ScriptedUser(), UserSimulator)
    assert USERS.make("scripted", reveal_fraction=0.3) == ScriptedUser(reveal_fraction=0.3)


def test_opening_is_brief_and_reveals_nothing() -> None:
    user = ScriptedUser()
    for seed in range(40):
        opening = user.opening(PROFILE, np.random.default_rng(seed))
        assert len(opening.split()) <= 8
        assert state_signals(_state(), opening).mentioned_fact_ids == ()


def test_opening_varies_across_seeds() -> None:
    openings = {ScriptedUser().opening(PROFILE, np.random.default_rng(seed)) for seed in range(40)}
    assert len(openings) >= 5


def test_reveal_budget_is_a_rounded_up_fraction_of_the_profile() -> None:
    assert ScriptedUser().reveal_budget(PROFILE) == 2
    assert ScriptedUser(reveal_fraction=0.1).reveal_budget(PROFILE) == 1
    assert ScriptedUser(reveal_fraction=0.5).reveal_budget(PROFILE) == 4


def test_relevant_question_reveals_the_relevant_fact() -> None:
    user, state = ScriptedUser(), _state()
    turn = _talk(user, state, "Hi! What do you do for work?")
    assert turn.reaction == "reveal"
    assert turn.revealed_fact_ids == ("job.nurse",)
    assert "I'm a nurse on a children's ward." in turn.text


def test_asked_facts_are_revealed_before_merely_mentioned_ones() -> None:
    user, state = ScriptedUser(reveal_fraction=0.1), _state()
    turn = _talk(user, state, "I had some jazz on all morning. Do you have a dog?")
    assert turn.revealed_fact_ids == ("animal.dog",)


def test_style_question_reveals_the_style_fact() -> None:
    turn = _talk(ScriptedUser(), _state(), "Do you prefer short or detailed answers?")
    assert turn.revealed_fact_ids == ("manner.short",)


def test_user_never_reveals_more_than_its_budget_or_anything_irrelevant() -> None:
    """Random keyword-laden replies to generated profiles: each turn stays within budget, discloses
    only facts the reply made relevant (or the length preference after a long reply) and never one
    already revealed."""
    rng = np.random.default_rng(2024)
    user = ScriptedUser()
    extras = ["", " You're amazing!", " Tell me everything about yourself.", "\n- a\n- b\n- c", " Why? How? When?"]
    for index in range(40):
        profile = generate_profile(np.random.default_rng([7, index]), f"gen-{index}")
        state = _state(index, profile)
        keywords = sorted({k for fact in profile.facts for k in fact.keywords})
        for _ in range(10):
            words = rng.choice(keywords, size=int(rng.integers(1, 6)))
            reply = f"So, {' and '.join(words)}?" + extras[int(rng.integers(len(extras)))]
            signals = state_signals(state, reply)
            allowed = set(signals.mentioned_fact_ids) | {f.id for f in profile.facts if f.kind == "style"}
            before = set(state.revealed_fact_ids)
            turn = _talk(user, state, reply)
            assert len(turn.revealed_fact_ids) <= user.reveal_budget(profile)
            assert set(turn.revealed_fact_ids) <= allowed
            assert not set(turn.revealed_fact_ids) & before
            if turn.done:
                break


def test_user_never_reveals_its_profile_when_asked_directly() -> None:
    user = ScriptedUser()
    for seed in range(10):
        state = _state(seed)
        turn = _talk(user, state, "What do you do for work? Actually, just tell me everything about yourself.")
        assert turn.reaction == "profile_request"
        assert turn.revealed_fact_ids == ()
        assert turn.text in templates.PROFILE_REQUEST


def test_disliked_topic_is_named_and_discloses_the_dislike() -> None:
    turn = _talk(ScriptedUser(), _state(3), "How about sushi tonight? Fresh fish is the best.")
    assert turn.reaction == "disliked_topic"
    assert "seafood" in turn.text
    assert turn.revealed_fact_ids == ("cuisine.seafood",)


def test_disliked_topic_is_voiced_even_alongside_other_complaints() -> None:
    for seed in range(10):
        turn = _talk(
            ScriptedUser(),
            _state(seed),
            "You're amazing! You should try the shrimp. Tell me everything about yourself.",
        )
        assert turn.reaction == "disliked_topic"
        assert "seafood" in turn.text
        assert any(line in turn.text for line in templates.PROFILE_REQUEST)


def test_raising_a_known_dislike_again_reveals_nothing_new() -> None:
    user, state = ScriptedUser(), _state()
    _talk(user, state, "How about sushi tonight?")
    turn = _talk(user, state, "Fresh shrimp is lovely this time of year.")
    assert turn.reaction == "disliked_topic"
    assert turn.revealed_fact_ids == ()
    assert any(line.format(topic="seafood") == turn.text for line in templates.DISLIKED_TOPIC_AGAIN)


def test_repeated_question_gets_a_repeated_question_reaction() -> None:
    user, state = ScriptedUser(), _state()
    _talk(user, state, "Do you have a dog?")
    turn = _talk(user, state, "Do you have any pets?")
    assert turn.reaction == "repeated_question"
    assert "I have a terrier called Biscuit." in turn.text
    assert turn.revealed_fact_ids == ()


def test_flattery_gets_called_out_but_the_question_is_answered() -> None:
    turn = _talk(ScriptedUser(), _state(), "What a great question! You're so smart. What do you do for work?")
    assert turn.reaction == "flattery"
    assert turn.text.startswith(templates.FLATTERY)
    assert turn.revealed_fact_ids == ("job.nurse",)


def test_markdown_lecture_is_too_long_and_reveals_the_length_preference() -> None:
    turn = _talk(ScriptedUser(), _state(), LECTURE)
    assert turn.reaction == "too_long"
    assert turn.text.startswith(templates.TOO_LONG)
    assert turn.revealed_fact_ids[0] == "manner.short"


def test_too_long_does_not_reveal_a_preference_for_detail() -> None:
    detailed = catalog_fact("style", "style", "detailed replies")
    profile = Profile(id="detailed", facts=(*PROFILE.facts[:-1], detailed), style=StylePreferences("detailed"))
    turn = _talk(ScriptedUser(), _state(profile=profile), LECTURE)
    assert turn.reaction == "too_long"
    assert detailed.id not in turn.revealed_fact_ids


def test_over_long_plain_reply_is_too_long() -> None:
    reply = " ".join(["the weather was odd today"] * 14)
    assert _talk(ScriptedUser(), _state(), reply).reaction == "too_long"


def test_copying_the_user_gets_a_copying_reaction() -> None:
    user, state = ScriptedUser(), _state()
    said = _talk(user, state, "Do you have a dog?").text
    turn = _talk(user, state, said)
    assert turn.reaction == "copying"
    assert turn.text in templates.COPYING


def test_irrelevant_reply_gets_a_short_filler() -> None:
    for seed in range(10):
        turn = _talk(ScriptedUser(), _state(seed), "The weather has been strange lately.")
        assert turn.reaction == "filler"
        assert turn.text in templates.FILLERS
        assert turn.revealed_fact_ids == ()
        assert len(turn.text.split()) <= 4


def test_intimate_fact_is_withheld_at_low_rapport_and_shared_after_rapport_builds() -> None:
    user, state = ScriptedUser(), _state()
    early = _talk(user, state, "Are you married?")
    assert "home.divorce" not in early.revealed_fact_ids
    assert early.text in templates.DEFLECTIONS
    assert state.memory["deflected_fact_ids"] == ["home.divorce"]

    _talk(user, state, "What do you do for work?")
    _talk(user, state, "A children's nurse must see a lot. Do you have a dog?")
    _talk(user, state, "Biscuit the terrier sounds fun. What music do you like?")
    assert state.rapport >= user.intimate_rapport
    later = _talk(user, state, "Old jazz vinyl is a lovely habit. Are you married?")
    assert later.revealed_fact_ids == ("home.divorce",)
    assert "I went through a divorce last year." in later.text


def test_good_turns_raise_rapport_and_complaints_lower_it() -> None:
    user, state = ScriptedUser(), _state()
    _talk(user, state, "What do you do for work?")
    assert state.rapport == pytest.approx(user.question_gain)
    _talk(user, state, "You're so smart.")
    assert state.rapport == pytest.approx(user.question_gain - user.complaint_penalty)


def test_rapport_collapse_ends_the_chat() -> None:
    user, state = ScriptedUser(), _state()
    turns = [_talk(user, state, "What a great question! You're amazing.") for _ in range(3)]
    assert [t.done for t in turns] == [False, False, True]
    assert turns[-1].reaction == "goodbye"
    assert any(line in turns[-1].text for line in templates.GOODBYE)
    assert state.memory["complaints"] == {"flattery": 3}


def test_same_seed_gives_the_same_transcript() -> None:
    replies = ["Hi! What do you do for work?", "Do you have a dog?", "How about sushi?", "Nice weather.", LECTURE]

    def transcript(seed: int) -> list[str]:
        user, state = ScriptedUser(), _state(seed)
        return [state.messages[0]["content"]] + [_talk(user, state, reply).text for reply in replies]

    assert transcript(11) == transcript(11)
    assert len({tuple(transcript(seed)) for seed in range(12)}) > 1


@pytest.mark.parametrize(
    ("reply", "reaction"),
    [
        ("You're so smart.", "flattery"),
        (LECTURE, "too_long"),
        ("Tell me everything about yourself.", "profile_request"),
        ("How about sushi tonight?", "disliked_topic"),
        ("The weather has been strange lately.", "filler"),
        ("hey.", "copying"),
    ],
)
def test_each_reaction_has_several_phrasings(reply: str, reaction: str) -> None:
    texts = set()
    for seed in range(60):
        state = _state(seed)
        state.messages[0]["content"] = "hey. slow day here."
        reply_text = "hey. slow day here." if reaction == "copying" else reply
        turn = _talk(ScriptedUser(), state, reply_text)
        assert turn.reaction == reaction
        texts.add(turn.text.split("\n")[0][:40])
    assert len(texts) >= 4


def test_user_speaks_in_first_person_never_in_profile_text() -> None:
    user, state = ScriptedUser(reveal_fraction=1.0), _state()
    turn = _talk(user, state, "I love jazz, hiking and dogs. What about work, stress or a partner?")
    assert len(turn.revealed_fact_ids) >= 4
    for fact in PROFILE.facts:
        assert fact.text not in turn.text


def test_memory_is_deep_copyable_and_counts_complaints() -> None:
    user, state = ScriptedUser(), _state()
    _talk(user, state, "You're so smart. Do you have a dog?")
    snapshot = copy.deepcopy(state.memory)
    assert snapshot == {
        "complaints": {"flattery": 1},
        "bad_streak": 1,
        "asked_fact_ids": ["animal.dog"],
        "deflected_fact_ids": [],
    }
    _talk(user, state, "What do you do for work?")
    assert snapshot["bad_streak"] == 1 and state.memory["bad_streak"] == 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"reveal_fraction": 0.0}, "reveal_fraction"),
        ({"personal_rapport": 3.0, "intimate_rapport": 1.0}, "intimate_rapport"),
        ({"complaint_penalty": -1.0}, "non-negative"),
        ({"goodbye_streak": 0}, "goodbye_streak"),
    ],
)
def test_invalid_settings_are_rejected(settings: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ScriptedUser(**settings)


def test_non_string_reply_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="reply must be a str"):
        ScriptedUser().respond(_state(), None)  # type: ignore[arg-type]
