"""How the evidence about a rejected word becomes a verdict: typo, unknown word or known.

Every dictionary rejected the word; :class:`~notelint.spell.Evidence` says what else is
known of it (how common it and its suggestions are, whether it is two words run
together, whether another language uses it) and :class:`Usage` how the vault uses it. No
single signal separates typos from names and jargon — a name sits one edit from a common
word as often as a typo does; a typo can be written twice — so the signals are weighed
together: :func:`features` turns them into numbers, and a logistic model fitted on the
tune half of the hand-labelled set (``benchmarks/spelling-labels.json``, fitted by
``python benchmarks/bench_spelling.py --fit``) weighs them into the odds that the word
is a typo. Its weights are data (``typo-model.json`` beside this module), read as JSON.

A word scoring at or above the model's threshold is a typo (NL501), any other word that
is not common English is an unknown word (NL502), and a common word with no convincing
correction is known (no finding). The explanation names the evidence a writer can check:
the correction, how far it is and how much more common.

Engine stage: check (a service the spelling rules call).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

from notelint.spell import Candidate, Evidence

#: Letters that stand for vowels: one written for another is a spelling error
#: (``Japenese``), not a finger's slip, wherever the keys are.
_VOWELS = frozenset("aeiouy")

#: Letter keys by row, with each row's offset on a staggered QWERTY keyboard.
_KEY_ROWS = (("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75))
_KEYS = {key: (row, index + offset)
         for row, (keys, offset) in enumerate(_KEY_ROWS) for index, key in enumerate(keys)}


def neighbouring_keys(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are keys side by side on a QWERTY keyboard (``s``, ``d``;
    ``t``, ``g``): a finger slips to a neighbour, seldom across the keyboard."""
    if a == b or a not in _KEYS or b not in _KEYS:
        return False
    (row_a, x_a), (row_b, x_b) = _KEYS[a], _KEYS[b]
    if row_a == row_b:
        return abs(x_a - x_b) == 1
    return abs(row_a - row_b) == 1 and abs(x_a - x_b) < 1


def edit_kind(word: str, candidate: str) -> str:
    """What one edit turns ``candidate`` into ``word``: ``swap`` (two letters crossed),
    ``dropped`` (a letter left out), ``key`` (a neighbouring key hit instead), ``vowel``
    (one vowel written for another), ``far-key`` (a letter changed for one far off on the
    keyboard: more likely another word than a slip), ``doubled`` (a letter typed twice or
    a neighbouring key caught as well), ``stray`` (a letter added out of nowhere), or
    ``other``."""
    w, c = word.casefold(), candidate.casefold()
    if len(w) == len(c):
        diffs = [i for i in range(len(w)) if w[i] != c[i]]
        if len(diffs) == 1:
            i = diffs[0]
            if neighbouring_keys(w[i], c[i]):
                return "key"
            return "vowel" if w[i] in _VOWELS and c[i] in _VOWELS else "far-key"
        return "swap" if len(diffs) == 2 else "other"
    if len(w) + 1 == len(c):
        return "dropped"
    if len(w) == len(c) + 1:
        i = 0
        while i < len(c) and w[i] == c[i]:
            i += 1
        around = [w[j] for j in (i - 1, i + 1) if 0 <= j < len(w)]
        if any(x == w[i] or neighbouring_keys(x, w[i]) for x in around):
            return "doubled"
        return "stray"
    return "other"


@dataclass(frozen=True, slots=True)
class Usage:
    """How the vault uses a word: in how many notes and how often, capitalised in the
    middle of a sentence, in the name of the note using it, cut short before an
    ellipsis (``registratio…``: a quoted title, not a typo); and in how many notes its
    likeliest correction is written (a writer who also writes ``successful`` meant it
    where ``succesful`` stands, however often)."""

    notes: int = 1
    uses: int = 1
    meant_notes: int = 0
    capital_mid_sentence: bool = False
    in_own_title: bool = False
    cut_short: bool = False
    in_link: bool = False  # only ever written as a wiki-link's text (``[[voleyball]]``)


#: The numbers the model weighs, in order (``features`` gives a value for each).
FEATURES = (
    "bias",
    "gain",  # log10 of how many times more common the correction is than the word
    "word_zipf",  # how common the word itself is (a common misspelling, or a real word)
    "two_edits",
    "three_edits",
    "swap", "dropped", "key", "vowel", "far_key", "doubled", "stray", "other_edit",
    "first_letter",  # the correction differs in the first letter (names differ there)
    "rivals",  # other corrections nearly as likely (no clear correction)
    "not_first",  # aspell did not rank the correction first
    "sole",  # the correction is aspell's only suggestion
    "truncated",  # the word is the correction's beginning (registratio…: cut off)
    "case_change",  # a lower-case word whose correction is a name (nietszche)
    "listed",  # on codespell's list of common misspellings
    "listed_agrees",  # ... and the list corrects it to the likeliest correction
    "split",  # two known words run together, and nothing closer
    "split_zipf",
    "capitalised", "capital_mid_sentence", "own_title", "cut_short",
    "in_link",  # only in wiki-links' text: a note's name, often a person or a project
    "log_notes",  # log2 of the notes using it: names and jargon recur, typos seldom
    "log_uses",
    "log_meant_notes",  # log2(1 + notes writing the correction)
    "accented",  # letters English does not use
    "foreign",  # how much more common it is in another language than in English
    "long",  # (length - 6) / 4: long rare words are more often misspelled than names
)


#: Which way each feature's weight must point, where that is known before any fitting:
#: +1 for evidence of a typo, -1 against; the others (0) go where the data says. The fit
#: (``bench_spelling.py --fit``) holds a weight that comes out the wrong way at zero.
SIGNS = {
    "gain": 1, "swap": 1, "dropped": 1, "key": 1, "vowel": 1, "doubled": 1, "sole": 1,
    "listed": 1, "listed_agrees": 1, "log_meant_notes": 1,
    "two_edits": -1, "three_edits": -1, "far_key": -1, "first_letter": -1, "rivals": -1,
    "not_first": -1, "truncated": -1, "capitalised": -1, "own_title": -1, "cut_short": -1,
    "in_link": -1, "log_notes": -1, "log_uses": -1, "foreign": -1,
}


def best_candidate(evidence: Evidence) -> Candidate | None:
    """The correction a writer most likely meant: the most common one, a second edit
    counting as a hundred times less likely (the noisy-channel prior)."""
    if not evidence.candidates:
        return None
    return max(evidence.candidates, key=_likelihood)


def _likelihood(candidate: Candidate) -> float:
    """How likely the writer meant ``candidate`` (log10 odds, up to a constant)."""
    return candidate.zipf - 2.0 * (candidate.edits - 1)


def features(word: str, evidence: Evidence, usage: Usage) -> dict[str, float]:
    """The model's inputs for ``word``, weighed against its :func:`best_candidate` (or its
    run-together split when it has none)."""
    found: dict[str, float] = dict.fromkeys(FEATURES, 0.0)
    found["bias"] = 1.0
    found["word_zipf"] = evidence.zipf
    candidate = best_candidate(evidence)
    if candidate is not None:
        found.update(_correction_features(word, candidate, evidence))
    elif evidence.split is not None:
        found["split"] = 1.0
        found["split_zipf"] = evidence.split_zipf
        found["gain"] = evidence.split_zipf - evidence.zipf
    if evidence.listed:
        found["listed"] = 1.0
        agrees = candidate is not None and candidate.word.casefold() in {
            w.casefold() for w in evidence.listed
        }
        found["listed_agrees"] = float(agrees)
    found.update(_usage_features(word, usage))
    found["foreign"] = max(0.0, evidence.foreign - evidence.zipf)
    return found


def _correction_features(word: str, candidate: Candidate, evidence: Evidence
                         ) -> dict[str, float]:
    """What the likeliest correction says: how much more common, how far, which slip."""
    found = {"gain": candidate.zipf - evidence.zipf}
    if candidate.edits == 2:
        found["two_edits"] = 1.0
    elif candidate.edits >= 3:
        found["three_edits"] = 1.0
    else:
        found[_KIND_FEATURE[edit_kind(word, candidate.word)]] = 1.0
    folded, meant = word.casefold(), candidate.word.casefold()
    likely = _likelihood(candidate)
    found["first_letter"] = float(meant[:1] != folded[:1])
    found["rivals"] = float(sum(1 for c in evidence.candidates
                                if c is not candidate and _likelihood(c) >= likely - 1.0))
    found["not_first"] = float(candidate.rank > 0)
    found["sole"] = float(evidence.suggested == 1)
    found["truncated"] = float(meant.startswith(folded))
    found["case_change"] = float(word == word.lower() and candidate.word != meant)
    return found


def _usage_features(word: str, usage: Usage) -> dict[str, float]:
    """What the word's look and the vault's use of it say."""
    return {
        "capitalised": float(word[:1].isupper()),
        "capital_mid_sentence": float(usage.capital_mid_sentence),
        "own_title": float(usage.in_own_title),
        "cut_short": float(usage.cut_short),
        "in_link": float(usage.in_link),
        "log_notes": math.log2(max(1, usage.notes)),
        "log_uses": math.log2(max(1, usage.uses)),
        "log_meant_notes": math.log2(1 + usage.meant_notes),
        "accented": float(not word.isascii()),
        "long": (len(word) - 6) / 4,
    }


_KIND_FEATURE = {
    "swap": "swap", "dropped": "dropped", "key": "key", "vowel": "vowel",
    "far-key": "far_key", "doubled": "doubled", "stray": "stray", "other": "other_edit",
}


@dataclass(frozen=True)
class TypoModel:
    """Weights of :data:`FEATURES` and the logit at which a word becomes a typo.

    ``known_zipf``: a word at least this common with no convincing correction is a real
    word nobody needs to see; ``min_length``: shorter words are never confident typos
    (too many real abbreviations sit one edit from a word).
    """

    weights: Mapping[str, float] = field(default_factory=dict)
    threshold: float = 0.0
    known_zipf: float = 2.5
    min_length: int = 3
    about: str = ""

    def logit(self, values: Mapping[str, float]) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in values.items())

    def to_json(self) -> dict[str, object]:
        return {
            "about": self.about,
            "threshold": self.threshold,
            "known_zipf": self.known_zipf,
            "min_length": self.min_length,
            "weights": {name: round(self.weights.get(name, 0.0), 4) for name in FEATURES},
        }

    @classmethod
    def from_json(cls, data: object) -> TypoModel:
        """The model in ``data``; ValueError naming what is wrong when it is not one
        (a weight that is no finite number would silently judge every word alike)."""
        if not isinstance(data, Mapping):
            raise ValueError("the typo model is not a JSON object")
        weights = data.get("weights")
        if not isinstance(weights, Mapping):
            raise ValueError("the typo model has no weights")
        model = cls(
            weights={str(k): _number(v, f"weight {k!r}") for k, v in weights.items()
                     if k in FEATURES},
            threshold=_number(data.get("threshold", 0.0), "threshold"),
            known_zipf=_number(data.get("known_zipf", 2.5), "known_zipf"),
            min_length=int(_number(data.get("min_length", 3), "min_length")),
            about=str(data.get("about", "")),
        )
        return model


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"the typo model's {name} is {value!r}, not a finite number")
    return float(value)


MODEL_FILE = "typo-model.json"


def load_model() -> TypoModel:
    """The fitted model shipped with notelint (JSON data, never code); ValueError or
    OSError when the installed file is damaged."""
    text = resources.files("notelint").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{MODEL_FILE} is not JSON: {exc}") from None
    return TypoModel.from_json(data)


@functools.cache
def shipped_model() -> TypoModel:
    """The shipped model, read on first use (not at import: a damaged file must fail
    the spelling rules with a message, not every rule's plugin)."""
    return load_model()


@dataclass(frozen=True)
class Judgement:
    """One word's verdict: ``typo`` (confident: NL501), ``unknown`` (NL502) or ``known``."""

    level: str
    score: float
    reason: str
    fix: str | None = None


def judge(
    word: str,
    evidence: Evidence,
    usage: Usage = Usage(),
    model: TypoModel | None = None,
) -> Judgement:
    """Weigh the evidence about ``word`` into one verdict with its explanation (by the
    shipped model unless another is given)."""
    model = model or shipped_model()
    values = features(word, evidence, usage)
    score = model.logit(values) - model.threshold
    candidate = best_candidate(evidence)
    short = len(word.replace("'", "")) < model.min_length
    # the beginning of its correction just before an ellipsis: cut off on purpose
    cut_off = usage.cut_short and values["truncated"] == 1.0
    if (score >= 0 and not short and not cut_off
            and (candidate is not None or evidence.split is not None)):
        if candidate is None:
            assert evidence.split is not None
            joined = " ".join(evidence.split)
            return Judgement(
                "typo", score, f"'{word}' is probably '{joined}' (two words run together)",
                joined,
            )
        # wordfreq lists words down to about Zipf 1: an unseen word is rarer than that
        times = 10 ** (candidate.zipf - max(evidence.zipf, 1.0 if not evidence.zipf else 0.0))
        at_least = "at least " if not evidence.zipf else ""
        edits = "1 edit" if candidate.edits == 1 else f"{candidate.edits} edits"
        unique = values["rivals"] == 0
        common = "a common misspelling; " if values["listed_agrees"] else ""
        often = f", {at_least}{_times(times)} more common" if times > 1 else ""
        return Judgement(
            "typo", score, f"'{word}' is probably '{candidate.word}' ({common}{edits}{often})",
            candidate.word if unique else None,
        )
    if evidence.zipf >= model.known_zipf and not evidence.listed:
        # common, and no known misspelling (wordfreq counts 'recieve' as written often)
        return Judgement("known", score, f"'{word}' is a common word")
    why = ", ".join(_why_not(evidence, usage, candidate))
    return Judgement("unknown", score, f"'{word}' is not in the dictionary ({why})")


def _why_not(evidence: Evidence, usage: Usage, candidate: Candidate | None) -> Sequence[str]:
    """What kept an unknown word from being a confident typo, as a writer reads it."""
    why = []
    if evidence.foreign_lang and evidence.foreign > evidence.zipf:
        language = _LANGUAGE_NAMES.get(evidence.foreign_lang, "another language")
        why.append(f"a common word in {language}")
    if usage.notes > 1:
        why.append(f"used in {usage.notes} notes")
    elif usage.uses > 1:
        why.append(f"used {usage.uses} times")
    if usage.capital_mid_sentence:
        why.append("capitalised like a name")
    if usage.in_own_title:
        why.append("in the note's own name")
    if usage.cut_short:
        why.append("cut short before an ellipsis")
    if not why:
        why.append("no likely correction" if candidate is None else "no clear correction")
    return why


_LANGUAGE_NAMES = {
    "es": "Spanish", "fr": "French", "de": "German", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch",
}


def _times(ratio: float) -> str:
    """``20000.3`` -> ``20,000×``: two significant digits, as a reader compares them."""
    if ratio >= 100:
        digits = len(str(int(ratio))) - 2
        ratio = round(ratio, -digits)
        return f"{int(ratio):,}×"
    if ratio >= 10:
        return f"{round(ratio):d}×"
    return f"{ratio:.1f}×"
