"""Command line (click), Ruff-like: exit 0 clean, 1 findings, 2 usage or internal error."""

from __future__ import annotations

import json
import os
from dataclasses import replace
import sys
import traceback
from pathlib import Path

import click

from . import __version__, docs, fingerprint, heap, packs, reporters, terminal
from . import baseline as baseline_module
from . import config as config_module
from . import suggestions
from .cache import Cache
from .engine import run


def default_jobs() -> int:
    """`--jobs` when not given: the CPUs this process may run on."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


FORMATS = tuple(reporters.FORMATS)  # a new reporter is a new choice
# pre-commit passes every staged file by name: as Ruff's hooks, ours need `exclude` to hold for them
FORCE_EXCLUDE = click.option("--force-exclude", is_flag=True,
                             help="Apply `exclude` to files named on the command line too (for pre-commit).")


class _Group(click.Group):
    """click exits 1 on usage errors where Ruff (and our contract) says 2."""

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(2)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(2)
        sys.exit(result if isinstance(result, int) else 0)


def console_main() -> None:
    """The console script: `main`, then an immediate exit that leaves the analysis unfreed.

    A run ends holding millions of objects (facts, the linked index, findings). Freeing them one
    by one, or collecting their cycles at interpreter shutdown, only delays the exit: a fifth of
    sqlalchemy's tests spent 0.57-0.64 s there with one job, 0.18 s with two (as mypy does, the
    process ends with `os._exit` once its output is flushed), and what commands hand to
    `heap.keep` is not freed as they return either. Worker pools are shut down and files closed
    before a command returns. `main` itself, as click's test runner calls it, exits and frees as
    usual."""
    heap.keep_until_exit()
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # a message, as sys.exit prints it
            print(exc.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`), or a closed stream
            pass
    os._exit(code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="teardown-lint")
def main() -> None:
    """Find tests whose teardown deletes what their background work still needs."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output-format", "-f", "output_format", type=click.Choice(FORMATS), default="full", show_default=True)
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable (comma-separated).")
@click.option("--extend-select", multiple=True, help="Rule codes to enable on top of the configuration.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="A pyproject.toml to read.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--output-file", "-o", "output_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to FILE instead of stdout.")
@click.option("--baseline", "baseline_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Report only findings that the baseline FILE does not record; list its stale entries.")
@click.option("--write-baseline", "write_baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Record today's findings in FILE (for --baseline) and exit 0.")
@click.option("--fix", "apply_fix", is_flag=True, help="Apply the fixes (as `teardown-lint fix`), then report what is left.")
@click.option("--strategy", type=click.Choice(["wait", "cancel"]), default=None,
              help="How fixes stop the work before the delete (default: [tool.teardown-lint.fix] strategy, else wait).")
@click.option("--statistics", is_flag=True, help="Show the number of findings per rule instead of the findings.")
@click.option("--quiet", "-q", count=True, help="Print the findings only, without the summary; -qq: print nothing.")
@click.option("--silent", is_flag=True, help="Print nothing (as -qq); the exit code still tells.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes that read and check files (default: the number of CPUs).")
@click.option("--no-cache", "no_cache", is_flag=True, help="Neither read nor write .teardown_lint_cache/ at the project root.")
@FORCE_EXCLUDE
def check(paths, output_format, select, ignore, extend_select, config_path, exit_zero,
          output_file, baseline_path, write_baseline, apply_fix, strategy, statistics, quiet, silent,
          jobs, no_cache, force_exclude) -> int:
    """Lint PATHS (default: the current directory)."""
    quiet = 2 if silent else quiet
    try:
        cfg = config_module.load(config_path)
        cfg.force_exclude = force_exclude
        if select:
            # the command line outranks the configuration, as in Ruff
            cfg.select = config_module._codes(_split(select), "--select")
            cfg.ignore = []
        if extend_select:
            cfg.select += config_module._codes(_split(extend_select), "--extend-select")
        if ignore:
            cfg.ignore += config_module._codes(_split(ignore), "--ignore")
        _must_exist(paths)
        if baseline_path is not None and write_baseline is not None:
            raise click.UsageError("--baseline and --write-baseline cannot be used together")
        recorded = baseline_module.load(baseline_path) if baseline_path is not None else None
        cache = None if no_cache else Cache(cfg.root)
        fixes_shown = write_baseline is None and (statistics or output_format in suggestions.SHOWN_BY)
        if apply_fix:
            from . import fixer  # libcst, for fixing only

            outcome = fixer.fix(cfg, list(paths) or [Path.cwd()], strategy)
            _fix_summary(outcome, cfg.root)
            result = outcome.after
        else:
            bar = terminal.Progress(sys.stderr) if terminal.progress_allowed(sys.stderr, output_format, quiet) else None
            try:
                result = run(cfg, list(paths) or [Path.cwd()], progress=bar, jobs=jobs or default_jobs(), cache=cache,
                             when_idle=suggestions.prepare if fixes_shown else None)
            finally:
                if bar is not None:
                    bar.close()
        if fixes_shown:
            suggestions.attach(result, cfg, strategy, cache, jobs or default_jobs())
        heap.keep(result)  # the index and every fact in it: freed by the exit, not one by one
        fingerprint.assign(result)  # before paths become cwd-relative: fingerprints use root-relative ones
        if recorded is not None:
            checked = set(result.checked)
            baseline_module.apply(result, recorded, lambda e: e.path in checked and cfg.enabled(e.rule, e.path))
    except Exception as exc:  # noqa: BLE001 - every failure exits 2 with a report
        return _failure(exc)
    if write_baseline is not None:
        return _write_baseline(write_baseline, result)
    color = _color() and output_file is None
    result = _relative(result, cfg.root)
    if statistics:
        text = terminal.statistics(result, output_format)
    else:
        text = reporters.FORMATS[output_format](result, color=color)
        text = terminal.quiet(text, result, output_format) if quiet else text
    if not _emit(text if quiet < 2 or output_file is not None else "", output_file, color):
        return 2
    if quiet < 2:
        # --statistics prints a table (or JSON rows): unchecked files go with the table or to stderr
        notes_for = ("json-lines" if output_format == "json" else "full") if statistics else output_format
        for line in reporters.notes(result, notes_for):
            click.echo(line, err=True)
    if not quiet:
        for warning in result.warnings:
            click.echo(f"warning: {warning['path']}:{warning['line']}: {warning['message']}", err=True)
    if result.internal_errors:
        click.echo("error: teardown-lint hit an internal error (listed above); please report it", err=True)
        return 2
    # a file that could not be checked fails the run as a finding does (Ruff: syntax errors exit 1)
    if (result.findings or result.errors) and not exit_zero:
        return 1
    return 0


@main.command()
@click.argument("code")
def rule(code: str) -> int:
    """Explain a rule."""
    text = docs.render(code)
    if text is None:
        click.echo(f"error: unknown rule code {code!r}; known: {', '.join(docs.RULES)}", err=True)
        return 2
    click.echo(text)
    return 0


@main.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--diff", "show_diff", is_flag=True, help="Print the changes as a unified diff; write nothing.")
@click.option("--strategy", type=click.Choice(["wait", "cancel"]), default=None,
              help="Wait for the work (default) or cancel it before the delete.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="A pyproject.toml to read.")
@FORCE_EXCLUDE
def fix_command(paths, show_diff, strategy, config_path, force_exclude) -> int:
    """Apply the fixes to PATHS in place: exit 0 when nothing is left, 1 when findings remain, 2 on error."""
    try:
        cfg = config_module.load(config_path)
        cfg.force_exclude = force_exclude
        _must_exist(paths)
        from . import fixer  # libcst, for fixing only

        outcome = fixer.fix(cfg, list(paths) or [Path.cwd()], strategy, write=not show_diff)
    except Exception as exc:  # noqa: BLE001 - every failure exits 2 with a report
        return _failure(exc)
    if show_diff:
        click.echo(outcome.diff(_cwd_relative(cfg.root)), nl=False)
    _fix_summary(outcome, cfg.root, would=show_diff)
    for error in outcome.errors + outcome.after.errors:
        click.echo(f"error: {error['path']}: {error['message']}", err=True)
    if outcome.errors or outcome.after.internal_errors:
        return 2
    if show_diff:
        return 1 if outcome.changed or outcome.after.findings else 0
    return 1 if outcome.after.findings else 0


@main.command("rules")
@click.option("--output-format", "-f", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules_command(output_format: str) -> int:
    """List every rule: code, name, what it flags, whether it is on by default."""
    defaults = config_module.Config(root=Path.cwd())
    rows = [
        {"code": code, "name": info["name"], "summary": info["summary"], "default": defaults.enabled(code),
         "explanation": info["doc"]}
        for code, info in sorted(docs.RULES.items())
    ]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
        return 0
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        off = "" if row["default"] else "  (off by default: select it)"
        click.echo(f"{row['code']}  {row['name']:<{width}}  {row['summary']}{off}")
    return 0


@main.command("debug")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output-format", "-f", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="A pyproject.toml to read.")
def debug_command(paths, output_format: str, config_path) -> int:
    """Show the resolved configuration and, for each test in PATHS, its lifecycle with every call
    classified (enqueue, wait, cancel, delete …) and the pack or configuration entry that said so."""
    try:
        cfg = config_module.load(config_path)
        _must_exist(paths)
        from . import explain  # the walker's tracer: only `debug` needs it

        data = explain.explain(cfg, list(paths), cwd=Path.cwd().resolve())
    except Exception as exc:  # noqa: BLE001 - every failure exits 2 with a report
        return _failure(exc)
    click.echo(explain.as_json(data) if output_format == "json" else explain.as_text(data))
    return 0


def _must_exist(paths) -> None:
    for path in paths:
        if not path.exists():
            raise click.UsageError(f"{path}: no such file or directory")


def _failure(exc: Exception) -> int:
    """Exit code 2 for what the user must correct (configuration, packs, a baseline) and for a
    crash, which also prints the traceback to report; click's usage errors go to click."""
    if isinstance(exc, (click.ClickException, click.exceptions.Exit)):
        raise exc
    if isinstance(exc, (config_module.ConfigError, packs.PackError, baseline_module.BaselineError)):
        click.echo(f"error: {exc}", err=True)
        return 2
    click.echo("error: teardown-lint crashed; please report this:", err=True)
    click.echo("".join(traceback.format_exception(exc)), err=True)
    return 2


def _cwd_relative(root: Path):
    """Root-relative paths (the engine's) as the user sees them: relative to the current directory."""
    cwd = Path.cwd().resolve()
    return lambda path: Path(os.path.relpath(root / path, cwd)).as_posix()


def _fix_summary(outcome, root: Path, would: bool = False) -> None:
    """What was fixed and what was not (with why), on stderr, as Ruff reports its fixes."""
    rel = _cwd_relative(root)
    n, files = len(outcome.fixed), len(outcome.changed)
    verb = "Would fix" if would else "Fixed"
    click.echo(f"{verb} {n} finding{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}.", err=True)
    for finding, reason in outcome.unfixed:
        click.echo(f"not fixed: {rel(finding.path)}:{finding.loc.line}:{finding.loc.col}: {finding.rule}: {reason}", err=True)
    left = len(outcome.after.findings)
    if left:
        click.echo(f"{left} finding{'s' if left != 1 else ''} left.", err=True)


def _emit(text: str, output_file: Path | None, color: bool = False) -> bool:
    """The report to stdout, or to FILE (`-o`) and nothing to stdout, as Ruff's `--output-file`."""
    if output_file is None:
        if text:  # an empty json-lines report is no output, not a blank line
            click.echo(text, color=color or None)  # click strips ANSI off a pipe unless told: FORCE_COLOR
        return True
    try:
        output_file.parent.mkdir(parents=True, exist_ok=True)
        output_file.write_text(text + "\n" if text else "", encoding="utf-8")
    except OSError as exc:
        click.echo(f"error: cannot write {output_file}: {exc}", err=True)
        return False
    return True


def _write_baseline(path: Path, result) -> int:
    """`--write-baseline`: record the findings instead of reporting them, as `ruff --add-noqa` does."""
    try:
        entries = baseline_module.write(path, result.findings)
    except OSError as exc:
        click.echo(f"error: cannot write the baseline {path}: {exc}", err=True)
        return 2
    n = len(result.findings)
    click.echo(f"Wrote {n} finding{'s' if n != 1 else ''} ({entries} entr{'ies' if entries != 1 else 'y'}) "
               f"to the baseline {path}.", err=True)
    for error in result.errors:
        click.echo(f"error: {error['path']}: {error['message']}", err=True)
    return 2 if result.internal_errors else 0


def _split(values) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _relative(result, root: Path):
    """Paths in output are relative to the current directory, with `/` (the engine's are root-relative)."""
    if Path.cwd().resolve() == root:
        return result
    rel = _cwd_relative(root)

    for finding in result.findings:
        finding.path = rel(finding.path)
        finding.works = [w.__class__(**{**w.__dict__, "path": rel(w.path)}) for w in finding.works]
        if finding.delete is not None:
            finding.delete = (rel(finding.delete[0]), *finding.delete[1:])
        if finding.fix is not None:
            finding.fix.edits = [replace(edit, path=rel(edit.path)) for edit in finding.fix.edits]
    for error in result.errors:
        error["path"] = rel(error["path"])
    for entry in result.stale:
        entry["path"] = rel(entry["path"])
    for warning in result.warnings:
        warning["path"] = rel(warning["path"])
    result.sources = {rel(k): v for k, v in result.sources.items()}
    return result


def _color() -> bool:
    """Colour for the report on stdout (NO_COLOR / FORCE_COLOR: see terminal.color)."""
    return terminal.color(sys.stdout)
