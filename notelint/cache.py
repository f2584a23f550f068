"""The per-file cache: what a run learnt of each note, kept for the next run.

A pre-commit hook that re-parses a vault of thousands to check five notes gets
uninstalled. So for every note the cache keeps, keyed by the file's size and modification
time and by a hash of its bytes:

- its summary: the facts other notes' rules may ask about (names, frontmatter, headings,
  links, tags, block ids, comments, text) as plain tuples, fast to load;
- the results of the per-note rules and what vault rules collected from it, valid for one
  set of rules and options (the "rules key");

and for the whole vault, the findings of the vault rules with the fingerprint of every
input they read. A note whose stamp (or, when touched, whose hash) is unchanged is neither
read for parsing nor checked again; when no note changed, the vault rules' findings are
reused too.

The cache is one file, written atomically, and a notes repository may carry a forged one
(committed by mistake or on purpose, or restored from a poisoned CI cache). So it holds
data only: a header naming the format, a checksum, then msgpack of plain values (no
pickle: loading it can never run code). A file with another header or checksum, or from
another notelint version or plugin set, is ignored; an entry of another shape is absent
(the note is parsed again).

Engine stage: index (the index cache is read and written by the index stage only).
"""

from __future__ import annotations

import datetime
import functools
import gc
import hashlib
import importlib.util
import io
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import msgpack

from notelint import __version__
from notelint.fix import write_atomically
from notelint.model import (
    BlockId,
    Comment,
    Finding,
    Fix,
    Frontmatter,
    Heading,
    Link,
    LinkKind,
    Note,
    NoteFacts,
    Severity,
    Span,
    Tag,
    YamlError,
)
from notelint.parse import split_lines
from notelint.vault import facts_of

# 2: parser fixes changed spans, escapes and comments; 3: html_ids; 4: content hashes,
# per-note results and vault results; 5: draft in the facts; 7: msgpack with a header and
# a checksum instead of pickle; 8: ctime and inode in the stamps
CACHE_FORMAT = 8
INDEX_FILE = "index.msgpack"
#: The first bytes of every index file: what says a file is notelint's index cache.
INDEX_HEADER = b"notelint index cache\n"
_CHECKSUM_SIZE = 12  # CRC-32 and length of the body

SpanTuple = tuple[int, int, int, int]
FindingTuple = tuple[Any, ...]
_KINDS = {kind.value: kind for kind in LinkKind}
_SEVERITIES = {int(level): level for level in Severity}


class FileStamp(NamedTuple):
    """What says a file did not change without reading it: size, modification time,
    status-change time and inode, as git and ruff compare. An edit that keeps the size
    and restores the mtime (``cp -p``, ``touch -r``) still moves the ctime; a file
    replaced by a rename has another inode."""

    size: int
    mtime_ns: int
    ctime_ns: int = 0
    inode: int = 0

    @classmethod
    def of(cls, path: str | Path) -> FileStamp | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return cls.from_stat(stat)

    @classmethod
    def from_stat(cls, stat: os.stat_result) -> FileStamp:
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def digest_of(data: bytes) -> bytes:
    """The content hash a touched but unchanged file is recognised by."""
    return hashlib.blake2b(data, digest_size=16).digest()


#: The packages whose code decides every cached verdict: the engine and the built-in rules.
CODE_PACKAGES = ("notelint", "notelint_rules")


@functools.cache
def code_digest() -> str:
    """A digest of the installed notelint and notelint_rules package files (their paths
    and contents), computed once per process.

    Cached notes and verdicts are valid only for the code that computed them. The
    version string does not say that: an upgrade from git, an editable install being
    edited, or a patched copy all keep "0.1.0", and would be served stale verdicts. The
    contents, not the times, decide, so a ``cp -p`` or a checkout restoring times
    still counts; reading the two packages (under 1 MB) costs a few milliseconds.
    Locating ``notelint_rules`` does not import it.
    """
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for package in CODE_PACKAGES:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        folders = sorted(spec.submodule_search_locations or []) if spec is not None else []
        digest.update(f"\0package {package} {len(folders)}\0".encode())
        for folder in folders:
            for path in sorted(Path(folder).rglob("*")):
                if "__pycache__" in path.parts or path.suffix == ".pyc" or not path.is_file():
                    continue
                digest.update(path.relative_to(folder).as_posix().encode("utf-8", "replace"))
                try:
                    data = path.read_bytes()
                except OSError as exc:  # unreadable: its error stands for it
                    data = f"unreadable: {exc}".encode()
                digest.update(b"\0%d\0" % len(data))
                digest.update(data)
    return digest.hexdigest()


class NoteResults(NamedTuple):
    """What the per-note rules found in one note and what vault rules collected from it,
    under the rules key they were computed with. Findings carry no path: the display
    path depends on the working directory of the run that reports them."""

    rules_key: str
    findings: tuple[FindingTuple, ...]
    collected: Mapping[str, Any]


class CacheEntry(NamedTuple):
    """One note as the last run saw it: ``summary`` is packed (``pack_summary``), since
    most runs unpack few of them; ``facts`` are what every run's indexes need."""

    stamp: FileStamp
    digest: bytes
    summary: bytes
    facts: NoteFacts
    results: NoteResults | None = None


class IndexCache:
    """Per-note entries by root-relative path, valid for one parser configuration, and
    the last vault rules' findings."""

    def __init__(self, folder: Path, parser_key: str) -> None:
        self.path = folder / INDEX_FILE
        # the code as installed, not only the version: a changed engine or rule is a
        # cold cache (``code_digest``)
        self.key = (CACHE_FORMAT, __version__, code_digest(), parser_key)
        # entries are kept as plain tuples (``_pack_entry``): msgpack loads and dumps
        # those at C speed, and a run unpacks only the entries it uses
        self.entries: dict[str, tuple[Any, ...]] = {}
        self.vault_results: tuple[str, tuple[tuple[str, FindingTuple], ...]] | None = None
        self.dirty = False
        self.warning: str | None = None

    def load(self) -> IndexCache:
        """Read the cache file; anything unexpected leaves the cache empty."""
        try:
            document = read_index_document(self.path)
        except FileNotFoundError:
            return self
        except CacheFormatError as exc:  # a corrupt cache costs a re-parse, never the run
            self.warning = f"ignoring unreadable cache {self.path}: {exc}; it will be rewritten"
            self.dirty = True
            return self
        except OSError as exc:
            self.warning = (f"ignoring unreadable cache {self.path}: {exc.strerror or exc}; "
                            "it will be rewritten")
            self.dirty = True
            return self
        key, entries, vault_results = document
        if key == self.key and isinstance(entries, dict):
            self.entries = entries
            self.vault_results = vault_results
        else:
            self.dirty = True
        return self

    def entry(self, rel: str) -> CacheEntry | None:
        """The entry of ``rel``; None when there is none or it has a shape this version
        does not write (it is then ignored and the note parsed again)."""
        raw = self.entries.get(rel)
        return None if raw is None else _unpack_entry(raw)

    def store(self, rel: str, entry: CacheEntry) -> None:
        self.entries[rel] = _pack_entry(entry)
        self.dirty = True

    def restamp(self, rel: str, stamp: FileStamp) -> CacheEntry | None:
        """Record that ``rel`` was touched but its bytes are unchanged."""
        entry = self.entry(rel)
        if entry is None:
            return None
        entry = entry._replace(stamp=stamp)
        self.store(rel, entry)
        return entry

    def vault_findings(self, fingerprint: str) -> tuple[tuple[str, FindingTuple], ...] | None:
        """The vault rules' findings of the last run, if it saw exactly these inputs (and
        they have the shape this version writes)."""
        results = self.vault_results
        if not (isinstance(results, tuple) and len(results) == 2 and results[0] == fingerprint):
            return None
        found = results[1]
        if type(found) is not tuple:
            return None
        for item in found:
            if not (type(item) is tuple and len(item) == 2 and type(item[0]) is str
                    and _valid_finding(item[1])):
                return None
        return found

    def store_vault_findings(
        self, fingerprint: str, findings: tuple[tuple[str, FindingTuple], ...]
    ) -> None:
        self.vault_results = (fingerprint, findings)
        self.dirty = True

    def forget_missing(self, present: Iterable[str]) -> None:
        keep = set(present)
        stale = [rel for rel in self.entries if rel not in keep]
        for rel in stale:
            del self.entries[rel]
        self.dirty = self.dirty or bool(stale)

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            prepare_cache_dir(self.path.parent)
            if self.path.is_dir() and not self.path.is_symlink() and owns_folder(
                self.path.parent
            ):
                remove_owned_folder(self.path)  # a folder in the way of our own file
            write_index_document(self.path, (self.key, self.entries, self.vault_results))
        except (OSError, TypeError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            self.warning = f"could not write the cache {self.path}: {reason}"


class CacheFormatError(ValueError):
    """A cache file that is not one this version wrote: wrong header, checksum or body."""


def _checksum(payload: bytes) -> bytes:
    """CRC-32 and length of the body: catches every flipped byte at a fraction of a
    cryptographic hash's cost (the checksum is against damage; forged files are handled
    by holding data only, validated)."""
    return zlib.crc32(payload).to_bytes(4, "big") + len(payload).to_bytes(8, "big")


def read_index_document(path: Path) -> tuple[Any, Any, Any]:
    """The (key, entries, vault results) of the index file at ``path``.

    Raises ``CacheFormatError`` for anything but a file this format wrote: the header,
    then the checksum of the body, then a msgpack body of three items. Only a regular
    file is opened (a FIFO planted there would block the run).
    """
    head_size = len(INDEX_HEADER) + _CHECKSUM_SIZE
    with open_regular_file(path) as handle:
        head = handle.read(head_size)
        if not head.startswith(INDEX_HEADER):
            raise CacheFormatError("not a notelint index cache (unknown header)")
        payload = handle.read()  # the body as its own buffer: unpacked without a copy
    if len(head) != head_size or _checksum(payload) != head[len(INDEX_HEADER):]:
        raise CacheFormatError("checksum mismatch (the file was damaged or edited)")
    collecting = gc.isenabled()
    gc.disable()  # the body is a few hundred thousand acyclic objects: no cycles to find
    try:
        document = unpack_data(payload)
    except Exception as exc:  # msgpack raises several types for bad input
        raise CacheFormatError(f"undecodable body ({type(exc).__name__})") from None
    finally:
        if collecting:
            gc.enable()
    if not (isinstance(document, tuple) and len(document) == 3):
        raise CacheFormatError("unexpected layout")
    return document[0], document[1], document[2]


def write_index_document(path: Path, document: tuple[Any, Any, Any]) -> None:
    """Write ``document`` atomically with the header and checksum ``read_index_document``
    expects."""
    payload = pack_data(document)
    write_atomically(path, INDEX_HEADER + _checksum(payload) + payload)


def open_regular_file(path: Path) -> io.FileIO:
    """``path`` opened for reading if it is a regular file: opened without blocking (a
    FIFO there would hang the run) and checked with ``fstat`` before anything is read.
    Raises ``FileNotFoundError`` when absent, ``CacheFormatError`` when not a regular
    file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        if not stat_is_regular(os.fstat(fd).st_mode):
            raise CacheFormatError("not a regular file")
        return io.FileIO(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def read_regular_file(path: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file (see ``open_regular_file``)."""
    with open_regular_file(path) as handle:
        return handle.readall()


def stat_is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)


def owns_folder(folder: Path) -> bool:
    """Whether ``folder`` is a cache folder notelint created (its marker says so)."""
    try:
        first = read_regular_file(folder / ".gitignore").split(b"\n", 1)[0]
    except (OSError, CacheFormatError):
        return False
    return first.decode("utf-8", errors="replace").rstrip("\r") == CACHE_MARKER


def remove_owned_folder(path: Path) -> None:
    """Remove a folder standing where notelint writes one of its own cache files."""
    import shutil

    shutil.rmtree(path, ignore_errors=True)


# -- plain data on disk: msgpack with a few extension types ------------------------------

_EXT_DATE = 1
_EXT_DATETIME = 2
_EXT_SET = 3
_EXT_FROZENSET = 4
_EXT_BIGINT = 5
_EXT_TUPLE = 6


def _default(obj: Any) -> Any:
    """The values YAML loads that msgpack has no type for, as extension types."""
    if isinstance(obj, datetime.datetime):
        return msgpack.ExtType(_EXT_DATETIME, obj.isoformat().encode("ascii"))
    if isinstance(obj, datetime.date):
        return msgpack.ExtType(_EXT_DATE, obj.isoformat().encode("ascii"))
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, int):
        return msgpack.ExtType(_EXT_BIGINT, str(int(obj)).encode("ascii"))
    if isinstance(obj, frozenset):
        return msgpack.ExtType(_EXT_FROZENSET, pack_exact(list(obj)))
    if isinstance(obj, set):
        return msgpack.ExtType(_EXT_SET, pack_exact(list(obj)))
    if isinstance(obj, tuple):
        return msgpack.ExtType(_EXT_TUPLE, pack_exact(list(obj)))
    if isinstance(obj, str):
        return str(obj)
    if isinstance(obj, float):
        return float(obj)
    if isinstance(obj, dict):
        return dict(obj)
    if isinstance(obj, list):
        return list(obj)
    raise TypeError(f"cannot store a {type(obj).__name__} in the cache")


def _ext_hook(code: int, data: bytes) -> Any:
    if code == _EXT_DATE:
        return datetime.date.fromisoformat(data.decode("ascii"))
    if code == _EXT_DATETIME:
        return datetime.datetime.fromisoformat(data.decode("ascii"))
    if code == _EXT_BIGINT:
        text = data.decode("ascii")
        if len(text) > 4300 or not text.lstrip("-").isdigit():
            raise ValueError("bad integer")
        return int(text)
    if code in (_EXT_SET, _EXT_FROZENSET, _EXT_TUPLE):
        items = unpack_exact(data)
        if not isinstance(items, list):
            raise ValueError("bad collection")
        if code == _EXT_TUPLE:
            return tuple(items)
        return set(items) if code == _EXT_SET else frozenset(items)
    raise ValueError(f"unknown extension type {code}")


#: How text with lone surrogates is stored and read back. A file name that is not
#: UTF-8 reaches Python as 'n\udce9.md' (and a JSON escape can spell '\ud800'); strict
#: UTF-8 cannot encode either, which failed the whole cache write. 'surrogatepass'
#: round-trips every Python string exactly and leaves valid UTF-8 as it was.
_TEXT_ERRORS = "surrogatepass"


def pack_data(value: Any) -> bytes:
    """``value`` as msgpack: tuples and lists both as arrays (read back as tuples)."""
    return msgpack.packb(  # type: ignore[no-any-return]
        value, use_bin_type=True, default=_default, unicode_errors=_TEXT_ERRORS
    )


def unpack_data(data: bytes) -> Any:
    """What ``pack_data`` wrote, arrays as tuples; raises on anything malformed."""
    return msgpack.unpackb(data, raw=False, use_list=False, strict_map_key=False,
                           ext_hook=_ext_hook, unicode_errors=_TEXT_ERRORS)


def pack_exact(value: Any) -> bytes:
    """``value`` as msgpack keeping lists, tuples, sets and dates apart (frontmatter
    data, which rules compare as YAML loaded it)."""
    return msgpack.packb(  # type: ignore[no-any-return]
        value, use_bin_type=True, strict_types=True, default=_default,
        unicode_errors=_TEXT_ERRORS,
    )


def unpack_exact(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False, use_list=True, strict_map_key=False,
                           ext_hook=_ext_hook, unicode_errors=_TEXT_ERRORS)


def _storable(collected: Mapping[str, Any]) -> bool:
    """Whether msgpack can hold what vault rules collected (a plugin may collect any
    object; its results are then not cached rather than the whole cache failing)."""
    if all(type(value) is str for value in collected.values()):
        return True
    try:
        pack_data(dict(collected))
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _pack_entry(entry: CacheEntry) -> tuple[Any, ...]:
    results = entry.results
    if results is not None and not _storable(results.collected):
        results = None
    return (
        tuple(entry.stamp),
        entry.digest,
        entry.summary,
        tuple(entry.facts),
        None if results is None
        else (results.rules_key, results.findings, dict(results.collected)),
    )


def _unpack_entry(raw: Any) -> CacheEntry | None:
    """The entry ``raw`` holds, or None unless every field has the shape ``_pack_entry``
    writes: a forged cache may hold anything msgpack can say."""
    if not (isinstance(raw, tuple) and len(raw) == 5):
        return None
    stamp, digest, summary, facts, results = raw
    if not (
        type(stamp) is tuple and len(stamp) == 4 and all(type(part) is int for part in stamp)
        and isinstance(digest, bytes) and isinstance(summary, bytes)
        and _valid_facts(facts)
        and (results is None or _valid_results(results))
    ):
        return None
    return CacheEntry(
        FileStamp(*stamp),
        digest,
        summary,
        NoteFacts(*facts),
        None if results is None else NoteResults(*results),
    )


def _is_int(value: object) -> bool:
    return type(value) is int


def _is_str_tuple(value: object) -> bool:
    if type(value) is not tuple:
        return False
    try:
        "".join(value)  # C speed: raises for any item that is not a str
    except TypeError:
        return False
    return True


def _valid_facts(facts: object) -> bool:
    return (
        isinstance(facts, tuple) and len(facts) == 5
        and _is_str_tuple(facts[0]) and type(facts[1]) is str and _is_str_tuple(facts[2])
        and type(facts[3]) is bool and type(facts[4]) is bool
    )


def _valid_results(results: object) -> bool:
    if not (isinstance(results, tuple) and len(results) == 3):
        return False
    rules_key, findings, collected = results
    return (
        type(rules_key) is str
        and _valid_findings(findings)
        and isinstance(collected, dict) and all(type(key) is str for key in collected)
    )


def _valid_span(span: object) -> bool:
    if type(span) is not tuple or len(span) != 4:
        return False
    line, column, end_line, end_column = span
    return (type(line) is int and type(column) is int and type(end_line) is int
            and type(end_column) is int and line > 0 and column > 0 and end_line > 0
            and end_column > 0)


def _valid_findings(findings: object) -> bool:
    if type(findings) is not tuple:
        return False
    return all(map(_valid_finding, findings))


def _valid_finding(data: object) -> bool:
    """A finding tuple as ``finding_tuple`` writes it."""
    if type(data) is not tuple or len(data) != 8:
        return False
    span, code, rule, severity, message, suggestion, fix, subject = data
    return (
        type(code) is str and type(rule) is str and type(message) is str
        and type(severity) is int and severity in _SEVERITIES
        and (suggestion is None or type(suggestion) is str)
        and (subject is None or type(subject) is str)
        and _valid_span(span)
        and (fix is None or (type(fix) is tuple and len(fix) == 2
                             and type(fix[1]) is str and _valid_span(fix[0])))
    )


#: The first line of the ``.gitignore`` in a cache folder: what ``notelint cache clean``
#: looks for before it removes a folder.
CACHE_MARKER = "# created by notelint: the cache is never committed"


def prepare_cache_dir(folder: Path) -> None:
    """Create the cache folder holding a ``.gitignore`` of ``*``.

    Like ruff's, mypy's and pytest's caches, it then never lands in a commit through
    ``git add -A`` (which would make pre-commit report the hook as modifying files).
    Only a folder notelint creates gets one: with ``cache-dir = "."`` a ``*`` there would
    hide the whole vault from git, and ``notelint cache clean`` removes only a marked
    folder, so an existing folder given as ``--cache-dir`` (empty or not) is never
    marked: files put there later are not notelint's to delete.
    """
    if folder.exists() or folder.is_symlink():
        return
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text(f"{CACHE_MARKER}\n*\n", encoding="utf-8")


# -- summaries: a Note's cross-file facts as plain tuples --------------------------------


def _span(span: Span | None) -> SpanTuple | None:
    return None if span is None else (span.line, span.column, span.end_line, span.end_column)


def _unspan(data: SpanTuple | None) -> Span | None:
    return None if data is None else Span(*data)


def summary_of(note: Note) -> tuple[Any, ...]:
    """The facts other notes' rules may ask about ``note``, as plain tuples."""
    fm = note.frontmatter
    error = None if fm.error is None else (fm.error.message, fm.error.line, fm.error.column)
    frontmatter = (
        fm.present,
        dict(fm.data) if fm.data is not None else None,
        error,
        _span(fm.span),
        {path: _span(span) for path, span in fm.positions.items()},
    )
    return (
        frontmatter,
        tuple((h.level, h.text, h.slug, _span(h.span), h.source) for h in note.headings),
        tuple(
            (
                link.kind.value,
                link.raw,
                link.target,
                link.fragment,
                link.alias,
                _span(link.span),
                _span(link.target_span),
                link.scheme,
            )
            for link in note.links
        ),
        tuple((tag.name, _span(tag.span), tag.source) for tag in note.tags),
        tuple((block.id, _span(block.span)) for block in note.block_ids),
        tuple((c.body, _span(c.span), c.style) for c in note.comments),
        note.has_bom,
        note.newline,
        note.text,
        note.html_ids,
    )


def pack_summary(note: Note) -> bytes:
    """The summary of ``note`` as bytes: what the cache keeps and workers send back.

    The frontmatter mapping is packed on its own, keeping YAML's lists, dates and sets
    exactly; its key paths (tuples) become pairs, as msgpack keys are plain values.
    Raises TypeError for a value msgpack cannot hold (a plugin's YAML type)."""
    frontmatter, *rest = summary_of(note)
    present, data, error, span, positions = frontmatter
    stored = (
        present,
        None if data is None else pack_exact(data),
        error,
        span,
        tuple(positions.items()),
    )
    return pack_data((stored, *rest))


def unpack_summary(blob: bytes) -> tuple[Any, ...]:
    """The summary ``pack_summary`` wrote, in ``summary_of``'s form; raises
    ``CacheFormatError`` unless every part has the shape it writes."""
    try:
        summary = unpack_data(blob)
        (frontmatter, headings, links, tags, block_ids, comments, has_bom, newline, text,
         html_ids) = summary
        present, data, error, span, positions = frontmatter
        mapping = None if data is None else unpack_exact(data)
        checks = (
            type(present) is bool,
            mapping is None or isinstance(mapping, dict),
            error is None or (isinstance(error, tuple) and len(error) == 3
                              and type(error[0]) is str and _is_int(error[1])
                              and _is_int(error[2])),
            span is None or _valid_span(span),
            isinstance(positions, tuple) and all(
                isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple)
                and all(type(part) in (str, int) for part in item[0])
                and _valid_span(item[1]) for item in positions),
            isinstance(headings, tuple) and all(
                isinstance(h, tuple) and len(h) == 5 and _is_int(h[0]) and type(h[1]) is str
                and type(h[2]) is str and _valid_span(h[3]) and type(h[4]) is str
                for h in headings),
            isinstance(links, tuple) and all(
                isinstance(k, tuple) and len(k) == 8 and k[0] in _KINDS
                and type(k[1]) is str and type(k[2]) is str
                and (k[3] is None or type(k[3]) is str) and (k[4] is None or type(k[4]) is str)
                and _valid_span(k[5]) and (k[6] is None or _valid_span(k[6]))
                and (k[7] is None or type(k[7]) is str) for k in links),
            isinstance(tags, tuple) and all(
                isinstance(t, tuple) and len(t) == 3 and type(t[0]) is str
                and _valid_span(t[1]) and type(t[2]) is str for t in tags),
            isinstance(block_ids, tuple) and all(
                isinstance(b, tuple) and len(b) == 2 and type(b[0]) is str
                and _valid_span(b[1]) for b in block_ids),
            isinstance(comments, tuple) and all(
                isinstance(c, tuple) and len(c) == 3 and type(c[0]) is str
                and _valid_span(c[1]) and type(c[2]) is str for c in comments),
            type(has_bom) is bool,
            newline in ("\n", "\r\n", "\r"),
            type(text) is str,
            _is_str_tuple(html_ids),
        )
    except Exception as exc:  # msgpack raises several types for bad input
        raise CacheFormatError(f"undecodable summary ({type(exc).__name__})") from None
    if not all(checks):
        raise CacheFormatError("summary of an unexpected shape")
    restored = (present, mapping, error, span, {path: value for path, value in positions})
    return (restored, headings, links, tags, block_ids, comments, has_bom, newline, text,
            html_ids)


def note_from_summary(summary: tuple[Any, ...], *, rel: str, display: str, file: Path) -> Note:
    """A Note holding the cached facts and text; only its tokens are left empty."""
    (frontmatter, headings, links, tags, block_ids, comments, has_bom, newline, text,
     html_ids) = summary
    present, data, error, span, positions = frontmatter
    return Note(
        rel=rel,
        display=display,
        file=file,
        text=text,
        lines=split_lines(text),
        frontmatter=Frontmatter(
            present=present,
            data=data,
            error=None if error is None else YamlError(*error),
            span=_unspan(span),
            positions={path: Span(*value) for path, value in positions.items()},
        ),
        tokens=(),
        headings=tuple(Heading(h[0], h[1], h[2], Span(*h[3]), h[4]) for h in headings),
        links=tuple(
            Link(_KINDS[k], raw, target, fragment, alias, Span(*s), _unspan(ts), scheme)
            for k, raw, target, fragment, alias, s, ts, scheme in links
        ),
        tags=tuple(Tag(name, Span(*s), source) for name, s, source in tags),
        block_ids=tuple(BlockId(block, Span(*s)) for block, s in block_ids),
        comments=tuple(Comment(body, Span(*s), style) for body, s, style in comments),
        has_bom=has_bom,
        newline=newline,
        html_ids=html_ids,
        summary_only=True,
    )


# -- findings without their path -------------------------------------------------------


def finding_tuple(finding: Finding) -> FindingTuple:
    """A finding as plain data, without its path (fast to store, valid in any cwd)."""
    fix = finding.fix
    return (
        _span(finding.span),
        finding.code,
        finding.rule,
        int(finding.severity),
        finding.message,
        finding.suggestion,
        None if fix is None else (_span(fix.span), fix.replacement),
        finding.subject,
    )


def finding_from_tuple(path: str, data: FindingTuple) -> Finding:
    span, code, rule, severity, message, suggestion, fix, subject = data
    return Finding(
        path=path,
        span=Span(*span),
        code=code,
        rule=rule,
        severity=_SEVERITIES[severity],
        message=message,
        suggestion=suggestion,
        fix=None if fix is None else Fix(Span(*fix[0]), fix[1]),
        subject=subject,
    )


class SummaryNotes(Mapping[str, Note]):
    """Notes by ``rel``, each rebuilt from its packed summary only when a rule asks.

    A warm run of a large vault knows thousands of notes of which the rules may look
    at a few; rebuilding them all would cost more than the check. ``facts`` answers
    what the vault-wide indexes need without rebuilding anything. Only the latest
    rebuilt notes are kept: a rule that walks 100,000 notes must not hold them all.
    """

    REBUILT = 512

    def __init__(
        self,
        root: Path,
        display_rel: Callable[[str], str],
        reparse: Callable[[str], Note] | None = None,
    ) -> None:
        self._root = root
        self._display_rel = display_rel
        # what gives the note when its summary does not validate (a forged cache)
        self._reparse = reparse
        self._items: dict[str, Note | bytes] = {}
        self._facts: dict[str, NoteFacts] = {}
        self._rebuilt: dict[str, Note] = {}  # the latest rebuilt notes, oldest first

    def add_note(self, note: Note) -> None:
        self._items[note.rel] = note
        self._facts.pop(note.rel, None)
        self._rebuilt.pop(note.rel, None)

    def add_summary(self, rel: str, summary: bytes, facts: NoteFacts) -> None:
        self._items[rel] = summary
        self._facts[rel] = facts
        self._rebuilt.pop(rel, None)

    def facts(self, rel: str) -> NoteFacts:
        found = self._facts.get(rel)
        if found is None:
            found = self._facts[rel] = facts_of(self[rel])
        return found

    def __getitem__(self, rel: str) -> Note:
        item = self._items[rel]
        if isinstance(item, Note):
            return item
        note = self._rebuilt.get(rel)
        if note is None:
            try:
                summary = unpack_summary(item)
            except CacheFormatError:
                note = self._replacement(rel)
            else:
                note = note_from_summary(
                    summary, rel=rel, display=self._display_rel(rel), file=self._root / rel,
                )
            self._rebuilt[rel] = note
            if len(self._rebuilt) > self.REBUILT:
                del self._rebuilt[next(iter(self._rebuilt))]  # the oldest
        return note

    def _replacement(self, rel: str) -> Note:
        """The note ``rel`` read again, or an empty one, in place of a bad summary."""
        if self._reparse is not None:
            note = self._reparse(rel)
            self._items[rel] = note
            return note
        return note_from_summary(
            ((False, None, None, None, {}), (), (), (), (), (), False, "\n", "", ()),
            rel=rel, display=self._display_rel(rel), file=self._root / rel,
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, rel: object) -> bool:
        return rel in self._items


def parser_key(plugin_names: Iterable[str], extra: Mapping[str, str] | None = None) -> str:
    """What decides how notes parse: the syntax plugins loaded (and their versions)."""
    parts = sorted(plugin_names)
    if extra:
        parts += [f"{k}={v}" for k, v in sorted(extra.items())]
    return "|".join(parts)

