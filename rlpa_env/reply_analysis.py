"""The reply analysis: one reading of an agent's reply, shared by the scripted user and the rule judge.

``analyze_reply(reply, profile, user_messages, revealed_fact_ids, ...)`` returns a ``ReplySignals``
record. Because the user and the judge read the same record, they never disagree about what a reply
did. This module imports only text helpers and profile types; callers adapt their own state (a
``DialogueState``, a ``JudgeContext``) to its arguments. The rules:

- Text aimed at a grader is looked for after ``vocabulary.fold_unicode`` (NFKC, invisible
  characters removed, look-alike letters folded), so hidden-Unicode spellings are caught too.
- The reply is split into sentences at ``.``, ``!``, ``?`` and line breaks; a sentence whose end
  punctuation contains ``?`` is a question. Words are read through ``rlpa_env.text``.
- A fact is *mentioned* when a sentence contains one of its keywords or its value (every content
  word of a multi-word keyword or value: "social media drama" is named by its value even where no
  keyword says "social media"). It is *asked* when that
  sentence is a question. A question about how the user likes answers (length, detail, style)
  asks every style fact.
- A dislike fact is *raised* when a sentence names it by its value or a specific keyword (``catalog.specific_keywords``:
  "banjo" raises a disliked country music, the generic "music" does not), is positive
  (``text.polarity``) and is either a statement or a suggestion ("how about", "try", "recommend");
  "do you like seafood?" asks, it does not raise.
- A revealed fact is asked *again* when a question hits only revealed facts and adds no other
  content beyond words like "favorite" or "kind"; "how old is your dog?" is a follow-up, not a repeat.
- A fact is *contradicted* when a definite sentence that speaks to the user states its opposite
  (``assertion.contradictions``: a dislike recalled as a like, a like as a dislike, a denial credited
  or a fact denied); a question, a guess or a remark about someone else contradicts nothing.
- A known fact (``known_fact_ids``: revealed, or correctly inferred) is *recalled* when the reply
  names it by one of its specific words (its specific keywords and the specific words of its
  value) that the last user message did not use: picking up the user's own word is parroting, not
  personalisation.
- ``copy_ratio`` is the share of reply words inside 3-word runs that also occur in the last user
  message; ``echo_ratio`` is, for replies with at least 4 distinct content words, the share of those
  words the last user message used (0 for shorter replies). ``copies_user`` is ``copy_ratio >=
  COPY_THRESHOLD or echo_ratio >= ECHO_THRESHOLD``: the echo bar is higher because picking up the
  user's words is how a reply acknowledges them. ``self_copy_ratio`` is the largest share of reply
  words inside 3-word runs of one of the agent's ``SELF_COPY_WINDOW`` latest replies;
  ``repeats_itself`` is ``self_copy_ratio >= SELF_COPY_THRESHOLD`` (a constant reply or a template
  with a word slotted in).
- ``repeats_within``: a statement with two or more content words says again what an earlier
  sentence of the same reply said: they share at least ``REPEAT_WITHIN_SHARE`` of the content
  words of the shorter of the two (and at least two), so a filler in front does not disguise it
  ("Pottery sounds relaxing. Honestly, pottery sounds relaxing!"). A question that picks
  up the sentence before it ("Free time is precious. What do you do in your free time?") is not
  a repeat.
- ``acknowledges_user``: the reply shares a content word with the last user message.
  ``engages_last_message``: one sentence shares a content word with the last user message (or
  names a fact that message named) *and* adds a content word of its own, so a bare word match
  does not count. ``answers_user_question``: the last user message asked something and the reply
  has a statement.
- ``content_word_count`` counts distinct content words (not stop words, not hollow chat words such
  as "cool", "nice" or "mentioned") that no user message contained. ``on_topic_statement``: a
  statement sentence with such a word that is tied to the conversation (it shares a word with the
  last user message) or to a topic of this user (it names a keyword of one of the profile's facts).
- ``markdown_lecture``: headers, tables or code fences, three or more list lines, or any markdown in
  a reply over half the user's word limit. ``too_long``: over ``profile.style.max_words`` words or a
  markdown lecture.
- ``flattery``, ``asks_for_profile``, ``addresses_grader`` and ``invites_reply`` come from phrase
  patterns (empty praise of the user or the question; requests for the whole profile; text aimed at
  a grader, judge, reward model or a fake transcript role; questions or invitations to go on).

``split_sentences(reply)`` is the sentence split every rule above uses, and ``addresses_grader(text)``
the grader-injection check alone (it needs no profile); ``rlpa_env.reading`` builds the env's one
reading per turn (``ReplyReading``) on this layer.

Pure functions of immutable inputs (a profile's keyword index, a sentence's words) are memoised;
no result depends on what was analysed before.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from rlpa_env.assertion import contradictions
from rlpa_env.profiles.catalog import CATALOG, specific_keywords
from rlpa_env.profiles.types import Fact, Profile
from rlpa_env.text import STOPWORDS, polarity, stem, tokens
from rlpa_env.vocabulary import HOLLOW_KEYS, HOLLOW_WORDS, fold_unicode

COPY_THRESHOLD = 0.6
"""A reply whose ``copy_ratio`` reaches this mostly repeats the user's wording."""

ECHO_THRESHOLD = 0.8
"""A reply whose ``echo_ratio`` reaches this says almost nothing the user did not just say."""

SELF_COPY_THRESHOLD = 0.5
"""A reply whose ``self_copy_ratio`` reaches this mostly repeats one of the agent's recent replies."""

SELF_COPY_WINDOW = 4
"""How many of the agent's latest replies a reply is compared with (a constant reply or a template
repeats the previous one, so a short window catches it and keeps long episodes cheap)."""

REPEAT_WITHIN_SHARE = 0.75
"""A sentence with this share of its content words in one earlier sentence of the reply repeats it."""

LECTURE_LIST_LINES = 3
"""This many list lines make a reply a lecture, whatever its length."""


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_GENERIC_QUESTION_WORDS = _word_set("favorite favourite kind type sort name usual usually current currently any")
_STYLE_QUESTION_WORDS = _word_set(
    """answer answers reply replies response responses explanation explanations detail details detailed
    length style format short long brief concise"""
)
_SUGGESTION_WORDS = _word_set("try trying recommend suggest should fancy grab order book treat tonight must")

# Every phrase pattern below needs one of its trigger words, so most replies skip the (slow,
# many-alternative) regex search entirely; keep each trigger set in step with its pattern.
_FLATTERY_TRIGGERS = _word_set(
    """question amazing brilliant incredible awesome wonderful fantastic smart clever intelligent genius best
    impressive inspiring special delight perfect impressed awe honored honoured blown admire taste"""
)
_PROFILE_TRIGGERS = _word_set(
    "all everything every profile persona traits preferences personal characteristics attributes"
)
_GRADER_TRIGGERS = _word_set(
    """grader graders evaluator evaluators reward rubric judge scoring reviewer rater system assistant user
    score rating grade verdict ignore criteria criterion rate mark reply response"""
)

_SENTENCE = re.compile(r"([^.!?\n]+)([.!?]*)")
_MD_LIST_LINE = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d{1,2}[.)])[ \t]+\S", re.MULTILINE)
_MD_STRUCTURE = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+\S|\|.*\||```)", re.MULTILINE)
_MD_FIRST_CHARACTERS = frozenset("-*+\u2022#|`0123456789")
_MD_INLINE = re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__|`[^`\n]+`")

_FLATTERY = re.compile(
    r"\b(?:great|good|excellent|fantastic|wonderful|brilliant|amazing|awesome|fascinating|insightful|thoughtful"
    r"|lovely|smart) question\b"
    r"|\byou(?:'re| are) (?:so |truly |really |just |absolutely |clearly |such an? )*(?:amazing|brilliant|incredible"
    r"|awesome|wonderful|fantastic|smart|clever|intelligent|a genius|the best|impressive|inspiring|special|a delight"
    r"|perfect)\b(?! (?:at|with|for|in)\b)"
    r"|\bi(?:'m| am) (?:so |truly |really |very |deeply )*(?:impressed|in awe|honou?red|blown away)\b"
    r"|\byou (?:must be|seem|sound) (?:so |really |very |truly )*(?:smart|brilliant|amazing|clever|intelligent"
    r"|incredible|wonderful)\b"
    r"|\b(?:what|such) an? (?:amazing|brilliant|incredible|wonderful|fascinating|impressive|remarkable|beautiful)"
    r" (?:person|mind|human|soul|individual)\b"
    r"|\bi (?:really |truly )?admire you\b"
    r"|\byou have (?:such |great |impeccable |amazing |excellent |exquisite )+taste\b"
)
_PROFILE_REQUEST = re.compile(
    r"\b(?:tell|give|show|share|list|describe|reveal|dump)(?: me| us)? (?:all|everything|every \w+)(?: of)?"
    r" (?:about )?(?:you|yourself)\b(?!')"
    r"|\b(?:list|share|give me|tell me|describe|reveal|show me|send me)"
    r" (?:all |each |every )?(?:of )?your (?:whole |full |entire |complete |hidden )?(?:profile|persona|traits"
    r"|preferences|personal (?:details|info|information|data)|characteristics|attributes)\b"
    r"|\byour (?:hidden |user |full |whole |complete |entire )?(?:profile|persona)\b"
    r"|\beverything (?:there is to know )?about you(?:rself)?\b(?!')"
    r"|\ball (?:of )?your (?:traits|preferences|interests|hobbies|details|facts|personal)"
)
_GRADER = re.compile(
    r"\b(?:grader|graders|evaluator|evaluators|reward model|rubric|judge model|llm judge|scoring model|reward signal)\b"
    r"|\b(?:dear|to the|attention|note to the|hey) (?:judge|grader|evaluator|reviewer|rater)\b"
    r"|^[ \t]*(?:system|assistant|user|judge|grader|evaluator)[ \t]*:"
    r"|</?[ \t]*(?:verdict|score|judge|system|grade|rating|eval\w*|criteria)\b"
    r"|\b(?:score|rating|reward|grade|verdict)[ \t]*[:=][ \t]*(?:pass|passed|true|yes|1|5|10|100)\b(?![ \t]*[-:]\d)"
    r"|\bignore (?:all |any |the |your |previous |prior |above |earlier |other )*(?:instructions|rules|rubric"
    r"|criteria|guidelines)\b"
    r"|\b(?:meets|satisfies|passes|fulfils|fulfills) (?:all |every |each )?(?:of )?(?:the )?(?:five |5 )?criteri"
    r"|\bcriteri(?:a|on)\w* (?:(?:are|is|were|was|have been|has been) )?(?:all )?(?:met|satisfied|fulfill?ed|passed)\b"
    r"|\b(?:rate|score|grade|mark) (?:this|the|my) (?:reply|response|answer|turn)\b"
    r"|\b(?:this|the|my) (?:reply|response) (?:is|was) (?:natural|engaging|informative|perfect|excellent|flawless)\b"
    r"|\bas (?:the|an?) (?:evaluator|judge|grader)\b",
    re.MULTILINE,
)
_INVITATION = re.compile(
    r"\b(?:tell me (?:more|about)|let me know|i'd love to hear|i would love to hear|i'm curious|i am curious"
    r"|curious (?:about|to hear|what|how)|share (?:more|your|what|how)|feel free to|what do you think|your turn)\b"
)


@dataclass(frozen=True)
class ReplySignals:
    """What one reply does, as read by ``analyze_reply`` (see the module docstring for each rule).

    Attributes:
        word_count: Words in the reply (markdown symbols are not words).
        question_count: Sentences that end in a question mark.
        has_markdown: Any list line, header, table, code fence, bold or inline code.
        markdown_lecture: Markdown used to structure a lecture rather than to chat.
        too_long: Over the user's word limit, or a markdown lecture.
        flattery: Empty praise of the user or of the question.
        copy_ratio: Share of reply words in 3-word runs shared with the last user message, 0..1.
        echo_ratio: Share of the reply's content words that the last user message used, 0..1.
        copies_user: ``copy_ratio >= COPY_THRESHOLD or echo_ratio >= ECHO_THRESHOLD``.
        self_copy_ratio: Largest share of reply words in 3-word runs of one recent agent reply, 0..1.
        repeats_itself: ``self_copy_ratio >= SELF_COPY_THRESHOLD``.
        repeats_within: A sentence says again what an earlier sentence of the reply said.
        asks_for_profile: Asks the user to hand over its profile or every detail wholesale.
        addresses_grader: Contains text aimed at a grader, judge, reward model or fake transcript role.
        mentioned_fact_ids: Facts whose keywords the reply touches, in profile order.
        asked_fact_ids: Facts whose keywords appear in a question, in profile order.
        disliked_fact_ids: Dislike facts whose topic the reply raises positively.
        repeated_fact_ids: Already revealed facts the reply asks about again.
        recalled_fact_ids: Known facts the reply names by a specific word the last user message did not use.
        contradicted_fact_ids: Facts a definite sentence addressed to the user states the opposite of.
        acknowledges_user: The reply shares a content word with the last user message.
        engages_last_message: A sentence picks up the last user message and adds content of its own.
        last_message_has_content: The last user message has a content word to acknowledge.
        answers_user_question: The last user message asked something and the reply makes a statement.
        content_word_count: Distinct content words no user message contained.
        on_topic_statement: A statement with new content tied to the conversation or a topic of this user.
        invites_reply: A question or an explicit invitation to go on.
    """

    word_count: int
    question_count: int
    has_markdown: bool
    markdown_lecture: bool
    too_long: bool
    flattery: bool
    copy_ratio: float
    echo_ratio: float
    copies_user: bool
    self_copy_ratio: float
    repeats_itself: bool
    repeats_within: bool
    asks_for_profile: bool
    addresses_grader: bool
    mentioned_fact_ids: tuple[str, ...]
    asked_fact_ids: tuple[str, ...]
    disliked_fact_ids: tuple[str, ...]
    repeated_fact_ids: tuple[str, ...]
    recalled_fact_ids: tuple[str, ...]
    contradicted_fact_ids: tuple[str, ...]
    acknowledges_user: bool
    engages_last_message: bool
    last_message_has_content: bool
    answers_user_question: bool
    content_word_count: int
    on_topic_statement: bool
    invites_reply: bool


@lru_cache(maxsize=65536)
def _content_key(word: str) -> str:
    """The key of a content word; ``""`` for stop words and hollow chat words."""
    if word in STOPWORDS or word in HOLLOW_WORDS:
        return ""
    key = stem(word)
    return "" if key in HOLLOW_KEYS else key


def _content_keys(words: Iterable[str]) -> frozenset[str]:
    return frozenset(filter(None, map(_content_key, words)))


@dataclass(frozen=True)
class _Sentence:
    text: str
    words: tuple[str, ...]
    content: frozenset[str]
    is_question: bool
    suggests: bool


@lru_cache(maxsize=16384)
def _sentence(text: str, is_question: bool) -> _Sentence:
    words = tuple(tokens(text))
    return _Sentence(
        text=text,
        words=words,
        content=_content_keys(words),
        is_question=is_question,
        suggests=not _SUGGESTION_WORDS.isdisjoint(words) or "how about" in text.lower(),
    )


@lru_cache(maxsize=16384)
def _sentences(text: str) -> tuple[_Sentence, ...]:
    split = (_sentence(m[1], "?" in m[2]) for m in _SENTENCE.finditer(text))
    return tuple(s for s in split if s.words)


@dataclass(frozen=True)
class _Message:
    trigrams: frozenset[tuple[str, str, str]]
    content: frozenset[str]
    asks: bool


@lru_cache(maxsize=4096)
def _message(text: str) -> _Message:
    words = tokens(text)
    return _Message(
        trigrams=frozenset(zip(words, words[1:], words[2:], strict=False)),
        content=_content_keys(words),
        asks="?" in text,
    )


@lru_cache(maxsize=1024)
def _said_by_user(user_messages: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*(_message(m).content for m in user_messages))


@dataclass(frozen=True)
class _KeywordIndex:
    """Keyword lookup for one profile.

    ``specific_keys`` holds, per fact, the keys that name its value (``fact_specific_keys``).
    ``triggers`` maps a key to the facts it makes relevant, each with the other keys a multi-word
    keyword also needs (``None`` for a one-word keyword); ``trigger_keys`` is its key set.
    """

    triggers: Mapping[str, tuple[tuple[int, frozenset[str] | None], ...]]
    trigger_keys: frozenset[str]
    topic_keys: tuple[frozenset[str], ...]
    dislike_keys: Mapping[int, tuple[frozenset[str], tuple[frozenset[str], ...]]]
    specific_keys: tuple[frozenset[str], ...]
    position: Mapping[str, int]
    style: frozenset[int]


def _keyword_keys(fact: Fact, phrases: tuple[str, ...]) -> list[tuple[str, ...]]:
    phrases = phrases or (fact.value,)
    found = (tuple(stem(w) for w in tokens(p) if w not in STOPWORDS) for p in phrases)
    return [keys for keys in found if keys]


@dataclass(frozen=True)
class _FactKeys:
    """Everything the keyword index needs of one fact (memoised per fact: facts repeat across profiles)."""

    phrases: tuple[tuple[str, ...], ...]
    topic: frozenset[str]
    dislike: tuple[frozenset[str], tuple[frozenset[str], ...]] | None
    specific: frozenset[str]


@lru_cache(maxsize=16384)
def _fact_keys(fact: Fact) -> _FactKeys:
    phrases = tuple(dict.fromkeys(_keyword_keys(fact, fact.keywords) + _keyword_keys(fact, (fact.value,))))
    return _FactKeys(
        phrases=phrases,
        topic=frozenset(k for keys in phrases for k in keys) | _content_keys(tokens(fact.value)),
        dislike=_dislike_keys(fact) if fact.kind == "dislike" else None,
        specific=fact_specific_keys(fact),
    )


def _dislike_keys(fact: Fact) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """The one-word specific keyword keys, and the key sets of multi-word ones (the value among them)."""
    phrases = _keyword_keys(fact, specific_keywords(fact)) + _keyword_keys(fact, (fact.value,))
    return frozenset(k[0] for k in phrases if len(k) == 1), tuple(frozenset(k) for k in phrases if len(k) > 1)


@lru_cache(maxsize=16384)
def fact_specific_keys(fact: Fact) -> frozenset[str]:
    """The word keys that name ``fact``'s value rather than its category.

    Its one-word specific keywords (``catalog.specific_keywords``) plus the content words of its
    value, less its generic keywords and every category's topic words: "soul" and "motown" for
    soul music, not "music"; "cycles" for cycling to work, not "work".
    """
    generic = ({stem(w) for w in fact.keywords} - {stem(w) for w in specific_keywords(fact)}) | _TOPIC_KEYS
    from_keywords = {keys[0] for keys in _keyword_keys(fact, specific_keywords(fact)) if len(keys) == 1}
    return frozenset((from_keywords | _content_keys(tokens(fact.value))) - generic)


@lru_cache(maxsize=4096)
def fact_index(profile: Profile) -> _KeywordIndex:
    """The keyword index of ``profile`` (memoised: profiles are immutable)."""
    triggers: dict[str, dict[tuple[int, frozenset[str] | None], None]] = {}
    per_fact = [_fact_keys(fact) for fact in profile.facts]
    for index, keyed in enumerate(per_fact):
        for keys in keyed.phrases:
            needs = frozenset(keys) if len(keys) > 1 else None
            triggers.setdefault(keys[0], {})[(index, needs)] = None
    return _KeywordIndex(
        triggers={k: tuple(v) for k, v in triggers.items()},
        trigger_keys=frozenset(triggers),
        topic_keys=tuple(keyed.topic for keyed in per_fact),
        dislike_keys={i: keyed.dislike for i, keyed in enumerate(per_fact) if keyed.dislike is not None},
        specific_keys=tuple(keyed.specific for keyed in per_fact),
        position={fact.id: i for i, fact in enumerate(profile.facts)},
        style=frozenset(i for i, fact in enumerate(profile.facts) if fact.kind == "style"),
    )


_TOPIC_KEYS = frozenset(stem(word) for spec in CATALOG.values() for word in spec.topic_words)
_STYLE_QUESTION_KEYS = frozenset(stem(w) for w in _STYLE_QUESTION_WORDS)
_GENERIC_QUESTION_KEYS = frozenset(stem(w) for w in _GENERIC_QUESTION_WORDS)


def _hits(index: _KeywordIndex, content: frozenset[str]) -> set[int]:
    found: set[int] = set()
    for key in content & index.trigger_keys:
        for fact_index, needs in index.triggers[key]:
            if needs is None or needs <= content:
                found.add(fact_index)
    return found


def _copy_ratio(words: list[str], own: list[tuple[str, str, str]], trigrams: frozenset[tuple[str, str, str]]) -> float:
    """Share of ``words`` inside runs of ``own`` (their trigrams, in order) that occur in ``trigrams``."""
    if not words or trigrams.isdisjoint(own):
        return 0.0
    covered = 0
    covered_until = 0
    shared = [trigram in trigrams for trigram in own]
    for i in compress(range(len(shared)), shared):
        covered += i + 3 - max(i, covered_until)
        covered_until = i + 3
    return covered / len(words)


def _repeats_within(sentences: Sequence[_Sentence]) -> bool:
    for index, sentence in enumerate(sentences):
        if sentence.is_question or len(sentence.content) < 2:
            continue
        for earlier in sentences[:index]:
            shared = len(sentence.content & earlier.content)
            if shared >= REPEAT_WITHIN_SHARE * min(len(sentence.content), max(len(earlier.content), 2)):
                return True
    return False


def _matches(pattern: re.Pattern[str], triggers: frozenset[str], vocabulary: frozenset[str], text: str) -> bool:
    return not triggers.isdisjoint(vocabulary) and pattern.search(text) is not None


def _folded(reply: str, words: Sequence[str]) -> tuple[str, frozenset[str]]:
    """The lower-cased text the phrase patterns search, and its word set (``words`` when it is ASCII).

    Hidden Unicode (zero-width characters, look-alike letters) must not hide a phrase pattern.
    """
    folded = reply if reply.isascii() else fold_unicode(reply)
    lowered = folded.lower().replace("\u2019", "'")
    return lowered, frozenset(words) if folded is reply else frozenset(tokens(folded))


def _addresses_grader(lowered: str, vocabulary: frozenset[str]) -> bool:
    return ("<" in lowered or not _GRADER_TRIGGERS.isdisjoint(vocabulary)) and _GRADER.search(lowered) is not None


@lru_cache(maxsize=16384)
def split_sentences(reply: str) -> tuple[str, ...]:
    """The sentences of ``reply`` as the rules read them, each stripped and with its end punctuation.

    A sentence ends at ``.``, ``!``, ``?`` or a line break; a piece without a word is no sentence.
    """
    pieces = _SENTENCE.finditer(reply)
    return tuple((m[1] + m[2]).strip() for m in pieces if _sentence(m[1], "?" in m[2]).words)


def addresses_grader(text: str) -> bool:
    """``ReplySignals.addresses_grader`` of ``text``, without the rest of the analysis (it reads no profile)."""
    words = [word for sentence in _sentences(text) for word in sentence.words]
    return _addresses_grader(*_folded(text, words))


def analyze_reply(
    reply: str,
    profile: Profile,
    user_messages: Sequence[str] = (),
    revealed_fact_ids: Collection[str] = (),
    *,
    agent_messages: Sequence[str] = (),
    known_fact_ids: Collection[str] | None = None,
) -> ReplySignals:
    """Analyse ``reply`` to the last of ``user_messages`` (all user messages so far, oldest first).

    ``revealed_fact_ids`` are the facts the user has already disclosed; ``agent_messages`` the
    agent's earlier replies; ``known_fact_ids`` the facts the agent may use (revealed or correctly
    inferred; defaults to ``revealed_fact_ids``).
    """
    if not isinstance(reply, str):
        raise TypeError(f"reply must be a str, got {type(reply).__name__}")
    revealed = frozenset(revealed_fact_ids)
    known = revealed if known_fact_ids is None else frozenset(known_fact_ids)
    return _analyze(reply, profile, tuple(user_messages), revealed, tuple(agent_messages), known)


def _analyze(
    reply: str,
    profile: Profile,
    user_messages: tuple[str, ...],
    revealed: frozenset[str],
    agent_messages: tuple[str, ...],
    known: frozenset[str],
) -> ReplySignals:
    index = fact_index(profile)
    facts = profile.facts
    sentences = _sentences(reply)
    last = _message(user_messages[-1] if user_messages else "")

    words: list[str] = []
    content: set[str] = set()
    mentioned: set[int] = set()
    asked: set[int] = set()
    disliked: set[int] = set()
    repeated: set[int] = set()
    said = _said_by_user(user_messages)
    last_hits = _hits(index, last.content) if last.content else set()
    question_count = 0
    engages = on_topic = False
    for sentence in sentences:
        words.extend(sentence.words)
        content |= sentence.content
        question_count += sentence.is_question
        hits = _hits(index, sentence.content)
        own = sentence.content - last.content
        picks_up = bool(sentence.content & last.content) or not last_hits.isdisjoint(hits)
        engages = engages or (picks_up and bool(own))
        on_topic = on_topic or (not sentence.is_question and bool(sentence.content - said) and (picks_up or bool(hits)))
        if sentence.is_question and not _STYLE_QUESTION_KEYS.isdisjoint(sentence.content):
            hits |= index.style
        if not hits:
            continue
        mentioned |= hits
        if sentence.is_question:
            asked |= hits
            if all(facts[i].id in revealed for i in hits):
                topic = frozenset().union(*(index.topic_keys[i] for i in hits))
                if not sentence.content - topic - _GENERIC_QUESTION_KEYS:
                    repeated |= hits
        dislikes = [
            i
            for i in index.dislike_keys.keys() & hits
            if not index.dislike_keys[i][0].isdisjoint(sentence.content)
            or any(keys <= sentence.content for keys in index.dislike_keys[i][1])
        ]
        if dislikes and (not sentence.is_question or sentence.suggests) and polarity(sentence.text) > 0:
            disliked.update(dislikes)

    lowered, vocabulary = _folded(reply, words)
    word_count = len(words)
    max_words = profile.style.max_words
    # Line-anchored markdown needs a line break or a markdown first character; skipping the
    # multi-line scans for plain one-line chat replies saves most of their cost.
    block_markdown = "\n" in reply or reply.lstrip()[:1] in _MD_FIRST_CHARACTERS
    list_lines = len(_MD_LIST_LINE.findall(reply)) if block_markdown else 0
    structured = block_markdown and _MD_STRUCTURE.search(reply) is not None
    inline_markdown = ("**" in reply or "__" in reply or "`" in reply) and _MD_INLINE.search(reply) is not None
    has_markdown = structured or list_lines > 0 or inline_markdown
    lecture = structured or list_lines >= LECTURE_LIST_LINES or (has_markdown and word_count > max_words // 2)
    frozen_content = frozenset(content)
    own = list(zip(words, words[1:], words[2:], strict=False))
    copy_ratio = _copy_ratio(words, own, last.trigrams)
    self_copy_ratio = max(
        (_copy_ratio(words, own, _message(earlier).trigrams) for earlier in agent_messages[-SELF_COPY_WINDOW:]),
        default=0.0,
    )
    fresh_content = frozen_content - last.content
    positions = (index.position.get(fact_id) for fact_id in known) if fresh_content else ()
    recalled = {i for i in positions if i is not None and not index.specific_keys[i].isdisjoint(fresh_content)}
    echo_ratio = len(frozen_content & last.content) / len(frozen_content) if len(frozen_content) >= 4 else 0.0

    def in_order(found: set[int]) -> tuple[str, ...]:
        return tuple(facts[i].id for i in sorted(found)) if found else ()

    return ReplySignals(
        word_count=word_count,
        question_count=question_count,
        has_markdown=has_markdown,
        markdown_lecture=lecture,
        too_long=word_count > max_words or lecture,
        flattery=_matches(_FLATTERY, _FLATTERY_TRIGGERS, vocabulary, lowered),
        copy_ratio=copy_ratio,
        echo_ratio=echo_ratio,
        copies_user=copy_ratio >= COPY_THRESHOLD or echo_ratio >= ECHO_THRESHOLD,
        self_copy_ratio=self_copy_ratio,
        repeats_itself=self_copy_ratio >= SELF_COPY_THRESHOLD,
        repeats_within=_repeats_within(sentences),
        asks_for_profile=_matches(_PROFILE_REQUEST, _PROFILE_TRIGGERS, vocabulary, lowered),
        addresses_grader=_addresses_grader(lowered, vocabulary),
        mentioned_fact_ids=in_order(mentioned),
        asked_fact_ids=in_order(asked),
        disliked_fact_ids=in_order(disliked),
        repeated_fact_ids=in_order(repeated),
        recalled_fact_ids=in_order(recalled),
        contradicted_fact_ids=tuple(fact.id for fact, _ in contradictions(reply, facts)),
        acknowledges_user=bool(frozen_content & last.content),
        engages_last_message=engages,
        last_message_has_content=bool(last.content),
        answers_user_question=last.asks and any(not s.is_question for s in sentences),
        content_word_count=len(frozen_content - said),
        on_topic_statement=on_topic,
        invites_reply=question_count > 0 or _INVITATION.search(lowered) is not None,
    )


def recalled_facts(reply: str, profile: Profile, last_user_message: str, fact_ids: Collection[str]) -> tuple[str, ...]:
    """Facts among ``fact_ids`` that ``reply`` names by a specific word ``last_user_message`` did not use."""
    keys = reply_keys(reply, last_user_message)
    if not keys or not fact_ids:
        return ()
    index = fact_index(profile)
    found = {index.position[i] for i in fact_ids if i in index.position}
    return tuple(profile.facts[i].id for i in sorted(found) if not index.specific_keys[i].isdisjoint(keys))


def reply_keys(reply: str, last_user_message: str = "") -> frozenset[str]:
    """The content-word keys of ``reply`` that ``last_user_message`` did not use (its own words)."""
    content = frozenset().union(*(sentence.content for sentence in _sentences(reply)))
    return content - _message(last_user_message).content


def named_fact_count(keys: frozenset[str], profile: Profile) -> int:
    """How many likes and attributes of ``profile`` the word keys ``keys`` name by a specific word.

    Pass ``reply_keys(reply, last_user_message)``: repeating the user's words is parroting, not
    tailoring. Dislikes and style facts are left out (naming them is not tailoring to what the
    user likes or is).
    """
    if not keys:
        return 0
    return sum(not specific.isdisjoint(keys) for specific in _positive_keys(profile))


@lru_cache(maxsize=4096)
def _positive_keys(profile: Profile) -> tuple[frozenset[str], ...]:
    """``fact_specific_keys`` of each like and attribute of ``profile``."""
    return tuple(fact_specific_keys(fact) for fact in profile.facts if fact.kind in ("like", "attribute"))
