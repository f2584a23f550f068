"""The base class every rule derives from, and what a rule is handed when it runs.

A rule is a class with a documented ``code`` and ``name``; the engine instantiates it
with its options and calls ``check_note`` once per reported note, or ``check_vault`` once
per run. A rule yields ``Finding``s built with ``self.finding`` and never prints.

Per-note work (``check_note``, ``collect_note``) sees one note and no vault: it runs where
the note is parsed, possibly in another process, and its results are cached with the
note, so a note that did not change is neither parsed nor checked again. Whatever needs
other notes belongs in ``check_vault``, which runs once on the merged index.

Engine stage: check (what a rule is and what it is given).
"""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from notelint.model import Finding, Fix, Note, Severity, Span

if TYPE_CHECKING:
    from notelint.discover import FileProblem
    from notelint.vault import Vault


@dataclass(frozen=True, kw_only=True)
class NoteContext:
    """What checking one note may rely on besides the note: the run's settings only.

    Deliberately no vault: notes are checked in worker processes before the index
    exists, and a per-note result is cached against the note's content alone.
    """

    root: Path
    today: date
    offline: bool = False
    explicitly_selected: frozenset[str] = frozenset()  # codes named by select/--select


@dataclass(frozen=True, kw_only=True)
class RuleContext(NoteContext):
    """What a vault rule knows: the vault index, the run's settings, and what
    ``collect_note`` gathered from each reported note (see ``collected_by``)."""

    vault: Vault
    cache_dir: Path | None = None
    use_cache: bool = True
    jobs: int = 1
    stderr_is_tty: bool = False
    file_problems: tuple[FileProblem, ...] = ()  # files that could not be read as notes
    warn: Callable[[str], None] = field(default=lambda message: None, repr=False)
    """Tell the user something about the run itself (a corrupt cache, say) on stderr."""
    collected: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    """Rule code -> reported note's ``rel`` -> what the rule's ``collect_note`` returned."""
    options: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """Rule code -> that rule's options, for every loaded rule: a family resolving links
    (the graph rules) reads the ``links`` settings so it resolves exactly as they do."""
    display_rel: Callable[[str], str] = field(default=lambda rel: rel, repr=False)
    """The path users see for root-relative ``rel``: for findings in files that are not
    notes (an unused attachment), which ``Rule.finding`` cannot place."""
    tool_files: frozenset[str] = frozenset()
    """Root-relative paths of files notelint itself reads (its configuration, baseline,
    word lists, the publisher's settings): they serve the tooling, not the notes."""

    def collected_by(self, rule: Rule) -> Mapping[str, Any]:
        """What ``rule.collect_note`` returned for each reported note, by ``rel``."""
        return self.collected.get(rule.code, {})


class RuleError(Exception):
    """A rule cannot run at all (a missing tool, say); the engine reports it once.

    ``fatal`` asks for exit code 2, which the engine grants only when the user selected
    the rule explicitly; ``config`` says the configuration is wrong (a value that would
    make notelint overwrite a file, say), which exits 2 whatever was selected.
    """

    def __init__(self, message: str, *, fatal: bool = True, config: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal
        self.config = config


@dataclass(frozen=True)
class NoOptions:
    """A rule with no options."""


class Rule:
    """Base class of every check.

    Subclasses set the class attributes below, may define a nested ``Options``
    dataclass (its fields are the keys the rule reads from its family's config table,
    ``snake_case`` fields spelled ``kebab-case`` in TOML), and override ``check_note``
    or ``check_vault``. The class docstring becomes the rule's documentation: a first
    paragraph, then Markdown sections (``## Bad``, ``## Good``...).
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    family: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    enabled_by_default: ClassVar[bool] = True
    fixable: ClassVar[bool] = False
    #: Findings depend on today's date as well as on the note (dates in the future, say):
    #: cached per-note results then hold for the day they were computed.
    uses_today: ClassVar[bool] = False
    #: Findings depend on the world outside the vault (the network): ``check_vault`` runs
    #: on every run even when no note changed.
    volatile: ClassVar[bool] = False
    #: Findings say a link target does not exist, ``subject`` being the target as written:
    #: reporters rank these subjects as the vault's "wanted notes".
    reports_missing_target: ClassVar[bool] = False
    #: Findings on a note's leading part hold for the whole note: each judges one place
    #: of the note against the rest of the vault (or the note's frontmatter), so nothing
    #: written later in the note withdraws or changes it. The language server checks only
    #: the start of a huge note, and shows only these rules' findings there.
    holds_on_part: ClassVar[bool] = False

    Options: type[Any] = NoOptions
    options: Any

    def __init__(self, options: Any = None) -> None:
        self.options = options if options is not None else self.Options()

    # -- what subclasses override -------------------------------------------------

    def check_note(self, note: Note, ctx: NoteContext) -> Iterable[Finding]:
        """Findings for one note; called once per reported note that changed."""
        return ()

    def collect_note(self, note: Note, ctx: NoteContext) -> Any:
        """What ``check_vault`` will need from this reported note's full parse.

        The index keeps links, headings, tags and text of every note, but not the tokens;
        a vault rule needing more (the prose of a note, say) gathers it here. The value
        must be picklable and depend only on the note and the options: it crosses process
        boundaries and is cached with the note. ``ctx.collected_by(self)`` hands it back.
        """
        return None

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterable[Finding]:
        """Findings needing the whole vault; called once per run."""
        return ()

    def inputs(self, root: Path) -> Iterable[Path]:
        """Files besides the notes whose content ``check_vault`` reads (word lists, say).

        When no note changed, the engine reuses the last run's vault findings; a change
        to one of these files (or its appearing) re-runs the rule.
        """
        return ()

    # -- helpers ------------------------------------------------------------------

    @classmethod
    def is_note_rule(cls) -> bool:
        return cls.check_note is not Rule.check_note

    @classmethod
    def is_vault_rule(cls) -> bool:
        return cls.check_vault is not Rule.check_vault

    @classmethod
    def is_collecting_rule(cls) -> bool:
        return cls.collect_note is not Rule.collect_note

    def finding(
        self,
        note: Note,
        span: Span,
        message: str,
        *,
        suggestion: str | None = None,
        fix: Fix | None = None,
        subject: str | None = None,
    ) -> Finding:
        """A finding of this rule in ``note`` at ``span`` about ``subject``."""
        return Finding(
            path=note.display,
            span=span,
            code=self.code,
            rule=self.name,
            severity=self.severity,
            message=message,
            suggestion=suggestion,
            fix=fix,
            subject=subject,
        )

    @classmethod
    def doc(cls) -> str:
        """The rule's documentation: its class docstring, dedented."""
        return inspect.cleandoc(cls.__doc__ or cls.summary)

    @classmethod
    def option_fields(cls) -> list[dataclasses.Field[Any]]:
        return list(dataclasses.fields(cls.Options)) if dataclasses.is_dataclass(
            cls.Options
        ) else []


def option_key(field_name: str) -> str:
    """The TOML spelling of an option field: ``allowed_tags`` -> ``allowed-tags``."""
    return field_name.replace("_", "-")


def describe_options(rule: type[Rule]) -> Iterator[tuple[str, str, Any, str]]:
    """(key, type, default, help) for each option of ``rule``, for docs and ``explain``."""
    hints = _type_hints(rule.Options)
    for fld in rule.option_fields():
        default: Any
        if fld.default is not dataclasses.MISSING:
            default = fld.default
        elif fld.default_factory is not dataclasses.MISSING:
            default = fld.default_factory()
        else:
            default = None
        type_name = _type_name(hints.get(fld.name, Any))
        help_text = textwrap.dedent(str(fld.metadata.get("help", ""))).strip()
        yield option_key(fld.name), type_name, default, help_text


def _type_hints(cls: type) -> dict[str, Any]:
    import typing

    try:
        return typing.get_type_hints(cls)
    except Exception:  # pragma: no cover - unresolvable annotations only lose docs
        return {}


def _type_name(tp: Any) -> str:
    if isinstance(tp, type):
        return tp.__name__
    return str(tp).replace("typing.", "")
