"""Small builders shared by the test modules."""

from __future__ import annotations

from rlpa_env.profiles.types import Fact


def make_fact(fact_id: str, value: str, text: str, utterance: str, keywords: tuple[str, ...], **extra: object) -> Fact:
    """A ``Fact`` whose category is the id's first dotted part and whose one utterance is ``utterance``."""
    return Fact(
        id=fact_id,
        category=fact_id.split(".")[0],
        value=value,
        text=text,
        utterances=(utterance,),
        keywords=keywords,
        **extra,  # type: ignore[arg-type]
    )
