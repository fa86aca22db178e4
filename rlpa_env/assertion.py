"""What a line of text asserts: a small cue grammar in the NegEx/ConText tradition.

A profile line or a reply sentence is read as *clauses*, and each clause gets an ``AssertionStatus``:
certain or not, affirmed or negated, current/historical/hypothetical, and whether it is about the
user or someone else. A profile scorer credits a line only when it commits to something definite
about the user (``AssertionStatus.commits``); the reply checks use the same reading to find a
sentence that contradicts a fact (``contradiction``).

Rules, in the order they apply:

1. **Reading.** The text is folded (``vocabulary.fold_unicode``: NFKC, invisible characters removed,
   look-alike letters made Latin), curly quotes and apostrophes made plain, dashes and ellipses
   made ASCII, and lower-cased.
2. **Clauses.** The text splits into clauses at *terminators*: "but", "however", "although",
   "though", "whereas", "except", ", yet" (not the adverb: "not yet"), a semicolon, and a full stop
   or "!" followed by a space.
   Commas, dashes, parentheses, ellipses and "or" do not split: a tail such as "(unconfirmed)" or
   "-- just a guess" belongs to the clause it follows.
3. **Cues.** Each cue class below is a small pattern set with a category and a scope direction.
   Classes are matched in the order listed; a later class cannot use words an earlier one already
   claimed ("not sure" is uncertainty, not negation). The *content* of a clause is its words that
   are neither stop words (``rlpa_env.text.STOPWORDS``) nor part of a cue. A cue *applies* when its
   scope holds content: ``forward`` looks at the content after it, ``backward`` at the content
   before it, ``both`` at either; a forward or backward cue with no content on its own side looks
   the other way ("likes jazz, I think" is "I think: likes jazz"). A clause with no content at all
   ("but maybe not", "; unverified") is *elliptical*: its cues apply to the clause before it (to
   the next one when it comes first).

   ==================  ============  ========  ===================================================
   class               category      scope     what it is
   ==================  ============  ========  ===================================================
   question            uncertain     both      a "?" anywhere; an interrogative first word (what,
                                               which, who, why, how, whether); an inverted
                                               auxiliary first ("does the user ...", "is she ...")
   doubt               uncertain     both      a certainty word denied or prefixed away
                                               ("un-"/"not"/"non-" + sure/certain/clear/known/
                                               confirmed/verified/proven/decided/settled/checked
                                               ...), a knowledge gap ("no idea", "no clue", "who
                                               knows", "hard to say", "don't know if", "tbd"), and
                                               doubt words (doubt, dubious, questionable,
                                               debatable, tentative, speculative, hunch, rumour,
                                               iffy)
   epistemic adverb    uncertain     both      maybe, perhaps, possibly, probably, presumably,
                                               supposedly, allegedly, reportedly, apparently,
                                               seemingly, likely/unlikely, conceivably,
                                               potentially, arguably, "-ish", "kind of"/"sort of"
                                               before a verb
   epistemic verb      uncertain     forward   a belief verb in its base or -ing form, the writer's
                                               own hedge (guess, suspect, think, believe, reckon,
                                               assume, suppose, presume, imagine, bet, wager,
                                               wonder, "I'd say", "my guess"); seem/seems;
                                               "appears to"; "it looks/sounds like"; "feel like".
                                               A third-person "thinks"/"believes" is the user's own
                                               view and stays definite.
   epistemic modal     uncertain     forward   might, may (not the month), and could/must/should/
                                               ought to + "be"/"have"/"well": possibility or
                                               inference ("could be that", "must be a nurse").
                                               "could happily eat" is ability, not doubt.
   probability         uncertain     both      a percentage below 100, "percent", odds or ratios
                                               ("1 in 3", "one in four", "9 out of 10", a ratio
                                               such as "3:1" that qualifies no noun -- "16:8
                                               fasting" is a name --, a split summing to 100 such
                                               as "60/40" or "50-50"), chance(s) (not "the/every/
                                               any chance", an opportunity), odds, probability,
                                               likelihood, fifty-fifty, toss-up, coin flip. A
                                               clock time ("6:30") and "24/7" are not odds;
                                               "100%" is certainty.
   non-committal       uncertain     both      neutral, indifferent, ambivalent, mixed feelings, on
                                               the fence, no strong (view), no preference, either
                                               way, a negated aversion ("doesn't dislike",
                                               "doesn't mind", "not against")
   disjunction         uncertain     both      "or"/"/"/"vs" offering alternatives in a clause not
                                               negated before it (under a negation "or" is "nor":
                                               "doesn't like fish or shellfish"); "and/or"; and,
                                               even after a negation, "or"/"/" followed by a
                                               negation or a reversal ("or not", "or never", "/not",
                                               "or the opposite", "or vice versa", "or the reverse",
                                               "or neither", "or otherwise")
   hypothetical        hypothetical  forward   "would" + a verb other than a preference verb (rather,
                                               prefer, like, love, appreciate), unless a habit word
                                               makes it a disposition ("would skip cruises every
                                               time", always, whenever); "wants/hopes/
                                               plans/wishes/dreams/aims/aspires to be/become/have/
                                               own"; aspiring, wannabe, someday, one day; "if" the
                                               writer's own condition ("if I recall", "if so", "if
                                               anything", "if at all", "if ever", "if memory
                                               serves"); a clause that is only an "if" condition
                                               with no main clause. A habitual condition ("if jazz
                                               comes on, they change the station") is definite.
   historical          historical    both      "used to" (not "get/be used to"), formerly, former,
                                               "ex-", previously, "in the past", anymore, "any
                                               more", "no longer", quit, gave up, stopped
   other person        other         forward   a clause whose subject is someone else: someone,
                                               people, everyone, others, "most people", or "their/
                                               his/her" + friend/colleague/coworker/boss/roommate/
                                               flatmate + a verb, unless the clause goes on to name
                                               the user ("people mix them up with their brother").
                                               Family members are not "other": a line about the
                                               user's daughter is a fact about the user's family.
   negation            negated       forward   not, no, never, nor, neither, none, nothing, nobody,
                                               without, cannot and every "-n't" form
   ==================  ============  ========  ===================================================

4. **Status.** A clause is ``uncertain`` when an uncertain or hypothetical cue applies to it, else
   ``definite``; ``negated`` when a negation or historical cue applies, else ``affirmed`` (a state
   the text says no longer holds is not the current state); its temporality is ``historical`` or
   ``hypothetical`` when such a cue applies, else ``current``; its experiencer is ``other`` when an
   other-person cue applies, else ``user``. A text's status combines its clauses that have
   content (with the elliptical ones folded in): uncertain if any is, negated if any is, the first
   non-current temporality, other if any clause is about someone else; ``cue`` names the first
   cue that made it non-definite (else the first that applied).

Non-English hedges are out of scope: the cue classes are English word sets. Every function here is
pure and memoised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol

from rlpa_env.text import STOPWORDS, normalize, polarity, stem
from rlpa_env.vocabulary import NEGATORS, fold_unicode

Certainty = Literal["definite", "uncertain"]
Polarity = Literal["affirmed", "negated"]
Temporality = Literal["current", "historical", "hypothetical"]
Experiencer = Literal["user", "other"]
CueCategory = Literal["uncertain", "hypothetical", "historical", "other", "negated"]
Scope = Literal["forward", "backward", "both"]

_CACHE = 65536


@dataclass(frozen=True)
class CueClass:
    """One class of cues: a pattern over folded lower-case text, what it signals and where it looks."""

    name: str
    category: CueCategory
    scope: Scope
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Cue:
    """One cue found in a clause: its class and the words that triggered it."""

    cue_class: str
    category: CueCategory
    text: str


@dataclass(frozen=True)
class AssertionStatus:
    """What a text asserts (module docstring, rule 4)."""

    certainty: Certainty = "definite"
    polarity: Polarity = "affirmed"
    temporality: Temporality = "current"
    experiencer: Experiencer = "user"
    cue: Cue | None = None

    @property
    def commits(self) -> bool:
        """True when the text states something definite about the user (a profile line may match)."""
        return self.certainty == "definite" and self.experiencer == "user"


@dataclass(frozen=True)
class ScopedCue:
    """A cue that applies in a clause, and the character range of the clause it covers."""

    cue: Cue
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    """One clause of a text: its words, its content words with their offsets, its cues and status."""

    text: str
    content: tuple[tuple[int, str], ...]
    cues: tuple[ScopedCue, ...]
    status: AssertionStatus

    def status_at(self, position: int) -> AssertionStatus:
        """The status of the word at ``position``: only the cues whose scope covers it count."""
        return _status([scoped.cue for scoped in self.cues if scoped.start <= position < scoped.end])


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_CERTAINTY_ROOTS = (
    r"(?:sure|certain|clear|known|confirm|verif|prov|decid|determin|substantiat|settl|resolv|establish|check|definite)"
)
_NUMBER_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|(?:a )?(?:hundred|thousand|million))"
_SPLITS = "|".join(f"{a}\\s*[/:-]\\s*{100 - a}" for a in range(5, 100, 5))
_PERSON_OTHER = r"(?:friends?|colleagues?|co-?workers?|boss|roommates?|flatmates?|housemates?)"

CUE_CLASSES: tuple[CueClass, ...] = (
    CueClass(
        "question",
        "uncertain",
        "both",
        _rx(
            r"\?+|^\s*(?:what|which|who|whom|whose|why|how|whether)\b"
            r"|^\s*(?:is|are|was|were|do|does|did|can|could|would|will|has|have|should)\s+"
            r"(?:i|you|he|she|they|we|it|the user|user|this person|that person)\b"
        ),
    ),
    CueClass(
        "doubt",
        "uncertain",
        "both",
        _rx(
            rf"\b(?:un|non-?|not\s+(?:yet\s+|really\s+|fully\s+|100% |entirely\s+)?|never\s+)"
            rf"(?:been\s+)?{_CERTAINTY_ROOTS}\w*"
            r"|\bno (?:idea|clue|confirmation|proof|evidence|certainty|way to (?:know|tell))\b"
            r"|\bwho knows\b|\bhard to (?:say|tell)\b|\b(?:can't|cannot|couldn't) (?:say|tell)\b"
            r"|\b(?:don't|doesn't|do not|does not|didn't) know (?:if|whether|what|which|for sure)\b"
            r"|\b(?:dunno|idk|tbd|tba|tbc)\b|\bto be (?:confirmed|determined|decided|seen)\b"
            r"|\b(?:doubt\w*|dubious|questionabl\w+|debatabl\w+|tentativ\w*|speculat\w*|hunch\w*|rumou?r\w*"
            r"|iffy|guesswork|hypothes[ie]s|hypothetical\w*|provisional\w*|in theory|theoretically)\b"
        ),
    ),
    CueClass(
        "epistemic adverb",
        "uncertain",
        "both",
        _rx(
            r"\b(?:maybe|perhaps|possibl[ey]|probabl[ey]|presumabl[ey]|supposedly|allegedly|reportedly"
            r"|apparently|seemingly|(?:un)?likely|conceivabl[ey]|potentially|arguably|purportedly"
            r"|ostensibly|reputedly|ish)\b|(?<=\w)-ish\b"
            r"|(?<!\bwhat )(?<!\bthis )(?<!\bthat )(?<!\bany )(?<!\bsome )(?<!\bthe )(?<!\ba )\b(?:kind|sort) of\b"
            r"(?= (?:\w+s|like|love|enjoy|is|has|into|a)\b)"
        ),
    ),
    CueClass(
        "epistemic verb",
        "uncertain",
        "forward",
        _rx(
            r"\b(?:guess\w*|suspect|suspecting|think|thinking|believe|believing|reckon\w*|assum\w+|suppos\w+"
            r"|presum\w+|imagine|imagining|bet|betting|wager\w*|wonder(?:s|ed|ing)?|seem(?:s|ed|ing)?)\b"
            r"|\b(?:i'd|i would|we'd) say\b|\bmy (?:guess|bet|sense|impression)\b|\bappears? to\b"
            r"|\b(?:it|that) (?:looks|sounds) like\b|^\s*(?:looks|sounds) like\b|\bfeels? like\b"
            r"|\bgut (?:feeling|says)\b"
        ),
    ),
    CueClass(
        "epistemic modal",
        "uncertain",
        "forward",
        _rx(
            r"\bmight\b|(?<!\bin )(?<!\bof )\bmay\b(?! \d)"
            r"|\b(?:could|must|should|ought to)(?:n't| not)? (?:well |possibly |also )?(?:be|have)\b"
        ),
    ),
    CueClass(
        "probability",
        "uncertain",
        "both",
        _rx(
            r"\b(?!100\b)\d{1,2}(?:\.\d+)?\s*(?:%|percent\b|per cent\b|pct\b)|\bpercent\b|\bper cent\b"
            rf"|\b(?:\d+|{_NUMBER_WORDS}|a)\s+in\s+(?:\d+|{_NUMBER_WORDS})\b"
            rf"|\b(?:\d+|{_NUMBER_WORDS})\s+out of\s+(?:\d+|{_NUMBER_WORDS})\b"
            r"|\b(?:\d+\s*:\s*\d|\d+\s*:\s*\d{3,}|\d{3,}\s*:\s*\d+)\b(?!\s*[a-z])"
            rf"|\b(?:{_SPLITS})\b"
            r"|(?<!\bthe )(?<!\bevery )(?<!\bany )(?<!\bfirst )\bchances?\b"
            r"|\b(?:odds|probabilit\w+|likelihood|fifty[- ]fifty|toss[- ]?up|coin (?:flip|toss))\b"
        ),
    ),
    CueClass(
        "non-committal",
        "uncertain",
        "both",
        _rx(
            r"\b(?:neutral|indifferent|ambivalent|mixed feelings|on the fence|no strong \w+|no (?:real )?preference"
            r"|either way)\b"
            r"|\b(?:not|never|doesn't|don't|didn't|isn't|aren't|wasn't|won't|does not|do not|is not)\s+"
            r"(?:\w+\s+){0,2}?(?:dislik\w*|hat(?:e|es|ed|ing)|mind\w*|against|averse|detest\w*|avoid\w*|loath\w*|object\w*)\b"
        ),
    ),
    CueClass(
        "disjunction",
        "uncertain",
        "both",
        _rx(
            r"\band\s*/\s*or\b"
            r"|(?:\bor\b|/)\s*(?:not|no|never|neither|the opposite|vice versa|the reverse|otherwise|\w+n't)\b"
            r"|\bor\b|(?<=[a-z])\s*/\s*(?=[a-z])|\b(?:vs|versus)\b"
        ),
    ),
    CueClass(
        "hypothetical",
        "hypothetical",
        "forward",
        _rx(
            r"\b(?:would|'d)\b(?! (?:rather|prefer|like|love|appreciate)\b)(?=\s+\w)"
            r"(?!.*\b(?:every time|always|any day|whenever|every day|all the time)\b)"
            r"|\b(?:wants?|wanting|wanted|hopes?|hoping|plans?|planning|wish(?:es)?|wishing|dreams?|dreaming"
            r"|aims?|aspires?|would like|would love)\s+(?:of\s+)?(?:to\s+)?(?:be|become|becoming|being|have|having"
            r"|own|owning)\b"
            r"|\b(?:aspiring|wannabe|someday|one day)\b"
            r"|\bif (?:i|we|i'm|i've|so|anything|at all|ever|any|memory|my memory|correct|right|true)\b"
            r"|^\s*(?:if|unless)\b(?!.*(?:,|\bthen\b))"
        ),
    ),
    CueClass(
        "historical",
        "historical",
        "both",
        _rx(
            r"(?<!\bget )(?<!\bgets )(?<!\bgetting )(?<!\bgot )(?<!\bis )(?<!\bare )(?<!\bam )(?<!\bbe )"
            r"(?<!\bbeen )(?<!\bwas )(?<!\bwere )(?<!'s )(?<!'re )(?<!'m )\bused to\b"
            r"|\b(?:formerly|former|previously|anymore|any more|no longer|quit|quits|gave up|given up|stopped)\b"
            r"|\bex-(?=\w)|\bin the past\b"
        ),
    ),
    CueClass(
        "other person",
        "other",
        "forward",
        _rx(
            r"^\s*(?:(?:someone|somebody|people|everyone|everybody|others|most people|many people|a lot of people)\b"
            rf"|(?:their|his|her|the user's)\s+(?:\w+\s+)?{_PERSON_OTHER}\b(?!\s+and\b)(?=\s+\w+))"
            r"(?!.*\b(?:them|they|themselves|the user)\b)"
        ),
    ),
    CueClass(
        "negation",
        "negated",
        "forward",
        _rx(r"\b(?:not|no|never|nor|neither|none|nothing|nobody|without|cannot|\w+n't)\b"),
    ),
)
"""The cue grammar (module docstring, rule 3), in matching order."""

_NEGATION_BEFORE = re.compile(r"\b(?:not|no|never|nor|neither|none|without|cannot|\w+n't)\b")
_TERMINATOR = re.compile(r"\b(?:but|however|although|though|whereas|except)\b|,\s*yet\b|;|[.!](?=\s)")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_PLAIN = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "\u0060": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u2013": " - ", "\u2014": " - ", "\u2012": " - ", "\u2015": " - ",
        "\u2212": " - ", "\u2026": "...", "\u00bf": "?", "\u203d": "?!", "\u2e2e": "?",
    }
)  # fmt: skip
_UNCERTAIN_CATEGORIES = frozenset(("uncertain", "hypothetical"))
_DEFINITE = AssertionStatus()


def prepare(text: str) -> str:
    """``text`` folded, with plain quotes, ASCII dashes and ellipses, lower-cased (rule 1)."""
    if not isinstance(text, str):
        raise TypeError(f"assertion text must be a str, got {type(text).__name__}: {text!r}")
    return normalize(fold_unicode(text).translate(_PLAIN))


@dataclass(frozen=True)
class _Hit:
    cue_class: CueClass
    start: int
    end: int
    text: str


def _disjunction_is_nor(clause: str, hit: _Hit) -> bool:
    """A bare "or"/"/"/"vs" after a negation in the same clause reads as "nor" (not a hedge)."""
    bare = hit.text.strip() in ("or", "/", "vs", "versus")
    return bare and _NEGATION_BEFORE.search(clause, 0, hit.start) is not None


_ANY_CUE = re.compile("|".join(f"(?:{cue_class.pattern.pattern})" for cue_class in CUE_CLASSES))
"""Every class at once: most clauses hold no cue, and one scan tells."""


def _hits(clause: str) -> list[_Hit]:
    if _ANY_CUE.search(clause) is None:
        return []
    claimed: list[tuple[int, int]] = []
    found: list[_Hit] = []
    for cue_class in CUE_CLASSES:
        for match in cue_class.pattern.finditer(clause):
            start, end = match.span()
            if start == end or any(start < b and a < end for a, b in claimed):
                continue
            hit = _Hit(cue_class, start, end, match[0].strip())
            if cue_class.name == "disjunction" and _disjunction_is_nor(clause, hit):
                continue
            claimed.append((start, end))
            found.append(hit)
    return sorted(found, key=lambda hit: hit.start)


def _content(clause: str, hits: Iterable[_Hit]) -> list[tuple[int, str]]:
    spans = [(hit.start, hit.end) for hit in hits]
    return [
        (match.start(), match[0])
        for match in _WORD.finditer(clause)
        if match[0] not in STOPWORDS and not any(a <= match.start() < b for a, b in spans)
    ]


def _scope(hit: _Hit, content: list[tuple[int, str]], length: int) -> tuple[int, int]:
    """The range a cue covers (rule 3): its own side, or the other side when its own holds no content."""
    before = (0, hit.start) if any(position < hit.start for position, _ in content) else None
    after = (hit.end, length) if any(position >= hit.end for position, _ in content) else None
    if hit.cue_class.scope == "both" or before is None or after is None:
        return 0, length
    return after if hit.cue_class.scope == "forward" else before


def _status(cues: list[Cue]) -> AssertionStatus:
    """Rule 4 for one clause (or one word of it) from the cues that apply to it."""
    if not cues:
        return _DEFINITE
    categories = {cue.category for cue in cues}
    uncertain = next((cue for cue in cues if cue.category in _UNCERTAIN_CATEGORIES), None)
    temporal = next((cue.category for cue in cues if cue.category in ("historical", "hypothetical")), "current")
    other = next((cue for cue in cues if cue.category == "other"), None)
    return AssertionStatus(
        certainty="uncertain" if uncertain else "definite",
        polarity="negated" if categories & {"negated", "historical"} else "affirmed",
        temporality=temporal,  # type: ignore[arg-type]
        experiencer="other" if other else "user",
        cue=uncertain or other or cues[0],
    )


def _split(text: str) -> list[str]:
    parts, start = [], 0
    for match in _TERMINATOR.finditer(text):
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


@lru_cache(maxsize=_CACHE)
def clauses(text: str) -> tuple[Clause, ...]:
    """The clauses of ``text`` that have content, each with its scoped cues and status (rules 2-4).

    The cues of an elliptical clause cover the whole clause before it (the one after it when it
    comes first).
    """
    read: list[tuple[str, list[tuple[int, str]], list[ScopedCue]]] = []
    pending: list[Cue] = []
    for part in _split(prepare(text)):
        hits = _hits(part)
        content = _content(part, hits)
        cues = [Cue(hit.cue_class.name, hit.cue_class.category, hit.text) for hit in hits]
        if not content:
            if read:
                previous_text, _, previous_cues = read[-1]
                previous_cues.extend(ScopedCue(cue, 0, len(previous_text)) for cue in cues)
            else:
                pending.extend(cues)
            continue
        scoped = [ScopedCue(cue, 0, len(part)) for cue in pending]
        scoped += [ScopedCue(cue, *_scope(hit, content, len(part))) for hit, cue in zip(hits, cues, strict=True)]
        read.append((part, content, scoped))
        pending = []
    return tuple(
        Clause(part, tuple(content), tuple(scoped), _status([item.cue for item in scoped]))
        for part, content, scoped in read
    )


@lru_cache(maxsize=_CACHE)
def assertion_status(text: str) -> AssertionStatus:
    """The status of ``text`` as a whole (rule 4).

    Any non-definite clause makes the text non-definite, any negated clause makes it negated, any
    clause about someone else makes it about someone else. A text with no content at all (only
    cue and stop words, or nothing) is ``uncertain``: it asserts nothing.
    """
    read = clauses(text)
    if not read:
        return AssertionStatus(certainty="uncertain")
    return _status([scoped.cue for clause in read for scoped in clause.cues])


def asserted_span(text: str) -> str:
    """The clauses of ``text`` that commit to something about the user, joined by "; " ("" when none)."""
    return "; ".join(clause.text for clause in clauses(text) if clause.status.commits)


# --- Contradictions -------------------------------------------------------------------------------


class FactLike(Protocol):
    """What ``contradiction`` reads of a fact (``rlpa_env.profiles.types.Fact`` satisfies it)."""

    @property
    def value(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...


ContradictionReason = Literal[
    "dislike recalled as a like", "like recalled as a dislike", "denial credited", "fact denied"
]


@dataclass(frozen=True)
class Contradiction:
    """A clause of a reply that contradicts a fact, and how."""

    clause: str
    reason: ContradictionReason


_SECOND_PERSON = frozenset(("you", "your", "yours", "yourself", "you're", "you've", "you'd", "you'll"))
_POSITIVE_ATTITUDE = re.compile(
    r"\b(?:lov(?:e|es|ed|ing)|lik(?:e|es|ed|ing)|enjoy\w*|ador\w+|fan|fans|favou?rite\w*|passion\w*|into"
    r"|keen on|fond of|big on|crazy about|obsessed)\b"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_IGNORED_STEMS = frozenset(stem(word) for word in NEGATORS | {"longer"})


@lru_cache(maxsize=_CACHE)
def _name_stems(term: str) -> frozenset[str]:
    return frozenset(stem(word) for word in _WORD.findall(prepare(term)) if word not in STOPWORDS) - _IGNORED_STEMS


def _name_position(clause: Clause, fact: FactLike) -> int | None:
    """Where ``clause`` names ``fact`` (the offset of the first word of the name), else None."""
    stems = [(position, stem(word)) for position, word in clause.content]
    present = {word for _, word in stems}
    for term in (fact.value, *fact.aliases):
        wanted = _name_stems(term)
        if wanted and wanted <= present:
            return min(position for position, word in stems if word in wanted)
    return None


def _fact_is_negative(fact: FactLike) -> bool:
    if fact.kind in ("like", "dislike"):
        return fact.kind == "dislike"
    lowered = prepare(fact.text)
    return polarity(lowered) < 0 or not NEGATORS.isdisjoint(_WORD.findall(lowered))


def contradiction(sentence: str, fact: FactLike) -> Contradiction | None:
    """The first clause of ``sentence`` that, addressing the user, contradicts ``fact``; else None.

    Only definite clauses about the user that speak to them ("you", "your", ...) and name the fact
    (every content word of its value or of one alias) count; a question, a guess, a hypothetical
    or a remark about someone else asserts nothing. Such a clause contradicts:

    - a ``dislike`` fact when it is affirmed with a positive attitude word ("since you love seafood"):
      a dislike recalled as a like;
    - a ``like`` fact when it is negated or states a dislike ("you can't stand jazz"): a like
      recalled as a dislike;
    - a negative attribute ("has never been abroad") when it is affirmed: a denial credited as true;
    - a positive attribute ("has a dog") when it is negated ("you don't have a dog"): a fact denied.
    """
    negative_fact = _fact_is_negative(fact)
    for clause in clauses(sentence):
        if _SECOND_PERSON.isdisjoint(_WORD.findall(clause.text)):
            continue
        position = _name_position(clause, fact)
        if position is None:
            continue
        status = clause.status_at(position)
        if not status.commits:
            continue
        negative = status.polarity == "negated" or polarity(clause.text) < 0
        if fact.kind == "dislike":
            if not negative and _POSITIVE_ATTITUDE.search(clause.text):
                return Contradiction(clause.text, "dislike recalled as a like")
        elif fact.kind == "like":
            if negative:
                return Contradiction(clause.text, "like recalled as a dislike")
        elif negative_fact != negative:
            return Contradiction(clause.text, "denial credited" if negative_fact else "fact denied")
    return None


def contradictions(reply: str, facts: Iterable[FactLike]) -> tuple[tuple[FactLike, Contradiction], ...]:
    """Every (fact, contradiction) of ``reply``, sentence by sentence, in fact order."""
    sentences = [sentence for sentence in _SENTENCE.split(reply) if sentence.strip()]
    found = []
    for fact in facts:
        for sentence in sentences:
            hit = contradiction(sentence, fact)
            if hit is not None:
                found.append((fact, hit))
                break
    return tuple(found)
