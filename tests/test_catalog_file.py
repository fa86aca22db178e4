"""The catalog file format: what ``parse_catalog`` accepts, and the error it gives for each mistake."""

from __future__ import annotations

import pytest

from rlpa_env.profiles.catalog import CATALOG, CatalogError, load_catalog, parse_catalog

VALID = """
[pet]
kinds = ["attribute"]
intimacy = 1
max_per_profile = 1
topic_words = ["pet", "pets"]

[[pet.values]]
value = "hamster"
text = "has a hamster"
utterances = ["I have a hamster."]
keywords = ["hamster"]
aliases = ["a hamster"]

[music]
kinds = ["like", "dislike"]
intimacy = 0
max_per_profile = 1
topic_words = ["music"]

[music.like]
text = "loves {noun}"
utterances = ["{Noun} is great."]

[music.dislike]
text = "dislikes {noun}"
utterances = ["I can't stand {noun}."]

[[music.values]]
value = "jazz"
keywords = ["jazz"]
"""

JAZZ = '[[music.values]]\nvalue = "jazz"\nkeywords = ["jazz"]\n'
HAMSTER_KEYWORDS = 'keywords = ["hamster"]'
PET_INTIMACY = 'kinds = ["attribute"]\nintimacy = 1'


def _edited(*replacements: tuple[str, str]) -> str:
    text = VALID
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_a_valid_file_gives_the_categories_in_file_order() -> None:
    catalog = parse_catalog(VALID)
    assert list(catalog) == ["pet", "music"]
    hamster = catalog["pet"].values[0]
    assert (hamster.text, hamster.utterances, hamster.keywords, hamster.aliases) == (
        "has a hamster",
        ("I have a hamster.",),
        ("hamster",),
        ("a hamster",),
    )
    assert hamster.noun == "" and hamster.intimacy is None
    music = catalog["music"]
    assert music.kinds == ("like", "dislike") and music.like_utterances == ("{Noun} is great.",)
    assert music.values[0].noun == "jazz"  # a like/dislike value is its own noun unless it says otherwise


def test_the_shipped_catalog_is_read_once_per_process() -> None:
    assert load_catalog() is load_catalog() is CATALOG
    assert issubclass(CatalogError, ValueError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(_edited(('["attribute"]', '["attribute"')), "catalog.toml: not valid TOML", id="toml-syntax"),
        pytest.param("# nothing yet\n", "catalog.toml: no categories", id="no-categories"),
        pytest.param('colour = "blue"\n' + VALID, "category 'colour': expected a table, got str", id="not-a-table"),
        pytest.param(
            _edited((PET_INTIMACY, 'kinds = ["attribute"]')), "category 'pet': 'intimacy' is missing", id="missing-key"
        ),
        pytest.param(
            _edited((PET_INTIMACY, PET_INTIMACY + '\ncolour = "red"')),
            "category 'pet': unknown key 'colour'",
            id="unknown-key",
        ),
        pytest.param(
            _edited(('["attribute"]', '["hobby"]')), "category 'pet': unknown kind 'hobby'", id="unknown-kind"
        ),
        pytest.param(
            _edited(('["attribute"]', '["attribute", "like"]')), "kinds ['attribute', 'like'] mix up", id="mixed-kinds"
        ),
        pytest.param(_edited(('["attribute"]', "[]")), "category 'pet': kind list is empty", id="no-kinds"),
        pytest.param(
            _edited(("intimacy = 1", 'intimacy = "1"')), "'intimacy' must be an integer, got str", id="integer-type"
        ),
        pytest.param(_edited(("intimacy = 1", "intimacy = 3")), "'intimacy' must be 0..2, got 3", id="integer-range"),
        pytest.param(
            _edited(("max_per_profile = 1", "max_per_profile = 2")),
            "'max_per_profile' must be 1..1, got 2",
            id="more-per-profile-than-values",
        ),
        pytest.param(
            _edited((HAMSTER_KEYWORDS, "keywords = []")),
            "catalog.toml: category 'pet', value 'hamster': keyword list is empty",
            id="empty-list",
        ),
        pytest.param(
            _edited((HAMSTER_KEYWORDS, 'keywords = ["Hamster"]')),
            "keyword 'Hamster' is not one lower-case word",
            id="not-a-lower-case-word",
        ),
        pytest.param(
            _edited((HAMSTER_KEYWORDS, 'keywords = "hamster"')), "'keywords' must be a list of strings", id="not-a-list"
        ),
        pytest.param(
            _edited(('["a hamster"]', '["a hamster", " "]')),
            "value 'hamster': alias list has an empty alias",
            id="empty-item",
        ),
        pytest.param(
            _edited(('text = "has a hamster"', "text = 3")), "'text' must be a string, got int", id="string-type"
        ),
        pytest.param(
            _edited(('text = "has a hamster"', 'text = ""')), "value 'hamster': 'text' is empty", id="empty-string"
        ),
        pytest.param(
            _edited(('text = "has a hamster"\n', "")),
            "value 'hamster': 'text' is missing",
            id="attribute-value-without-text",
        ),
        pytest.param(
            _edited((JAZZ, JAZZ + 'text = "likes jazz"\n')),
            "category 'music', value 'jazz': unknown key 'text'",
            id="like-value-with-text",
        ),
        pytest.param(
            _edited(('[music.dislike]\ntext = "dislikes {noun}"\nutterances = ["I can\'t stand {noun}."]\n', "")),
            "category 'music': it makes dislike facts, so it needs a [music.dislike] table",
            id="missing-template",
        ),
        pytest.param(
            _edited(("[[pet.values]]", '[pet.like]\ntext = "loves {noun}"\nutterances = ["{noun}"]\n\n[[pet.values]]')),
            "category 'pet': unknown key 'like'",
            id="template-for-a-kind-not-made",
        ),
        pytest.param(
            _edited(("{Noun} is great.", "{Nown} is great.")),
            "like template: template '{Nown} is great.' has an unknown placeholder {Nown}",
            id="unknown-placeholder",
        ),
        pytest.param(
            _edited(('"loves {noun}"', '"loves it"')),
            "template 'loves it' never names the value",
            id="template-without-noun",
        ),
        pytest.param(
            _edited(("{Noun} is great.", "{Noun is great.")),
            "template '{Noun is great.' is malformed",
            id="malformed-template",
        ),
        pytest.param(
            _edited((HAMSTER_KEYWORDS, HAMSTER_KEYWORDS + '\nclashes = ["meat"]')),
            "clash 'meat' is not 'kind:tag'",
            id="bad-clash",
        ),
        pytest.param(
            _edited((JAZZ, JAZZ + "\n" + JAZZ)), "category 'music': value 'jazz' appears twice", id="duplicate-value"
        ),
        pytest.param(
            _edited((JAZZ, JAZZ + "\n" + JAZZ.replace('"jazz"\nk', '"Jazz"\nk'))),
            "values 'jazz' and 'Jazz' make the same fact id",
            id="same-fact-id",
        ),
        pytest.param(
            _edited((JAZZ, ""), ('topic_words = ["music"]', 'topic_words = ["music"]\nvalues = []')),
            "category 'music': 'values' must be a non-empty list",
            id="no-values",
        ),
        pytest.param(
            _edited((JAZZ, ""), ('topic_words = ["music"]', 'topic_words = ["music"]\nvalues = ["jazz"]')),
            "category 'music', value #1: expected a table, got str",
            id="value-not-a-table",
        ),
    ],
)
def test_each_mistake_is_named_with_its_entry(text: str, message: str) -> None:
    with pytest.raises(CatalogError) as raised:
        parse_catalog(text)
    assert message in str(raised.value)
    assert str(raised.value).startswith("catalog.toml: ")
