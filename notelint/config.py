"""Configuration: found by walking up, read from TOML, validated strictly.

``[tool.notelint]`` in ``pyproject.toml``, or the whole of ``notelint.toml`` /
``.notelint.toml``. Unknown keys are errors naming the key and the file, because a typo
that silently does nothing is the worst kind of configuration bug. Family tables
(``links``, ``dates`` ...) are checked later against the options the loaded rules declare.

Engine stage: plan (the configuration is read once, before any note).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notelint.model import Severity

CONFIG_FILES = ("notelint.toml", ".notelint.toml", "pyproject.toml")
DEFAULT_INCLUDE = ("*.md", "*.markdown")
DEFAULT_CACHE_DIR = ".notelint-cache"
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024

TOP_LEVEL_KEYS = {
    "root": "folder of the vault, relative to the config file",
    "include": "globs of files read as notes",
    "exclude": "globs of files and folders to leave out",
    "respect-gitignore": "skip what .gitignore ignores",
    "follow-symlinks-outside": "follow symlinks whose target lies outside the root",
    "select": "rule codes, names, code prefixes or families to run",
    "extend-select": "rules to run on top of the defaults",
    "ignore": "rules not to run",
    "per-file-ignores": "glob -> rules ignored in matching files",
    "fail-on": "lowest severity that makes the exit code 1",
    "severity": "rule -> severity override",
    "max-file-size": "notes larger than this many bytes are reported, not parsed",
    "cache-dir": "folder for notelint's caches, relative to the root",
    "baseline": "file of known findings not to report (written by 'notelint baseline')",
}


class ConfigError(Exception):
    """A configuration problem; the CLI prints it and exits with status 2."""


@dataclass(frozen=True)
class Config:
    """The validated top-level settings, and the raw family tables."""

    path: Path | None = None
    root: Path | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    follow_symlinks_outside: bool = False
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    severity: Mapping[str, Severity] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    cache_dir: str = DEFAULT_CACHE_DIR
    baseline: Path | None = None
    # unknown top-level keys, reported together with the unknown family keys once the
    # rules are loaded (``defer_unknown``): one run shows every typo, not the first
    unknown: tuple[str, ...] = ()
    families: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """How messages name this configuration's file."""
        return str(self.path) if self.path else "the command line"


def find_config(start: Path) -> Path | None:
    """The nearest config file in ``start`` (a folder or a file's folder) or above it."""
    folder = start if start.is_dir() else start.parent
    for candidate_dir in (folder.resolve(), *folder.resolve().parents):
        for name in CONFIG_FILES:
            candidate = candidate_dir / name
            if candidate.is_file() and holds_notelint_config(candidate):
                return candidate
    return None


def holds_notelint_config(path: Path) -> bool:
    """A notelint.toml always; a pyproject.toml only with a [tool.notelint] table."""
    if path.name != "pyproject.toml":
        return True
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return "notelint" in data.get("tool", {})


def load_config(path: Path, *, defer_unknown: bool = False) -> Config:
    """Read and validate ``path``; raises ``ConfigError`` naming the file and key.

    ``defer_unknown`` keeps unknown keys in ``Config.unknown`` instead of raising, for a
    caller that reports them with the unknown family keys.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the configuration is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("notelint", {})
        prefix = "tool.notelint."
    else:
        table, prefix = data, ""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: '{prefix.rstrip('.')}' must be a table")
    return config_from_mapping(table, path=path, prefix=prefix, defer_unknown=defer_unknown)


def config_from_mapping(
    table: Mapping[str, Any],
    *,
    path: Path | None = None,
    prefix: str = "",
    defer_unknown: bool = False,
) -> Config:
    """Validate a configuration table (as TOML would give it) into a ``Config``."""
    where = str(path) if path else "configuration"
    values: dict[str, Any] = {}
    families: dict[str, Mapping[str, Any]] = {}
    unknown: list[str] = []
    for key, value in table.items():
        if isinstance(value, dict) and key not in ("per-file-ignores", "severity"):
            families[key] = value
            continue
        if key not in TOP_LEVEL_KEYS:
            unknown.append(
                f"{where}: unknown key '{prefix}{key}'{did_you_mean(key, TOP_LEVEL_KEYS)}"
            )
            continue
        values[key] = value
    if unknown:
        unknown[-1] += f" (known keys: {', '.join(sorted(TOP_LEVEL_KEYS))})"
        if not defer_unknown:
            raise ConfigError("\n".join(unknown))
    base = path.parent if path else Path.cwd()
    return Config(
        path=path,
        root=(base / _string(values, "root", where, prefix)) if "root" in values else None,
        include=_strings(values, "include", where, prefix) or DEFAULT_INCLUDE,
        exclude=_strings(values, "exclude", where, prefix) or (),
        respect_gitignore=_bool(values, "respect-gitignore", where, prefix, default=True),
        follow_symlinks_outside=_bool(
            values, "follow-symlinks-outside", where, prefix, default=False
        ),
        select=_strings(values, "select", where, prefix),
        extend_select=_strings(values, "extend-select", where, prefix) or (),
        ignore=_strings(values, "ignore", where, prefix) or (),
        per_file_ignores=_per_file_ignores(values, where, prefix),
        fail_on=_severity(values.get("fail-on", "error"), f"{prefix}fail-on", where),
        severity={
            rule: _severity(level, f"{prefix}severity.{rule}", where)
            for rule, level in _table(values, "severity", where, prefix).items()
        },
        max_file_size=_int(values, "max-file-size", where, prefix, DEFAULT_MAX_FILE_SIZE),
        cache_dir=(
            _string(values, "cache-dir", where, prefix)
            if "cache-dir" in values
            else DEFAULT_CACHE_DIR
        ),
        baseline=(
            base / _string(values, "baseline", where, prefix) if "baseline" in values else None
        ),
        unknown=tuple(unknown),
        families=families,
    )


def _type_error(where: str, key: str, expected: str, value: Any) -> ConfigError:
    return ConfigError(f"{where}: '{key}' must be {expected}, not {value!r}")


def _string(values: Mapping[str, Any], key: str, where: str, prefix: str) -> str:
    value = values[key]
    if not isinstance(value, str):
        raise _type_error(where, prefix + key, "a string", value)
    return value


def _strings(
    values: Mapping[str, Any], key: str, where: str, prefix: str
) -> tuple[str, ...] | None:
    if key not in values:
        return None
    value = values[key]
    if isinstance(value, str):
        value = [part for part in value.replace(",", " ").split() if part]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _type_error(where, prefix + key, "a list of strings", value)
    return tuple(value)


def _bool(
    values: Mapping[str, Any], key: str, where: str, prefix: str, *, default: bool
) -> bool:
    value = values.get(key, default)
    if not isinstance(value, bool):
        raise _type_error(where, prefix + key, "true or false", value)
    return value


def _int(values: Mapping[str, Any], key: str, where: str, prefix: str, default: int) -> int:
    value = values.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _type_error(where, prefix + key, "a positive whole number", value)
    return value


def _table(values: Mapping[str, Any], key: str, where: str, prefix: str) -> Mapping[str, Any]:
    value = values.get(key, {})
    if not isinstance(value, dict):
        raise _type_error(where, prefix + key, "a table", value)
    return value


def _severity(value: Any, key: str, where: str) -> Severity:
    if not isinstance(value, str):
        raise _type_error(where, key, "'error', 'warning' or 'info'", value)
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: '{key}': {exc}") from None


def _per_file_ignores(
    values: Mapping[str, Any], where: str, prefix: str
) -> dict[str, tuple[str, ...]]:
    table = _table(values, "per-file-ignores", where, prefix)
    result: dict[str, tuple[str, ...]] = {}
    for glob, rules in table.items():
        parsed = _strings({glob: rules}, glob, where, f"{prefix}per-file-ignores.")
        result[glob] = parsed or ()
    return result


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'select'?"`` for a near miss, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


def split_rule_list(value: str | Sequence[str]) -> tuple[str, ...]:
    """``"NL101,NL102 spelling"`` -> ``("NL101", "NL102", "spelling")``."""
    items = [value] if isinstance(value, str) else list(value)
    return tuple(part for item in items for part in item.replace(",", " ").split() if part)
