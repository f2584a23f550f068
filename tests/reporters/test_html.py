"""The HTML report, opened in a real headless Chromium: the page draws itself from its
inline data, and what it shows must equal the JSON document of the same run."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from notelint.model import Finding, Severity, Span
from notelint.reporters import Report
from notelint.reporters.html import PAGE_SIZE, HtmlReporter
from notelint_rules.links import BrokenWikilink

PROJECT = Path(__file__).parents[2]
GARDEN = PROJECT / "examples" / "garden"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/test installs it)"
)


def chromium(tmp_path: Path, page: Path, *args: str, fragment: str = "") -> str:
    """Run headless Chromium on ``page``; returns what it printed (the DOM for --dump-dom)."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}", *args, page.as_uri() + fragment,
    ]
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to sandbox as root
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Dom(HTMLParser):
    """The elements of a dumped DOM, with their attributes and text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._open: list[list[str]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        texts: list[str] = []
        self.elements.append((tag, dict(attrs), texts))
        if tag not in ("meta", "input", "br", "img", "link"):
            self._open.append(texts)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for texts in self._open:
            texts.append(data)

    def find(self, tag: str, **attrs: str) -> list[tuple[dict[str, str | None], str]]:
        found = []
        for name, attributes, texts in self.elements:
            if name == tag and all(
                attributes.get(key.replace("_", "-")) == value for key, value in attrs.items()
            ):
                found.append((attributes, "".join(texts)))
        return found

    def with_attr(self, tag: str, attr: str) -> list[tuple[dict[str, str | None], str]]:
        return [
            (attributes, "".join(texts))
            for name, attributes, texts in self.elements
            if name == tag and attr in attributes
        ]


def notelint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "notelint", *args], capture_output=True, text=True,
        cwd=PROJECT, check=False, timeout=300,
    )


@pytest.fixture(scope="module")
def garden(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The example garden's page and JSON document from the same settings."""
    folder = tmp_path_factory.mktemp("garden-report")
    page = folder / "report.html"
    common = ["check", "examples/garden", "--offline", "--no-cache"]
    assert notelint(*common, "--format", "html", "--output", str(page)).returncode == 1
    done = notelint(*common, "--format", "json")
    return page, json.loads(done.stdout)


@needs_chromium
def test_garden_page_counts_equal_the_json(
    tmp_path: Path, garden: tuple[Path, dict[str, object]]
) -> None:
    page, document = garden
    findings: list[dict[str, object]] = document["findings"]  # type: ignore[assignment]
    dom = Dom(chromium(tmp_path, page, "--dump-dom"))
    assert dom.find("html", data_ready="true"), "the page's script did not finish"
    per_rule = {
        str(attrs["data-code"]): int(str(attrs["data-count"]))
        for attrs, text in dom.with_attr("tr", "data-code")
        if text.endswith(str(attrs["data-count"]))  # the count shown is the count kept
    }
    assert per_rule == dict(Counter(str(f["code"]) for f in findings))
    shown = dom.find("span", id="shown")[0][0]
    assert shown["data-count"] == str(len(findings))
    listed = dom.with_attr("li", "data-code")
    assert len(listed) == len(findings)  # one page holds them all
    assert Counter(attrs["data-code"] for attrs, _ in listed) == Counter(
        f["code"] for f in findings
    )
    groups = [attrs["data-path"] for attrs, _ in dom.with_attr("div", "data-path")]
    assert groups == sorted(set(str(f["path"]) for f in findings), key=groups.index)
    assert len(groups) == len({f["path"] for f in findings})
    wanted = [attrs["data-target"] for attrs, _ in dom.with_attr("li", "data-target")]
    assert wanted == [item["target"] for item in document["wanted"]]  # type: ignore[attr-defined]
    spans = dom.with_attr("span", "data-severity")
    totals = {attrs["data-severity"]: text for attrs, text in spans}
    summary: dict[str, int] = document["summary"]  # type: ignore[assignment]
    assert totals["error"].startswith(f"{summary['error']} error")
    assert totals["warning"].startswith(f"{summary['warning']} warning")
    bars = dom.find("rect")
    assert {attrs["data-family"] for attrs, _ in bars} == {
        attrs["data-family"] for attrs, _ in dom.with_attr("tr", "data-family")
    }


@needs_chromium
def test_garden_screenshot(tmp_path: Path, garden: tuple[Path, dict[str, object]]) -> None:
    page, _ = garden
    shot = tmp_path / "garden.png"
    chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1280,2400")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000


@needs_chromium
def test_filters_from_the_address(
    tmp_path: Path, garden: tuple[Path, dict[str, object]]
) -> None:
    page, document = garden
    findings: list[dict[str, object]] = document["findings"]  # type: ignore[assignment]
    expected = [f for f in findings if f["code"] == "NL302" and f["severity"] == "warning"]
    assert expected
    dom = Dom(chromium(tmp_path, page, "--dump-dom", fragment="#rule=NL302&severity=warning"))
    assert dom.find("span", id="shown")[0][0]["data-count"] == str(len(expected))
    listed = dom.with_attr("li", "data-code")
    assert [attrs["data-code"] for attrs, _ in listed] == ["NL302"] * len(expected)


def test_page_is_self_contained(garden: tuple[Path, dict[str, object]]) -> None:
    text = garden[0].read_text(encoding="utf-8")
    assert "default-src 'none'" in text  # the browser itself refuses any fetch
    for attr in ("src=", "href=", "url(", "@import"):
        assert attr not in text.replace('href: "#"', "")


def _big_report(count: int, hostile: str = "") -> Report:
    findings = [
        Finding(
            path=f"notes/n{index // 7:05}.md",
            span=Span.point(index % 7 + 1),
            code="NL101",
            rule="broken-wikilink",
            severity=Severity.ERROR,
            message=f"[[gone {index}]] points to nothing{hostile}",
            subject=f"gone {index % 500}",
        )
        for index in range(count)
    ]
    return Report(findings, root="vault", files=count // 7, rules={"NL101": BrokenWikilink})


@needs_chromium
def test_thirty_thousand_findings_are_paged(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    stream = io.StringIO()
    HtmlReporter(stream).write(_big_report(30_000))
    page.write_text(stream.getvalue(), encoding="utf-8")
    dom = Dom(chromium(tmp_path, page, "--dump-dom", fragment="#page=3"))
    assert dom.find("span", id="shown")[0][0]["data-count"] == "30000"
    listed = dom.with_attr("li", "data-code")
    assert len(listed) == PAGE_SIZE
    assert "[[gone 400]]" in listed[0][1]  # page 3 starts at finding 2 * 200
    assert dom.find("span", id="page")[0][1] == f"page 3 of {30_000 // PAGE_SIZE}"
    assert float(str(dom.find("html")[0][0]["data-render-ms"])) > 0


@needs_chromium
def test_note_text_is_never_markup(tmp_path: Path) -> None:
    hostile = '</script><img src=x id="injected"><script>document.title="pwned"</script>'
    page = tmp_path / "hostile.html"
    stream = io.StringIO()
    HtmlReporter(stream).write(_big_report(3, hostile))
    page.write_text(stream.getvalue(), encoding="utf-8")
    dom = Dom(chromium(tmp_path, page, "--dump-dom"))
    assert dom.find("html", data_ready="true")
    assert not dom.find("img", id="injected")
    assert "pwned" not in "".join(text for _, text in dom.find("title"))
    assert hostile in dom.with_attr("li", "data-code")[0][1]


def _title(page: str) -> str:
    dom = Dom(page)
    return "".join(text for _, text in dom.find("title"))


def test_a_vault_checked_as_dot_is_titled_by_its_folder_name(tmp_path: Path) -> None:
    """'notelint report: .' names nothing once the page is an attachment or a CI
    artifact; the folder's own name does."""
    vault = tmp_path / "my garden"
    vault.mkdir()
    (vault / "a.md").write_text("---\ntags: [a]\n---\n# A\n[[gone]]\n", encoding="utf-8")
    page = tmp_path / "r.html"
    done = subprocess.run(
        [sys.executable, "-m", "notelint", "check", "--offline", "--no-cache",
         "--format", "html", "--output", str(page), "."],
        capture_output=True, text=True, cwd=vault, check=False, timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert _title(page.read_text(encoding="utf-8")) == "notelint report: my garden"


@pytest.mark.parametrize(
    ("root", "name"),
    [("notes/garden", "garden"), ("notes/garden/", "garden"), ("..", "work"), ("/", "/")],
)
def test_the_title_names_the_last_folder_of_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str, name: str
) -> None:
    here = tmp_path / "work" / "here"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    stream = io.StringIO()
    HtmlReporter(stream).write(Report([], root=root, files=0))
    assert _title(stream.getvalue()) == f"notelint report: {name}"
