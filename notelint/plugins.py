"""The plugin manager: engine built-ins, then every pack in the ``notelint`` entry points.

The built-in rules come through the entry points like any third-party pack; a pack that
fails to import, or whose hook raises, is reported once and skipped, so one broken
plugin never stops the others.

Engine stage: plan (plugins are loaded once, before a file is read).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy

from notelint import PROJECT_NAME, hookspecs, reporters, syntax
from notelint.model import Severity
from notelint.rule import Rule

ENTRY_POINT_GROUP = PROJECT_NAME

#: The module of notelint's own rule pack (registered through the same entry point a
#: third-party pack uses): without it notelint checks nothing, so it must not be skipped.
BUILTIN_PACK = "notelint_rules"


@dataclass
class Plugins:
    """The loaded plugin manager, plus what went wrong while loading it."""

    manager: pluggy.PluginManager
    problems: list[str] = field(default_factory=list)
    builtin_missing: str | None = None  # why notelint's own rule pack failed to load

    def rules(self) -> list[type[Rule]]:
        """Every rule class, in registration order; broken or duplicate ones reported."""
        found: dict[str, type[Rule]] = {}
        for plugin_name, result in self._call_each("notelint_add_rules"):
            for rule in result or ():
                problem = _rule_problem(rule)
                if problem:
                    self.problems.append(f"plugin {plugin_name!r}: {problem}; rule skipped")
                elif rule.code in found and found[rule.code] is not rule:
                    self.problems.append(
                        f"plugin {plugin_name!r}: rule code {rule.code} is already used by "
                        f"{found[rule.code].__module__}.{found[rule.code].__name__}; skipped"
                    )
                else:
                    found[rule.code] = rule
        return sorted(found.values(), key=lambda rule: rule.code)

    def reporters(self) -> dict[str, type[reporters.Reporter]]:
        found: dict[str, type[reporters.Reporter]] = {}
        for _, result in self._call_each("notelint_add_reporters"):
            if isinstance(result, Mapping):
                found.update(result)
        return found

    def call_each(self, hook_name: str, **kwargs: Any) -> list[str]:
        """Call a notification hook plugin by plugin; returns the failures it met.

        One plugin raising in ``notelint_configure_markdown``, ``notelint_configure`` or
        ``notelint_session_finish`` is reported and skipped, as a broken pack is.
        """
        before = len(self.problems)
        for _ in self._call_each(hook_name, **kwargs):
            pass
        return self.problems[before:]

    def _call_each(self, hook_name: str, **kwargs: Any) -> Iterable[tuple[str, Any]]:
        """Call each implementation on its own, so one failure stays one plugin's."""
        caller = getattr(self.manager.hook, hook_name)
        for impl in caller.get_hookimpls():
            name = self.manager.get_name(impl.plugin) or repr(impl.plugin)
            try:
                yield name, impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            except Exception as exc:  # a plugin's bug must not stop the run
                self.problems.append(
                    f"plugin {name!r} failed in {hook_name}: {type(exc).__name__}: {exc}"
                )


def _rule_problem(rule: Any) -> str | None:
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        return f"{rule!r} is not a notelint.rule.Rule subclass"
    for attribute in ("code", "name", "summary", "family"):
        if not isinstance(getattr(rule, attribute, None), str):
            return f"rule {rule.__name__} has no '{attribute}'"
    if not isinstance(rule.severity, Severity):
        return f"rule {rule.code} has a severity that is not a notelint Severity"
    if not dataclasses.is_dataclass(rule.Options):
        return f"rule {rule.code}'s Options is not a dataclass"
    return None


def load_plugins(
    *, entry_point_plugins: bool = True, extra: Iterable[ModuleType | object] = ()
) -> Plugins:
    """A plugin manager holding the engine built-ins, entry-point packs and ``extra``."""
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    manager.register(syntax, "notelint.syntax")
    manager.register(reporters, "notelint.reporters")
    plugins = Plugins(manager)
    if entry_point_plugins:
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            if manager.has_plugin(entry_point.name):
                continue
            try:
                module = entry_point.load()
                manager.register(module, entry_point.name)
            except Exception as exc:  # an uninstallable pack is reported, not fatal
                why = f"{type(exc).__name__}: {exc}"
                if entry_point.value == BUILTIN_PACK:
                    plugins.builtin_missing = why
                plugins.problems.append(
                    f"plugin {entry_point.name!r} ({entry_point.value}) failed to load: "
                    f"{why}; skipped"
                )
    for plugin in extra:
        manager.register(plugin)
    return plugins
