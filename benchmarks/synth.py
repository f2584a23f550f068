"""Synthetic vaults of any size, for scaling runs where no real vault is big enough.

Real vaults stop at a few thousand notes, yet the question a user with 100,000 notes asks
is whether notelint still finishes in time. This generator writes a vault shaped like a
personal garden: notes spread over a few folders, about six wiki-links each (plain,
aliased, to a frontmatter alias, to a heading that exists), a few Markdown links and
image embeds, frontmatter with tags, journal notes with ``### YYYY-MM-DD`` headings newest
first, and prose made of real English words, so the spelling rule has work to do without
being flooded by findings.

Every link it writes resolves, every anchor exists, every journal is ordered and every
date is in the past: a run of the link, frontmatter and date rules on a generated vault
should find nothing, which the tests check. Output is the same for the same seed.

    python benchmarks/synth.py OUT_DIR N [--seed S]
"""

from __future__ import annotations

import argparse
import os
import random
import struct
import sys
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

# Common English words aspell's en_US dictionary knows; prose, titles and headings are
# made of them so that a generated vault spells correctly.
_WORD_TEXT = """
able about above across act add after again against age ago agree air all almost alone
along already also always among amount and angle animal answer any appear apple area arm
around arrive art ask autumn away baby back bad ball band bank base basket bear beauty bed
before begin behind bell below best better between big bird black blue board boat body
bone book born both bottom box boy branch bread break bridge bright bring brother brown
build busy but buy call calm camp can capital captain car card care carry case cat catch
cause cell center chair chance change chart check chief child choose church circle city
claim class clean clear climb clock close cloth cloud coast coat cold collect color come
common company compare complete contain control cook cool copy corn corner correct cost
cotton count country course cover cow create crop cross crowd cup current cut dance dark
day dead deal dear death decide deep degree desert design develop dictionary differ
direct discuss distant divide doctor dog dollar door double down draw dream dress drink
drive drop dry duck during early earth east easy eat edge effect egg eight either element
end enemy energy enough enter equal even evening event ever every exact example except
excite exercise expect experience eye face fact fair fall family famous far farm fast
father favor fear feed feel few field fight figure fill final find fine finger finish
fire first fish fit five flat floor flow flower fly follow food foot forest form forward
found four free fresh friend front fruit full game garden gather gentle girl give glad
glass gold good govern grass great green ground group grow guess guide hair half hand
happen happy hard hat head hear heart heat heavy help high hill history hold home hope
horse hot hour house huge human hunt idea imagine inch include industry insect iron
island join joy jump keep key kind king kitchen know lady lake land language large last
late laugh law lay lead learn leave left leg length letter level lie life lift light
like line liquid list listen little live long look lost loud love low machine main major
make man many map mark market master match matter may meadow measure meat meet melody
memory metal method middle might mile milk mind minute miss modern moment money month
moon morning mother mountain mouth move music name nation nature near neck need neighbor
never new next night nine noon north nose note notice number object ocean offer office
often oil old once open opposite orange order organ other oxygen page paint pair paper
parent part party pass past path pattern pay peace people perhaps period person picture
piece place plain plan planet plant play please plural poem point poor port pose position
possible post pound power practice prepare present press pretty print probable problem
process produce product proper protect proud provide pull push quick quiet quite race
radio rain raise reach read ready real reason record region remember repeat reply rest
result rich ride right ring rise river road rock room root rope rose round row rule run
safe sail salt same sand save say school science sea season seat second section seed
sense sentence serve settle seven shape share sharp sheet shell shine ship shoe shop
shore short shoulder show side sight sign silent silver simple since sing sister sit six
size skill skin sky sleep slow small smell smile snow soft soil soldier solution some
song soon sound south space speak special speed spell spend spot spread spring square
stand star start station stay steam steel step stick still stone stop store story stream
street strong student study subject success sudden sugar summer sun supply surface
surprise swim symbol system table tail take talk teach team tell ten test thank thick
thin thing think third three through throw tie time tiny tire together tone tool top
total touch town track trade train travel tree triangle trip trouble truck true try tube
turn twenty type under unit until upon use usual valley value village visit voice vowel
wait walk wall warm wash watch water wave wear weather week weight west wheel white whole
wide wife wild win wind window winter wish woman wonder wood word work world write year
yellow young
"""
WORDS = _WORD_TEXT.split()

TAGS = [
    "garden", "reading", "journal", "project", "idea", "person", "place", "music", "science",
    "history", "kitchen", "travel", "health", "writing", "language", "nature",
]  # fmt: skip

FOLDERS = ["", "", "areas", "projects", "people", "ideas/small", "ideas/large"]
JOURNAL_FOLDER = "journal"
ATTACHMENTS = "attachments"
LATEST_DATE = date(2024, 6, 1)  # every journal date is on or before this day


@dataclass
class Plan:
    """One note before it is written: where it lives and what others may link to."""

    rel: str  # vault-relative path, with .md
    name: str  # file name without .md: what a shortest-path wiki-link names
    title: str
    headings: list[str]
    alias: str | None
    tags: list[str]
    journal_dates: list[date] = field(default_factory=list)


def _phrase(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _sentence(rng: random.Random) -> str:
    text = _phrase(rng, rng.randint(5, 14))
    return text[0].upper() + text[1:] + "."


def _unique(rng: random.Random, taken: set[str], words: int) -> str:
    """A new phrase of ``words`` words (more when the small vocabulary runs out)."""
    while True:
        candidate = _phrase(rng, words)
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
        words += 1 if rng.random() < 0.1 else 0


def plan_vault(n: int, seed: int) -> tuple[list[Plan], list[str]]:
    """Decide every note's name, headings, alias and tags, and the attachment names."""
    rng = random.Random(seed)
    taken: set[str] = set()
    plans: list[Plan] = []
    words = 2 if n <= 20_000 else 3
    for index in range(n):
        journal = index % 20 == 7
        name = _unique(rng, taken, words)
        folder = JOURNAL_FOLDER if journal else rng.choice(FOLDERS)
        rel = f"{folder}/{name}.md" if folder else f"{name}.md"
        headings: list[str] = []
        used: set[str] = set()
        for _ in range(rng.randint(1, 3)):
            heading = _phrase(rng, rng.randint(1, 3)).capitalize()
            if heading.casefold() not in used:
                used.add(heading.casefold())
                headings.append(heading)
        alias = _unique(rng, taken, words + 1) if rng.random() < 0.15 else None
        tags = sorted(set(rng.sample(TAGS, rng.randint(1, 3))))
        dates: list[date] = []
        if journal:
            newest = LATEST_DATE - timedelta(days=rng.randint(0, 900))
            days = sorted(rng.sample(range(0, 120), rng.randint(3, 8)))
            dates = [newest - timedelta(days=d) for d in days]
            tags = sorted(set(tags) | {"journal"})
        plans.append(Plan(rel, name, name.capitalize(), headings, alias, tags, dates))
    images = [f"{_phrase(rng, 2).replace(' ', '-')}-{i}.png" for i in range(max(1, n // 200))]
    return plans, images


def _md_target(source: str, target: str) -> str:
    """A Markdown link destination from ``source`` to ``target``, as GitHub resolves it."""
    rel = os.path.relpath(target, os.path.dirname(source) or ".")
    return quote(rel.replace(os.sep, "/"), safe="/")


def _link(rng: random.Random, plan: Plan, target: Plan) -> str:
    """One link to ``target`` in one of the forms real vaults mix."""
    roll = rng.random()
    if roll < 0.45:
        return f"[[{target.name}]]"
    if roll < 0.60:
        return f"[[{target.name}|{_phrase(rng, 2)}]]"
    if roll < 0.72 and target.alias:
        return f"[[{target.alias}]]"
    if roll < 0.85:
        return f"[[{target.name}#{rng.choice(target.headings)}]]"
    return f"[{_phrase(rng, 2)}]({_md_target(plan.rel, target.rel)})"


def _frontmatter(plan: Plan, created: date) -> list[str]:
    lines = ["---", f"title: {plan.title}", f"created: {created.isoformat()}"]
    if plan.journal_dates:
        lines.append(f"modified: {plan.journal_dates[0].isoformat()}")
    if plan.alias:
        lines.append(f"aliases: [{plan.alias}]")
    lines.append("tags:")
    lines += [f"  - {tag}" for tag in plan.tags]
    lines.append("---")
    return lines


def render_note(rng: random.Random, plan: Plan, plans: list[Plan], images: list[str]) -> str:
    """The note's Markdown: frontmatter, prose, linked bullets, headings, journal entries."""
    created = LATEST_DATE - timedelta(days=rng.randint(1000, 3000))
    lines = _frontmatter(plan, created)
    lines += ["", f"# {plan.title}", ""]
    lines.append(" ".join(_sentence(rng) for _ in range(rng.randint(1, 3))))
    lines.append("")
    links = [_link(rng, plan, rng.choice(plans)) for _ in range(rng.randint(3, 9))]
    for heading in plan.headings:
        lines += [f"## {heading}", ""]
        for _ in range(rng.randint(1, 3)):
            if links:
                lines.append(f"- {_phrase(rng, rng.randint(2, 6))} {links.pop()}")
        lines += ["", _sentence(rng), ""]
    lines += [f"- {_phrase(rng, 3)} {link}" for link in links]
    if rng.random() < 0.05:
        image = rng.choice(images)
        if rng.random() < 0.5:
            lines += ["", f"![[{image}]]"]
        else:
            target = _md_target(plan.rel, f"{ATTACHMENTS}/{image}")
            lines += ["", f"![{_phrase(rng, 2)}]({target})"]
    if plan.journal_dates:
        lines += ["", "## Log", ""]
        for day in plan.journal_dates:
            entry = f"[[{rng.choice(plans).name}]]"
            lines += [f"### {day.isoformat()}", "", f"- {_sentence(rng)} {entry}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def tiny_png(shade: int) -> bytes:
    """A valid 1x1 grey PNG, so attachments are real images."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(bytes([0, shade % 256]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def generate(out: Path, n: int, seed: int = 0) -> list[str]:
    """Write an ``n``-note vault under ``out``; returns the notes' relative paths."""
    plans, images = plan_vault(n, seed)
    rng = random.Random(seed + 1)
    for folder in {os.path.dirname(p.rel) for p in plans} | {ATTACHMENTS}:
        (out / folder).mkdir(parents=True, exist_ok=True)
    for index, image in enumerate(images):
        (out / ATTACHMENTS / image).write_bytes(tiny_png(index))
    for plan in plans:
        text = render_note(rng, plan, plans, images)
        (out / plan.rel).write_bytes(text.encode("utf-8"))
    return [plan.rel for plan in plans]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the vault into")
    parser.add_argument("n", type=int, help="number of notes")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty; give a new or empty folder")
    notes = generate(args.out, args.n, args.seed)
    print(f"wrote {len(notes)} notes to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
