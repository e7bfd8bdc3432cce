"""The simulated X: a local HTTPS server that mimics X's public endpoints, scenario-driven.

Documented public API (docs/simx.md), used by the tests, the benchmarks and the offline demo::

    from archiver.testing.simx import SimX, load_scenario

    with SimX(load_scenario("seed")) as sim:
        settings = sim.settings(archiver.Settings())
"""

from archiver.testing.simx.scenario import (
    Fault,
    Photo,
    Scenario,
    ScenarioBuilder,
    load_scenario,
    packaged_scenario,
)
from archiver.testing.simx.server import SIM_HOSTS, RequestLog, SimX, settings_for, start_in_process

__all__ = [
    "SIM_HOSTS",
    "Fault",
    "Photo",
    "RequestLog",
    "Scenario",
    "ScenarioBuilder",
    "SimX",
    "load_scenario",
    "packaged_scenario",
    "settings_for",
    "start_in_process",
]
