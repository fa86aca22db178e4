"""Parse an agent turn: a ``<profile>`` block of ``- trait`` lines, then a ``<response>`` block.

Tags are matched case-insensitively and may carry surrounding whitespace. Trait lines may start
with ``-``, ``*``, ``•`` or ``1.``/``1)``; blank lines are skipped. Only whitespace may appear
outside the two blocks, and no ``<profile>``/``<response>`` tag (opening or closing) inside the reply.
Anything else raises ``TurnFormatError`` whose message says what was wrong.

``last_user_message(messages)`` reads the message a turn answers from a ``{"role", "content"}``
transcript.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_TRAITS = 64
"""More trait lines than this is a format error (it also bounds the scorer's work)."""

_BLOCK = re.compile(
    r"\A\s*<profile>(?P<profile>.*?)</profile>\s*<response>(?P<response>.*?)</response>\s*\Z",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"</?\s*(?:profile|response)\s*>", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d{1,2}[.)])\s*")


class TurnFormatError(ValueError):
    """The agent's turn does not follow the ``<profile>`` / ``<response>`` format."""


@dataclass(frozen=True)
class ParsedTurn:
    """The inferred traits (bullets stripped, in order) and the reply to the user."""

    traits: tuple[str, ...]
    response: str


def _diagnose(text: str) -> str:
    lowered = text.lower()
    for tag in ("<profile>", "</profile>", "<response>", "</response>"):
        count = lowered.count(tag)
        if count == 0:
            return f"missing {tag} tag"
        if count > 1:
            return f"{tag} appears {count} times; expected once"
    if lowered.index("<response>") < lowered.index("</profile>"):
        return "the <response> block must come after the closing </profile> tag"
    return "text outside the <profile> and <response> blocks; only whitespace is allowed there"


def parse_turn(text: str) -> ParsedTurn:
    """Split ``text`` into traits and a reply, or raise ``TurnFormatError`` saying why it can't."""
    if not isinstance(text, str):
        raise TypeError(f"an agent turn must be a str, got {type(text).__name__}")
    match = _BLOCK.match(text)
    if match is None or "<profile>" in match["profile"].lower():
        raise TurnFormatError(_diagnose(text))
    inner_tag = _TAG.search(match["response"])
    if inner_tag is not None:
        raise TurnFormatError(f"the <response> block contains a {inner_tag[0]} tag; tags belong outside it")
    traits = tuple(
        stripped for line in match["profile"].splitlines() if (stripped := _BULLET.sub("", line, count=1).strip())
    )
    if len(traits) > MAX_TRAITS:
        raise TurnFormatError(f"{len(traits)} trait lines; at most {MAX_TRAITS} are allowed")
    response = match["response"].strip()
    if not response:
        raise TurnFormatError("the <response> block is empty")
    return ParsedTurn(traits=traits, response=response)


def format_turn(traits: tuple[str, ...] | list[str], response: str) -> str:
    """Write ``traits`` and ``response`` in the turn format (the inverse of ``parse_turn``)."""
    lines = "\n".join(f"- {trait}" for trait in traits)
    return f"<profile>\n{lines}\n</profile>\n\n<response>\n{response}\n</response>"


def last_user_message(messages: Sequence[Mapping[str, str]]) -> str:
    """The content of the latest ``"user"`` message of ``messages``, or ``""`` when there is none."""
    for message in reversed(messages):
        if message["role"] == "user":
            return message["content"]
    return ""
