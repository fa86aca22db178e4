"""The catalog generated profiles are drawn from: categories, their values, and the facts they make.

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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType

from rlpa_env.profiles.types import Fact, FactKind
from rlpa_env.text import normalize

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


def _attr(
    value: str,
    text: str,
    utterances: str,
    keywords: str,
    aliases: str = "",
    *,
    intimacy: int | None = None,
    tags: str = "",
    clashes: str = "",
) -> ValueSpec:
    """An attribute or style value; ``utterances`` and ``aliases`` are ``|``-separated, the rest space-separated."""
    return ValueSpec(
        value=value,
        keywords=tuple(keywords.split()),
        aliases=tuple(a for a in aliases.split("|") if a),
        text=text,
        utterances=tuple(utterances.split("|")),
        intimacy=intimacy,
        tags=tuple(tags.split()),
        clashes=tuple(clashes.split()),
    )


def _item(value: str, keywords: str, aliases: str = "", *, noun: str = "", tags: str = "") -> ValueSpec:
    """A like/dislike value named by ``noun`` (default: the value itself) in the category templates."""
    return ValueSpec(
        value=value,
        keywords=tuple(keywords.split()),
        aliases=tuple(a for a in aliases.split("|") if a),
        noun=noun or value,
        tags=tuple(tags.split()),
    )


_OCCUPATION = CategorySpec(
    name="occupation",
    kinds=("attribute",),
    intimacy=1,
    max_per_profile=1,
    topic_words=("job", "jobs", "work", "career", "profession", "occupation", "living", "colleagues", "employer"),
    values=(
        _attr(
            "pediatric nurse",
            "works as a pediatric nurse",
            "I'm a nurse on a children's ward.|I work in pediatrics, as a nurse."
            "|Most of my days are spent looking after sick kids at the hospital.",
            "nurse nursing hospital pediatric paediatric ward patients medical healthcare",
            "children's nurse|paediatric nurse|nurse at a children's hospital|nurse|pediatric nursing",
        ),
        _attr(
            "software engineer",
            "works as a software engineer",
            "I write software for a living.|I'm a software engineer at a mid-sized company."
            "|My job is mostly coding and code reviews.",
            "software code coding programming programmer developer computer computers tech",
            "software developer|programmer|coder|developer|software engineering|works in tech",
        ),
        _attr(
            "high school teacher",
            "teaches at a high school",
            "I teach at a high school.|I'm a teacher, and teenagers keep me on my toes."
            "|Grading essays eats most of my evenings; I teach high school.",
            "teacher teaching teach school students classroom grading education",
            "teacher|secondary school teacher|schoolteacher|teaches high school|high-school teacher",
        ),
        _attr(
            "chef",
            "works as a chef in a restaurant",
            "I'm a chef at a busy restaurant.|I cook for a living, in a restaurant kitchen."
            "|I run the kitchen at a bistro most nights.",
            "chef cook cooking kitchen restaurant culinary",
            "cook|restaurant chef|professional cook|head chef|line cook",
        ),
        _attr(
            "accountant",
            "works as an accountant",
            "I'm an accountant.|I do accounting, mostly tax returns.|Spreadsheets and ledgers are my whole job.",
            "accountant accounting tax taxes numbers spreadsheets bookkeeping",
            "accounting|bookkeeper|tax accountant|works in accounting",
        ),
        _attr(
            "graphic designer",
            "works as a graphic designer",
            "I'm a graphic designer.|I design logos and layouts for clients.|My job is visual design, mostly branding.",
            "designer design graphic logos branding creative layout",
            "designer|graphic design|visual designer|works in design",
        ),
        _attr(
            "electrician",
            "works as an electrician",
            "I'm an electrician.|I wire houses and fix faulty circuits for a living."
            "|I'm a licensed electrician, out on call most days.",
            "electrician electrical wiring circuits trade tradesman",
            "electrical contractor|sparky|tradesman|electrical work",
        ),
        _attr(
            "veterinarian",
            "works as a veterinarian",
            "I'm a vet.|I work at an animal clinic as a veterinarian.|I spend my days treating sick cats and dogs.",
            "vet veterinarian veterinary clinic surgery",
            "vet|animal doctor|veterinary surgeon|works at a vet clinic",
        ),
        _attr(
            "lawyer",
            "works as a lawyer",
            "I'm a lawyer.|I practise law at a small firm.|Most of my week goes on contracts and court filings.",
            "lawyer law legal attorney court firm contracts",
            "attorney|solicitor|legal counsel|works in law|practises law",
        ),
        _attr(
            "journalist",
            "works as a journalist",
            "I'm a journalist.|I write for a regional newspaper.|Chasing stories and deadlines is my job.",
            "journalist journalism reporter newspaper reporting stories deadlines",
            "reporter|news reporter|writes for a newspaper|journalism",
        ),
        _attr(
            "pharmacist",
            "works as a pharmacist",
            "I'm a pharmacist.|I work behind the counter at a pharmacy.|I fill prescriptions all day.",
            "pharmacist pharmacy prescriptions medicine medication drugstore",
            "chemist|works in a pharmacy|pharmacy|dispensing chemist",
        ),
        _attr(
            "civil engineer",
            "works as a civil engineer",
            "I'm a civil engineer.|I design bridges and roads for the city.|I work on infrastructure projects.",
            "bridges roads construction civil infrastructure engineering",
            "civil engineering|structural engineer|infrastructure engineer",
        ),
        _attr(
            "librarian",
            "works as a librarian",
            "I'm a librarian.|I work at the public library.|I spend my days cataloguing and recommending books.",
            "librarian library libraries archive cataloguing",
            "library worker|works in a library|library assistant",
        ),
        _attr(
            "truck driver",
            "drives trucks for a living",
            "I drive trucks for a living.|I'm a long-haul trucker.|I spend most weeks on the road hauling freight.",
            "truck trucks trucker driver driving haulage freight highway",
            "trucker|lorry driver|long-haul driver|truck driving|drives a truck",
        ),
        _attr(
            "dentist",
            "works as a dentist",
            "I'm a dentist.|I run a small dental practice.|I look at teeth all day for a living.",
            "dentist dental teeth practice",
            "dental surgeon|dental practitioner|runs a dental practice",
        ),
        _attr(
            "marketing manager",
            "works as a marketing manager",
            "I manage marketing at a consumer brand.|I'm a marketing manager.|I plan ad campaigns for a living.",
            "marketing manager campaigns brand advertising ads",
            "marketer|marketing|works in marketing|marketing lead|advertising manager",
        ),
        _attr(
            "biology student",
            "is a university student studying biology",
            "I'm a biology student at university.|I'm studying for a biology degree."
            "|Between lectures and lab sessions I barely sleep; I study biology.",
            "student university college studying study degree biology lectures",
            "student|university student|college student|studies biology|undergraduate",
        ),
        _attr(
            "retired",
            "is retired",
            "I'm retired.|I stopped working a few years ago.|Retirement has given me a lot more free time.",
            "retired retirement pension",
            "retiree|no longer works|pensioner|in retirement",
        ),
    ),
)

_LOCATION = CategorySpec(
    name="location",
    kinds=("attribute",),
    intimacy=1,
    max_per_profile=1,
    topic_words=(
        "live",
        "lives",
        "living",
        "city",
        "town",
        "area",
        "neighbourhood",
        "neighborhood",
        "based",
        "hometown",
    ),
    values=(
        _attr(
            "seattle",
            "lives in Seattle",
            "I live in Seattle.|Seattle is home for me.|I'm based in Seattle, rain and all.",
            "seattle washington pacific northwest rain",
            "seattle, washington|seattle area|seattle wa",
        ),
        _attr(
            "chicago",
            "lives in Chicago",
            "I live in Chicago.|Chicago is home.|I'm in Chicago; the winters are brutal.",
            "chicago illinois windy",
            "chicago, illinois|chicago area|the windy city",
        ),
        _attr(
            "london",
            "lives in London",
            "I live in London.|London is home for me.|I'm a Londoner, tube delays and all.",
            "london england uk britain tube",
            "london, england|london uk|greater london|londoner",
        ),
        _attr(
            "toronto",
            "lives in Toronto",
            "I live in Toronto.|Toronto is home.|I'm based in Toronto, right by the lake.",
            "toronto canada ontario canadian",
            "toronto, canada|toronto area|toronto ontario",
        ),
        _attr(
            "berlin",
            "lives in Berlin",
            "I live in Berlin.|Berlin has been home for years.|I'm based in Berlin.",
            "berlin germany german",
            "berlin, germany|berliner",
        ),
        _attr(
            "sydney",
            "lives in Sydney",
            "I live in Sydney.|Sydney is home for me.|I'm in Sydney, close to the beaches.",
            "sydney australia australian",
            "sydney, australia|sydney area",
        ),
        _attr(
            "austin",
            "lives in Austin, Texas",
            "I live in Austin.|Austin, Texas is home.|I'm based in Austin; it gets hot here.",
            "austin texas",
            "austin|austin, texas|austin tx|texas",
        ),
        _attr(
            "dublin",
            "lives in Dublin",
            "I live in Dublin.|Dublin is home for me.|I'm a Dubliner.",
            "dublin ireland irish",
            "dublin, ireland|dubliner",
        ),
        _attr(
            "denver",
            "lives in Denver",
            "I live in Denver.|Denver is home; the mountains are close.|I'm based in Denver, Colorado.",
            "denver colorado mountains rockies",
            "denver, colorado|denver area|colorado",
        ),
        _attr(
            "lisbon",
            "lives in Lisbon",
            "I live in Lisbon.|Lisbon has been home for a while.|I'm based in Lisbon, up in the hills.",
            "lisbon portugal portuguese",
            "lisbon, portugal",
        ),
        _attr(
            "boston",
            "lives in Boston",
            "I live in Boston.|Boston is home.|I'm in Boston, Massachusetts.",
            "boston massachusetts england",
            "boston, massachusetts|boston area|massachusetts",
        ),
        _attr(
            "edinburgh",
            "lives in Edinburgh",
            "I live in Edinburgh.|Edinburgh is home for me.|I'm based in Edinburgh, in Scotland.",
            "edinburgh scotland scottish",
            "edinburgh, scotland|scotland",
        ),
        _attr(
            "coastal town",
            "lives in a small coastal town",
            "I live in a small town by the sea.|Home is a little coastal town.|I can hear the waves from my flat.",
            "coast coastal sea seaside beach small",
            "small town by the sea|seaside town|coastal village|lives by the sea",
        ),
        _attr(
            "farming village",
            "lives in a rural farming village",
            "I live out in the countryside, in a farming village.|Home is a tiny rural village."
            "|My nearest neighbour is a dairy farm.",
            "rural countryside village farm farming",
            "rural village|countryside|small village|lives in the country",
        ),
    ),
)

_DIET = CategorySpec(
    name="diet",
    kinds=("attribute",),
    intimacy=1,
    max_per_profile=1,
    topic_words=("diet", "eat", "eating", "food", "meal", "meals", "dinner", "lunch", "restaurant", "cook", "cooking"),
    values=(
        _attr(
            "vegetarian",
            "is vegetarian",
            "I'm vegetarian.|I don't eat meat or fish.|I gave up meat years ago.",
            "vegetarian veggie meat meatless",
            "veggie|doesn't eat meat|meat-free|vegetarian diet",
            clashes="like:meat dislike:meat like:seafood dislike:seafood",
        ),
        _attr(
            "vegan",
            "is vegan",
            "I'm vegan.|I don't eat any animal products.|No meat, dairy or eggs for me.",
            "vegan plant dairy eggs",
            "plant-based|plant based|vegan diet|no animal products",
            clashes="like:meat dislike:meat like:seafood dislike:seafood like:dairy dislike:dairy",
        ),
        _attr(
            "pescatarian",
            "is pescatarian",
            "I'm pescatarian.|I eat fish but no other meat.|Fish is the only meat I eat.",
            "pescatarian fish meat",
            "pescetarian|eats fish but no meat|fish but no meat",
            clashes="like:meat dislike:meat dislike:seafood",
        ),
        _attr(
            "gluten-free",
            "eats gluten-free because of coeliac disease",
            "I have coeliac disease, so everything I eat is gluten-free.|I can't have gluten."
            "|Bread and pasta are off the menu for me; gluten makes me ill.",
            "gluten coeliac celiac wheat bread",
            "gluten free|coeliac|celiac|celiac disease|no gluten",
            clashes="like:gluten",
        ),
        _attr(
            "lactose intolerant",
            "is lactose intolerant",
            "I'm lactose intolerant.|Dairy doesn't agree with me at all.|I have to skip milk and cheese.",
            "lactose dairy milk intolerant",
            "lactose intolerance|dairy-free|no dairy|can't have dairy",
            clashes="like:dairy",
        ),
        _attr(
            "keto",
            "follows a keto diet",
            "I'm on a keto diet.|I eat very low-carb these days.|I've cut out almost all carbs.",
            "keto ketogenic carbs carb low",
            "ketogenic diet|low-carb diet|low carb|keto diet",
            clashes="like:gluten like:sweets",
        ),
        _attr(
            "nut allergy",
            "has a severe nut allergy",
            "I'm allergic to nuts.|I have a serious nut allergy.|I always carry an epipen because of nuts.",
            "nut nuts allergy allergic peanuts epipen",
            "allergic to nuts|peanut allergy|nut allergic|tree nut allergy",
            clashes="like:nuts",
        ),
        _attr(
            "halal",
            "eats only halal food",
            "I only eat halal.|I keep a halal diet.|Whatever I eat has to be halal.",
            "halal pork",
            "halal diet|keeps halal|no pork",
            clashes="like:pork",
        ),
        _attr(
            "kosher",
            "keeps kosher",
            "I keep kosher.|I follow a kosher diet.|My kitchen is kosher.",
            "kosher pork shellfish",
            "kosher diet|eats kosher",
            clashes="like:pork like:shellfish",
        ),
        _attr(
            "intermittent fasting",
            "does intermittent fasting",
            "I do intermittent fasting.|I only eat within an eight-hour window."
            "|I skip breakfast; I'm fasting until noon.",
            "fasting intermittent breakfast window",
            "fasting|16:8 fasting|time-restricted eating",
        ),
    ),
)

_PET = CategorySpec(
    name="pet",
    kinds=("attribute",),
    intimacy=1,
    max_per_profile=2,
    topic_words=("pet", "pets", "animal", "animals"),
    values=(
        _attr(
            "golden retriever",
            "has a golden retriever",
            "I have a golden retriever.|My dog is a big, goofy golden retriever.|I walk my retriever twice a day.",
            "dog dogs puppy retriever walk walks walking fetch",
            "dog|retriever|pet dog|dog owner|has a dog",
        ),
        _attr(
            "two cats",
            "has two cats",
            "I have two cats.|My two cats run the household.|I share my flat with a pair of cats.",
            "cat cats kitten kittens litter",
            "cats|a cat|cat owner|pet cats|has cats",
        ),
        _attr(
            "rabbit",
            "has a pet rabbit",
            "I have a pet rabbit.|My rabbit has the run of the living room.|I keep a house rabbit.",
            "rabbit rabbits bunny hutch",
            "bunny|pet rabbit|house rabbit",
        ),
        _attr(
            "parrot",
            "has a parrot",
            "I have a parrot.|My parrot talks more than I do.|I share my home with a very loud parrot.",
            "parrot bird birds cage",
            "pet bird|bird|african grey|talking parrot",
        ),
        _attr(
            "tortoise",
            "has a tortoise",
            "I have a tortoise.|My tortoise is older than some of my friends.|I keep a tortoise in the garden.",
            "tortoise turtle reptile shell",
            "pet tortoise|turtle",
        ),
        _attr(
            "tropical fish",
            "keeps tropical fish",
            "I keep tropical fish.|I have a big aquarium at home.|My fish tank is my pride and joy.",
            "fish aquarium tank tropical",
            "aquarium|fish tank|pet fish|aquarium fish",
        ),
        _attr(
            "hamster",
            "has a hamster",
            "I have a hamster.|My hamster runs on its wheel all night.|I keep a little hamster.",
            "hamster rodent wheel",
            "pet hamster|small rodent",
        ),
        _attr(
            "horse",
            "owns a horse",
            "I own a horse.|I keep a horse at a stable nearby.|Most mornings start at the stables with my horse.",
            "horse horses riding stable stables pony",
            "pony|keeps a horse|horse owner|has a horse",
        ),
        _attr(
            "backyard chickens",
            "keeps backyard chickens",
            "I keep chickens in the backyard.|We have a few hens, so fresh eggs every day."
            "|My chickens rule the garden.",
            "chicken chickens hens hen eggs coop",
            "chickens|hens|keeps hens|backyard hens",
        ),
        _attr(
            "bearded dragon",
            "has a bearded dragon",
            "I have a bearded dragon.|My lizard basks under a heat lamp all day.|I keep a bearded dragon.",
            "lizard reptile dragon bearded terrarium",
            "lizard|pet lizard|reptile",
        ),
        _attr(
            "snake",
            "has a pet snake",
            "I have a pet snake.|My corn snake lives in a tank in my room.|I keep a snake.",
            "snake snakes reptile corn python",
            "pet snake|corn snake|python",
        ),
    ),
)

_FAMILY = CategorySpec(
    name="family",
    kinds=("attribute",),
    intimacy=2,
    max_per_profile=1,
    topic_words=("family", "household", "relatives", "kids", "children", "partner", "married", "relationship"),
    values=(
        _attr(
            "two young kids",
            "has two young children",
            "I have two little ones at home.|My kids are four and six.|Bedtime for my two young kids is chaos.",
            "kid kids child children parent parenting toddler son daughter",
            "two kids|two children|parent of two|young children|has kids",
        ),
        _attr(
            "teenage daughter",
            "has a teenage daughter",
            "I have a teenage daughter.|My daughter just turned fifteen.|Raising a teenager keeps me humble.",
            "daughter teenager teen teenage parent",
            "a teenager|daughter|teen daughter|parent of a teenager",
        ),
        _attr(
            "newly married",
            "got married recently",
            "I just got married.|My wedding was last spring.|I'm still getting used to saying 'my spouse'.",
            "married wedding spouse husband wife newlywed",
            "newlywed|recently married|just married|married",
        ),
        _attr(
            "single parent",
            "is a single parent",
            "I'm raising my son on my own.|I'm a single parent.|It's just me and my boy at home.",
            "single parent son raising custody",
            "single mom|single dad|single mother|single father|raises a child alone",
        ),
        _attr(
            "expecting a baby",
            "is expecting a first baby",
            "We're expecting our first baby.|A baby is on the way.|I'll be a parent for the first time soon.",
            "baby pregnant pregnancy expecting nursery",
            "expecting|pregnant|first baby|baby on the way|parent-to-be",
        ),
        _attr(
            "caring for a parent",
            "looks after an elderly mother",
            "I look after my mother; she's getting frail.|My mum moved in with me and I care for her."
            "|A lot of my time goes into caring for my elderly mother.",
            "mother mum mom elderly caring carer caregiver",
            "caregiver|carer for a parent|looks after a parent|cares for elderly mother",
        ),
        _attr(
            "recently divorced",
            "is recently divorced",
            "I got divorced last year.|My marriage ended recently.|I'm getting used to life after divorce.",
            "divorce divorced separated ex",
            "divorced|separated|recent divorce",
        ),
        _attr(
            "empty nester",
            "has grown children who have moved out",
            "My kids have all moved out.|The house is quiet now the children have left."
            "|I'm an empty nester these days.",
            "grown nest empty moved",
            "empty nester|grown-up children|adult children|kids moved out",
        ),
        _attr(
            "lives with roommates",
            "shares a flat with roommates",
            "I share a flat with three roommates.|I live with roommates.|Our shared kitchen is a battlefield.",
            "roommates roommate flatmates flatmate housemates shared flat",
            "roommates|flatmates|housemates|shared flat|shares an apartment",
        ),
        _attr(
            "twin brother",
            "has a twin brother",
            "I have a twin brother.|My twin and I still talk every day.|People mix me up with my brother all the time.",
            "twin twins brother sibling siblings",
            "a twin|twin|identical twin",
        ),
        _attr(
            "lives alone",
            "lives alone",
            "I live on my own.|It's just me at home.|I like having my place to myself.",
            "alone solo single",
            "lives on their own|lives by themselves|single household",
        ),
        _attr(
            "big family",
            "grew up as one of six siblings",
            "I'm one of six kids.|I grew up in a huge family."
            "|Family gatherings are loud; there are six of us siblings.",
            "siblings brothers sisters six big",
            "one of six|large family|six siblings|many siblings",
        ),
    ),
)

_HOBBY = CategorySpec(
    name="hobby",
    kinds=("attribute",),
    intimacy=0,
    max_per_profile=2,
    topic_words=("hobby", "hobbies", "weekend", "weekends", "spare", "pastime", "relax", "unwind", "leisure"),
    values=(
        _attr(
            "hiking",
            "goes hiking on weekends",
            "I go hiking most weekends.|Give me a trail and a pair of boots and I'm happy."
            "|I spend my Saturdays hiking in the hills.",
            "hike hikes hiking trail trails mountains outdoors boots",
            "hiker|goes hiking|trail walking|hillwalking|walks in the mountains",
            tags="hiking",
        ),
        _attr(
            "rock climbing",
            "goes rock climbing",
            "I'm really into rock climbing.|I boulder at the climbing gym twice a week.|Climbing is my thing.",
            "climb climbing climber bouldering rock wall",
            "climbing|bouldering|climber|indoor climbing",
            tags="climbing",
        ),
        _attr(
            "pottery",
            "makes pottery",
            "I make pottery.|I've been throwing pots on a wheel for a few years."
            "|Pottery class is the best part of my week.",
            "pottery ceramics clay wheel pots kiln",
            "ceramics|potter|throws pots|clay work",
            tags="pottery",
        ),
        _attr(
            "gardening",
            "loves gardening",
            "I spend hours in my garden.|I grow my own vegetables.|Gardening is how I switch off.",
            "garden gardening plants vegetables flowers grow growing",
            "gardener|grows vegetables|vegetable garden|keeps a garden",
            tags="gardening",
        ),
        _attr(
            "baking",
            "bakes bread and cakes",
            "I bake a lot, mostly bread.|My sourdough starter is my pet project.|I bake something every weekend.",
            "bake baking bread cake cakes sourdough oven pastry",
            "baker|bakes bread|home baking|sourdough baking",
            tags="baking",
        ),
        _attr(
            "woodworking",
            "does woodworking",
            "I do woodworking in my garage.|I built my own dining table.|Woodwork is how I unwind.",
            "wood woodworking woodwork carpentry furniture garage tools",
            "carpentry|woodwork|makes furniture|builds furniture",
            tags="woodworking",
        ),
        _attr(
            "knitting",
            "knits",
            "I knit.|I always have a scarf on the needles.|Knitting keeps my hands busy in the evenings.",
            "knit knitting wool yarn needles scarf",
            "knitter|knits sweaters|yarn crafts|knitting",
            tags="knitting",
        ),
        _attr(
            "photography",
            "is into photography",
            "I'm into photography.|I never leave the house without my camera.|I shoot landscapes, mostly.",
            "photo photos photography camera cameras photographer lens",
            "photographer|takes photos|amateur photographer|landscape photography",
            tags="photography",
        ),
        _attr(
            "chess",
            "plays chess",
            "I play a lot of chess.|I play chess online most evenings.|I'm in a local chess club.",
            "chess openings club board",
            "chess player|plays chess online|chess club",
            tags="chess",
        ),
        _attr(
            "guitar",
            "plays the guitar",
            "I play the guitar.|I've been learning guitar for a couple of years.|I strum my guitar every night.",
            "guitar guitarist instrument chords strum",
            "guitarist|plays guitar|learning guitar|acoustic guitar",
            tags="guitar",
        ),
        _attr(
            "watercolour painting",
            "paints with watercolours",
            "I paint with watercolours.|Watercolour painting is my quiet time."
            "|I paint little landscapes in watercolour.",
            "paint painting watercolour watercolor watercolours art brushes",
            "watercolors|watercolor painting|painter|paints|painting",
            tags="painting",
        ),
        _attr(
            "birdwatching",
            "goes birdwatching",
            "I go birdwatching.|I keep a list of every bird species I've spotted.|Binoculars are always in my bag.",
            "bird birds birdwatching birding binoculars species",
            "birding|bird watching|birdwatcher|watches birds",
            tags="birdwatching",
        ),
        _attr(
            "board games",
            "plays board games with friends",
            "I host board game nights.|My friends and I play board games every Friday."
            "|My shelves are full of board games.",
            "board games game night tabletop",
            "board gamer|tabletop games|game nights|board game nights",
            tags="boardgames",
        ),
        _attr(
            "video games",
            "plays video games",
            "I play a lot of video games.|Gaming is how I relax after work.|I'm usually on my console in the evenings.",
            "video games gaming gamer console playstation xbox nintendo",
            "gamer|gaming|plays games|console gaming",
            tags="videogames",
        ),
        _attr(
            "fishing",
            "goes fishing",
            "I go fishing.|Early mornings by the lake with a rod are my happy place.|I fish whenever I get the chance.",
            "fish fishing angling rod lake river",
            "angling|angler|fly fishing|goes fishing",
            tags="fishing",
        ),
        _attr(
            "surfing",
            "surfs",
            "I surf.|I'm out on my board whenever the waves are good.|Surfing is my favourite way to start the day.",
            "surf surfing surfer waves board beach",
            "surfer|goes surfing|catches waves",
            tags="surfing",
        ),
        _attr(
            "road cycling",
            "goes road cycling",
            "I ride my road bike a lot.|I do long bike rides on weekends.|Cycling is my main hobby.",
            "bike bikes cycling cyclist ride rides riding",
            "cycling|cyclist|bike rides|rides a bike|road biking",
            tags="cycling",
        ),
        _attr(
            "home brewing",
            "brews beer at home",
            "I brew my own beer.|There's always a batch of beer fermenting in my kitchen.|Home brewing is my hobby.",
            "brew brewing beer homebrew ale fermenting",
            "homebrewing|brews beer|homebrewer|craft beer brewing",
            tags="beer",
        ),
    ),
)

_WORK_HABITS = CategorySpec(
    name="work_habits",
    kinds=("attribute",),
    intimacy=1,
    max_per_profile=1,
    topic_words=("schedule", "routine", "hours", "commute", "workday", "office", "shift", "shifts"),
    values=(
        _attr(
            "night shifts",
            "works night shifts",
            "I work nights.|My shifts run from ten at night to six in the morning."
            "|I sleep while everyone else is awake.",
            "night nights overnight sleep",
            "night shift|works nights|overnight shifts|graveyard shift",
        ),
        _attr(
            "works from home",
            "works from home",
            "I work from home.|My office is my kitchen table.|I haven't commuted in years; I'm fully remote.",
            "remote home laptop remotely",
            "remote worker|works remotely|fully remote|home office",
        ),
        _attr(
            "cycles to work",
            "cycles to work every day",
            "I cycle to work.|I bike into the office every morning.|My commute is twenty minutes on my bike.",
            "bike cycle cycling bicycle",
            "bikes to work|bike commuter|commutes by bike|rides to work",
            tags="cycling",
        ),
        _attr(
            "long train commute",
            "has a long train commute",
            "I spend two hours a day on trains.|My commute is a long train ride.|I do most of my reading on the train.",
            "train trains commuter railway",
            "long commute|commutes by train|train commuter|commuter",
        ),
        _attr(
            "early riser",
            "starts work very early in the morning",
            "I'm at my desk by six.|I start work before sunrise.|My alarm goes off at five most days.",
            "early morning mornings alarm sunrise",
            "early bird|early starts|starts work early|morning person",
        ),
        _attr(
            "freelancer",
            "freelances with irregular hours",
            "I'm a freelancer, so my hours are all over the place.|I work for myself."
            "|Some weeks I work seventy hours, some weeks ten.",
            "freelance freelancer clients irregular",
            "freelance|self-employed|works for themselves|irregular hours",
        ),
        _attr(
            "four-day week",
            "works a four-day week",
            "I work four days a week.|Fridays are always off for me.|My job runs Monday to Thursday.",
            "four friday fridays week part",
            "four day week|4-day week|works four days|fridays off",
        ),
        _attr(
            "works weekends",
            "works on weekends",
            "I work weekends.|Saturdays and Sundays are my busiest days.|My days off fall midweek.",
            "saturday sunday saturdays sundays weekend",
            "weekend shifts|weekend worker|works saturdays and sundays",
        ),
        _attr(
            "two jobs",
            "juggles two jobs",
            "I work two jobs.|I have a day job and an evening job.|Between my two jobs there's not much free time.",
            "second jobs side",
            "second job|holds two jobs|works two jobs",
            intimacy=2,
        ),
        _attr(
            "works late",
            "often works late into the evening",
            "I usually work late.|I'm rarely out of the office before eight.|Late nights at work are normal for me.",
            "late evening evenings overtime",
            "long hours|works long hours|workaholic|stays late at work",
        ),
    ),
)

_FITNESS_GOAL = CategorySpec(
    name="fitness_goal",
    kinds=("attribute",),
    intimacy=1,
    max_per_profile=1,
    topic_words=("fitness", "exercise", "workout", "workouts", "gym", "health", "healthy", "training", "goal", "shape"),
    values=(
        _attr(
            "marathon",
            "is training for a marathon",
            "I'm training for a marathon.|I've signed up for my first marathon this autumn."
            "|Long runs take up my Sundays now.",
            "marathon run running runner race miles",
            "marathon training|training for a marathon|marathon runner|long-distance running",
            tags="running",
        ),
        _attr(
            "lose weight",
            "is trying to lose weight",
            "I'm trying to lose some weight.|My doctor wants me to shed a few kilos."
            "|I'm working on getting my weight down.",
            "weight lose losing kilos pounds calories",
            "weight loss|losing weight|slimming down|getting weight down",
            intimacy=2,
        ),
        _attr(
            "build strength",
            "is lifting weights to build strength",
            "I'm lifting weights to get stronger.|I'm working on my deadlift."
            "|Strength training is my focus at the moment.",
            "lift lifting weights strength strong deadlift squat",
            "strength training|weightlifting|lifts weights|building muscle",
        ),
        _attr(
            "triathlon",
            "is training for a triathlon",
            "I'm training for a triathlon.|Swim, bike, run: my first triathlon is next summer."
            "|Triathlon training eats my mornings.",
            "triathlon triathlete swim bike run",
            "triathlete|triathlon training|training for a triathlon",
            tags="running",
        ),
        _attr(
            "injury recovery",
            "is getting back into shape after a knee injury",
            "I'm rebuilding fitness after a knee injury.|I hurt my knee and I'm slowly getting back into shape."
            "|Physio exercises are my workout at the moment.",
            "injury knee physio physiotherapy recovery rehab",
            "recovering from injury|knee rehab|rehab after injury|recovering from a knee injury",
            intimacy=2,
        ),
        _attr(
            "lower blood pressure",
            "is trying to bring down high blood pressure",
            "My blood pressure is high, so I'm working on it.|I've been told to get my blood pressure down."
            "|I walk every day to keep my blood pressure in check.",
            "blood pressure heart doctor cholesterol",
            "high blood pressure|hypertension|lowering blood pressure|heart health",
            intimacy=2,
        ),
        _attr(
            "daily steps",
            "aims for ten thousand steps a day",
            "I try to hit ten thousand steps a day.|My step counter rules my life."
            "|I walk everywhere to get my steps in.",
            "steps walk walking pedometer tracker",
            "10,000 steps|10000 steps|step goal|walks ten thousand steps",
        ),
        _attr(
            "learning to swim",
            "is learning to swim as an adult",
            "I'm learning to swim, finally.|I take adult swimming lessons."
            "|I'm working up to a full length of the pool.",
            "swim swimming pool lessons",
            "swimming lessons|learning swimming|adult swimmer",
            tags="swimming",
        ),
        _attr(
            "first 5k",
            "is training for a first 5k run",
            "I'm training for my first 5k.|I'm doing a couch-to-5k plan.|I'm building up to running five kilometres.",
            "5k run running couch kilometres jog jogging",
            "5k|couch to 5k|first 5k run|5k race",
            tags="running",
        ),
        _attr(
            "flexibility",
            "is working on flexibility with yoga",
            "I'm doing yoga to get more flexible.|I stretch every morning.|Touching my toes is my current goal.",
            "yoga stretch stretching flexible flexibility mobility",
            "yoga|more flexible|stretching|mobility work",
            tags="yoga",
        ),
    ),
)

_FINANCES = CategorySpec(
    name="finances",
    kinds=("attribute",),
    intimacy=2,
    max_per_profile=1,
    topic_words=("money", "finances", "financial", "budget", "budgeting", "saving", "savings", "spending", "afford"),
    values=(
        _attr(
            "house deposit",
            "is saving for a house deposit",
            "I'm saving up for a house.|Every spare penny goes into my deposit fund.|I'm trying to buy my first home.",
            "house home deposit mortgage buy property",
            "saving for a house|saving for a home|first home|down payment",
        ),
        _attr(
            "student loans",
            "is paying off student loans",
            "I'm still paying off my student loans.|My student debt is a big monthly bill."
            "|Loans from uni follow me around.",
            "student loans loan debt",
            "student debt|student loan|paying off loans",
        ),
        _attr(
            "started investing",
            "has recently started investing",
            "I've just started investing.|I put a bit into index funds every month."
            "|I'm learning how to invest my savings.",
            "invest investing investment index funds stocks",
            "investing|investor|index funds|invests money",
            tags="investing",
        ),
        _attr(
            "wedding fund",
            "is saving for a wedding",
            "I'm saving for my wedding.|We're putting money aside for the wedding next year."
            "|The wedding budget is tight.",
            "wedding engaged engagement fiance fiancee",
            "saving for a wedding|engaged|planning a wedding",
        ),
        _attr(
            "emergency fund",
            "is building an emergency fund",
            "I'm building up an emergency fund.|I want six months of expenses put aside."
            "|I'm trying to get a safety net saved.",
            "emergency fund safety net rainy",
            "rainy day fund|safety net|emergency savings",
        ),
        _attr(
            "early retirement",
            "is saving hard to retire early",
            "I'm saving hard to retire early.|I want to stop working by fifty.|Early retirement is my big money goal.",
            "retire retirement early pension fire",
            "retire early|financial independence|early retirement savings",
        ),
        _attr(
            "credit card debt",
            "is paying off credit card debt",
            "I'm working through some credit card debt.|Clearing my credit cards is my priority."
            "|I owe more on my cards than I'd like.",
            "credit card cards debt owe",
            "credit card debt|card debt|paying off debt",
        ),
        _attr(
            "travel savings",
            "is saving for a long trip abroad",
            "I'm saving for a long trip abroad.|Every month I put money aside for my big trip."
            "|I'm funding a year of travel.",
            "trip abroad gap year",
            "saving for travel|saving for a trip|travel fund",
        ),
        _attr(
            "tight budget",
            "is living on a tight budget",
            "Money is tight for me right now.|I'm watching every penny.|I budget carefully; there's not much slack.",
            "tight penny cheap broke",
            "tight budget|on a budget|money is tight|careful with money",
        ),
    ),
)

_LANGUAGES = CategorySpec(
    name="languages",
    kinds=("attribute",),
    intimacy=0,
    max_per_profile=1,
    topic_words=("language", "languages", "speak", "speaks", "speaking", "fluent", "bilingual", "accent"),
    values=(
        _attr(
            "learning japanese",
            "is learning Japanese",
            "I'm learning Japanese.|I practise Japanese on an app every day."
            "|I'm slowly working through Japanese kanji.",
            "japanese japan kanji",
            "studies japanese|japanese learner|learning the japanese language",
        ),
        _attr(
            "fluent spanish",
            "speaks fluent Spanish",
            "I speak Spanish fluently.|Spanish is my second language.|I grew up speaking Spanish at home.",
            "spanish spain mexico latin",
            "spanish speaker|speaks spanish|fluent in spanish",
        ),
        _attr(
            "bilingual french",
            "is bilingual in French and English",
            "I'm bilingual, French and English.|I switch between French and English all day."
            "|French is my first language.",
            "french france english",
            "speaks french|french speaker|fluent in french|francophone",
        ),
        _attr(
            "learning italian",
            "is learning Italian",
            "I'm learning Italian.|I take an Italian evening class.|I'm practising my Italian for a trip.",
            "italian italy",
            "studies italian|italian learner|learning the italian language",
        ),
        _attr(
            "german at home",
            "speaks German at home",
            "We speak German at home.|German is my family's language.|I grew up speaking German with my parents.",
            "german germany",
            "speaks german|german speaker|fluent in german",
        ),
        _attr(
            "sign language",
            "is learning sign language",
            "I'm learning sign language.|I take a sign language class on Tuesdays."
            "|I'm picking up sign language for a friend.",
            "sign signing deaf",
            "learning to sign|sign language classes|studies sign language",
        ),
        _attr(
            "mandarin",
            "speaks Mandarin",
            "I speak Mandarin.|Mandarin was the language at home when I grew up.|I'm fluent in Mandarin Chinese.",
            "mandarin chinese china",
            "speaks chinese|mandarin chinese|chinese speaker|fluent in mandarin",
        ),
        _attr(
            "learning korean",
            "is learning Korean",
            "I'm learning Korean.|I study Korean in the evenings.|I'm working through a Korean textbook.",
            "korean korea hangul",
            "studies korean|korean learner|learning the korean language",
        ),
        _attr(
            "portuguese",
            "speaks Portuguese",
            "I speak Portuguese.|Portuguese is my mother tongue.|I grew up in Brazil, so Portuguese comes naturally.",
            "portuguese brazil brazilian",
            "portuguese speaker|speaks portuguese|fluent in portuguese",
        ),
        _attr(
            "learning arabic",
            "is learning Arabic",
            "I'm learning Arabic.|I have Arabic lessons twice a week.|I'm working on my Arabic script.",
            "arabic script",
            "studies arabic|arabic learner|learning the arabic language",
        ),
    ),
)

_MUSIC = CategorySpec(
    name="music",
    kinds=("like", "dislike"),
    intimacy=0,
    max_per_profile=2,
    topic_words=(
        "music",
        "song",
        "songs",
        "listen",
        "listening",
        "band",
        "bands",
        "album",
        "albums",
        "playlist",
        "concert",
        "concerts",
        "genre",
        "singer",
        "artist",
    ),
    like_text="loves {noun}",
    like_utterances=(
        "I listen to {noun} pretty much every day.",
        "{Noun} is my favourite kind of music.",
        "Put some {noun} on and I'm in a better mood straight away.",
    ),
    dislike_text="dislikes {noun}",
    dislike_utterances=(
        "I can't stand {noun}.",
        "{Noun} really isn't my thing.",
        "If {noun} comes on the radio, I change the station.",
    ),
    values=(
        _item("jazz", "jazz saxophone swing bebop trumpet", "jazz music|smooth jazz"),
        _item(
            "classical music",
            "classical orchestra symphony piano composer",
            "classical|orchestral music|symphonies",
        ),
        _item("heavy metal", "metal heavy guitars headbanging", "metal|metal music|heavy metal music"),
        _item("country music", "country nashville banjo cowboy", "country|country and western|country songs"),
        _item("hip hop", "hip hop rap rapper rappers beats", "rap|hip-hop|rap music|hip hop music"),
        _item("pop music", "pop charts", "pop|chart music|pop songs"),
        _item("indie rock", "indie rock alternative guitar", "indie|indie music|alternative rock|rock"),
        _item(
            "electronic dance music",
            "edm electronic dance techno house dj",
            "edm|techno|dance music|electronic music",
        ),
        _item("blues", "blues delta", "blues music|the blues"),
        _item("reggae", "reggae jamaica", "reggae music|roots reggae"),
        _item("k-pop", "kpop korean idol idols", "kpop|korean pop|k pop"),
        _item("opera", "opera operas aria soprano", "opera music|operas"),
        _item("folk music", "folk acoustic fiddle", "folk|folk songs|acoustic folk"),
        _item("punk rock", "punk punks", "punk|punk music"),
        _item("soul music", "soul motown funk", "soul|motown|rhythm and blues"),
    ),
)

_FOOD = CategorySpec(
    name="food",
    kinds=("like", "dislike"),
    intimacy=0,
    max_per_profile=2,
    topic_words=(
        "food",
        "foods",
        "eat",
        "eating",
        "cuisine",
        "dish",
        "dishes",
        "meal",
        "meals",
        "dinner",
        "restaurant",
        "taste",
        "flavour",
        "flavor",
    ),
    like_text="loves {noun}",
    like_utterances=(
        "I love {noun}.",
        "If there's {noun} on the menu, that's what I'm ordering.",
        "I could happily eat {noun} every day.",
    ),
    dislike_text="dislikes {noun}",
    dislike_utterances=(
        "I can't stand {noun}.",
        "{Noun} just doesn't agree with me.",
        "I'll order anything except {noun}.",
    ),
    values=(
        _item("spicy food", "spicy spice chilli chili hot heat", "spicy dishes|hot food|chilli|spicy"),
        _item("seafood", "seafood fish prawns shrimp", "fish|shellfish|seafood dishes", tags="seafood shellfish"),
        _item("sushi", "sushi sashimi japanese rolls", "sashimi|sushi rolls|japanese food", tags="seafood"),
        _item("pizza", "pizza pizzas italian", "pizzas|italian pizza", tags="gluten dairy"),
        _item("thai food", "thai curry noodles pad", "thai cuisine|thai curry|thai"),
        _item("mexican food", "mexican tacos burritos salsa", "mexican cuisine|tacos|mexican"),
        _item("indian curry", "curry curries indian masala", "curry|indian food|indian cuisine|curries"),
        _item("steak", "steak beef grill", "beef|steaks|a good steak", tags="meat"),
        _item("barbecue", "barbecue bbq grill smoked ribs", "bbq|barbecued meat|smoked meat", tags="meat"),
        _item("chocolate", "chocolate cocoa dessert sweet", "dark chocolate|chocolates|sweets", tags="sweets"),
        _item("cheese", "cheese cheddar brie", "cheeses|cheese platter", tags="dairy"),
        _item("mushrooms", "mushroom mushrooms fungi", "mushroom|fungi"),
        _item("olives", "olive olives", "olive"),
        _item("coriander", "coriander cilantro herb herbs", "cilantro|fresh coriander"),
        _item("pasta", "pasta spaghetti noodles italian", "spaghetti|italian pasta|noodles", tags="gluten"),
        _item("peanut butter", "peanut peanuts butter", "peanuts|pb", tags="nuts"),
        _item("bacon", "bacon pork breakfast", "pork|crispy bacon", tags="meat pork"),
        _item("oysters", "oyster oysters shellfish", "raw oysters|oyster", tags="seafood shellfish"),
        _item("avocado", "avocado avocados guacamole", "avocados|guacamole"),
    ),
)

_SPORT = CategorySpec(
    name="sport",
    kinds=("like", "dislike"),
    intimacy=0,
    max_per_profile=2,
    topic_words=("sport", "sports", "game", "games", "team", "teams", "match", "matches", "league", "fan", "season"),
    like_text="loves watching {noun}",
    like_utterances=(
        "I follow {noun} closely.",
        "{Noun} is the one sport I'll always watch.",
        "My weekends revolve around watching {noun}.",
    ),
    dislike_text="dislikes watching {noun}",
    dislike_utterances=(
        "{Noun} bores me to tears.",
        "I've never understood the appeal of {noun}.",
        "Honestly, I can't stand watching {noun}.",
    ),
    values=(
        _item("football", "football soccer premier goal goals striker", "soccer|association football|premier league"),
        _item("basketball", "basketball nba hoops dunk", "nba|hoops|basketball games"),
        _item("baseball", "baseball mlb innings pitcher", "mlb|baseball games"),
        _item("tennis", "tennis wimbledon serve racket", "wimbledon|tennis matches"),
        _item("golf", "golf golfer golfers putt", "golf tournaments|pga|the masters"),
        _item("formula 1", "formula f1 racing race races cars", "f1|formula one|motor racing|grand prix"),
        _item("cricket", "cricket wicket batting bowler", "test cricket|cricket matches"),
        _item("ice hockey", "hockey nhl ice puck", "hockey|nhl"),
        _item("rugby", "rugby scrum try tries", "rugby union|rugby league"),
        _item("boxing", "boxing boxer boxers fight fights ring", "boxing matches|prize fighting"),
        _item("american football", "nfl quarterback touchdown superbowl", "nfl|gridiron|the super bowl"),
        _item("cycling races", "tour france peloton", "tour de france|pro cycling|bike racing", tags="cycling"),
    ),
)

_FILM = CategorySpec(
    name="film",
    kinds=("like", "dislike"),
    intimacy=0,
    max_per_profile=2,
    topic_words=("movie", "movies", "film", "films", "cinema", "show", "shows", "series", "tv", "netflix", "watch"),
    like_text="loves {noun}",
    like_utterances=(
        "I'm always up for {noun}.",
        "Give me {noun} on a Friday night and I'm happy.",
        "I've watched more {noun} than I could count.",
    ),
    dislike_text="dislikes {noun}",
    dislike_utterances=(
        "I can't sit through {noun}.",
        "{Noun}? Not for me, I'd pick almost anything else.",
        "I always veto {noun} when we choose something to watch.",
    ),
    values=(
        _item("horror movies", "horror scary slasher ghost", "horror|horror films|scary movies"),
        _item("science fiction", "scifi science fiction space aliens", "sci-fi|scifi|sci-fi movies"),
        _item("romantic comedies", "romcom romcoms romantic comedy", "romcoms|rom-coms|romantic comedy"),
        _item("documentaries", "documentary documentaries nature", "documentary films|docs|nature documentaries"),
        _item("anime", "anime japanese animation manga", "japanese animation|anime series"),
        _item("westerns", "western westerns cowboys", "western movies|cowboy films"),
        _item("musicals", "musical musicals broadway singing", "movie musicals|musical films"),
        _item("superhero movies", "superhero superheroes marvel dc comic", "superhero films|marvel movies|superheroes"),
        _item("period dramas", "period drama costume historical", "costume dramas|period pieces|historical dramas"),
        _item("action movies", "action explosions chase", "action films|action flicks|blockbusters"),
        _item("arthouse films", "arthouse indie foreign subtitles", "art films|foreign films|indie films"),
        _item("true crime shows", "crime murder detective", "true crime|crime documentaries"),
    ),
)

_READING = CategorySpec(
    name="reading",
    kinds=("like", "dislike"),
    intimacy=0,
    max_per_profile=2,
    topic_words=("read", "reading", "book", "books", "novel", "novels", "author", "authors", "kindle", "literature"),
    like_text="enjoys reading {noun}",
    like_utterances=(
        "I read a lot of {noun}.",
        "My nightstand is always stacked with {noun}.",
        "Whenever I have a free evening I curl up with {noun}.",
    ),
    dislike_text="dislikes reading {noun}",
    dislike_utterances=(
        "I've never been able to get into {noun}.",
        "Reading {noun} puts me to sleep.",
        "I can't stand {noun}, honestly.",
    ),
    values=(
        _item(
            "mystery novels",
            "mystery mysteries detective whodunit",
            "mysteries|detective novels|crime fiction|whodunits",
        ),
        _item("fantasy novels", "fantasy dragons wizards epic", "fantasy|fantasy books|epic fantasy"),
        _item("biographies", "biography biographies memoir memoirs", "memoirs|biography|life stories"),
        _item("poetry", "poetry poems poet poets", "poems|verse"),
        _item("history books", "history historical wars", "history|history writing|historical non-fiction"),
        _item("graphic novels", "graphic comics comic manga", "comics|comic books|manga"),
        _item("self-help books", "habits productivity motivation", "self-help|self help|personal development"),
        _item("romance novels", "romance romantic lovers", "romance|love stories|romance books"),
        _item("classic literature", "classics classic dickens austen", "classics|classic novels|the classics"),
        _item("philosophy", "philosophy philosopher stoicism ethics", "philosophy books|stoicism"),
        _item("thrillers", "thriller thrillers suspense spy", "thriller novels|spy novels|suspense"),
        _item("science books", "science physics popular biology", "popular science|science writing|pop science"),
    ),
)

_TRAVEL = CategorySpec(
    name="travel",
    kinds=("like", "dislike"),
    intimacy=0,
    max_per_profile=2,
    topic_words=("travel", "travelling", "traveling", "trip", "trips", "holiday", "holidays", "vacation", "abroad"),
    like_text="loves {noun}",
    like_utterances=(
        "Nothing beats {noun} for me.",
        "I save up all year for {noun}.",
        "My idea of a perfect holiday involves {noun}.",
    ),
    dislike_text="dislikes {noun}",
    dislike_utterances=(
        "I tried {noun} once and never again.",
        "I'd skip {noun} every time.",
        "{Noun}? Not my idea of a holiday.",
    ),
    values=(
        _item("beach holidays", "beach beaches sand sun seaside", "beach trips|seaside holidays|beach vacations"),
        _item("backpacking", "backpacking backpack hostel hostels", "backpacking trips|backpacker"),
        _item("road trips", "road drive driving car", "road-trips|driving holidays"),
        _item("city breaks", "city cities museums sightseeing", "city trips|weekend city breaks|sightseeing"),
        _item("camping", "camping camp tent tents campsite", "camping trips|tent camping", tags="camping"),
        _item("cruises", "cruise cruises ship ships", "cruise|cruise holidays|cruise ships"),
        _item("ski trips", "ski skiing snow slopes", "skiing|ski holidays|skiing holidays", tags="skiing"),
        _item("train journeys", "train trains rail railway scenic", "rail travel|train travel|scenic train rides"),
        _item("all-inclusive resorts", "resort resorts pool inclusive", "resorts|all inclusive|package holidays"),
        _item("safaris", "safari safaris wildlife africa", "safari|wildlife trips"),
    ),
)

_TOPIC = CategorySpec(
    name="topic",
    kinds=("dislike",),
    intimacy=0,
    max_per_profile=2,
    topic_words=("topic", "topics", "subject", "subjects", "discuss", "discussion"),
    dislike_text="dislikes talking about {noun}",
    dislike_utterances=(
        "I'd rather not talk about {noun}.",
        "Please, no {noun}; I get more than enough of it elsewhere.",
        "Conversations about {noun} wear me out.",
    ),
    values=(
        _item(
            "politics",
            "politics political politician politicians election elections government vote voting president"
            " parliament congress senator",
            "political talk|elections|current affairs",
        ),
        _item(
            "celebrity gossip",
            "celebrity celebrities gossip famous paparazzi kardashians tabloid",
            "celebrities|gossip|celebrity news|tabloid gossip",
        ),
        _item(
            "cryptocurrency",
            "crypto cryptocurrency bitcoin ethereum blockchain nft nfts token tokens",
            "crypto|bitcoin|nfts|crypto coins",
        ),
        _item("religion", "religion religious church god faith belief", "faith|religious debates|belief"),
        _item("reality tv", "reality contestants bachelor island", "reality television|reality shows"),
        _item(
            "the stock market",
            "stock stocks shares market markets trading wall",
            "stocks|share prices|trading",
            tags="investing",
        ),
        _item(
            "conspiracy theories",
            "conspiracy conspiracies theory theories coverup",
            "conspiracies|conspiracy talk",
        ),
        _item(
            "social media drama",
            "instagram tiktok twitter influencer influencers viral",
            "social media|influencers",
        ),
        _item("the royal family", "royal royals king queen prince princess monarchy", "royals|the monarchy|royalty"),
        _item("horoscopes", "horoscope horoscopes astrology zodiac star signs", "astrology|star signs|zodiac signs"),
        _item("office gossip", "gossip office coworkers colleagues drama", "workplace gossip|work gossip"),
        _item(
            "ai hype",
            "ai artificial intelligence chatbot chatbots robots",
            "artificial intelligence hype|ai|chatbots",
        ),
    ),
)

_STYLE = CategorySpec(
    name="style",
    kinds=("style",),
    intimacy=0,
    max_per_profile=1,
    topic_words=("reply", "replies", "answer", "answers", "style", "tone", "length", "prefer"),
    values=(
        _attr(
            "short replies",
            "prefers short, to-the-point replies",
            "Keep it short, please; I don't have time for essays.|I like answers that get straight to the point."
            "|Short replies work best for me.",
            "short brief concise quick long",
            "brief replies|concise answers|short answers|to the point|brevity",
            tags="verbosity=brief",
        ),
        _attr(
            "moderate replies",
            "likes replies of moderate length",
            "Not too long, not too short, that's my sweet spot.|A few sentences is plenty for me."
            "|I like a reply with some substance but no rambling.",
            "moderate length sentences rambling",
            "medium-length replies|balanced replies|moderate length|a few sentences",
            tags="verbosity=balanced",
        ),
        _attr(
            "detailed replies",
            "likes detailed, thorough replies",
            "I like detail; don't hold back.|Long, thorough answers are fine by me."
            "|Give me the full explanation, please.",
            "detail detailed thorough depth explanation explain",
            "thorough answers|in-depth replies|long answers|lots of detail",
            tags="verbosity=detailed",
        ),
        _attr(
            "casual tone",
            "likes a relaxed, casual tone",
            "Keep it casual, no need to be stiff.|Just talk to me like a friend would."
            "|I prefer a laid-back way of talking.",
            "casual relaxed informal chill",
            "casual|informal tone|relaxed tone|laid-back",
            tags="tone=casual",
        ),
        _attr(
            "warm tone",
            "likes a warm, friendly tone",
            "I appreciate a bit of warmth.|A friendly tone goes a long way with me.|Kindness matters to me in a chat.",
            "warm warmth friendly kindness",
            "friendly tone|warm|kind tone|friendly",
            tags="tone=warm",
        ),
        _attr(
            "formal tone",
            "prefers a polite, formal tone",
            "I prefer things kept polite and formal.|Please keep the tone professional.|I'm not one for slang.",
            "formal polite professional slang",
            "formal|professional tone|polite tone|formal language",
            tags="tone=formal",
        ),
    ),
)

CATALOG: Mapping[str, CategorySpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            _OCCUPATION,
            _LOCATION,
            _DIET,
            _PET,
            _FAMILY,
            _HOBBY,
            _WORK_HABITS,
            _FITNESS_GOAL,
            _FINANCES,
            _LANGUAGES,
            _MUSIC,
            _FOOD,
            _SPORT,
            _FILM,
            _READING,
            _TRAVEL,
            _TOPIC,
            _STYLE,
        )
    }
)
"""Every category by name, in the order agents should explore them."""

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


def fact_id(category: str, kind: str, value: str) -> str:
    """The deterministic id of a fact: ``"<category>.<kind>.<value slug>"``, e.g. ``"music.like.jazz"``."""
    slug = _SLUG.sub("_", normalize(value)).strip("_")
    return f"{category}.{kind}.{slug}"


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
