"""Rule selection, severity overrides and options: one place, every identifier form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

import pytest

from notelint.config import Config, ConfigError, config_from_mapping
from notelint.model import Finding, Note, Severity
from notelint.registry import RuleSet, build_options
from notelint.rule import Rule, RuleContext


@dataclass(frozen=True)
class PetOptions:
    names: tuple[str, ...] = field(default=("rex",), metadata={"help": "names"})
    limit: int = 3
    ratio: float = 0.5
    strict: bool = False
    label: str | None = None
    pairs: dict[str, str] = field(default_factory=dict)
    loose: list[str] = field(default_factory=list)


class _Base(Rule):
    family = "pets"
    summary = "s"
    Options: ClassVar[type] = PetOptions

    def check_note(self, note: Note, ctx: RuleContext) -> Iterable[Finding]:
        return ()


class Dog(_Base):
    code, name = "PT101", "dog-rule"


class Cat(_Base):
    code, name = "PT102", "cat-rule"
    severity = Severity.WARNING


class Bird(_Base):
    code, name, family = "PT201", "bird-rule", "birds"
    Options = Rule.Options


class Slow(_Base):
    code, name = "PT103", "slow-rule"
    enabled_by_default = False


RULES = RuleSet([Dog, Cat, Bird, Slow])


def codes(**kwargs: object) -> list[str]:
    config = kwargs.pop("config", Config())
    return sorted(rule.code for rule in RULES.enabled(config, **kwargs))  # type: ignore[arg-type]


def test_find_by_code_or_name_any_case() -> None:
    assert RULES.find("pt101") is Dog and RULES.find("DOG-RULE") is Dog
    assert RULES.find("PT1") is None


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("PT101", {"PT101"}),
        ("cat-rule", {"PT102"}),
        ("PT1", {"PT101", "PT102", "PT103"}),
        ("pt", {"PT101", "PT102", "PT103", "PT201"}),
        ("pets", {"PT101", "PT102", "PT103"}),
        ("BIRDS", {"PT201"}),
        ("ALL", {"PT101", "PT102", "PT103", "PT201"}),
        ("nothing", set()),
    ],
)
def test_codes_for(identifier: str, expected: set[str]) -> None:
    assert RULES.codes_for(identifier) == expected


def test_defaults_leave_off_rules_off() -> None:
    assert codes() == ["PT101", "PT102", "PT201"]


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        (["PT101"], ["PT101"]),
        (["cat-rule"], ["PT102"]),
        (["PT1"], ["PT101", "PT102"]),  # a prefix does not start off-by-default rules
        (["pets"], ["PT101", "PT102"]),  # nor does a family
        (["PT103"], ["PT103"]),  # naming it does
        (["slow-rule"], ["PT103"]),
        (["ALL"], ["PT101", "PT102", "PT103", "PT201"]),
        ([], []),
    ],
)
def test_select(select: list[str], expected: list[str]) -> None:
    assert codes(select=select) == expected


def test_ignore_and_extend_select() -> None:
    assert codes(ignore=["pets"]) == ["PT201"]
    assert codes(ignore=["dog-rule"], extend_select=["PT103"]) == ["PT102", "PT103", "PT201"]


def test_command_line_select_overrides_config_select_but_config_ignore_still_applies() -> None:
    config = config_from_mapping({"select": ["birds"], "ignore": ["PT102"]})
    assert codes(config=config) == ["PT201"]
    assert codes(config=config, select=["PT1"]) == ["PT101"]
    config = config_from_mapping({"extend-select": ["PT103"]})
    assert codes(config=config) == ["PT101", "PT102", "PT103", "PT201"]


def test_unknown_identifiers_are_errors_naming_the_source() -> None:
    with pytest.raises(ConfigError, match="--select: unknown rule 'PT9'"):
        codes(select=["PT9"])
    with pytest.raises(ConfigError, match="--ignore: unknown rule 'x'"):
        codes(ignore=["x"])
    with pytest.raises(ConfigError, match="the command line: unknown rule 'zzz'"):
        codes(config=config_from_mapping({"ignore": ["zzz"]}))


def test_explicitly_selected() -> None:
    config = config_from_mapping({"extend-select": ["PT201"]})
    assert RULES.explicitly_selected(config, ["pets"]) == {"PT101", "PT102", "PT103", "PT201"}
    assert RULES.explicitly_selected(Config(), None) == set()


def test_severity_overrides() -> None:
    config = config_from_mapping({"severity": {"pets": "info", "PT201": "warning"}})
    assert RULES.severities(config) == {
        "PT101": Severity.INFO, "PT102": Severity.INFO, "PT103": Severity.INFO,
        "PT201": Severity.WARNING,
    }
    assert RULES.severities(Config())["PT102"] is Severity.WARNING


def test_options_built_per_rule_from_the_family_table() -> None:
    config = config_from_mapping({"pets": {
        "names": ["a", "b"], "limit": 5, "ratio": 1, "strict": True, "label": "x",
        "pairs": {"a": "b"}, "loose": ["z"],
    }})
    built = RULES.options(config)
    dog = built["PT101"]
    assert dog == PetOptions(names=("a", "b"), limit=5, ratio=1.0, strict=True, label="x",
                             pairs={"a": "b"}, loose=["z"])
    assert isinstance(dog.ratio, float)
    assert built["PT102"] == dog and built["PT102"] is not dog
    assert built["PT201"] == Rule.Options()


def test_options_default_when_the_table_is_absent() -> None:
    assert RULES.options(Config())["PT101"] == PetOptions()


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"names": "a"}, "'pets.names' must be a list"),
        ({"names": [1]}, "'pets.names' must be a string"),
        ({"limit": "3"}, "'pets.limit' must be a whole number"),
        ({"limit": True}, "'pets.limit' must be a whole number"),
        ({"ratio": "x"}, "'pets.ratio' must be a float"),
        ({"strict": 1}, "'pets.strict' must be true or false"),
        ({"label": 3}, "'pets.label' has the wrong type"),
        ({"pairs": []}, "'pets.pairs' must be a table"),
        (
            {"nmes": []},
            "unknown key 'pets.nmes'; did you mean 'names'? (the pets rules accept: label, ",
        ),
    ],
)
def test_option_errors(table: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError) as info:
        RULES.options(config_from_mapping({"pets": table}))
    assert words in str(info.value)


def test_unknown_family_table() -> None:
    with pytest.raises(ConfigError, match=r"unknown key or table 'fish'.*birds, pets"):
        RULES.options(config_from_mapping({"fish": {}}))


def test_family_without_options_rejects_any_key() -> None:
    with pytest.raises(ConfigError, match="the birds rules accept: none"):
        RULES.options(config_from_mapping({"birds": {"x": 1}}))


def test_build_options_for_a_rule_without_options() -> None:
    assert build_options(Bird, {}, "here") == Rule.Options()
