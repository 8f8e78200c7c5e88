"""``coastwatch db`` and ``coastwatch geo``: the store and its reference geography."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from surveillance.cli.app import AppContext, console, needs, os_user, out, pass_app, step
from surveillance.errors import InputError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from surveillance.embedded import Cluster
    from surveillance.reference import GeographyLoad
    from surveillance.settings import Settings
    from surveillance.store import Store
    from surveillance.store.archive import ArchivedDay

__all__ = ["db", "geo"]


@click.group()
def db() -> None:
    """The store: the embedded PostGIS cluster by default, or COASTWATCH_DATABASE_URL."""


def _cluster(app: AppContext) -> Cluster:
    """The embedded cluster of the settings in force (psycopg loads only when asked)."""
    from surveillance.embedded import Cluster

    return Cluster(app.settings)


def _load_geography(app: AppContext, store: Store, force: bool = False) -> GeographyLoad:
    from surveillance.reference import load_geography

    with step("loading reference geography") as update:
        result = load_geography(app.settings, store, force=force, progress=update)
    if result.how == "current":
        console.print(f"geography of {app.settings.aoi_name!r} is current")
    else:
        console.print(
            f"geography of {app.settings.aoi_name!r} loaded ({result.how}): "
            f"{result.land_polygons} land polygons, {result.zones} zones, {result.ports} ports "
            f"in {result.seconds:.1f} s"
        )
    return result


def bring_up(app: AppContext) -> Store:
    """Start the store, migrate it, load the geography and, on a store with no user yet,
    add the first admin: what `db up`, `db reset` and `demo` do."""
    store = app.open_store()
    _load_geography(app, store)
    _first_admin(app, store)
    return store


def _first_admin(app: AppContext, store: Store) -> None:
    """The first admin, named after the OS user, on a store with no user: with the password
    in COASTWATCH_PASSWORD, else a new one printed this once (it is stored only hashed)."""
    from rich.markup import escape

    from surveillance.passwords import new_password

    name, given = os_user(), app.given_new_password()
    password = given or new_password()
    if not store.first_admin(name, password):
        return
    if given is not None:
        console.print(f"first admin {escape(name)} added, with the password in COASTWATCH_PASSWORD")
        return
    out.print(f"first admin: {escape(name)}  password: {escape(password)}", highlight=False)
    out.print(
        "the password is shown this once: note it, or change it now with `coastwatch users passwd`",
        highlight=False,
    )


@db.command()
@pass_app
def up(app: AppContext) -> None:
    """Start the store (initialising it on first use), migrate it and load the geography."""
    bring_up(app).close()
    where = "embedded cluster" if app.settings.embedded else "external server"
    console.print(f"store is up ({where}); `coastwatch db url` gives its address")


@db.command()
@pass_app
def down(app: AppContext) -> None:
    """Stop the embedded cluster cleanly."""
    if not app.settings.embedded:
        console.print("the store is an external server (COASTWATCH_DATABASE_URL): nothing to stop")
        return
    with step("stopping the embedded cluster"):
        stopped = _cluster(app).down()
    console.print("store stopped" if stopped else "store was not running")


def print_status(app: AppContext, store: Store | None) -> None:
    """Where the store is, its versions, whether it is up and what each table holds."""
    from rich.table import Table

    from surveillance.redaction import mask_secrets

    settings = app.settings
    info = Table(box=None, show_header=False)
    if settings.embedded:
        state = _cluster(app).state()
        info.add_row("store", "embedded PostgreSQL cluster")
        info.add_row("location", str(state.location))
        info.add_row("server user", state.server_user)
        info.add_row(
            "state", "up" if state.running else ("down" if state.initialised else "not created")
        )
    else:
        assert settings.database_url is not None
        info.add_row("store", "external server")
        info.add_row("url", mask_secrets(settings.database_url.get_secret_value()))
    if store is not None:
        for name, version in store.server_versions().items():
            info.add_row(name, version)
        current, head = store.revision()
        behind = "" if current == head else f" (this code expects {head}: `db up` migrates)"
        info.add_row("schema", f"{current or 'none'}{behind}")
    days = settings.retention_days
    info.add_row("retention", f"{days} days" if days else "keep all (retention_days unset)")
    info.add_row("archive", _archive_line(settings))
    if store is not None and (unfinished := store.unfinished_archive_days()):
        listed = ", ".join(day.isoformat() for day in unfinished)
        info.add_row("unfinished", f"{listed}: detached, not yet archived (`db archive` ends it)")
    out.print(info)
    if store is None:
        return
    health = store.server_health()
    counts = Table("table", "rows", box=None)
    counts.columns[1].justify = "right"
    for table, rows in store.table_counts().items():
        held_here = " (days on this server)" if table == "ais_positions" and health else ""
        counts.add_row(table + held_here, f"{rows:,}")
    out.print(counts)
    if health:
        from surveillance.cli.db_servers import health_table

        out.print(health_table(health))


def _print_workers(address: str) -> None:
    """The Dask scheduler at ``address``: whether it answers, then each worker's threads,
    memory against its limit, running tasks and when the scheduler last heard of it."""
    from rich.markup import escape
    from rich.table import Table

    from surveillance.workers import worker_health

    with step(f"asking the scheduler at {address}"):
        health = worker_health(address)
    said = f"{escape(address)}: {escape(health.detail)}"
    out.print(f"scheduler  {said if health.reachable else f'[red]{escape(health.detail)}[/red]'}")
    if not health.workers:
        return
    table = Table("worker", "address", "threads", "memory", "tasks", "last seen", box=None)
    for column in table.columns[2:]:
        column.justify = "right"
    for worker in health.workers:
        limit = f"{worker.memory_limit_mb:,.0f} MB" if worker.memory_limit_mb else "no limit"
        table.add_row(
            escape(worker.name),
            escape(worker.address),
            str(worker.nthreads),
            f"{worker.memory_mb:,.0f} / {limit}",
            str(worker.tasks_running),
            f"{worker.last_seen_s:.1f} s ago",
        )
    out.print(table)


@db.command()
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Also show this Dask scheduler's workers (default: the scheduler setting).",
)
@pass_app
def status(app: AppContext, scheduler: str | None) -> None:
    """Say where the store is, which versions, whether it is up and its row counts; with a
    Dask scheduler (--scheduler or COASTWATCH_SCHEDULER), the health of its workers."""
    settings = app.settings
    if settings.embedded and not _cluster(app).is_running():
        print_status(app, None)
    else:
        with app.open_store(migrate=False) as store:
            print_status(app, store)
    if address := scheduler or settings.scheduler:
        _print_workers(address)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _archive_line(settings: Settings) -> str:
    """The archive directory and the days archived there, on one line."""
    from surveillance.store.archive import archived_files

    files = archived_files(settings.archive_path)
    if not files:
        return f"{settings.archive_path}: no days archived"
    days = sorted({f.day for f in files})
    megabytes = sum(f.file_bytes for f in files) / 1e6
    span = days[0].isoformat() if len(days) == 1 else f"{days[0]} .. {days[-1]}"
    return f"{settings.archive_path}: {_days(len(days))} ({span}, {megabytes:,.1f} MB)"


def _rows_done(bar: Progress, task: TaskID) -> Callable[[int], None]:
    """A progress callback: rows written so far, into the bar's task."""
    return lambda rows: bar.update(task, completed=rows)


def _archive_cutoff(settings: Settings, older_than: int | None, before: str | None) -> datetime:
    """The end of the last day to archive: from ``--before``, ``--older-than`` or the
    ``retention_days`` setting, in that order."""
    from datetime import UTC, timedelta

    from surveillance.times import parse_time

    if older_than is not None and before is not None:
        raise click.UsageError("give --older-than or --before, not both")
    if before is not None:
        return parse_time(before, "--before")
    days = older_than if older_than is not None else settings.retention_days
    if days is None:
        raise click.UsageError(
            "retention_days is not set (the store keeps all positions): give --older-than "
            "DAYS or --before DATE, or set retention_days"
        )
    return datetime.now(UTC) - timedelta(days=days)


@db.command()
@click.option(
    "--older-than",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Archive the days that ended more than DAYS ago (default: retention_days).",
)
@click.option("--before", metavar="DATE", help="Archive the days that end by DATE (ISO 8601).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory for the files (default: archive_dir, or archive under the home).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be archived, change nothing.")
@pass_app
@needs("settings")
def archive(
    app: AppContext,
    older_than: int | None,
    before: str | None,
    out_dir: Path | None,
    dry_run: bool,
) -> None:
    """Move old days of positions out of the store into GeoParquet files, one per day.

    Each day's partition is detached, written (geometry as WKB, readable by geopandas,
    DuckDB and QGIS), checked, and only then dropped; `coastwatch ingest ais FILE.parquet`
    loads a file back. An interrupted run loses nothing: the next one finishes it.
    """
    from rich.progress import MofNCompleteColumn, Progress
    from rich.table import Table

    from surveillance.store.archive import check_writable
    from surveillance.times import iso_utc

    cutoff = _archive_cutoff(app.settings, older_than, before)
    directory = (out_dir or app.settings.archive_path).expanduser().resolve()
    with app.open_store() as store, store.archive_lock():
        due = store.days_to_archive(cutoff)
        if not due:
            console.print(f"nothing to archive: no day of positions ends by {iso_utc(cutoff)}")
            return
        if dry_run:
            plan = Table("day", "rows", "state", box=None)
            for planned in due:
                state = "detached (an earlier run)" if planned.detached else "partition"
                plan.add_row(planned.day.isoformat(), f"{planned.rows:,}", state)
            out.print(plan)
            rows = sum(d.rows for d in due)
            console.print(f"dry run: would archive {_days(len(due))}, {rows:,} rows to {directory}")
            return
        check_writable(directory)
        done: list[ArchivedDay] = []
        columns = (*Progress.get_default_columns()[:-1], MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            for due_day in due:
                task = bar.add_task(f"archiving {due_day.day}", total=due_day.rows)
                done.append(store.archive_day(due_day, directory, _rows_done(bar, task)))
                bar.remove_task(task)
    summary = Table("day", "rows", "file", "MB", box=None)
    for day in done:
        summary.add_row(
            day.day.isoformat(), f"{day.rows:,}", day.path.name, f"{day.file_bytes / 1e6:,.1f}"
        )
    out.print(summary)
    rows, size = sum(d.rows for d in done), sum(d.file_bytes for d in done)
    console.print(
        f"archived {_days(len(done))}, {rows:,} rows, {size / 1e6:,.1f} MB to {directory}"
    )


@db.command()
@click.option(
    "--user",
    "user_name",
    metavar="NAME",
    help="Log in as this Coastwatch user's database role: what their role may see, no more.",
)
@pass_app
def url(app: AppContext, user_name: str | None) -> None:
    """Print a libpq URI (postgresql://...) for psql, QGIS and other tools; starts the store.

    With --user the URI holds no password: psql asks for the user's Coastwatch password
    (or reads PGPASSWORD); over the embedded store's socket none is needed.
    """
    from surveillance.store import libpq_url, user_libpq_url

    if user_name is None:
        with step("starting the store"):
            address = libpq_url(app.settings)
    else:
        with app.open_store() as store:
            found = store.user(user_name)
        if found is None:
            raise InputError(f"no user {user_name!r}", hint="`coastwatch users list` shows them")
        if found.db_role is None:
            raise InputError(
                f"{user_name} has no database role: the store's owner could not create one "
                "when the user was added",
                hint="the store's owner needs CREATEROLE for that (ask the server's admin)",
            )
        if found.disabled:
            raise InputError(f"{user_name} is disabled: their database role may not log in")
        address = user_libpq_url(app.settings, found.db_role)
    out.print(address, markup=False, highlight=False)


@db.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def reset(app: AppContext, yes: bool) -> None:
    """Drop all data and start with an empty store (asks first)."""
    settings = app.settings
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("reset drops all data; pass --yes to confirm")
        click.confirm("This drops every table and all data in the store. Go on?", abort=True)
    if settings.embedded:
        with step("removing the embedded cluster"):
            _cluster(app).destroy()
    else:
        from surveillance import schema

        with app.open_store(migrate=False) as store, step("dropping all tables"):
            schema.downgrade_base(store.engine)
    bring_up(app).close()
    console.print("store reset: empty, with the geography loaded")


@click.group()
def geo() -> None:
    """Reference geography: coastline, seaports and zones of the area of operations."""


@geo.command("load")
@click.option("--force", is_flag=True, help="Rebuild from the data packages, ignoring caches.")
@pass_app
@needs("sources")
def geo_load(app: AppContext, force: bool) -> None:
    """Load the geography of the area of operations into the store."""
    with app.open_store() as store:
        _load_geography(app, store, force=force)
