"""Profiles as JSON Lines: ``save_jsonl`` and ``load_jsonl``.

File layout: line 1 is the header ``{"schema": "rlpa-env/profiles", "version": 1}``; every further
non-blank line is one ``Profile.to_dict()``. A path ending in ``.gz`` is gzip-compressed; gzip
files are written with a zero timestamp and no embedded file name, so saving the same profiles
twice gives identical bytes.

Loading validates every line and raises ``ProfileFileError`` (a ``ValueError``) whose message names
the file, the line and the field, e.g.
``profiles.jsonl line 7: facts[2].kind: must be one of ('attribute', 'like', 'dislike', 'style'), got 'liek'``.
It covers bad JSON, a missing or wrong header or version, missing fields, wrong types, invalid
values, duplicate profile ids and anything ``Fact``/``Profile`` themselves reject.

Loading interns facts: identical fact records become one shared ``Fact`` object, so a bank of
thousands of profiles drawn from a few hundred catalog facts stays small in memory.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rlpa_env.profiles.types import FACT_KINDS, MAX_INTIMACY, TONES, VERBOSITIES, Fact, Profile, StylePreferences

SCHEMA = "rlpa-env/profiles"
VERSION = 1
HEADER: Mapping[str, Any] = {"schema": SCHEMA, "version": VERSION}

_FACT_STRINGS = ("id", "category", "value", "text")


class ProfileFileError(ValueError):
    """A profile file that cannot be read; the message names the file, line and field."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        super().__init__(f"{self.path} line {line}: {message}" if line is not None else f"{self.path}: {message}")


class _FieldError(ValueError):
    """A problem at ``field`` (a path like ``facts[2].kind``) inside one line's record."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


def save_jsonl(profiles: Iterable[Profile], path: str | Path) -> Path:
    """Write the header and one ``Profile.to_dict()`` per line to ``path``; returns the path."""
    path = Path(path)
    lines = [json.dumps(dict(HEADER))]
    lines.extend(json.dumps(profile.to_dict(), ensure_ascii=False, separators=(",", ":")) for profile in profiles)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    # mtime=0 (and gzip.compress storing no file name) makes the bytes depend on the content alone.
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path


def _require(record: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    field = f"{where}.{key}" if where else key
    if key not in record:
        raise _FieldError(field, "missing")
    value = record[key]
    # bool is an int subclass; a flag is never a valid count or level.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _FieldError(field, f"must be {kind.__name__}, got {type(value).__name__} {value!r}")
    return value


def _string_list(record: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    items = _require(record, key, list, where)
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise _FieldError(f"{where}.{key}[{index}]", f"must be str, got {type(item).__name__} {item!r}")
    return tuple(items)


def _fact(record: Any, where: str) -> Fact:
    if not isinstance(record, dict):
        raise _FieldError(where, f"must be an object, got {type(record).__name__}")
    fields: dict[str, Any] = {"aliases": (), "kind": "attribute", "intimacy": 0}
    for key in _FACT_STRINGS:
        fields[key] = _require(record, key, str, where)
    fields["utterances"] = _string_list(record, "utterances", where)
    fields["keywords"] = _string_list(record, "keywords", where)
    if "aliases" in record:
        fields["aliases"] = _string_list(record, "aliases", where)
    if "kind" in record:
        fields["kind"] = _require(record, "kind", str, where)
        if fields["kind"] not in FACT_KINDS:
            raise _FieldError(f"{where}.kind", f"must be one of {FACT_KINDS}, got {fields['kind']!r}")
    if "intimacy" in record:
        fields["intimacy"] = _require(record, "intimacy", int, where)
        if not 0 <= fields["intimacy"] <= MAX_INTIMACY:
            raise _FieldError(f"{where}.intimacy", f"must be 0..{MAX_INTIMACY}, got {fields['intimacy']!r}")
    try:
        return Fact(**fields)
    except ValueError as error:
        raise _FieldError(where, str(error)) from None


def _style(record: Mapping[str, Any]) -> StylePreferences:
    if "style" not in record:
        return StylePreferences()
    style = _require(record, "style", dict, "")
    unknown = sorted(set(style) - {"verbosity", "tone"})
    if unknown:
        raise _FieldError(f"style.{unknown[0]}", "unknown field; expected verbosity and tone")
    for key, allowed in (("verbosity", VERBOSITIES), ("tone", TONES)):
        if key in style and style[key] not in allowed:
            raise _FieldError(f"style.{key}", f"must be one of {allowed}, got {style[key]!r}")
    return StylePreferences(**style)


class _FactInterner:
    """Returns one shared ``Fact`` for every identical fact record it sees."""

    def __init__(self) -> None:
        self._facts: dict[str, Fact] = {}

    def fact(self, record: Any, where: str) -> Fact:
        key = json.dumps(record, sort_keys=True) if isinstance(record, dict) else None
        if key is not None and key in self._facts:
            return self._facts[key]
        fact = _fact(record, where)
        if key is not None:
            self._facts[key] = fact
        return fact


def _profile(record: Any, interner: _FactInterner) -> Profile:
    if not isinstance(record, dict):
        raise _FieldError("", f"a profile must be a JSON object, got {type(record).__name__}")
    profile_id = _require(record, "id", str, "")
    if not profile_id:
        raise _FieldError("id", "must not be empty")
    facts = _require(record, "facts", list, "")
    if not facts:
        raise _FieldError("facts", "must hold at least one fact")
    built = tuple(interner.fact(fact, f"facts[{index}]") for index, fact in enumerate(facts))
    style = _style(record)
    persona = _require(record, "persona", str, "") if "persona" in record else ""
    try:
        return Profile(id=profile_id, facts=built, style=style, persona=persona)
    except ValueError as error:
        raise _FieldError("facts", str(error)) from None


def _check_header(record: Any) -> None:
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        raise _FieldError("schema", f"the first line must be the header {json.dumps(dict(HEADER))}, got {record!r}")
    version = record.get("version")
    if version != VERSION:
        raise _FieldError("version", f"unsupported version {version!r}; this reader understands version {VERSION}")


def parse_json_line(path: Path, number: int, line: str) -> Any:
    """The JSON value on line ``number`` of ``path``; ``ProfileFileError`` when it is not valid JSON."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise ProfileFileError(path, number, f"not valid JSON ({error.msg} at column {error.colno})") from None


def read_numbered_lines(path: Path) -> list[tuple[int, str]]:
    """The file's non-blank lines with their 1-based numbers; unreadable content is a ``ProfileFileError``."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            return [(number, line) for number, line in enumerate(handle, start=1) if line.strip()]
    except FileNotFoundError:
        raise
    except (OSError, EOFError, UnicodeDecodeError) as error:
        encoding = "gzip-compressed UTF-8" if path.suffix == ".gz" else "UTF-8"
        raise ProfileFileError(path, None, f"cannot be read as {encoding} text ({error})") from None


def load_jsonl(path: str | Path) -> list[Profile]:
    """Read the profiles saved by ``save_jsonl``; ``ProfileFileError`` on any malformed line."""
    path = Path(path)
    lines = read_numbered_lines(path)
    if not lines:
        raise ProfileFileError(path, 1, f"schema: the file is empty; expected the header {json.dumps(dict(HEADER))}")
    header_number, header_line = lines[0]
    try:
        _check_header(parse_json_line(path, header_number, header_line))
    except _FieldError as error:
        raise ProfileFileError(path, header_number, str(error)) from None
    interner = _FactInterner()
    profiles: list[Profile] = []
    first_line_of: dict[str, int] = {}
    for number, line in lines[1:]:
        try:
            profile = _profile(parse_json_line(path, number, line), interner)
        except _FieldError as error:
            raise ProfileFileError(path, number, str(error)) from None
        if profile.id in first_line_of:
            message = f"id: duplicate profile id {profile.id!r} (first on line {first_line_of[profile.id]})"
            raise ProfileFileError(path, number, message)
        first_line_of[profile.id] = number
        profiles.append(profile)
    return profiles
