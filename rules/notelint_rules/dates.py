"""The dates rule family: journal headings that are dates (NL301–NL307).

Many notes are journals: one section per day, ``### 2024-03-12``, newest first. Readers
scan them by date and Quartz shows a "last modified" date from the frontmatter, so a
date that does not exist, an entry filed in the wrong place, a day written twice or a
stale ``modified`` field all mislead. Detection is a pure function of the heading text
(``parse_heading_date``); the rules only group, compare and report.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any

from notelint.config import ConfigError
from notelint.model import Finding, Fix, Heading, Note, Severity, Span
from notelint.rule import NoteContext, Rule

DEFAULT_FORMAT = "%Y-%m-%d"
ORDERS = ("descending", "ascending", "auto")
MODIFIED_FIELDS = ("modified", "lastmod", "updated", "last-modified")

# -- detection: the pure part ---------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?,?\s+"
)
_ORDINAL = r"(?:st|nd|rd|th)?"

# Each built-in shape: a name and a pattern anchored at the start of the heading text.
# Numeric dates are always read year-month-day; a year alone, or a month and a year,
# is not a date.
_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("numeric", r"(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"),
        # Dotted dates need two-digit parts, so CalVer versions (2024.1.5) are not dates.
        ("dotted", r"(?P<y>\d{4})\.(?P<m>\d{2})\.(?P<d>\d{2})(?!\d)"),
        ("spaced", r"(?P<y>\d{4}) (?P<m>\d{2}) (?P<d>\d{2})(?!\d)"),
        (
            "month-day-year",
            rf"(?:{_WEEKDAY_RE})?(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}}){_ORDINAL},?"
            r"\s+(?P<y>\d{4})(?!\d)",
        ),
        (
            "day-month-year",
            rf"(?:{_WEEKDAY_RE})?(?P<d>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<mon>{_MONTH_RE})"
            r"\.?,?\s+(?P<y>\d{4})(?!\d)",
        ),
    )
)
_TITLE_SEPARATOR = re.compile(r"\s*(?:[—–:|,·-]+|\.(?=\s))?\s*")


@dataclass(frozen=True, slots=True)
class HeadingDate:
    """A date found at the start of a heading's text.

    ``raw`` is the date exactly as written (always a prefix of the text); ``value`` the
    calendar date, or ``None`` when the parts name no real day (then ``problem`` says
    why); ``title`` what follows the date, separators removed.
    """

    raw: str
    year: int
    month: int
    day: int
    value: date | None
    problem: str | None
    title: str
    shape: str


def parse_heading_date(text: str, fmt: str = DEFAULT_FORMAT) -> HeadingDate | None:
    """The date that ``text`` (a heading, markup stripped) is or starts with, else None.

    Accepts ISO ``2024-03-05``, ``2024/03/05``, ``2024.03.05``, unpadded ``2024-3-5``,
    ``2024 03 05``, ``March 5, 2024`` / ``Mar 5th 2024``, ``5 March 2024`` (optionally
    after a weekday), and whatever ``fmt`` renders when its directives are simple. The
    date must end at a word boundary, so ``2024-03-05abc`` and ``Plans for 2024`` are
    not dated; ``2024-03-05T10:00`` is (an ISO timestamp starts with its date).
    """
    text = text.strip()
    custom = _format_pattern(fmt)
    shapes = ((("format", custom),) if custom is not None else ()) + _SHAPES
    for shape, pattern in shapes:
        match = pattern.match(text)
        if match is None or not _ends_at_boundary(text, match.end()):
            continue
        parts = _parts(match)
        if parts is None:
            continue
        year, month, day = parts
        value, problem = _calendar_date(year, month, day)
        raw = match.group(0)
        rest = text[match.end() :]
        separator = _TITLE_SEPARATOR.match(rest)
        title = rest[separator.end() :] if separator else rest
        return HeadingDate(raw, year, month, day, value, problem, title.strip(), shape)
    return None


def _ends_at_boundary(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    following = text[end]
    if following in "Tt" and text[end + 1 : end + 2].isdigit():
        return True  # ISO timestamp: 2024-03-05T10:00
    return not following.isalnum()


def _parts(match: re.Match[str]) -> tuple[int, int, int] | None:
    groups = match.groupdict()
    if groups.get("y") is not None:
        year = int(groups["y"])
    elif groups.get("yy") is not None:
        year = 2000 + int(groups["yy"])
    else:
        return None
    if groups.get("mon") is not None:
        month = _MONTHS.get(groups["mon"].lower().rstrip("."), 0)
    elif groups.get("m") is not None:
        month = int(groups["m"])
    else:
        return None
    if groups.get("d") is None:
        return None
    return year, month, int(groups["d"])


def _calendar_date(year: int, month: int, day: int) -> tuple[date | None, str | None]:
    """The date, or ``None`` and a reason a person can act on."""
    if not 1 <= year <= 9999:
        return None, f"year {year} is outside the calendar"
    if not 1 <= month <= 12:
        return None, f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return None, f"{calendar.month_name[month]} {year} has {days} days"
    return date(year, month, day), None


_DIRECTIVES = {
    "Y": r"(?P<y>\d{4})",
    "y": r"(?P<yy>\d{2})",
    "m": r"(?P<m>\d{2})",
    "-m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{2})",
    "-d": r"(?P<d>\d{1,2})",
    "e": r" ?(?P<d>\d{1,2})",
    "B": rf"(?P<mon>{_MONTH_RE})",
    "b": rf"(?P<mon>{_MONTH_RE})",
    "A": r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
    "a": r"(?:mon|tue|wed|thu|fri|sat|sun)",
    "%": "%",
}
_DIRECTIVE_RE = re.compile(r"%(-?[A-Za-z%])")


@lru_cache(maxsize=32)
def _format_pattern(fmt: str) -> re.Pattern[str] | None:
    """A regex recognising what ``fmt`` renders, when it is not the ISO default.

    Lets a vault whose canonical format is, say, ``%d.%m.%Y`` have those headings
    detected too. Formats with directives beyond day, month, year and weekday are only
    used for rendering.
    """
    if fmt == DEFAULT_FORMAT:
        return None  # the built-in numeric shape already covers it
    pieces: list[str] = []
    position = 0
    for match in _DIRECTIVE_RE.finditer(fmt):
        pieces.append(re.escape(fmt[position : match.start()]))
        directive = _DIRECTIVES.get(match.group(1))
        if directive is None:
            return None
        pieces.append(directive)
        position = match.end()
    pieces.append(re.escape(fmt[position:]))
    try:
        pattern = re.compile("".join(pieces) + r"(?!\d)", re.IGNORECASE)
    except re.error:  # a directive twice: not a format we can read back
        return None
    names = set(pattern.groupindex)
    if not ({"y", "yy"} & names and {"m", "mon"} & names and "d" in names):
        return None
    return pattern


def render_date(value: date, fmt: str) -> str:
    """``value`` in ``fmt``; falls back to ISO when ``fmt`` cannot be rendered."""
    try:
        return value.strftime(fmt)
    except ValueError:
        return value.isoformat()


# -- order, duplicates and levels: pure functions over dates --------------------------


def misplaced(values: Sequence[date], descending: bool) -> list[tuple[int, int]]:
    """Which dates are out of order, each with the neighbour it conflicts with.

    Keeps the longest run already in order (equal dates count as in order; duplicates
    are another rule's business) and reports every other date once, as
    ``(index, neighbour_index)``: the nearest kept date it sits on the wrong side of.
    """
    keep = _longest_ordered(values, descending)
    kept = set(keep)
    result: list[tuple[int, int]] = []
    for index, value in enumerate(values):
        if index in kept:
            continue
        position = bisect_right(keep, index)
        before = keep[position - 1] if position > 0 else None
        after = keep[position] if position < len(keep) else None
        if before is not None and _wrong_way(values[before], value, descending):
            result.append((index, before))
        elif after is not None:
            result.append((index, after))
        elif before is not None:  # unreachable for a longest run; keeps output total
            result.append((index, before))
    return result


def _wrong_way(first: date, second: date, descending: bool) -> bool:
    """True when ``first`` may not come before ``second``."""
    return first < second if descending else first > second


def _longest_ordered(values: Sequence[date], descending: bool) -> list[int]:
    """Indices of a longest subsequence in order (patience sorting, n log n)."""
    keys = [-v.toordinal() if descending else v.toordinal() for v in values]
    tail_keys: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(keys)
    for index, key in enumerate(keys):
        position = bisect_right(tail_keys, key)
        previous[index] = tail_index[position - 1] if position > 0 else -1
        if position == len(tail_keys):
            tail_keys.append(key)
            tail_index.append(index)
        else:
            tail_keys[position] = key
            tail_index[position] = index
    run: list[int] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(index)
        index = previous[index]
    return run[::-1]


def adjacent_votes(groups: Iterable[Sequence[date]]) -> tuple[int, int]:
    """(descending pairs, ascending pairs) among neighbours: what ``auto`` decides by."""
    down = up = 0
    for values in groups:
        for first, second in pairwise(values):
            down += first > second
            up += first < second
    return down, up


def is_descending(order: str, groups: Sequence[Sequence[date]]) -> bool:
    """Resolve ``dates.order``; ``auto`` follows most adjacent pairs, ties newest first."""
    if order == "ascending":
        return False
    if order == "auto":
        down, up = adjacent_votes(groups)
        return up <= down
    return True


def duplicates(values: Sequence[date]) -> list[tuple[int, int]]:
    """``(index, first_index)`` for every date already seen earlier in ``values``."""
    first: dict[date, int] = {}
    result: list[tuple[int, int]] = []
    for index, value in enumerate(values):
        if value in first:
            result.append((index, first[value]))
        else:
            first[value] = index
    return result


def minority_levels(levels: Sequence[int]) -> tuple[int | None, list[int]]:
    """The journal's level and the indices of headings at any other level.

    The journal's level is the most common one; on a tie, the level of the first dated
    heading (where the journal started).
    """
    if not levels:
        return None, []
    counts = Counter(levels)
    top = max(counts.values())
    main = next(level for level in levels if counts[level] == top)
    return main, [index for index, level in enumerate(levels) if level != main]


# -- from a Note to its dated headings ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatedHeading:
    """A heading that is a date, with where the date text sits in the file.

    ``parent`` is the index (in ``note.headings``) of the enclosing heading, -1 at the
    top; siblings share ``(parent, level)``. ``span`` covers exactly the date text when
    ``located`` (else the heading); ``fixable`` when it is also not inside a wiki-link,
    whose target a rewrite would change.
    """

    index: int
    heading: Heading
    parent: int
    date: HeadingDate
    span: Span
    located: bool
    fixable: bool

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def sibling_key(self) -> tuple[int, int]:
        return self.parent, self.heading.level


def _link_text(source: str) -> str | None:
    """What a heading that opens with a link shows or targets, for a second look.

    ``2024-11-29`` for ``[[2024-11-29|Friday]] title`` (an aliased date link), and the
    label of ``[2024-11-29.md](file:///...)`` when the parser kept such a link as text
    (markdown-it refuses some schemes, such as ``file:``).
    """
    if source.startswith("[["):
        end = source.find("]]")
        return re.split(r"[|#]", source[2:end], maxsplit=1)[0] if end > 0 else None
    if source.startswith("["):
        end = source.find("]")
        return source[1:end] if end > 0 else None
    return None


#: A file name: no spaces, ending in an extension (``2024-07-21.conflicted.1721.md``).
_FILE_NAME_RE = re.compile(r"\S+\.[A-Za-z][A-Za-z0-9]{0,4}")


def _names_another_file(text: str, found: HeadingDate) -> bool:
    """Whether ``text`` is a file name that holds more than its date and extension.

    A heading ``2024-07-21.md`` names that day's journal; ``2024-07-21.conflicted.1721.md``
    or ``2023-03-18T21_55_30.357Z.Desktop.md`` (a sync conflict, a backup) names some
    other file that merely starts with the date: a listing of such files is no journal,
    and two of them on one day are not an entry to merge.
    """
    text = text.strip()
    if _FILE_NAME_RE.fullmatch(text) is None:
        return False
    rest = text[len(found.raw) :]
    return re.fullmatch(r"\.[A-Za-z][A-Za-z0-9]{0,4}", rest) is None


def heading_date(heading: Heading, fmt: str = DEFAULT_FORMAT) -> HeadingDate | None:
    """The date of a heading: its plain text, or the text of a leading link."""
    if not any(char.isdigit() for char in heading.source):
        return None  # every date has digits: the common case costs one scan
    text = heading.text
    found = parse_heading_date(text, fmt)
    if found is None:
        label = _link_text(heading.source.strip())
        if label is not None:
            text = label
            found = parse_heading_date(label, fmt)
    if found is not None and _names_another_file(text, found):
        return None
    return found


def parents(headings: Sequence[Heading]) -> list[int]:
    """For each heading, the index of the nearest earlier heading of a lower level."""
    stack: list[int] = []
    result: list[int] = []
    for index, heading in enumerate(headings):
        while stack and headings[stack[-1]].level >= heading.level:
            stack.pop()
        result.append(stack[-1] if stack else -1)
        stack.append(index)
    return result


def dated_headings(note: Note, fmt: str = DEFAULT_FORMAT) -> list[DatedHeading]:
    """Every dated heading of ``note``, in document order."""
    result: list[DatedHeading] = []
    parent_of = parents(note.headings)
    for index, heading in enumerate(note.headings):
        found = heading_date(heading, fmt)
        if found is None:
            continue
        span, located, in_link = _locate(note, heading, found.raw)
        result.append(
            DatedHeading(
                index, heading, parent_of[index], found, span, located, located and not in_link
            )
        )
    return result


def _locate(note: Note, heading: Heading, raw: str) -> tuple[Span, bool, bool]:
    """The span of ``raw`` on the heading's line; whether found; whether in ``[[ ]]``."""
    line_number = heading.span.line
    line = note.line_text(line_number)
    start = line.find(raw, max(heading.span.column - 1, 0))
    if start < 0:
        start = line.find(raw)
    if start < 0 or not raw:
        return heading.span, False, False
    in_link = line.rfind("[[", 0, start) > line.rfind("]]", 0, start)
    return Span(line_number, start + 1, line_number, start + 1 + len(raw)), True, in_link


def sibling_groups(dated: Sequence[DatedHeading]) -> list[list[DatedHeading]]:
    """Dated headings grouped by (parent section, level), each in document order."""
    groups: dict[tuple[int, int], list[DatedHeading]] = {}
    for item in dated:
        groups.setdefault(item.sibling_key, []).append(item)
    return list(groups.values())


def _valid(group: Iterable[DatedHeading]) -> list[DatedHeading]:
    return [item for item in group if item.date.value is not None]


def _value(item: DatedHeading) -> date:
    assert item.date.value is not None
    return item.date.value


# -- options ---------------------------------------------------------------------------


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ConfigError(f"dates.{name} must be one of {', '.join(choices)}; got {value!r}")


@dataclass(frozen=True)
class DetectOptions:
    """What every dates rule reads: the canonical format, which detection also accepts."""

    format: str = field(
        default=DEFAULT_FORMAT,
        metadata={
            "help": "canonical date format (strftime); headings written this way are "
            "also recognised as dated"
        },
    )

    def __post_init__(self) -> None:
        if not isinstance(self.format, str) or "%" not in self.format:
            raise ConfigError(
                f"dates.format must be a strftime format such as '%Y-%m-%d'; got {self.format!r}"
            )


@dataclass(frozen=True)
class OrderOptions(DetectOptions):
    """Options of date-heading-order."""

    order: str = field(
        default="descending",
        metadata={
            "help": "descending (newest first), ascending, or auto (the order most "
            "adjacent dated headings of the note already follow)"
        },
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_choice("order", self.order, ORDERS)


@dataclass(frozen=True)
class FutureOptions(DetectOptions):
    """Options of date-heading-future."""

    allow_future: bool = field(
        default=False,
        metadata={"help": "accept dated headings after today (plans, agendas)"},
    )


@dataclass(frozen=True)
class ModifiedOptions(DetectOptions):
    """Options of date-heading-stale-modified."""

    modified_fields: tuple[str, ...] = field(
        default=MODIFIED_FIELDS,
        metadata={"help": "frontmatter fields holding the note's last-modified date"},
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        fields = self.modified_fields
        if isinstance(fields, str) or not all(isinstance(name, str) for name in fields):
            raise ConfigError("dates.modified-fields must be a list of field names")
        object.__setattr__(self, "modified_fields", tuple(fields))


# -- the rules -------------------------------------------------------------------------


class _DatesRule(Rule):
    family = "dates"
    Options: type[Any] = DetectOptions
    options: DetectOptions

    def dated(self, note: Note) -> list[DatedHeading]:
        return dated_headings(note, self.options.format)


class DateHeadingInvalid(_DatesRule):
    """A heading date must be a day that exists.

    `2024-02-30` or `2023-13-01` is a typo a reader cannot resolve: the entry
    cannot be found by date, sorted or linked to a daily note.

    ## Bad
    ```markdown
    ### 2024-02-30
    ```

    ## Good
    ```markdown
    ### 2024-02-29
    ```
    """

    code = "NL301"
    holds_on_part = True
    name = "date-heading-invalid"
    summary = "heading date is not a real calendar date"
    severity = Severity.ERROR

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        for item in self.dated(note):
            if item.date.value is None:
                yield self.finding(
                    note,
                    item.span,
                    f"heading date '{item.date.raw}' is not a real date: "
                    f"{item.date.problem}; correct the day or month",
                    subject=item.date.raw,
                )


class DateHeadingFormat(_DatesRule):
    """Dated headings should be written in the vault's canonical format.

    One format (`dates.format`, ISO `%Y-%m-%d` by default) keeps entries sortable,
    searchable and consistent with daily-note file names. The fix rewrites the date and
    keeps any title after it; dates inside `[[wiki-links]]` are reported without a fix,
    since rewriting them would change the link target.

    ## Bad
    ```markdown
    ### 2024/3/5 — trip notes
    ### March 1, 2024
    ```

    ## Good
    ```markdown
    ### 2024-03-05 — trip notes
    ### 2024-03-01
    ```
    """

    code = "NL302"
    holds_on_part = True
    name = "date-heading-format"
    summary = "date heading not in the canonical format"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        fmt = self.options.format
        for item in self.dated(note):
            value = item.date.value
            if value is None:
                continue
            canonical = render_date(value, fmt)
            if item.date.raw == canonical:
                continue
            fix = Fix(item.span, canonical) if item.fixable else None
            yield self.finding(
                note,
                item.span,
                f"heading date '{item.date.raw}' is not in the canonical format "
                f"'{fmt}'; write it as '{canonical}'",
                suggestion=canonical,
                fix=fix,
                subject=item.date.raw,
            )


class DateHeadingOrder(_DatesRule):
    """Dated sibling headings must follow the note's order.

    A journal is read from one end: newest first by default (`dates.order`). An entry
    filed out of place looks missing to a reader scanning by date. Siblings are dated
    headings of the same level under the same parent heading; undated headings between
    or after them are ignored, never reordered. Each misplaced heading is reported once,
    naming the neighbour it should move past. `auto` takes the order most adjacent
    pairs of the note already follow. A section written mostly in the other order (most
    neighbouring pairs) is reported once, at its first dated heading, rather than entry
    by entry.

    ## Bad
    ```markdown
    ### 2024-03-01
    ### 2024-03-05
    ```

    ## Good
    ```markdown
    ### 2024-03-05
    ### 2024-03-01
    ```
    """

    code = "NL303"
    name = "date-heading-order"
    summary = "dated sibling headings out of order"
    severity = Severity.ERROR
    Options = OrderOptions
    options: OrderOptions

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        groups = [_valid(group) for group in sibling_groups(self.dated(note))]
        groups = [group for group in groups if len(group) > 1]
        if not groups:
            return
        descending = is_descending(
            self.options.order, [[_value(item) for item in group] for group in groups]
        )
        why = "newest first" if descending else "oldest first"
        if self.options.order == "auto":
            why = f"dated headings here run {why} (the order most entries of this note follow)"
        else:
            # the configured order, not the note's: two entries written oldest first are
            # not "here newest first"
            why = f"dates.order is {self.options.order} ({why})"
        for group in groups:
            values = [_value(item) for item in group]
            found = misplaced(values, descending)
            down, up = adjacent_votes([values])
            if len(found) > 1 and (up > down if descending else down > up):
                yield self._reversed(note, group, descending, max(up, down), down + up)
                continue
            for index, other in found:
                yield self._finding(note, group[index], group[other], descending, why)

    def _reversed(
        self, note: Note, group: list[DatedHeading], descending: bool, agree: int, pairs: int
    ) -> Finding:
        """One finding for a section written mostly in the other order, not one per entry."""
        written = "oldest first" if descending else "newest first"
        if agree < pairs:
            written = f"mostly {written} ({agree} of {pairs} neighbouring pairs)"
        wanted = "descending" if descending else "ascending"
        other = "ascending" if descending else "descending"
        if self.options.order == "auto":
            wanted += " (auto: the order most entries of this note follow)"
        return self.finding(
            note,
            group[0].span,
            f"the {len(group)} dated headings of this section (lines {group[0].line}-"
            f"{group[-1].line}) run {written}, but dates.order is {wanted}; reverse "
            f'them, or set dates.order = "{other}" or "auto"',
            subject=group[0].date.raw,
        )

    def _finding(
        self, note: Note, item: DatedHeading, other: DatedHeading, descending: bool, why: str
    ) -> Finding:
        relation = "older" if _value(other) < _value(item) else "newer"
        if other.line < item.line:
            place, move = f"comes after the {relation}", "above"
        else:
            place, move = f"comes before the {relation}", "below"
        return self.finding(
            note,
            item.span,
            f"'{item.date.raw}' {place} '{other.date.raw}' (line {other.line}); {why}, so "
            f"move this section {move} it",
            subject=item.date.raw,
        )


class DateHeadingDuplicate(_DatesRule):
    """The same date should head only one entry among sibling headings.

    Two sections for one day split that day's notes; links to the day and anchors
    (`#2024-03-05` and `#2024-03-05-1`) become ambiguous. Merge the entries.

    ## Bad
    ```markdown
    ### 2024-03-05
    ### 2024-03-05
    ```

    ## Good
    ```markdown
    ### 2024-03-05
    ```
    """

    code = "NL304"
    holds_on_part = True
    name = "date-heading-duplicate"
    summary = "the same date heads two sibling sections"
    severity = Severity.WARNING

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        for group in sibling_groups(self.dated(note)):
            valid = _valid(group)
            for index, first in duplicates([_value(item) for item in valid]):
                item, earlier = valid[index], valid[first]
                yield self.finding(
                    note,
                    item.span,
                    f"'{item.date.raw}' heads a second entry for {_value(item).isoformat()} "
                    f"(first at line {earlier.line}); merge the two sections",
                    subject=item.date.raw,
                )


class DateHeadingLevel(_DatesRule):
    """A journal's dated headings should all sit at one level.

    Mixing `###` and `####` entries nests some days inside others in the table of
    contents and breaks ordering between them. The level most dated headings use is the
    journal's; the others are reported (on a tie, those not at the level of the first
    entry). A daily note's dated title (its first heading, `# 2024-03-12`) is not an
    entry and is not counted.

    ## Bad
    ```markdown
    ### 2024-03-12
    #### 2024-03-05
    ### 2024-02-24
    ```

    ## Good
    ```markdown
    ### 2024-03-12
    ### 2024-03-05
    ### 2024-02-24
    ```
    """

    code = "NL305"
    name = "date-heading-level"
    summary = "dated headings of one journal at different levels"
    severity = Severity.WARNING

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        entries = [item for item in self.dated(note) if not _is_title(note, item)]
        main, others = minority_levels([item.heading.level for item in entries])
        if main is None:
            return
        count = sum(item.heading.level == main for item in entries)
        for index in others:
            item = entries[index]
            yield self.finding(
                note,
                item.span,
                f"dated heading at level {item.heading.level} ('{'#' * item.heading.level}')"
                f", but {count} of this note's {len(entries)} dated headings are level "
                f"{main}; use '{'#' * main}'",
                subject=item.date.raw,
            )


def _is_title(note: Note, item: DatedHeading) -> bool:
    """A level-1 first heading names the note (a daily note's ``# 2024-03-12``)."""
    return item.index == 0 and item.heading.level == 1


class DateHeadingFuture(_DatesRule):
    """A journal entry dated after today is usually a typo in the year or month.

    Today is the local date; one day of slack covers time zones. Notes that plan
    ahead can set `dates.allow-future = true`.

    ## Bad
    ```markdown
    ### 2204-03-05
    ```

    ## Good
    ```markdown
    ### 2024-03-05
    ```
    """

    code = "NL306"
    holds_on_part = True
    name = "date-heading-future"
    uses_today = True
    summary = "date heading after today"
    severity = Severity.WARNING
    Options = FutureOptions
    options: FutureOptions

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        if self.options.allow_future:
            return
        latest = ctx.today + timedelta(days=1)
        for item in self.dated(note):
            value = item.date.value
            if value is not None and value > latest:
                yield self.finding(
                    note,
                    item.span,
                    f"heading date '{item.date.raw}' is in the future (today is "
                    f"{ctx.today.isoformat()}); fix the date, or set "
                    f"dates.allow-future = true for planning notes",
                    subject=item.date.raw,
                )


class DateHeadingStaleModified(_DatesRule):
    """The frontmatter's modified date must not be older than the newest entry.

    Quartz shows `modified` (or `lastmod`, `updated`, `last-modified`) to
    readers as the page's last update; a journal whose newest entry is later tells them
    the page is older than it is. Entries after today are ignored here.

    ## Bad
    ```markdown
    ---
    modified: 2024-01-10
    ---
    ### 2024-03-05
    ```

    ## Good
    ```markdown
    ---
    modified: 2024-03-05
    ---
    ### 2024-03-05
    ```
    """

    code = "NL307"
    name = "date-heading-stale-modified"
    uses_today = True
    summary = "frontmatter modified date older than the newest dated heading"
    severity = Severity.WARNING
    Options = ModifiedOptions
    options: ModifiedOptions

    def check_note(self, note: Note, ctx: NoteContext) -> Iterator[Finding]:
        if not note.frontmatter.data:
            return
        latest = ctx.today + timedelta(days=1)
        entries = [item for item in _valid(self.dated(note)) if _value(item) <= latest]
        if not entries:
            return
        newest = max(entries, key=_value)
        for key in self.options.modified_fields:
            modified = frontmatter_date(note.frontmatter.get(key))
            if modified is None or modified >= _value(newest):
                continue
            span = note.frontmatter.position(key) or Span.point(1)
            yield self.finding(
                note,
                span,
                f"frontmatter '{key}' is {modified.isoformat()}, older than the newest "
                f"entry '{newest.date.raw}' (line {newest.line}); readers see the older "
                f"date, so update '{key}'",
                suggestion=_value(newest).isoformat(),
                subject=key,
            )


def frontmatter_date(value: object) -> date | None:
    """A date from a YAML value: a date, a datetime, or an ISO or heading-style string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    found = parse_heading_date(text)
    return found.value if found is not None else None


RULES: list[type[Rule]] = [
    DateHeadingInvalid,
    DateHeadingFormat,
    DateHeadingOrder,
    DateHeadingDuplicate,
    DateHeadingLevel,
    DateHeadingFuture,
    DateHeadingStaleModified,
]
