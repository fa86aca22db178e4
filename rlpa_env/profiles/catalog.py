"""The catalog generated profiles are drawn from: categories, their values, and the facts they make.

The vocabulary itself is data, ``rlpa_env/profiles/data/catalog.toml`` (its header describes the
format); this module holds the types, the loader and the functions over them. ``load_catalog()``
reads the file once per process through ``importlib.resources`` and checks every entry, raising a
``CatalogError`` that names the entry and the problem; ``CATALOG`` is its result.

A ``CategorySpec`` groups the values of one topic (``occupation``, ``music``, ...). It says which fact
kinds the category produces (``attribute``; ``like`` and/or ``dislike``; ``style``), the default
intimacy of its facts, how many of its facts one profile may hold, and its ``topic_words``: generic
words ("pet", "pets", "animal") that make every fact of the category relevant, so that a question
like "do you have any pets?" touches all pet facts.

A ``ValueSpec`` is one value of a category. Attribute and style values carry their own third-person
``text`` and first-person ``utterances``. Like/dislike values only carry a ``noun`` phrase; the
category's like and dislike templates turn it into text and utterances, so the same value can be
liked by one user and disliked by another. Every value carries:

- ``keywords``: lower-case words specific to the value ("dog", "puppy", "walk"); a fact's keywords
  are these followed by the category's topic words. ``specific_keywords`` returns only the former,
  which is what a user should watch for to notice that the agent raised a disliked thing.
- ``aliases``: other ways to name the value that a lexical scorer should accept.
- ``tags``: the things the value involves ("meat", "cycling"). Two facts clash when they share a
  tag and exactly one of them is a dislike (disliking cycling contradicts riding a bike to work).
- ``clashes``: ``"kind:tag"`` pairs that may not sit next to this value (a vegetarian neither likes
  nor dislikes steak: the first contradicts the diet, the second is redundant with it).

``catalog_fact(category, kind, value)`` builds the ``Fact`` for one choice. Its id is
``"<category>.<kind>.<value slug>"`` (``"music.like.jazz"``) and the result is cached, so the same
choice is the same object everywhere. ``category_vocabulary()`` gives each category's values as
normalised match terms (value + aliases), which the lexical scorer uses to spot a hedging trait that
names several values of one category.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from string import Formatter
from types import MappingProxyType
from typing import Any

from rlpa_env.profiles.types import FACT_KINDS, MAX_INTIMACY, Fact, FactKind
from rlpa_env.text import normalize

CATALOG_FILE = "catalog.toml"
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ValueSpec:
    """One value of a category (see the module docstring for the fields' meaning)."""

    value: str
    keywords: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    text: str = ""
    utterances: tuple[str, ...] = ()
    noun: str = ""
    intimacy: int | None = None
    tags: tuple[str, ...] = ()
    clashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategorySpec:
    """One topic family of facts (see the module docstring)."""

    name: str
    kinds: tuple[FactKind, ...]
    intimacy: int
    max_per_profile: int
    topic_words: tuple[str, ...]
    values: tuple[ValueSpec, ...]
    like_text: str = ""
    like_utterances: tuple[str, ...] = ()
    dislike_text: str = ""
    dislike_utterances: tuple[str, ...] = ()

    def value_spec(self, value: str) -> ValueSpec:
        """The spec of ``value``; ``KeyError`` naming the known values otherwise."""
        for spec in self.values:
            if spec.value == value:
                return spec
        known = ", ".join(spec.value for spec in self.values)
        raise KeyError(f"category {self.name!r} has no value {value!r}; known values: {known}")


def _slug(value: str) -> str:
    return _SLUG.sub("_", normalize(value)).strip("_")


def fact_id(category: str, kind: str, value: str) -> str:
    """The deterministic id of a fact: ``"<category>.<kind>.<value slug>"``, e.g. ``"music.like.jazz"``."""
    return f"{category}.{kind}.{_slug(value)}"


class CatalogError(ValueError):
    """A catalog file that breaks the format; the message names the file, the entry and the problem."""


_ITEM_NAMES = {
    "kinds": "kind",
    "topic_words": "topic word",
    "keywords": "keyword",
    "tags": "tag",
    "clashes": "clash",
    "utterances": "utterance",
    "aliases": "alias",
}
"""What one item of each list is called in an error message ("keyword list is empty")."""

_CATEGORY_KEYS = frozenset({"kinds", "intimacy", "max_per_profile", "topic_words", "values"})
_TEMPLATE_KEYS = frozenset({"text", "utterances"})
_VALUE_KEYS = frozenset({"value", "keywords", "aliases", "tags", "clashes", "intimacy"})
_DESCRIBED_VALUE_KEYS = _VALUE_KEYS | {"text", "utterances"}
_NAMED_VALUE_KEYS = _VALUE_KEYS | {"noun"}
_PREFERENCE_KINDS = frozenset({"like", "dislike"})


class _Entry:
    """One table of the catalog file and where it stands, so that every error can name it."""

    def __init__(self, data: object, where: str, source: str) -> None:
        self.where, self.source = where, source
        if not isinstance(data, dict):
            raise self.error(f"expected a table, got {type(data).__name__}")
        self.data: dict[str, Any] = data

    def error(self, problem: str) -> CatalogError:
        return CatalogError(f"{self.source}: {self.where}: {problem}")

    def require_keys(self, required: frozenset[str], allowed: frozenset[str]) -> None:
        """Reject keys outside ``allowed`` (a typo would otherwise be ignored) and missing required ones."""
        for key in sorted(required):
            if key not in self.data:
                raise self.error(f"{key!r} is missing")
        for key in self.data:
            if key not in allowed:
                raise self.error(f"unknown key {key!r}; allowed keys: {', '.join(sorted(allowed))}")

    def text(self, key: str) -> str:
        value = self.data.get(key, "")
        if not isinstance(value, str):
            raise self.error(f"{key!r} must be a string, got {type(value).__name__}")
        if key in self.data and not value.strip():
            raise self.error(f"{key!r} is empty")
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f"{key!r} must be an integer, got {type(value).__name__}")
        if not low <= value <= high:
            raise self.error(f"{key!r} must be {low}..{high}, got {value}")
        return value

    def optional_integer(self, key: str, low: int, high: int) -> int | None:
        return self.integer(key, low, high) if key in self.data else None

    def strings(self, key: str, *, required: bool) -> tuple[str, ...]:
        """The list of strings under ``key``; empty lists and empty items are errors."""
        item = _ITEM_NAMES[key]
        values = self.data.get(key, [])
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise self.error(f"{key!r} must be a list of strings")
        if required and not values:
            raise self.error(f"{item} list is empty")
        for value in values:
            if not value.strip():
                raise self.error(f"{item} list has an empty {item}")
        return tuple(values)

    def words(self, key: str, *, required: bool) -> tuple[str, ...]:
        """Like ``strings``, each a single lower-case word (matching compares lower-case tokens)."""
        values = self.strings(key, required=required)
        for value in values:
            if value != value.lower() or len(value.split()) != 1:
                raise self.error(f"{_ITEM_NAMES[key]} {value!r} is not one lower-case word")
        return values


def _placeholders(entry: _Entry, template: str, allowed: frozenset[str]) -> set[str]:
    """The ``{name}`` fields of ``template``; an error for a malformed one or a name outside ``allowed``."""
    try:
        names = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
    except ValueError as error:
        raise entry.error(f"template {template!r} is malformed ({error})") from None
    for name in sorted(names - allowed):
        raise entry.error(f"template {template!r} has an unknown placeholder {{{name}}}; use {{noun}} or {{Noun}}")
    if not names:
        raise entry.error(f"template {template!r} never names the value; put {{noun}} in it")
    return names


def _template(category: _Entry, name: str, kind: str) -> tuple[str, tuple[str, ...]]:
    """The text and utterance templates of a like or dislike category."""
    if kind not in category.data:
        raise category.error(f"it makes {kind} facts, so it needs a [{name}.{kind}] table")
    entry = _Entry(category.data[kind], f"{category.where}, {kind} template", category.source)
    entry.require_keys(_TEMPLATE_KEYS, _TEMPLATE_KEYS)
    text, utterances = entry.text("text"), entry.strings("utterances", required=True)
    _placeholders(entry, text, frozenset({"noun"}))
    for utterance in utterances:
        _placeholders(entry, utterance, frozenset({"noun", "Noun"}))
    return text, utterances


def _clashes(entry: _Entry) -> tuple[str, ...]:
    clashes = entry.strings("clashes", required=False)
    for clash in clashes:
        kind, colon, tag = clash.partition(":")
        if not colon or kind not in FACT_KINDS or not tag:
            raise entry.error(f"clash {clash!r} is not 'kind:tag' with a kind of {', '.join(FACT_KINDS)}")
    return clashes


def _value(data: object, index: int, category: _Entry, described: bool) -> ValueSpec:
    name = data.get("value") if isinstance(data, dict) else None
    label = f"value {name!r}" if isinstance(name, str) else f"value #{index + 1}"
    entry = _Entry(data, f"{category.where}, {label}", category.source)
    if described:
        entry.require_keys(frozenset({"value", "text", "utterances", "keywords"}), _DESCRIBED_VALUE_KEYS)
    else:
        entry.require_keys(frozenset({"value", "keywords"}), _NAMED_VALUE_KEYS)
    return ValueSpec(
        value=entry.text("value"),
        keywords=entry.words("keywords", required=True),
        aliases=entry.strings("aliases", required=False),
        text=entry.text("text"),
        utterances=entry.strings("utterances", required=described),
        noun=entry.text("noun") or ("" if described else entry.text("value")),
        intimacy=entry.optional_integer("intimacy", 0, MAX_INTIMACY),
        tags=entry.words("tags", required=False),
        clashes=_clashes(entry),
    )


def _kinds(entry: _Entry) -> tuple[FactKind, ...]:
    kinds = entry.strings("kinds", required=True)
    for kind in kinds:
        if kind not in FACT_KINDS:
            raise entry.error(f"unknown kind {kind!r}; kinds are {', '.join(FACT_KINDS)}")
    if len(set(kinds)) != len(kinds) or (len(kinds) > 1 and not _PREFERENCE_KINDS.issuperset(kinds)):
        raise entry.error(f"kinds {list(kinds)} mix up; use ['attribute'], ['style'], or 'like' and/or 'dislike'")
    return kinds  # type: ignore[return-value]


def _check_distinct(category: _Entry, values: tuple[ValueSpec, ...]) -> None:
    """No two values of a category may share a name or a fact id ("hip hop" and "hip-hop" would)."""
    by_slug: dict[str, str] = {}
    for spec in values:
        if spec.value in by_slug.values():
            raise category.error(f"value {spec.value!r} appears twice")
        earlier = by_slug.setdefault(_slug(spec.value), spec.value)
        if earlier != spec.value:
            raise category.error(f"values {earlier!r} and {spec.value!r} make the same fact id")


def _category(name: str, data: object, source: str) -> CategorySpec:
    entry = _Entry(data, f"category {name!r}", source)
    kinds = _kinds(entry) if "kinds" in entry.data else ()
    preferences = [kind for kind in ("like", "dislike") if kind in kinds]
    entry.require_keys(_CATEGORY_KEYS, _CATEGORY_KEYS | set(preferences))
    templates = {kind: _template(entry, name, kind) for kind in preferences}
    raw_values = entry.data["values"]
    if not isinstance(raw_values, list) or not raw_values:
        raise entry.error(f"'values' must be a non-empty list of [[{name}.values]] tables")
    described = not preferences
    values = tuple(_value(data, index, entry, described) for index, data in enumerate(raw_values))
    _check_distinct(entry, values)
    like_text, like_utterances = templates.get("like", ("", ()))
    dislike_text, dislike_utterances = templates.get("dislike", ("", ()))
    return CategorySpec(
        name=name,
        kinds=kinds,
        intimacy=entry.integer("intimacy", 0, MAX_INTIMACY),
        max_per_profile=entry.integer("max_per_profile", 1, len(values)),
        topic_words=entry.words("topic_words", required=True),
        values=values,
        like_text=like_text,
        like_utterances=like_utterances,
        dislike_text=dislike_text,
        dislike_utterances=dislike_utterances,
    )


def parse_catalog(text: str, source: str = CATALOG_FILE) -> Mapping[str, CategorySpec]:
    """The categories of a catalog file's ``text``, checked entry by entry (the format is in the file's header).

    Raises:
        CatalogError: Naming ``source``, the entry and the problem, e.g.
            ``catalog.toml: category 'pet', value 'hamster': keyword list is empty``.
    """
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{source}: not valid TOML: {error}") from None
    if not tables:
        raise CatalogError(f"{source}: no categories")
    return MappingProxyType({name: _category(name, data, source) for name, data in tables.items()})


@cache
def load_catalog() -> Mapping[str, CategorySpec]:
    """The shipped catalog, ``rlpa_env/profiles/data/catalog.toml``, read and checked once per process."""
    resource = resources.files("rlpa_env.profiles") / "data" / CATALOG_FILE
    return parse_catalog(resource.read_text(encoding="utf-8"))


CATALOG: Mapping[str, CategorySpec] = load_catalog()
"""Every category by name, in the order agents should explore them (the order of the file)."""

CATEGORIES: tuple[str, ...] = tuple(CATALOG)
"""The category names of the catalog."""


def category_spec(category: str) -> CategorySpec:
    """The spec of ``category``; ``KeyError`` naming the known categories otherwise."""
    try:
        return CATALOG[category]
    except KeyError:
        raise KeyError(f"unknown category {category!r}; known categories: {', '.join(CATEGORIES)}") from None


def category_topic_words(category: str) -> tuple[str, ...]:
    """Generic words of ``category`` ("pet", "pets", ...), e.g. for an agent asking about an unexplored topic."""
    return category_spec(category).topic_words


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def catalog_fact(category: str, kind: FactKind, value: str) -> Fact:
    """The fact for choosing ``value`` of ``category`` with ``kind``; the same object on every call.

    Raises ``KeyError`` for an unknown category or value and ``ValueError`` when the category does
    not produce ``kind`` (e.g. an ``occupation`` ``like``).
    """
    spec = category_spec(category)
    if kind not in spec.kinds:
        raise ValueError(f"category {category!r} makes facts of kinds {spec.kinds}, not {kind!r}")
    value_spec = spec.value_spec(value)
    if kind in ("like", "dislike"):
        template = spec.like_text if kind == "like" else spec.dislike_text
        frames = spec.like_utterances if kind == "like" else spec.dislike_utterances
        noun = value_spec.noun
        text = template.format(noun=noun)
        utterances = tuple(frame.format(noun=noun, Noun=_capitalise(noun)) for frame in frames)
    else:
        text, utterances = value_spec.text, value_spec.utterances
    keywords = tuple(dict.fromkeys(value_spec.keywords + spec.topic_words))
    intimacy = spec.intimacy if value_spec.intimacy is None else value_spec.intimacy
    return Fact(
        id=fact_id(category, kind, value),
        category=category,
        value=value,
        text=text,
        utterances=utterances,
        keywords=keywords,
        aliases=value_spec.aliases,
        kind=kind,
        intimacy=intimacy,
    )


@lru_cache(maxsize=4096)
def specific_keywords(fact: Fact) -> tuple[str, ...]:
    """The keywords of ``fact`` that name its value rather than its category.

    A user detecting that the agent raised something it dislikes should look for these: "music" is
    not a mention of country music, "banjo" is. Facts outside the catalog keep all their keywords.
    """
    spec = CATALOG.get(fact.category)
    if spec is None:
        return fact.keywords
    generic = set(spec.topic_words)
    return tuple(word for word in fact.keywords if word not in generic)


@lru_cache(maxsize=1)
def category_vocabulary() -> Mapping[str, tuple[tuple[str, ...], ...]]:
    """For each category, for each value, its normalised match terms (the value, then its aliases)."""
    return MappingProxyType(
        {
            name: tuple(
                tuple(dict.fromkeys(normalize(term) for term in (value.value, *value.aliases))) for value in spec.values
            )
            for name, spec in CATALOG.items()
        }
    )


def value_tags(category: str, value: str) -> tuple[str, ...]:
    """The tags of one catalog value (what it involves, used for clash checks)."""
    return category_spec(category).value_spec(value).tags


def value_clashes(category: str, value: str) -> tuple[str, ...]:
    """The ``"kind:tag"`` pairs that may not appear next to this catalog value."""
    return category_spec(category).value_spec(value).clashes
