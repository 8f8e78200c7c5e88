"""``coastwatch simulate``: a scenario on the real coast, as NMEA with ground truth."""

from __future__ import annotations

from pathlib import Path

import click

from surveillance.cli.app import AppContext, console, pass_app, step
from surveillance.times import parse_time

__all__ = ["simulate"]

DEFAULT_START = "2026-11-01T00:00:00Z"  # fixed, so that a seed always gives one scenario


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Directory for feed.nmea, truth.json and watchlist.csv.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same scenario.")
@click.option(
    "--vessels",
    type=click.IntRange(1, 20_000),
    default=60,
    show_default=True,
    help="Background traffic (the events and confounders come on top).",
)
@click.option("--hours", type=click.FloatRange(0.1, 72), default=24.0, show_default=True)
@click.option(
    "--start", default=DEFAULT_START, show_default=True, help="ISO 8601 (UTC unless it says)."
)
@click.option(
    "--scenario",
    "kind",
    type=click.Choice(["standard", "hard"]),
    default="standard",
    show_default=True,
    help="hard: several events of each kind, pair trawlers, coverage holes crossed, "
    "sparse traffic far offshore, one MMSI shared by two ships.",
)
@click.option(
    "--scenes",
    "scene_count",
    type=click.IntRange(0, 8),
    default=3,
    show_default=True,
    help="SAR scenes over the scenario (scenes/*.tif, 24 km at 10 m; the first during the "
    "transfer with a dark partner, one placed by GCPs); 0: none.",
)
@click.option(
    "--drones",
    "drone_count",
    type=click.IntRange(0, 2),
    default=2,
    show_default=True,
    help="Drone flights over the scenario's events (drone/flight-<n>.tlog, launched from the "
    "nearest shore, logged at 1 Hz); 0: none.",
)
@click.option(
    "--serve-tcp",
    "serve_port",
    type=click.IntRange(1, 65535),
    help="Then replay the feed to TCP clients on this port.",
)
@click.option(
    "--speed",
    type=click.FloatRange(0),
    default=1.0,
    show_default=True,
    help="Replay speed-up for --serve-tcp (0: as fast as possible).",
)
@pass_app
def simulate(
    app: AppContext,
    out_dir: Path,
    seed: int,
    vessels: int,
    hours: float,
    start: str,
    kind: str,
    scene_count: int,
    drone_count: int,
    serve_port: int | None,
    speed: float,
) -> None:
    """Simulate AIS traffic on the real coast of the area of operations, with injected
    events (STS transfers, a landing at night, AIS gaps, loitering, a zone entry, identity
    tampering, watched vessels) and confounders; writes feed.nmea, the ground truth
    (truth.json), the scenario's watchlist (watchlist.csv, for `watchlist import`) and SAR
    scenes over it (scenes/*.tif, with their ships and dark vessels in the truth) and drone
    flights over its events (drone/*.tlog, with their times in the truth) and the pages of a
    forum that speaks of its events (web/, crawled by `crawl --sources web/sources.toml`;
    the posts and what they name in the truth's leads)."""
    import numpy as np

    from simulator.drone_log import fly, plan_flights
    from simulator.emit import write_scenario
    from simulator.replay import serve_tcp
    from simulator.scenario import build_scenario
    from simulator.scenes import plan_scenes, scene_events, write_scenes
    from simulator.web import write_web
    from simulator.world import World
    from surveillance.reference import area_of_operations

    start_s = parse_time(start, "--start").timestamp()
    rng = np.random.default_rng(seed)
    with step("building the scenario on the coast"):
        world = World(area_of_operations(app.settings), rng)
        scenario = build_scenario(world, start_s, hours, vessels, hard=kind == "hard")
        # the scenes draw from their own generator: the feed of a seed stays as it was
        plans = plan_scenes(scenario, world, scene_count, np.random.default_rng([seed, 11]))
        scenario.truth += scene_events(plans)
        scenario.scenes = [plan.truth() for plan in plans]
    with step(f"flying {drone_count} drone(s)"):
        logs = [fly(flight) for flight in plan_flights(scenario, world, drone_count)]
        scenario.drones = [log.truth() for log in logs]
    with step("writing the forum pages that speak of the events"):
        scenario.leads = write_web(scenario, world, out_dir)
    with step("writing what the receivers heard"):
        stats = write_scenario(scenario, world, out_dir, rng)
    with step(f"rendering {len(plans)} SAR scene(s)"):
        written = write_scenes(plans, world, out_dir)
    flown = [log.write(out_dir) for log in logs]
    scenes = f", {out_dir}/scenes/ ({', '.join(p.name for p in written)})" if written else ""
    scenes += f", {out_dir}/drone/ ({', '.join(p.name for p in flown)})" if flown else ""
    console.print(
        f"{stats.vessels} vessels, {stats.lines:,} NMEA lines from {len(scenario.receiver_names)} "
        f"receivers, {stats.events} events -> {out_dir}/feed.nmea, {out_dir}/truth.json, "
        f"{out_dir}/watchlist.csv, {out_dir}/web/ ({len(scenario.leads)} posts){scenes}"
    )
    if serve_port:
        console.print(f"replaying on 127.0.0.1:{serve_port} at {speed or 'full'}x; Ctrl-C stops")
        serve_tcp(out_dir / "feed.nmea", serve_port, speed)
