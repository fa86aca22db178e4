"""The turn format: what parses, what does not, and the message saying why."""

from __future__ import annotations

import pytest

from rlpa_env.parsing import MAX_TRAITS, ParsedTurn, TurnFormatError, format_turn, parse_turn


def test_well_formed_turn_gives_traits_and_response() -> None:
    text = "<profile>\n- works as a nurse\n- has a dog\n</profile>\n\n<response>\nHi there!\n</response>"
    assert parse_turn(text) == ParsedTurn(traits=("works as a nurse", "has a dog"), response="Hi there!")


def test_parsing_tolerates_case_whitespace_and_other_bullets() -> None:
    text = "  <PROFILE>\n* likes jazz\n\n  • 1) lives in Oslo \n2. has kids\n</Profile>  <Response>  ok  </RESPONSE>\n"
    assert parse_turn(text) == ParsedTurn(traits=("likes jazz", "1) lives in Oslo", "has kids"), response="ok")


def test_empty_profile_block_is_allowed() -> None:
    assert parse_turn("<profile></profile><response>hello</response>").traits == ()


def test_format_turn_round_trips() -> None:
    traits = ("likes hiking", "has a cat named Ash")
    assert parse_turn(format_turn(traits, "Nice to meet you.")) == ParsedTurn(traits, "Nice to meet you.")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("just chatting", "missing <profile> tag"),
        ("<profile>- a</profile>", "missing <response> tag"),
        ("<response>hi</response><profile>- a</profile>", "must come after"),
        ("<profile>- a</profile><response>hi</response> P.S. more", "text outside"),
        ("<profile>- a</profile><profile>- b</profile><response>hi</response>", "appears 2 times"),
        ("<profile>- a</profile><response>   </response>", "empty"),
    ],
)
def test_malformed_turn_raises_with_reason(text: str, reason: str) -> None:
    with pytest.raises(TurnFormatError, match=reason):
        parse_turn(text)


def test_too_many_traits_is_a_format_error() -> None:
    with pytest.raises(TurnFormatError, match=f"at most {MAX_TRAITS}"):
        parse_turn(format_turn([f"trait {i}" for i in range(MAX_TRAITS + 1)], "hi"))


def test_non_string_turn_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="must be a str, got bytes"):
        parse_turn(b"<profile></profile><response>hi</response>")  # type: ignore[arg-type]
