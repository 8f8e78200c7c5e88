"""``coastwatch detect`` (run the rules) and ``coastwatch evaluate`` (score them on truth)."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from surveillance.cli.app import AppContext, console, format_option, needs, out, pass_app, step
from surveillance.errors import InputError
from surveillance.times import iso_utc, parse_time

if TYPE_CHECKING:
    from alerts.engine import Engine, RunStats
    from alerts.runners import DaskRunner

__all__ = ["detect", "evaluate"]


def _print_run(stats: RunStats) -> None:
    from rich.table import Table

    table = Table("rule", "alerts", "seconds", box=None)
    for rule, seconds in stats.seconds.items():
        found = stats.failed.get(rule) or str(stats.found.get(rule, ""))
        table.add_row(rule, found, f"{seconds:.2f}")
    seen = (
        f"{stats.detections:,} detections ({stats.matched:,} matched to AIS, {stats.dark:,} dark); "
        if stats.detections
        else ""
    )
    if stats.leads:
        seen += f"{stats.leads:,} web leads ({stats.leads_matched:,} bore on alerts); "
    out.print(
        f"{iso_utc(stats.since)} .. {iso_utc(stats.until)}: {stats.positions:,} positions of "
        f"{stats.vessels:,} vessels; {seen}{sum(stats.found.values())} alerts found, "
        f"{stats.written} new or changed"
    )
    out.print(table)
    parts = sum(task.phase == "find" for task in stats.tasks)
    if stats.slices > 1 or parts > stats.slices:
        workers = len({task.worker for task in stats.tasks if task.worker}) or 1
        out.print(
            f"in {stats.slices} slice(s) of {parts // max(stats.slices, 1)} tile(s) each, on "
            f"{workers} worker(s)"
        )
    for rule, error in stats.failed.items():
        console.print(f"[red]rule {rule} failed[/red]: {error} (the other rules ran)")


@click.command()
@click.option("--since", help="ISO 8601 UTC (default: 24 h before --until).")
@click.option("--until", help="ISO 8601 UTC (default: just after the latest position).")
@click.option("--follow", is_flag=True, help="Keep running on new data until Ctrl-C.")
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Run the rules on the workers of this Dask scheduler (default: the `scheduler` "
    "setting; unset: in process).",
)
@pass_app
@needs("sources")
def detect(
    app: AppContext, since: str | None, until: str | None, follow: bool, scheduler: str | None
) -> None:
    """Run the alert rules over a time window and store the alerts they raise.

    Re-running a window changes nothing; an event that continues is one alert that grows.
    A stored alert that late reports changed is revised, or withdrawn (kept, never
    deleted), and its history says so. With --follow, a cycle every
    `rules.detect_follow_interval_s` seconds reads only what arrived since the last one
    (reports up to `rules.detect_follow_lateness_minutes` late) and runs each rule over the
    vessels it concerns; every `rules.detect_follow_refresh_hours` a cycle runs over the
    whole last `rules.detect_follow_lookback_hours` instead.

    A long window runs in slices of `rules.detect_slice_hours` at most, short enough for
    `rules.detect_memory_budget_mb`. With --scheduler, each slice is cut into tiles
    (`rules.detect_tile_deg`, with a halo of `rules.detect_halo_km`) that the workers run;
    the alerts stored are those a run in process stores. docs/distributed.md tells how.
    """
    from alerts.engine import Engine
    from alerts.follow import follow as follow_engine

    if follow and (since or until):
        raise InputError("--follow runs up to now: it takes no --since or --until")
    scheduler = scheduler or app.settings.scheduler
    if follow and scheduler:
        raise InputError(
            "--follow runs in process: it takes no scheduler",
            hint="leave out --scheduler (or unset the `scheduler` setting) for --follow",
        )
    end, start = parse_time(until, "--until"), parse_time(since, "--since")  # before the store
    store = app.open_store()
    if scheduler:
        with _on_cluster(scheduler) as runner:
            _run_window(Engine(app.settings, store, runner), start, end)
        return
    engine = Engine(app.settings, store)
    if follow:
        stop = threading.Event()

        def interrupt(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, interrupt)
        signal.signal(signal.SIGTERM, interrupt)
        console.print("following new data; Ctrl-C stops")
        follow_engine(engine, stop, _print_run)
        return
    _run_window(engine, start, end)


@contextmanager
def _on_cluster(address: str) -> Iterator[DaskRunner]:
    from alerts.runners import DaskRunner, connect

    with step(f"connecting to the Dask scheduler at {address}"):
        client = connect(address)
    try:
        yield DaskRunner(client)
    finally:
        client.close()


def _run_window(engine: Engine, start: datetime | None, end: datetime | None) -> None:
    if end is None:
        latest = engine.store.latest_position_time()
        if latest is None:
            raise InputError(
                "the store holds no positions", hint="ingest some: coastwatch ingest ais FILE"
            )
        end = latest + timedelta(seconds=1)
    start = start or end - timedelta(hours=24)
    with step("running the rules") as update:
        stats = engine.run(start, end, on_step=update)
    _print_run(stats)
    if stats.failed:
        raise SystemExit(1)


@click.command()
@click.option(
    "--truth",
    "truth_file",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="truth.json written by `coastwatch simulate`.",
)
@click.option(
    "--slack-minutes",
    type=click.FloatRange(0),
    default=30.0,
    show_default=True,
    help="Time tolerance when matching alerts to events.",
)
@format_option(
    "json: one array of {rule, events, detected, alerts, true_alerts, precision, recall, ...}."
)
@pass_app
@needs("sources")
def evaluate(app: AppContext, truth_file: Path, slack_minutes: float, fmt: str) -> None:
    """Precision and recall of each rule against a simulated scenario's ground truth.

    Run `coastwatch detect` over the scenario first; alerts are matched to events of the
    same type by vessels (dark vessels, which name none, by place) and overlapping time;
    dark vessels and dark rendezvous count where a scene saw them. The scenario's
    look-alikes (pair trawlers, coverage holes crossed) should raise nothing; those that
    did are counted after the table.
    """
    from rich.table import Table

    from alerts.evaluate import evaluate as score_rules
    from alerts.evaluate import lead_score, truth_window

    try:
        truth = json.loads(truth_file.read_text())
        window = truth_window(truth)
        events = truth["events"]
    except KeyError as exc:
        raise InputError(f"{truth_file} is not a simulator truth file: no {exc} in it") from None
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(f"{truth_file} is not a simulator truth file: {exc}") from None
    if not isinstance(events, list):
        raise InputError(f"{truth_file}: 'events' must be a list")
    with app.open_store() as store:
        alerts = store.alerts_overlapping(window)
    scores = score_rules(truth, alerts, slack_minutes * 60)
    if fmt == "json":
        out.print_json(
            data=[{**s.__dict__, "precision": s.precision, "recall": s.recall} for s in scores]
        )
        return
    table = Table("rule", "events", "detected", "recall", "alerts", "true", "precision", box=None)
    for s in scores:
        table.add_row(
            s.rule,
            str(s.events),
            str(s.detected),
            _pct(s.recall),
            str(s.alerts),
            str(s.true_alerts),
            _pct(s.precision),
        )
    out.print(table)
    fooled = [f"{s.rule} {s.lookalikes_alerted} of {s.lookalikes}" for s in scores if s.lookalikes]
    if fooled:
        out.print(f"look-alikes alerted on: {', '.join(fooled)}")
    unseen = [f"{s.rule} {s.unseen}" for s in scores if s.unseen]
    if unseen:
        out.print(f"events no scene covered (not counted): {', '.join(unseen)}")
    leads = lead_score(truth, alerts, slack_minutes * 60)
    if leads.events:
        out.print(
            f"web leads: {leads.events} event(s) the pages speak of, {leads.alerted} alerted, "
            f"{leads.with_leads} of those alerts with the pages' leads"
        )
    skipped = sorted({e["type"] for e in events} - {s.rule for s in scores})
    if skipped:
        console.print(f"not evaluated (no rule yet): {', '.join(skipped)}")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
