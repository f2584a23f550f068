"""The graph rule family: what the vault's link graph says about whole notes and files.

Link checkers that read one file at a time cannot tell that a note nobody links to is
unreachable on the published site, or that an image no note shows any more is dead
weight in the repository. notelint holds every note's links: this module walks them once,
resolving each exactly as the links rules do (through the same ``Resolver``, under the
same ``links`` settings), and counts which notes and files are pointed at.

Both rules are off by default: an orphan or a spare image is a matter of taste in many
gardens, and reporting them unasked would drown the findings that break a site.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from notelint.model import Finding, LinkKind, Severity, Span
from notelint.rule import Rule, RuleContext
from notelint.vault import Resolver, Status, Vault, compile_globs
from notelint_rules.links import LinksOptions, is_local, resolver_for


@dataclass(frozen=True)
class GraphOptions:
    """Settings of the ``[tool.notelint.graph]`` table, shared by NL601 and NL602."""

    entry_points: tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "globs (root-relative) of notes readers reach without a link: home "
            "pages, hubs, notes linked from the site's navigation; never orphans"
        },
    )
    keep: tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "globs (root-relative) of non-note files kept on purpose though no note "
            "links them (a favicon, downloads linked from outside); notelint's own files "
            "(configuration, baseline, word lists) and repository files at the root "
            "(LICENSE, CNAME, Makefile, *.toml, *.json, *.yml, scripts) are always kept"
        },
    )


@dataclass(frozen=True)
class Graph:
    """Who links to what: for each note and file, the other notes pointing at it."""

    linked_from: Mapping[str, frozenset[str]]

    def inbound(self, rel: str) -> frozenset[str]:
        return self.linked_from.get(rel, frozenset())


#: Files at the root of a vault kept in git that serve the repository, not the notes:
#: never "unused attachments" (a glob without ``/`` matches at the root only).
REPOSITORY_FILES = (
    "LICENSE*", "LICENCE*", "COPYING*", "NOTICE*", "AUTHORS*", "CODEOWNERS", "CNAME",
    "Makefile", "*.toml", "*.json", "*.yml", "*.yaml", "*.lock", "*.cfg", "*.ini",
    "requirements*.txt", "package.json", "*.ts", "*.js", "*.mjs", "*.py", "*.sh",
)


def links_options(ctx: RuleContext) -> LinksOptions:
    """The ``links`` settings of this run, so the graph resolves as NL101–NL107 do."""
    for options in ctx.options.values():
        if isinstance(options, LinksOptions):
            return options
    return LinksOptions()


def build_graph(vault: Vault, options: LinksOptions) -> Graph:
    """Every note's local links resolved once; a note's links to itself do not count.

    A link counts when it finds its target, also when ambiguous (the file tools open) or
    spelled in another case (the file the writer meant; NL105/NL106 say what is wrong
    with the link itself): the graph must not call a note an orphan because one of its
    links is imperfect. A link to a folder counts for the folder's ``index`` note.
    """
    resolver = resolver_for(vault, options)
    memo = resolver.memo.get("graph")
    if isinstance(memo, Graph):
        return memo
    linked: dict[str, set[str]] = {}
    for source in vault.notes:
        if resolver.ignored(source):
            continue  # the publisher never reads it (Quartz's ignorePatterns): no links
        note = vault.notes[source]
        for link in note.links:
            if link.kind in (LinkKind.AUTOLINK, LinkKind.BARE_URL) or not is_local(link):
                continue
            if not link.target.strip():
                continue  # "[[#heading]]": this note
            found = resolver.resolve_link(link, source)
            rel = found.rel
            if found.status is Status.FOLDER and rel is not None:
                rel = _folder_index(vault, rel)
            elif not found.status.found:
                continue
            if rel is None or rel == source:
                continue
            linked.setdefault(rel, set()).add(source)
    graph = Graph({rel: frozenset(sources) for rel, sources in linked.items()})
    resolver.memo["graph"] = graph
    return graph


def _folder_index(vault: Vault, folder: str) -> str | None:
    rel = f"{folder}/index.md" if folder else "index.md"
    return rel if rel in vault.notes else None


def unpublished(resolver: Resolver, rel: str) -> bool:
    """A note the publisher leaves out or the user excluded from checks: nobody can
    reach it, nobody should. The flavor decides: Quartz's ``ignorePatterns``, drafts and
    explicit-publish filter; Obsidian's excluded files (it shows drafts)."""
    return not resolver.checks(rel) or resolver.hidden(rel) is not None


class _GraphRule(Rule):
    family = "graph"
    Options: type[Any] = GraphOptions
    options: GraphOptions


class OrphanNote(_GraphRule):
    """A note no other note links to or embeds.

    On a published garden a page without inbound links is found only through search, the
    explorer or the graph view; in Obsidian it is the note you forgot you wrote. Every link form
    counts as the links rules resolve it (wiki-links, embeds, Markdown and HTML links,
    under the `links` settings), including ambiguous and wrongly cased links; a note
    linking only to itself is still an orphan. Entry points are never orphans: `index.md`
    at the root and in every folder (Quartz's home and folder pages), and the notes
    matched by `graph.entry-points`. Notes the publisher leaves out are not reported, and
    their links do not count when the publisher never reads them: on Quartz its
    `ignorePatterns`, drafts (`draft: true`) and, under its ExplicitPublish filter, notes
    without `publish: true`; on Obsidian the excluded files (Obsidian shows drafts, so a
    draft can be an orphan there). One finding at line 1 of the orphan.

    Off by default; `notelint check --select orphan-note` lists them.

    ## Bad
    ```markdown
    <!-- old idea.md: no note links to it -->
    # Old idea
    ```

    ## Good
    ```markdown
    <!-- ideas.md -->
    See [[old idea]].
    ```

    ## Options
    `graph.entry-points`: globs of notes readers reach without a link, e.g.
    `["journal/**", "start here.md"]`.
    """

    code = "NL601"
    name = "orphan-note"
    summary = "note that no other note links to"
    severity = Severity.INFO
    enabled_by_default = False

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterator[Finding]:
        options = links_options(ctx)
        graph = build_graph(vault, options)
        resolver = resolver_for(vault, options)
        entry = compile_globs(self.options.entry_points)
        for note in vault.reported_notes():
            rel = note.rel
            name = rel.rsplit("/", 1)[-1]
            if name.lower() == "index.md" or (entry is not None and entry.match(rel)):
                continue
            if graph.inbound(rel) or unpublished(resolver, rel):
                continue
            yield self.finding(
                note,
                Span.point(1),
                f"no other note links to or embeds '{rel}': link it from a related note, or "
                "list it in graph.entry-points if readers reach it another way",
                subject=rel,
            )


class UnusedAttachment(_GraphRule):
    """A file in the vault (image, PDF, canvas...) that no note links to or embeds.

    Images outlive the notes that showed them: renamed, replaced or deleted notes leave
    files that are still published and still weigh on the repository. Every link form
    counts (`![[embed]]`, `![](img.png)`, `<img src>`, `[pdf](file.pdf)`), resolved as the
    links rules resolve them. Globs in `graph.keep` name files kept on purpose; files the
    publisher ignores (Quartz's `ignorePatterns`) are not reported, nor the files notelint
    reads itself (its configuration, baseline and word lists, the publisher's settings),
    nor repository files at the root (`LICENSE`, `CNAME`, `Makefile`, `*.toml`, `*.json`,
    `*.yml`, scripts...).

    The finding sits at line 1, column 1 of the file (it is no note; see the JSON
    schema). `--fix` never deletes anything: for a script,
    `notelint check --select unused-attachment --format json` gives the list.

    Off by default.

    ## Bad
    ```markdown
    <!-- images/old-diagram.png exists; no note mentions it -->
    ```

    ## Good
    ```markdown
    ![[old-diagram.png]]
    ```

    ## Options
    `graph.keep`: globs of files to keep though unlinked, e.g. `["favicon.ico", "downloads/**"]`.
    """

    code = "NL602"
    name = "unused-attachment"
    summary = "file that no note links to or embeds"
    severity = Severity.WARNING
    enabled_by_default = False

    def check_vault(self, vault: Vault, ctx: RuleContext) -> Iterator[Finding]:
        options = links_options(ctx)
        graph = build_graph(vault, options)
        resolver = resolver_for(vault, options)
        keep = compile_globs((*self.options.keep, *REPOSITORY_FILES))
        for rel in sorted(vault.attachments):
            if graph.inbound(rel) or rel in ctx.tool_files:
                continue
            if keep is not None and keep.match(rel):
                continue
            if resolver.ignored(rel):
                continue  # the publisher leaves it out: not published, not ours to judge
            yield Finding(
                path=ctx.display_rel(rel),
                span=Span.point(1),
                code=self.code,
                rule=self.name,
                severity=self.severity,
                message=f"no note links to or embeds '{rel}': delete it if it is no longer "
                "needed, or list it in graph.keep",
                subject=rel,
            )


RULES: list[type[Rule]] = [OrphanNote, UnusedAttachment]
