"""The ``archiver`` command: parses, builds Settings, calls one API function, prints.

Exit codes (documented in docs/cli.md):

    0  done, nothing to report
    1  some inputs or tweets could not be processed (each named on stderr in one line)
    2  bad usage, configuration or input that stopped the command
    3  ``--fail-on`` matched: a tweet has one of the named statuses
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from archiver import api, report
from archiver.check import CHECK_COLUMNS
from archiver.config import NOT_GIVEN, Settings, load_settings
from archiver.errors import ArchiverError
from archiver.lock import lock_for
from archiver.models import Status
from archiver.safetext import plain
from archiver.scan.urls import classify
from archiver.store import Store

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


_ROWS_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
    help="table for people; jsonl or csv (one reference per line) for programs.",
)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@_ROWS_FORMAT
@click.option("--body-only", is_flag=True, help="Leave out sidebar, footer, script and metadata references.")
@click.option("--max-bytes", type=int, default=None, help="Refuse inputs larger than this.")
@click.pass_context
def scan(
    ctx: click.Context, sources: tuple[str, ...], fmt: str, body_only: bool, max_bytes: int | None
) -> int:
    """Scan SOURCES (files, folders, - for stdin, article URLs) for tweet references."""
    settings = _settings(ctx, max_input_bytes=_given(max_bytes))
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
        _error(error)
    return EXIT_PARTIAL if result.errors else EXIT_OK


def _console() -> Console:
    """Rich console; wide enough to read when stdout is a file or a pipe. No emoji codes and
    no highlighting: what articles say is shown as it is (see :mod:`archiver.safetext`)."""
    console = Console(emoji=False, highlight=False)
    return console if console.is_terminal else Console(width=140, emoji=False, highlight=False)


def _error(message: object) -> None:
    """One line on stderr; the message often names an article or a server's words."""
    click.echo(f"archiver: {plain(message)}", err=True)


def _network_options(command: Any) -> Any:
    """Options every networked command shares (also settable in the config file)."""
    options = [
        click.option(
            "--resolve",
            "resolve",
            multiple=True,
            metavar="HOST=ADDR:PORT",
            help="Connect to ADDR:PORT for HOST, keeping URL, Host header and TLS name (repeatable).",
        ),
        click.option(
            "--ca-bundle",
            type=click.Path(dir_okay=False, path_type=Path),
            help="An extra CA certificate (PEM) to trust: a mirror, a proxy, the simulator.",
        ),
        click.option("--concurrency", type=int, help="Requests in flight at once, overall."),
        click.option("--per-host", type=int, help="Requests in flight at once, per host."),
        click.option("--rate", type=float, help="Requests per second per host (politeness; 0: no limit)."),
        click.option(
            "--simx",
            "simx",
            metavar="SCENARIO",
            help="Start the simulated X in-process on SCENARIO (a name or a file) and use it.",
        ),
        click.option("--simx-phase", type=int, default=0, show_default=True, help="The simulator's phase."),
        click.option(
            "--db",
            type=click.Path(dir_okay=False, path_type=Path),
            help="The state database (default: archiver.db in the output folder).",
        ),
        click.option("--no-db", is_flag=True, help="Do not remember this run's checks."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _not_special(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A file to write or read must be a regular one: a FIFO would block the command for ever."""
    if value is not None and value.exists() and not value.is_file():
        raise click.BadParameter(f"{value}: not a regular file", ctx=ctx, param=param)
    return value


def _given(value: Any) -> Any:
    """A number flag as given (0 and negatives too: Settings refuses them), else NOT_GIVEN."""
    return NOT_GIVEN if value is None else value


def _network_settings(
    ctx: click.Context,
    resolve: tuple[str, ...],
    ca_bundle: Path | None,
    concurrency: int | None,
    per_host: int | None = None,
    rate: float | None = None,
    db: Path | None = None,
    no_db: bool = False,
    **flags: Any,
) -> Settings:
    given: dict[str, Any] = {
        "resolve": resolve if resolve else NOT_GIVEN,
        "ca_bundle": ca_bundle if ca_bundle else NOT_GIVEN,
        "concurrency": _given(concurrency),
        "per_host": _given(per_host),
        "rate": rate if rate is not None else NOT_GIVEN,
        "db": db if db else NOT_GIVEN,
        "use_db": False if no_db else NOT_GIVEN,
    }
    return _settings(ctx, **given, **flags)


def _flag_given(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """None or an empty tuple: the flag was not given (the config file and environment decide)."""
    return value if value not in (None, ()) else NOT_GIVEN


def _evidence_flags(command: Any) -> Any:
    """How packages are signed and timestamped (also ``signing_key``, ``tsa``… in the config)."""
    options = [
        click.option(
            "--key",
            "signing_key",
            type=click.Path(dir_okay=False, path_type=Path),
            callback=_flag_given,
            help="Signing key (default ~/.config/embed-archiver/signing-key.pem, used when it exists).",
        ),
        click.option(
            "--signing-url",
            callback=_flag_given,
            help="An authsign-compatible server to sign with (domain mode).",
        ),
        click.option("--signing-token", callback=_flag_given, help="Bearer token for --signing-url."),
        click.option(
            "--tsa",
            multiple=True,
            metavar="URL",
            callback=_flag_given,
            help="An RFC 3161 timestamp authority to stamp packages (repeatable).",
        ),
        click.option(
            "--tsa-certs",
            multiple=True,
            metavar="PEM",
            callback=_flag_given,
            help="Root and intermediate certificates of the TSAs' chains (repeatable).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


_INCLUDE_PRIVATE = click.option(
    "--include-private",
    is_flag=True,
    help="Include posts marked private (the operator's own use; recorded in the output).",
)


def _withhold(settings: Settings, rows: list[dict[str, Any]], include_private: bool) -> list[dict[str, Any]]:
    """``rows`` with private and taken-down posts shown as withheld (from the state database)."""
    from archiver.evidence.privacy import mask_rows

    if not settings.use_db or not settings.db_path.exists():
        return rows
    with Store(settings.db_path) as store:
        return mask_rows(rows, store.withheld_posts(), include_private=include_private)


@contextmanager
def _maybe_simx(scenario: str | None, phase: int, settings: Settings) -> Iterator[Settings]:
    """``settings`` as they are, or pointed at a simulator started for the block (through
    ``--resolve`` and ``--ca-bundle``, as any mirror is)."""
    if scenario is None:
        yield settings
        return
    from archiver.testing.simx import SimX, load_scenario

    try:
        loaded = load_scenario(scenario)
    except (OSError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="--simx") from exc
    with SimX(loaded, phase=phase) as sim:
        click.echo(
            f"archiver: simulated X ({loaded.name}, phase {phase}) on {sim.address}:{sim.port}",
            err=True,
        )
        yield sim.settings(settings)


def _statuses(value: str | None) -> frozenset[Status]:
    if not value:
        return frozenset()
    try:
        return frozenset(Status(v.strip()) for v in value.split(",") if v.strip())
    except ValueError:
        known = ",".join(s.value for s in Status)
        raise click.BadParameter(f"{value!r}: statuses are {known}", param_hint="--fail-on") from None


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@_ROWS_FORMAT
@click.option("--fail-on", metavar="STATUS,…", help="Exit with 3 when a tweet has one of these statuses.")
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_not_special,
    help="Write every probe's request and response to this WARC file (.warc.gz).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder, where the state database lives (default: archives/).",
)
@_INCLUDE_PRIVATE
@_network_options
@click.pass_context
def check(
    ctx: click.Context,
    /,
    sources: tuple[str, ...],
    fmt: str,
    fail_on: str | None,
    record: Path | None,
    out_dir: Path | None,
    simx: str | None,
    simx_phase: int,
    include_private: bool,
    **network: Any,
) -> int:
    """Is each tweet that SOURCES cite still there? Scan, resolve, probe, decide (no browser)."""
    fail_statuses = _statuses(fail_on)
    settings = _network_settings(ctx, **network, out_dir=out_dir or NOT_GIVEN)
    with _maybe_simx(simx, simx_phase, settings) as run_settings:
        result = api.check(sources, run_settings, record=record)
    rows = [row.to_json() for row in result.rows]
    shown = _withhold(settings, rows, include_private)
    if fmt == "jsonl":
        report.write_jsonl(shown, sys.stdout)
    elif fmt == "csv":
        report.write_csv(shown, (*report.SCAN_COLUMNS, *CHECK_COLUMNS), sys.stdout)
    else:
        report.write_check_table(shown, _console())
    for error in result.errors:
        _error(error)
    if result.warc is not None:
        click.echo(f"archiver: probes recorded in {result.warc}", err=True)
    if fail_statuses & {Status(row["status"]) for row in rows}:
        return EXIT_FAIL_ON
    return EXIT_PARTIAL if result.errors else EXIT_OK


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder: warc/, wacz/ and reports go there (default: archives/).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--fail-on", metavar="STATUS,…", help="Exit with 3 when a tweet has one of these statuses.")
@click.option("--chromium", help="Path of the Chromium binary (default /usr/bin/chromium).")
@click.option("--capture-concurrency", type=int, help="Browser captures at once (default 2).")
@click.option("--capture-timeout", type=float, help="Seconds one capture may take (default 30).")
@click.option("--no-wacz", is_flag=True, help="Write WARC files only.")
@click.option("--with-status-page", is_flag=True, help="Also capture each tweet's x.com status page.")
@click.option("--with-article", is_flag=True, help="Also capture the article page (inputs given as URLs).")
@_evidence_flags
@_network_options
@click.pass_context
def archive(
    ctx: click.Context,
    /,
    sources: tuple[str, ...],
    out_dir: Path | None,
    fmt: str,
    fail_on: str | None,
    chromium: str | None,
    capture_concurrency: int | None,
    capture_timeout: float | None,
    no_wacz: bool,
    with_status_page: bool,
    with_article: bool,
    simx: str | None,
    simx_phase: int,
    **network: Any,
) -> int:
    """Capture every tweet SOURCES cite in a real browser into WARC and WACZ, with verdicts."""
    fail_statuses = _statuses(fail_on)
    settings = _network_settings(
        ctx,
        **network,
        out_dir=out_dir or NOT_GIVEN,
        chromium=chromium or NOT_GIVEN,
        capture_concurrency=_given(capture_concurrency),
        capture_timeout=_given(capture_timeout),
        with_status_page=with_status_page or NOT_GIVEN,
        with_article=with_article or NOT_GIVEN,
    )
    console = _console()
    with (
        _maybe_simx(simx, simx_phase, settings) as run_settings,
        report.capture_progress(console) as progress,
    ):
        run = api.archive(sources, run_settings, make_wacz=not no_wacz, on_captured=progress)
    rows = [row.to_json() for row in run.result.rows]
    if fmt == "jsonl":
        report.write_jsonl(rows, sys.stdout)
    else:
        report.write_check_table(rows, console)
        report.write_archive_summary(run.result, console)
    for error in run.errors:
        _error(error)
    if fail_statuses & {Status(row["status"]) for row in rows}:
        return EXIT_FAIL_ON
    return EXIT_PARTIAL if run.errors else EXIT_OK


@cli.command()
@click.option(
    "--wacz",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_not_special,
    required=True,
    help="The WACZ file to write.",
)
@click.option("--since", help="Only WARC files written from this date or time on (ISO 8601).")
@_INCLUDE_PRIVATE
@_evidence_flags
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="The state database.")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def export(
    ctx: click.Context,
    /,
    output: Path,
    since: str | None,
    include_private: bool,
    db: Path | None,
    inputs: tuple[Path, ...],
    **evidence: Any,
) -> int:
    """Package WARC files (default: archives/warc) into one WACZ for researchers.

    Posts marked private or taken down are left out; the package is signed when a key exists
    (or --signing-url is given) and timestamped by each --tsa.
    """
    for item in inputs:
        if not (item.is_dir() or item.is_file()):
            raise click.BadParameter(f"{item}: not a regular file or folder", param_hint="INPUTS")
    settings = _settings(ctx, db=db or NOT_GIVEN, **evidence)
    written = api.export_wacz(
        output,
        inputs or (Path("archives/warc"),),
        since=since,
        settings=settings,
        include_private=include_private,
    )
    click.echo(f"archiver: wrote {written}", err=True)
    return EXIT_OK


def _store(ctx: click.Context, db: Path | None, out_dir: Path | None) -> Store:
    settings = _settings(ctx, db=db or NOT_GIVEN, out_dir=out_dir or NOT_GIVEN)
    if not settings.db_path.exists():
        raise click.ClickException(f"{settings.db_path}: no state database yet (run check or archive first)")
    return Store(settings.db_path)


_DB_OPTION = click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help="The state database.")
_OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="The output folder."
)


@cli.command()
@click.argument("tweet")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@_DB_OPTION
@_OUT_OPTION
@click.pass_context
def history(ctx: click.Context, /, tweet: str, fmt: str, db: Path | None, out_dir: Path | None) -> int:
    """A tweet's timeline (TWEET is an id or a status URL): every check, every status change."""
    link = classify(tweet)
    tweet_id = link.tweet_id if link is not None and link.tweet_id else tweet.strip()
    if not tweet_id.isdigit():
        raise click.BadParameter(f"{tweet!r} is neither a tweet id nor a status URL", param_hint="TWEET")
    with _store(ctx, db, out_dir) as store:
        summary, entries = store.tweet(tweet_id), store.tweet_history(tweet_id)
    if fmt == "jsonl":
        report.write_jsonl(entries, sys.stdout)
    else:
        report.write_history(tweet_id, summary, entries, _console())
    return EXIT_OK if summary else EXIT_PARTIAL


@cli.command()
@click.argument("article")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@_DB_OPTION
@_OUT_OPTION
@_INCLUDE_PRIVATE
@click.pass_context
def status(
    ctx: click.Context,
    /,
    article: str,
    fmt: str,
    db: Path | None,
    out_dir: Path | None,
    include_private: bool,
) -> int:
    """An article's embeds with their latest verdicts (ARTICLE as it was given to check/archive)."""
    from archiver.evidence.privacy import mask_rows

    with _store(ctx, db, out_dir) as store:
        rows = [report.flat_check(r) for r in store.article_status(article)]
        rows = mask_rows(rows, store.withheld_posts(), include_private=include_private)
    if not rows:
        _error(f"no checks recorded for {article}")
        return EXIT_PARTIAL
    if fmt == "jsonl":
        report.write_jsonl(rows, sys.stdout)
    else:
        report.write_check_table(rows, _console())
    return EXIT_OK


@cli.command("report")
@click.option(
    "--format", "fmt", type=click.Choice(["html", "json", "csv"]), default="html", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_not_special,
    help="Default: stdout (html: archives/reports/).",
)
@click.option("--since", help="Only checks at or after this date or time (ISO 8601).")
@click.option("--run", "run_id", type=int, help="Only this run.")
@click.option("--article", help="Only this article.")
@_DB_OPTION
@_OUT_OPTION
@_INCLUDE_PRIVATE
@click.pass_context
def report_command(
    ctx: click.Context,
    /,
    fmt: str,
    output: Path | None,
    since: str | None,
    run_id: int | None,
    article: str | None,
    db: Path | None,
    out_dir: Path | None,
    include_private: bool,
) -> int:
    """Report the latest verdict of every reference: HTML with screenshots, JSON or CSV."""
    settings = _settings(ctx, db=db or NOT_GIVEN, out_dir=out_dir or NOT_GIVEN)
    with _store(ctx, db, out_dir) as store:
        written = api.write_report(
            store,
            settings.out_dir,
            fmt,
            output,
            since=since,
            run_id=run_id,
            article=article,
            include_private=include_private,
        )
    if written is not None:
        click.echo(f"archiver: report written to {written}", err=True)
    return EXIT_OK


@cli.command()
@click.option(
    "--fail-on", metavar="STATUS,…", help="Exit with 3 when a tweet newly has one of these statuses."
)
@click.option("--notify-webhook", metavar="URL", help="POST the run's JSON summary to URL.")
@click.option(
    "--log", "log_format", type=click.Choice(["auto", "json", "text"]), default="auto", show_default=True
)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--chromium", help="Path of the Chromium binary (default /usr/bin/chromium).")
@click.option("--capture-concurrency", type=int, help="Browser captures at once (default 2).")
@click.option("--capture-timeout", type=float, help="Seconds one capture may take (default 30).")
@_evidence_flags
@_network_options
@click.pass_context
def run(
    ctx: click.Context,
    /,
    fail_on: str | None,
    notify_webhook: str | None,
    log_format: str,
    out_dir: Path | None,
    chromium: str | None,
    capture_concurrency: int | None,
    capture_timeout: float | None,
    simx: str | None,
    simx_phase: int,
    **network: Any,
) -> int:
    """The nightly job: capture what is new, re-check what is due, record what changed.

    Sources, schedule and notification come from the --config file (see `archiver init`).
    One run per output folder at a time; a second exits at once with a clear message.
    """
    from archiver.jobs import EventLog, load_job, run_job

    fail_statuses = _statuses(fail_on)
    job = load_job(ctx.obj.get("config"))
    if notify_webhook:
        job = replace(job, webhook=notify_webhook)
    settings = _network_settings(
        ctx,
        **network,
        out_dir=out_dir or NOT_GIVEN,
        chromium=chromium or NOT_GIVEN,
        capture_concurrency=_given(capture_concurrency),
        capture_timeout=_given(capture_timeout),
    )
    log = EventLog(json_lines={"auto": None, "json": True, "text": False}[log_format])
    with _maybe_simx(simx, simx_phase, settings) as run_settings:
        outcome = run_job(job, run_settings, log=log)
    if outcome.result is not None and _console().is_terminal:
        report.write_check_table([row.to_json() for row in outcome.result.rows], _console())
    if fail_statuses & {Status(item["to"]) for item in outcome.newly}:
        return EXIT_FAIL_ON
    return EXIT_OK


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=Path("archiver.toml"))
def init(path: Path) -> int:
    """Write a commented example configuration (default: archiver.toml)."""
    from archiver.jobs import EXAMPLE_CONFIG

    if path.exists():
        raise click.ClickException(f"{path} exists; not overwriting it")
    path.write_text(EXAMPLE_CONFIG, encoding="utf-8")
    click.echo(f"archiver: wrote {path}", err=True)
    return EXIT_OK


@cli.command()
@click.argument("scenario")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8443, show_default=True)
@click.option("--phase", type=int, default=0, show_default=True)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("archives/simx"),
    show_default=True,
    help="Where the simulator's CA certificate is written.",
)
def simx(scenario: str, host: str, port: int, phase: int, workdir: Path) -> int:
    """Run the simulated X on SCENARIO (a shipped name or a file) until interrupted."""
    from archiver.testing.simx import SimX, load_scenario

    try:
        loaded = load_scenario(scenario)
    except (OSError, ValueError) as exc:
        raise click.BadParameter(str(exc), param_hint="SCENARIO") from exc
    with SimX(loaded, host=host, port=port, phase=phase, workdir=workdir) as sim:
        click.echo(json.dumps(sim.describe()), nl=True)
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return EXIT_OK


# -- evidence: keys, verify, privacy and takedown -------------------------------------------------


@cli.group()
def keys() -> None:
    """The signing key that signs every package once it exists (anonymous mode)."""


@keys.command("init")
@click.option(
    "--key",
    "key_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default ~/.config/embed-archiver/signing-key.pem).",
)
@click.option("--force", is_flag=True, help="Replace an existing key (packages it signed stay valid).")
def keys_init(key_path: Path | None, force: bool) -> int:
    """Make an ECDSA P-256 signing key (file mode 0600) and print its public half."""
    from archiver.evidence.keys import init_key, key_fingerprint, load_private_key, public_key_b64

    written = init_key(key_path, force=force)
    public = public_key_b64(load_private_key(written).public_key())
    click.echo(f"archiver: wrote {written} (0600); public key {key_fingerprint(public)}", err=True)
    click.echo(_public_pem(written), nl=False)
    return EXIT_OK


@keys.command("show")
@click.option("--key", "key_path", type=click.Path(dir_okay=False, path_type=Path), help="The key file.")
def keys_show(key_path: Path | None) -> int:
    """Print the public key (PEM) to hand to recipients, who pin it with `verify --public-key`."""
    from archiver.evidence.keys import default_key_path

    path = key_path or default_key_path()
    if not path.exists():
        raise click.ClickException(f"{path}: no signing key (archiver keys init)")
    click.echo(_public_pem(path), nl=False)
    return EXIT_OK


def _public_pem(path: Path) -> str:
    from cryptography.hazmat.primitives import serialization

    from archiver.evidence.keys import load_private_key

    public = load_private_key(path).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


@cli.command()
@click.argument("package", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The signer's public key (PEM) as you were given it: any other key fails.",
)
@click.option(
    "--trusted-root",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Only these root certificates (PEM) count for timestamps and domain signatures.",
)
def verify(package: Path, fmt: str, public_key: Path | None, trusted_root: tuple[Path, ...]) -> int:
    """Check PACKAGE (a WACZ) offline: hashes, WARC digests, signature, timestamps, verdicts.

    Prints a short certificate; exits 1 naming every mismatch.
    """
    from archiver.evidence.keys import load_public_key, public_key_b64
    from archiver.evidence.timestamps import load_certificates
    from archiver.evidence.verify import certificate, verify_package

    expected = public_key_b64(load_public_key(public_key)) if public_key else None
    result = verify_package(package, expected_key=expected, trusted_roots=load_certificates(trusted_root))
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=1))
    else:
        click.echo(certificate(result))
    return EXIT_OK if result.ok else EXIT_PARTIAL


def _post_id(post: str) -> str:
    link = classify(post)
    post_id = link.tweet_id if link is not None and link.tweet_id else post.strip()
    if not post_id.isdigit():
        raise click.BadParameter(f"{post!r} is neither a post id nor a status URL", param_hint="POST")
    return post_id


def _privacy_store(ctx: click.Context, db: Path | None, out_dir: Path | None) -> tuple[Store, Settings]:
    settings = _settings(ctx, db=db or NOT_GIVEN, out_dir=out_dir or NOT_GIVEN)
    return Store(settings.db_path), settings


_REASON = click.option("--reason", required=True, help="Why (kept, dated, in the history).")


def _privacy_command(action: str, doc: str) -> Any:
    @_REASON
    @_DB_OPTION
    @_OUT_OPTION
    @click.argument("post")
    @click.pass_context
    def command(ctx: click.Context, /, post: str, reason: str, db: Path | None, out_dir: Path | None) -> int:
        store, _ = _privacy_store(ctx, db, out_dir)
        with store:
            entry = store.record_privacy(_post_id(post), action, reason)
        click.echo(f"archiver: {entry['post_id']} {action} at {entry['at']}: {reason}", err=True)
        return EXIT_OK

    command.__doc__ = doc
    return cli.command(action)(command)


_privacy_command(
    "private",
    "Withhold POST (an id or status URL) from exports, reports and check/status output.\n\n"
    "Its captures stay in the WARCs; --include-private shows it to the operator.",
)
_privacy_command("public", "Undo `private` for POST: it is handed out again.")


@cli.command()
@click.argument("post")
@_REASON
@_DB_OPTION
@_OUT_OPTION
@click.pass_context
def takedown(ctx: click.Context, /, post: str, reason: str, db: Path | None, out_dir: Path | None) -> int:
    """A takedown request for POST: never exported again; lists the sealed files that hold it.

    Those files are left as they are until `archiver purge` rewrites them.
    """
    from archiver.evidence.privacy import sealed_files_with

    store, settings = _privacy_store(ctx, db, out_dir)
    post_id = _post_id(post)
    files = sealed_files_with(settings.out_dir, [post_id]).get(post_id, [])
    with store:
        entry = store.record_privacy(post_id, "takedown", reason, files=files)
    click.echo(f"archiver: {post_id} taken down at {entry['at']}: {reason}", err=True)
    for name in files:
        click.echo(str(settings.out_dir / name))
    if files:
        click.echo(
            f"archiver: {len(files)} sealed file(s) still hold it; `archiver purge` rewrites them", err=True
        )
    return EXIT_OK


@cli.command()
@click.option("--yes", is_flag=True, help="Rewrite the files (without it: only list what would change).")
@_evidence_flags
@_DB_OPTION
@_OUT_OPTION
@click.pass_context
def purge(ctx: click.Context, /, yes: bool, db: Path | None, out_dir: Path | None, **evidence: Any) -> int:
    """Rewrite the sealed WARC and WACZ files that hold taken-down posts, without their records.

    Each WACZ rewritten is sealed (signed, timestamped) again; each rewrite is in the history.
    """
    from archiver.evidence.package import evidence_options
    from archiver.evidence.privacy import purge as purge_files
    from archiver.evidence.privacy import sealed_files_with

    settings = _settings(ctx, db=db or NOT_GIVEN, out_dir=out_dir or NOT_GIVEN, **evidence)
    with Store(settings.db_path) as store:
        withheld = store.withheld_posts()
        posts = sorted(p for p, state in withheld.items() if state["state"] == "takedown")
        found = sealed_files_with(settings.out_dir, posts)
        files = sorted({f for names in found.values() for f in names})
        for name in files:
            click.echo(str(settings.out_dir / name))
        if not files:
            click.echo("archiver: no sealed file holds a taken-down post", err=True)
            return EXIT_OK
        if not yes:
            click.echo(f"archiver: {len(files)} file(s) would be rewritten; run again with --yes", err=True)
            return EXIT_OK
        with lock_for(settings, "purge", writes_out=True):  # no run may write while files are rewritten
            result = purge_files(settings.out_dir, posts, evidence_options(settings, store))
        store.forget_sealed(result.dropped_ids)
        for post in found:
            store.record_privacy(post, "purged", "records removed by archiver purge", files=found[post])
    click.echo(
        f"archiver: rewrote {len(result.rewritten)} file(s), {result.dropped_records} record(s) removed",
        err=True,
    )
    return EXIT_OK


@cli.command()
@click.argument("post", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@_DB_OPTION
@_OUT_OPTION
@click.pass_context
def privacy(ctx: click.Context, /, post: str | None, fmt: str, db: Path | None, out_dir: Path | None) -> int:
    """The dated privacy and takedown history (of POST, or of every post)."""
    with _store(ctx, db, out_dir) as store:
        entries = store.privacy_history(_post_id(post) if post else None)
    if fmt == "jsonl":
        report.write_jsonl(entries, sys.stdout)
    else:
        for entry in entries:
            files = f" ({len(entry['files'])} file(s))" if entry["files"] else ""
            click.echo(f"{entry['at']}  {entry['post_id']}  {entry['action']:<8}  {entry['reason']}{files}")
    return EXIT_OK


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
        _error(exc)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a folder that cannot be written (/proc, read-only, full disk)
        where = f"{exc.filename}: " if exc.filename else ""
        _error(f"{where}{exc.strerror or exc}")
        return EXIT_USAGE
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
