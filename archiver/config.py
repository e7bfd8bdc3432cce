"""Settings: defaults in one place, then a TOML file, then ``ARCHIVER_*`` variables, then flags.

:class:`Settings` is frozen; :func:`load_settings` builds it from the layers. A flag that was
not given is :data:`NOT_GIVEN` (a sentinel), which keeps it apart from a value that turns a
setting off (``0``, an empty list).
"""

from __future__ import annotations

import math
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final

from archiver.errors import ConfigError

__all__ = [
    "DEFAULT_CHROMIUM",
    "DEFAULT_MAX_INPUT_BYTES",
    "DEFAULT_OUT_DIR",
    "NOT_GIVEN",
    "Settings",
    "check_ranges",
    "load_settings",
    "parse_resolve",
    "read_toml",
]


class _NotGiven:
    """The type of :data:`NOT_GIVEN`: "the user said nothing", unlike ``None`` or ``0``."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = _NotGiven()

DEFAULT_MAX_INPUT_BYTES = 20 * 1024 * 1024
DEFAULT_OUT_DIR = Path("archives")
DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_CONCURRENCY = 16
DEFAULT_PER_HOST = 8
DEFAULT_TIMEOUT = 20.0
DEFAULT_FETCH_DEADLINE = 120.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
DEFAULT_CAPTURE_CONCURRENCY = 2
DEFAULT_CAPTURE_TIMEOUT = 30.0
DEFAULT_WARC_ROLLOVER = 1024**3
ENV_PREFIX = "ARCHIVER_"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of a run. Paths are as given; nothing here touches the disk."""

    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    out_dir: Path = DEFAULT_OUT_DIR
    # Networking (probes and browser alike)
    # (host, address, port), like curl --resolve: the operator's decision, never guarded
    resolve: tuple[tuple[str, str, int], ...] = ()
    ca_bundle: Path | None = None  # an extra CA to trust (a mirror, a proxy, the simulator)
    concurrency: int = DEFAULT_CONCURRENCY
    per_host: int = DEFAULT_PER_HOST
    rate: float = 0.0  # requests per second per host; 0: no limit
    timeout: float = DEFAULT_TIMEOUT  # seconds one HTTP attempt may take, first byte to last
    fetch_deadline: float = DEFAULT_FETCH_DEADLINE  # seconds one fetch may take: hops, retries
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF  # seconds before the first retry; doubles each time
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    # Browser capture
    chromium: str = DEFAULT_CHROMIUM
    capture_concurrency: int = DEFAULT_CAPTURE_CONCURRENCY
    capture_timeout: float = DEFAULT_CAPTURE_TIMEOUT
    warc_rollover: int = DEFAULT_WARC_ROLLOVER
    warc_prefix: str = "embeds"
    with_status_page: bool = False  # also capture x.com/USER/status/ID
    with_article: bool = False  # also capture the article page, when it was given as a URL
    # State
    db: Path | None = None  # the state database; None: archiver.db in out_dir
    use_db: bool = True  # remember checks across runs
    # Evidence: signing and trusted timestamps of packages (archiver/evidence)
    signing_key: Path | None = None  # None: ~/.config/embed-archiver/signing-key.pem when it exists
    signing_url: str | None = None  # an authsign-compatible server (domain signing)
    signing_token: str | None = None
    tsa: tuple[str, ...] = ()  # RFC 3161 timestamp authorities, asked in turn
    tsa_certs: tuple[str, ...] = ()  # PEM files: the TSAs' roots and intermediates
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_ranges(self)

    @property
    def db_path(self) -> Path:
        return self.db or self.out_dir / "archiver.db"

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with ``changes``; values that are :data:`NOT_GIVEN` are ignored."""
        given = {k: v for k, v in changes.items() if v is not NOT_GIVEN}
        return replace(self, **_coerce(given))


def parse_resolve(entry: str) -> tuple[str, str, int]:
    """``HOST=ADDR:PORT`` (or curl's ``HOST:PORT:ADDR``) to ``(host, addr, port)``."""
    try:
        if "=" in entry:
            host, target = entry.split("=", 1)
            addr, port = target.rsplit(":", 1)
        else:
            host, port, addr = entry.split(":", 2)
        return host.strip().lower(), addr.strip("[] "), int(port)
    except ValueError:
        raise ConfigError(f"--resolve {entry!r}: expected HOST=ADDR:PORT") from None


_FIELD_TYPES = {f.name: f.type for f in fields(Settings)}

# (setting, lowest allowed value, whether the lowest itself is allowed): checked whenever
# Settings are built, whichever layer (file, environment, flag) gave the value.
_RANGES: Final = (
    ("max_input_bytes", 1, True),
    ("concurrency", 1, True),
    ("per_host", 1, True),
    ("rate", 0.0, True),
    ("timeout", 0.0, False),
    ("fetch_deadline", 0.0, False),
    ("retries", 0, True),
    ("backoff", 0.0, True),
    ("max_response_bytes", 1, True),
    ("capture_concurrency", 1, True),
    ("capture_timeout", 0.0, False),
    ("warc_rollover", 1, True),
)


def check_ranges(settings: Settings) -> None:
    """Refuse values no run can use (negative sizes, zero concurrency, ports over 65535)."""
    for name, low, inclusive in _RANGES:
        value = getattr(settings, name)
        if value != value or value < low or (value == low and not inclusive):  # NaN too
            bound = f"at least {low}" if inclusive else f"more than {low}"
            raise ConfigError(f"setting {name}: {value!r} is out of range (must be {bound})")
    for host, _, port in settings.resolve:
        if not 1 <= port <= 65535:
            raise ConfigError(f"--resolve {host}: port {port} is out of range (1-65535)")


def _coerce(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in _FIELD_TYPES:
            raise ConfigError(f"unknown setting {name!r}")
        kind = str(_FIELD_TYPES[name])
        try:
            if name == "resolve":
                items = value.split(",") if isinstance(value, str) else value
                out[name] = tuple(
                    item if isinstance(item, tuple) else parse_resolve(str(item)) for item in items if item
                )
            elif kind == "tuple[str, ...]":
                items = value.split(",") if isinstance(value, str) else value
                out[name] = tuple(str(item).strip() for item in items if str(item).strip())
            elif kind.startswith("Path"):
                out[name] = Path(value) if value not in (None, "") else None
            elif kind == "bool":
                out[name] = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            elif kind == "int":
                out[name] = int(value)
            elif kind == "float":
                out[name] = float(value)
                if math.isnan(out[name]):
                    raise ValueError(name)
            else:
                out[name] = value
        except (TypeError, ValueError):
            raise ConfigError(f"setting {name}: {value!r} is not a valid {kind}") from None
    return out


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a table, or a one-line :class:`ConfigError` (missing, not a regular file,
    not UTF-8, not TOML). A FIFO is refused before it is opened: reading one blocks."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise ConfigError(f"{path}: not a regular file")
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **flags: Any,
) -> Settings:
    """Defaults < ``config_file`` (TOML, section ``[archiver]`` or top level) < env < flags."""
    settings = Settings()
    if config_file is not None:
        data = read_toml(config_file)
        table = data.get("archiver", data)
        known = {k.replace("-", "_"): v for k, v in table.items() if not isinstance(v, dict)}
        settings = settings.with_changes(**known)
    env = os.environ if environ is None else environ
    from_env = {
        name: env[ENV_PREFIX + name.upper()]
        for name in _FIELD_TYPES
        if ENV_PREFIX + name.upper() in env and name != "extra"
    }
    return settings.with_changes(**from_env).with_changes(**flags)
