"""One aspell session per run: check a vault's unique words at once, suggest for the bad ones.

pyspelling starts one checker process per text chunk, which is what makes it slow on a
vault of thousands of notes. This module reuses pyspelling's aspell command building
(``pyspelling.Aspell.setup_command``) and dictionary compilation
(``pyspelling.Aspell.compile_dictionary``) but calls aspell only twice per run: one
``aspell list`` over every unique word not already known, then one ``aspell -a`` pipe
session for the misspelled words only, to get their suggestions. Verdicts are kept in a
per-word cache so the next run usually needs no aspell process at all.

It knows nothing about rules, notes or Markdown: it takes words and gives verdicts.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pyspelling import Aspell
from pyspelling import util as pyspelling_util

#: How to get aspell, named in every "aspell is missing" message.
INSTALL_HINT = "install it with `apt-get install aspell aspell-en` (or `brew install aspell`)"

MISSING_ASPELL = f"spelling needs aspell, which was not found; {INSTALL_HINT}"

#: Bump when the cache layout changes, so old caches are ignored rather than misread.
CACHE_VERSION = 1

#: Misspelled words per suggestion session before the work is shared among processes.
SUGGEST_CHUNK = 200

#: Suggestions kept per misspelled word (the message shows them all).
MAX_SUGGESTIONS = 3


class SpellError(Exception):
    """aspell cannot run: not installed, no dictionary for the language, a bad word list."""


# -- word lists ---------------------------------------------------------------------------


def read_wordlist(path: Path) -> list[str]:
    """The words of a word list: one per line, blank lines and ``#`` comments ignored.

    A ``#`` starts a comment anywhere on a line, so ``notelint  # our name`` is allowed.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
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
        for line in wordlist.read_text(encoding="utf-8-sig").splitlines():
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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
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

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        return word in self._exact or word.casefold() in self._folded

    def __len__(self) -> int:
        return len(self._exact) + len(self._folded)


# -- the aspell session ---------------------------------------------------------------------


def base_language(lang: str) -> str:
    """``en_US`` -> ``en``: aspell's ``create master`` wants the language, not the variant."""
    for sep in ("_", "-"):
        lang = lang.split(sep, 1)[0]
    return lang or "en"


class Speller:
    """Checks many words with as few aspell processes as possible.

    ``lang`` is aspell's ``--lang`` (``en_US``); ``wordlists`` files of extra known
    words, compiled once into an aspell dictionary under ``cache_dir`` and rebuilt only
    when their words change; ``cache_dir`` also holds the per-word verdict cache. With no
    ``cache_dir`` (or ``use_cache=False``) nothing is read or written there: the
    dictionary goes to a temporary folder removed by ``close``.
    """

    def __init__(
        self,
        lang: str = "en_US",
        wordlists: Sequence[Path] = (),
        *,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        binary: str = "aspell",
        jobs: int = 1,
        sug_mode: str = "ultra",
    ) -> None:
        self.lang = lang
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
        self.aspell_runs = 0  # checking processes started, for tests and benchmarks
        self._lock = threading.Lock()

    # -- public ----------------------------------------------------------------------

    def check(self, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The misspelled words among ``words``, each with up to three suggestions.

        Words in the word lists are accepted without asking; the rest are judged by the
        per-word cache when it knows them, else by one ``aspell list`` run, and only the
        misspelled ones go through the ``aspell -a`` suggestion session.
        """
        unique = sorted(
            {w for w in words if w and not _has_space(w) and w not in self.listed}
        )
        cache = self._load_cache()
        unknown = [w for w in unique if w not in cache]
        if unknown:
            bad = set(self._aspell_list(unknown))
            suggestions = self._aspell_suggest(sorted(w for w in unknown if w in bad))
            for word in unknown:
                cache[word] = list(suggestions.get(word, ())) if word in bad else None
            self._save_cache(cache)
        return {w: tuple(cache[w] or ()) for w in unique if cache.get(w) is not None}

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

    def list_command(self) -> list[str]:
        """The ``aspell list`` command, built by pyspelling's aspell checker."""
        checker = Aspell({}, self.binary)
        # pyspelling adds ``mode: none`` to the options it is given: hand it a fresh dict.
        options: dict[str, object] = {"lang": self.lang}
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

    def _run(self, command: list[str], words: Sequence[str], *, prefix: str = "") -> str:
        """Run ``command`` once, feeding ``words`` one per line (the pyspelling way)."""
        self._require_binary()
        data = "".join(f"{prefix}{w}\n" for w in words).encode("utf-8")
        with self._lock:
            self.aspell_runs += 1
        try:
            output: str = pyspelling_util.call_spellchecker(command, data, "utf-8")
        except FileNotFoundError:
            raise SpellError(MISSING_ASPELL) from None
        except (OSError, RuntimeError) as exc:
            raise SpellError(self._explain(str(exc))) from None
        return output

    def _aspell_list(self, words: Sequence[str]) -> list[str]:
        """The words aspell's ``list`` mode rejects, one process for all of them."""
        output = self._run(self.list_command(), words)
        return [w for w in output.replace("\r", "").split("\n") if w]

    def _aspell_suggest(self, words: Sequence[str]) -> dict[str, list[str]]:
        """Suggestions for each of ``words``: one ``aspell -a`` session per chunk.

        A few hundred words take one session; more are split among ``jobs`` sessions run
        at once (aspell works while Python waits).
        """
        if not words:
            return {}
        chunks = max(1, min(self.jobs, len(words) // SUGGEST_CHUNK))
        if chunks == 1:
            return self._suggest_session(words)
        size = -(-len(words) // chunks)
        parts = [words[i : i + size] for i in range(0, len(words), size)]
        result: dict[str, list[str]] = {}
        with ThreadPoolExecutor(max_workers=len(parts)) as pool:
            for found in pool.map(self._suggest_session, parts):
                result.update(found)
        return result

    def _suggest_session(self, words: Sequence[str]) -> dict[str, list[str]]:
        """One ``aspell -a`` process answering for ``words``.

        Each word goes on its own line behind ``^`` (so a word is never read as a pipe
        command); aspell answers each line with one result line per word it found and a
        blank line, which keeps answers and words aligned.
        """
        output = self._run(self.suggest_command(), words, prefix="^")
        lines = output.replace("\r", "").split("\n")
        if lines and lines[0].startswith("@(#)"):
            lines = lines[1:]
        result: dict[str, list[str]] = {}
        for word, group in zip(words, _groups(lines), strict=False):
            for line in group:
                if line.startswith("& ") and ": " in line:
                    found = [s.strip() for s in line.split(": ", 1)[1].split(", ")]
                    result[word] = [s for s in found if s][:MAX_SUGGESTIONS]
                    break
        return result

    def _cache_file(self) -> Path | None:
        if not self.use_cache or self.cache_dir is None:
            return None
        # Word-list entries never reach the cache (they are accepted first), so the
        # cache survives list edits; a different aspell or language gets its own file.
        key = _digest([str(CACHE_VERSION), self.lang, self.sug_mode, self.binary, self._version()])
        return self.cache_dir / "spelling" / f"words-{key}.json"

    def _version(self) -> str:
        """aspell's version, read once: a new aspell may judge words differently."""
        if self._aspell_version is None:
            self._aspell_version = aspell_version(self.binary) or "unknown"
        return self._aspell_version

    def _load_cache(self) -> dict[str, list[str] | None]:
        path = self._cache_file()
        if path is None or not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # a damaged cache is only a slower run
        if not isinstance(data, dict) or not isinstance(data.get("words"), dict):
            return {}
        words: Mapping[str, object] = data["words"]
        return {
            w: ([str(s) for s in v] if isinstance(v, list) else None)
            for w, v in words.items()
            if isinstance(w, str)
        }

    def _save_cache(self, cache: Mapping[str, list[str] | None]) -> None:
        path = self._cache_file()
        if path is None:
            return
        payload = {"version": CACHE_VERSION, "lang": self.lang, "words": dict(cache)}
        with contextlib.suppress(OSError):
            _atomic_write(path, json.dumps(payload, ensure_ascii=False, sort_keys=True))


def _has_space(word: str) -> bool:
    return any(ch.isspace() for ch in word)


def _groups(lines: list[str]) -> list[list[str]]:
    """Split ``aspell -a`` output into per-input-line answers (blank-line separated)."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line == "":
            groups.append(current)
            current = []
        else:
            current.append(line)
    if current:
        groups.append(current)
    return groups


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
