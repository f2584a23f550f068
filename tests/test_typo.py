"""How evidence becomes a verdict: the features, the fitted model shipped with notelint,
and the explanations a writer reads (no aspell needed: the evidence is given)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from notelint.spell import Candidate, Evidence
from notelint.typo import (
    FEATURES,
    TypoModel,
    Usage,
    edit_kind,
    features,
    judge,
    load_model,
    neighbouring_keys,
    shipped_model,
)

TECHNCIAL = Evidence(0.0, (Candidate("technical", 4.75, 1),))

#: A model with hand-set weights, for what judging does with any weights (the shipped
#: model's are fitted, and change when the labelled set grows).
PLAIN = TypoModel(
    weights={"bias": -2.0, "gain": 1.0, "word_zipf": -0.5, "two_edits": -2.0,
             "far_key": -3.0, "rivals": -1.0},
    threshold=0.0,
)


def test_a_rare_word_one_slip_from_a_common_one_is_a_typo_explained() -> None:
    verdict = judge("techncial", TECHNCIAL)
    assert verdict.level == "typo" and verdict.fix == "technical"
    assert verdict.reason == (
        "'techncial' is probably 'technical' (1 edit, at least 5,600× more common)"
    )


@pytest.mark.parametrize(
    "usage",
    [
        Usage(notes=6, uses=6),  # the vault uses it across notes: a name or jargon
        Usage(uses=4),  # written again and again in one note: meant
        Usage(in_own_title=True),
        Usage(cut_short=True),  # 'registratio…': a title cut off
        Usage(in_link=True),  # a note's name: often a person's or a project's
    ],
)
def test_how_the_vault_uses_a_word_lowers_its_typo_score(usage: Usage) -> None:
    assert judge("techncial", TECHNCIAL, usage).score < judge("techncial", TECHNCIAL).score


def test_a_capital_says_name_wherever_it_stands() -> None:
    plain = judge("techncial", TECHNCIAL).score
    assert judge("Techncial", TECHNCIAL, Usage(capital_mid_sentence=True)).score < plain
    assert judge("Techncial", TECHNCIAL).score < plain  # a heading's or a list's first word


def test_a_word_on_the_list_of_common_misspellings_says_so() -> None:
    listed = Evidence(0.0, (Candidate("successful", 4.6, 1),), listed=("successful",))
    plain = Evidence(0.0, (Candidate("successful", 4.6, 1),))
    assert judge("succesful", listed, Usage(notes=3, uses=3)).score > judge(
        "succesful", plain, Usage(notes=3, uses=3)).score
    assert judge("succesful", listed).reason == (
        "'succesful' is probably 'successful' (a common misspelling; 1 edit, at least "
        "4,000× more common)"
    )


def test_the_reason_says_what_kept_a_word_from_being_a_typo() -> None:
    verdict = judge("techncial", TECHNCIAL, Usage(notes=40, uses=40))
    assert verdict.level == "unknown"
    assert verdict.reason == "'techncial' is not in the dictionary (used in 40 notes)"
    assert judge("qwzx", Evidence()).reason == (
        "'qwzx' is not in the dictionary (no likely correction)"
    )


def test_a_capital_and_a_far_key_say_another_word() -> None:
    """Names sit one edit from common words (Stevey, Wrinch), and a letter changed for a
    far-off key makes another word rather than a slip (yargs is no typo of yards)."""
    assert judge("Stevey", Evidence(1.22, (Candidate("Steve", 4.7, 1),))).score < judge(
        "stevey", Evidence(1.22, (Candidate("steve", 4.7, 1),))).score
    yards = (Candidate("yards", 4.5, 1),)
    assert judge("yargs", Evidence(0.0, yards)).score < judge("yarfs", Evidence(0.0, yards)).score


def test_common_words_are_known_and_short_words_never_typos() -> None:
    assert judge("durations", Evidence(2.71)).level == "known"  # common, nothing closer
    assert judge("qwzx", Evidence()).level == "unknown"  # nothing to go on
    the = Evidence(0.0, (Candidate("the", 7.7, 1),))
    assert judge("thw", the, model=PLAIN).level == "typo"
    assert judge("te", the, model=PLAIN).level == "unknown"  # too short to be sure


def test_a_fix_only_when_one_correction_stands_out() -> None:
    teh = judge("teh", Evidence(1.5, (Candidate("the", 7.7, 1), Candidate("tea", 4.6, 1))),
                model=PLAIN)
    assert teh.level == "typo" and teh.fix == "the"  # 'tea' is a thousand times rarer
    thining = Evidence(0.0, (Candidate("thinning", 3.9, 1), Candidate("thinking", 4.3, 1)))
    verdict = judge("thining", thining, model=PLAIN)
    assert verdict.level == "typo" and verdict.fix is None  # thinking or thinning?


def test_the_shipped_model_is_sure_of_plain_slips_in_rare_words() -> None:
    """Typos with all the evidence: one slip, aspell's only suggestion, thousands of times
    more common, on codespell's list or not (a regression guard for refits)."""
    for word, meant in [("techncial", "technical"), ("hypohesis", "hypothesis"),
                        ("meeeting", "meeting")]:
        evidence = Evidence(0.0, (Candidate(meant, 4.5, 1),), suggested=1)
        assert judge(word, evidence).level == "typo", word


def test_two_known_words_run_together_are_explained_as_such() -> None:
    model = dataclasses.replace(shipped_model(), weights={"bias": 1.0})  # every word a typo
    verdict = judge("allvampire", Evidence(0.0, (), ("all", "vampire"), 4.0), Usage(), model)
    assert verdict.reason == "'allvampire' is probably 'all vampire' (two words run together)"
    assert verdict.fix == "all vampire"


def test_features_name_the_evidence() -> None:
    values = features("Japenese", Evidence(1.3, (Candidate("Japanese", 4.81, 1),)),
                      Usage(notes=2, uses=4))
    assert set(values) == set(FEATURES)
    assert values["vowel"] == 1.0 and values["capitalised"] == 1.0
    assert values["gain"] == pytest.approx(3.51)
    assert values["log_notes"] == 1.0 and values["log_uses"] == 2.0
    assert values["first_letter"] == 0.0 and values["two_edits"] == 0.0


def test_edit_kind_tells_a_slip_of_the_finger_from_another_word() -> None:
    assert neighbouring_keys("s", "d") and neighbouring_keys("t", "g")
    assert neighbouring_keys("m", "k") and not neighbouring_keys("t", "h")
    assert edit_kind("mateiral", "material") == "swap"
    assert edit_kind("somwhere", "somewhere") == "dropped"
    assert edit_kind("thw", "the") == "key"  # 'w' beside 'e'
    assert edit_kind("yargs", "yards") == "far-key"  # 'g' is nowhere near 'd'
    assert edit_kind("Japenese", "Japanese") == "vowel"  # a spelling, not a finger
    assert edit_kind("fromk", "from") == "doubled"  # 'k' beside 'm'
    assert edit_kind("meeeting", "meeting") == "doubled"
    assert edit_kind("unobstrusive", "unobtrusive") == "stray"


def test_the_shipped_model_is_data_with_every_weight() -> None:
    model = load_model()
    assert set(model.weights) == set(FEATURES)
    assert "bench_spelling.py --fit" in model.about
    again = TypoModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.weights == pytest.approx(model.weights) and again.threshold == model.threshold
    with pytest.raises(ValueError, match="no weights"):
        TypoModel.from_json({"threshold": 1})
    for bad in ("oops", float("nan"), float("inf"), None, True):
        with pytest.raises(ValueError, match="not a finite number"):
            TypoModel.from_json({"weights": {"gain": bad}})
    with pytest.raises(ValueError, match="not a JSON object"):
        TypoModel.from_json([1, 2])


def test_a_common_misspelling_is_never_a_known_word() -> None:
    """wordfreq counts what people write, 'recieve' included: frequent is not right."""
    recieve = Evidence(2.9, (Candidate("receive", 4.9, 1),), listed=("receive",))
    assert judge("Recieve", recieve, Usage(capital_mid_sentence=True)).level != "known"
    assert judge("durations", Evidence(2.71)).level == "known"


def test_a_correction_no_more_common_is_not_called_more_common() -> None:
    model = dataclasses.replace(shipped_model(), weights={"bias": 5.0})  # every word a typo
    rarer = Evidence(3.0, (Candidate("mispell", 2.0, 1),), listed=("mispell",))
    assert judge("misspel", rarer, Usage(), model).reason == (
        "'misspel' is probably 'mispell' (a common misspelling; 1 edit)")
