"""Command line: parse arguments, run one command, report diagnostics as path:line: message."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import __version__


def positive_int(text: str) -> int:
    """Parse a number of processes for argparse."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def make_parser() -> argparse.ArgumentParser:
    """Describe the commands and their options."""
    parser = argparse.ArgumentParser(prog="babelsite", description="Build multilingual static documentation sites.")
    parser.add_argument("--version", action="version", version=f"babelsite {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="build the site into its output folder")
    add_site_arguments(build)
    build.add_argument("--out", type=Path, help="write the site here instead of output_dir")
    build.add_argument("--base-url", help="override base_url, e.g. https://example.org/docs/")
    build.add_argument("--force", action="store_true", help="replace an output folder babelsite did not write")
    build.add_argument("--no-cache", action="store_true",
                       help="build everything, without reading the build cache of the last build")
    build.add_argument("--jobs", type=positive_int, metavar="N",
                       help="processes for Markdown and pages (default: one per core; 1 builds in this process)")
    check = commands.add_parser("check", help="run every validation of a build, and cross-language checks, "
                                              "without writing anything")
    add_site_arguments(check)
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="text lines, or one JSON object per diagnostic")
    status = commands.add_parser("status", help="show which articles are translated, missing or outdated "
                                                "in each language")
    status.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR",
                        help="the folder with site.toml (default: the current folder)")
    status.add_argument("--config", type=Path, help="use this file instead of SITE_DIR/site.toml")
    status.add_argument("--format", choices=("text", "json", "html"), default="text",
                        help="a table for the terminal, one JSON document, or an HTML dashboard page")
    status.add_argument("--out", type=Path, help="write the report to this file instead of printing it")
    status.add_argument("--lang", help="the language of the HTML dashboard's text (default: the site's default language)")
    diff = commands.add_parser("diff", help="show what changed in an original since a translation was made from it")
    diff.add_argument("key", metavar="KEY", help="the page's key (guide/install) or its file stem when unique")
    diff.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR",
                      help="the folder with site.toml (default: the current folder)")
    diff.add_argument("--config", type=Path, help="use this file instead of SITE_DIR/site.toml")
    diff.add_argument("--lang", required=True, help="the language of the translation")
    init = commands.add_parser("init", help="start a new site in an empty folder: site.toml, an article "
                                            "in two languages, a .gitignore")
    init.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="DIR",
                      help="the folder to create the site in, new or empty (default: the current folder)")
    new = commands.add_parser("new", help="start an article, or a translation of one, from a template")
    new.add_argument("slug", metavar="SLUG", help="the article's slug, which becomes its file name")
    new.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR",
                     help="the folder with site.toml (default: the current folder)")
    new.add_argument("--config", type=Path, help="use this file instead of SITE_DIR/site.toml")
    new.add_argument("--lang", help="the language of the new file (default: the default language)")
    new.add_argument("--from", dest="source_lang", metavar="LANG",
                     help="translate the version in this language: same category, sources and related")
    serve = commands.add_parser("serve", help="preview the site with live reload")
    serve.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR",
                       help="the folder with site.toml (default: the current folder)")
    serve.add_argument("--config", type=Path, help="use this file instead of SITE_DIR/site.toml")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on; 0 picks a free one")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    serve.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    return parser


def add_site_arguments(command: argparse.ArgumentParser) -> None:
    """Add the options every command that reads a site takes."""
    command.add_argument("site_dir", nargs="?", default=".", type=Path, metavar="SITE_DIR",
                         help="the folder with site.toml (default: the current folder)")
    command.add_argument("--config", type=Path, help="use this file instead of SITE_DIR/site.toml")
    command.add_argument("--strict", action="store_true", help="treat warnings as errors")
    command.add_argument("--drafts", action="store_true", help="include articles with draft: true")


class Progress:
    """A one-line progress counter on a terminal, shown only once a build takes a moment."""

    def __init__(self, stream):
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, count: int) -> None:
        if self.enabled and count % 50 == 0 and time.monotonic() - self.started > 0.5:
            self.stream.write(f"\rbabelsite: writing files… {count}")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run_build(args: argparse.Namespace) -> int:
    """Build the site and print its diagnostics and a summary line."""
    from .options import BuildOptions
    from .incremental.cached import build
    from .errors import SiteError, plural
    from .parallel import default_jobs

    options = BuildOptions(
        site_dir=args.site_dir, config_path=args.config, output_dir=args.out, base_url=args.base_url,
        strict=args.strict, drafts=args.drafts, force=args.force, jobs=args.jobs or default_jobs(),
        use_cache=not args.no_cache,
    )
    progress = Progress(sys.stderr)
    try:
        report = build(options, progress)
    except SiteError as exc:
        progress.close()
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        print(f"babelsite: build failed with {plural(errors, 'error')}; nothing was written",
              file=sys.stderr)
        return 1
    progress.close()
    for diagnostic in report.warnings:
        print(diagnostic.format(), file=sys.stderr)
    per_language = ", ".join(f"{code} {count}" for code, count in report.pages_per_language.items())
    warnings = len(report.warnings)
    print(f"babelsite: built {report.output_dir} — pages: {per_language}; {plural(report.files, 'file')} "
          f"({report.changed} changed); {plural(warnings, 'warning')}; {report.seconds:.2f} s")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Print every diagnostic of the site; exit 1 when there are errors."""
    import json

    from .build import BuildOptions, check
    from .errors import plural

    diagnostics = check(BuildOptions(site_dir=args.site_dir, config_path=args.config,
                                     strict=args.strict, drafts=args.drafts))
    for d in diagnostics:
        if args.format == "json":
            print(json.dumps({"path": d.path, "line": d.line, "severity": d.severity, "code": d.code,
                              "message": d.message, "hint": d.hint}, ensure_ascii=False))
        else:
            print(d.format())
    counts = {severity: sum(d.severity == severity for d in diagnostics) for severity in ("error", "warning", "info")}
    if args.format == "text":
        print(f"babelsite: {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
              f"{plural(counts['info'], 'note')}",
              file=sys.stderr)
    return 1 if counts["error"] else 0


def run_serve(args: argparse.Namespace) -> int:
    """Serve the site with live reload until Ctrl-C."""
    from .build import BuildOptions
    from .errors import SiteError
    from .parallel import default_jobs
    from .serve.server import serve

    options = BuildOptions(site_dir=args.site_dir, config_path=args.config, drafts=args.drafts, jobs=default_jobs())
    try:
        return serve(options, args.host, args.port, args.open)
    except SiteError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        print("babelsite: the site has errors; fix them and start serve again", file=sys.stderr)
        return 1


def run_status(args: argparse.Namespace) -> int:
    """Report every article's translation state per language as text, JSON or an HTML dashboard."""
    import json

    from .build import BuildOptions, fail_on_problems, prepare
    from .errors import SiteError, plural
    from .links.translations import translation_status
    from .locale import canonical_language_code, interface_coverage, ui_strings
    from .quality.status import to_json, to_text
    from .render.dashboard import source_links, to_html

    try:
        # Drafts are read too: the status shows them in progress.
        prepared = prepare(BuildOptions(site_dir=args.site_dir, config_path=args.config, drafts=True))
        fail_on_problems(prepared.problems, strict=False)
    except SiteError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        print(f"babelsite: the site has {plural(errors, 'error')}; fix them to see its status",
              file=sys.stderr)
        return 1
    status = translation_status(prepared.site)
    config = prepared.site.config
    lang = canonical_language_code(args.lang) if args.lang else config.default_language
    if lang is None:
        print(f"babelsite: error: --lang {args.lang} is not a language code; give a BCP 47 code such as "
              f"{config.default_language}", file=sys.stderr)
        return 1
    interface = {code: interface_coverage(code, config.i18n.get(code, {})) for code in config.language_codes}
    if args.format == "json":
        report = json.dumps(to_json(status, interface), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        # Pages open from the dashboard only where base_url is a full URL; files are linked from where it is written.
        report = to_html(status, lang, ui_strings([lang], config.i18n, config.default_language)[lang],
                         outdated_diffs(prepared, status), page_links="://" in config.base_url,
                         source_href=source_links(config.site_dir, args.out.parent if args.out else Path.cwd()))
    else:
        report = to_text(status, interface)
    if args.out is None:
        sys.stdout.write(report)
        return 0
    try:
        args.out.write_text(report, encoding="utf-8")
    except OSError as exc:
        print(f"{args.out}: error: cannot write the report: {exc.strerror}; check that its folder exists",
              file=sys.stderr)
        return 1
    print(f"babelsite: wrote {args.out}", file=sys.stderr)
    return 0


def run_diff(args: argparse.Namespace) -> int:
    """Print what changed in an original since the translation in --lang was made; exit 1 when that is unknown."""
    from .errors import SiteError
    from .links.diff import DiffError
    from .quality.diff_report import diff_translation, to_text

    try:
        diff = diff_translation(args.site_dir, args.config, args.key, args.lang)
    except SiteError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        return 1
    except DiffError as exc:
        print(f"babelsite: error: {exc.message}; {exc.hint}", file=sys.stderr)
        return 1
    if diff.problem is not None:
        print(diff.problem.format(), file=sys.stderr)
    sys.stdout.write(to_text(diff, colour=sys.stdout.isatty()))
    return 1 if diff.problem is not None else 0


def outdated_diffs(prepared, status) -> dict:
    """Return what changed in the original of each outdated translation, by slug and language, for the dashboard."""
    from .links.diff import original_diff
    from .links.translations import OUTDATED

    return {(slug, code): original_diff(prepared.site, prepared.files, slug, code)
            for slug, row in status.rows.items() for code, cell in row.cells.items() if cell.state == OUTDATED}


def run_new(args: argparse.Namespace) -> int:
    """Write the file of a new article or translation and print its path."""
    from .errors import SiteError
    from .quality.new import new_article

    try:
        path = new_article(args.site_dir, args.config, args.slug, args.lang, args.source_lang)
    except SiteError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        return 1
    try:
        print(args.site_dir / path.relative_to(args.site_dir.resolve()))
    except ValueError:  # content_dir is outside the site folder
        print(path)
    return 0


def run_init(args: argparse.Namespace) -> int:
    """Write a new site into an empty folder and print what to do next."""
    from .errors import SiteError
    from .quality.init import init_site

    try:
        written = init_site(args.site_dir)
    except SiteError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        return 1
    for path in written:
        print(args.site_dir / path)
    print(f"babelsite: created a site in {args.site_dir}; preview it with: babelsite serve {args.site_dir}",
          file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    args = make_parser().parse_args(argv)
    try:
        commands = {"build": run_build, "check": run_check, "serve": run_serve, "status": run_status, "diff": run_diff, "new": run_new,
                    "init": run_init}
        return commands[args.command](args)
    except KeyboardInterrupt:
        print("babelsite: interrupted", file=sys.stderr)
        return 130
