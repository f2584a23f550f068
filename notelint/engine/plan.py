"""Plan stage: everything decided before a file is read.

``RunRequest`` -> :class:`Plan`: the configuration, the plugins and their rules, which
rules run with which options and severities, the per-file ignores and the baseline, the
vault root, the parser and the per-note analyser. A long-lived caller (the language
server) plans once and then indexes and checks many times.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from notelint.analyse import Analyser, default_jobs
from notelint.baseline import Baseline, BaselineError, load_baseline
from notelint.cache import FileStamp, code_digest
from notelint.config import Config, ConfigError, config_from_mapping, find_config, load_config
from notelint.engine.display import DisplayPaths
from notelint.engine.policy import PerFileIgnores
from notelint.engine.request import RunRequest, UsageError
from notelint.model import Severity
from notelint.parse import build_markdown
from notelint.plugins import BUILTIN_PACK, Plugins, load_plugins
from notelint.registry import RuleSet
from notelint.roots import find_root
from notelint.rule import NoteContext, Rule


@dataclass(frozen=True)
class Plan:
    """The settings of one run, fixed before any note is read."""

    request: RunRequest
    cwd: Path
    config: Config
    plugins: Plugins
    rules: RuleSet
    enabled: tuple[type[Rule], ...]  # the rules that run, in code order
    options: Mapping[str, Any]  # rule code -> its options
    severities: Mapping[str, Severity]  # rule code -> configured severity
    ignores: PerFileIgnores
    root: Path
    baseline: Baseline | None
    today: date
    explicit: frozenset[str]  # codes the user named: they may fail the run
    jobs: int
    cache_dir: Path
    paths: DisplayPaths
    analyser: Analyser  # the parser and the per-note rules
    messages: tuple[str, ...]  # what planning had to say (plugin problems)


@dataclass(frozen=True)
class Refusal:
    """Planning stopped: the error to show and what was said before it."""

    error: ConfigError | UsageError
    messages: tuple[str, ...]


def make_plan(request: RunRequest) -> Plan:
    """The plan of ``request``; raises ``ConfigError`` or ``UsageError``."""
    planned = plan_or_refuse(request)
    if isinstance(planned, Refusal):
        raise planned.error
    return planned


def plan_or_refuse(request: RunRequest) -> Plan | Refusal:
    """The plan of ``request``, or why there is none (with the messages said so far)."""
    said: list[str] = []
    try:
        return _plan(request, said)
    except (ConfigError, UsageError) as exc:
        return Refusal(exc, tuple(said))


def _plan(request: RunRequest, said: list[str]) -> Plan:
    cwd = (request.cwd or Path.cwd()).resolve()
    config = _load_config(request, cwd)
    plugins = load_plugins(
        entry_point_plugins=request.entry_point_plugins, extra=request.extra_plugins
    )
    if plugins.builtin_missing is not None:
        # checking nothing and saying "No problems found" would pass every CI run
        raise UsageError(
            f"notelint's own rules ({BUILTIN_PACK}) failed to load: "
            f"{plugins.builtin_missing}; this notelint is not installed whole: reinstall "
            "it (`pip install .` in a checkout of notelint)"
        )
    rules = RuleSet(plugins.rules())
    said.extend(f"notelint: {p}" for p in plugins.problems)
    enabled = tuple(rules.enabled(
        config, select=request.select, extend_select=request.extend_select,
        ignore=request.ignore,
    ))
    options = rules.options(config)
    severities = rules.severities(config)
    ignores = PerFileIgnores(config, rules)
    root = _find_root(request, config, cwd)
    baseline = _load_baseline(request, config, cwd)
    markdown = build_markdown(lambda md: notify(plugins, said, "notelint_configure_markdown",
                                                md=md))
    notify(plugins, said, "notelint_configure", config=config)
    today = request.today or date.today()
    explicit = frozenset(rules.explicitly_selected(config, request.select))
    paths = DisplayPaths(root, cwd)
    per_note = [cls for cls in enabled if cls.is_note_rule() or cls.is_collecting_rule()]
    analyser = _analyser(markdown, root, config, paths, per_note, options, today, request,
                         explicit)
    return Plan(
        request=request, cwd=cwd, config=config, plugins=plugins, rules=rules,
        enabled=enabled, options=options, severities=severities, ignores=ignores, root=root,
        baseline=baseline, today=today, explicit=explicit,
        jobs=request.jobs or default_jobs(), cache_dir=_cache_dir(request, config, root),
        paths=paths, analyser=analyser, messages=tuple(said),
    )


def _analyser(
    markdown: MarkdownIt,
    root: Path,
    config: Config,
    paths: DisplayPaths,
    per_note: Sequence[type[Rule]],
    options: Mapping[str, Any],
    today: date,
    request: RunRequest,
    explicit: frozenset[str],
) -> Analyser:
    return Analyser(
        markdown=markdown,
        root=root,
        display_rel=paths.display_rel,
        max_file_size=config.max_file_size,
        rules=[cls(options[cls.code]) for cls in per_note],
        ctx=NoteContext(
            root=root, today=today, offline=request.offline, explicitly_selected=explicit
        ),
        rules_key=_rules_key(per_note, options, today),
    )


def notify(plugins: Plugins, said: list[str], hook_name: str, **kwargs: Any) -> None:
    """Call a hook plugin by plugin; one that raises is reported, not a traceback."""
    for problem in plugins.call_each(hook_name, **kwargs):
        said.append(f"notelint: {problem}")


def rule_identity(cls: type[Rule], options: Mapping[str, Any]) -> str:
    """A rule as installed (code, module, the module file's stamp) with its options."""
    module = sys.modules.get(cls.__module__)
    source = getattr(module, "__file__", None)
    stamp = FileStamp.of(Path(source)) if source else None
    return f"{cls.code}|{cls.__module__}|{stamp}|{options[cls.code]!r}"


def _rules_key(rules: Sequence[type[Rule]], options: Mapping[str, Any], today: date) -> str:
    """What cached per-note results depend on besides the note: notelint's code as
    installed (``code_digest``), the rules and options, and today's date for rules that
    read it."""
    parts = [code_digest(), *(rule_identity(cls, options) for cls in rules)]
    if any(cls.uses_today for cls in rules):
        parts.append(today.isoformat())
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def first_path(request: RunRequest, cwd: Path) -> Path:
    """The first path the user gave (or the stdin file name), absolute."""
    given = request.stdin_filename or (request.paths or ["."])[0]
    path = Path(given)
    return path if path.is_absolute() else cwd / path


def _load_config(request: RunRequest, cwd: Path) -> Config:
    if request.config is not None:
        return config_from_mapping(request.config, path=None, defer_unknown=True)
    path = request.config_file
    if path is None:
        # an unsaved note may sit in a folder that does not exist yet: start from the
        # nearest folder that does
        first = first_path(request, cwd)
        existing = next((p for p in (first, *first.parents) if p.exists()), None)
        path = find_config(existing) if existing is not None else None
    elif not path.is_file():
        raise UsageError(f"configuration file {path} does not exist")
    return load_config(path, defer_unknown=True) if path is not None else Config()


def _load_baseline(request: RunRequest, config: Config, cwd: Path) -> Baseline | None:
    if not request.use_baseline:
        return None
    path = request.baseline or config.baseline
    if path is None:
        return None
    path = path if path.is_absolute() else cwd / path
    try:
        return load_baseline(path)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None


def _find_root(request: RunRequest, config: Config, cwd: Path) -> Path:
    """``--root``, else the configured root, else found from the first path by the one
    rule of :mod:`notelint.roots` (so a file and its folder get the same root).

    Never the working directory as such: a stray ``notelint check ~/x.md`` must not
    index a whole home folder.
    """
    if request.root is not None:
        root = request.root
    elif config.root is not None:
        root = config.root
    else:
        root = find_root(first_path(request, cwd), config.path)
    root = root if root.is_absolute() else cwd / root
    if not root.is_dir():
        raise UsageError(f"vault root {root} is not a folder")
    return root.resolve()


def _cache_dir(request: RunRequest, config: Config, root: Path) -> Path:
    """``--cache-dir``; else ``cache-dir`` beside the configuration file, else in the root."""
    if request.cache_dir is not None:
        return request.cache_dir
    base = config.path.parent if config.path else root
    return base / config.cache_dir
