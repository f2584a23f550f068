"""The links rule family: every internal link, embed and image resolves (NL101–NL107).

A vault is a web of links; one renamed note silently breaks every page pointing at it,
and Quartz turns each into a 404. All resolution happens in ``notelint.vault`` (the
``Resolver``), the same way Quartz and Obsidian resolve; this module only decides which
outcome is worth telling, in which words, with which fix. One analysis per run is shared
by the seven rules (it is memoised on the resolver).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notelint.config import ConfigError
from notelint.flavor import FLAVOR_CHOICES, settings_files
from notelint.model import Finding, Fix, Link, LinkKind, Note, Severity, Span
from notelint.rule import Rule, RuleContext
from notelint.vault import (
    RESOLUTION_MODES,
    SLUG_MODES,
    Resolved,
    Resolver,
    Status,
    Vault,
    confident,
    has_note_suffix,
    is_draft,
    strip_note_suffix,
)

#: Schemes that are certainly not part of a wiki-link's note name (``[[Agora: x]]`` is).
URL_SCHEMES = frozenset(
    {"http", "https", "mailto", "tel", "file", "obsidian", "data", "javascript", "ftp", "zotero"}
)
_HOME_FILE_RE = re.compile(
    r"^file:/*(?:localhost/+)?(?:~|home/|users/|[a-z]:[/\\]+(?:users|documents and settings)[/\\])",
    re.IGNORECASE,
)

#: ``host.tld/...`` with a TLD that is no file extension: a URL missing its scheme.
_FILE_EXTENSIONS = (
    "md|markdown|png|jpe?g|gif|svg|webp|avif|pdf|html?|txt|csv|json|ya?ml|toml|canvas|css|js|ts|"
    "py|mp[34]|mov|webm|ogg|wav|zip|gz|tar|docx?|xlsx?|pptx?|excalidraw|base|ipynb|rst|tex|bib"
)
_WEB_ADDRESS_RE = re.compile(
    rf"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?!(?:{_FILE_EXTENSIONS})(?:/|$))[a-z]{{2,24}}(?:/|$)",
    re.IGNORECASE,
)


_WIKI_RE = re.compile(r"!?\[\[.*?\]\]")

_MEDIA_SUFFIXES = frozenset(
    {
        *("png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "ico", "tif", "tiff"),
        *("heic", "mp4", "webm", "mov", "mkv", "ogv", "mp3", "wav", "ogg", "m4a", "flac", "pdf"),
    }
)


@dataclass(frozen=True)
class LinksOptions:
    """Settings of the ``[tool.notelint.links]`` table, shared by NL101–NL107."""

    flavor: str = field(
        default="auto",
        metadata={
            "help": "whose link rules apply: quartz (slugs, case kept, aliases are pages), "
            "obsidian (case ignored, aliases are not files) or auto (quartz.config.ts at "
            "or above the root: quartz; .obsidian/: obsidian; both or neither: quartz)"
        },
    )
    resolution: str | None = field(
        default=None,
        metadata={
            "help": "shortest (a bare name matches anywhere), relative (to the linking "
            "note) or absolute (from the vault root); unset: the vault's own setting "
            "(Quartz's markdownLinkResolution, else shortest)"
        },
    )
    virtual: tuple[str, ...] = field(
        default=("tags/**",),
        metadata={"help": "globs of pages the site generator makes (valid link targets)"},
    )
    slug: str | None = field(
        default=None,
        metadata={
            "help": "how #anchors name headings: github (Quartz/GitHub slugs, -1 for "
            "duplicates) or obsidian (the heading text, case-insensitive, #A#B chains); "
            "unset: the flavor's (github for quartz, obsidian for obsidian)"
        },
    )

    def __post_init__(self) -> None:
        if self.flavor not in FLAVOR_CHOICES:
            raise ConfigError(
                f"links.flavor must be one of {', '.join(FLAVOR_CHOICES)}, not {self.flavor!r}"
            )
        if self.resolution is not None and self.resolution not in RESOLUTION_MODES:
            raise ConfigError(
                f"links.resolution must be one of {', '.join(RESOLUTION_MODES)}, "
                f"not {self.resolution!r}"
            )
        if self.slug is not None and self.slug not in SLUG_MODES:
            raise ConfigError(
                f"links.slug must be one of {', '.join(SLUG_MODES)}, not {self.slug!r}"
            )


@dataclass(frozen=True, slots=True)
class Problem:
    """One link outcome worth a finding, before it becomes a rule's ``Finding``."""

    code: str
    note: Note
    span: Span
    message: str
    suggestion: str | None = None
    fix: Fix | None = None
    #: the link target as written, without the alias: what baselines and the wanted-notes
    #: list match on
    subject: str | None = None


# -- the shared analysis -----------------------------------------------------------------


def resolver_for(vault: Vault, options: LinksOptions) -> Resolver:
    return vault.resolver(options.resolution, options.virtual, options.slug, options.flavor)


def analyse(vault: Vault, options: LinksOptions) -> list[Problem]:
    """Every link problem in the reported notes (computed once per vault and settings)."""
    resolver = resolver_for(vault, options)
    cached = resolver.memo.get("problems")
    if cached is None:
        cached = resolver.memo["problems"] = list(_analyse(vault, resolver))
    problems: list[Problem] = cached
    return problems


def _analyse(vault: Vault, resolver: Resolver) -> Iterator[Problem]:
    for note in vault.reported_notes():
        if not resolver.checks(note.rel):
            continue  # left out by the publisher (ignorePatterns) or excluded (Obsidian)
        source_is_draft = is_draft(note)
        for link, problem in _note_problems(resolver, note, source_is_draft):
            yield problem if problem.subject is not None else _about(problem, link)


def _note_problems(
    resolver: Resolver, note: Note, source_is_draft: bool
) -> list[tuple[Link, Problem]]:
    """The problems of ``note``'s links, in link order. With a suggestion budget
    (``Vault.suggestions_per_note``, set by the language server) every link is checked
    without suggestions first, which is cheap, and only the links of the first
    ``budget`` problems by position are checked again with them: exactly the findings
    an editor is shown read as the CLI's, and the rest skip the costly search."""
    budget = resolver.vault.suggestions_per_note
    if budget is None:
        return [(link, problem) for link in note.links
                for problem in check_link(resolver, note, link, source_is_draft)]
    found = [(link, list(check_link(resolver, note, link, source_is_draft, suggest=False)))
             for link in note.links]
    first = sorted(
        (problem.span.line, problem.span.column, index)
        for index, (_, problems) in enumerate(found) for problem in problems
    )[:budget]
    for index in {index for _, _, index in first}:
        link = found[index][0]
        found[index] = (link, list(check_link(resolver, note, link, source_is_draft)))
    return [(link, problem) for link, problems in found for problem in problems]


def _about(problem: Problem, link: Link) -> Problem:
    """``problem`` with its subject: the target as written (``raw``), alias excluded."""
    return Problem(
        problem.code,
        problem.note,
        problem.span,
        problem.message,
        problem.suggestion,
        problem.fix,
        link.raw.strip(),
    )


def is_local(link: Link) -> bool:
    """A path inside the vault: no scheme, or (for wiki-links) a colon in a note's name.

    A wiki-link is a URL only as ``scheme://...`` or as a known scheme glued to its
    address (``[[mailto:me@x.org]]``); ``[[javascript: the good parts]]`` and
    ``[[Agora: x]]`` name notes.
    """
    if link.kind in (LinkKind.AUTOLINK, LinkKind.BARE_URL):
        return False
    if link.scheme is None:
        return True
    if not link.kind.is_wiki:
        return False
    raw = link.raw.strip()
    if "://" in raw:
        return False
    if link.scheme not in URL_SCHEMES:
        return True
    after = raw[len(link.scheme) + 1 : len(link.scheme) + 2]
    return after == "" or after.isspace()


def check_link(
    resolver: Resolver, note: Note, link: Link, source_is_draft: bool = False,
    *, suggest: bool = True,
) -> Iterator[Problem]:
    """The problems of one link written in ``note``; without ``suggest`` a missing
    target or anchor is reported without looking for the closest existing one."""
    if not is_local(link):
        if link.scheme == "file" and _HOME_FILE_RE.match(link.raw.strip()):
            yield Problem(
                _missing_code(link),
                note,
                link.span,
                f"{_shown(link)} is an absolute file:// path into a home folder; it will "
                "not work once published: put the file in the vault and link it relatively",
            )
        return
    if not link.target.strip() and not (link.fragment or "").strip():
        return  # "[x]()" or "[x](#)": nothing to resolve
    found = resolver.resolve_link(link, note.rel)
    if found.status.broken:
        yield _missing(resolver, note, link, found, suggest=suggest)
        return
    if found.status is Status.AMBIGUOUS:
        yield _ambiguous(resolver, note, link, found)
    elif found.status is Status.CASE_MISMATCH:
        yield _case_mismatch(resolver, note, link, found)
    if not found.status.found or found.rel is None:
        return
    if link.fragment:
        problem = _anchor(resolver, note, link, found.rel, suggest=suggest)
        if problem is not None:
            yield problem
    # from the index facts: rebuilding every target note to read one flag costs the most
    if found.rel != note.rel and found.rel in resolver.vault.notes and not source_is_draft:
        why = resolver.hidden(found.rel)
        if why is not None:
            yield Problem("NL107", note, link.span, f"{_shown(link)} links to '{found.rel}', {why}")


def _missing_code(link: Link) -> str:
    if link.kind.is_image_like:
        return "NL103"
    return "NL101" if link.kind is LinkKind.WIKILINK else "NL102"


def _missing(
    resolver: Resolver, note: Note, link: Link, found: Resolved, *, suggest: bool = True
) -> Problem:
    shown = _shown(link)
    target = link.target.strip()
    if found.status is Status.OUTSIDE:
        return Problem(
            _missing_code(link),
            note,
            link.span,
            f"{shown} climbs above the vault root; only files inside the vault are published",
            subject=target,
        )
    if not link.kind.is_wiki and _WEB_ADDRESS_RE.match(target):
        return _missing_scheme(note, link)
    aliased = _alias_problem(resolver, note, link, target)
    if aliased is not None:
        return aliased
    left_out = resolver.left_out(target)
    if left_out:
        return Problem(
            _missing_code(link),
            note,
            link.span,
            f"{shown} points to '{left_out[0]}', which {resolver.flavor.publisher} leaves out "
            "of the site (ignorePatterns), so the link breaks once published: publish the "
            "file or drop the link",
            subject=target,
        )
    choices = resolver.suggest(target, note.rel, wiki=link.kind.is_wiki) if suggest else ()
    what = "image or file" if _looks_like_media(target) else "note or file"
    if target.endswith("/"):
        what = "folder"
    where = f"named '{target}'" if _name_style(target, resolver) else f"at '{target}'"
    message = f"{shown} points to nothing: no {what} {where} in the vault"
    suggestion = choices[0] if choices else None
    fix = None
    if suggestion is not None:
        message += f"; did you mean '{suggestion}'?"
        if len(choices) == 1 and confident(target, suggestion):
            fix = _target_fix(note, link, suggestion)
    else:
        message += "; create it or correct the name" + _unsuggested(resolver, suggest)
    return Problem(_missing_code(link), note, link.span, message, suggestion, fix, target)


def _alias_problem(resolver: Resolver, note: Note, link: Link, target: str) -> Problem | None:
    """A missing name that is (loosely) some note's alias.

    Where aliases are pages (Quartz) the alias was miswritten: suggest its spelling.
    Where they are not (Obsidian), ``[[Alias]]`` opens nothing: the link Obsidian itself
    writes for an alias is ``[[Real note|Alias]]``.
    """
    if link.kind is not LinkKind.WIKILINK or "/" in target:
        return None
    found = resolver.aliases_like(target)
    if not found:
        return None
    rel, alias = found[0]
    fix = None
    if resolver.flavor.aliases_are_targets:
        suggestion = alias
        why = f"'{alias}' is an alias of '{rel}', spelled differently"
        if len(found) == 1 and confident(target, alias):
            fix = _target_fix(note, link, alias, keep_text=True)
    else:
        stem = strip_note_suffix(rel.rpartition("/")[2])
        suggestion = f"{stem}|{alias}" if link.alias is None else stem
        why = (
            f"'{alias}' is an alias of '{rel}', and {resolver.flavor.publisher} opens "
            "files by name, not by alias"
        )
        if len(found) == 1 and _prefer_name(resolver, stem, note.rel) == rel:
            fix = _alias_fix(note, link, stem, alias)
    return Problem(
        _missing_code(link),
        note,
        link.span,
        f"{_shown(link)} points to nothing: no note or file named '{target}'; {why}; "
        f"did you mean '{suggestion}'?",
        suggestion,
        fix,
        target,
    )


def _prefer_name(resolver: Resolver, name: str, from_rel: str) -> str | None:
    """The file a bare ``name`` opens from ``from_rel``, when it opens one for sure."""
    found = resolver.resolve(name, from_rel)
    return found.rel if found.status is Status.OK else None


def _alias_fix(note: Note, link: Link, stem: str, alias: str) -> Fix | None:
    """``[[Alias]]`` -> ``[[Real note|Alias]]`` (an existing ``|text`` is kept)."""
    span = link.target_span
    if span is None or _span_text(note, span) != link.raw or any(c in stem for c in "|#[]"):
        return None
    cut = link.raw.find("#")
    rest = link.raw[cut:] if cut >= 0 else ""
    if link.alias is None:
        in_table = "|" in _WIKI_RE.sub("", note.line_text(span.line))
        rest += ("\\|" if in_table else "|") + link.raw
    return Fix(span, stem + rest)


def _missing_scheme(note: Note, link: Link) -> Problem:
    """``[x](nav.al)``: a web address written without ``https://`` reads as a file path."""
    suggestion = "https://" + link.raw
    span = link.target_span
    fix = Fix(span, suggestion) if span is not None and _span_text(note, span) == link.raw else None
    return Problem(
        _missing_code(link),
        note,
        link.span,
        f"{_shown(link)} looks like a web address without 'https://', so it is read as a "
        f"file in the vault, which does not exist; write '{suggestion}'",
        suggestion,
        fix,
    )


def _looks_like_media(target: str) -> bool:
    suffix = target.rsplit(".", 1)[-1].lower() if "." in target.rsplit("/", 1)[-1] else ""
    return suffix in _MEDIA_SUFFIXES


def _name_style(target: str, resolver: Resolver) -> bool:
    return "/" not in target.rstrip("/") and resolver.resolution == "shortest"


def _ambiguous(resolver: Resolver, note: Note, link: Link, found: Resolved) -> Problem:
    names = ", ".join(found.candidates[:5])
    more = f" and {len(found.candidates) - 5} more" if len(found.candidates) > 5 else ""
    chosen = strip_note_suffix(found.rel or "")
    if resolver.flavor.new_link_format == "relative":
        chosen = posixpath.relpath(chosen, note.rel.rpartition("/")[0] or ".")
    message = resolver.flavor.ambiguous(len(found.candidates), names + more, chosen, None)
    return Problem("NL105", note, link.span, f"{_shown(link)} {message}", suggestion=chosen)


def _case_mismatch(resolver: Resolver, note: Note, link: Link, found: Resolved) -> Problem:
    flavor = resolver.flavor
    spelled = respell(
        link.target.strip(), found.rel or "", lambda part: flavor.fold(flavor.key(part))
    )
    others = [rel for rel in found.candidates if rel != found.rel]
    extra = f" (also {', '.join(others[:3])})" if others else ""
    # say "folder" when the case differs in a folder's name (or the link is a folder)
    written, real = link.target.strip().split("/"), spelled.split("/")
    differs = [index for index, (a, b) in enumerate(zip(written, real, strict=False)) if a != b]
    kind, shown_as = "file", spelled
    if found.rel in resolver.vault.folders:
        kind = "folder"
    elif differs and differs[-1] < len(real) - 1:
        kind, shown_as = "folder", "/".join(real[: differs[-1] + 1])
    return Problem(
        "NL106",
        note,
        link.span,
        f"{_shown(link)} matches '{found.rel}' only when case is ignored{extra}; "
        + resolver.flavor.case_mismatch(kind, shown_as),
        suggestion=spelled,
        fix=_target_fix(note, link, spelled, keep_text=True) if not others else None,
    )


def _unsuggested(resolver: Resolver, suggest: bool) -> str:
    """What a finding says when its suggestion was not looked for (the server's budget)."""
    if suggest:
        return ""
    return (f" (no suggestion looked for past the first {resolver.vault.suggestions_per_note}"
            " broken links of a note in the editor; `notelint check` gives them all)")


def _anchor(
    resolver: Resolver, note: Note, link: Link, rel: str, *, suggest: bool = True
) -> Problem | None:
    fragment = link.fragment or ""
    check = resolver.check_anchor(rel, fragment, wiki=link.kind.is_wiki, suggest=suggest)
    if check.ok:
        return None
    where = "this note" if rel == note.rel else f"'{rel}'"
    if check.block:
        message = f"{_shown(link)}: there is no block ^{fragment[1:]} in {where}"
        choices = tuple("^" + choice for choice in check.choices)
    else:
        message = f"{_shown(link)}: there is no heading '#{fragment}' in {where}"
        choices = check.choices
    suggestion = choices[0] if choices else None
    fix = None
    if suggestion is not None:
        message += f"; did you mean '#{suggestion}'?"
        # as for names: only a difference of case, separators or punctuation is fixed
        # unasked; a merely similar heading may be another section altogether
        if len(choices) == 1 and confident(fragment.lstrip("^"), suggestion.lstrip("^")):
            fix = _fragment_fix(note, link, suggestion)
    elif check.block:
        message += (f"; add ' ^{fragment[1:]}' at the end of the paragraph meant, or drop "
                    f"'#{fragment}' from the link" + _unsuggested(resolver, suggest))
    else:
        message += (f"; add the heading to {where}, or drop '#{fragment}' from the link"
                    + _unsuggested(resolver, suggest))
    return Problem("NL104", note, link.span, message, suggestion, fix)


# -- spelling things back into the source ----------------------------------------------


def respell(target: str, rel: str, key: Callable[[str], str] = str.casefold) -> str:
    """``target`` with each name part spelled as the file ``rel`` on disk is.

    ``key`` says when a part names a path segment (the flavor's key, case folded: for
    Quartz ``zeon's-call`` is the segment ``Zeon's Call``)."""
    parts = target.split("/")
    real = rel.split("/")
    index = len(real) - 1
    for position in range(len(parts) - 1, -1, -1):
        part = parts[position]
        if part in ("", "."):
            continue
        if part == ".." or index < 0:
            break
        actual = real[index]
        if part == actual or key(part) == key(actual):
            parts[position] = actual
        elif key(strip_note_suffix(part)) == key(strip_note_suffix(actual)):
            parts[position] = strip_note_suffix(actual) + part[len(strip_note_suffix(part)) :]
        else:
            break
        index -= 1
    return "/".join(parts)


def _span_text(note: Note, span: Span) -> str | None:
    if span.line != span.end_line:
        return None
    line = note.line_text(span.line)
    if span.end_column - 1 > len(line):
        return None
    return line[span.column - 1 : span.end_column - 1]


def _target_fix(note: Note, link: Link, new_target: str, *, keep_text: bool = False) -> Fix | None:
    """Replace the path part of the written target, keeping ``#fragment``/``?query``.

    ``keep_text``: what the reader sees stays as written. A ``[[wiki-link]]`` without
    an alias shows its target, so respelling the target adds the old one as the alias
    (``[[stack]]`` -> ``[[Stack|stack]]``).
    """
    span = link.target_span
    if span is None or _span_text(note, span) != link.raw:
        return None
    raw = link.raw
    if link.kind.is_wiki:
        cut = raw.find("#")
        rest = raw[cut:] if cut >= 0 else ""
        if any(char in new_target for char in "|#[]"):
            return None
        if keep_text and link.kind is LinkKind.WIKILINK and link.alias is None:
            # in a table row a bare "|" would end the cell: write it escaped there
            in_table = "|" in _WIKI_RE.sub("", note.line_text(span.line))
            bar = "\\|" if in_table else "|"
            if any(char in raw for char in "|[]"):
                return None
            rest += bar + raw
    else:
        cuts = [index for index in (raw.find("#"), raw.find("?")) if index >= 0]
        rest = raw[min(cuts) :] if cuts else ""
        new_target = _encode(new_target, keep_spaces=" " in raw)
    if has_note_suffix(link.target) and not has_note_suffix(new_target):
        return None  # never drop a written extension silently
    return Fix(span, new_target + rest)


def _fragment_fix(note: Note, link: Link, fragment: str) -> Fix | None:
    span = link.target_span
    if span is None or _span_text(note, span) != link.raw or "#" not in link.raw:
        return None
    if link.kind.is_wiki and any(char in fragment for char in "|[]"):
        return None
    if not link.kind.is_wiki:
        fragment = _encode(fragment, keep_spaces=False)
    head = link.raw[: link.raw.index("#") + 1]
    return Fix(span, head + fragment)


def _encode(text: str, *, keep_spaces: bool) -> str:
    """A path as a Markdown destination: spaces as ``%20`` unless written in ``<...>``."""
    text = text.replace("%", "%25") if "%" in text else text
    return text if keep_spaces else text.replace(" ", "%20")


def _shown(link: Link) -> str:
    """The link as the reader wrote it, short enough for a message."""
    raw = link.raw if len(link.raw) <= 80 else link.raw[:77] + "..."
    if link.kind is LinkKind.WIKILINK:
        return f"[[{raw}]]"
    if link.kind is LinkKind.EMBED:
        return f"![[{raw}]]"
    if link.kind is LinkKind.IMAGE:
        return f"image '{raw}'"
    if link.kind is LinkKind.HTML_IMAGE:
        return f'<img src="{raw}">'
    if link.kind is LinkKind.HTML_LINK:
        return f'<a href="{raw}">'
    return f"link '{raw}'"


# -- the rules ---------------------------------------------------------------------------


class _LinkRule(Rule):
    """Shared plumbing: run the analysis, keep this rule's code."""

    family = "links"
    Options: type[Any] = LinksOptions
    options: LinksOptions

    def inputs(self, root: Path) -> Iterable[Path]:
        # the flavor's settings: a changed quartz.config.ts or app.json re-runs the rules
        return settings_files(root)

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterable[Finding]:
        for problem in analyse(vault, self.options):
            if problem.code == self.code:
                yield self.finding(
                    problem.note,
                    problem.span,
                    problem.message,
                    suggestion=problem.suggestion,
                    fix=problem.fix,
                    subject=problem.subject,
                )


class BrokenWikilink(_LinkRule):
    """A `[[wiki-link]]` names no note, file, folder or generated page in the vault.

    Quartz renders a broken wiki-link as a link to a 404 page, and Obsidian silently
    creates an empty note when someone clicks it. Every verdict is the publisher's own,
    read from the vault (`flavor = "auto"`): `quartz.config.ts` (or `.js`) at or above the
    root means Quartz, `.obsidian/` means Obsidian, both or neither mean Quartz
    (publishing is the stricter target); `notelint check --verbose` prints which.

    - **quartz**: names are compared as Quartz's slugs — spaces and `-` are one
      (`[[red-fox]]` is `red fox.md`), `&` is `-and-`, `%` is `-percent`, `?` and `#` are
      dropped, the target is `decodeURI`d — with their case (see NL106); a bare name is
      the unique file of that name, else the page at the vault root; frontmatter `aliases`
      are pages; `quartz.config.ts` is read as text, never run: its `ignorePatterns` are
      neither checked nor link targets, its `markdownLinkResolution` is the `resolution`.
    - **obsidian**: names are compared as written, case ignored; a bare name opens the
      file at that path from the vault root, else the one in the linking note's folder,
      else the one with the shortest path; aliases are NOT files:
      `[[Alias]]` is reported with "did you mean 'Real note|Alias'", the link Obsidian
      itself writes. `.obsidian/app.json` is read as JSON: `userIgnoreFilters` are not
      checked, `attachmentFolderPath` is where embeds look first.

    In both, `.md` is optional, a path is read from the vault root, then from the linking
    note's folder; folders count; `links.virtual` globs (default `tags/**`) name pages the
    site generator makes. The finding suggests the closest existing name (same words with
    different case, `-`, `_` or spaces, or at least 70% alike) and fixes the link when
    exactly one name fits that closely.

    ## Bad
    ```markdown
    See [[Zeons Call]] and [[projects/2023 plan]].
    ```

    ## Good
    ```markdown
    See [[Zeon's Call]] and [[projects/2024 plan]].
    ```
    """

    code = "NL101"
    holds_on_part = True
    reports_missing_target = True
    name = "broken-wikilink"
    summary = "wiki-link to a note that does not exist"
    severity = Severity.ERROR
    fixable = True


class BrokenLink(_LinkRule):
    """A relative Markdown or HTML link points to no file or folder in the vault.

    Covers `[text](path.md)`, `[text](<a b.md>)`, `[text](Zeon's%20Call.md)`,
    reference-style links, `[text](folder/)` and `<a href>`. Paths are read relative to
    the linking note first (as GitHub shows them), then from the vault root; `/path`
    always from the root. A `file://` link into a home folder is reported too: it only
    works on the author's own machine. Other schemes (`https:`, `mailto:`, `obsidian://`)
    are not vault paths and are left to the URL rules.

    ## Bad
    ```markdown
    [the plan](../projects/plan.md) and [notes](file:///home/me/notes/x.md)
    ```

    ## Good
    ```markdown
    [the plan](../projects/2024%20plan.md) and [notes](notes/x.md)
    ```
    """

    code = "NL102"
    holds_on_part = True
    reports_missing_target = True
    name = "broken-link"
    summary = "relative Markdown or HTML link to a missing file or folder"
    severity = Severity.ERROR
    fixable = True


class BrokenImage(_LinkRule):
    """An image or embed points to no file: `![alt](img.png)`, `![[file.png|300]]`,
    `![[note#section]]`, `<img src>`.

    A missing image shows as a broken icon, a missing embed as an empty box. The finding
    suggests the closest existing file (say `quartz-layout.png` for `quartz layout.png`).

    ## Bad
    ```markdown
    ![[quartz layout.png|800]]
    ```

    ## Good
    ```markdown
    ![[quartz-layout.png|800]]
    ```
    """

    code = "NL103"
    holds_on_part = True
    reports_missing_target = True
    name = "broken-image"
    summary = "image or embed of a missing file"
    severity = Severity.ERROR
    fixable = True


class BrokenAnchor(_LinkRule):
    """A `#heading` or `#^block` names nothing in the target note (or this note).

    In the quartz flavor (`slug = "github"`), `[[note#Next Steps]]` and
    `[x](note.md#next-steps)` both mean the heading whose slug is `next-steps`; duplicate
    headings get `-1`, `-2`... In the obsidian flavor (`slug = "obsidian"`) the fragment
    is the heading as written (the heading ``# Use `run` `` is ``[[#Use `run`]]``), case
    ignored, and `#A#B` names heading `B` below `A`. `#^id` names a block id. `[[#Heading]]` is
    always read in the linking note itself. A fix is offered only when the heading differs
    in case, separators or punctuation alone; a merely similar one is a suggestion.

    ## Bad
    ```markdown
    [[configuration#Plugin]] and [[#^missing-block]]
    ```

    ## Good
    ```markdown
    [[configuration#Plugins]] and [[#^block-1]]
    ```
    """

    code = "NL104"
    name = "broken-anchor"
    summary = "#heading or #^block missing in the target note"
    severity = Severity.ERROR
    fixable = True


class AmbiguousLink(_LinkRule):
    """A bare name that several files carry, and the publisher has no single answer.

    Quartz takes a name only when it is unique and otherwise links the page of that
    name at the vault root: reported when there is none (the link 404s). Obsidian takes
    the file at that path from the vault root (spelled exactly), then the one in the
    linking note's folder, then the one with the shortest path: reported only when two
    candidates tie, so that which one opens is arbitrary. The finding names every
    candidate; write the path of the one you mean.

    ## Bad
    ```markdown
    [[index]]   <!-- index.md, features/index.md and plugins/index.md -->
    ```

    ## Good
    ```markdown
    [[features/index]]
    ```
    """

    code = "NL105"
    holds_on_part = True
    name = "ambiguous-link"
    summary = "link name matched by several files"
    severity = Severity.WARNING


class LinkCaseMismatch(_LinkRule):
    """The link matches a file (or folder) only when case is ignored: quartz flavor only.

    macOS and Windows file systems and Obsidian ignore case, so the link works while
    writing; Quartz's page URLs keep the case, so the published link 404s. The finding
    names the exact spelling on disk (the file's, or the folder's when a folder name
    differs) and the fix rewrites the target while the reader still sees the old text:
    `[[stack]]` becomes `[[Stack|stack]]`. In the obsidian flavor case never matters and
    this rule reports nothing.

    ## Bad
    ```markdown
    [[obsidian compatibility]]   <!-- the file is "Obsidian compatibility.md" -->
    ```

    ## Good
    ```markdown
    [[Obsidian compatibility]]
    ```
    """

    code = "NL106"
    holds_on_part = True
    name = "link-case-mismatch"
    summary = "link resolves only when case is ignored"
    severity = Severity.WARNING
    fixable = True


class LinkToDraft(_LinkRule):
    """The link points to a note with `draft: true` in its frontmatter.

    Quartz's `RemoveDrafts` filter (on unless `quartz.config.ts` leaves it out) drops
    drafts from the site, so the link works in the editor and 404s once published; with
    the `ExplicitPublish` filter, a link to any note without `publish: true` is reported
    the same way. Links between drafts are fine. In the obsidian flavor nothing is
    reported: Obsidian shows every note.

    ## Bad
    ```markdown
    Read [[upcoming plans]] next.   <!-- upcoming plans.md has draft: true -->
    ```

    ## Good
    ```markdown
    Read [[published plans]] next.
    ```
    """

    code = "NL107"
    holds_on_part = True
    name = "link-to-draft"
    summary = "link to a note marked draft: true"
    severity = Severity.WARNING


RULES: list[type[Rule]] = [
    BrokenWikilink,
    BrokenLink,
    BrokenImage,
    BrokenAnchor,
    AmbiguousLink,
    LinkCaseMismatch,
    LinkToDraft,
]
