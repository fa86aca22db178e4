"""The records of a calibration set: dialogue snapshots, labelled items and their JSON form.

A ``Snapshot`` is one moment of a played episode on the test split: the profile's bank id, the
public transcript up to the user message being answered, the facts disclosed so far and the
distractor profiles an alignment grade is contrasted with. A ``CalibrationItem`` pairs a snapshot
with one candidate (a reply, or profile lines) and the verdicts it must get, criterion by criterion.
``needs`` says what can decide the item: ``"rules"`` (what the rule roles are built to decide) or
``"model"`` (only a language model can: word salad, a contradiction of what the user said).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

ROLES: tuple[str, ...] = ("response_judge", "profile_scorer", "alignment_grader", "user")
Needs = Literal["rules", "model"]


@dataclass(frozen=True)
class Snapshot:
    """One dialogue state of the test split (see the module docstring)."""

    profile_id: str
    messages: tuple[Mapping[str, str], ...]
    revealed_fact_ids: tuple[str, ...]
    distractor_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data, keys in a fixed order."""
        return {
            "profile_id": self.profile_id,
            "messages": [{"role": m["role"], "content": m["content"]} for m in self.messages],
            "revealed_fact_ids": list(self.revealed_fact_ids),
            "distractor_ids": list(self.distractor_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Snapshot:
        """The inverse of ``to_dict``."""
        return cls(
            profile_id=data["profile_id"],
            messages=tuple({"role": m["role"], "content": m["content"]} for m in data["messages"]),
            revealed_fact_ids=tuple(data["revealed_fact_ids"]),
            distractor_ids=tuple(data["distractor_ids"]),
        )


@dataclass(frozen=True)
class CalibrationItem:
    """One labelled case for one role.

    Attributes:
        id: Unique in the set, e.g. ``"response_judge/003/oracle"``.
        role: One of ``ROLES``.
        kind: What the candidate is (``oracle``, ``salad``, ``hedge``, ``profile_dump``, ...).
        snapshot: The dialogue state the candidate is judged in.
        reply: The candidate reply (response judge, alignment grader, user roles), else ``""``.
        traits: The candidate profile lines (profile scorer role), else empty.
        target_fact_id: For a profile item, the fact the lines must match (``""``: they must match none).
        expected: The correct verdict per criterion this item tests.
        needs: ``"rules"`` or ``"model"`` (see the module docstring).
    """

    id: str
    role: str
    kind: str
    snapshot: Snapshot
    expected: Mapping[str, bool]
    needs: Needs = "rules"
    reply: str = ""
    traits: tuple[str, ...] = ()
    target_fact_id: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {ROLES}")
        if not self.expected:
            raise ValueError(f"item {self.id!r} tests no criterion")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data, keys in a fixed order (the set's bytes depend on it)."""
        return {
            "id": self.id,
            "role": self.role,
            "kind": self.kind,
            "needs": self.needs,
            "expected": dict(self.expected),
            "reply": self.reply,
            "traits": list(self.traits),
            "target_fact_id": self.target_fact_id,
            "snapshot": self.snapshot.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CalibrationItem:
        """The inverse of ``to_dict``."""
        return cls(
            id=data["id"],
            role=data["role"],
            kind=data["kind"],
            needs=data["needs"],
            expected=dict(data["expected"]),
            reply=data["reply"],
            traits=tuple(data["traits"]),
            target_fact_id=data["target_fact_id"],
            snapshot=Snapshot.from_dict(data["snapshot"]),
        )
