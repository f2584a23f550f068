"""The ``notelint`` command: ``check``, ``rules``, ``explain``, ``words``, ``server``,
``cache clean``.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage,
configuration or internal error. In JSON mode stdout holds only the JSON document;
everything else goes to stderr.

Engine stage: none: composes plan -> index -> check -> policy -> report
(``notelint.engine.run``).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import os
import shutil
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from notelint import __version__
from notelint.cache import CACHE_MARKER
from notelint.config import ConfigError, split_rule_list
from notelint.docs import render_rule_doc
from notelint.engine import (
    Plan,
    Refusal,
    RunRequest,
    UsageError,
    apply_policy,
    build_index,
    check,
    make_plan,
    plan_or_refuse,
    run,
)
from notelint.model import Severity
from notelint.plugins import load_plugins
from notelint.registry import RuleSet
from notelint.reporters import Reporter

SUBCOMMANDS = ("check", "baseline", "init", "rules", "explain", "words", "server", "cache", "mv")


FORMAT_HELP = "output format: text (default), json, sarif, github, html, or a plugin's"


class _CheckHelp(argparse._HelpAction):
    """``check --help`` lists every output format, plugins' included: the reporters are
    loaded only when help is shown, so a plain run pays nothing for it."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        try:
            names = sorted(load_plugins().reporters())
        except Exception:  # help must show even when a plugin is broken
            names = []
        if names:
            listed = ", ".join(f"{name} (default)" if name == "text" else name for name in names)
            for action in parser._actions:
                if "--format" in action.option_strings:
                    action.help = f"output format: {listed}"
        super().__call__(parser, *args, **kwargs)  # type: ignore[arg-type]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notelint",
        description="Lint Markdown notes vaults: links, frontmatter, dates, URLs, spelling.",
    )
    parser.add_argument("--version", action="version", version=f"notelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check notes and report findings",
                                add_help=False)
    check.add_argument("-h", "--help", action=_CheckHelp, help="show this help message and exit")
    check.add_argument("paths", nargs="*", help="notes or folders (default: .)")
    check.add_argument("--format", default="text", help=FORMAT_HELP)
    check.add_argument("--select", type=split_rule_list, action="append",
                       help="rules to run (codes, names, prefixes, families, ALL)")
    check.add_argument("--extend-select", type=split_rule_list, action="append", default=[],
                       help="rules to run on top of the configured ones")
    check.add_argument("--ignore", type=split_rule_list, action="append", default=[],
                       help="rules not to run")
    check.add_argument("--config", type=Path, help="configuration file to use")
    check.add_argument("--root", type=Path, help="vault root links are resolved against")
    check.add_argument("--offline", action="store_true", help="make no network request")
    check.add_argument("--fix", action="store_true", help="apply the fixes of fixable findings")
    check.add_argument("--jobs", type=_positive_int,
                       help="processes to use (default: the cores available, at most 8)")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write caches")
    check.add_argument("--cache-dir", type=Path,
                       help="folder for caches (default: .notelint-cache beside the config)")
    check.add_argument("--report-dependents", action="store_true",
                       help="also report notes whose links a staged rename or deletion breaks")
    check.add_argument("--stdin-filename", metavar="PATH",
                       help="read the note from stdin as if it were the file at PATH")
    check.add_argument("--fail-on", choices=["error", "warning", "info"],
                       help="lowest severity that makes the exit code 1 (default: error)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--output", type=Path, help="write the report to this file")
    check.add_argument("--statistics", action="store_true", help="count findings per rule")
    check.add_argument("--verbose", action="store_true",
                       help="also tell (on stderr) the vault root and whose link rules apply")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="report only findings not in this baseline (written by "
                            "'notelint baseline'; default: the configuration's 'baseline')")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                       help="colour the text output: auto (default: only on a terminal), "
                            "always, never")

    baseline = commands.add_parser(
        "baseline", help="write the current findings to a baseline file",
        description="Write the findings of PATH (default: .) to a baseline file, which "
                    "'check --baseline FILE' (or the configuration's 'baseline') then hides. "
                    "Entries match by note, rule and subject (link target, word, tag, URL), "
                    "not by line; rewriting the file drops what was fixed.")
    baseline.add_argument("paths", nargs="*", help="notes or folders (default: .)")
    baseline.add_argument("--output", type=Path, metavar="FILE",
                          help="the baseline file (default: the configuration's 'baseline', "
                               "else notelint-baseline.json beside the configuration or at "
                               "the vault root)")
    baseline.add_argument("--select", type=split_rule_list, action="append",
                          help="rules to run (codes, names, prefixes, families, ALL)")
    baseline.add_argument("--ignore", type=split_rule_list, action="append", default=[],
                          help="rules not to run")
    baseline.add_argument("--config", type=Path, help="configuration file to use")
    baseline.add_argument("--root", type=Path, help="vault root links are resolved against")
    baseline.add_argument("--offline", action="store_true", help="make no network request")
    baseline.add_argument("--no-cache", action="store_true",
                          help="neither read nor write caches")
    baseline.add_argument("--jobs", type=_positive_int, help="processes to use")

    init = commands.add_parser(
        "init", help="write a commented notelint.toml for the vault found here",
        description="Look at the vault (root, Quartz or Obsidian, tags, templates folders, "
                    "aspell) and write a commented notelint.toml into PATH. Never "
                    "overwrites a configuration.")
    init.add_argument("path", nargs="?", default=".", metavar="PATH",
                      help="folder to write notelint.toml into (default: .)")

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=["text", "json"], default="text")

    explain = commands.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule", help="code or name, e.g. NL101 or broken-wikilink")

    words = commands.add_parser("words", help="manage the spelling word list")
    words.add_argument("--add", nargs="+", metavar="WORD", required=True)
    words.add_argument("--wordlist", type=Path,
                       help="word list file (default: the first of spelling.wordlists, else "
                            ".notelint-words.txt at the vault root)")
    words.add_argument("--root", type=Path, help="vault root (found as `check` finds it)")
    server = commands.add_parser("server", help="run the language server (LSP) on stdio")
    server.add_argument("--root", type=Path,
                        help="vault root (default: the editor's workspace folder)")
    server.add_argument("--config", type=Path, help="configuration file to use")
    server.add_argument("--debounce", type=int, default=50, metavar="MS",
                        help="quiet time after an edit before checking (default: 50 ms)")
    server.add_argument("--online", action="store_true",
                        help="also check external URLs (off: no waiting on the network)")

    cache = commands.add_parser("cache", help="manage notelint's cache folder")
    cache_actions = cache.add_subparsers(dest="cache_action", metavar="ACTION", required=True)
    clean = cache_actions.add_parser(
        "clean", help="remove the cache folder `check` would use for PATH")
    clean.add_argument("path", nargs="?", default=".", metavar="PATH",
                       help="note or folder, as given to `check` (default: .)")
    clean.add_argument("--root", type=Path, help="vault root (found as `check` finds it)")
    clean.add_argument("--config", type=Path, help="configuration file to use")
    clean.add_argument("--cache-dir", type=Path,
                       help="the cache folder (default: as `check` finds it)")

    move = commands.add_parser(
        "mv", help="rename or move a note, file or folder and rewrite every link to it")
    move.add_argument("old", type=Path, metavar="OLD", help="the note, file or folder to move")
    move.add_argument("new", type=Path, metavar="NEW", help="its new path (must not exist)")
    move.add_argument("--dry-run", action="store_true",
                      help="print the changes as a unified diff; change nothing")
    move.add_argument("--root", type=Path, help="vault root (found as `check` finds it)")
    move.add_argument("--config", type=Path, help="configuration file to use")
    return parser


def _mv(args: argparse.Namespace) -> int:
    from notelint.mv import command

    return command(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and not args_list[0].startswith("-") and args_list[0] not in SUBCOMMANDS:
        unknown = _unknown_command(args_list[0])
        if unknown is not None:
            print(f"notelint: error: {unknown}", file=sys.stderr)
            return 2
        args_list.insert(0, "check")  # `notelint content/` means `notelint check content/`
    _escape_unencodable(sys.stdout)
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    handler = {"check": _check, "baseline": _baseline, "init": _init, "rules": _rules,
               "explain": _explain, "words": _words, "server": _server, "cache": _cache,
               "mv": _mv}
    previous = _stop_on_sigterm()
    try:
        return handler[args.command](args)
    except Terminated:
        _TERMINATION["handled"] = True
        print("notelint: terminated", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("notelint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `notelint rules | head`: the reader left, nothing is wrong
        _silence_stdout()
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: what is being written is finished or dropped
    whole (every write is atomic; the URL cache keeps what was checked), then exit 143."""


#: Whether a SIGTERM arrived and whether ``main`` has caught it.
_TERMINATION = {"received": False, "handled": False}


def _raise_terminated(signum: int, frame: object) -> None:
    if not _TERMINATION["received"]:
        _TERMINATION["received"] = True
        threading.Thread(target=_make_sure_it_ends, daemon=True).start()
    raise Terminated


def _make_sure_it_ends() -> None:
    """Python drops an exception raised where it cannot propagate (a SIGTERM landing in
    a fork hook, say): raise it again, and if even that is lost, exit 143 anyway."""
    import _thread
    import time

    time.sleep(1.0)
    if not _TERMINATION["handled"]:
        _thread.interrupt_main(signal.SIGTERM)
    time.sleep(5.0)
    if not _TERMINATION["handled"]:
        os._exit(143)


def _stop_on_sigterm() -> Any:
    """Turn SIGTERM into ``Terminated`` unless a caller embedding notelint set its own
    handler; returns the handler to restore, or None."""
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return None
    return signal.signal(signal.SIGTERM, _raise_terminated)


def _unknown_command(word: str) -> str | None:
    """``notelint chek``: a near miss of a command that is no existing path is a typo of
    the command, not a path (``chek: no such file or folder`` would mislead)."""
    if os.path.lexists(word) or "/" in word or os.sep in word:
        return None
    close = difflib.get_close_matches(word, SUBCOMMANDS, n=1, cutoff=0.6)
    if close:
        return (f"unknown command '{word}'; did you mean '{close[0]}'? "
                "('notelint --help' lists the commands)")
    if "." not in word:
        commands = ", ".join(SUBCOMMANDS)
        return (f"unknown command '{word}', and no file or folder of that name "
                f"(commands: {commands})")
    return None


def _print_error(exc: Exception) -> None:
    """Each line of a (possibly multi-line) error, as ``notelint: error: ...``."""
    for line in str(exc).splitlines() or [""]:
        print(f"notelint: error: {line}", file=sys.stderr)


def _escape_unencodable(stream: TextIO) -> None:
    """A file name that is not UTF-8 (``caf\\xe9.md``) is printed escaped, not a crash."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, io.UnsupportedOperation):
            reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _positive_int(text: str) -> int:
    """``--jobs``: a whole number of at least 1, refused by argparse (exit 2) otherwise."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _flatten(groups: Sequence[Sequence[str]] | None) -> list[str] | None:
    if groups is None:
        return None
    return [item for group in groups for item in group]


def _check(args: argparse.Namespace) -> int:
    # the format is checked before the run: a typo must not cost a long run, nor follow
    # a --fix that already rewrote files
    reporters = load_plugins().reporters()
    reporter_class = reporters.get(args.format)
    if reporter_class is None:
        choices = ", ".join(sorted(reporters))
        print(f"notelint: error: unknown --format {args.format!r} (choose from {choices})",
              file=sys.stderr)
        return 2
    stdin_text = _read_stdin() if args.stdin_filename else None
    request = RunRequest(
        paths=[p for p in args.paths if p != "-"],
        config_file=args.config,
        root=args.root,
        select=_flatten(args.select),
        extend_select=_flatten(args.extend_select) or [],
        ignore=_flatten(args.ignore) or [],
        fail_on=Severity.parse(args.fail_on) if args.fail_on else None,
        offline=args.offline,
        fix=args.fix,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir.resolve() if args.cache_dir else None,
        stdin_filename=args.stdin_filename,
        stdin_text=stdin_text,
        report_dependents=args.report_dependents,
        baseline=args.baseline,
    )
    result = run(request)
    for message in result.messages:
        print(message, file=sys.stderr)
    if args.verbose and result.report.flavor is not None:
        print(f"notelint: root: {result.report.root or '.'}; link flavor: "
              f"{result.report.flavor} ({result.report.flavor_source})", file=sys.stderr)
    if result.exit_code == 2 and not result.report.files:
        return 2
    try:
        _write_report(reporter_class, result.report, args)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        print(f"notelint: error: cannot write the report to {args.output}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    if result.exit_code == 2:
        return 2
    return 0 if args.exit_zero else result.exit_code


def _baseline(args: argparse.Namespace) -> int:
    """Write what ``check`` would report (no baseline applied) as the new baseline."""
    from notelint.baseline import (
        BASELINE_FILE,
        BaselineError,
        build_entries,
        load_baseline,
        render,
        write_baseline,
    )

    planned = plan_or_refuse(RunRequest(
        paths=list(args.paths),
        config_file=args.config,
        root=args.root,
        select=_flatten(args.select),
        ignore=_flatten(args.ignore) or [],
        offline=args.offline,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        use_baseline=False,
    ))
    if isinstance(planned, Refusal):
        for message in planned.messages:
            print(message, file=sys.stderr)
        _print_error(planned.error)
        return 2
    plan = planned
    try:
        index = build_index(plan)
    except (ConfigError, UsageError) as exc:
        for message in plan.messages:
            print(message, file=sys.stderr)
        _print_error(exc)
        return 2
    checked = check(plan, index)
    judged = apply_policy(plan, index, checked)
    said = [*plan.messages, *index.messages, *checked.messages, *judged.messages,
            *index.save(checked.keep)]
    for message in dict.fromkeys(said):
        print(message, file=sys.stderr)
    if index.internal_error or checked.internal_error:
        print("notelint: error: a rule failed, so the findings are incomplete; the baseline "
              "was not written", file=sys.stderr)
        return 2
    config = plan.config
    output = args.output or config.baseline or (
        (config.path.parent if config.path else plan.root) / BASELINE_FILE)
    output = output if output.is_absolute() else Path.cwd() / output
    previous = None
    if output.exists():
        try:
            previous = load_baseline(output)
        except BaselineError as exc:
            print(f"notelint: warning: {exc}; writing it anew", file=sys.stderr)
    rel_of = {plan.paths.display_rel(rel): rel for rel in index.reported}
    every = set(index.vault.notes) | {problem.rel for problem in index.problems}
    entries, rules = build_entries(
        ((rel_of[finding.path], finding) for finding in judged.findings),
        previous=previous,
        keep_paths=every - index.reported,
    )
    try:
        write_baseline(output, render(entries, rules))
    except OSError as exc:
        print(f"notelint: error: cannot write the baseline {output}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    shown = plan.paths.display(output)
    total = sum(entries.values())
    print(f"notelint: wrote {total} finding{'s' if total != 1 else ''} "
          f"({len(entries)} entr{'ies' if len(entries) != 1 else 'y'}) to {shown}",
          file=sys.stderr)
    if config.baseline is None or config.baseline.absolute() != output:
        base = config.path.parent if config.path else Path.cwd()
        setting = Path(os.path.relpath(output, base)).as_posix()
        print(f"notelint: use it with 'notelint check --baseline {shown}', or set "
              f"baseline = \"{setting}\" in {config.path or 'the configuration'}",
              file=sys.stderr)
    return 0


def _init(args: argparse.Namespace) -> int:
    from notelint.init import init_config

    code: int = init_config(args)
    return code


def _read_stdin() -> str:
    """The unsaved note as UTF-8 whatever the locale; bad bytes survive for NL001."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # already a text stream (an embedding program, a test)
        return sys.stdin.read()
    data: bytes = buffer.read()
    return data.decode("utf-8", errors="surrogateescape")


def _write_report(reporter_class: type[Reporter], report: object, args: argparse.Namespace) -> None:
    if args.output is not None:
        buffer = io.StringIO()
        reporter_class(buffer, color=False, statistics=args.statistics).write(report)  # type: ignore[arg-type]
        args.output.write_text(buffer.getvalue(), encoding="utf-8", errors="backslashreplace")
        return
    stream: TextIO = sys.stdout
    color = args.color == "always" or (args.color == "auto" and stream.isatty())
    reporter_class(stream, color=color, statistics=args.statistics).write(report)  # type: ignore[arg-type]


def _rule_set() -> RuleSet:
    plugins = load_plugins()
    rules = RuleSet(plugins.rules())
    for problem in plugins.problems:
        print(f"notelint: {problem}", file=sys.stderr)
    return rules


def _rules(args: argparse.Namespace) -> int:
    rules = _rule_set()
    rows = [
        {
            "code": rule.code,
            "name": rule.name,
            "family": rule.family,
            "severity": str(rule.severity),
            "enabled": rule.enabled_by_default,
            "fixable": rule.fixable,
            "summary": rule.summary,
        }
        for rule in rules.rules
    ]
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"{'CODE':<5}  {'NAME':<28} {'SEVERITY':<8} {'FLAGS':<7} SUMMARY")
    for row in rows:
        flags = " ".join(
            flag
            for flag, shown in (("off", not row["enabled"]), ("[*]", row["fixable"]))
            if shown
        )
        print(
            f"{row['code']}  {row['name']:<28} {row['severity']:<8} {flags:<7} {row['summary']}"
        )
    print("\nFLAGS: off = not run unless selected (--select, --extend-select or the "
          "configuration's select); [*] = fixable with 'check --fix'")
    return 0


def _explain(args: argparse.Namespace) -> int:
    rules = _rule_set()
    rule = rules.find(args.rule)
    if rule is None:
        print(f"notelint: error: no rule {args.rule!r}{rules.did_you_mean(args.rule)} "
              "('notelint rules' lists them)", file=sys.stderr)
        return 2
    print(render_rule_doc(rule))
    return 0


def _server(args: argparse.Namespace) -> int:
    try:  # pygls is only needed here: importing it lazily keeps `check` fast
        from notelint.server import run_from_args
    except ImportError as exc:
        print(f"notelint: error: the language server needs pygls and lsprotocol ({exc}); "
              "install them with: pip install 'notelint[lsp]'", file=sys.stderr)
        return 2
    return run_from_args(args)


def _words(args: argparse.Namespace) -> int:
    from notelint.fix import write_refusal
    from notelint.spell import DEFAULT_WORDLIST, add_words, target_wordlist

    wordlist = args.wordlist
    if wordlist is None:
        # the root a check of a note here would use (a file path, so not just this folder)
        here = Path.cwd() / DEFAULT_WORDLIST
        try:
            plan = make_plan(RunRequest(paths=[str(here)], root=args.root))
        except (ConfigError, UsageError) as exc:
            print(f"notelint: error: {exc}", file=sys.stderr)
            return 2
        options = plan.options.get("NL501")
        wordlist = target_wordlist(getattr(options, "wordlists", ()), plan.root)
        refusal = write_refusal(wordlist, plan.root)
        if refusal is not None:  # a configured list: notelint writes only inside the root
            print(f"notelint: error: spelling.wordlists: {refusal}; notelint writes only "
                  f"inside the vault. To add to it anyway, name it: notelint words --add "
                  f"WORD --wordlist {wordlist}", file=sys.stderr)
            return 2
    elif os.path.lexists(wordlist) and not os.path.isfile(wordlist):
        print(f"notelint: error: --wordlist {wordlist} is not a regular file", file=sys.stderr)
        return 2
    added = add_words(wordlist, list(args.add))
    print(f"added {len(added)} word{'s' if len(added) != 1 else ''} to {wordlist}"
          + (f": {', '.join(added)}" if added else ""), file=sys.stderr)
    return 0


def _cache(args: argparse.Namespace) -> int:
    # argparse requires an action and `clean` is the only one
    try:
        plan = make_plan(RunRequest(
            paths=[args.path],
            config_file=args.config,
            root=args.root,
            cache_dir=args.cache_dir.resolve() if args.cache_dir else None,
        ))
    except (ConfigError, UsageError) as exc:
        _print_error(exc)
        return 2
    for message in plan.messages:
        print(message, file=sys.stderr)
    folder = plan.cache_dir.absolute()
    shown = plan.paths.display(folder)
    if not folder.exists() and not folder.is_symlink():
        print(f"notelint: no cache at {shown}", file=sys.stderr)
        return 0
    refusal = _cache_refusal(folder, plan)
    if refusal is not None:
        print(f"notelint: error: {shown} {refusal}; not removed", file=sys.stderr)
        return 2
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        print(f"notelint: error: cannot remove the cache {shown}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    print(f"notelint: removed cache {shown}", file=sys.stderr)
    return 0


def _cache_refusal(folder: Path, plan: Plan) -> str | None:
    """Why the existing ``folder`` must not be removed; ``None`` if it is a cache that
    notelint created and it holds neither the vault nor the configuration.
    """
    if folder.is_symlink():
        return "is a symbolic link, not a notelint cache folder"
    if not folder.is_dir():
        return "is not a folder, so not a notelint cache"
    # `cache-dir = "."` makes the vault itself the cache: never remove what holds the
    # vault or the configuration, whatever .gitignore it has
    resolved = folder.resolve()
    config_path = plan.config.path
    for inside, what in ((plan.root, "the vault root"),
                         (config_path.absolute() if config_path else None,
                          "the configuration file")):
        if inside is not None and inside.resolve().is_relative_to(resolved):
            return f"holds {what} ({plan.paths.display(inside)}), so it is not only a cache"
    marker = folder / ".gitignore"
    try:
        with marker.open(encoding="utf-8", errors="replace") as handle:
            first = handle.readline().rstrip("\r\n")
    except FileNotFoundError:
        return "does not look like a notelint cache (no notelint .gitignore)"
    except OSError as exc:
        return f"may not be a notelint cache (cannot read {marker.name}: {exc.strerror or exc})"
    if first != CACHE_MARKER:
        return ("does not look like a notelint cache (its .gitignore was not written by "
                "notelint)")
    return None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
