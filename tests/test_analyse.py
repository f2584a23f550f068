"""The per-file analysis and the process fan-out: same results in one process or many,
and a worker that dies costs time, not findings."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from notelint import analyse
from notelint.analyse import Task, analyse_all, side_by_side
from notelint.engine import Plan, RunRequest, make_plan, run
from notelint.testing import write_vault

fork_only = pytest.mark.skipif(not analyse._can_fork(), reason="workers are forked")


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * value


def _die_in_a_worker(parent: int, value: int) -> int:
    if os.getpid() != parent:
        os._exit(3)  # as a worker killed by the out-of-memory killer would vanish
    return value + 1


@fork_only
def test_side_by_side_keeps_order_and_runs_the_others_elsewhere() -> None:
    calls = [functools.partial(_pid_and, value) for value in range(4)]
    results = side_by_side(calls, jobs=2)
    assert [value for _, value in results] == [0, 1, 4, 9]
    assert results[0][0] == os.getpid()
    assert all(pid != os.getpid() for pid, _ in results[1:])


def test_side_by_side_in_one_process_with_one_job() -> None:
    results = side_by_side([functools.partial(_pid_and, 3)] * 3, jobs=1)
    assert results == [(os.getpid(), 9)] * 3


@fork_only
def test_a_worker_that_dies_is_replaced_by_this_process() -> None:
    calls = [functools.partial(_die_in_a_worker, os.getpid(), value) for value in range(3)]
    assert side_by_side(calls, jobs=2) == [1, 2, 3]


def _session(root: Path) -> Plan:
    return make_plan(RunRequest(paths=[str(root)], config={}, root=root, offline=True,
                                use_cache=False, cwd=root, select=["frontmatter"]))


@fork_only
def test_workers_give_the_outcomes_one_process_gives(tmp_path: Path) -> None:
    count = analyse.PARALLEL_MIN_FILES + 6
    write_vault(tmp_path, {
        f"n{index:03}.md": ("---\ntags: [x]\n---\n" if index % 3 else "") + f"Note {index}\n"
        for index in range(count)
    })
    (tmp_path / "bad.md").write_bytes(b"caf\xe9\n")
    tasks = [Task(f"n{index:03}.md", reported=True) for index in range(count)]
    tasks.append(Task("bad.md", reported=True))
    analyser = _session(tmp_path).analyser

    here = list(analyse_all(analyser, tasks, jobs=1))
    there = list(analyse_all(analyser, tasks, jobs=2))

    assert [o.rel for o in there] == [o.rel for o in here]
    assert [o.digest for o in there] == [o.digest for o in here]
    assert [o.results for o in there] == [o.results for o in here]
    assert there[-1].problem is not None and "UTF-8" in there[-1].problem.message
    missing_tags = [o.rel for o in there if o.results and any(
        f[1] == "NL201" for f in o.results.findings)]
    assert missing_tags == [f"n{index:03}.md" for index in range(0, count, 3)]
    # only summaries cross the process boundary: the parsed note stays behind
    assert all(o.note is None and o.summary for o in there[:-1])
    assert all(o.note is not None for o in here[:-1])


@fork_only
def test_a_known_digest_skips_the_parse(tmp_path: Path) -> None:
    write_vault(tmp_path, {"a.md": "---\ntags: [x]\n---\nHello\n"})
    analyser = _session(tmp_path).analyser
    first = analyser.analyse(Task("a.md", reported=True))
    again = analyser.analyse(Task("a.md", reported=True, known_digest=first.digest))
    assert again.unchanged and again.note is None and again.results is None
    (tmp_path / "a.md").write_text("---\ntags: [x]\n---\nHello again\n")
    changed = analyser.analyse(Task("a.md", reported=True, known_digest=first.digest))
    assert not changed.unchanged and changed.note is not None


def test_default_jobs_follow_a_cgroup_quota(tmp_path: Path) -> None:
    quota = tmp_path / "cpu.max"
    quota.write_text("100000 100000\n")  # docker --cpus=1
    assert analyse.default_jobs(quota) == 1
    quota.write_text("max 100000\n")
    unlimited = analyse.default_jobs(quota)
    assert 1 <= unlimited <= analyse.MAX_DEFAULT_JOBS
    assert analyse.default_jobs(tmp_path / "absent") == unlimited
    quota.write_text("garbage\n")
    assert analyse.default_jobs(quota) == unlimited


# -- a killed run leaves no worker behind --------------------------------------------------


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    """Running, and not a zombie nobody reaped (PID 1 of a container may not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _slow_vault(root: Path) -> None:
    body = "".join(f"Line {i} with [[link {i}]] and `code` and #tag{i}.\n\n" for i in range(60))
    write_vault(root, {f"n{i:04}.md": f"---\ntags: [x]\n---\n# N {i}\n\n{body}"
                       for i in range(2500)})


def _start(vault: Path, *extra: str) -> subprocess.Popen[bytes]:
    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo), str(repo / "rules")])}
    return subprocess.Popen(
        [sys.executable, "-m", "notelint", "check", "--offline", "--jobs", "2",
         "--select", "links", *extra, str(vault)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=vault, env=env,
    )


def _workers_of(process: subprocess.Popen[bytes]) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        if len(workers) >= 2:
            return workers
        time.sleep(0.02)
    raise AssertionError("the run never started two workers")


def _gone(pids: set[int], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


linux_only = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")


@fork_only
@linux_only
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_parent(tmp_path: Path, sig: signal.Signals) -> None:
    vault = tmp_path / "vault"
    _slow_vault(vault)
    process = _start(vault, "--no-cache")
    workers = _workers_of(process)
    process.send_signal(sig)
    try:
        assert process.stderr is not None
        # a caller reading stderr to its end (pre-commit, CI) is not left hanging
        reader = threading.Thread(target=process.stderr.read, daemon=True)
        reader.start()
        reader.join(timeout=20)
        assert not reader.is_alive(), "stderr still open: a worker holds it"
        code = process.wait(timeout=20)
        assert _gone(workers), f"workers left running: {sorted(workers)}"
        assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 143)
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()


@fork_only
@linux_only
def test_a_terminated_run_leaves_a_consistent_cache(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    _slow_vault(vault)
    cache = tmp_path / "cache"
    (vault / "n0001.md").write_text("[[nowhere]]\n", encoding="utf-8")
    first = _start(vault, "--cache-dir", str(cache))
    assert first.wait(timeout=300) == 1
    (vault / "n0002.md").write_text("[[elsewhere]]\n", encoding="utf-8")
    for index in range(3, 2400):  # enough changed notes to be parsed in workers
        (vault / f"n{index:04}.md").write_text(f"edited [[n{index + 1:04}]]\n",
                                               encoding="utf-8")
    process = _start(vault, "--cache-dir", str(cache))
    _workers_of(process)
    process.send_signal(signal.SIGTERM)
    assert process.stderr is not None
    assert b"terminated" in process.stderr.read()
    assert process.wait(timeout=20) == 143
    assert not list(cache.glob("*.tmp")) and not list(cache.glob(".*.tmp"))
    request = RunRequest(paths=[str(vault)], config={}, root=vault, offline=True,
                         select=["links"], cwd=vault)
    cached = run(dataclasses.replace(request, cache_dir=cache))
    fresh = run(dataclasses.replace(request, use_cache=False))
    assert [(f.path, f.span, f.code) for f in cached.findings] == [
        (f.path, f.span, f.code) for f in fresh.findings]
