"""Which rules run, with which options and severity: selection in one place.

``select``/``ignore`` accept a code (``NL101``), a name (``broken-wikilink``), a code prefix
(``NL1``), a family (``links``) or ``ALL``. A rule that is off by default runs only when
named by code or name (or ``ALL``), so ``select = ["NL4"]`` never starts redirect checks
by surprise.

Engine stage: plan (rule selection, options and severities).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from notelint.config import Config, ConfigError, did_you_mean
from notelint.model import Severity
from notelint.rule import Rule, option_key


class RuleSet:
    """The rules plugins registered, and lookups by any of their identifiers."""

    def __init__(self, rules: Sequence[type[Rule]]) -> None:
        self.rules = list(rules)
        self.by_code = {rule.code: rule for rule in rules}
        self.by_name = {rule.name: rule for rule in rules}
        self.families = {rule.family for rule in rules}

    def find(self, identifier: str) -> type[Rule] | None:
        """The rule with this exact code or name."""
        return self.by_code.get(identifier.upper()) or self.by_name.get(identifier.lower())

    def did_you_mean(self, identifier: str) -> str:
        """``"; did you mean 'broken-wikilink'?"`` for a near miss of a name, code or family."""
        if re.fullmatch(r"[A-Za-z]+[0-9]+", identifier):
            return did_you_mean(identifier.upper(), self.by_code)
        return did_you_mean(identifier.lower(), [*self.by_name, *self.families])

    def codes_for(self, identifier: str, *, explicit_only: bool = False) -> set[str]:
        """Codes an identifier stands for; empty when it matches nothing."""
        rule = self.find(identifier)
        if rule is not None:
            return {rule.code}
        if identifier.upper() == "ALL":
            return set(self.by_code)
        matches = {
            rule.code
            for rule in self.rules
            if rule.family == identifier.lower() or rule.code.startswith(identifier.upper())
        }
        if explicit_only:
            return {code for code in matches if self.by_code[code].enabled_by_default}
        return matches

    def expand(self, identifiers: Iterable[str], source: str) -> set[str]:
        """Codes for all identifiers; an unknown one is a configuration error."""
        codes: set[str] = set()
        for identifier in identifiers:
            found = self.codes_for(identifier)
            if not found:
                raise ConfigError(
                    f"{source}: unknown rule {identifier!r}{self.did_you_mean(identifier)} "
                    "(see 'notelint rules' for codes and names)"
                )
            codes |= self._enabling(identifier, found)
        return codes

    def _enabling(self, identifier: str, found: set[str]) -> set[str]:
        """Prefixes and families enable default-off rules only when named outright."""
        if self.find(identifier) is not None or identifier.upper() == "ALL":
            return found
        return {code for code in found if self.by_code[code].enabled_by_default}

    def enabled(
        self,
        config: Config,
        *,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
    ) -> list[type[Rule]]:
        """The rules to run: command line over configuration over defaults."""
        chosen_select = select if select is not None else config.select
        if chosen_select is None:
            codes = {rule.code for rule in self.rules if rule.enabled_by_default}
        else:
            codes = self.expand(chosen_select, _source(select, config))
        codes |= self.expand(config.extend_select, config.source)
        codes |= self.expand(extend_select, "--extend-select")
        codes -= self.expand(config.ignore, config.source)
        codes -= self.expand(ignore, "--ignore")
        return [rule for rule in self.rules if rule.code in codes]

    def explicitly_selected(self, config: Config, select: Sequence[str] | None) -> set[str]:
        """Codes the user named (by code, name or family), for 'fail hard' decisions."""
        chosen = select if select is not None else config.select
        named = [*(chosen or ()), *config.extend_select]
        return {code for identifier in named for code in self.codes_for(identifier)}

    def severities(self, config: Config) -> dict[str, Severity]:
        """Each rule's severity after ``severity`` overrides in the configuration."""
        result = {rule.code: rule.severity for rule in self.rules}
        for identifier, level in config.severity.items():
            self.expand([identifier], f"{config.source}: severity")  # unknown -> error
            # every rule of a family or prefix, also those off by default: enabling one
            # later (extend-select) must not bring back its default severity
            for code in self.codes_for(identifier):
                result[code] = level
        return result

    def options(self, config: Config) -> dict[str, Any]:
        """Each rule's ``Options`` built from its family table; unknown keys rejected."""
        self._reject_unknown(config)
        built: dict[str, Any] = {}
        for rule in self.rules:
            table = config.families.get(rule.family, {})
            built[rule.code] = build_options(rule, table, config.source)
        return built

    def _reject_unknown(self, config: Config) -> None:
        """Every unknown key of the configuration at once, top-level and family ones."""
        problems = list(config.unknown)
        for family, table in config.families.items():
            if family not in self.families:
                known = ", ".join(sorted(self.families))
                problems.append(
                    f"{config.source}: unknown key or table '{family}'"
                    f"{did_you_mean(family, self.families)} (rule families: {known})"
                )
                continue
            accepted = {
                option_key(fld.name)
                for rule in self.rules
                if rule.family == family
                for fld in rule.option_fields()
            }
            for key in table:
                if key not in accepted:
                    choices = ", ".join(sorted(accepted)) or "none"
                    problems.append(
                        f"{config.source}: unknown key '{family}.{key}'"
                        f"{did_you_mean(key, accepted)} (the {family} rules accept: {choices})"
                    )
        if problems:
            raise ConfigError("\n".join(problems))


def build_options(rule: type[Rule], table: Mapping[str, Any], source: str) -> Any:
    """``rule.Options`` from the keys of ``table`` it declares, type-checked."""
    if not rule.option_fields():
        return rule.Options()
    hints = typing.get_type_hints(rule.Options)
    kwargs: dict[str, Any] = {}
    for fld in rule.option_fields():
        key = option_key(fld.name)
        if key in table:
            kwargs[fld.name] = _coerce(
                table[key], hints.get(fld.name, Any), f"{source}: '{rule.family}.{key}'"
            )
    try:
        return rule.Options(**kwargs)
    except (TypeError, ValueError) as exc:  # an Options __post_init__ rejecting a value
        raise ConfigError(f"{source}: [{rule.family}] {exc}") from None
    except ConfigError as exc:  # the same, said by the rule: name the file
        message = str(exc)
        raise ConfigError(
            message if message.startswith(source) else f"{source}: {message}"
        ) from None


def _coerce(value: Any, hint: Any, where: str) -> Any:
    """Check ``value`` against a simple annotation; lists become tuples when asked."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        for option in args:
            try:
                return _coerce(value, option, where)
            except ConfigError:
                continue
        raise ConfigError(f"{where} has the wrong type: {value!r}")
    if hint is type(None):
        if value is None:
            return None
        raise ConfigError(f"{where} must be empty")
    if origin in (list, tuple, Sequence, typing.Sequence):
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ConfigError(f"{where} must be a list, not {value!r}")
        item_hint = args[0] if args else Any
        items = [_coerce(item, item_hint, where) for item in value]
        return tuple(items) if origin is not list else items
    if origin in (dict, Mapping, typing.Mapping):
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must be a table, not {value!r}")
        return dict(value)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where} must be a whole number, not {value!r}")
    if isinstance(hint, type) and not isinstance(value, hint):
        raise ConfigError(f"{where} must be {_describe(hint)}, not {value!r}")
    return value


def _describe(hint: type) -> str:
    return {str: "a string", bool: "true or false", int: "a whole number"}.get(
        hint, f"a {hint.__name__}"
    )


def _source(select: Sequence[str] | None, config: Config) -> str:
    return "--select" if select is not None else config.source
