"""Per-file work: read, parse, check and summarise one note, here or in worker processes.

Everything the per-note rules see is one note's bytes and the run's settings, so this
work is a function of the file alone. It can therefore run in other processes
(``--jobs``), and its outcome (a summary, findings without paths, what vault rules
collected, all plain data) can be cached against the file's content hash. Tokens never
leave this module: a note's tokens live while its own rules run, so the memory a run
needs grows with the summaries, not with the parse trees.

Engine stage: index (reads, hashes, parses and runs per-note rules, in workers).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from markdown_it import MarkdownIt

from notelint.cache import FileStamp, NoteResults, digest_of, finding_tuple, pack_summary
from notelint.discover import FileProblem
from notelint.model import Finding, Note, NoteFacts
from notelint.parse import parse_note
from notelint.read import decode_note, read_bytes
from notelint.rule import NoteContext, Rule, RuleError
from notelint.vault import facts_of

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")

#: Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 64


@dataclass(frozen=True)
class Task:
    """Analyse ``rel``; ``known_digest`` is a content hash whose results the cache holds
    (a touched but unchanged file is then recognised without parsing)."""

    rel: str
    reported: bool
    known_digest: bytes | None = None


@dataclass
class Outcome:
    """What analysing one file gave. ``note`` (tokens dropped) stays in-process only."""

    rel: str
    stamp: FileStamp | None = None
    digest: bytes | None = None
    summary: bytes | None = None  # packed, see ``notelint.cache.pack_summary``
    facts: NoteFacts | None = None
    unchanged: bool = False  # the bytes hash to ``known_digest``: the cache entry stands
    problem: FileProblem | None = None
    results: NoteResults | None = None
    messages: tuple[str, ...] = ()
    internal_error: bool = False
    note: Note | None = None


class Analyser:
    """Turns files into outcomes with one parser and one set of per-note rules."""

    def __init__(
        self,
        *,
        markdown: MarkdownIt,
        root: Path,
        display_rel: Callable[[str], str],
        max_file_size: int,
        rules: Sequence[Rule],
        ctx: NoteContext,
        rules_key: str,
    ) -> None:
        self.markdown = markdown
        self.root = root
        self.display_rel = display_rel
        self.max_file_size = max_file_size
        self.note_rules = [rule for rule in rules if rule.is_note_rule()]
        self.collecting_rules = [rule for rule in rules if rule.is_collecting_rule()]
        self.ctx = ctx
        self.rules_key = rules_key

    def analyse(self, task: Task) -> Outcome:
        """Read, hash, parse and (when reported) check the file ``task.rel``."""
        read = read_bytes(self.root / task.rel, task.rel, self.max_file_size)
        if isinstance(read, FileProblem):
            return Outcome(task.rel, problem=read)
        data, status = read
        stamp = FileStamp.from_stat(status)
        digest = digest_of(data)
        if digest == task.known_digest:
            return Outcome(task.rel, stamp, digest, unchanged=True)
        decoded = decode_note(data, task.rel)
        if isinstance(decoded, FileProblem):
            return Outcome(task.rel, stamp, digest, problem=decoded)
        return self.analyse_text(task.rel, decoded.text, decoded.has_bom, task.reported,
                                 stamp=stamp, digest=digest)

    def analyse_text(
        self,
        rel: str,
        text: str,
        has_bom: bool,
        reported: bool,
        *,
        stamp: FileStamp | None = None,
        digest: bytes | None = None,
    ) -> Outcome:
        """Parse decoded ``text`` as the note ``rel`` and check it when ``reported``."""
        if digest is None:
            digest = digest_of(text.encode("utf-8", errors="surrogateescape"))
        try:
            note = self.parse(rel, text, has_bom)
        except Exception as exc:  # a parser bug must cost one note, not the run
            return Outcome(
                rel, stamp, digest,
                problem=FileProblem(rel, f"could not be parsed: {exc}"),
                messages=(f"notelint: internal error parsing {rel}:\n{_trace()}",),
                internal_error=True,
            )
        outcome = Outcome(rel, stamp, digest)
        if reported:
            outcome.results, outcome.messages, outcome.internal_error = self.check(note)
        outcome.note = dataclasses.replace(note, tokens=(), summary_only=True)
        return outcome

    def parse(self, rel: str, text: str, has_bom: bool = False) -> Note:
        return parse_note(
            self.markdown, rel=rel, display=self.display_rel(rel), file=self.root / rel,
            text=text, has_bom=has_bom,
        )

    def check(self, note: Note) -> tuple[NoteResults, tuple[str, ...], bool]:
        """Run every per-note rule on ``note`` and let vault rules collect from it.

        A rule that fails costs its findings on this note only; the messages say so.
        """
        findings: list[Finding] = []
        collected: dict[str, Any] = {}
        messages: list[str] = []
        internal_error = False
        for rule in self.note_rules:
            try:
                findings.extend(rule.check_note(note, self.ctx))
            except RuleError as exc:
                messages.append(f"notelint: {rule.code} [{rule.name}] could not run: {exc}")
                internal_error |= exc.fatal and rule.code in self.ctx.explicitly_selected
            except Exception:
                messages.append(_rule_crash(rule, note))
                internal_error = True
        for rule in self.collecting_rules:
            try:
                collected[rule.code] = rule.collect_note(note, self.ctx)
            except Exception:
                messages.append(_rule_crash(rule, note))
                internal_error = True
        results = NoteResults(
            self.rules_key, tuple(finding_tuple(f) for f in findings), collected
        )
        return results, tuple(messages), internal_error


def summary_outcome(outcome: Outcome) -> Outcome:
    """The outcome as it crosses a process boundary: the summary instead of the note."""
    if outcome.note is not None:
        try:
            outcome.summary = pack_summary(outcome.note)
        except (TypeError, ValueError, OverflowError):  # pickled as it is (IPC only)
            return outcome
        outcome.facts = facts_of(outcome.note)
        outcome.note = None
    return outcome


def analyse_all(analyser: Analyser, tasks: Sequence[Task], jobs: int) -> Iterator[Outcome]:
    """Outcomes of ``tasks`` in order: in ``jobs`` worker processes when that pays."""
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_FILES or not _can_fork():
        for task in tasks:
            yield analyser.analyse(task)
        return
    yield from _in_workers(analyser, tasks, jobs)


#: More processes than this rarely pay: the vault rules run in one process after them.
MAX_DEFAULT_JOBS = 8


def default_jobs(cgroup: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """The processes ``--jobs`` defaults to: the cores this process may use.

    ``os.cpu_count()`` counts the host's cores; a CI container limited to two of a
    64-core host would start 64 workers. The affinity mask and a cgroup v2 quota
    (``cpu.max``, set by ``docker --cpus``) say what is really available.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = cgroup.read_text(encoding="ascii").split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) / int(period) + 0.5)))
    except (OSError, ValueError):
        pass
    return max(1, min(cores, MAX_DEFAULT_JOBS))


def _can_fork() -> bool:
    """Workers are forked: they inherit the loaded plugins, parser and rules as they are
    (spawned workers would import and configure everything again)."""
    import multiprocessing  # imported when needed: a warm run never forks

    return "fork" in multiprocessing.get_all_start_methods()


def _forked_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` forked processes (imported here: a warm run never forks).

    Every worker dies with this process: a parent killed by SIGKILL or SIGTERM must not
    leave workers holding memory and notelint's stderr open (a caller reading it to the
    end, as pre-commit and CI do, would hang).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    read_end, write_end = os.pipe()  # the watchdog's: EOF once this process is gone
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker,
        initargs=(os.getpid(), read_end, write_end),
    )
    weakref.finalize(pool, _close_fds, read_end, write_end)
    return pool


@contextlib.contextmanager
def _workers(count: int) -> Iterator[ProcessPoolExecutor]:
    """A forked pool for a ``with`` block. Interrupted (Ctrl-C, SIGTERM), its workers are
    killed at once instead of finishing every queued task first."""
    pool = _forked_pool(count)
    try:
        yield pool
    except BaseException as exc:
        if not isinstance(exc, Exception):
            processes = getattr(pool, "_processes", None) or {}
            for process in list(processes.values()):
                with contextlib.suppress(Exception):
                    process.kill()
        # a pool interrupted while starting (its manager thread not yet running) fails to
        # shut down with an error of its own, which must not replace the interruption
        with contextlib.suppress(Exception):
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True, cancel_futures=True)


def _close_fds(*fds: int) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


PR_SET_PDEATHSIG = 1


def _set_parent_death_signal() -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux ``prctl``)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _init_worker(parent: int, read_end: int, write_end: int) -> None:
    """Runs first in each worker: tie its life to the parent's.

    ``PR_SET_PDEATHSIG`` where the kernel has it; else a thread waiting for EOF on a pipe
    whose only writer left is the parent (each worker closes its inherited copy). A
    SIGTERM kills a worker outright: the handler the parent installed is not for it.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.close(write_end)
    if _set_parent_death_signal():
        os.close(read_end)
    else:
        threading.Thread(target=_watch_parent, args=(read_end,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the death signal was set
        os._exit(1)


def _watch_parent(read_end: int) -> None:
    with contextlib.suppress(OSError):
        while os.read(read_end, 1):
            pass
    os._exit(1)


#: The analyser a forked worker inherits.
_WORKER_ANALYSER: Analyser | None = None


def _analyse_chunk(tasks: Sequence[Task]) -> list[Outcome]:
    assert _WORKER_ANALYSER is not None
    return [summary_outcome(_WORKER_ANALYSER.analyse(task)) for task in tasks]


def _in_workers(analyser: Analyser, tasks: Sequence[Task], jobs: int) -> Iterator[Outcome]:
    global _WORKER_ANALYSER
    size = max(8, min(256, len(tasks) // (jobs * 8)))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    _WORKER_ANALYSER = analyser
    done = 0
    try:
        with _workers(jobs) as pool:
            for outcomes in pool.map(_analyse_chunk, chunks):
                done += 1
                yield from outcomes
    except Exception as exc:  # a worker killed (memory, signal): finish in this process
        left = [task for chunk in chunks[done:] for task in chunk]
        warning = (
            f"notelint: warning: parallel parsing failed ({type(exc).__name__}: {exc}); "
            f"checking the remaining {len(left)} files in one process"
        )
        for index, task in enumerate(left):
            outcome = analyser.analyse(task)
            if index == 0:
                outcome.messages = (warning, *outcome.messages)
            yield outcome
    finally:
        _WORKER_ANALYSER = None


#: The calls forked processes of ``side_by_side`` run (inherited, not pickled).
_FORKED_CALLS: Sequence[Callable[[], Any]] = ()


def _call_forked(index: int) -> Any:
    return _FORKED_CALLS[index]()


def side_by_side(calls: Sequence[Callable[[], T]], jobs: int) -> list[T]:
    """The results of ``calls``, in order: the first runs here while up to ``jobs - 1``
    forked processes run the others. Results must be picklable; a call that needs this
    process's state after it returns has none: each runs on a copy.

    Vault rules of different families share nothing, so spelling can run beside the
    link rules instead of after them.
    """
    global _FORKED_CALLS
    if jobs <= 1 or len(calls) < 2 or not _can_fork():
        return [call() for call in calls]
    from concurrent.futures.process import BrokenProcessPool

    outer, _FORKED_CALLS = _FORKED_CALLS, calls  # a call may split its own work again
    try:
        with _workers(min(jobs - 1, len(calls) - 1)) as pool:
            futures = [pool.submit(_call_forked, index) for index in range(1, len(calls))]
            first = calls[0]()
            rest: list[T] = []
            for index, future in enumerate(futures, start=1):
                try:
                    rest.append(future.result())
                except BrokenProcessPool:  # a worker killed: do its part here
                    rest.append(calls[index]())
    finally:
        _FORKED_CALLS = outer
    return [first, *rest]


def _rule_crash(rule: Rule, note: Note) -> str:
    return (
        f"notelint: internal error in {rule.code} [{rule.name}] on {note.display}; "
        f"other notes are still checked. Please report this:\n{_trace()}"
    )


def _trace() -> str:
    return "".join(traceback.format_exc(limit=-4)).rstrip()
