"""Settings: defaults in one place, then a TOML file, then ``ARCHIVER_*`` variables, then flags.

:class:`Settings` is frozen; :func:`load_settings` builds it from the layers. A flag that was
not given is :data:`NOT_GIVEN` (a sentinel), which keeps it apart from a value that turns a
setting off (``0``, an empty list).
"""

from __future__ import annotations

import os
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
    "load_settings",
    "parse_resolve",
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
    resolve: tuple[tuple[str, str, int], ...] = ()  # (host, address, port), like curl --resolve
    ca_bundle: Path | None = None  # an extra CA to trust (a mirror, a proxy, the simulator)
    allow_private: bool = False  # the simulator on loopback is the only reason to set this
    concurrency: int = DEFAULT_CONCURRENCY
    per_host: int = DEFAULT_PER_HOST
    rate: float = 0.0  # requests per second per host; 0: no limit
    timeout: float = DEFAULT_TIMEOUT
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
            else:
                out[name] = value
        except (TypeError, ValueError):
            raise ConfigError(f"setting {name}: {value!r} is not a valid {kind}") from None
    return out


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **flags: Any,
) -> Settings:
    """Defaults < ``config_file`` (TOML, section ``[archiver]`` or top level) < env < flags."""
    settings = Settings()
    if config_file is not None:
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{config_file}: {exc}") from exc
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
