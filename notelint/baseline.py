"""Baselines: adopt notelint on a vault with history, then hold the line.

A garden of thousands of notes has thousands of findings on its first run; nobody fixes
those before adding a hook. ``notelint baseline`` writes today's findings to a file and
``check --baseline FILE`` (or the configuration's ``baseline``) reports only findings
that are not in it.

Entries match a finding by its note (root-relative, so the working directory does not
matter), its rule and its subject — the link target, the word, the tag, the URL — never
by line: an edit elsewhere in the note keeps the entry matched. A rule that sets no
subject is matched by its message with the numbers taken out (numbers are usually
positions or counts that shift). Entries are counted: two identical entries hide two
findings, and a third one like them is new.

The file is data only (JSON, validated on load), sorted, one entry per line, with no
version or date in it, so rewriting it after fixes gives a diff of exactly the entries
that went away.

Engine stage: policy (the baseline hides known findings).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notelint.fix import write_atomically
from notelint.model import Finding

BASELINE_FILE = "notelint-baseline.json"
FORMAT_VERSION = 1
_NUMBER = re.compile(r"\d+")

Key = tuple[str, str, str]  # (root-relative path, rule code, subject)


class BaselineError(Exception):
    """The baseline file cannot be read or is not a notelint baseline."""


def subject_of(finding: Finding) -> str:
    """What a baseline entry matches besides path and rule: the finding's own subject,
    else its message with every number replaced by ``#``."""
    if finding.subject is not None:
        return finding.subject
    return _NUMBER.sub("#", finding.message)


def key_of(rel: str, finding: Finding) -> Key:
    return (rel, finding.code, subject_of(finding))


@dataclass(frozen=True)
class Baseline:
    """Counted entries: how many findings of each (path, rule, subject) are known."""

    path: Path
    entries: Mapping[Key, int]
    rules: Mapping[Key, str]  # the rule name of each entry, kept for readers of the file

    def filter(
        self, findings: Iterable[tuple[str, Finding]]
    ) -> tuple[list[Finding], int]:
        """The findings (given with their root-relative paths, in report order) the
        baseline does not hold, and how many it hid."""
        left = Counter(self.entries)
        kept: list[Finding] = []
        hidden = 0
        for rel, finding in findings:
            key = key_of(rel, finding)
            if left[key] > 0:
                left[key] -= 1
                hidden += 1
            else:
                kept.append(finding)
        return kept, hidden


def load_baseline(path: Path) -> Baseline:
    """Read and validate ``path``; raises ``BaselineError`` saying what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(
            f"baseline {path} does not exist; write it with 'notelint baseline'"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read the baseline {path}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"{path}:{exc.lineno}:{exc.colno}: the baseline is not valid JSON ({exc.msg}); "
            "rewrite it with 'notelint baseline'"
        ) from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise BaselineError(
            f"{path}: not a notelint baseline (version {FORMAT_VERSION} expected); "
            "rewrite it with 'notelint baseline'"
        )
    raw = data.get("findings")
    if not isinstance(raw, list):
        raise BaselineError(f"{path}: 'findings' must be a list")
    entries: Counter[Key] = Counter()
    rules: dict[Key, str] = {}
    for index, item in enumerate(raw, start=1):
        key, rule, count = _entry(item, path, index)
        entries[key] += count
        rules[key] = rule
    return Baseline(path, dict(entries), rules)


def _entry(item: Any, path: Path, index: int) -> tuple[Key, str, int]:
    where = f"{path}: entry {index}"
    if not isinstance(item, dict):
        raise BaselineError(f"{where} must be an object")
    fields = {}
    for name in ("path", "code", "subject"):
        value = item.get(name)
        if not isinstance(value, str):
            raise BaselineError(f"{where}: '{name}' must be a string")
        fields[name] = value
    count = item.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BaselineError(f"{where}: 'count' must be a whole number of at least 1")
    rule = item.get("rule", "")
    return (fields["path"], fields["code"], fields["subject"]), str(rule), count


def build_entries(
    findings: Iterable[tuple[str, Finding]],
    *,
    previous: Baseline | None = None,
    keep_paths: Iterable[str] = (),
) -> tuple[dict[Key, int], dict[Key, str]]:
    """Entries for ``findings`` (with root-relative paths); entries of ``previous`` whose
    path is in ``keep_paths`` (notes this run did not check, which still exist) stay."""
    entries: Counter[Key] = Counter()
    rules: dict[Key, str] = {}
    for rel, finding in findings:
        key = key_of(rel, finding)
        entries[key] += 1
        rules[key] = finding.rule
    if previous is not None:
        keep = set(keep_paths)
        for key, count in previous.entries.items():
            if key[0] in keep:
                entries[key] += count
                rules.setdefault(key, previous.rules.get(key, ""))
    return dict(entries), rules


def render(entries: Mapping[Key, int], rules: Mapping[Key, str]) -> str:
    """The file's text: sorted, one entry per line, stable across runs."""
    lines = [
        json.dumps(
            {"path": path, "code": code, "rule": rules.get((path, code, subject), ""),
             "subject": subject, "count": count},
            ensure_ascii=False,
        )
        for (path, code, subject), count in sorted(entries.items())
    ]
    body = ",\n    ".join(lines)
    findings = f"[\n    {body}\n  ]" if lines else "[]"
    return f'{{\n  "version": {FORMAT_VERSION},\n  "findings": {findings}\n}}\n'


def write_text_atomically(path: Path, text: str) -> None:
    """Write atomically: a temporary sibling renamed over the file (a crash leaves the
    old file or the new one, never half of one). The temporary file is named as every
    notelint write names them (``fix.TEMP_NAME``), so one left by a killed run is
    recognised and removed by a later run, and the file keeps its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text.encode("utf-8"))


write_baseline = write_text_atomically
