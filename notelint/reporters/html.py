"""A report to look at: one self-contained HTML page (``--format html --output report.html``).

The page carries its findings as JSON inside the page and draws everything itself
(summary, wanted notes, the notes with most findings, the findings grouped by note, a
chart per family as inline SVG), so it opens from disk, from a CI artifact or an e-mail
with no server, no network and no external asset. Its Content-Security-Policy forbids
any fetch. Text from notes (messages quote links and words) is only ever inserted as
text, never as markup. Findings are shown a page at a time, so 30,000 of them stay
readable and quick to open.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from notelint.reporters import Report, Reporter

#: Findings shown per page of the list; the filters and the pager move through the rest.
PAGE_SIZE = 200
#: Notes listed under "notes with the most findings", wanted notes listed.
TOP_NOTES = 20
TOP_WANTED = 30


class HtmlReporter(Reporter):
    """One HTML page with its data and script inline; open it in any browser."""

    def write(self, report: Report) -> None:
        self.stream.write(render_page(report))


def page_data(report: Report) -> dict[str, Any]:
    """The report as the page's script reads it: findings as compact rows indexing the
    path and rule tables (30,000 findings would otherwise repeat 30,000 paths)."""
    paths: dict[str, int] = {}
    codes: dict[str, int] = {}
    rules: list[dict[str, str]] = []
    rows: list[list[Any]] = []
    known: Mapping[str, Any] = report.rules
    for finding in report.findings:
        path_index = paths.setdefault(finding.path, len(paths))
        code_index = codes.get(finding.code)
        if code_index is None:
            code_index = codes[finding.code] = len(rules)
            rule = known.get(finding.code)
            rules.append(
                {
                    "code": finding.code,
                    "name": finding.rule,
                    "family": getattr(rule, "family", None) or "other",
                }
            )
        rows.append(
            [
                path_index,
                finding.span.line,
                finding.span.column,
                code_index,
                str(finding.severity),
                finding.message,
            ]
        )
    return {
        "root": report.root,
        "files": report.files,
        "version": report.version,
        "flavor": report.flavor,
        "baselined": report.baselined,
        "summary": report.summary(),
        "paths": list(paths),
        "rules": rules,
        "findings": rows,
        "wanted": [[item.target, item.notes, item.links] for item in report.wanted],
        "pageSize": PAGE_SIZE,
        "topNotes": TOP_NOTES,
        "topWanted": TOP_WANTED,
    }


def vault_name(root: str) -> str:
    """The vault folder's own name for the page title: a run from inside the vault has
    the root ``.``, which names nothing once the page is an attachment or CI artifact.
    A relative root is taken from the working directory, as the run took it."""
    name = Path(os.path.abspath(root or ".")).name  # a symlinked vault keeps its name
    return name or root or "."


def _script_json(data: object) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, no ``<!--`` can end or open it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(report: Report) -> str:
    title = f"notelint report: {vault_name(report.root)}"
    return (
        _TEMPLATE.replace("@TITLE@", html.escape(title))
        .replace("@STYLE@", _STYLE)
        .replace("@SCRIPT@", _SCRIPT)
        .replace("@DATA@", _script_json(page_data(report)))
    )


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="generator" content="notelint">
<title>@TITLE@</title>
<style>@STYLE@</style>
</head>
<body>
<header>
  <h1>@TITLE@</h1>
  <p id="meta"></p>
  <p id="totals"></p>
</header>
<noscript><p>This report draws itself with JavaScript; enable it to see the findings,
or run <code>notelint check --format json</code>.</p></noscript>
<main>
<section id="summary">
  <h2>Findings per family</h2>
  <div class="split">
    <table id="families"><thead><tr><th>family</th><th>errors</th><th>warnings</th>
      <th>infos</th><th>total</th></tr></thead><tbody></tbody></table>
    <figure><svg id="chart" role="img" aria-label="findings per family"></svg>
      <figcaption>findings per family</figcaption></figure>
  </div>
  <h2>Findings per rule</h2>
  <table id="rules"><thead><tr><th>code</th><th>rule</th><th>family</th><th>findings</th>
    </tr></thead><tbody></tbody></table>
</section>
<section id="wanted">
  <h2>Wanted notes</h2>
  <p class="hint">Missing link targets, by how many notes point at them: the notes worth
    writing (or the links worth correcting) first.</p>
  <ol id="wanted-list"></ol>
</section>
<section id="top-notes">
  <h2>Notes with the most findings</h2>
  <ol id="top-list"></ol>
</section>
<section id="findings">
  <h2>Findings by note</h2>
  <form id="filters" onsubmit="return false">
    <label>rule <select id="filter-rule"><option value="">all rules</option></select></label>
    <label>severity <select id="filter-severity"><option value="">all</option>
      <option value="error">error</option><option value="warning">warning</option>
      <option value="info">info</option></select></label>
    <label>path contains <input id="filter-path" type="search"></label>
    <span id="shown"></span>
  </form>
  <nav class="pager"><button type="button" id="prev">previous</button>
    <span id="page"></span><button type="button" id="next">next</button></nav>
  <div id="groups"></div>
</section>
</main>
<script type="application/json" id="data">@DATA@</script>
<script>@SCRIPT@</script>
</body>
</html>
"""

_STYLE = """
:root { color-scheme: light dark; --error: #c62828; --warning: #b26a00; --info: #1565c0;
  --muted: #6b6b6b; --line: #8884; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem;
  padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
#meta, .hint, figcaption { color: var(--muted); }
table { border-collapse: collapse; } th, td { padding: .2rem .7rem; text-align: left;
  border-bottom: 1px solid var(--line); } td.n { text-align: right;
  font-variant-numeric: tabular-nums; }
.split { display: flex; flex-wrap: wrap; gap: 2rem; align-items: flex-start; }
figure { margin: 0; } svg text { font: 12px system-ui, sans-serif; fill: currentColor; }
.sev { font-weight: 600; } .error { color: var(--error); } .warning { color: var(--warning); }
.info { color: var(--info); }
#filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; margin: .5rem 0; }
.pager { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; }
.group { margin: .8rem 0; } .group h3 { font-size: 1rem; margin: 0 0 .2rem;
  word-break: break-all; } .group ol { list-style: none; margin: 0; padding-left: 1rem; }
.group li { padding: .1rem 0; }
#wanted-list, #top-list { columns: 2 22rem; column-gap: 3rem; } .pos { color: var(--muted);
  font-variant-numeric: tabular-nums; } code, .code { font-family: ui-monospace, monospace; }
"""

_SCRIPT = r"""
"use strict";
(function () {
  const started = performance.now();
  const data = JSON.parse(document.getElementById("data").textContent);
  const SEVERITIES = ["error", "warning", "info"];
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "class") node.className = value; else node.setAttribute(key, value);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };
  const plural = (n, word) => n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s");
  const findings = data.findings;
  const rules = data.rules;

  document.getElementById("meta").textContent =
    "root " + (data.root || ".") + " \u00b7 " + plural(data.files, "file") +
    " checked" + (data.flavor ? " \u00b7 links judged as " + data.flavor : "") +
    (data.baselined ? " \u00b7 " + plural(data.baselined, "finding") + " hidden by the baseline"
      : "") + " \u00b7 notelint " + data.version;
  const totals = document.getElementById("totals");
  SEVERITIES.forEach((sev) => {
    totals.append(el("span", {class: "sev " + sev, "data-severity": sev},
      plural(data.summary[sev], sev)), " ");
  });

  // counts per rule and per family, computed here from the findings themselves
  const perRule = rules.map(() => 0);
  const perFamily = new Map();
  const perPath = new Map();
  for (const row of findings) {
    perRule[row[3]] += 1;
    const family = rules[row[3]].family;
    if (!perFamily.has(family)) perFamily.set(family, {error: 0, warning: 0, info: 0});
    perFamily.get(family)[row[4]] += 1;
    perPath.set(row[0], (perPath.get(row[0]) || 0) + 1);
  }
  const familyBody = document.querySelector("#families tbody");
  const families = [...perFamily.entries()].map(([name, c]) =>
    [name, c, c.error + c.warning + c.info]).sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1));
  for (const [name, c, total] of families) {
    familyBody.append(el("tr", {"data-family": name}, el("td", {}, name),
      el("td", {class: "n"}, c.error), el("td", {class: "n"}, c.warning),
      el("td", {class: "n"}, c.info), el("td", {class: "n total"}, total)));
  }
  const ruleBody = document.querySelector("#rules tbody");
  const ruleOrder = rules.map((r, i) => i).sort((a, b) =>
    perRule[b] - perRule[a] || (rules[a].code < rules[b].code ? -1 : 1));
  const ruleSelect = document.getElementById("filter-rule");
  for (const i of ruleOrder) {
    const r = rules[i];
    ruleBody.append(el("tr", {"data-code": r.code, "data-count": perRule[i]},
      el("td", {class: "code"}, r.code), el("td", {}, r.name), el("td", {}, r.family),
      el("td", {class: "n count"}, perRule[i])));
    ruleSelect.append(el("option", {value: r.code}, r.code + " " + r.name));
  }

  // the chart: one bar per family, drawn as SVG by this script
  const svgNS = "http://www.w3.org/2000/svg";
  const svg = document.getElementById("chart");
  const barHeight = 22, labelWidth = 110, barWidth = 300, gap = 6;
  const most = Math.max(1, ...families.map((f) => f[2]));
  svg.setAttribute("width", labelWidth + barWidth + 70);
  svg.setAttribute("height", Math.max(1, families.length) * (barHeight + gap));
  families.forEach(([name, c, total], index) => {
    const y = index * (barHeight + gap);
    const label = document.createElementNS(svgNS, "text");
    label.setAttribute("x", 0); label.setAttribute("y", y + barHeight * 0.7);
    label.textContent = name; svg.append(label);
    let x = labelWidth;
    for (const sev of SEVERITIES) {
      const width = (c[sev] / most) * barWidth;
      if (width <= 0) continue;
      const rect = document.createElementNS(svgNS, "rect");
      rect.setAttribute("x", x); rect.setAttribute("y", y);
      rect.setAttribute("width", Math.max(1, width)); rect.setAttribute("height", barHeight);
      rect.setAttribute("class", "bar " + sev);
      rect.setAttribute("fill", getComputedStyle(document.documentElement)
        .getPropertyValue("--" + sev).trim() || "gray");
      rect.setAttribute("data-family", name);
      const tip = document.createElementNS(svgNS, "title");
      tip.textContent = name + ": " + plural(c[sev], sev); rect.append(tip);
      svg.append(rect); x += width;
    }
    const count = document.createElementNS(svgNS, "text");
    count.setAttribute("x", x + 6); count.setAttribute("y", y + barHeight * 0.7);
    count.textContent = total; svg.append(count);
  });

  // wanted notes and the notes with the most findings
  const wantedList = document.getElementById("wanted-list");
  if (!data.wanted.length) {
    wantedList.replaceWith(el("p", {class: "hint"}, "No missing link targets."));
  }
  for (const [target, notes, links] of data.wanted.slice(0, data.topWanted)) {
    wantedList.append(el("li", {"data-target": target}, el("code", {}, target), " \u2190 ",
      plural(notes, "note"), links > notes ? " (" + plural(links, "link") + ")" : ""));
  }
  if (data.wanted.length > data.topWanted) {
    wantedList.after(el("p", {class: "hint"}, (data.wanted.length - data.topWanted) +
      " more; notelint check --format json lists all."));
  }
  const topList = document.getElementById("top-list");
  const top = [...perPath.entries()].sort((a, b) => b[1] - a[1] ||
    (data.paths[a[0]] < data.paths[b[0]] ? -1 : 1)).slice(0, data.topNotes);
  for (const [pathIndex, count] of top) {
    const link = el("a", {href: "#"}, data.paths[pathIndex]);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      state.path = data.paths[pathIndex]; state.page = 0;
      document.getElementById("filter-path").value = state.path;
      update();
      document.getElementById("findings").scrollIntoView();
    });
    topList.append(el("li", {}, link, " ", el("span", {class: "pos"}, plural(count, "finding"))));
  }

  // the findings, filtered and paged; the filters live in the address's #fragment
  const state = {rule: "", severity: "", path: "", page: 0};
  for (const part of location.hash.replace(/^#/, "").split("&")) {
    const [key, value] = part.split("=");
    if (key in state && value !== undefined) {
      state[key] = key === "page" ? Math.max(0, (parseInt(value, 10) || 1) - 1)
        : decodeURIComponent(value);
    }
  }
  ruleSelect.value = state.rule;
  document.getElementById("filter-severity").value = state.severity;
  document.getElementById("filter-path").value = state.path;
  let filtered = [];
  function refilter() {
    const code = state.rule, sev = state.severity, needle = state.path.toLowerCase();
    filtered = findings.filter((row) =>
      (!code || rules[row[3]].code === code) && (!sev || row[4] === sev) &&
      (!needle || data.paths[row[0]].toLowerCase().includes(needle)));
  }
  function render() {
    const pages = Math.max(1, Math.ceil(filtered.length / data.pageSize));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * data.pageSize;
    const slice = filtered.slice(start, start + data.pageSize);
    const shown = document.getElementById("shown");
    shown.textContent = plural(filtered.length, "finding") + " shown";
    shown.dataset.count = filtered.length;
    document.getElementById("page").textContent = "page " + (state.page + 1) + " of " + pages;
    document.getElementById("prev").disabled = state.page === 0;
    document.getElementById("next").disabled = state.page >= pages - 1;
    const groups = document.getElementById("groups");
    const fragment = document.createDocumentFragment();
    let list = null, current = -1;
    for (const row of slice) {
      if (row[0] !== current) {
        current = row[0];
        list = el("ol");
        fragment.append(el("div", {class: "group", "data-path": data.paths[current]},
          el("h3", {}, data.paths[current], " ",
            el("span", {class: "pos"}, plural(perPath.get(current), "finding"))), list));
      }
      const rule = rules[row[3]];
      list.append(el("li", {class: "finding", "data-code": rule.code, "data-severity": row[4]},
        el("span", {class: "pos"}, row[1] + ":" + row[2]), " ",
        el("span", {class: "sev " + row[4]}, rule.code), " ",
        el("span", {class: "code"}, "[" + rule.name + "]"), " ", row[5]));
    }
    groups.replaceChildren(fragment);
  }
  function update() {
    refilter();
    render();
    const parts = [];
    for (const key of ["rule", "severity", "path"]) {
      if (state[key]) parts.push(key + "=" + encodeURIComponent(state[key]));
    }
    if (state.page) parts.push("page=" + (state.page + 1));
    try {  // some browsers refuse history changes on file:// pages; filters still work
      history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
    } catch (error) { /* keep the address as it is */ }
  }
  const filter = (key, value) => { state[key] = value; state.page = 0; update(); };
  ruleSelect.addEventListener("change", () => filter("rule", ruleSelect.value));
  const sevSelect = document.getElementById("filter-severity");
  sevSelect.addEventListener("change", () => filter("severity", sevSelect.value));
  const pathInput = document.getElementById("filter-path");
  pathInput.addEventListener("input", () => filter("path", pathInput.value));
  document.getElementById("prev").addEventListener("click", () => { state.page -= 1; render(); });
  document.getElementById("next").addEventListener("click", () => { state.page += 1; render(); });
  refilter();
  render();
  document.documentElement.dataset.renderMs = (performance.now() - started).toFixed(1);
  document.documentElement.dataset.ready = "true";
})();
"""
