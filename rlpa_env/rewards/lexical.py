"""``LexicalProfileScorer``: the default profile reward, fast enough to run on every env step.

Rules, in the order they apply:

1. **Reading text.** Traits and facts are normalised (``vocabulary.fold_unicode`` -- NFKC, invisible
   characters removed, look-alike letters folded -- then ``rlpa_env.text.normalize``), a few idioms whose
   meaning is positive are rewritten to one word ("doesn't eat meat" -> "vegetarian", "sci-fi" ->
   "scifi", "allergic" -> "allergy"), and the non-stop-words become *concepts*: a synonym table
   (``rewards/data/lexicon.toml``, with the generic words, checked on load) maps
   common paraphrases to one concept (pediatric/children/kids -> child, puppy/canine/retriever -> dog,
   job/work/career -> job, ...), every other word becomes its stem. Some concepts are *generic*
   ("job", "music", "food", "lives", "fan", relation words such as "dislikes" or "hates", ...): they
   never count as evidence on their own, so a bare category or relation word matches nothing.
   A trait that commits to nothing definite about the user (``rlpa_env.assertion``'s cue grammar:
   a guess, a question, doubt in a parenthesis or a dash tail, "or not"/"or the opposite", a
   probability, a hypothetical, a neutral or non-committal stance, a line about someone else)
   matches nothing, and a trait that says a state no longer holds ("used to be vegan") is negative.
2. **Hedging.** A trait is a list of guesses, and matches nothing, when it names (through the
   category vocabulary, per category and value the normalised terms that name it) three or more
   values of one category, four or more values in all, or two values of one category together with
   a hedge marker ("or", "either", "maybe", "possibly", "perhaps", "/"). Without the vocabulary, a
   hedge marker joining three or more alternatives ("jazz, blues or rock") is also a list. "Likes jazz
   and blues" (two values, no marker) is not a hedge: it may match one of the two facts. In a
   negative trait "or" means "nor" ("doesn't like jazz or blues") and is not a marker. A vocabulary
   term inside a longer term of another value does not count ("rock" inside "rock climbing").
   2b. Across lines: when the profile's lines name more distinct values of a category than one
   user holds (``max_values_per_category``, the catalog's ``max_per_profile``: one style, one
   occupation, ...; or, when more, the number of that category's values the scored facts' own texts
   name), every line naming a value of that category matches nothing -- listing all six answer
   styles is a guess, not an inference.
3. **Polarity.** A pair can match only when both sides agree (rule 4 refines this for negative
   terms): a ``dislike`` fact is negative, a ``like`` fact positive, and an ``attribute``/``style``
   fact takes the polarity of its own text, so "has never been abroad" pairs with "has never
   travelled abroad". A text is negative when ``rlpa_env.text.polarity`` says so, it contains a plain
   negator ("not", "no", "never", "isn't", ...) or an idiom such as "can't sit through".
4. **Strong evidence** (similarity 0.75..1): the trait contains every concept, generic ones
   included, of one of the fact's match terms (its value, its aliases, and the terms the vocabulary
   lists for that value), so "long answers" is not found in "a long trip"; no longer vocabulary term
   of another value contains the term's specific concepts; and the trait's polarity is the fact's
   times the term's, so a negative alias carries its own negation ("no longer works" for a
   "retired" fact). The similarity grows with the share of the trait's specific concepts the term
   explains, so the more specific fact wins a contested trait.
5. **Fallback** (paraphrases that name no term): with ``s`` the specific concepts shared by the
   trait and the fact's text+value (not its aliases: a negative alias such as "no longer works"
   must not let "long." match "is retired"), ``t`` the trait's specific concepts and ``f`` those of
   the fact's text+value, similarity = (s/t)^0.75 * (s/f)^0.25, which weighs "everything the trait
   says is in the fact" above "the trait covers the whole fact". The shared concepts must include
   one that is not a category topic word or a bare qualifier ("language", "pet", "reading" name a
   category, not a value; "long." is not "has a long train commute"). A trait that names a
   vocabulary value is not compared this way with a fact whose value is in the vocabulary (a
   catalog fact): naming a different value is a clear miss, not a partial match.
6. **Matching.** A pair matches when its similarity is at least ``threshold`` (default 0.55). Lines
   equal after normalisation (case, punctuation, whitespace, Unicode; ``trait_key``) count once
   toward matches (the first one is reported) but all count toward precision. The matching is a
   maximum-cardinality bipartite matching (augmenting paths, so
   the number of matches is exactly the largest possible); traits are visited from the most to the
   least similar and each tries its facts from the most similar down, so among maximum matchings it
   prefers high similarities. P/R/F1 then follow ``ProfileScore.from_counts``.

Speed: per-fact analysis is cached by fact, per-trait analysis by trait string, and each fact list
(keyed by the identities of its facts, so a revealed subset rebuilt every step still hits) memoises
the candidate facts of every trait it has seen, so a steady-state ``score`` call is a few dictionary
lookups and a tiny matching. The per-scorer caches are plain dicts, dropped when the scorer is
pickled (they are keyed by object identities, which do not survive a process boundary).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from rlpa_env.assertion import assertion_status
from rlpa_env.profiles.catalog import CATALOG
from rlpa_env.profiles.types import Fact
from rlpa_env.rewards.base import ProfileScore, TraitMatch
from rlpa_env.text import STOPWORDS, normalize, polarity, stem, tokens
from rlpa_env.vocabulary import NEGATORS, fold_unicode

Vocabulary = Mapping[str, tuple[tuple[str, ...], ...]]
"""Per category, per value, the normalised terms that name that value."""

DEFAULT_THRESHOLD = 0.55
STRONG_BASE = 0.75
MAX_VALUES_PER_CATEGORY = 2
MAX_VALUES_PER_TRAIT = 3
MAX_HEDGED_ALTERNATIVES = 2
_CACHE_LIMIT = 4096
_TRAIT_CACHE_LIMIT = 65536

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(?:doesn't|does not|don't|do not|never|won't) eats? (?:any )?(?:meat|animal flesh)\b", "vegetarian"),
        (r"\bno meat\b|\bmeat[- ]?free\b|\bavoids? meat\b|\bmeatless\b", "vegetarian"),
        (r"\b(?:doesn't|does not|don't|do not|never) (?:eat|use|consume)s? (?:any )?animal products\b", "vegan"),
        (r"\bplant[- ]based\b", "vegan"),
        (r"\b(?:doesn't|does not|don't|do not|never) drinks?(?: any)? (?:alcohol|booze)\b", "teetotal"),
        (r"\b(?:doesn't|does not|don't|do not|never) drinks?\s*$", "teetotal"),
        (r"\bnon[- ]?drinker\b|\bavoids? alcohol\b|\balcohol[- ]free\b|\bsober\b", "teetotal"),
        (r"\b(?:has no|have no|doesn't have|does not have|don't have|without|no) (?:kids|children)\b", "childfree"),
        (r"\bchild[- ]?free\b|\bchildless\b", "childfree"),
        (r"\b(?:has no|doesn't have|does not have) (?:siblings|brothers or sisters)\b|\bonly child\b", "onlychild"),
        (r"\bsci[- ]?fi\b|\bscience fiction\b", "scifi"),
        (r"\bhip[- ]?hop\b", "hiphop"),
        (r"\ballergic\b", "allergy"),
        (r"\bin[- ]depth\b", "detailed"),
        (r"\blaid[- ]back\b", "casual"),
        (r"\b(?:straight )?to the point\b", "concise"),
        (r"\bvideo ?games?\b", "gaming"),
        (r"\bwork(?:s|ing)? out\b", "gym"),
    )
)
"""Idioms rewritten before anything else: most state a positive attribute in negative words, which
would otherwise flip the trait's polarity."""

_EXTRA_NEGATIVE = re.compile(
    r"\b(?:can't|cannot) (?:sit through|bear|handle|stomach)\b|\bsteers? clear\b|\bstays? away from\b"
    r"|\bturned off by\b|\bnot (?:big on|keen on|one for)\b"
)
_HEDGE_WORDS = frozenset(("or", "either", "maybe", "possibly", "perhaps"))
_ALTERNATIVE_SPLIT = re.compile(r"[,;/]|\b(?:or|either|maybe|possibly|perhaps)\b")


LEXICON_FILE = "lexicon.toml"


class LexiconError(ValueError):
    """A lexicon file that breaks its format; the message names the file, the entry and the problem."""


def _words(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise LexiconError(f"{where}: expected a non-empty list of words, got {value!r}")
    for word in value:
        if not isinstance(word, str) or not re.fullmatch(r"[a-z][a-z'-]*", word):
            raise LexiconError(f"{where}: {word!r} is not one lower-case word")
    return value


def parse_lexicon(text: str, source: str = LEXICON_FILE) -> tuple[dict[str, str], tuple[str, ...]]:
    """The word -> concept table and the generic words of a lexicon file's ``text`` (format: its header).

    Raises:
        LexiconError: Naming ``source``, the entry and the problem, e.g.
            ``lexicon.toml: synonyms.dog: 'Puppy' is not one lower-case word``.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LexiconError(f"{source}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - {"generic", "synonyms"})
    if unknown or "generic" not in data or "synonyms" not in data:
        raise LexiconError(f"{source}: expected exactly the keys 'generic' and 'synonyms', got {sorted(data)}")
    synonyms = data["synonyms"]
    if not isinstance(synonyms, dict) or not synonyms:
        raise LexiconError(f"{source}: synonyms: expected a table of concept = [words]")
    table: dict[str, str] = {}
    for concept, words in synonyms.items():
        for word in _words(words, f"{source}: synonyms.{concept}"):
            if word in table:
                raise LexiconError(f"{source}: synonyms.{concept}: {word!r} is already a word of {table[word]!r}")
            table[word] = concept
    return table, tuple(_words(data["generic"], f"{source}: generic"))


def _load_lexicon() -> tuple[dict[str, str], tuple[str, ...]]:
    """The shipped lexicon, ``rlpa_env/rewards/data/lexicon.toml``, read and checked once per process."""
    resource = resources.files("rlpa_env.rewards") / "data" / LEXICON_FILE
    return parse_lexicon(resource.read_text(encoding="utf-8"))


_CONCEPT_OF_WORD, _GENERIC_WORDS = _load_lexicon()


def _concept(word: str) -> str:
    word = word.removesuffix("'s")
    return _CONCEPT_OF_WORD.get(word) or stem(word)


GENERIC_CONCEPTS: frozenset[str] = frozenset(_concept(word) for word in _GENERIC_WORDS)
"""Concepts too broad to count as evidence on their own ("likes music" says nothing specific)."""

CATEGORY_CONCEPTS: frozenset[str] = frozenset(
    _concept(word)
    for spec in CATALOG.values()
    for word in (spec.name, *spec.topic_words, "long", "little", "small", "lot", "every", "day")
)
"""Concepts that name a category ("pet", "language", "reading") or only qualify one ("long"): a
fallback match needs more than these."""


_ANY_REWRITE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _REWRITES))


@lru_cache(maxsize=65536)
def _rewrite(text: str) -> str:
    """``text`` normalised, with the idioms of ``_REWRITES`` replaced."""
    text = normalize(text if text.isascii() else fold_unicode(text))
    if _ANY_REWRITE.search(text) is None:
        return text
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=65536)
def concepts(text: str) -> frozenset[str]:
    """The concepts of ``text`` (rule 1 of the module docstring), generic ones included."""
    return frozenset(_concept(word) for word in tokens(_rewrite(text)) if word not in STOPWORDS)


def specific(concept_set: frozenset[str]) -> frozenset[str]:
    """``concept_set`` without its generic concepts."""
    return concept_set - GENERIC_CONCEPTS


def _polarity(rewritten: str, words: Sequence[str]) -> int:
    if polarity(rewritten) < 0 or _EXTRA_NEGATIVE.search(rewritten) or not NEGATORS.isdisjoint(words):
        return -1
    return 1


@dataclass(frozen=True, eq=False)
class _Term:
    """A match term: all its concepts (``full``), the specific ones (``core``) and its polarity.

    A trait contains the term when it contains ``full``: generic words inside a term are part of
    its meaning ("long answers" is not "a long trip"). Shadowing and coverage use ``core``.
    """

    full: frozenset[str]
    core: frozenset[str]
    polarity: int


@lru_cache(maxsize=65536)
def _term(text: str) -> _Term | None:
    """The match term for ``text``, or None when it has no specific concept."""
    full = concepts(text)
    core = specific(full)
    if not core:
        return None
    rewritten = _rewrite(text)
    return _Term(full=full, core=core, polarity=_polarity(rewritten, tokens(rewritten)))


def _terms(texts: Sequence[str]) -> tuple[_Term, ...]:
    return tuple(dict.fromkeys(term for text in texts if (term := _term(text)) is not None))


@dataclass(frozen=True, eq=False)
class _VocabularyTerm:
    category: str
    value_index: int
    term: _Term


class _VocabularyIndex:
    """The category vocabulary as concept sets, indexed by one concept of each term."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.terms_of_value: dict[tuple[str, int], tuple[_Term, ...]] = {}
        self._by_concept: dict[str, list[_VocabularyTerm]] = {}
        self._by_name: dict[tuple[str, str], int] = {}
        for category, values in vocabulary.items():
            # A value's own name wins over another value's alias that happens to spell it.
            ordered = sorted(
                (position, value_index, term)
                for value_index, terms in enumerate(values)
                for position, term in enumerate(terms)
            )
            for _, value_index, term in ordered:
                self._by_name.setdefault((category, normalize(term)), value_index)
            for value_index, value_terms in enumerate(values):
                terms = self.terms_of_value[category, value_index] = _terms(value_terms)
                for term in terms:
                    self._by_concept.setdefault(min(term.core), []).append(_VocabularyTerm(category, value_index, term))

    def present(self, trait_concepts: frozenset[str]) -> list[_VocabularyTerm]:
        """The vocabulary terms that ``trait_concepts`` contains."""
        return [
            entry
            for concept in trait_concepts
            for entry in self._by_concept.get(concept, ())
            if entry.term.full <= trait_concepts
        ]

    def value_of(self, fact: Fact) -> tuple[str, int] | None:
        """The vocabulary value ``fact`` states: the first of its category with ``fact.value`` as a term."""
        value_index = self._by_name.get((fact.category, normalize(fact.value)))
        return None if value_index is None else (fact.category, value_index)


@dataclass(frozen=True, eq=False)
class _TraitAnalysis:
    key: str
    polarity: int
    concepts: frozenset[str]
    specific: frozenset[str]
    hedged: bool
    named_categories: frozenset[str]
    named_values: frozenset[tuple[str, int]]
    present: tuple[tuple[frozenset[str], tuple[str, int]], ...]


def _has_hedge_marker(rewritten: str, words: Sequence[str], negative: bool) -> bool:
    markers = _HEDGE_WORDS.intersection(words)
    if negative:
        markers -= {"or"}
    return bool(markers) or "/" in rewritten


def _count_alternatives(rewritten: str) -> int:
    return sum(1 for part in _ALTERNATIVE_SPLIT.split(rewritten) if specific(concepts(part)))


def _analyse_trait(trait: str, vocabulary: _VocabularyIndex) -> _TraitAnalysis:
    if not isinstance(trait, str):
        raise TypeError(f"each trait must be a str, got {type(trait).__name__}: {trait!r}")
    rewritten = _rewrite(trait)
    words = tokens(rewritten)
    status = assertion_status(trait)
    trait_polarity = -1 if status.temporality == "historical" else _polarity(rewritten, words)
    trait_concepts = concepts(trait)
    present = vocabulary.present(trait_concepts)
    named = {
        (entry.category, entry.value_index)
        for entry in present
        if not any(
            entry.term.core < other.term.core
            and (other.category, other.value_index) != (entry.category, entry.value_index)
            for other in present
        )
    }
    per_category: dict[str, int] = {}
    for category, _ in named:
        per_category[category] = per_category.get(category, 0) + 1
    has_marker = _has_hedge_marker(rewritten, words, trait_polarity < 0)
    hedged = (
        len(named) > MAX_VALUES_PER_TRAIT
        or any(count > MAX_VALUES_PER_CATEGORY for count in per_category.values())
        or (has_marker and any(count >= 2 for count in per_category.values()))
        or (has_marker and _count_alternatives(rewritten) > MAX_HEDGED_ALTERNATIVES)
    )
    return _TraitAnalysis(
        key=" ".join(words),
        polarity=trait_polarity,
        concepts=trait_concepts,
        specific=specific(trait_concepts),
        hedged=hedged or not status.commits,
        named_categories=frozenset(per_category),
        named_values=frozenset(named),
        present=tuple((entry.term.core, (entry.category, entry.value_index)) for entry in present),
    )


@dataclass(frozen=True, eq=False)
class _FactAnalysis:
    """What the scorer needs of one fact, independent of the vocabulary."""

    polarity: int
    terms: tuple[_Term, ...]
    bag: frozenset[str]
    text_size: int


@lru_cache(maxsize=65536)
def _analyse_fact(fact: Fact) -> _FactAnalysis:
    if fact.kind == "dislike":
        fact_polarity = -1
    elif fact.kind == "like":
        fact_polarity = 1
    else:
        rewritten = _rewrite(fact.text)
        fact_polarity = _polarity(rewritten, tokens(rewritten))
    terms = _terms((fact.value, *fact.aliases))
    bag = specific(concepts(fact.text)) | specific(concepts(fact.value))
    return _FactAnalysis(polarity=fact_polarity, terms=terms, bag=bag, text_size=len(bag))


@dataclass(frozen=True, eq=False)
class _FactView:
    """A fact as one scorer sees it: its analysis plus what the vocabulary says about it."""

    analysis: _FactAnalysis
    terms: tuple[_Term, ...]
    cores: frozenset[frozenset[str]]
    own_value: tuple[str, int] | None


Edges = tuple[tuple[int, float], ...]


class _FactIndex:
    """One fact list, with the candidate facts (and similarities) of every trait seen so far."""

    def __init__(self, facts: tuple[Fact, ...], vocabulary: _VocabularyIndex, threshold: float) -> None:
        self.facts = facts
        named: dict[str, set[int]] = {}
        for fact in facts:
            for category, value_index in _analyse_trait(fact.text, vocabulary).named_values:
                named.setdefault(category, set()).add(value_index)
        self.values_per_category = {category: len(values) for category, values in named.items()}
        self._threshold = threshold
        self._views = tuple(self._view(fact, vocabulary) for fact in facts)
        self._edges: dict[str, Edges] = {}

    @staticmethod
    def _view(fact: Fact, vocabulary: _VocabularyIndex) -> _FactView:
        analysis = _analyse_fact(fact)
        own_value = vocabulary.value_of(fact)
        terms = analysis.terms
        if own_value is not None:
            terms = tuple(dict.fromkeys((*terms, *vocabulary.terms_of_value[own_value])))
        cores = frozenset(term.core for term in terms)
        return _FactView(analysis, terms, cores, own_value)

    def edges(self, trait: _TraitAnalysis) -> Edges:
        """The facts ``trait`` may match, as ``(position, similarity)`` from the most similar down."""
        edges = self._edges.get(trait.key)
        if edges is None:
            if len(self._edges) >= _CACHE_LIMIT:
                self._edges.clear()
            edges = self._edges[trait.key] = self._compute_edges(trait)
        return edges

    def _compute_edges(self, trait: _TraitAnalysis) -> Edges:
        if not trait.specific:
            return ()
        found = []
        for position, view in enumerate(self._views):
            similarity = _similarity(trait, view)
            if similarity >= self._threshold:
                found.append((position, similarity))
        found.sort(key=lambda edge: (-edge[1], edge[0]))
        return tuple(found)


def _similarity(trait: _TraitAnalysis, view: _FactView) -> float:
    """Rules 4 and 5 of the module docstring; 0 when polarities disagree."""
    fact_polarity = view.analysis.polarity
    best = 0.0
    for term in view.terms:
        if (
            term.full <= trait.concepts
            # A negative term ("no longer works" for "retired") carries the trait's negation itself.
            and trait.polarity == fact_polarity * term.polarity
            and not any(
                term.core < other and value != view.own_value and other not in view.cores
                for other, value in trait.present
            )
        ):
            best = max(best, STRONG_BASE + (1 - STRONG_BASE) * len(term.core) / len(trait.specific))
    if best or trait.polarity != fact_polarity or (trait.named_categories and view.own_value is not None):
        return best
    common = trait.specific & view.analysis.bag
    if common <= CATEGORY_CONCEPTS:
        return 0.0
    shared = len(common)
    return min(1.0, (shared / len(trait.specific)) ** 0.75 * (shared / view.analysis.text_size) ** 0.25)


def _maximum_matching(rows: Sequence[Edges], n_facts: int) -> list[tuple[int, float] | None]:
    """Per fact position, the (row, similarity) that owns it in a maximum-cardinality matching.

    Kuhn's augmenting paths: exact for the number of matches. Rows are tried from the one with the
    most similar best fact down, and each row tries its facts from the most similar down.
    """
    owner: list[tuple[int, float] | None] = [None] * n_facts

    def augment(row: int, visited: set[int]) -> bool:
        for position, similarity in rows[row]:
            if position in visited:
                continue
            visited.add(position)
            current = owner[position]
            if current is None or augment(current[0], visited):
                owner[position] = (row, similarity)
                return True
        return False

    for row in sorted(range(len(rows)), key=lambda r: -rows[r][0][1]):
        augment(row, set())
    return owner


class LexicalProfileScorer:
    """Word-level profile scorer: synonyms, polarity, hedge detection and one-to-one matching.

    Args:
        threshold: The least similarity (0..1) at which a trait and a fact match.
        vocabulary: Per category, per value, the normalised terms naming it; used to spot hedges and
            to tell a different value of a category from a paraphrase. Defaults (on first use) to
            ``rlpa_env.profiles.catalog.category_vocabulary()``.
        max_values_per_category: Per category, the most values one user holds; a profile whose
            lines name more values of a category is guessing, and those lines match nothing.
            Defaults to the catalog's ``max_per_profile`` with the default vocabulary, else no limit.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        vocabulary: Vocabulary | None = None,
        max_values_per_category: Mapping[str, int] | None = None,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        if max_values_per_category is None:
            max_values_per_category = (
                {name: spec.max_per_profile for name, spec in CATALOG.items()} if vocabulary is None else {}
            )
        self.max_values_per_category = dict(max_values_per_category)
        self.threshold = threshold
        self._vocabulary_source = vocabulary
        self._vocabulary_index: _VocabularyIndex | None = None
        self._indexes: dict[tuple[int, ...], _FactIndex] = {}
        self._traits: dict[str, _TraitAnalysis] = {}

    def __getstate__(self) -> dict[str, Any]:
        # The caches are keyed by object identities, which mean nothing in another process.
        return {**self.__dict__, "_indexes": {}, "_traits": {}}

    @property
    def _vocabulary(self) -> _VocabularyIndex:
        if self._vocabulary_index is None:
            source = self._vocabulary_source
            if source is None:
                from rlpa_env.profiles.catalog import category_vocabulary

                source = category_vocabulary()
            self._vocabulary_index = _VocabularyIndex(source)
        return self._vocabulary_index

    def _analyse(self, trait: str) -> _TraitAnalysis:
        analysis = self._traits.get(trait) if isinstance(trait, str) else None
        if analysis is None:
            analysis = _analyse_trait(trait, self._vocabulary)
            if len(self._traits) >= _TRAIT_CACHE_LIMIT:
                self._traits.clear()
            self._traits[trait] = analysis
        return analysis

    def _overclaimed(self, analyses: Sequence[_TraitAnalysis], held: Mapping[str, int]) -> frozenset[str]:
        """Categories whose lines name more distinct values than this user can hold (rule 2b).

        The limit of a category is the larger of ``max_values_per_category`` and ``held``, the number
        of its values the scored facts' own texts name: an imported persona may hold two family facts
        ("is married", "has two sons") where a generated profile holds one.
        """
        named: dict[str, set[int]] = {}
        for analysis in analyses:
            if not analysis.hedged:
                for category, value_index in analysis.named_values:
                    named.setdefault(category, set()).add(value_index)
        limits = self.max_values_per_category
        return frozenset(
            c for c, values in named.items() if len(values) > max(limits.get(c, len(values)), held.get(c, 0))
        )

    def _index(self, facts: Sequence[Fact]) -> _FactIndex:
        # Facts are shared by identity between a profile and its revealed subsets, so the ids of the
        # facts identify the list; the index holds the facts, so the ids stay theirs while it lives.
        key = tuple(map(id, facts))
        index = self._indexes.get(key)
        if index is None:
            if len(self._indexes) >= _CACHE_LIMIT:
                self._indexes.clear()
            index = self._indexes[key] = _FactIndex(tuple(facts), self._vocabulary, self.threshold)
        return index

    def score(self, traits: Sequence[str], facts: Sequence[Fact]) -> ProfileScore:
        """Match ``traits`` to ``facts`` one-to-one (module docstring) and return P/R/F1 with the matches."""
        if isinstance(traits, str):
            raise TypeError("traits must be a sequence of strings, one trait each, not a single str")
        if not traits or not facts:
            return ProfileScore.from_counts(0, len(traits), len(facts))
        index = self._index(facts)
        analyses = [self._analyse(trait) for trait in traits]
        overclaimed = self._overclaimed(analyses, index.values_per_category)
        seen: set[str] = set()
        trait_indices: list[int] = []
        rows: list[Edges] = []
        for trait_index, analysis in enumerate(analyses):
            # A hedged line shares its key with its definite form: it must neither match nor shadow it.
            if analysis.hedged or analysis.key in seen or not overclaimed.isdisjoint(analysis.named_categories):
                continue
            seen.add(analysis.key)
            edges = index.edges(analysis)
            if edges:
                trait_indices.append(trait_index)
                rows.append(edges)
        owners = _maximum_matching(rows, len(index.facts))
        matches = tuple(
            TraitMatch(trait_index=trait_indices[row], fact_id=index.facts[position].id, similarity=similarity)
            for row, position, similarity in sorted(
                (owner[0], position, owner[1]) for position, owner in enumerate(owners) if owner is not None
            )
        )
        return ProfileScore.from_counts(len(matches), len(traits), len(facts), matches)


def trait_key(trait: str) -> str | None:
    """The normalised form of a profile line, or ``None`` when the line can match no fact.

    Two lines with the same key are one line (case, punctuation, whitespace and Unicode do not
    count). A line matches nothing when it commits to nothing definite about the user
    (``assertion_status(trait).commits`` is false) or has no specific concept (a bare category or
    relation word). The embedding and LLM scorers apply the same gate before their own matching.
    """
    rewritten = _rewrite(trait)
    if not assertion_status(trait).commits or not specific(concepts(trait)) - CATEGORY_CONCEPTS:
        return None
    return " ".join(tokens(rewritten))
