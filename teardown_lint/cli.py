"""Command line (click), Ruff-like: exit 0 clean, 1 findings, 2 usage or internal error."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__, docs, packs, reporters
from . import config as config_module
from .engine import run

FORMATS = tuple(reporters.FORMATS)  # a new reporter is a new choice


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
def check(paths, output_format, select, ignore, extend_select, config_path, exit_zero) -> int:
    """Lint PATHS (default: the current directory)."""
    try:
        cfg = config_module.load(config_path)
        if select:
            # the command line outranks the configuration, as in Ruff
            cfg.select = config_module._codes(_split(select), "--select")
            cfg.ignore = []
        if extend_select:
            cfg.select += config_module._codes(_split(extend_select), "--extend-select")
        if ignore:
            cfg.ignore += config_module._codes(_split(ignore), "--ignore")
        for path in paths:
            if not path.exists():
                raise click.UsageError(f"{path}: no such file or directory")
        result = run(cfg, list(paths) or [Path.cwd()])
    except (config_module.ConfigError, packs.PackError) as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except click.ClickException:
        raise
    except Exception:  # noqa: BLE001 - an internal error must still exit 2 with a report
        click.echo("error: teardown-lint crashed; please report this:", err=True)
        click.echo(traceback.format_exc(), err=True)
        return 2
    color = _color()
    text = reporters.FORMATS[output_format](_relative(result, cfg.root), color=color)
    click.echo(text)
    if result.internal_errors:
        click.echo("error: teardown-lint hit an internal error (listed above); please report it", err=True)
        return 2
    if result.findings and not exit_zero:
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


def _split(values) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _relative(result, root: Path):
    """Paths in output are relative to the current directory, with `/` (the engine's are root-relative)."""
    cwd = Path.cwd().resolve()
    if cwd == root:
        return result

    def rel(path: str) -> str:
        return Path(os.path.relpath(root / path, cwd)).as_posix()

    for finding in result.findings:
        finding.path = rel(finding.path)
        finding.works = [w.__class__(**{**w.__dict__, "path": rel(w.path)}) for w in finding.works]
        if finding.delete is not None:
            finding.delete = (rel(finding.delete[0]), *finding.delete[1:])
    for error in result.errors:
        error["path"] = rel(error["path"])
    result.sources = {rel(k): v for k, v in result.sources.items()}
    return result


def _color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()
