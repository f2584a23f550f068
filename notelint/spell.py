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

It knows nothing about rules, notes or Markdown: it takes words and gives verdicts.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO

#: How to get aspell, named in every "aspell is missing" message.
INSTALL_HINT = "install it with `apt-get install aspell aspell-en` (or `brew install aspell`)"

MISSING_ASPELL = f"spelling needs aspell, which was not found; {INSTALL_HINT}"

#: Bump when the cache layout changes, so old caches are ignored rather than misread.
CACHE_VERSION = 2

#: Words written to aspell between flushes: enough to keep it busy, few enough to stream.
FLUSH_EVERY = 256

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

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word in self._exact or word in self._folded:  # most words are lowercase already
            return True
        return word.casefold() in self._folded

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

    Suggestions use aspell's ``ultra`` suggestion mode by default: its first three
    candidates match ``normal`` mode's for common typos at a sixth of the cost, which
    matters when a vault has thousands of unknown words; the few words it has nothing
    for are asked again in ``fast`` mode. The misspelled words are shared among
    ``jobs`` quick sessions, which work while the caller is still reading notes.
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

    def list_command(self) -> list[str]:
        """The ``aspell list`` command, built by pyspelling's aspell checker."""
        from pyspelling import Aspell  # imported here: runs without spelling skip it

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
        return _Pipeline(self.list_command(), self.suggest_command(), self.jobs)

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


class CheckSession:
    """One check of many words, fed as they are found.

    ``feed`` drops words already known (word lists, verdict cache, earlier feeds) and
    streams the rest into ``aspell list``; the words it rejects stream on into ``aspell
    -a`` sessions for suggestions. So aspell runs while the caller is still reading notes,
    and ``finish`` only waits for what is left.
    """

    def __init__(self, speller: Speller) -> None:
        self._speller = speller
        self._cache = speller._load_cache()
        self._asked: set[str] = set()
        self._fed: set[str] = set()
        self._pipeline: _Pipeline | None = None

    def feed(self, words: Iterable[str]) -> None:
        """Queue ``words`` for checking (any number of calls, duplicates welcome)."""
        new = set(words).difference(self._fed)
        if not new:
            return
        self._fed |= new
        listed, cache = self._speller.listed, self._cache
        unknown = sorted(
            w for w in new if not _has_space(w) and w not in listed and w not in cache
        )
        if not unknown:
            return
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
        if self._pipeline is not None:
            try:
                bad, suggestions = self._pipeline.finish()
            except SpellError as exc:
                raise SpellError(self._speller._explain(str(exc))) from None
            finally:
                self._speller.aspell_runs += self._pipeline.processes
            for word in self._asked:
                self._cache[word] = list(suggestions.get(word, ())) if word in bad else None
            self._speller._save_cache(self._cache)
            self._pipeline = None
        cache, listed = self._cache, self._speller.listed
        return {
            w: tuple(cache[w] or ())
            for w in self._fed
            if w not in listed and cache.get(w) is not None
        }


class _Pipeline:
    """``aspell list`` whose rejected words flow straight into ``aspell -a`` sessions.

    One thread reads the list process and deals each rejected word to a suggestion
    session (round robin, ``ultra`` mode: quick). A word ``ultra`` has nothing for goes
    on to one more session in aspell's more thorough ``fast`` mode, so a long word like
    "lexographical" still gets "lexicographical" (``normal`` mode would find a few more
    for twice the time).
    """

    def __init__(self, list_command: list[str], suggest_command: list[str], sessions: int) -> None:
        self.lister = _start(list_command)
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
        return 1 + len(self.suggesters) + (self.retry is not None)

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
        self._dealer.join()  # it closes the suggestion sessions' input when the list ends
        for session in self.suggesters:
            session.join()
        retry = self.retry  # no more answers can come: every quick session has ended
        if retry is not None:
            retry.close_input()
            retry.join()
        errors = [str(self.error)] if self.error is not None else []
        sessions = [*self.suggesters, *([retry] if retry is not None else [])]
        for process in [self.lister, *(session.process for session in sessions)]:
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
        for process in [self.lister, *(session.process for session in sessions)]:
            with contextlib.suppress(OSError):
                process.kill()
            _close(process.stdin)
        self._dealer.join(timeout=5)
        for session in sessions:
            session.join(timeout=5)
        for process in [self.lister, *(session.process for session in sessions)]:
            with contextlib.suppress(subprocess.SubprocessError):
                process.wait(timeout=5)
            _close(process.stdout)
            _close(process.stderr)

    def _deal(self) -> None:
        """Read rejected words from ``aspell list``; send each to a suggestion session."""
        stdout = self.lister.stdout
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
        """A quick session's answer: kept, or the word is asked again more thoroughly."""
        self.suggestions[word] = found[:MAX_SUGGESTIONS]
        if found:
            return
        with self._retry_lock:
            if self.retry is None:
                command = [a for a in self.suggest_command if not a.startswith("--sug-mode=")]
                try:
                    self.retry = _Suggester([*command, "--sug-mode=fast"], self._retried)
                except SpellError:
                    return  # the quick answer (none) stands
            self.retry.send(word, flush=True)

    def _retried(self, word: str, found: list[str]) -> None:
        if found:
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
