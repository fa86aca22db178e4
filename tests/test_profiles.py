"""Specifications of rlpa_env.profiles: catalog, generator, banks, JSONL files and the ALOE importer."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tracemalloc
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from rlpa_env.profiles import (
    CATEGORIES,
    Fact,
    Profile,
    ProfileBank,
    ProfileFileError,
    StylePreferences,
    category_topic_words,
    category_vocabulary,
    generate_profile,
    generate_profiles,
    load_aloe_profiles,
    load_jsonl,
    profile_from_text,
    regenerate,
    save_jsonl,
    split_overlap_report,
)
from rlpa_env.profiles.catalog import CATALOG, catalog_fact, specific_keywords, value_clashes, value_tags
from rlpa_env.text import STOPWORDS, polarity, tokens

SHIPPED = resources.files("rlpa_env.profiles") / "data"


@pytest.fixture(scope="module")
def sample_profiles() -> list[Profile]:
    return generate_profiles(seed=11, n=400, id_prefix="spec")


# --- catalog -----------------------------------------------------------------------------------


def test_catalog_has_at_least_14_categories_with_8_to_20_values() -> None:
    assert len(CATEGORIES) >= 14
    for name in CATEGORIES:
        if name == "style":
            assert len(CATALOG[name].values) == 6  # three verbosities and three tones
            continue
        assert 8 <= len(CATALOG[name].values) <= 20, name


def test_every_catalog_fact_has_three_utterances_and_clean_keywords() -> None:
    for name, spec in CATALOG.items():
        for value in spec.values:
            for kind in spec.kinds:
                fact = catalog_fact(name, kind, value.value)
                assert len(set(fact.utterances)) >= 3, fact.id
                assert fact.keywords, fact.id
                for word in fact.keywords:
                    assert tokens(word) == [word], (fact.id, word)
                    assert word not in STOPWORDS, (fact.id, word)


def test_dislike_facts_read_as_negative_and_likes_as_positive() -> None:
    for name, spec in CATALOG.items():
        for value in spec.values:
            if "dislike" in spec.kinds:
                assert polarity(catalog_fact(name, "dislike", value.value).text) == -1
            if "like" in spec.kinds:
                assert polarity(catalog_fact(name, "like", value.value).text) == 1


def test_pet_question_words_reach_every_pet_fact() -> None:
    for value in CATALOG["pet"].values:
        fact = catalog_fact("pet", "attribute", value.value)
        assert {"pet", "pets"} <= set(fact.keywords)
    assert "pets" in category_topic_words("pet")


def test_specific_keywords_leave_out_the_category_words() -> None:
    fact = catalog_fact("music", "dislike", "country music")
    assert "banjo" in specific_keywords(fact)
    assert "music" in fact.keywords
    assert "music" not in specific_keywords(fact)


def test_catalog_fact_id_comes_from_category_kind_and_value_and_is_shared() -> None:
    fact = catalog_fact("music", "like", "jazz")
    assert fact.id == "music.like.jazz"
    assert catalog_fact("occupation", "attribute", "pediatric nurse").id == "occupation.attribute.pediatric_nurse"
    assert catalog_fact("music", "like", "jazz") is fact


def test_catalog_fact_rejects_a_kind_the_category_does_not_make() -> None:
    with pytest.raises(ValueError, match="occupation"):
        catalog_fact("occupation", "like", "chef")
    with pytest.raises(KeyError, match="known values"):
        catalog_fact("music", "like", "yodelling")


def test_category_vocabulary_gives_normalised_value_then_aliases() -> None:
    vocabulary = category_vocabulary()
    assert set(vocabulary) == set(CATEGORIES)
    nurse_terms = next(terms for terms in vocabulary["occupation"] if terms[0] == "pediatric nurse")
    assert "children's nurse" in nurse_terms and "nurse" in nurse_terms
    assert len(vocabulary["music"]) == len(CATALOG["music"].values)
    assert category_vocabulary() is vocabulary


def test_unknown_category_error_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="occupation"):
        category_topic_words("astronomy")


# --- generator ---------------------------------------------------------------------------------


def test_generate_profile_is_deterministic_for_a_seed() -> None:
    first = generate_profile(np.random.default_rng(5), "p")
    second = generate_profile(np.random.default_rng(5), "p")
    other = generate_profile(np.random.default_rng(6), "p")
    assert first == second
    assert first.signature() != other.signature()


def test_generated_profiles_hold_8_to_14_facts_of_every_kind(sample_profiles: list[Profile]) -> None:
    sizes = Counter(len(profile.facts) for profile in sample_profiles)
    assert set(sizes) == set(range(8, 15))
    for profile in sample_profiles:
        kinds = Counter(fact.kind for fact in profile.facts)
        assert kinds["style"] == 1
        assert 2 <= kinds["like"] <= 5
        assert 1 <= kinds["dislike"] <= 3
        assert kinds["attribute"] >= 3


def test_generated_profiles_mix_intimacy_levels(sample_profiles: list[Profile]) -> None:
    levels = [len({fact.intimacy for fact in profile.facts}) for profile in sample_profiles]
    assert min(levels) >= 2
    assert sum(level == 3 for level in levels) > len(sample_profiles) / 2


def _tags(fact: Fact) -> set[str]:
    return set(value_tags(fact.category, fact.value))


def test_generated_profiles_never_contradict_themselves(sample_profiles: list[Profile]) -> None:
    for profile in sample_profiles:
        per_category = Counter(fact.category for fact in profile.facts)
        for category, count in per_category.items():
            assert count <= CATALOG[category].max_per_profile, (profile.id, category)
        values = [(fact.category, fact.value) for fact in profile.facts]
        assert len(values) == len(set(values)), profile.id  # never like and dislike one value
        for fact in profile.facts:
            for other in profile.facts:
                if (fact.kind == "dislike") != (other.kind == "dislike"):
                    assert not _tags(fact) & _tags(other), (profile.id, fact.id, other.id)
                for clash in value_clashes(fact.category, fact.value):
                    kind, tag = clash.split(":")
                    assert not (other.kind == kind and tag in _tags(other)), (profile.id, fact.id, other.id)


def test_vegetarians_never_have_meat_or_seafood_food_facts(sample_profiles: list[Profile]) -> None:
    vegetarians = [p for p in sample_profiles if any(f.id == "diet.attribute.vegetarian" for f in p.facts)]
    assert vegetarians
    for profile in vegetarians:
        food_tags = set().union(*(_tags(fact) for fact in profile.facts if fact.category == "food"))
        assert not food_tags & {"meat", "seafood"}, profile.id


def test_style_fact_agrees_with_style_preferences(sample_profiles: list[Profile]) -> None:
    for profile in sample_profiles:
        (style_fact,) = (fact for fact in profile.facts if fact.kind == "style")
        expected = {f"verbosity={profile.style.verbosity}", f"tone={profile.style.tone}"}
        assert _tags(style_fact) & expected, profile.id


def test_same_fact_is_the_same_object_across_profiles(sample_profiles: list[Profile]) -> None:
    by_id: dict[str, Fact] = {}
    for profile in sample_profiles:
        for fact in profile.facts:
            assert by_id.setdefault(fact.id, fact) is fact
            assert fact.id.startswith(f"{fact.category}.{fact.kind}.")


def test_generate_profiles_ids_are_sequential_and_a_shorter_run_is_a_prefix() -> None:
    long_run = generate_profiles(seed=2, n=30, id_prefix="x")
    short_run = generate_profiles(seed=2, n=10, id_prefix="x")
    assert [p.id for p in short_run] == [f"x-{i:05d}" for i in range(10)]
    assert short_run == long_run[:10]
    assert len({p.signature() for p in long_run}) == 30


def test_generate_profiles_skips_excluded_signatures() -> None:
    first = generate_profiles(seed=4, n=5, id_prefix="a")
    excluded = generate_profiles(seed=4, n=5, id_prefix="a", exclude={first[0].signature()})
    assert excluded[0].signature() == first[1].signature()
    assert excluded[0].id == "a-00000"


def test_generate_profiles_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="seed"):
        generate_profiles(seed=-1, n=3, id_prefix="x")
    with pytest.raises(ValueError, match="id_prefix"):
        generate_profiles(seed=0, n=3, id_prefix="")


# --- bank --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_bank() -> ProfileBank:
    return ProfileBank.generate(seed=3, n_train=200, n_test=60)


def test_bank_generate_has_the_requested_sizes_and_disjoint_splits(small_bank: ProfileBank) -> None:
    train, test = small_bank.split("train"), small_bank.split("test")
    assert (len(train), len(test)) == (200, 60)
    train_signatures = {p.signature() for p in train}
    test_signatures = {p.signature() for p in test}
    assert len(train_signatures) == 200 and len(test_signatures) == 60
    assert not train_signatures & test_signatures


def test_bank_split_rejects_unknown_names(small_bank: ProfileBank) -> None:
    with pytest.raises(ValueError, match=r"'validation'.*'train', 'test'"):
        small_bank.split("validation")


def test_bank_get_and_sample(small_bank: ProfileBank) -> None:
    assert small_bank.get("test-00007") is small_bank.split("test")[7]
    with pytest.raises(KeyError, match="nope"):
        small_bank.get("nope")
    draws = {small_bank.sample(np.random.default_rng(seed), "test").id for seed in range(20)}
    assert all(draw.startswith("test-") for draw in draws) and len(draws) > 10
    assert small_bank.sample(np.random.default_rng(1)) == small_bank.sample(np.random.default_rng(1))


def test_bank_rejects_a_profile_id_used_twice(small_bank: ProfileBank) -> None:
    profile = small_bank.split("train")[0]
    with pytest.raises(ValueError, match="train-00000"):
        ProfileBank([profile], [profile])


def test_default_bank_is_loaded_once_per_process() -> None:
    assert ProfileBank.default() is ProfileBank.default()


def test_shipped_files_equal_a_fresh_generation(tmp_path: Path) -> None:
    regenerate.main(["--out", str(tmp_path)])
    for name in ("train", "test"):
        assert (tmp_path / f"{name}.jsonl.gz").read_bytes() == (SHIPPED / f"{name}.jsonl.gz").read_bytes()
    fresh = ProfileBank.load(tmp_path)
    shipped = ProfileBank.default()
    for name in ("train", "test"):
        assert [p.id for p in shipped.split(name)] == [p.id for p in fresh.split(name)]
        assert [p.signature() for p in shipped.split(name)] == [p.signature() for p in fresh.split(name)]
    assert (len(shipped.split("train")), len(shipped.split("test"))) == (2000, 300)


def test_default_train_bank_takes_well_under_100_mb() -> None:
    with resources.as_file(SHIPPED / "train.jsonl.gz") as path:
        tracemalloc.start()
        try:
            profiles = load_jsonl(path)
            current, _peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert len(profiles) == 2000
    assert current < 100 * 2**20
    assert current < 10 * 2**20  # interning keeps it far below the limit


def test_overlap_report_of_the_shipped_bank_is_sane() -> None:
    report = split_overlap_report(ProfileBank.default())
    assert report["n_train"] == 2000 and report["n_test"] == 300
    assert report["exact_duplicates"] == 0
    assert report["duplicates_within_train"] == 0 and report["duplicates_within_test"] == 0
    assert 0.0 < report["mean_nearest_jaccard"] <= report["max_nearest_jaccard"] < 1.0
    assert 0.0 <= report["share_nearest_half_shared"] < 0.5


def test_overlap_report_flags_a_near_copy(small_bank: ProfileBank) -> None:
    original = small_bank.split("train")[0]
    near_copy = Profile(id="copy", facts=original.facts[:-1], style=original.style)
    report = split_overlap_report(ProfileBank(small_bank.split("train"), [near_copy]))
    expected = (len(original.facts) - 1) / len(original.facts)
    assert report["max_nearest_jaccard"] == pytest.approx(expected)
    assert report["share_nearest_half_shared"] == 1.0
    assert report["exact_duplicates"] == 0
    exact = split_overlap_report(ProfileBank(small_bank.split("train"), [Profile("same", original.facts)]))
    assert exact["exact_duplicates"] == 1 and exact["max_nearest_jaccard"] == pytest.approx(1.0)


def test_importing_the_package_generates_and_loads_nothing() -> None:
    code = (
        "import sys, rlpa_env.profiles as p;"
        "assert p.Profile is not None;"
        "print(sorted(m for m in sys.modules if m.startswith('rlpa_env.profiles.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "['rlpa_env.profiles.types']"


# --- JSONL files -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["profiles.jsonl", "profiles.jsonl.gz"])
def test_save_then_load_round_trips(tmp_path: Path, small_bank: ProfileBank, name: str) -> None:
    profiles = list(small_bank.split("test"))
    path = save_jsonl(profiles, tmp_path / name)
    assert load_jsonl(path) == profiles
    with gzip.open(path, "rt") if name.endswith(".gz") else path.open() as handle:
        first_line = handle.readline()
    assert json.loads(first_line) == {"schema": "rlpa-env/profiles", "version": 1}


def test_saving_twice_gives_identical_gzip_bytes(tmp_path: Path, small_bank: ProfileBank) -> None:
    first = save_jsonl(small_bank.split("test"), tmp_path / "a.jsonl.gz").read_bytes()
    second = save_jsonl(small_bank.split("test"), tmp_path / "b.jsonl.gz").read_bytes()
    assert first == second


def test_loading_interns_identical_facts(tmp_path: Path) -> None:
    profiles = generate_profiles(seed=1, n=50, id_prefix="i")
    loaded = load_jsonl(save_jsonl(profiles, tmp_path / "p.jsonl"))
    by_id: dict[str, Fact] = {}
    for profile in loaded:
        for fact in profile.facts:
            assert by_id.setdefault(fact.id, fact) is fact


def _write_lines(path: Path, records: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    return path


def _good_profile(profile_id: str = "u-1") -> dict:
    return generate_profile(np.random.default_rng(0), profile_id).to_dict()


HEADER = {"schema": "rlpa-env/profiles", "version": 1}


def _with_fact_change(index: int, **change: object) -> dict:
    record = _good_profile()
    record["facts"][index].update(change)
    return record


def _without_fact_field(index: int, field: str) -> dict:
    record = _good_profile()
    del record["facts"][index][field]
    return record


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [
                HEADER,
                _good_profile("a"),
                _good_profile("b"),
                _good_profile("c"),
                _good_profile("d"),
                _good_profile("e"),
                _with_fact_change(2, kind="liek"),
            ],
            "profiles.jsonl line 7: facts[2].kind: must be one of ('attribute', 'like', 'dislike', 'style'),"
            " got 'liek'",
        ),
        ([HEADER, _good_profile(), "{not json"], "profiles.jsonl line 3: not valid JSON"),
        ([_good_profile()], "profiles.jsonl line 1: schema: the first line must be the header"),
        ([{"schema": "rlpa-env/profiles", "version": 7}], "profiles.jsonl line 1: version: unsupported version 7"),
        ([HEADER, _without_fact_field(0, "text")], "profiles.jsonl line 2: facts[0].text: missing"),
        ([HEADER, _with_fact_change(1, intimacy="high")], "profiles.jsonl line 2: facts[1].intimacy: must be int"),
        ([HEADER, _with_fact_change(1, intimacy=5)], "profiles.jsonl line 2: facts[1].intimacy: must be 0..2"),
        (
            [HEADER, _with_fact_change(0, keywords=["ok", 3])],
            "profiles.jsonl line 2: facts[0].keywords[1]: must be str",
        ),
        ([HEADER, _with_fact_change(0, utterances=[])], "profiles.jsonl line 2: facts[0]: Fact"),
        ([HEADER, {"facts": []}], "profiles.jsonl line 2: id: missing"),
        ([HEADER, {"id": "x", "facts": []}], "profiles.jsonl line 2: facts: must hold at least one fact"),
        ([HEADER, {**_good_profile(), "style": {"tone": "shouty"}}], "line 2: style.tone: must be one of"),
        (
            [HEADER, _good_profile("same"), _good_profile("same")],
            "line 3: id: duplicate profile id 'same' (first on line 2)",
        ),
        (
            [HEADER, _with_fact_change(1, id=_good_profile()["facts"][0]["id"])],
            "line 2: facts: Profile 'u-1' has duplicate",
        ),
        ([HEADER, ["a", "list"]], "profiles.jsonl line 2: a profile must be a JSON object"),
    ],
)
def test_malformed_files_name_the_line_and_field(tmp_path: Path, lines: list[object], expected: str) -> None:
    path = _write_lines(tmp_path / "profiles.jsonl", lines)
    with pytest.raises(ProfileFileError) as raised:
        load_jsonl(path)
    assert str(path) in str(raised.value)
    assert expected in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_empty_and_non_gzip_files_are_clear_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(ProfileFileError, match=r"empty\.jsonl line 1: schema: the file is empty"):
        load_jsonl(empty)
    fake_gzip = tmp_path / "plain.jsonl.gz"
    fake_gzip.write_text(json.dumps(HEADER))
    with pytest.raises(ProfileFileError, match=r"plain\.jsonl\.gz: cannot be read as gzip"):
        load_jsonl(fake_gzip)


# --- ALOE importer -----------------------------------------------------------------------------

ALOE_TEXT = """Characteristics:
- She works as a nurse. She loves hiking on weekends.
- She can't stand country music.
- Her favourite food is sushi.
- They enjoy watching basketball with friends
- He is vegetarian.
"""


def test_profile_from_text_makes_one_fact_per_trait() -> None:
    profile = profile_from_text(ALOE_TEXT, "aloe-1")
    assert profile.id == "aloe-1" and profile.style == StylePreferences() and profile.persona == ALOE_TEXT
    rows = [(f.category, f.kind, f.text, f.utterances[0]) for f in profile.facts]
    assert rows == [
        ("occupation", "attribute", "works as a nurse", "I work as a nurse."),
        ("hobby", "like", "loves hiking on weekends", "I love hiking on weekends."),
        ("music", "dislike", "can't stand country music", "I can't stand country music."),
        ("food", "like", "favourite food is sushi", "My favourite food is sushi."),
        ("sport", "like", "enjoys watching basketball with friends", "I enjoy watching basketball with friends."),
        ("diet", "attribute", "is vegetarian", "I'm vegetarian."),
    ]
    hiking = profile.facts[1]
    assert hiking.value == "hiking on weekends"
    assert hiking.keywords[:2] == ("hiking", "weekends")
    assert set(category_topic_words("hobby")) <= set(hiking.keywords)  # reachable by "any hobbies?"
    assert [fact.intimacy for fact in profile.facts] == [CATALOG[f.category].intimacy for f in profile.facts]


def test_profile_from_text_falls_back_to_other_and_keeps_ids_unique() -> None:
    profile = profile_from_text("She zorbles quixotically.\nShe zorbles quixotically.", "odd")
    assert [f.category for f in profile.facts] == ["other", "other"]
    assert [f.id for f in profile.facts] == [
        "other.attribute.zorbles_quixotically",
        "other.attribute.zorbles_quixotically_2",
    ]


def test_profile_from_text_rejects_text_without_traits() -> None:
    with pytest.raises(ValueError, match="no traits"):
        profile_from_text("Characteristics:\n\n", "empty")


def test_load_aloe_profiles_reads_id_and_text_and_names_bad_lines(tmp_path: Path) -> None:
    good = _write_lines(
        tmp_path / "aloe.jsonl", [{"id": "a", "profile": ALOE_TEXT}, {"id": "b", "profile": "Has a cat."}]
    )
    profiles = load_aloe_profiles(good)
    assert [p.id for p in profiles] == ["a", "b"]
    assert profiles[1].facts[0].utterances == ("I have a cat.",)
    bad = _write_lines(tmp_path / "bad.jsonl", [{"id": "a", "profile": "Has a cat."}, {"id": "b", "profile": 3}])
    with pytest.raises(ProfileFileError, match=r"bad.jsonl line 2: profile: must be a non-empty string"):
        load_aloe_profiles(bad)
    missing = _write_lines(tmp_path / "missing.jsonl", [{"profile": "Has a cat."}])
    with pytest.raises(ProfileFileError, match=r"missing.jsonl line 1: id: missing"):
        load_aloe_profiles(missing)


def test_record_dict_gives_every_field_as_json_data_with_nested_records_and_lists() -> None:
    from rlpa_env.profiles.persona_lexicon import Classification
    from rlpa_env.profiles.personas import Placement
    from rlpa_env.profiles.types import record_dict

    profile = generate_profile(np.random.default_rng(3), "p3")
    fact = profile.facts[0]
    assert record_dict(fact) == {
        "id": fact.id, "category": fact.category, "value": fact.value, "text": fact.text,
        "utterances": list(fact.utterances), "keywords": list(fact.keywords), "aliases": list(fact.aliases),
        "kind": fact.kind, "intimacy": fact.intimacy,
    }  # fmt: skip
    assert record_dict(profile)["facts"] == [f.to_dict() for f in profile.facts]
    assert record_dict(profile)["style"] == {"verbosity": profile.style.verbosity, "tone": profile.style.tone}
    assert json.loads(json.dumps(profile.to_dict())) == profile.to_dict()
    classification = Classification("pet", 3, runner_up="hobby", cues=("cat", "dog"))
    placement = Placement("p1", "She has a cat.", "has a cat", "pet.attribute.cat", "attribute", classification)
    assert placement.to_dict() == {
        "persona_id": "p1", "sentence": "She has a cat.", "clause": "has a cat", "fact_id": "pet.attribute.cat",
        "kind": "attribute", "category": "pet", "score": 3, "runner_up": "hobby", "runner_up_score": 0,
        "confident": False, "method": "lexicon", "cues": ["cat", "dog"],
    }  # fmt: skip
