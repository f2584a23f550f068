"""The spelling rule family: NL501, checked in one aspell session for the whole vault."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from notelint.model import Finding, Fix, Note, Severity, Span, note_stem
from notelint.prose import (
    Piece,
    SplitOptions,
    prose_text,
    token_words,
    tokens,
    tokens_by_line,
    vocabulary_words,
)
from notelint.rule import NoteContext, Rule, RuleContext, RuleError
from notelint.spell import (
    KnownWords,
    Speller,
    SpellError,
    base_language,
    target_wordlist,
    wordlist_paths,
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
    lang: str = field(
        default="en_US", metadata={"help": "aspell dictionary language (aspell --lang)"}
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
        default=False,
        metadata={
            "help": "let --fix replace a misspelling when aspell has exactly one strong "
            "suggestion (one edit away, a single word)"
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


class Misspelling(Rule):
    """A word that is neither in the dictionary nor in the vault's vocabulary.

    Only prose is checked: frontmatter (except `title` with `check-title`), code, math,
    URLs, link destinations, wiki-link targets, embeds, HTML, comments and `#tags` are
    skipped, and so are words in scripts the dictionary cannot judge. Known without a
    dictionary: the vault's note titles, file names, aliases and tags, the words of the
    `wordlists` files (by default `.notelint-words.txt` at the vault root, when it
    exists), and a note's own `notelint: {words: [...]}` frontmatter list.

    All the vault's unique unknown words go through one aspell session (aspell and its
    English dictionary must be installed: `apt-get install aspell aspell-en` or
    `brew install aspell`); verdicts are cached per word.

    Words are split as follows: `don't` stays whole, `Zeon's` is checked as `Zeon`,
    `well-known` is checked part by part (a vocabulary entry `well-known` accepts it),
    `snake_case`, file names, addresses and paths are skipped; the options decide on
    `NASA`, `iPhone`, `mp3` and short words.

    Notes in another language are left alone: a frontmatter `lang: es` says so; without
    it, a note whose distinct words are mostly unknown (see `foreign-ratio`), or a line of
    three words or more, most of them unknown, is taken for another language.

    ## Bad
    ```markdown
    The techncial limits of home bandwith.
    ```

    ## Good
    ```markdown
    The technical limits of home bandwidth.
    ```
    """

    code = "NL501"
    name = "misspelling"
    family = "spelling"
    summary = "word not in the dictionary nor the vault's word lists"
    severity = Severity.WARNING
    fixable = True
    Options = SpellingOptions
    options: SpellingOptions

    def collect_note(self, note: Note, ctx: NoteContext) -> str:
        """The note's text with everything but prose masked: needs the tokens, which the
        index does not keep."""
        return prose_text(note, check_title=self.options.check_title)

    def inputs(self, root: Path) -> Iterable[Path]:
        """The word lists, and where ``notelint words --add`` would create one."""
        return [*wordlist_paths(self.options.wordlists, root),
                target_wordlist(self.options.wordlists, root)]

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterable[Finding]:
        opts = self.options
        split = SplitOptions(
            ignore_allcaps=opts.ignore_allcaps,
            ignore_camelcase=opts.ignore_camelcase,
            ignore_words_with_digits=opts.ignore_words_with_digits,
            min_length=opts.min_length,
        )
        vocabulary = vault_vocabulary(vault, titles=not opts.check_title)
        wordlists = wordlist_paths(opts.wordlists, ctx.root)
        try:
            with Speller(
                opts.lang,
                wordlists,
                cache_dir=ctx.cache_dir,
                use_cache=ctx.use_cache,
                jobs=ctx.jobs,
            ) as speller:
                prose = ctx.collected_by(self)
                notes, pieces, bad = self._gather(vault, prose, speller, vocabulary, split)
        except SpellError as exc:
            raise RuleError(str(exc), fatal=True) from None
        known = speller.listed
        wrong = {
            token: [p for p in found if p[1] in bad and not _compound_known(p, vocabulary, known)]
            for token, found in pieces.items()
        }
        wrong = {token: found for token, found in wrong.items() if found}
        # positions only where a wrong word occurs, in notes written in the dictionary's language
        wrong_tokens = set(wrong)
        checkable = {token for token, found in pieces.items() if found}
        for rel, masked in notes:
            toks = tokens(masked)  # again: keeping every note's tokens would cost more memory
            hits = toks & wrong_tokens  # than the vault's text itself
            if not hits:
                continue
            note = vault.notes[rel]
            declared = self._declared_language(note)
            if declared is False:
                continue
            guess = self.options.foreign_ratio > 0 and declared is None
            if guess and self._foreign(toks, checkable, hits):
                continue
            yield from self._findings(note, masked, hits, pieces, wrong, bad, guess=guess)

    def _declared_language(self, note: Note) -> bool | None:
        """True when the frontmatter ``lang`` is the dictionary's, False for another, None
        when the note does not say."""
        declared = note.frontmatter.get("lang", note.frontmatter.get("language"))
        if not isinstance(declared, str) or not declared.strip():
            return None
        return base_language(declared.strip()).lower() == base_language(self.options.lang)

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
        vault: Vault,
        prose: Mapping[str, str],
        speller: Speller,
        vocabulary: KnownWords,
        split: SplitOptions,
    ) -> tuple[list[tuple[str, str]], dict[str, tuple[Piece, ...]], Misspelled]:
        """Read every reported note's prose once, feeding aspell as new words appear.

        Each distinct token of the vault is cut into words once; words not in the vault's
        vocabulary stream to aspell in batches, so it works while later notes are read.
        """
        opts = self.options
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
                if len(batch) >= FEED_BATCH:
                    session.feed(batch)
                    batch = []
            session.feed(batch)
            return notes, pieces, session.finish()

    def _findings(
        self,
        note: Note,
        masked: str,
        hits: set[str],
        pieces: dict[str, tuple[Piece, ...]],
        wrong: dict[str, list[Piece]],
        bad: Misspelled,
        *,
        guess: bool,
    ) -> Iterator[Finding]:
        own = KnownWords(note_word_list(note))
        for line, found in tokens_by_line(masked, hits):
            if guess and _foreign_line(found, pieces, wrong):
                continue
            for token, column in found:
                for offset, text, compound in wrong.get(token, ()):
                    if text in own or (compound is not None and compound in own):
                        continue
                    start = column + offset
                    yield self._finding(note, Span(line, start, line, start + len(text)), text, bad)

    def _finding(self, note: Note, span: Span, text: str, bad: Misspelled) -> Finding:
        suggestions = bad[text]
        fix = None
        if self.options.autofix_unique:
            strong = strong_suggestion(text, suggestions)
            if strong is not None:
                fix = Fix(span, strong)
        return self.finding(
            note,
            span,
            misspelling_message(text, suggestions),
            suggestion=suggestions[0] if suggestions else None,
            fix=fix,
        )


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


def misspelling_message(word: str, suggestions: tuple[str, ...]) -> str:
    """What the reader sees: the word, the likely fixes, how to accept it."""
    text = f"'{word}' is not in the dictionary"
    if suggestions:
        quoted = [f"'{s}'" for s in suggestions]
        choices = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
        text += f"; did you mean {choices}?"
    return f"{text} (if it is right, add it with `notelint words --add {word}`)"


def strong_suggestion(word: str, suggestions: Iterable[str]) -> str | None:
    """The one suggestion a single edit away that is a single word, or None if not unique.

    "bandwith" has "bandwidth" (one letter missing) but also "band with": only one-word
    candidates count, so the fix is "bandwidth". Two candidates mean no automatic fix.
    """
    strong = [
        s
        for s in suggestions
        if s.replace("'", "").isalpha() and _one_edit(word.casefold(), s.casefold())
    ]
    return strong[0] if len(strong) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """True when ``b`` is ``a`` with one letter added, removed, changed or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _compound_known(piece: Piece, *known: KnownWords) -> bool:
    """A part of a hyphenated word is fine when the whole is a known word."""
    compound = piece[2]
    return compound is not None and any(compound in words for words in known)




def vault_vocabulary(vault: Vault, *, titles: bool = True) -> KnownWords:
    """Words the vault itself vouches for: its note titles, file and folder names,
    aliases and tags (their words, split like prose).

    With ``titles=False`` (when titles are being checked) frontmatter titles vouch for
    nothing, or every title typo would vouch for itself. The words of an unchanged set of
    names are reused: the language server checks one note after another in the same
    vault, and splitting every name of a large vault again costs more than the check.
    """
    names: set[str] = set()
    for rel in vault.notes:
        facts = vault.facts(rel)
        names.add(note_stem(rel))
        names.update(facts.aliases)
        names.update(facts.tags)
        if titles:
            names.add(facts.title)
    for rel in (*vault.attachments, *vault.folders):
        names.add(rel.rsplit("/", 1)[-1])
    frozen = frozenset(names)
    last = _LAST_VOCABULARY.get(titles)
    if last is not None and last[0] == frozen:
        return last[1]
    known = KnownWords()
    for name in frozen:
        known.update(vocabulary_words(name.replace("/", " ")))
    _LAST_VOCABULARY[titles] = (frozen, known)
    return known


#: The last (names, words) pair built: the language server checks note after note.
_LAST_VOCABULARY: dict[bool, tuple[frozenset[str], KnownWords]] = {}


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


RULES: list[type[Rule]] = [Misspelling]
