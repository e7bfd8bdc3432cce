"""The ``archiver`` command: parses, builds Settings, calls one API function, prints.

Exit codes (documented in docs/cli.md):

    0  done, nothing to report
    1  some inputs or tweets could not be processed (each named on stderr in one line)
    2  bad usage, configuration or input that stopped the command
    3  ``--fail-on`` matched: a tweet has one of the named statuses
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from archiver import api, report
from archiver.config import NOT_GIVEN, Settings, load_settings
from archiver.errors import ArchiverError

__all__ = ["main"]

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_FAIL_ON = 3


def _settings(ctx: click.Context, **flags: Any) -> Settings:
    config = ctx.obj.get("config") if ctx.obj else None
    return load_settings(config, **flags)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ARCHIVER_CONFIG",
    help="TOML settings file (flags and ARCHIVER_* variables win over it).",
)
@click.version_option(package_name="embed-archiver")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Find, capture and verify the tweets that articles embed."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
    help="table for people; jsonl or csv (one reference per line) for programs.",
)
@click.option("--body-only", is_flag=True, help="Leave out sidebar, footer and script references.")
@click.option("--max-bytes", type=int, default=None, help="Refuse inputs larger than this.")
@click.pass_context
def scan(
    ctx: click.Context, sources: tuple[str, ...], fmt: str, body_only: bool, max_bytes: int | None
) -> int:
    """Scan SOURCES (files, folders, - for stdin, article URLs) for tweet references."""
    settings = _settings(ctx, max_input_bytes=NOT_GIVEN if max_bytes is None else max_bytes)
    result = api.scan(sources, settings)
    refs = [r for r in result.refs if not body_only or r.location == "body"]
    out = sys.stdout
    if fmt == "jsonl":
        report.write_jsonl((r.to_json() for r in refs), out)
    elif fmt == "csv":
        report.write_csv((r.to_json() for r in refs), report.SCAN_COLUMNS, out)
    else:
        report.write_scan_table(refs, _console())
    for error in result.errors:
        click.echo(f"archiver: {error}", err=True)
    return EXIT_PARTIAL if result.errors else EXIT_OK


def _console() -> Console:
    """Rich console; wide enough to read when stdout is a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=140)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: sys.argv) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="archiver", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("archiver: aborted", err=True)
        return EXIT_PARTIAL
    except ArchiverError as exc:
        click.echo(f"archiver: {exc}", err=True)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
