"""One aspell session per run: check a vault's unique words at once, suggest for the bad ones.

pyspelling starts one checker process per text chunk, which is what makes it slow on a
vault of thousands of notes. This module reuses pyspelling's aspell command building
(``pyspelling.Aspell.setup_command``) and dictionary compilation
(``pyspelling.Aspell.compile_dictionary``) but starts aspell a handful of times per
run, whatever the vault's size: one ``aspell list`` over every unique word not already
known, fed while the notes are still being read, and ``aspell -a`` pipe sessions (one
per job) that receive the misspelled words as ``list`` rejects them, to get their
suggestions. Verdicts are kept in a per-word cache so the next run usually needs no
aspell process at all.

Before aspell, words are looked up in large system word lists (Debian's ``wamerican-huge``
and ``wbritish-huge``, SCOWL size 80, in ``/usr/share/dict``) when they are installed: a
plain set lookup, cheaper than aspell and with four times aspell's ``en_US`` vocabulary.
With several languages (``en_US`` and ``en_GB``), each aspell pass only sees the words the
previous ones rejected. For the words every pass rejects, ``Evidence`` gathers what says
"typo" or "real word" (frequencies from ``wordfreq``, a much more common word one or two
edits away, two known words run together), and ``notelint.typo`` weighs it into one verdict.

It knows nothing about rules, notes or Markdown: it takes words and gives verdicts.

Engine stage: check (a service the spelling rules call).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rapidfuzz.distance import OSA

from notelint.read import read_regular_text

#: How to get aspell, named in every "aspell is missing" message.
INSTALL_HINT = "install it with `apt-get install aspell aspell-en` (or `brew install aspell`)"

MISSING_ASPELL = f"spelling needs aspell, which was not found; {INSTALL_HINT}"

#: Bump when the cache layout changes, so old caches are ignored rather than misread.
CACHE_VERSION = 5

#: Words written to aspell between flushes: enough to keep it busy, few enough to stream.
FLUSH_EVERY = 256

#: Suggestions kept per misspelled word (weighed as candidates; the message shows three).
MAX_SUGGESTIONS = 6

#: Suggestions shown in a message.
SHOWN_SUGGESTIONS = 3


class SpellError(Exception):
    """aspell cannot run: not installed, no dictionary for the language, a bad word list."""


# -- word lists ---------------------------------------------------------------------------


def read_wordlist(path: Path) -> list[str]:
    """The words of a word list: one per line, blank lines and ``#`` comments ignored.

    A ``#`` starts a comment anywhere on a line, so ``notelint  # our name`` is allowed.
    """
    try:
        text = read_regular_text(path, "utf-8-sig")
    except OSError as exc:
        raise SpellError(f"cannot read word list {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SpellError(f"word list {path} is not UTF-8 text") from None
    words = []
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


#: The word list used when none is configured (read when present, created by ``add``).
DEFAULT_WORDLIST = ".notelint-words.txt"


def wordlist_paths(configured: Sequence[str], root: Path) -> list[Path]:
    """The word lists to read: the configured ones against ``root``, else the default."""
    paths = [_against(path, root) for path in configured]
    if not paths and (root / DEFAULT_WORDLIST).is_file():
        paths = [root / DEFAULT_WORDLIST]
    return paths


def target_wordlist(configured: Sequence[str], root: Path) -> Path:
    """Where ``notelint words --add`` (and the editor's "add word") writes: the first
    configured list, else ``.notelint-words.txt`` at the vault root, which is read by
    default — so an added word is known on the next run wherever it was added from."""
    return _against(configured[0], root) if configured else root / DEFAULT_WORDLIST


def _against(path: str, root: Path) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else root / candidate


def add_words(wordlist: Path, words: list[str]) -> list[str]:
    """Add ``words`` to the word list file, keeping it sorted and free of duplicates.

    Comment lines are kept, gathered at the top above the words, which are rewritten
    sorted case-insensitively (an entry's trailing ``# comment`` stays with it); blank
    lines are dropped. The file is replaced atomically, so an interrupted run never
    leaves half a list; it and its folder are created when missing. A "word" holding
    whitespace or ``#`` cannot be stored one-per-line and is skipped. Returns the words
    that were not already in the list (the ones added), sorted.
    """
    header: list[str] = []
    existing: list[str] = []
    if wordlist.exists():
        for line in read_regular_text(wordlist, "utf-8-sig").splitlines():
            if line.split("#", 1)[0].strip():
                existing.append(line.strip())
            elif line.lstrip().startswith("#"):
                header.append(line.rstrip())  # comments stay, above the sorted words
    known = {line.split("#", 1)[0].strip() for line in existing}
    added = sorted({w.strip() for w in words if _storable(w.strip()) and w.strip() not in known})
    entries = _sorted_unique([*existing, *added])
    _atomic_write(wordlist, "".join(f"{line}\n" for line in [*header, *entries]))
    return sorted(added, key=_word_order)


def _storable(word: str) -> bool:
    return bool(word) and "#" not in word and not any(ch.isspace() for ch in word)


def _word_order(word: str) -> tuple[str, str]:
    return (word.casefold(), word)


def _sorted_unique(lines: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for line in lines:
        seen.setdefault(line.split("#", 1)[0].strip(), line)
    return [seen[word] for word in sorted(seen, key=_word_order)]


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # opened with "x", the temporary file gets the permissions any new file gets (umask)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o777)  # an existing list keeps its own
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class KnownWords:
    """Words accepted without asking aspell, with aspell's case rules.

    A lowercase entry accepts any capitalisation (``notelint`` accepts ``Notelint`` and
    ``NOTELINT``); an entry with capitals accepts itself and its all-caps form, as an
    aspell dictionary does.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._exact: set[str] = set()
        self._folded: set[str] = set()
        self.update(words)

    def update(self, words: Iterable[str]) -> None:
        for word in words:
            if word == word.lower():
                self._folded.add(word.casefold())
            else:
                self._exact.add(word)
                self._exact.add(word.upper())

    def forget(self, folded: Iterable[str]) -> None:
        """Stop accepting the lowercase entries ``folded`` (in any capitalisation)."""
        self._folded.difference_update(folded)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word in self._exact or word in self._folded:  # most words are lowercase already
            return True
        return word.casefold() in self._folded

    def __len__(self) -> int:
        return len(self._exact) + len(self._folded)


# -- system word lists ---------------------------------------------------------------------

#: Where Debian-style word lists live (``wamerican-huge`` installs
#: ``/usr/share/dict/american-english-huge``).
DICT_FOLDER = Path("/usr/share/dict")

#: The word lists tried for each language, largest first; the first found is used.
#: ``apt-get install wamerican-huge wbritish-huge`` gives the largest (SCOWL size 80).
SYSTEM_WORDLISTS: dict[str, tuple[str, ...]] = {
    "en_US": ("american-english-huge", "american-english-large", "american-english"),
    "en_GB": ("british-english-huge", "british-english-large", "british-english"),
    "en_CA": ("canadian-english-huge", "canadian-english-large", "canadian-english"),
}

#: Named in the docs and in ``notelint`` messages: what gives spelling more words.
WORDLIST_HINT = "apt-get install wamerican-huge wbritish-huge"


def system_wordlists(languages: Sequence[str], folder: Path = DICT_FOLDER) -> list[Path]:
    """The installed system word lists for ``languages`` (none is fine: aspell still runs)."""
    found: list[Path] = []
    for lang in languages:
        for name in SYSTEM_WORDLISTS.get(lang.replace("-", "_"), ()):
            path = folder / name
            if path.is_file():
                found.append(path)
                break
    return found


_LOADED: dict[tuple[object, ...], KnownWords] = {}


def load_dictionary(paths: Sequence[Path]) -> KnownWords:
    """The words of the system lists as ``KnownWords``, read once per process.

    A Python set beats compiling the lists into an aspell dictionary here: reading
    700,000 lines takes a quarter of a second, needs no cache file, and the words it
    knows never reach aspell at all (measured on flancian-garden: see
    benchmarks/README.md). Possessive entries (``Aachen's``) add nothing: possessives
    are checked without their ``'s``. Nor do the entries that are common misspellings
    (``belive``, ``brocoli``: SCOWL's largest size keeps archaic and rare spellings that
    writers type by mistake): they are left to aspell and the evidence.
    """
    key = (*(_identity(path) for path in paths), _misspellings_version())
    known = _LOADED.get(key)
    if known is None:
        known = KnownWords()
        for path in paths:
            try:
                text = read_regular_text(path, "utf-8", errors="replace")
            except OSError:
                continue  # a list that went away: aspell still judges the words
            known.update(w for w in text.split("\n") if w and not w.endswith("'s"))
        known.forget(_misspellings().keys())
        _LOADED.clear()  # one set of lists per process: they are big
        _LOADED[key] = known
    return known


def _identity(path: Path) -> tuple[str, int, int]:
    try:
        status = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), status.st_size, status.st_mtime_ns)


# -- evidence ---------------------------------------------------------------------------------


def zipf(word: str, languages: Sequence[str] = ("en",)) -> float:
    """How common ``word`` is, on wordfreq's Zipf scale (0 unseen, 3 once per million
    words, 7 "the"), the highest over ``languages``; 0 when wordfreq is not installed.

    A plain dictionary read (wordfreq's list for the language, loaded once): wordfreq's
    own ``zipf_frequency`` tokenizes every word first, ten times slower here.
    """
    folded = word.casefold().replace("’", "'")
    best = 0.0
    for lang in languages:
        frequency = _frequencies(lang).get(folded)
        if frequency:
            best = max(best, round(math.log10(frequency) + 9, 2))
    return best


def listed_misspelling(word: str) -> tuple[str, ...]:
    """What codespell's list of common English misspellings says ``word`` stands for
    (``succesful`` -> ``("successful",)``), or ``()``: a word on it is a known typo,
    however often the vault writes it.

    The list is codespell's data (CC BY-SA 3.0), read from the installed ``codespell``
    package at run time and never copied into notelint; only its main list is used, not
    the rare-word, names or code lists (those flag real words). Without codespell
    installed this evidence is absent and fewer words are confident typos.
    """
    return _misspellings().get(word.casefold(), ())


#: The list as last read, with the identity of the file it was read from.
_MISSPELLINGS: tuple[object, dict[str, tuple[str, ...]]] | None = None


def _misspellings() -> dict[str, tuple[str, ...]]:
    """The list, read again when its file changed (a language server outlives upgrades:
    evidence must come from the list the cache key names)."""
    global _MISSPELLINGS
    version = _misspellings_version()
    if _MISSPELLINGS is None or _MISSPELLINGS[0] != version:
        _MISSPELLINGS = (version, _read_misspellings(misspellings_file()))
    return _MISSPELLINGS[1]


def misspellings_file() -> Path | None:
    """codespell's main list, found without importing codespell's code."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("codespell_lib")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "data" / "dictionary.txt"
        if path.is_file():
            return path
    return None


def _read_misspellings(path: Path | None) -> dict[str, tuple[str, ...]]:
    """``wrong->right, other,`` lines into ``{"wrong": ("right", "other")}``; a line
    that does not read so is skipped (data, never code)."""
    found: dict[str, tuple[str, ...]] = {}
    if path is None:
        return found
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return found
    for line in text.splitlines():
        wrong, arrow, right = line.partition("->")
        if not arrow or not wrong.strip():
            continue
        fixes = tuple(w.strip() for w in right.split(",") if w.strip())
        if fixes:
            found[wrong.strip().casefold()] = fixes
    return found


def _misspellings_version() -> str:
    """What the list evidence depends on: the file's identity (a new codespell, a new
    list), or ``none``."""
    path = misspellings_file()
    return "none" if path is None else repr(_identity(path))


#: Other languages whose common words often turn up in English notes (quotes, names of
#: things, a line to a friend): a word common in one of them is no English typo.
OTHER_LANGUAGES = ("es", "fr", "de", "it", "pt", "nl")


def foreign_zipf(word: str, exclude: Sequence[str] = ("en",)) -> tuple[float, str]:
    """The highest Zipf frequency of ``word`` in ``OTHER_LANGUAGES`` (their small lists,
    the 30,000-odd commonest words, quick to load) and the language, ``(0, "")`` if none."""
    folded = word.casefold().replace("’", "'")
    best, where = 0.0, ""
    for lang in OTHER_LANGUAGES:
        if lang in exclude:
            continue
        frequency = _frequencies(lang, "small").get(folded)
        if frequency:
            value = round(math.log10(frequency) + 9, 2)
            if value > best:
                best, where = value, lang
    return best, where


_FREQUENCIES: dict[tuple[str, str], dict[str, float]] = {}


def _frequencies(lang: str, wordlist: str = "best") -> dict[str, float]:
    table = _FREQUENCIES.get((lang, wordlist))
    if table is None:
        try:
            from wordfreq import get_frequency_dict

            table = get_frequency_dict(lang, wordlist=wordlist)
        except (ImportError, LookupError, OSError, ValueError):
            table = {}  # no wordfreq, or no list for the language: no frequency evidence
        _FREQUENCIES[(lang, wordlist)] = table
    return table


@dataclass(frozen=True, slots=True)
class Candidate:
    """A suggestion weighed against the word: how common it is, how many edits away."""

    word: str
    zipf: float
    edits: int
    rank: int = 0  # its place among aspell's suggestions (0: aspell's first)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known about a word every dictionary rejected, computed once and cached.

    ``zipf``: how common the word itself is in written English (a frequent word is a real
    one, or a common misspelling: then a much more common candidate close by says so);
    ``candidates``: one-word suggestions at most two edits away (three for a long word);
    ``split``: two common known words the word is made of (``allvampire``), with the
    rarer one's frequency; ``suggested``: how many suggestions aspell made (one alone is
    a sure one).
    """

    zipf: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    split: tuple[str, str] | None = None
    split_zipf: float = 0.0
    foreign: float = 0.0  # Zipf frequency in the commonest other language having it
    foreign_lang: str = ""
    suggested: int = 0
    listed: tuple[str, ...] = ()  # what codespell's list of misspellings corrects it to

    def to_json(self) -> dict[str, object]:
        return {
            "z": self.zipf,
            "c": [[c.word, c.zipf, c.edits, c.rank] for c in self.candidates],
            "p": [*self.split, self.split_zipf] if self.split else None,
            "f": [self.foreign, self.foreign_lang] if self.foreign_lang else None,
            "s": self.suggested,
            "l": list(self.listed),
        }

    @classmethod
    def from_json(cls, data: object) -> Evidence | None:
        if not isinstance(data, dict):
            return None
        try:
            candidates = tuple(
                Candidate(str(w), float(z), int(e), int(r)) for w, z, e, r in data.get("c") or ()
            )
            split = data.get("p")
            foreign = data.get("f")
            return cls(
                float(data.get("z") or 0.0),
                candidates,
                (str(split[0]), str(split[1])) if split else None,
                float(split[2]) if split else 0.0,
                float(foreign[0]) if foreign else 0.0,
                str(foreign[1]) if foreign else "",
                int(data.get("s") or 0),
                tuple(str(w) for w in data.get("l") or ()),
            )
        except (TypeError, ValueError):
            return None


#: Letters from which a suggestion three edits away is still a candidate
#: (``lexographically``, ``utilitarism``): long words are misspelled more, and further.
LONG_WORD = 10

#: Letters from which a lower-case word may be a misspelled name (``nietszche``,
#: ``brittanica``); shorter ones are abbreviations (``npm`` is not ``PM``).
LONG_NAME = 6

def _reach(folded: str) -> int:
    """How many edits away a suggestion may be and still be a candidate."""
    return 3 if len(folded) >= LONG_WORD else 2


#: Words of one or two letters that may stand on their own in a run-together word.
_SHORT_WORDS = frozenset(
    {"a", "i", "an", "am", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it",
     "me", "my", "no", "of", "on", "or", "so", "to", "up", "us", "we"}
)


def gather_evidence(
    word: str,
    suggestions: Sequence[str],
    known: Callable[[str], bool],
    languages: Sequence[str] = ("en",),
) -> Evidence:
    """The evidence about one rejected ``word``, from its aspell ``suggestions`` and the
    frequency lists; ``known`` says whether a word is in a dictionary (for the halves of
    a run-together word)."""
    own = zipf(word, languages)
    folded = word.casefold()
    lowercase = word == word.lower()
    plain = _unaccented(folded)
    reach = _reach(folded)
    candidates: list[Candidate] = []
    for rank, suggestion in enumerate(suggestions):
        if not suggestion.replace("'", "").isalpha():
            continue  # "band with": run-together words are found below
        if lowercase and len(folded) < LONG_NAME and suggestion != suggestion.lower():
            continue  # "npm" is not a typo of "PM": a name or an abbreviation is another word
        if plain != folded and _unaccented(suggestion.casefold()) == plain:
            # "détention" is French, not a typo of "detention": accents are chosen
            candidates = []
            break
        edits = edit_distance(folded, suggestion.casefold(), limit=reach + 1)
        if 0 < edits <= reach:
            candidates.append(Candidate(suggestion, zipf(suggestion, languages), edits, rank))
    best: tuple[str, str] | None = None
    best_zipf = 0.0
    letters = word.replace("'", "")
    if letters.isalpha() and len(letters) >= 5:
        for cut in range(1, len(word)):
            head, tail = word[:cut], word[cut:]
            if not all(_may_stand_alone(part) for part in (head, tail)):
                continue
            if not (known(head) and known(tail)):
                continue
            rarer = min(zipf(head, languages), zipf(tail, languages))
            if rarer > best_zipf:
                best, best_zipf = (head, tail), rarer
    abroad, abroad_lang = foreign_zipf(word, languages)
    return Evidence(own, tuple(candidates), best, best_zipf, abroad, abroad_lang,
                    len(suggestions), listed_misspelling(word))


def _unaccented(word: str) -> str:
    """``détention`` -> ``detention``: the letters without their accents."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _may_stand_alone(part: str) -> bool:
    return len(part) >= 3 or part.casefold() in _SHORT_WORDS


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one; the optimal string
    alignment form), capped at ``limit``: a suggestion further away is no candidate, so
    nothing beyond matters. Computed by rapidfuzz (C++), since a vault has thousands of
    words to weigh against their suggestions."""
    return min(OSA.distance(a, b, score_cutoff=limit - 1), limit)


# -- the aspell session ---------------------------------------------------------------------


def base_language(lang: str) -> str:
    """``en_US`` -> ``en``: aspell's ``create master`` wants the language, not the variant."""
    for sep in ("_", "-"):
        lang = lang.split(sep, 1)[0]
    return lang or "en"


class Speller:
    """Checks many words with as few aspell processes as possible.

    ``lang`` is aspell's ``--lang`` (``en_US``), or several (``["en_US", "en_GB"]``):
    a word is right when any accepts it, each later language only sees what the earlier
    ones rejected, and suggestions come from the first. ``dictionaries`` are big plain
    word lists consulted before aspell (default: the installed system lists for the
    languages, see ``system_wordlists``; ``()`` for none). ``wordlists`` files of extra known
    words, compiled once into an aspell dictionary under ``cache_dir`` and rebuilt only
    when their words change; ``cache_dir`` also holds the per-word verdict cache. With no
    ``cache_dir`` (or ``use_cache=False``) nothing is read or written there: the
    dictionary goes to a temporary folder removed by ``close``.

    Suggestions use aspell's ``ultra`` suggestion mode by default: its first three
    candidates match ``normal`` mode's for common typos at a sixth of the cost, which
    matters when a vault has thousands of unknown words; the few words it has nothing
    (close) for are asked again in ``normal`` mode. The misspelled words are shared among
    ``jobs`` quick sessions, which work while the caller is still reading notes.
    """

    def __init__(
        self,
        lang: str | Sequence[str] = "en_US",
        wordlists: Sequence[Path] = (),
        *,
        dictionaries: Sequence[Path] | None = None,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        binary: str = "aspell",
        jobs: int = 1,
        sug_mode: str = "ultra",
    ) -> None:
        self.languages = (lang,) if isinstance(lang, str) else tuple(lang) or ("en_US",)
        self.lang = self.languages[0]
        self.base_languages = tuple(dict.fromkeys(base_language(x) for x in self.languages))
        self.dictionaries = list(
            system_wordlists(self.languages) if dictionaries is None else dictionaries
        )
        self._dictionary_words: KnownWords | None = None
        self.jobs = max(1, jobs)
        self.sug_mode = sug_mode
        self.binary = binary
        self.wordlists = list(wordlists)
        self.use_cache = use_cache and cache_dir is not None
        # aspell reads a relative dictionary path from its own data folder: keep it absolute.
        self.cache_dir = cache_dir.resolve() if cache_dir is not None else None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.listed = KnownWords()
        self._listed_words: list[str] = []
        for path in self.wordlists:
            words = read_wordlist(path)
            self._listed_words.extend(words)
            self.listed.update(words)
        self._dictionary: Path | None = None
        self._dictionary_ready = False
        self._aspell_version: str | None = None
        self.aspell_runs = 0  # aspell processes started to check words, for tests

    # -- public ----------------------------------------------------------------------

    def check(self, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The misspelled words among ``words``, each with up to three suggestions.

        Words in the word lists are accepted without asking; the rest are judged by the
        per-word cache when it knows them, else by one ``aspell list`` run, and only the
        misspelled ones go through ``aspell -a`` suggestion sessions.
        """
        session = self.session()
        session.feed(words)
        return session.finish()

    def session(self) -> CheckSession:
        """A check fed little by little: aspell works while the caller reads more notes."""
        return CheckSession(self)

    def close(self) -> None:
        """Remove the temporary dictionary folder, if one was made."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Speller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- commands (built by pyspelling) ----------------------------------------------------

    def known_to_dictionaries(self) -> KnownWords:
        """The system word lists' words, loaded on first use (a warm run needs none)."""
        if self._dictionary_words is None:
            self._dictionary_words = load_dictionary(self.dictionaries)
        return self._dictionary_words

    def list_command(self, lang: str | None = None) -> list[str]:
        """The ``aspell list`` command, built by pyspelling's aspell checker."""
        from pyspelling import Aspell  # imported here: runs without spelling skip it

        checker = Aspell({}, self.binary)
        # pyspelling adds ``mode: none`` to the options it is given: hand it a fresh dict.
        options: dict[str, object] = {"lang": lang or self.lang}
        dictionary = self.dictionary()
        return list(
            checker.setup_command("utf-8", options, str(dictionary) if dictionary else None)
        )

    def suggest_command(self) -> list[str]:
        """The same command in ispell pipe mode (``-a``), which answers with suggestions.

        pyspelling refuses ``sug-mode`` as an option of its ``list`` runs (it means
        nothing there), so it is added here.
        """
        command = self.list_command()
        command[command.index("list")] = "-a"
        return [*command, f"--sug-mode={self.sug_mode}"]

    def dictionary(self) -> Path | None:
        """The compiled word-list dictionary, built now if the lists changed; None if no lists."""
        if self._dictionary_ready:
            return self._dictionary
        self._dictionary_ready = True
        words = sorted({w for w in self._listed_words if _aspell_can_store(w)})
        if not words:
            return None
        self._require_binary()
        digest = _digest([self.lang, *words])
        folder = self._folder()
        output = folder / f"wordlist-{digest}.rws"
        if not output.exists():
            self._compile(words, folder, output)
        self._dictionary = output
        return output

    # -- internals -------------------------------------------------------------------------

    def _folder(self) -> Path:
        if self.use_cache and self.cache_dir is not None:
            folder = self.cache_dir / "spelling"
            folder.mkdir(parents=True, exist_ok=True)
            return folder
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="notelint-spelling-")
        return Path(self._tmp.name).resolve()

    def _compile(self, words: list[str], folder: Path, output: Path) -> None:
        """Compile ``words`` with pyspelling's ``create master`` into ``output``, atomically."""
        source = folder / f"{output.stem}.txt"
        _atomic_write(source, "".join(f"{w}\n" for w in words))
        partial = folder / f".{output.name}.{os.getpid()}.tmp"
        # pyspelling prints notes on failure and decodes aspell's output with
        # sys.stdout's encoding: give it a UTF-8 sink so stdout stays clean (JSON mode).
        chatter = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        from pyspelling import Aspell

        try:
            with contextlib.redirect_stdout(chatter):
                Aspell.compile_dictionary(
                    self.binary,
                    base_language(self.lang),
                    [str(source.resolve())],
                    "utf-8",
                    str(partial.resolve()),
                    0,
                )
            os.replace(partial, output)
        except (OSError, RuntimeError) as exc:
            raise SpellError(self._explain(str(exc))) from None
        finally:
            with contextlib.suppress(OSError):
                partial.unlink()
            with contextlib.suppress(OSError):
                source.unlink()

    def _require_binary(self) -> None:
        if shutil.which(self.binary) is None:
            raise SpellError(MISSING_ASPELL)

    def _explain(self, output: str) -> str:
        """A one-line message for an aspell failure, naming the fix."""
        text = " ".join(output.replace("Runtime Error:", "").split())
        if "is not known" in text or "No word lists can be found" in text:
            return (
                f"aspell has no dictionary for language {self.lang!r}; "
                f"{INSTALL_HINT} or set [tool.notelint.spelling] lang"
            )
        return f"aspell failed: {text[:300]}"

    def _pipeline(self) -> _Pipeline:
        """Start the aspell processes of one check (counted in ``aspell_runs``)."""
        self._require_binary()
        listers = [self.list_command(lang) for lang in self.languages]
        return _Pipeline(listers, self.suggest_command(), self.jobs)

    def _cache_file(self) -> Path | None:
        if not self.use_cache or self.cache_dir is None:
            return None
        # Word-list entries never reach the cache (they are accepted first), so the
        # cache survives list edits; a different aspell or language gets its own file.
        lists = [repr(_identity(path)) for path in self.dictionaries]
        key = _digest(
            [str(CACHE_VERSION), *self.languages, self.sug_mode, self.binary, self._version(),
             *lists, _wordfreq_version(), _misspellings_version()]
        )
        return self.cache_dir / "spelling" / f"words-{key}.json"

    def _version(self) -> str:
        """aspell's version, read once: a new aspell may judge words differently."""
        if self._aspell_version is None:
            self._aspell_version = aspell_version(self.binary) or "unknown"
        return self._aspell_version

    def _load_cache(self) -> dict[str, Verdict | None]:
        path = self._cache_file()
        if path is None or not path.exists():
            return {}
        import zlib

        try:
            data = json.loads(read_regular_text(path))
        except (OSError, ValueError):
            return {}  # a damaged cache is only a slower run
        if not isinstance(data, dict) or not isinstance(data.get("words"), dict):
            return {}
        # CRC-32 and length of the rest, as the index cache: a flipped byte is a miss
        checksum = data.pop("checksum", None)
        body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        if checksum != f"{zlib.crc32(body):08x}-{len(body)}":
            return {}
        words: Mapping[str, object] = data["words"]
        cache: dict[str, Verdict | None] = {}
        for word, value in words.items():
            if not isinstance(word, str):
                continue
            if value is None:
                cache[word] = None
            elif isinstance(value, dict) and isinstance(value.get("s"), list):
                evidence = Evidence.from_json(value.get("e"))
                if evidence is not None:
                    cache[word] = Verdict(tuple(str(x) for x in value["s"]), evidence)
        return cache

    def _save_cache(self, cache: Mapping[str, Verdict | None]) -> None:
        path = self._cache_file()
        if path is None:
            return
        words = {
            w: None if v is None else {"s": list(v.suggestions), "e": v.evidence.to_json()}
            for w, v in cache.items()
        }
        import zlib

        payload = {"version": CACHE_VERSION, "languages": list(self.languages), "words": words}
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        payload["checksum"] = f"{zlib.crc32(body):08x}-{len(body)}"
        with contextlib.suppress(OSError):
            _atomic_write(path, json.dumps(payload, ensure_ascii=False, sort_keys=True))


@dataclass(frozen=True, slots=True)
class Verdict:
    """A word every dictionary rejected: aspell's suggestions and the evidence."""

    suggestions: tuple[str, ...]
    evidence: Evidence


class CheckSession:
    """One check of many words, fed as they are found.

    ``feed`` drops words already known (word lists, verdict cache, system word lists,
    earlier feeds) and streams the rest into ``aspell list``; the words it rejects stream
    on into ``aspell -a`` sessions for suggestions. So aspell runs while the caller is
    still reading notes, and ``finish`` only waits for what is left.
    """

    def __init__(self, speller: Speller) -> None:
        self._speller = speller
        self._cache = speller._load_cache()
        self._asked: set[str] = set()
        self._fed: set[str] = set()
        self._pipeline: _Pipeline | None = None
        self._changed = False

    def feed(self, words: Iterable[str]) -> None:
        """Queue ``words`` for checking (any number of calls, duplicates welcome)."""
        new = set(words).difference(self._fed)
        if not new:
            return
        self._fed |= new
        listed, cache = self._speller.listed, self._cache
        unknown = [w for w in new if not _has_space(w) and w not in listed and w not in cache]
        if not unknown:
            return
        if self._speller.dictionaries:
            dictionary = self._speller.known_to_dictionaries()
            for word in unknown:
                if word in dictionary:
                    cache[word] = None
                    self._changed = True
            unknown = [w for w in unknown if w not in dictionary]
            if not unknown:
                return
        unknown.sort()
        if self._pipeline is None:
            self._pipeline = self._speller._pipeline()
        self._asked.update(unknown)
        self._pipeline.feed(unknown)

    def __enter__(self) -> CheckSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()

    def abort(self) -> None:
        """Stop aspell if ``finish`` was never reached (an error while reading notes)."""
        if self._pipeline is not None:
            self._pipeline.abort()
            self._pipeline = None

    def finish(self) -> dict[str, tuple[str, ...]]:
        """The misspelled words among everything fed, with their suggestions."""
        return {w: v.suggestions[:SHOWN_SUGGESTIONS] for w, v in self.verdicts().items()}

    def verdicts(self) -> dict[str, Verdict]:
        """The misspelled words among everything fed, with all their evidence."""
        speller = self._speller
        if self._pipeline is not None:
            try:
                bad, suggestions = self._pipeline.finish()
            except SpellError as exc:
                raise SpellError(speller._explain(str(exc))) from None
            finally:
                speller.aspell_runs += self._pipeline.processes
            known = self._part_known()
            for word in self._asked:
                if word in bad:
                    found = tuple(suggestions.get(word, ()))
                    evidence = gather_evidence(word, found, known, speller.base_languages)
                    self._cache[word] = Verdict(found, evidence)
                else:
                    self._cache[word] = None
            self._changed = True
            self._pipeline = None
        if self._changed:
            speller._save_cache(self._cache)
            self._changed = False
        cache, listed = self._cache, speller.listed
        found_verdicts = {}
        for word in self._fed:
            verdict = cache.get(word)
            if verdict is not None and word not in listed:
                found_verdicts[word] = verdict
        return found_verdicts

    def _part_known(self) -> Callable[[str], bool]:
        """Whether half of a run-together word is a word: in the system lists, else
        common enough in wordfreq."""
        speller = self._speller
        if speller.dictionaries:
            dictionary = speller.known_to_dictionaries()
            return lambda part: part in dictionary
        return lambda part: zipf(part, speller.base_languages) >= 3.0


def _wordfreq_version() -> str:
    try:
        from importlib.metadata import version

        return version("wordfreq")
    except Exception:  # not installed, or no metadata: frequencies are all 0
        return "none"


#: Letters from which a word whose quick suggestions are all far off is asked again
#: thoroughly: long words are where ``ultra`` misses (shorter ones are mostly names).
RETRY_LENGTH = 8


def _any_close(word: str, suggestions: Sequence[str]) -> bool:
    """Whether one of the first suggestions is near enough to be a candidate (see
    ``gather_evidence``): aspell puts the nearest first, so two are enough to look at."""
    folded = word.casefold()
    reach = _reach(folded)
    return any(edit_distance(folded, s.casefold(), limit=reach + 1) <= reach
               for s in suggestions[:2])


class _Pipeline:
    """``aspell list`` whose rejected words flow straight into ``aspell -a`` sessions.

    One thread reads the list process and deals each rejected word to a suggestion
    session (round robin, ``ultra`` mode: quick). A word ``ultra`` has nothing for, or
    (from ``RETRY_LENGTH`` letters) nothing within reach of a correction, goes on to one
    more session in aspell's thorough ``normal`` mode, so "lexographical" still gets
    "lexicographical" and "invidivuals" "individuals" (ultra offers "infidels").
    """

    def __init__(
        self, list_commands: list[list[str]], suggest_command: list[str], sessions: int
    ) -> None:
        # one ``aspell list`` per language, each reading what the one before rejected
        self.listers = [_start(command) for command in list_commands]
        self.lister = self.listers[0]
        self._relays = [
            threading.Thread(target=_relay, args=(source, target), daemon=True)
            for source, target in zip(self.listers, self.listers[1:], strict=False)
        ]
        for relay in self._relays:
            relay.start()
        self.suggest_command = suggest_command
        self.sessions = max(1, sessions)
        self.suggesters: list[_Suggester] = []  # started at the first rejected word
        self.retry: _Suggester | None = None  # started at the first word without suggestion
        self._retry_lock = threading.Lock()
        self.bad: set[str] = set()
        self.suggestions: dict[str, list[str]] = {}
        self.broken = False
        self.error: SpellError | None = None
        self._dealer = threading.Thread(target=self._deal, daemon=True)
        self._dealer.start()

    @property
    def processes(self) -> int:
        return len(self.listers) + len(self.suggesters) + (self.retry is not None)

    def feed(self, words: Sequence[str]) -> None:
        if self.broken:
            return
        try:
            stdin = self.lister.stdin
            assert stdin is not None
            stdin.write("".join(f"{w}\n" for w in words).encode("utf-8"))
            stdin.flush()
        except (BrokenPipeError, OSError):
            self.broken = True  # aspell stopped: finish() reports why

    def finish(self) -> tuple[set[str], dict[str, list[str]]]:
        _close(self.lister.stdin)
        for relay in self._relays:
            relay.join()
        self._dealer.join()  # it closes the suggestion sessions' input when the list ends
        for session in self.suggesters:
            session.join()
        retry = self.retry  # no more answers can come: every quick session has ended
        if retry is not None:
            retry.close_input()
            retry.join()
        errors = [str(self.error)] if self.error is not None else []
        sessions = [*self.suggesters, *([retry] if retry is not None else [])]
        for process in [*self.listers, *(session.process for session in sessions)]:
            process.wait()
            if process.returncode != 0:
                text = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
                errors.append(text.strip() or f"exit status {process.returncode}")
            _close(process.stdout)
            _close(process.stderr)
        if errors:
            raise SpellError(errors[0])
        return self.bad, self.suggestions

    def abort(self) -> None:
        """Kill every aspell process of this check and let the threads run out."""
        sessions = [*self.suggesters, *([self.retry] if self.retry is not None else [])]
        for process in [*self.listers, *(session.process for session in sessions)]:
            with contextlib.suppress(OSError):
                process.kill()
            _close(process.stdin)
        for relay in self._relays:
            relay.join(timeout=5)
        self._dealer.join(timeout=5)
        for session in sessions:
            session.join(timeout=5)
        for process in [*self.listers, *(session.process for session in sessions)]:
            with contextlib.suppress(subprocess.SubprocessError):
                process.wait(timeout=5)
            _close(process.stdout)
            _close(process.stderr)

    def _deal(self) -> None:
        """Read rejected words from the last ``aspell list``; send each to a suggestion
        session."""
        stdout = self.listers[-1].stdout
        assert stdout is not None
        turn = 0
        for raw in stdout:
            word = raw.decode("utf-8", "replace").strip()
            if not word or word in self.bad:
                continue
            self.bad.add(word)
            if not self.suggesters and not self._start_suggesters():
                continue  # the error is kept for finish(); keep draining the list
            session = self.suggesters[turn % len(self.suggesters)]
            turn += 1
            if not session.send(word, flush=turn % FLUSH_EVERY == 0):
                self.broken = True
        for session in self.suggesters:
            session.close_input()

    def _start_suggesters(self) -> bool:
        if self.error is not None:
            return False
        try:
            for _ in range(self.sessions):
                self.suggesters.append(_Suggester(self.suggest_command, self._answered))
        except SpellError as exc:
            self.error = exc
            return False
        return True

    def _answered(self, word: str, found: list[str]) -> None:
        """A quick session's answer: kept, or the word is asked again more thoroughly
        when nothing it found is close enough to be what the writer meant."""
        self.suggestions[word] = found[:MAX_SUGGESTIONS]
        if found and (len(word) < RETRY_LENGTH or _any_close(word, found)):
            return
        with self._retry_lock:
            if self.retry is None:
                command = [a for a in self.suggest_command if not a.startswith("--sug-mode=")]
                try:
                    self.retry = _Suggester([*command, "--sug-mode=normal"], self._retried)
                except SpellError:
                    return  # the quick answer stands
            self.retry.send(word, flush=True)

    def _retried(self, word: str, found: list[str]) -> None:
        if found:  # the thorough answer: it has the quick one's suggestions too
            self.suggestions[word] = found[:MAX_SUGGESTIONS]


class _Suggester:
    """One ``aspell -a`` process and the thread pairing its answers with the words sent.

    aspell answers every input line with its result lines and a blank line, so the
    words sent, kept in order, say which word each answer is for.
    """

    def __init__(self, command: list[str], on_answer: Callable[[str, list[str]], None]) -> None:
        self.process = _start(command)
        self._sent: deque[str] = deque()
        self._on_answer = on_answer
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def send(self, word: str, *, flush: bool) -> bool:
        """Ask for ``word`` (behind ``^``, so it is never read as a command)."""
        stdin = self.process.stdin
        assert stdin is not None
        self._sent.append(word)
        try:
            stdin.write(f"^{word}\n".encode())
            if flush:
                stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            return False
        return True

    def close_input(self) -> None:
        _close(self.process.stdin)

    def join(self, timeout: float | None = None) -> None:
        self._reader.join(timeout)

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        found: list[str] | None = None
        for raw in stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line.startswith("@(#)"):
                continue  # the version banner
            if line:
                if found is None and line.startswith("& ") and ": " in line:
                    found = [s.strip() for s in line.split(": ", 1)[1].split(", ") if s.strip()]
                continue
            if self._sent:
                self._on_answer(self._sent.popleft(), found or [])
            found = None


def _relay(source: subprocess.Popen[bytes], target: subprocess.Popen[bytes]) -> None:
    """Pass the words one ``aspell list`` rejected on to the next language's."""
    stdout, stdin = source.stdout, target.stdin
    assert stdout is not None and stdin is not None
    try:
        for count, raw in enumerate(stdout, 1):
            stdin.write(raw)
            if count % FLUSH_EVERY == 0:
                stdin.flush()
    except (BrokenPipeError, OSError, ValueError):
        pass  # the next aspell stopped: finish() reports why
    finally:
        _close(stdin)


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    """An aspell process with all three streams piped (stderr is read only at the end)."""
    try:
        return subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except FileNotFoundError:
        raise SpellError(MISSING_ASPELL) from None
    except OSError as exc:
        raise SpellError(f"cannot start aspell: {exc}") from None


def _close(stream: IO[bytes] | None) -> None:
    if stream is not None:
        with contextlib.suppress(OSError):
            stream.close()


_SPACE = re.compile(r"\s")


def _has_space(word: str) -> bool:
    """Whether ``word`` holds whitespace, which would split it into two lines for aspell."""
    return _SPACE.search(word) is not None


def _aspell_can_store(word: str) -> bool:
    """Whether ``create master`` accepts the word (letters, inner apostrophes only).

    Others (``foo1``, ``well-known``) would only be skipped with a warning; they stay
    known through ``Speller.listed`` instead.
    """
    core = word.replace("'", "")
    return bool(core) and core.isalpha() and not word.startswith("'") and not word.endswith("'")


def _digest(parts: Iterable[str]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()[:16]


def aspell_available(binary: str = "aspell") -> bool:
    """True when the aspell program can be found (tests use it to skip, not to mock)."""
    return shutil.which(binary) is not None


def aspell_version(binary: str = "aspell") -> str | None:
    """aspell's version line, or None when it cannot run."""
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None
