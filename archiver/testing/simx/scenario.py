"""Scenarios for the simulated X: tweets, their states over (simulated) time, and faults.

Time is counted in *phases* (0, 1, 2, …): a run happens in one phase, and a tweet's state in
phase *p* is its base fields with every ``then`` override of phase ≤ *p* applied in order.
Scenarios are YAML or JSON files (``scenarios/*.yaml`` ship with the package) or built in
Python with :class:`ScenarioBuilder`.

States: ``live``, ``deleted_404``, ``deleted_empty`` (200 ``{}``), ``deleted_tombstone``,
``suspended``, ``protected``, ``age_restricted``, ``withheld``, ``unavailable``,
``violated``, ``account_gone``. An edit is a new tweet (``appears_at``) plus an override on
the old one (``stale_edit: true``, ``edit_ids: [old, new]``); a rename overrides ``handle``;
a media swap overrides ``photos``.

Faults (per host, optionally per tweet id, from a phase on, for the first ``times``
requests or with probability ``rate``): ``latency``, ``status429`` (with ``retry_after``),
``status5xx``, ``reset``, ``truncate``, ``login_wall``. ``chaos`` (0 to 1) makes that share
of all requests fail with one of them at random.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "STATES",
    "Fault",
    "Photo",
    "Scenario",
    "ScenarioBuilder",
    "SimTweet",
    "TweetView",
    "load_scenario",
    "packaged_scenario",
]

STATES = frozenset(
    {
        "live",
        "deleted_404",
        "deleted_empty",
        "deleted_tombstone",
        "suspended",
        "protected",
        "age_restricted",
        "withheld",
        "unavailable",
        "violated",
        "account_gone",
    }
)
FAULT_KINDS = frozenset({"latency", "status429", "status5xx", "reset", "truncate", "login_wall"})
SCENARIO_DIR = Path(__file__).parent / "scenarios"


@dataclass(frozen=True, slots=True)
class Photo:
    code: str  # the pic.twitter.com / t.co code
    key: str = ""  # the media key in pbs.twimg.com/media/KEY (defaults to the code)
    color: str | None = None  # "#rrggbb"; a swap changes key and colour

    @property
    def media_key(self) -> str:
        return self.key or f"Sim{self.code}"


@dataclass(frozen=True, slots=True)
class TweetView:
    """A tweet as the simulated X shows it in one phase."""

    id: str
    created_at: str
    handle: str
    name: str
    text: str
    user_id: str
    state: str = "live"
    lang: str = "en"
    photos: tuple[Photo, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (t.co code, expanded url) in the text
    quoted_id: str | None = None
    edit_ids: tuple[str, ...] = ()
    stale_edit: bool = False
    withheld_in: str = "Germany"
    exists: bool = True


@dataclass(frozen=True, slots=True)
class SimTweet:
    base: TweetView
    appears_at: int = 0
    then: tuple[tuple[int, dict[str, Any]], ...] = ()

    def view(self, phase: int) -> TweetView:
        view = self.base
        if phase < self.appears_at:
            return replace(view, exists=False)
        for at, changes in self.then:
            if at <= phase:
                view = replace(view, **changes)
        return view


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str
    host: str | None = None
    tweet_id: str | None = None
    rate: float = 1.0
    times: int | None = None
    from_phase: int = 0
    retry_after: int | None = None
    seconds: float = 0.0
    status: int = 503


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    tweets: dict[str, SimTweet]
    links: dict[str, str] = field(default_factory=dict)  # t.co code -> url, for lone links
    faults: tuple[Fault, ...] = ()
    chaos: float = 0.0
    seed: int = 0

    def view(self, tweet_id: str, phase: int) -> TweetView | None:
        tweet = self.tweets.get(tweet_id)
        if tweet is None:
            return None
        view = tweet.view(phase)
        return view if view.exists else None

    def short_link(self, code: str, phase: int) -> str | None:
        """Where t.co/CODE (or pic.twitter.com/CODE) leads in ``phase``."""
        if code in self.links:
            return self.links[code]
        for tweet in self.tweets.values():
            view = tweet.view(phase)
            for photo in view.photos:
                if photo.code == code:
                    return f"https://twitter.com/{view.handle}/status/{view.id}/photo/1"
            for link_code, url in view.links:
                if link_code == code:
                    return url
        return None


def _photo(data: Any) -> Photo:
    if isinstance(data, str):
        return Photo(code=data)
    return Photo(code=str(data["code"]), key=str(data.get("key", "")), color=data.get("color"))


_VIEW_FIELDS = {
    "handle",
    "name",
    "text",
    "state",
    "lang",
    "quoted_id",
    "stale_edit",
    "withheld_in",
    "user_id",
}


def _changes(data: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key in _VIEW_FIELDS:
            changes[key] = str(value) if key not in ("stale_edit",) else bool(value)
        elif key == "photos":
            changes["photos"] = tuple(_photo(p) for p in value or ())
        elif key == "links":
            changes["links"] = tuple((str(k), str(v)) for k, v in (value or {}).items())
        elif key == "edit_ids":
            changes["edit_ids"] = tuple(str(i) for i in value)
        elif key != "phase":
            raise ValueError(f"unknown tweet field {key!r}")
    state = changes.get("state")
    if state is not None and state not in STATES:
        raise ValueError(f"unknown state {state!r}; one of {sorted(STATES)}")
    return changes


def _stable_user_id(handle: str) -> str:
    return str(int(hashlib.sha256(handle.lower().encode()).hexdigest()[:12], 16) % 10**10)


def scenario_from_dict(data: dict[str, Any]) -> Scenario:
    tweets: dict[str, SimTweet] = {}
    for item in data.get("tweets", ()):
        tweet_id = str(item["id"])
        base_fields = {k: v for k, v in item.items() if k not in ("id", "created_at", "then", "appears_at")}
        changes = _changes(base_fields)
        changes.setdefault("user_id", _stable_user_id(str(changes.get("handle", ""))))
        base = TweetView(
            id=tweet_id,
            created_at=str(item["created_at"]),
            handle=changes.pop("handle"),
            name=changes.pop("name", "") or "",
            text=changes.pop("text", "") or "",
            user_id=changes.pop("user_id"),
            **changes,
        )
        then = tuple((int(t["phase"]), _changes(t)) for t in item.get("then", ()))
        tweets[tweet_id] = SimTweet(base=base, appears_at=int(item.get("appears_at", 0)), then=then)
    faults = []
    for item in data.get("faults", ()):
        if item.get("kind") not in FAULT_KINDS:
            raise ValueError(f"unknown fault {item.get('kind')!r}; one of {sorted(FAULT_KINDS)}")
        faults.append(
            Fault(
                kind=item["kind"],
                host=item.get("host"),
                tweet_id=str(item["tweet_id"]) if item.get("tweet_id") else None,
                rate=float(item.get("rate", 1.0)),
                times=item.get("times"),
                from_phase=int(item.get("from_phase", 0)),
                retry_after=item.get("retry_after"),
                seconds=float(item.get("seconds", 0.0)),
                status=int(item.get("status", 503)),
            )
        )
    return Scenario(
        name=str(data.get("name", "scenario")),
        tweets=tweets,
        links={str(k): str(v) for k, v in (data.get("links") or {}).items()},
        faults=tuple(faults),
        chaos=float(data.get("chaos", 0.0)),
        seed=int(data.get("seed", 0)),
    )


def load_scenario(path_or_name: str | Path) -> Scenario:
    """A scenario file (YAML or JSON), or the name of one shipped with the package."""
    path = Path(path_or_name)
    if not path.exists():
        path = packaged_scenario(str(path_or_name))
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a scenario is a mapping with 'tweets'")
    return scenario_from_dict(data)


def packaged_scenario(name: str) -> Path:
    path = SCENARIO_DIR / f"{name}.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
        raise FileNotFoundError(f"no scenario {name!r} (shipped: {known})")
    return path


class ScenarioBuilder:
    """Build scenarios in tests: ``ScenarioBuilder("t").tweet("20", handle="jack").build()``."""

    def __init__(self, name: str = "built", chaos: float = 0.0, seed: int = 0) -> None:
        self._data: dict[str, Any] = {"name": name, "tweets": [], "faults": [], "links": {}}
        self._data["chaos"], self._data["seed"] = chaos, seed

    def tweet(
        self,
        tweet_id: str,
        *,
        handle: str = "someone",
        text: str = "hello",
        created_at: str = "2025-03-14T15:02:11.000Z",
        **fields: Any,
    ) -> ScenarioBuilder:
        item = {"id": tweet_id, "handle": handle, "text": text, "created_at": created_at}
        item["name"] = fields.pop("name", handle.title())
        item.update(fields)
        self._data["tweets"].append(item)
        return self

    def then(self, tweet_id: str, phase: int, **changes: Any) -> ScenarioBuilder:
        for item in self._data["tweets"]:
            if item["id"] == tweet_id:
                item.setdefault("then", []).append({"phase": phase, **changes})
                return self
        raise KeyError(tweet_id)

    def fault(self, kind: str, **fields: Any) -> ScenarioBuilder:
        self._data["faults"].append({"kind": kind, **fields})
        return self

    def link(self, code: str, url: str) -> ScenarioBuilder:
        self._data["links"][code] = url
        return self

    def build(self) -> Scenario:
        return scenario_from_dict(self._data)
