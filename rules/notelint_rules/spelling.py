"""The spelling rule family: NL501 (confident typos) and NL502 (every other unknown word),
from one pass over the vault's prose and one aspell session."""

from __future__ import annotations

import gc
import stat
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from notelint.model import Finding, Fix, Note, Severity, Span, note_stem
from notelint.prose import (
    Piece,
    SplitOptions,
    in_shown_link,
    prose_text,
    shown_link_spans,
    token_words,
    tokens,
    tokens_by_line,
    vocabulary_words,
)
from notelint.rule import NoteContext, Rule, RuleContext, RuleError
from notelint.spell import (
    SHOWN_SUGGESTIONS,
    Evidence,
    KnownWords,
    Speller,
    SpellError,
    Verdict,
    base_language,
    misspellings_file,
    system_wordlists,
    target_wordlist,
    wordlist_paths,
)
from notelint.typo import (
    MODEL_FILE,
    Judgement,
    TypoModel,
    Usage,
    best_candidate,
    judge,
    shipped_model,
)
from notelint.vault import Vault

#: Misspelled words and their suggestions.
Misspelled = dict[str, tuple[str, ...]]

#: Distinct words a note needs before its language is guessed from its unknown words.
FOREIGN_MIN_WORDS = 20

#: Distinct words a line needs before it may be taken for another language.
FOREIGN_LINE_WORDS = 3

#: New words gathered before they are handed to aspell.
FEED_BATCH = 512


@dataclass(frozen=True)
class SpellingOptions:
    languages: list[str] = field(
        default_factory=lambda: ["en_US", "en_GB"],
        metadata={
            "help": "aspell dictionary languages (aspell --lang): a word is right when any "
            "accepts it; suggestions come from the first"
        },
    )
    lang: str = field(
        default="",
        metadata={"help": "one aspell language instead of `languages` (older configs)"},
    )
    wordlists: list[str] = field(
        default_factory=list,
        metadata={
            "help": "word list files (one word a line, '#' comments), relative to the vault "
            "root; `notelint words --add WORD` appends to the first; default: "
            "`.notelint-words.txt` at the root when it exists"
        },
    )
    check_title: bool = field(
        default=False,
        metadata={
            "help": "also check the frontmatter `title` value (titles then stop counting "
            "as known words)"
        },
    )
    ignore_allcaps: bool = field(
        default=True, metadata={"help": "skip all-capital words (NASA, HTTP, URLs)"}
    )
    ignore_camelcase: bool = field(
        default=True,
        metadata={"help": "skip words with a capital after the first letter (iPhone, GitHub)"},
    )
    ignore_words_with_digits: bool = field(
        default=True,
        metadata={"help": "skip words holding digits (mp3, 2nd); else check their letters"},
    )
    min_length: int = field(default=3, metadata={"help": "skip words with fewer letters"})
    autofix_unique: bool = field(
        # off: measured NL501 precision (benchmarks/README.md) is not yet high enough for
        # --fix to rewrite words unasked; editors still offer the correction as an action
        default=False,
        metadata={
            "help": "let --fix replace a misspelling that has exactly one confident "
            "correction (the editor offers it either way)"
        },
    )
    foreign_ratio: float = field(
        default=0.2,
        metadata={
            "help": "a note with at least 20 distinct words, more than this share of them "
            "unknown, is taken to be in another language and skipped, and so is a line of "
            "3 words or more, most of them unknown (0 turns this guess off); a frontmatter "
            "`lang` of another language skips the note too"
        },
    )

    @property
    def aspell_languages(self) -> list[str]:
        return [self.lang] if self.lang else list(self.languages) or ["en_US"]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One unknown word at one place, with the verdict on the word."""

    rel: str
    span: Span
    word: str
    judgement: Judgement
    suggestions: tuple[str, ...]
    evidence: Evidence
    usage: Usage  # how the vault uses the word (the same for each of its occurrences)
    in_link: bool = False  # this place is a wiki-link's text: correcting it retargets it


_DOC = """
    Only prose is checked: frontmatter (except `title` with `check-title`), code, math
    (`$$` blocks wherever they stand, inline `$...$`), URLs, link destinations, the
    targets of aliased, heading, folder and file wiki-links, embeds, HTML, comments,
    `#tags`, file extensions, paths and `@handles` are skipped, and so are words in
    scripts the dictionary cannot judge. The text of a wiki-link without an alias
    (`[[note name]]`) is read: the page shows it, so a typo there is one a reader sees;
    its finding offers no fix (correcting the text would change where the link goes).

    A word is right when the vault vouches for it, when a dictionary has it, or when it
    is common in written English. The vault: its file and folder names, aliases and tags,
    its note titles (a title vouches for a word only when another note's name or title
    has it too, so a typo in a title is still found), the words of the `wordlists` files
    (by default `.notelint-words.txt` at the vault root, when it exists; `notelint words
    --add WORD` writes there), and a note's own `notelint: {words: [...]}` frontmatter
    list. The dictionaries: the system word lists when installed (`apt-get install
    wamerican-huge wbritish-huge`: SCOWL size 80, four times aspell's `en_US`), then
    aspell once per language of `languages` (`en_US` and `en_GB` by default), each over
    the words the earlier ones rejected. Aspell and its English dictionary must be
    installed (`apt-get install aspell aspell-en` or `brew install aspell`); verdicts are
    cached per word.

    Every other word gets one verdict, weighed from the evidence by a model fitted on a
    hand-labelled set (`benchmarks/spelling-labels.json`: 11,452 places in two real
    vaults, each word judged in its line as a typo, name, jargon, foreign word, variant,
    ordinary word or leaked code). For a typo: a suggestion much more common in written
    English than the word (frequencies from `wordfreq`), one edit away rather than two or
    three, the edit being a slip (two letters swapped, one dropped or doubled, one vowel for
    another; a letter changed for one far off on the keyboard makes another word:
    `yargs` is no typo of `yards`), aspell's first or only suggestion, the word on
    codespell's list of common misspellings (read from the installed `codespell`
    package), and the vault writing the correction elsewhere. Against: the vault uses the
    word in several notes or several times (a name, jargon, or meant), a capital (a
    name), the note's own name or title, only ever a link's text (a note's name, often a
    person's or a project's), a suggestion differing in the first letter
    (`xinput` is no typo of `input`), a word that is a suggestion's beginning (cut off;
    never a typo just before an ellipsis, `registratio…`), a word common in Spanish,
    French, German, Italian, Portuguese or Dutch. Two known words run together
    (`allvampire`) count too. A word scoring above the model's threshold is an NL501
    `misspelling` warning, explained (`'techncial' is probably 'technical' (1 edit, at
    least 5,600× more common)`; `(a common misspelling; ...)` when codespell's list
    agrees); with `autofix-unique = true`, `--fix` replaces it when one correction
    stands out (`teh` is `the`, not `tea`) — off by default, since NL501's measured
    precision is below 0.7. Every other unknown word is an NL502 `unknown-word` (info,
    off by default: `--select NL502`), for writers who want the full list, at the same
    places, with the reason (`used in 4 notes`, `capitalised like a name`). A common
    word (`wordfreq` Zipf frequency 2.5 or more, about one in three million words) with
    no typo evidence is neither.

    Measured on the held-back half of the labelled set (`python
    benchmarks/bench_spelling.py`, figures in `benchmarks/README.md`): NL501 precision
    0.71 at recall 0.27 (codespell: 0.16 at 0.32), NL501 and NL502 together recall 0.90
    (0.98 of the typos in the text notelint reads as prose; the rest are in code, link
    targets and file names). NL501 is tuned to be right rather than complete: most of
    the words it leaves to NL502 are names, jargon and foreign words.

    To accept a word: `notelint words --add WORD` (it writes the first `wordlists` file,
    else `.notelint-words.txt` at the vault root, which is read by default), or list it
    in the note's frontmatter `notelint: {words: [WORD]}`. More coverage: install
    `wamerican-huge` and `wbritish-huge` (Debian, Ubuntu); without them aspell alone
    judges, and more names and jargon become NL502.

    Words are split as follows: `don't` stays whole, `Zeon's` is checked as `Zeon`,
    `well-known` is checked part by part (a vocabulary entry `well-known` accepts it),
    `snake_case`, file names, addresses and paths are skipped; the options decide on
    `NASA`, `iPhone`, `mp3` and short words.

    Notes in another language are left alone: a frontmatter `lang: es` says so; without
    it, a note whose distinct words are mostly unknown (see `foreign-ratio`), or a line of
    three words or more, most of them unknown, is taken for another language.
"""


class Misspelling(Rule):
    __doc__ = (
        """A word the evidence says is a typo of a more common word.
"""
        + _DOC
        + """
    ## Bad
    ```markdown
    The techncial limits of what we recieve.
    ```

    ## Good
    ```markdown
    The technical limits of what we receive.
    ```
    """
    )

    code = "NL501"
    name = "misspelling"
    family = "spelling"
    summary = "a word that is probably a typo of a much more common word"
    severity = Severity.WARNING
    fixable = True
    Options = SpellingOptions
    options: SpellingOptions
    #: The verdicts this rule reports.
    level = "typo"

    def collect_note(self, note: Note, ctx: NoteContext) -> str:
        """The note's text with everything but prose masked: needs the tokens, which the
        index does not keep."""
        return prose_text(note, check_title=self.options.check_title)

    def inputs(self, root: Path) -> Iterable[Path]:
        """The word lists, where ``notelint words --add`` would create one, and the data
        outside the vault the verdicts rest on: the system word lists and codespell's
        list of misspellings (an upgrade of either must not replay cached findings)."""
        listed = misspellings_file()
        return [*wordlist_paths(self.options.wordlists, root),
                target_wordlist(self.options.wordlists, root),
                *system_wordlists(self.options.aspell_languages),
                *([listed] if listed is not None else [])]

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterable[Finding]:
        for found in analyse(self, vault, ctx):
            if found.judgement.level == self.level:
                yield self._finding(vault.notes[found.rel], found)

    def _finding(self, note: Note, found: Occurrence) -> Finding:
        judgement = found.judgement
        fix = None
        if self.options.autofix_unique and judgement.fix is not None and not found.in_link:
            fix = Fix(found.span, judgement.fix)
        return self.finding(
            note,
            found.span,
            f"{judgement.reason}{_link_hint(found)}; {_add_hint(found.word)}",
            suggestion=None if found.in_link else judgement.fix,  # an editor would retarget
            fix=fix,
            subject=found.word,
        )


class UnknownWord(Misspelling):
    __doc__ = (
        """A word no dictionary knows, without the evidence of a typo (off by default).
"""
        + _DOC
        + """
    Turn it on with `select = ["NL502"]` (or `--select NL502`) to see every unknown word:
    names, jargon, foreign words and the typos the evidence could not vouch for.

    ## Bad
    ```markdown
    We met Qwzxy at the pub.
    ```

    ## Good
    ```markdown
    We met Quincy at the pub.
    ```
    """
    )

    code = "NL502"
    name = "unknown-word"
    summary = "a word in no dictionary and not the vault's, with no clear correction"
    severity = Severity.INFO
    enabled_by_default = False
    fixable = False
    level = "unknown"

    def _finding(self, note: Note, found: Occurrence) -> Finding:
        suggestions = found.suggestions[:SHOWN_SUGGESTIONS]
        text = found.judgement.reason
        if suggestions:
            text += f"; did you mean {_choices(suggestions)}?"
        return self.finding(
            note,
            found.span,
            f"{text} ({_add_hint(found.word)})",
            suggestion=suggestions[0] if suggestions and not found.in_link else None,
            subject=found.word,
        )


def _link_hint(found: Occurrence) -> str:
    """How to fix a word that is a link's text: its target changes with it."""
    if not found.in_link:
        return ""
    return (", in a link's text: correcting it changes the link's target (rename the "
            "note with `notelint mv`, or give the link an alias)")


def _add_hint(word: str) -> str:
    return f"if it is right, add it with `notelint words --add {word}`"


def _choices(words: Sequence[str]) -> str:
    quoted = [f"'{s}'" for s in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


#: The last analysis, shared by NL501 and NL502 in one run: (vault, key, occurrences).
_LAST_ANALYSIS: list[tuple[Vault, str, list[Occurrence]]] = []


def analyse(
    rule: Misspelling, vault: Vault, ctx: RuleContext, model: TypoModel | None = None
) -> list[Occurrence]:
    """Every unknown word of the reported notes with its verdict, computed once per run
    for both rules (the benchmark passes another ``model`` to fit one)."""
    key = repr((rule.options, str(ctx.root), sorted(vault.reported), model,
                ctx.use_cache, str(ctx.cache_dir)))
    for last_vault, last_key, found in _LAST_ANALYSIS:
        if last_vault is vault and last_key == key:
            return found
    with _no_cycle_collection():
        found = _Analysis(rule, vault, ctx, model or _model()).run()
    _LAST_ANALYSIS[:] = [(vault, key, found)]
    return found


def _corrections(verdicts: Mapping[str, Verdict]) -> dict[str, str]:
    """Token -> the correction it writes, for each word's likeliest correction, lower
    case and capitalised (``successful``, ``Successful``): a vault that also writes the
    correction says the rejected word is a typo of it, not a name."""
    found: dict[str, str] = {}
    for verdict in verdicts.values():
        meant = best_candidate(verdict.evidence)
        if meant is not None:
            lower = meant.word.lower()
            found[lower] = found[lower[:1].upper() + lower[1:]] = found[meant.word] = lower
    return found


def _model() -> TypoModel:
    try:
        return shipped_model()
    except (OSError, ValueError) as exc:
        raise RuleError(f"the spelling model {MODEL_FILE} installed with notelint is "
                        f"damaged ({exc}); reinstall notelint", fatal=True) from None


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off for the analysis, back as it was after.

    The analysis loads big tables (the system word lists, wordfreq's frequencies) and
    makes thousands of small records while the parsed vault, millions of objects, sits in
    memory: every full collection walks all of it, and on flancian-garden they tripled the
    rule's time (measured: 12.6 s against 4.6 s on a loaded machine). Nothing the analysis
    makes holds a reference cycle, so nothing is left for a collection to find; memory is
    freed by reference counting as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Analysis:
    """One pass over the vault's prose: words, verdicts, vault evidence, occurrences."""

    def __init__(
        self, rule: Misspelling, vault: Vault, ctx: RuleContext, model: TypoModel
    ) -> None:
        self.rule = rule
        self.options = rule.options
        self.vault = vault
        self.ctx = ctx
        self.model = model

    def run(self) -> list[Occurrence]:
        opts, vault, ctx = self.options, self.vault, self.ctx
        split = SplitOptions(
            ignore_allcaps=opts.ignore_allcaps,
            ignore_camelcase=opts.ignore_camelcase,
            ignore_words_with_digits=opts.ignore_words_with_digits,
            min_length=opts.min_length,
        )
        vocabulary = vault_vocabulary(vault, titles=not opts.check_title)
        wordlists = _readable_wordlists(wordlist_paths(opts.wordlists, ctx.root), ctx.warn)
        try:
            with Speller(
                opts.aspell_languages,
                wordlists,
                cache_dir=ctx.cache_dir,
                use_cache=ctx.use_cache,
                jobs=ctx.jobs,
            ) as speller:
                prose = ctx.collected_by(self.rule)
                if not prose:  # NL502 alone, or NL501 collected it: the same masks
                    prose = ctx.collected.get(Misspelling.code) or ctx.collected.get(
                        UnknownWord.code, {}
                    )
                notes, pieces, verdicts = self._gather(prose, speller, vocabulary, split)
        except SpellError as exc:
            raise RuleError(str(exc), fatal=True) from None
        known = speller.listed
        wrong = {
            token: [
                p for p in found
                if p[1] in verdicts and not _compound_known(p, vocabulary, known)
                and not (_soft_joined(p[2]) and p[2] not in verdicts)
            ]
            for token, found in pieces.items()
        }
        wrong = {token: found for token, found in wrong.items() if found}
        wrong_tokens = set(wrong)
        checkable = {token for token, found in pieces.items() if found}
        users: dict[str, set[str]] = defaultdict(set)  # word -> notes using it
        corrections = _corrections(verdicts)
        writers: dict[str, set[str]] = defaultdict(set)  # correction -> notes writing it
        raw: list[_Place] = []
        for rel, masked in notes:
            toks = tokens(masked)  # again: keeping every note's tokens would cost more memory
            for token in toks & corrections.keys():  # than the vault's text itself
                writers[corrections[token]].add(rel)
            hits = toks & wrong_tokens
            if not hits:
                continue
            for token in hits:
                for _, text, _ in wrong[token]:
                    users[text].add(rel)
            note = vault.notes[rel]
            declared = self._declared_language(note)
            if declared is False:
                continue
            guess = opts.foreign_ratio > 0 and declared is None
            if guess and self._foreign(toks, checkable, hits):
                continue
            raw.extend(self._occurrences(note, masked, hits, pieces, wrong, guess=guess))
        self._count_unreported(wrong_tokens, wrong, users, corrections, writers)
        capitals = {place.word for place in raw if place.mid_sentence}
        titled = {place.word for place in raw if place.in_own_title}
        cut = {place.word for place in raw if place.cut_short}
        in_prose = {place.word for place in raw if not place.in_link}
        uses: dict[str, int] = defaultdict(int)
        for place in raw:
            uses[place.word] += 1
        judged: dict[str, Judgement] = {}
        usages: dict[str, Usage] = {}
        found: list[Occurrence] = []
        for rel, span, word, *_, linked in raw:
            judgement = judged.get(word)
            verdict = verdicts[word]
            if judgement is None:
                meant = best_candidate(verdict.evidence)
                usage = usages[word] = Usage(
                    notes=len(users[word]),
                    meant_notes=len(writers[meant.word.lower()]) if meant else 0,
                    uses=uses[word],
                    capital_mid_sentence=word in capitals,
                    in_own_title=word in titled,
                    cut_short=word in cut,
                    in_link=word not in in_prose,
                )
                judgement = judged[word] = judge(word, verdict.evidence, usage, self.model)
            found.append(
                Occurrence(rel, span, word, judgement, verdict.suggestions, verdict.evidence,
                           usages[word], linked)
            )
        return found

    def _count_unreported(
        self, wrong_tokens: set[str], wrong: dict[str, list[Piece]], users: dict[str, set[str]],
        corrections: Mapping[str, str], writers: dict[str, set[str]],
    ) -> None:
        """Notes outside the run vouch for words too: a name used across the vault is one
        whether or not the note using it is being checked (their raw text is enough), and
        they use the corrections too."""
        reported, notes = self.vault.reported, self.vault.notes
        for rel in notes:
            if rel in reported:
                continue  # (before the note itself: a cached note is unpacked on access)
            note = notes[rel]
            if not note.text:
                continue
            toks = tokens(note.text)
            for token in toks & wrong_tokens:
                for _, text, _ in wrong[token]:
                    users[text].add(rel)
            for token in toks & corrections.keys():
                writers[corrections[token]].add(rel)

    def _declared_language(self, note: Note) -> bool | None:
        """True when the frontmatter ``lang`` is one of the dictionaries', False for
        another, None when the note does not say."""
        declared = note.frontmatter.get("lang", note.frontmatter.get("language"))
        if not isinstance(declared, str) or not declared.strip():
            return None
        ours = {base_language(x) for x in self.options.aspell_languages}
        return base_language(declared.strip()).lower() in ours

    def _foreign(self, toks: set[str], checkable: set[str], hits: set[str]) -> bool:
        """Whether the note seems written in another language than the dictionary's.

        A note of 20 distinct words or more with over ``foreign-ratio`` of them unknown is
        not English with typos, it is Spanish (or a list of names), and thousands of
        findings would bury the real typos.
        """
        # counted by token (a token is nearly always one word): C-speed set operations
        words = len(toks & checkable)
        return words >= FOREIGN_MIN_WORDS and len(hits) > self.options.foreign_ratio * words

    def _gather(
        self,
        prose: Mapping[str, str],
        speller: Speller,
        vocabulary: KnownWords,
        split: SplitOptions,
    ) -> tuple[list[tuple[str, str]], dict[str, tuple[Piece, ...]], dict[str, Verdict]]:
        """Read every reported note's prose once, feeding aspell as new words appear.

        Each distinct token of the vault is cut into words once; words not in the vault's
        vocabulary stream to aspell in batches, so it works while later notes are read.
        """
        opts, vault = self.options, self.vault
        notes: list[tuple[str, str]] = []  # (rel, masked prose)
        pieces: dict[str, tuple[Piece, ...]] = {}
        batch: list[str] = []
        with speller.session() as session:  # stops aspell if reading a note fails
            for rel in sorted(vault.reported):
                masked = prose.get(rel)
                if masked is None:  # not collected: only a fully parsed note can say
                    note = vault.notes.get(rel)
                    if note is None or note.summary_only:
                        continue
                    masked = prose_text(note, check_title=opts.check_title)
                toks = tokens(masked)
                notes.append((rel, masked))
                for token in toks.difference(pieces):  # a C-level filter: tokens seen before
                    found = pieces[token] = token_words(token, split)
                    batch.extend(
                        text
                        for _, text, compound in found
                        if text not in vocabulary
                        and (compound is None or compound not in vocabulary)
                    )
                    # a word broken by soft hyphens is judged whole too (then its parts
                    # are fine when it is): ``com\u00adponents`` is ``components``
                    batch.extend({c for _, _, c in found if c is not None and _soft_joined(c)})
                if len(batch) >= FEED_BATCH:
                    session.feed(batch)
                    batch = []
            session.feed(batch)
            return notes, pieces, session.verdicts()

    def _occurrences(
        self,
        note: Note,
        masked: str,
        hits: set[str],
        pieces: dict[str, tuple[Piece, ...]],
        wrong: dict[str, list[Piece]],
        *,
        guess: bool,
    ) -> Iterator[_Place]:
        """Each unknown word's place, and what stands around it."""
        own = KnownWords(note_word_list(note))
        names = [note_stem(note.rel)]
        title = note.frontmatter.get("title")
        if isinstance(title, str):
            names.append(title)
        named = KnownWords(w for name in names for w in vocabulary_words(name))
        lines = masked.splitlines()
        links = shown_link_spans(note)
        for line, found in tokens_by_line(masked, hits):
            if guess and _foreign_line(found, pieces, wrong):
                continue
            text_line = lines[line - 1] if line <= len(lines) else ""
            for token, column in found:
                for offset, text, compound in wrong.get(token, ()):
                    if text in own or (compound is not None and compound in own):
                        continue
                    start = column + offset
                    mid = text[:1].isupper() and _mid_sentence(text_line, start)
                    span = Span(line, start, line, start + len(text))
                    short = text_line.startswith(_ELLIPSES, start - 1 + len(text))
                    linked = in_shown_link(span, links)
                    yield _Place(note.rel, span, text, mid, text in named, short, linked)


class _Place(NamedTuple):
    """Where an unknown word stands: capitalised in mid-sentence, in the note's own name
    or title, cut short by an ellipsis, in the text of a wiki-link (``[[voleyball]]``:
    the page shows the target, but fixing it changes where the link goes)."""

    rel: str
    span: Span
    word: str
    mid_sentence: bool
    in_own_title: bool
    cut_short: bool
    in_link: bool


#: What a cut-off quote or title ends with: the word just before it may be truncated
#: (``registratio…``), so it is no evidence of a typo.
_ELLIPSES = ("…", "...")


def _mid_sentence(line: str, column: int) -> bool:
    """Whether the word at ``column`` follows another word of its sentence (a capital
    there says "name"; after a full stop, a heading mark or a list bullet it says
    nothing)."""
    before = line[: column - 1].rstrip()
    return bool(before) and (before[-1].isalnum() or before[-1] in ",")


def _foreign_line(
    found: list[tuple[str, int]],
    pieces: dict[str, tuple[Piece, ...]],
    wrong: dict[str, list[Piece]],
) -> bool:
    """A line of three words or more, most of them unknown: a quote in another language
    (or a list of names) inside an English note, not a run of typos."""
    words = {text for token, _ in found for _, text, _ in pieces.get(token, ())}
    unknown = {text for token, _ in found for _, text, _ in wrong.get(token, ())}
    return len(words) >= FOREIGN_LINE_WORDS and 2 * len(unknown) > len(words)


def _soft_joined(compound: str | None) -> bool:
    """Whether the whole is one word broken only by soft hyphens (no visible hyphen)."""
    return compound is not None and "-" not in compound and "‐" not in compound


def _compound_known(piece: Piece, *known: KnownWords) -> bool:
    """A part of a hyphenated word is fine when the whole is a known word."""
    compound = piece[2]
    return compound is not None and any(compound in words for words in known)




def vault_vocabulary(vault: Vault, *, titles: bool = True) -> KnownWords:
    """Words the vault itself vouches for: its file and folder names, aliases and tags
    (their words, split like prose), and the words of its note titles.

    A note's own name and title vouch for a word only when another note's name or title
    (or any alias, tag, attachment or folder) has it too: else every typo in a title
    would vouch for itself (``lifes.md``). With ``titles=False`` (when titles are being
    checked) frontmatter titles vouch for nothing. The words of an unchanged set of names
    are reused: the language server checks one note after another in the same vault, and
    splitting every name of a large vault again costs more than the check.
    """
    own: list[frozenset[str]] = []  # each note's stem and title
    names: set[str] = set()  # vouching on their own
    for rel in vault.notes:
        facts = vault.facts(rel)
        mine = {note_stem(rel)}
        if titles and facts.title:
            mine.add(facts.title)
        own.append(frozenset(mine))
        names.update(facts.aliases)
        names.update(facts.tags)
    for rel in (*vault.attachments, *vault.folders):
        names.add(rel.rsplit("/", 1)[-1])
    frozen = (frozenset(names), tuple(own))
    vouched: set[str] = set()
    last = _LAST_VOCABULARY.get(titles)
    if last is not None and last[0] == frozen:
        return last[1]
    known = KnownWords()
    for name in frozen[0]:
        known.update(vocabulary_words(name.replace("/", " ")))
    seen: dict[str, int] = {}
    for named in own:
        words = {w for name in named for w in vocabulary_words(name.replace("/", " "))}
        for word in words:
            seen[word] = seen.get(word, 0) + 1
    vouched.update(w for w, count in seen.items() if count >= 2 or w in known)
    known.update(vouched)
    _LAST_VOCABULARY[titles] = (frozen, known)
    return known


#: The last (names, words) pair built: the language server checks note after note.
_LAST_VOCABULARY: dict[
    bool, tuple[tuple[frozenset[str], tuple[frozenset[str], ...]], KnownWords]
] = {}


def _readable_wordlists(paths: list[Path], warn: Callable[[str], None]) -> list[Path]:
    """``paths`` without the ones that exist but are not regular files (a FIFO, socket or
    device planted at a word list): reading one would block or fail, and one bad list
    should not stop the spelling check of the whole vault. Each is named in one warning.
    A missing list stays in, so its read names it as an error as before; ``stat`` does
    not open the file, so it cannot block on a FIFO."""
    kept = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError:
            kept.append(path)
            continue
        if stat.S_ISREG(mode):
            kept.append(path)
        else:
            warn(f"word list {path} is not a regular file (a pipe, socket or device):"
                 " skipped; replace it with a text file of one word per line")
    return kept


def note_word_list(note: Note) -> list[str]:
    """The note's own accepted words: frontmatter ``notelint: {words: [...]}``."""
    settings = note.frontmatter.get("notelint")
    if not isinstance(settings, dict):
        return []
    words = settings.get("words")
    if isinstance(words, str):
        words = words.split()
    if not isinstance(words, list):
        return []
    accepted: list[str] = []
    for item in words:
        if isinstance(item, str):
            accepted.extend(vocabulary_words(item))
    return accepted


RULES: list[type[Rule]] = [Misspelling, UnknownWord]
