"""Tests of the dates family (NL301–NL307): detection, ordering, and each rule.

Detection and ordering are pure functions, tested directly (with Hypothesis). Rules run
on notes read by the real parser; once the engine's harness (``notelint.testing``) is
present, the same cases also run end to end through ``lint()``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from notelint.config import ConfigError
from notelint.model import Finding, Note
from notelint.parse import build_markdown, parse_note
from notelint.rule import Rule, RuleContext
from notelint.syntax import notelint_configure_markdown
from notelint.vault import Vault
from notelint_rules import dates
from notelint_rules.dates import (
    DateHeadingDuplicate,
    DateHeadingFormat,
    DateHeadingFuture,
    DateHeadingInvalid,
    DateHeadingLevel,
    DateHeadingOrder,
    DateHeadingStaleModified,
    DetectOptions,
    FutureOptions,
    ModifiedOptions,
    OrderOptions,
    dated_headings,
    duplicates,
    frontmatter_date,
    is_descending,
    minority_levels,
    misplaced,
    parse_heading_date,
)

TODAY = date(2024, 5, 1)
MD = build_markdown(notelint_configure_markdown)
HAVE_HARNESS = importlib.util.find_spec("notelint.testing") is not None
needs_harness = pytest.mark.skipif(not HAVE_HARNESS, reason="notelint.testing not there yet")

JOURNAL = """---
title: Garden journal
tags: [journal]
modified: 2024-03-12
---
# Garden journal

### 2024-03-12
Planted tomatoes.

### 2024-03-05
Turned the compost.

### 2024-02-24
Ordered seeds.

### Ideas
Undated sections after the journal are fine.

### Reading list
"""


# -- helpers ---------------------------------------------------------------------------


def note_of(text: str, rel: str = "journal.md") -> Note:
    """A note read by the real parser (no engine needed)."""
    return parse_note(MD, rel=rel, display=rel, file=Path(rel), text=text)


def run(rule: type[Rule], text: str, options: Any = None, today: date = TODAY) -> list[Finding]:
    """Findings of one rule on one note, sorted as the engine sorts them."""
    note = note_of(text)
    vault = Vault(
        root=Path("."),
        notes={note.rel: note},
        attachments=frozenset(),
        folders=frozenset(),
        reported=frozenset({note.rel}),
    )
    ctx = RuleContext(vault=vault, root=Path("."), today=today)
    found = list(rule(options).check_note(note, ctx))
    return sorted(found, key=Finding.sort_key)


def brief(findings: Sequence[Finding]) -> list[str]:
    return [f"{f.span.line}:{f.span.column}: {f.code}" for f in findings]


def apply_fixes(text: str, findings: Sequence[Finding]) -> str:
    """Apply single-line fixes right to left, to check that spans are exact."""
    lines = text.split("\n")
    fixes = sorted((f.fix for f in findings if f.fix), key=lambda x: x.span, reverse=True)
    for fix in fixes:
        span = fix.span
        assert span.line == span.end_line
        line = lines[span.line - 1]
        lines[span.line - 1] = (
            line[: span.column - 1] + fix.replacement + line[span.end_column - 1 :]
        )
    return "\n".join(lines)


def headings(*texts: str, level: int = 3) -> str:
    return "".join(f"{'#' * level} {text}\n\nentry\n\n" for text in texts)


# -- detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "raw", "title"),
    [
        ("2024-03-05", date(2024, 3, 5), "2024-03-05", ""),
        ("2024/03/05", date(2024, 3, 5), "2024/03/05", ""),
        ("2024.03.05", date(2024, 3, 5), "2024.03.05", ""),
        ("2024-3-5", date(2024, 3, 5), "2024-3-5", ""),
        ("2024 03 05", date(2024, 3, 5), "2024 03 05", ""),
        ("2024-03-12 — trip to the coast", date(2024, 3, 12), "2024-03-12", "trip to the coast"),
        ("2024-03-12: review", date(2024, 3, 12), "2024-03-12", "review"),
        ("2024-03-12 - review", date(2024, 3, 12), "2024-03-12", "review"),
        ("March 5, 2024", date(2024, 3, 5), "March 5, 2024", ""),
        ("Mar 5 2024", date(2024, 3, 5), "Mar 5 2024", ""),
        ("Sept. 5th, 2024", date(2024, 9, 5), "Sept. 5th, 2024", ""),
        ("August 2nd, 2020", date(2020, 8, 2), "August 2nd, 2020", ""),
        ("5 March 2024", date(2024, 3, 5), "5 March 2024", ""),
        ("5th of March 2024: notes", date(2024, 3, 5), "5th of March 2024", "notes"),
        ("Tuesday, 5 March 2024", date(2024, 3, 5), "Tuesday, 5 March 2024", ""),
        ("2021-08-27T10_49_21.123Z.Desktop.md", date(2021, 8, 27), "2021-08-27", None),
        ("2020-04-11.md", date(2020, 4, 11), "2020-04-11", None),
    ],
)
def test_detects_dated_heading(text: str, expected: date, raw: str, title: str | None) -> None:
    found = parse_heading_date(text)
    assert found is not None
    assert (found.value, found.raw) == (expected, raw)
    assert text.startswith(found.raw)
    if title is not None:
        assert found.title == title


@pytest.mark.parametrize(
    "text",
    [
        "Plans for 2024",
        "2024",
        "2024 review",
        "March 2024",
        "2024-03",
        "Q1 2024",
        "2024-03-05abc",
        "2024-03-123",
        "12024-03-05",
        "Notes from 2024-03-05",
        "2024.1.5 release",  # CalVer, not a date
        "May the force be with you",
        "",
    ],
)
def test_not_dated(text: str) -> None:
    assert parse_heading_date(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2024-02-30", "February 2024 has 29 days"),
        ("2023-02-29", "February 2023 has 28 days"),
        ("2023-13-01", "there is no month 13"),
        ("2023-00-10", "there is no month 0"),
        ("April 31, 2024", "April 2024 has 30 days"),
        ("0000-01-01", "year 0 is outside the calendar"),
    ],
)
def test_invalid_dates_are_detected_with_a_reason(text: str, problem: str) -> None:
    found = parse_heading_date(text)
    assert found is not None
    assert found.value is None
    assert found.problem == problem


def test_configured_format_is_also_detected() -> None:
    assert parse_heading_date("05.03.2024") is None
    found = parse_heading_date("05.03.2024 Ausflug", "%d.%m.%Y")
    assert found is not None and found.value == date(2024, 3, 5)
    assert found.title == "Ausflug"


DATES = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
RENDERINGS = [
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y %m %d",
    "%Y-%-m-%-d",
    "%B %-d, %Y",
    "%b %-d %Y",
    "%-d %B %Y",
    "%A, %-d %b %Y",
    "%a %B %d, %Y",
]


@given(DATES, st.sampled_from(RENDERINGS), st.sampled_from(["", " — notes", ": x", " 10:00"]))
def test_every_supported_rendering_reads_back(value: date, fmt: str, suffix: str) -> None:
    written = value.strftime(fmt)
    found = parse_heading_date(written + suffix)
    assert found is not None
    assert found.value == value
    assert found.raw == written


@given(st.integers(1000, 9999), st.text(alphabet="abcdefghij ", max_size=20))
def test_a_year_alone_is_not_a_date(year: int, words: str) -> None:
    assume(not words.strip() or words.strip()[0].isalpha())
    assert parse_heading_date(f"{words.strip()} {year}".strip()) is None
    assert parse_heading_date(f"{year} {words}".strip()) is None


@given(st.text(max_size=40))
def test_detection_never_crashes(text: str) -> None:
    found = parse_heading_date(text)
    if found is not None:
        assert text.strip().startswith(found.raw)


# -- ordering, duplicates, levels: pure ------------------------------------------------


@given(st.lists(DATES, max_size=30), st.booleans())
def test_sorted_dates_are_never_misplaced(values: list[date], descending: bool) -> None:
    values.sort(reverse=descending)
    assert misplaced(values, descending) == []


@given(st.lists(DATES, min_size=2, max_size=30), st.booleans(), st.data())
def test_swapping_two_distinct_dates_misplaces_one(
    values: list[date], descending: bool, data: st.DataObject
) -> None:
    values.sort(reverse=descending)
    i = data.draw(st.integers(0, len(values) - 1))
    j = data.draw(st.integers(0, len(values) - 1))
    assume(values[i] != values[j])
    values[i], values[j] = values[j], values[i]
    assert misplaced(values, descending)


@given(st.lists(DATES, max_size=30), st.booleans())
def test_misplaced_reports_each_once_and_the_rest_is_in_order(
    values: list[date], descending: bool
) -> None:
    found = misplaced(values, descending)
    flagged = [index for index, _ in found]
    assert len(flagged) == len(set(flagged))
    rest = [v for index, v in enumerate(values) if index not in set(flagged)]
    assert rest == sorted(rest, reverse=descending)
    for index, neighbour in found:
        assert neighbour not in flagged
        before, after = sorted((index, neighbour))
        wrong = values[before] < values[after] if descending else values[before] > values[after]
        assert wrong, "the named neighbour really is on the wrong side"


def test_misplaced_names_the_nearest_conflicting_neighbour() -> None:
    d = [date(2024, 3, 5), date(2024, 2, 24), date(2024, 2, 10), date(2024, 3, 12)]
    assert misplaced(d, descending=True) == [(3, 2)]
    assert misplaced(d[::-1], descending=False) == [(0, 1)]


def test_auto_follows_most_adjacent_pairs() -> None:
    up = [date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3), date(2023, 1, 1)]
    assert is_descending("auto", [up]) is False
    assert is_descending("auto", [up[::-1]]) is True
    assert (
        is_descending(
            "auto", [[date(2024, 1, 1), date(2024, 1, 2)], [date(2024, 1, 2), date(2024, 1, 1)]]
        )
        is True
    )  # tie
    assert is_descending("ascending", [up[::-1]]) is False
    assert is_descending("descending", [up]) is True


def test_duplicates_point_at_the_first() -> None:
    d = [date(2024, 1, 2), date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 2)]
    assert duplicates(d) == [(2, 0), (3, 0)]


def test_minority_levels() -> None:
    assert minority_levels([3, 3, 4, 3, 2]) == (3, [2, 4])
    assert minority_levels([4, 3]) == (4, [1])  # tie: the level the journal started at
    assert minority_levels([]) == (None, [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2024, 3, 5), date(2024, 3, 5)),
        (datetime(2024, 3, 5, 23, 10), date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-03-05T10:00:00Z", date(2024, 3, 5)),
        ("2024-03-05 10:00", date(2024, 3, 5)),
        ("March 5, 2024", date(2024, 3, 5)),
        ("soon", None),
        ("", None),
        (20240305, None),
        (None, None),
    ],
)
def test_frontmatter_date(value: object, expected: date | None) -> None:
    assert frontmatter_date(value) == expected


def test_options_reject_bad_values() -> None:
    with pytest.raises(ConfigError, match=r"dates\.order must be one of"):
        OrderOptions(order="newest")
    with pytest.raises(ConfigError, match="strftime"):
        DetectOptions(format="YYYY-MM-DD")
    with pytest.raises(ConfigError, match="modified-fields"):
        ModifiedOptions(modified_fields="modified")  # type: ignore[arg-type]
    assert ModifiedOptions(modified_fields=["edited"]).modified_fields == ("edited",)  # type: ignore[arg-type]


# -- detection on parsed notes ---------------------------------------------------------


def test_dated_headings_on_a_parsed_note() -> None:
    note = note_of(
        "# Title\n\n## [[2024-11-29]]\n\n## [[2024-3-5|Fri]] notes\n\n"
        "### **2024-3-5** — *trip*\n\n### Plans for 2024\n"
    )
    found = dated_headings(note)
    assert [(d.heading.level, d.date.raw) for d in found] == [
        (2, "2024-11-29"),
        (2, "2024-3-5"),
        (3, "2024-3-5"),
    ]
    assert [(d.span.line, d.span.column, d.span.end_column) for d in found] == [
        (3, 6, 16),
        (5, 6, 14),
        (7, 7, 15),
    ]
    assert [d.fixable for d in found] == [False, False, True]  # never rewrite link targets
    assert [d.parent for d in found] == [0, 0, 2]


# -- the rules on parsed notes ---------------------------------------------------------


def test_journal_shape_is_clean_for_every_rule() -> None:
    for rule in dates.RULES:
        assert run(rule, JOURNAL) == [], rule.code


def test_invalid_fires_and_explains() -> None:
    found = run(DateHeadingInvalid, headings("2024-03-12", "2024-02-30", "2023-13-01 — x"))
    assert brief(found) == ["5:5: NL301", "9:5: NL301"]
    assert found[0].message == (
        "heading date '2024-02-30' is not a real date: February 2024 has 29 days; "
        "correct the day or month"
    )
    assert "there is no month 13" in found[1].message


def test_format_fix_rewrites_only_the_date() -> None:
    text = headings("2024/3/12 — trip", "March 5, 2024", "2024-02-24", "2024-2-30")
    found = run(DateHeadingFormat, text)
    assert brief(found) == ["1:5: NL302", "5:5: NL302"]
    assert found[0].suggestion == "2024-03-12"
    assert found[0].message == (
        "heading date '2024/3/12' is not in the canonical format '%Y-%m-%d'; "
        "write it as '2024-03-12'"
    )
    fixed = apply_fixes(text, found)
    assert fixed.splitlines()[0] == "### 2024-03-12 — trip"
    assert fixed.splitlines()[4] == "### 2024-03-05"
    assert run(DateHeadingFormat, fixed) == []


def test_format_fix_inside_emphasis_keeps_markup() -> None:
    text = "## *2024-3-5*: **review**\n"
    found = run(DateHeadingFormat, text)
    assert apply_fixes(text, found) == "## *2024-03-05*: **review**\n"


def test_format_does_not_fix_wikilink_targets() -> None:
    found = run(DateHeadingFormat, "## [[2024-3-5]]\n")
    assert brief(found) == ["1:6: NL302"]
    assert found[0].fix is None
    assert found[0].suggestion == "2024-03-05"


def test_format_follows_the_configured_format() -> None:
    opts = DetectOptions(format="%d.%m.%Y")
    found = run(DateHeadingFormat, headings("05.03.2024", "2024-03-01"), opts)
    assert brief(found) == ["5:5: NL302"]
    assert found[0].fix is not None and found[0].fix.replacement == "01.03.2024"


def test_order_reports_the_misplaced_heading_once_naming_its_neighbour() -> None:
    text = headings("2024-03-05", "2024-02-24", "2024-02-10", "2024-03-12")
    found = run(DateHeadingOrder, text)
    assert brief(found) == ["13:5: NL303"]
    assert found[0].message == (
        "'2024-03-12' comes after the older '2024-02-10' (line 9); dates.order is "
        "descending (newest first), so move this section above it"
    )


def test_order_ascending_and_auto() -> None:
    up = headings("2024-01-01", "2024-01-02", "2024-01-03", "2023-12-01")
    assert brief(run(DateHeadingOrder, up)) == ["1:5: NL303"]  # mostly the other way
    found = run(DateHeadingOrder, up, OrderOptions(order="ascending"))
    assert brief(found) == ["13:5: NL303"]
    assert "dates.order is ascending (oldest first)" in found[0].message
    auto = run(DateHeadingOrder, up, OrderOptions(order="auto"))
    assert brief(auto) == ["13:5: NL303"]
    assert "the order most entries of this note follow" in auto[0].message
    assert "comes after the newer '2024-01-03'" in auto[0].message


def test_a_section_written_in_the_other_order_is_reported_once() -> None:
    up = headings("2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03")
    found = run(DateHeadingOrder, up)
    assert brief(found) == ["1:5: NL303"]
    assert found[0].message == (
        "the 4 dated headings of this section (lines 1-13) run oldest first, but "
        'dates.order is descending; reverse them, or set dates.order = "ascending" or "auto"'
    )
    assert run(DateHeadingOrder, up, OrderOptions(order="ascending")) == []
    mostly = run(DateHeadingOrder, headings("2024-01-01", "2024-01-03", "2024-01-02", "2024-01-04"))
    assert brief(mostly) == ["1:5: NL303"]
    assert "run mostly oldest first (2 of 3 neighbouring pairs)" in mostly[0].message
    # Two reversed entries are just one misplaced entry.
    two = run(DateHeadingOrder, headings("2024-01-01", "2024-01-02"))
    assert [f.message.split(" (")[0] for f in two] == [
        "'2024-01-01' comes before the newer '2024-01-02'"
    ]
    # flancian-garden 'US trip 2023.md:5': the note runs oldest first; the order wanted
    # is the configuration's, and the message says so
    assert "; dates.order is descending (newest first), so move" in two[0].message


def test_order_groups_siblings_by_parent_section() -> None:
    text = (
        "## 2024\n\n### 2024-03-05\n\n### 2024-01-05\n\n"
        "## 2023\n\n### 2023-12-01\n\n#### 2023-01-01\n\n### 2023-06-01\n"
    )
    # 2024 section: fine. 2023 section: 12-01 then 06-01 descending, #### is nested: fine.
    assert run(DateHeadingOrder, text) == []
    # Across sections the groups are independent: ascending sections would be fine too.
    text_up = "## A\n\n### 2024-01-01\n\n### 2024-02-01\n\n## B\n\n### 2023-01-01\n"
    assert brief(run(DateHeadingOrder, text_up)) == ["3:5: NL303"]


def test_order_ignores_undated_and_invalid_headings() -> None:
    text = headings("2024-03-05", "Ideas", "2024-02-30", "2024-03-01", "Reading")
    assert run(DateHeadingOrder, text) == []


def test_duplicate_fires_among_siblings_only() -> None:
    text = "## A\n\n### 2024-03-05\n\n### March 5, 2024\n\n## B\n\n### 2024-03-05\n"
    found = run(DateHeadingDuplicate, text)
    assert brief(found) == ["5:5: NL304"]
    assert found[0].message == (
        "'March 5, 2024' heads a second entry for 2024-03-05 (first at line 3); "
        "merge the two sections"
    )


def test_level_reports_the_minority() -> None:
    text = headings("2024-03-12") + headings("2024-03-05", level=4) + headings("2024-02-24")
    found = run(DateHeadingLevel, text)
    assert brief(found) == ["5:6: NL305"]
    assert found[0].message == (
        "dated heading at level 4 ('####'), but 2 of this note's 3 dated headings are "
        "level 3; use '###'"
    )


def test_level_ignores_a_daily_notes_dated_title() -> None:
    text = "# 2024-03-12\n\n## [[2024-03-11]]\n\n## [[2024-03-10]]\n"
    assert run(DateHeadingLevel, text) == []
    # ... but not a level-1 dated heading further down.
    text = "## [[2024-03-11]]\n\n## [[2024-03-10]]\n\n# 2024-03-09\n"
    assert brief(run(DateHeadingLevel, text)) == ["5:3: NL305"]
    assert run(DateHeadingLevel, "# 2024-03-12\n\nonly one\n") == []


def test_future_with_one_day_of_slack() -> None:
    text = headings("2024-05-03", "2024-05-02", "2024-05-01")
    found = run(DateHeadingFuture, text, today=TODAY)
    assert brief(found) == ["1:5: NL306"]
    assert found[0].message == (
        "heading date '2024-05-03' is in the future (today is 2024-05-01); fix the date, "
        "or set dates.allow-future = true for planning notes"
    )
    assert run(DateHeadingFuture, text, FutureOptions(allow_future=True)) == []


@pytest.mark.parametrize("key", ["modified", "lastmod", "updated", "last-modified"])
def test_stale_modified_fires_at_the_field(key: str) -> None:
    text = f"---\ntitle: J\n{key}: 2024-03-01\n---\n" + headings("2024-03-12", "2024-03-05")
    found = run(DateHeadingStaleModified, text)
    assert brief(found) == [f"3:{len(key) + 3}: NL307"]
    assert found[0].message == (
        f"frontmatter '{key}' is 2024-03-01, older than the newest entry '2024-03-12' "
        f"(line 5); readers see the older date, so update '{key}'"
    )
    assert found[0].suggestion == "2024-03-12"


@pytest.mark.parametrize(
    "value",
    ["2024-03-12", "2024-03-12T08:00:00+01:00", "'2024-04-01'", "2024-03-12 09:30:00"],
)
def test_stale_modified_quiet_when_current(value: str) -> None:
    text = f"---\nmodified: {value}\n---\n" + headings("2024-03-12", "2024-03-05")
    assert run(DateHeadingStaleModified, text) == []


def test_stale_modified_ignores_future_entries_and_bad_values() -> None:
    future = "---\nmodified: 2024-04-01\n---\n" + headings("2024-09-01", "2024-03-05")
    assert run(DateHeadingStaleModified, future) == []
    unreadable = "---\nmodified: someday\n---\n" + headings("2024-03-05")
    assert run(DateHeadingStaleModified, unreadable) == []
    broken_yaml = "---\nmodified: [\n---\n" + headings("2024-03-05")
    assert run(DateHeadingStaleModified, broken_yaml) == []


# -- the property from the issue, on parsed notes -------------------------------------

ORDERED_NOTE = st.lists(st.dates(date(1990, 1, 1), date(2030, 12, 31)), min_size=2, max_size=12)


@given(ORDERED_NOTE, st.sampled_from(["descending", "ascending"]), st.data())
def test_property_order_on_notes(values: list[date], order: str, data: st.DataObject) -> None:
    values.sort(reverse=order == "descending")
    options = OrderOptions(order=order)
    assert run(DateHeadingOrder, headings(*(v.isoformat() for v in values)), options) == []
    i = data.draw(st.integers(0, len(values) - 1))
    j = data.draw(st.integers(0, len(values) - 1))
    assume(values[i] != values[j])
    values[i], values[j] = values[j], values[i]
    swapped = headings(*(v.isoformat() for v in values))
    assert len(run(DateHeadingOrder, swapped, options)) >= 1


# -- end to end through the engine -----------------------------------------------------


@needs_harness
def test_lint_journal_and_future(tmp_path: Path) -> None:
    from notelint.testing import lint

    result = lint(
        tmp_path,
        {"journal.md": "---\ntags: [x]\n---\n### 2999-01-01\n"},
        select=["NL306"],
        config={"dates": {"allow-future": False}},
        today=TODAY,
    )
    assert result.brief() == ["journal.md:4:5: NL306"]
    clean = lint(tmp_path / "clean", {"journal.md": JOURNAL}, select=["NL3"], today=TODAY)
    assert clean.findings == []


@needs_harness
def test_lint_every_rule_fires(tmp_path: Path) -> None:
    from notelint.testing import lint

    text = (
        "---\ntitle: J\ntags: [journal]\nmodified: 2024-01-01\n---\n"
        "### 2024-06-01\n\n### 2024-3-12\n\n### 2024-02-30\n\n#### 2024-02-01\n\n"
        "### 2024-03-05\n\n### 2024-03-05\n\n### 2024-03-20\n"
    )
    result = lint(tmp_path, {"j.md": text}, select=["NL3"], today=TODAY)
    assert result.brief() == [
        "j.md:4:11: NL307",
        "j.md:6:5: NL306",
        "j.md:8:5: NL302",
        "j.md:10:5: NL301",
        "j.md:12:6: NL305",
        "j.md:16:5: NL304",
        "j.md:18:5: NL303",
    ]
    order = result.by_code("NL303")[0]
    assert order.message.startswith("'2024-03-20' comes after the older '2024-03-05' (line 16)")
    assert "2024-03-20" in result.by_code("NL307")[0].message
    assert result.exit_code == 1  # NL301 and NL303 are errors


@needs_harness
def test_lint_fix_rewrites_dates(tmp_path: Path) -> None:
    from notelint.testing import lint

    lint(
        tmp_path,
        {"j.md": "### 2024/3/5 — trip\n\n### March 1, 2024\n"},
        select=["NL302"],
        fix=True,
        today=TODAY,
    )
    assert (tmp_path / "j.md").read_text() == "### 2024-03-05 — trip\n\n### 2024-03-01\n"


@needs_harness
def test_lint_options_from_config(tmp_path: Path) -> None:
    from notelint.testing import lint

    stale = "---\nedited: 2024-01-01\nmodified: 2024-03-05\n---\n### 2024-03-05\n"
    result = lint(
        tmp_path / "fields",
        {"j.md": stale},
        select=["NL307"],
        config={"dates": {"modified-fields": ["edited"]}},
        today=TODAY,
    )
    assert result.brief() == ["j.md:2:9: NL307"]
    bad = lint(
        tmp_path / "bad", {"j.md": stale}, select=["NL303"], config={"dates": {"order": "newest"}}
    )
    assert bad.exit_code == 2
    assert any("dates.order must be one of" in message for message in bad.messages)

    up = headings("2024-01-01", "2024-01-02")
    result = lint(
        tmp_path,
        {"j.md": up},
        select=["NL303"],
        config={"dates": {"order": "ascending"}},
        today=TODAY,
    )
    assert result.findings == []


@needs_harness
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ORDERED_NOTE, st.sampled_from(["descending", "ascending"]), st.data())
def test_property_order_through_lint(values: list[date], order: str, data: st.DataObject) -> None:
    import tempfile

    from notelint.testing import lint

    values.sort(reverse=order == "descending")
    config = {"dates": {"order": order}}
    with tempfile.TemporaryDirectory() as tmp:
        ordered = headings(*(v.isoformat() for v in values))
        assert (
            lint(
                Path(tmp) / "a", {"j.md": ordered}, select=["NL303"], config=config, today=TODAY
            ).findings
            == []
        )
        i = data.draw(st.integers(0, len(values) - 1))
        j = data.draw(st.integers(0, len(values) - 1))
        assume(values[i] != values[j])
        values[i], values[j] = values[j], values[i]
        swapped = headings(*(v.isoformat() for v in values))
        result = lint(
            Path(tmp) / "b", {"j.md": swapped}, select=["NL303"], config=config, today=TODAY
        )
        assert len(result.findings) >= 1


def test_future_slack_boundary() -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert run(DateHeadingFuture, headings(tomorrow.isoformat())) == []


def test_a_link_kept_as_text_still_dates_its_heading() -> None:
    # markdown-it refuses file: URLs, so this heading's plain text keeps the brackets.
    text = "### [2020-4-11.md](file:///home/x/2020-04-11.md)\n"
    found = run(DateHeadingFormat, text)
    assert brief(found) == ["1:6: NL302"]
    assert apply_fixes(text, found) == "### [2020-04-11.md](file:///home/x/2020-04-11.md)\n"


def test_a_heading_naming_another_file_of_the_day_is_not_dated() -> None:
    # flancian-garden gemini/todos_report.md:331-337 lists files: a sync conflict and a
    # backup of a day are other files, not a second entry of that day to merge
    text = (
        "### [2024-07-21.conflicted.1721588864341.md](file:///home/x/a.md)\n\n"
        "### [2024-07-21.md](file:///home/x/2024-07-21.md)\n\n"
        "### [2024-07-21T21_55_30.357Z.Desktop.md](https://example.com/b.md)\n\n"
        "### 2024-07-21.backup.md\n\n"
        "### [2024-07-21.md](https://example.com/2024-07-21.md)\n"
    )
    found = run(DateHeadingDuplicate, text)
    assert brief(found) == ["9:6: NL304"]


def test_setext_and_quoted_headings_are_located_exactly() -> None:
    text = "2024-3-5 notes\n==============\n\n> ### 2024/03/01\n"
    found = run(DateHeadingFormat, text)
    assert brief(found) == ["1:1: NL302", "4:7: NL302"]
    assert apply_fixes(text, found) == "2024-03-05 notes\n==============\n\n> ### 2024-03-01\n"


@needs_harness
def test_lint_fix_keeps_crlf(tmp_path: Path) -> None:
    from notelint.testing import lint

    lint(tmp_path, {"j.md": "### 2024-3-5\r\n\r\ntext\r\n"}, select=["NL302"], fix=True)
    assert (tmp_path / "j.md").read_bytes() == b"### 2024-03-05\r\n\r\ntext\r\n"


HEADING_TEXT = st.text(
    alphabet=st.sampled_from(list("0123456789-/.: []|*_#`\\tMarchy")), max_size=30
)


@given(st.lists(st.tuples(st.integers(1, 6), HEADING_TEXT), max_size=8))
def test_rules_never_crash_on_odd_headings(items: list[tuple[int, str]]) -> None:
    text = "---\nmodified: 2024-01-01\n---\n" + "".join(
        f"{'#' * level} {body}\n\n" for level, body in items
    )
    for rule in dates.RULES:
        for finding in run(rule, text):
            assert finding.span.line >= 1
            if finding.fix is not None:
                line = text.split("\n")[finding.fix.span.line - 1]
                raw = line[finding.fix.span.column - 1 : finding.fix.span.end_column - 1]
                assert parse_heading_date(raw) is not None


def test_toml_frontmatter_modified_is_read_like_yaml(tmp_path: Path) -> None:
    """Hugo/Zola notes keep 'lastmod' in TOML: NL307 points at its line."""
    from notelint.testing import lint

    text = ('+++\ntitle = "Log"\ntags = ["x"]\nlastmod = 2024-01-01\n+++\n'
            "### 2024-03-05\n\n### 2024-03-01\n")
    result = lint(tmp_path, {"log.md": text}, select=["NL307"], today=date(2024, 6, 1))
    assert [(f.code, f.span.line, f.span.column, f.subject) for f in result.findings] == [
        ("NL307", 4, 11, "lastmod")]
